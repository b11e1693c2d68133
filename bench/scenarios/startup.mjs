// Scenario 4: start-up. `gomr run` of a 1 KB input, end to end (CLI start to CLI exit).
import { join } from 'node:path';
import { oneKb } from '../lib/corpus.mjs';
import { runGomr } from '../lib/gomr.mjs';
import { load1, runTimed } from '../lib/proc.mjs';
import { fmtRatio, pairedRatio, summarize } from '../lib/stats.mjs';
import { printTable } from '../lib/table.mjs';

const TARGET_MS = 1500;
const NODE_RATIO_MAX = 5;

export async function startup(ctx, { reps, workers = [2, 1] }) {
  const one = oneKb(ctx.dataDir);
  const worker = join(ctx.repoRoot, 'examples/wordcount/worker.ts');
  const rows = [];
  // For scale: a bare `node -e 0` and the CLI's `--version` (loading oclif and the command set).
  const bare = [];
  const version = [];
  const byWorkers = Object.fromEntries(workers.map((w) => [w, []]));
  const timelines = Object.fromEntries(workers.map((w) => [w, []]));
  const loads = [];
  for (let rep = 0; rep < reps; rep++) {
    loads.push(load1());
    bare.push((await runTimed(process.execPath, ['-e', '0'])).wallMs);
    version.push((await runTimed(process.execPath, [join(ctx.repoRoot, 'packages/cli/bin/run.js'), '--version'], { cwd: ctx.repoRoot })).wallMs);
    for (const w of rep % 2 ? [...workers].reverse() : workers) {
      const r = await runGomr(ctx, { worker, inputs: [one.path], workers: w, outDir: join(ctx.tmpDir, 'out-startup'), timeline: true });
      byWorkers[w].push(r.wallMs);
      timelines[w].push(r.timeline);
    }
    ctx.log(`  start-up rep ${rep + 1}/${reps}: ${workers.map((w) => `${w}w ${(byWorkers[w].at(-1) / 1000).toFixed(2)} s`).join(', ')}`);
  }
  for (const w of workers) {
    // Median time of each milestone over the reps.
    const milestones = {};
    for (const k of Object.keys(timelines[w][0] ?? {})) milestones[k] = summarize(timelines[w].map((t) => t[k] ?? NaN))?.median ?? null;
    rows.push({ what: `gomr run, 1 KB input, ${w} worker${w > 1 ? 's' : ''}`, workers: w, wallMs: summarize(byWorkers[w]), milestones });
  }
  rows.push({ what: 'node -e 0', wallMs: summarize(bare) });
  rows.push({ what: 'gomr --version', wallMs: summarize(version) });
  const main = rows.find((r) => r.workers === 2) ?? rows[0];
  // gomr against a bare node start measured in the same reps, paired by rep.
  const vsNode = Object.fromEntries(workers.map((w) => [w, pairedRatio(byWorkers[w], bare)]));
  const mainRatio = vsNode[main.workers ?? workers[0]];
  return {
    rows,
    vsNode,
    loadAvg: summarize(loads),
    target: { name: `start-up (2 workers) < ${TARGET_MS} ms`, value: main.wallMs.median, max: TARGET_MS, pass: main.wallMs.median < TARGET_MS },
    targets: [
      { name: `start-up (2 workers) < ${TARGET_MS} ms`, value: main.wallMs.median, max: TARGET_MS, pass: main.wallMs.median < TARGET_MS },
      { name: `start-up (2 workers) <= ${NODE_RATIO_MAX}x node -e 0`, value: mainRatio?.median ?? null, max: NODE_RATIO_MAX, pass: mainRatio ? mainRatio.median <= NODE_RATIO_MAX : false },
    ],
  };
}

// Shown in the order they happened (median times).
const MILESTONES = [
  ['bundled', 'worker file bundled (esbuild is spawned first)'],
  ['masterListening', 'master listening (it then waits for the spec)'],
  ['specWritten', 'pre-flight check passed, job spec written: workers get the address'],
  ['firstWorker', 'first worker registered'],
  ['lastWorker', 'last worker registered'],
  ['jobDone', 'job done (summary written)'],
  ['cliExit', 'output collected, processes stopped, CLI exit'],
];

export function printStartup(r) {
  const main = r.rows.find((x) => x.milestones) ?? null;
  if (main) {
    printTable(
      `start-up timeline, ${main.what} (median ms after the CLI was spawned)`,
      ['milestone', 'at ms'],
      [...MILESTONES]
        .sort(([a], [b]) => (main.milestones[a] ?? Infinity) - (main.milestones[b] ?? Infinity))
        .map(([k, label]) => [label, main.milestones[k] == null ? '-' : Math.round(main.milestones[k])]),
    );
  }
  printTable(
    'start-up: gomr run of a 1 KB input, end to end',
    ['what', 'wall (median)', 'min-max ms', 'vs node -e 0'],
    r.rows.map((x) => [x.what, `${Math.round(x.wallMs.median)} ms`, `${Math.round(x.wallMs.min)}-${Math.round(x.wallMs.max)}`, x.workers && r.vsNode ? fmtRatio(r.vsNode[x.workers]) : '']),
    [
      'vs node -e 0: median of per-rep ratios, node -e 0 measured in the same rep',
      ...(r.targets ?? [r.target]).map((t) => `target ${t.name}: ${t.value == null ? 'n/a' : t.max < 100 ? t.value.toFixed(2) : `${Math.round(t.value)} ms`} ${t.pass ? 'PASS' : 'FAIL'}`),
    ],
  );
}
