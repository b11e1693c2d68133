import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LocalStorage } from '../src/local-storage.js';
import { openStorage, storageConfigFromEnv, storageConfigToEnv, validateStorageConfig } from '../src/open-storage.js';
import { RetryingStorage } from '../src/retrying-storage.js';
import { S3Storage } from '../src/s3-storage.js';
import type { StorageConfig } from '../src/storage-config.js';

const s3Config: StorageConfig = {
  kind: 's3',
  endpoint: 'http://127.0.0.1:9000',
  bucket: 'gomr-data',
  accessKey: 'AK',
  secretKey: 'SK',
};

describe('storage config from and to the environment', () => {
  test('round-trips local and s3 configs, with and without region', () => {
    const configs: StorageConfig[] = [{ kind: 'local', root: '/var/gomr' }, s3Config, { ...s3Config, region: 'eu-west-1' }];
    for (const config of configs) {
      const env = storageConfigToEnv(config);
      for (const value of Object.values(env)) assert.equal(typeof value, 'string');
      assert.deepEqual(storageConfigFromEnv(env), config);
    }
    assert.deepEqual(storageConfigToEnv(s3Config), {
      GOMR_STORAGE: 's3',
      GOMR_S3_ENDPOINT: 'http://127.0.0.1:9000',
      GOMR_S3_BUCKET: 'gomr-data',
      GOMR_S3_ACCESS_KEY: 'AK',
      GOMR_S3_SECRET_KEY: 'SK',
    });
  });

  test('GOMR_STORAGE defaults to local', () => {
    assert.deepEqual(storageConfigFromEnv({ GOMR_STORAGE_ROOT: '/data' }), { kind: 'local', root: '/data' });
  });

  test('a missing or empty variable is named in a one-line error', () => {
    const full = storageConfigToEnv(s3Config);
    for (const name of ['GOMR_S3_ENDPOINT', 'GOMR_S3_BUCKET', 'GOMR_S3_ACCESS_KEY', 'GOMR_S3_SECRET_KEY']) {
      for (const env of [{ ...full, [name]: undefined }, { ...full, [name]: '' }]) {
        assert.throws(() => storageConfigFromEnv(env), (error: Error) => {
          assert.ok(error.message.includes(name), error.message);
          assert.ok(!error.message.includes('\n'));
          return true;
        });
      }
    }
    assert.throws(() => storageConfigFromEnv({}), /GOMR_STORAGE_ROOT/);
    assert.throws(() => storageConfigFromEnv({ GOMR_STORAGE: 'ftp' }), /GOMR_STORAGE must be "local" or "s3"/);
    assert.throws(() => storageConfigFromEnv({ GOMR_STORAGE_ROOT: 'relative' }), /absolute/);
  });

  test('does not read process.env when given an env', () => {
    assert.deepEqual(storageConfigFromEnv({ GOMR_STORAGE: 'local', GOMR_STORAGE_ROOT: '/x' }), { kind: 'local', root: '/x' });
  });
});

describe('validateStorageConfig and openStorage', () => {
  test('a missing field is named', () => {
    for (const field of ['endpoint', 'bucket', 'accessKey', 'secretKey'] as const) {
      const config = { ...s3Config, [field]: undefined } as unknown as StorageConfig;
      assert.throws(() => validateStorageConfig(config), new RegExp(`"${field}"`));
    }
    assert.throws(() => validateStorageConfig({ kind: 'local' } as unknown as StorageConfig), /"root"/);
    assert.throws(() => validateStorageConfig({ kind: 'nfs' } as unknown as StorageConfig), /"kind"/);
  });

  test('bad endpoints, buckets and regions are refused up front', () => {
    for (const endpoint of ['127.0.0.1:9000', 'ftp://host', 'http://host/bucket', 'not a url']) {
      assert.throws(() => validateStorageConfig({ ...s3Config, endpoint }), /endpoint/, endpoint);
    }
    for (const bucket of ['ab', 'Upper', 'under_score', '-dash', 'a..b']) {
      assert.throws(() => validateStorageConfig({ ...s3Config, bucket }), /"bucket"/, bucket);
    }
    assert.throws(() => validateStorageConfig({ ...s3Config, region: '' }), /"region"/);
  });

  test('opens the backend the config names', async () => {
    const local = await openStorage({ kind: 'local', root: '/tmp' });
    assert.ok(local instanceof LocalStorage);
    assert.equal(local.describe, 'local:/tmp');
    const s3 = await openStorage(s3Config, { env: {} }); // lazy: no connection yet
    assert.ok(s3 instanceof RetryingStorage, 'S3 retries transient failures by default');
    assert.ok(s3.inner instanceof S3Storage);
    assert.ok(s3.inner.retrier, 'and resumes broken streams');
    assert.deepEqual(s3.retrier.policy, { baseDelayMs: 100, maxDelayMs: 5000, budgetMs: 30_000 });
    assert.equal(s3.describe, 's3://gomr-data at http://127.0.0.1:9000');
    const bare = await openStorage(s3Config, { retry: false });
    assert.ok(bare instanceof S3Storage && !bare.retrier, 'retry: false opens the bare backend');
    await local.close();
    await s3.close();
    await bare.close();
    await assert.rejects(() => openStorage({ ...s3Config, bucket: '' }), /"bucket"/);
  });
});
