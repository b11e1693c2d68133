#!/usr/bin/env node
// The data path alone, in one thread: runs a job's map tasks and then its reduce tasks
// in-process, with the same runMapTask / runReduceTask the executor thread runs, on local
// storage, with no master, gRPC or child processes. For profiling and A/B of data-path changes:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/task-bench.mjs --input FILE [--worker W.ts] [--maps 4] [--reducers 1]
// Prints wall and CPU time per phase (CPU time is steadier than wall on a shared machine).
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    repo: { type: 'string' },
    input: { type: 'string', multiple: true },
    worker: { type: 'string' },
    maps: { type: 'string', default: '4' },
    reducers: { type: 'string', default: '1' },
    'spill-mb': { type: 'string', default: '64' },
    reps: { type: 'string', default: '1' },
    'map-only': { type: 'boolean', default: false },
    memory: { type: 'boolean', default: false },
  },
});
// The gomr build under test: this checkout, or --repo DIR (another build, for before/after).
const repo = o.repo ? resolvePath(o.repo) : fileURLToPath(new URL('..', import.meta.url));
if (!o.input?.length) {
  console.error('usage: node bench/task-bench.mjs --input FILE [--input FILE...] [--repo DIR] [--worker W.ts] [--maps N] [--reducers R] [--spill-mb MB] [--reps N] [--map-only] [--memory]');
  process.exit(2);
}
const { bundleWorker } = await import(join(repo, 'packages/cli/dist/src/bundle/bundle-worker.js'));
const { planSplits } = await import(join(repo, 'packages/master/dist/src/plan-splits.js'));
const { loadDefinition } = await import(join(repo, 'packages/sdk/dist/src/runtime/load-definition.js'));
const { runMapTask } = await import(join(repo, 'packages/sdk/dist/src/runtime/map-task.js'));
const { runReduceTask } = await import(join(repo, 'packages/sdk/dist/src/runtime/reduce-task.js'));
const { openStorage } = await import(join(repo, 'packages/storage/dist/src/index.js'));

const work = join(tmpdir(), `gomr-task-bench-${process.pid}`);
mkdirSync(work, { recursive: true });
try {
  const bundle = await bundleWorker(o.worker ?? join(repo, 'examples/wordcount/worker.ts'), join(work, 'worker.mjs'));
  const definition = await loadDefinition(bundle.path);
  const storage = await openStorage({ kind: 'local', root: join(work, 'store') });
  const inputStorage = await openStorage({ kind: 'local', root: '/' });
  const inputs = o.input.map((p) => ({ key: p.replace(/^\/+/, ''), name: basename(p), size: statSync(p).size }));
  const reducers = Number(o.reducers);
  const env = { definition, storage, inputStorage, spillDir: join(work, 'spill'), spillBytes: Number(o['spill-mb']) * 2 ** 20, onProgress: () => {} };
  const job = { workerId: 'w-bench', reducers, params: {} };
  for (let rep = 0; rep < Number(o.reps); rep++) {
    const splits = planSplits(inputs, Number(o.maps));
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const runs = Array.from({ length: reducers }, () => []);
    let counters = {};
    for (let i = 0; i < splits.length; i++) {
      const s = splits[i];
      const task = { taskId: `m-${i}`, kind: 'MAP', index: i, attempt: 1, outputPrefix: `jobs/bench/map/m-${i}/a1/`, runKeys: [], split: s };
      const r = await runMapTask(task, job, env);
      for (const out of r.outputs) runs[out.partition].push(out.key);
      if (o.memory) {
        const m = process.memoryUsage();
        const f = (b) => `${(b / 2 ** 20).toFixed(0)}`;
        console.log(`  m-${i}: rss ${f(m.rss)} MiB (peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}), heap used ${f(m.heapUsed)} of ${f(m.heapTotal)}, external ${f(m.external)}, spills ${r.counters.spills}`);
      }
      for (const [k, v] of Object.entries(r.counters)) counters[k] = (counters[k] ?? 0) + v;
    }
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    let out = 0;
    if (!o['map-only']) {
      for (let p = 0; p < reducers; p++) {
        const task = { taskId: `r-${p}`, kind: 'REDUCE', index: p, attempt: 1, outputPrefix: `jobs/bench/reduce/r-${p}/a1/`, runKeys: runs[p] };
        const r = await runReduceTask(task, job, env);
        out += r.counters.outputRecords;
      }
    }
    const t2 = performance.now();
    const c2 = process.cpuUsage(c0);
    const cpu = (c) => ((c.user + c.system) / 1000).toFixed(0);
    console.log(
      `rep ${rep + 1}: map ${splits.length} tasks ${(t1 - t0).toFixed(0)} ms wall, ${cpu(c1)} ms cpu; reduce ${(t2 - t1).toFixed(0)} ms wall; total cpu ${cpu(c2)} ms; ` +
        `shuffle ${((100 * counters.shuffleBytes) / counters.mapInputBytes).toFixed(2)}% of input, spills ${counters.spills}, output ${out} records`,
    );
    await storage.deletePrefix('jobs/');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
