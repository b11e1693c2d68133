import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotFoundError, StorageUnavailableError, StorageUnreachableError } from '../src/errors.js';
import { Retrier, type RetryEvent } from '../src/retrier.js';
import { compileStorageOptions, formatRetry, STORAGE_RETRY_ENV } from '../src/storage-options.js';

const refused = () => new StorageUnavailableError('s3://b at http://127.0.0.1:1', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));

describe('Retrier', () => {
  test('retries retryable failures until success, reporting each retry', async () => {
    const events: RetryEvent[] = [];
    const retrier = new Retrier('s3://b', { policy: { baseDelayMs: 5, maxDelayMs: 20, budgetMs: 5000 }, onRetry: (e) => events.push(e) });
    let calls = 0;
    const result = await retrier.run('put k', async () => {
      if (++calls < 4) throw refused();
      return 'ok';
    });
    assert.equal(result, 'ok');
    assert.equal(calls, 4);
    assert.equal(retrier.retries, 3);
    assert.deepEqual(events.map((e) => [e.operation, e.attempt]), [['put k', 1], ['put k', 2], ['put k', 3]]);
    assert.match(formatRetry(events[0]!), /^storage s3:\/\/b: put k failed \(connect ECONNREFUSED 127\.0\.0\.1:1\); retry 1 in \d+ ms$/);
  });

  test('does not retry errors that are not retryable', async () => {
    const retrier = new Retrier('s3://b', { policy: { baseDelayMs: 5, maxDelayMs: 20, budgetMs: 5000 } });
    for (const error of [new NotFoundError('k'), new Error('AccessDenied'), Object.assign(new Error('x'), { retryable: 'yes' })]) {
      let calls = 0;
      await assert.rejects(retrier.run('get k', async () => {
        calls++;
        throw error;
      }), (e) => e === error);
      assert.equal(calls, 1);
    }
    assert.equal(retrier.retries, 0);
  });

  test('gives up after the budget with StorageUnreachableError naming store, time and cause', async () => {
    const retrier = new Retrier('s3://b at http://127.0.0.1:1', { policy: { baseDelayMs: 10, maxDelayMs: 40, budgetMs: 400 } });
    const started = Date.now();
    let calls = 0;
    const error = await retrier.run('list jobs/', async () => {
      calls++;
      throw refused();
    }).catch((e: unknown) => e);
    const took = Date.now() - started;
    assert.ok(error instanceof StorageUnreachableError, String(error));
    assert.ok(error instanceof StorageUnavailableError, 'still a StorageUnavailableError');
    assert.match(error.message, /^storage s3:\/\/b at http:\/\/127\.0\.0\.1:1 unreachable for (\d+\.\d) s: connect ECONNREFUSED 127\.0\.0\.1:1 \(list jobs\/, \d+ attempts\)$/);
    assert.equal(error.attempts, calls);
    assert.ok(calls > 5, `retried ${calls} times`);
    assert.equal((error.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED', 'the socket error, unwrapped');
    // The budget is a floor; past it, only the last backoff (at most maxDelayMs) and the
    // scheduling of a loaded machine (a CI run shares it) add to the time.
    assert.ok(took >= 400 && took < 400 + 1000, `gave up after ${took} ms`);
    assert.ok(error.unreachableMs >= 400 && error.unreachableMs <= took);
    assert.equal(error.message.match(/unreachable for (\d+\.\d) s/)![1], (error.unreachableMs / 1000).toFixed(1), 'the message gives the time it measured');
  });

  test('an attempt cap ends retries early; an exhausted error from a nested retrier is not retried again', async () => {
    const retrier = new Retrier('s3://b', { policy: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, budgetMs: 60_000 } });
    let calls = 0;
    await assert.rejects(retrier.run('stat k', async () => {
      calls++;
      throw refused();
    }), StorageUnreachableError);
    assert.equal(calls, 3);
    calls = 0;
    const exhausted = new StorageUnreachableError('s3://b', refused(), 'read k', 9, 30_000);
    await assert.rejects(retrier.run('get k', async () => {
      calls++;
      throw exhausted;
    }), (e) => e === exhausted);
    assert.equal(calls, 1);
  });
});

describe('compileStorageOptions', () => {
  test('defaults, then environment overrides, then options given in code', () => {
    const quiet = { [STORAGE_RETRY_ENV.logRetries]: '0' };
    assert.deepEqual(compileStorageOptions({ env: quiet }).retry, { baseDelayMs: 100, maxDelayMs: 5000, budgetMs: 30_000 });
    assert.equal(compileStorageOptions({ env: quiet }).requestTimeoutMs, 30_000);
    const env = {
      GOMR_STORAGE_RETRY_BUDGET_MS: '2000',
      GOMR_STORAGE_RETRY_BASE_MS: '10',
      GOMR_STORAGE_RETRY_MAX_MS: '200',
      GOMR_STORAGE_RETRY_ATTEMPTS: '7',
      GOMR_STORAGE_REQUEST_TIMEOUT_MS: '1500',
    };
    const fromEnv = compileStorageOptions({ env });
    assert.deepEqual(fromEnv.retry, { baseDelayMs: 10, maxDelayMs: 200, budgetMs: 2000, attempts: 7 });
    assert.equal(fromEnv.requestTimeoutMs, 1500);
    const given = compileStorageOptions({ env, retry: { budgetMs: 50 }, requestTimeoutMs: 99 });
    assert.deepEqual(given.retry, { baseDelayMs: 10, maxDelayMs: 200, budgetMs: 50, attempts: 7 });
    assert.equal(given.requestTimeoutMs, 99);
    assert.equal(compileStorageOptions({ env, retry: false }).retry, null);
  });

  test('a bad value fails early, naming the variable or field', () => {
    assert.throws(() => compileStorageOptions({ env: { GOMR_STORAGE_RETRY_BUDGET_MS: '30s' } }), /GOMR_STORAGE_RETRY_BUDGET_MS must be an integer >= 0, got "30s"/);
    assert.throws(() => compileStorageOptions({ env: { GOMR_STORAGE_RETRY_ATTEMPTS: '0' } }), /GOMR_STORAGE_RETRY_ATTEMPTS/);
    assert.throws(() => compileStorageOptions({ env: { GOMR_STORAGE_RETRY_MAX_MS: '5' } }), /"maxDelayMs" \(5\) must be >= "baseDelayMs"/);
    assert.throws(() => compileStorageOptions({ env: {}, requestTimeoutMs: -1 }), /"requestTimeoutMs"/);
  });
});
