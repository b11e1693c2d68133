import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalStorage } from '../src/local-storage.js';
import { LogShipper, listLogs, logPrefix, readLog } from '../src/log-objects.js';
import type { Storage } from '../src/storage.js';

async function store(): Promise<LocalStorage> {
  return new LocalStorage(await mkdtemp(join(tmpdir(), 'gomr-logs-')));
}

test('a log is shipped as numbered chunks, held until it starts, and read back whole and in order', async () => {
  const s = await store();
  const log = new LogShipper({ flushMs: 60_000 });
  log.append('before the job was known\n');
  log.start(s, logPrefix('j', 'worker-0'));
  await log.flush();
  log.append('second ');
  log.append('piece\n');
  await log.flush();
  await log.flush(); // nothing new: no empty chunk
  log.append('last words\n');
  await log.close();
  log.append('after close is dropped\n');
  await log.flush();
  const chunks = await s.list(logPrefix('j', 'worker-0'));
  assert.equal(chunks.length, 3);
  assert.equal(await readLog(s, logPrefix('j', 'worker-0')), 'before the job was known\nsecond piece\nlast words\n');
  await s.close();
});

test('a restarted process of the same name adds its chunks after the earlier one; listLogs names every log', async () => {
  const s = await store();
  const first = new LogShipper({ flushMs: 60_000 });
  first.start(s, logPrefix('j', 'worker-1'));
  for (let i = 0; i < 12; i++) {
    first.append(`first ${i}\n`);
    await first.flush();
  }
  await sleep(5); // a later process starts later
  const second = new LogShipper({ flushMs: 60_000 });
  second.start(s, logPrefix('j', 'worker-1'));
  second.append('second 0\n');
  await second.close();
  const master = new LogShipper({ flushMs: 60_000 });
  master.start(s, logPrefix('j', 'master'));
  master.append('m\n');
  await master.close();
  const text = await readLog(s, logPrefix('j', 'worker-1'));
  assert.equal(text, [...Array.from({ length: 12 }, (_, i) => `first ${i}`), 'second 0'].join('\n') + '\n');
  assert.deepEqual(await listLogs(s, 'j'), ['master', 'worker-1']);
  assert.deepEqual(await listLogs(s, 'other'), []);
  await s.close();
});

test('flushes on its timer, and keeps what storage refused for the next flush', async () => {
  const s = await store();
  let refuse = true;
  const errors: string[] = [];
  const flaky = new Proxy(s, {
    get(target, prop, receiver) {
      if (prop === 'put') return async (key: string, data: string) => {
        if (refuse) throw new Error('storage is down');
        return target.put(key, data);
      };
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as Storage;
  const log = new LogShipper({ flushMs: 20, onError: (e) => errors.push(e.message) });
  log.start(flaky, logPrefix('j', 'master'));
  log.append('kept through an outage\n');
  await sleep(100);
  assert.ok(errors.length >= 1, 'the timer tried');
  assert.equal(await readLog(s, logPrefix('j', 'master')), '');
  refuse = false;
  log.append('and after it\n');
  const deadline = Date.now() + 5000;
  while (!(await readLog(s, logPrefix('j', 'master'))).includes('after') && Date.now() < deadline) await sleep(20);
  await log.close();
  assert.equal(await readLog(s, logPrefix('j', 'master')), 'kept through an outage\nand after it\n');
  await s.close();
});
