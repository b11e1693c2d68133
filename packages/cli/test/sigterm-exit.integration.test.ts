/**
 * How the master and worker processes end, as a Kubernetes Job reads them: a SIGTERM that
 * comes before the master said the job is over (a pod evicted, preempted, deleted) is a
 * non-zero exit, so the Job starts another pod; after the end, exit 0. And the pod the Job
 * starts after a failed master resumes the job. Real processes: the master's and worker's own
 * entry points, on a local store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleWorker } from '../src/bundle/bundle-worker.js';
import { runtimeEntries } from '../src/local/runtime-entries.js';
import { tempDir } from './support/run-gomr.js';

/** A mapper slow enough that a SIGTERM lands while the job runs (~1 s per map task). */
const SLOW_WORKER = `import { run } from '@gomr/sdk';
run({
  async mapper(ctx, chunk) { await new Promise((r) => setTimeout(r, Number(ctx.params.ms))); for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1); },
  reducer(ctx, key, values) { ctx.emit(key, values.length); },
});
`;

interface Proc {
  child: ChildProcess;
  out: string;
  exited: Promise<number | null>;
  waitFor(re: RegExp, ms?: number): Promise<RegExpExecArray>;
}

function start(script: string, env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = {
    child,
    out: '',
    exited: new Promise((r) => child.on('exit', (code) => r(code))),
    waitFor: (re, ms = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${re} within ${ms} ms:\n${p.out}`)), ms);
        const check = () => {
          const m = re.exec(p.out);
          if (m) {
            clearTimeout(timer);
            child.stdout!.off('data', check);
            child.stderr!.off('data', check);
            resolve(m);
          }
        };
        child.stdout!.on('data', check);
        child.stderr!.on('data', check);
        check();
      }),
  };
  child.stdout!.on('data', (d) => (p.out += d));
  child.stderr!.on('data', (d) => (p.out += d));
  return p;
}

async function setup(mapMs: number, maps: number, specFrom: 'file' | 'storage' = 'file') {
  const dir = await tempDir('gomr-sigterm-');
  const root = join(dir, 'store');
  const jobId = 'sigterm-job';
  await mkdir(join(root, 'jobs', jobId, 'input'), { recursive: true });
  const text = Array.from({ length: 400 }, (_, i) => `word${i % 7} line ${i}`).join('\n') + '\n';
  await writeFile(join(root, 'jobs', jobId, 'input', 'a.txt'), text);
  const storage = { kind: 'local', root };
  const spec = {
    jobId, token: 't', workerFile: 'slow.ts', inputs: [{ key: `jobs/${jobId}/input/a.txt`, name: 'a.txt', size: Buffer.byteLength(text) }],
    inputStorage: storage, storage, maps, reducers: 1, params: { ms: String(mapMs) }, speculation: false,
  };
  await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
  // On Kubernetes the master reads its spec from the store (GOMR_JOB_SPEC_KEY), as here.
  await mkdir(join(root, 'specs'), { recursive: true });
  await writeFile(join(root, 'specs', `${jobId}.json`), JSON.stringify(spec));
  const specEnv = specFrom === 'file' ? { GOMR_JOB_SPEC: join(dir, 'spec.json') } : { GOMR_JOB_SPEC_KEY: `specs/${jobId}.json`, GOMR_STORAGE: 'local', GOMR_STORAGE_ROOT: root };
  await writeFile(join(dir, 'slow.ts'), SLOW_WORKER);
  const bundle = await bundleWorker(join(dir, 'slow.ts'), join(dir, 'bundle', 'worker.mjs'));
  const entries = runtimeEntries();
  const port = await freePort();
  const env = { ...specEnv, GOMR_MASTER_ADDRESS: `127.0.0.1:${port}`, GOMR_STATUS_ADDRESS: '127.0.0.1:0', GOMR_MASTER_EXIT_AFTER_MS: '' };
  const master = start(entries.master, env);
  await master.waitFor(/GOMR_MASTER_LISTENING (\d+)/);
  const worker = () => start(entries.worker, { GOMR_MASTER: `127.0.0.1:${port}`, GOMR_WORKER_BUNDLE: bundle.path, GOMR_TOKEN: 't', GOMR_STORAGE_JSON: JSON.stringify(storage) });
  return { master, worker, root, env };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

test('SIGTERM before the job ends: the worker and the master exit 143; after it ends, 0', { timeout: 120_000 }, async () => {
  const { master, worker } = await setup(1500, 4);
  const w = worker();
  try {
    await w.waitFor(/GOMR_WORKER_REGISTERED/);
    // The worker is inside its first (1.5 s) map task: SIGTERM drains it, the job goes on.
    w.child.kill('SIGTERM');
    assert.equal(await w.exited, 143, w.out);
    assert.match(w.out, /stopped by SIGTERM before the job ended/);
    master.child.kill('SIGTERM');
    assert.equal(await master.exited, 143, master.out);
    assert.match(master.out, /SIGTERM: shutting down before the job ended/);
  } finally {
    w.child.kill('SIGKILL');
    master.child.kill('SIGKILL');
  }
});

test('a job that ends (its master reading the spec from the store): the worker, told to exit by the master, exits 0; SIGTERM to the master then gives 0', { timeout: 120_000 }, async () => {
  const { master, worker } = await setup(10, 2, 'storage');
  const w = worker();
  try {
    assert.equal(await w.exited, 0, w.out);
    await master.waitFor(/job sigterm-job SUCCEEDED/);
    master.child.kill('SIGTERM');
    assert.equal(await master.exited, 0, master.out);
  } finally {
    w.child.kill('SIGKILL');
    master.child.kill('SIGKILL');
  }
});

test('a master killed mid-job and started again with the same environment (as the master Job starts a new pod) resumes from the commit log', { timeout: 180_000 }, async () => {
  const { master, worker, root, env } = await setup(300, 8, 'storage');
  const w = worker();
  let second: Proc | undefined;
  try {
    // Wait for a few committed map tasks, then kill -9 the master (OOM, node lost).
    const commits = join(root, 'jobs', 'sigterm-job', 'commits');
    for (let i = 0; i < 600 && !(existsSync(commits) && readdirSync(commits).length >= 2); i++) await sleep(50);
    assert.ok(readdirSync(commits).length >= 2, master.out);
    master.child.kill('SIGKILL');
    assert.equal(await master.exited, null);
    // The replacement pod: same spec key, same store, same address (the Service's).
    second = start(runtimeEntries().master, env);
    await second.waitFor(/restarted \(epoch 2\): [1-9]\d* committed tasks restored from the checkpoint/);
    assert.equal(await w.exited, 0, w.out);
    await second.waitFor(/job sigterm-job SUCCEEDED/);
  } finally {
    w.child.kill('SIGKILL');
    master.child.kill('SIGKILL');
    second?.child.kill('SIGKILL');
  }
});
