// Scenario: sort. TeraSort-shaped records (lib/records.mjs), identity map and reduce
// (workers/sort.ts), as many reduce tasks as workers, against `LC_ALL=C sort` given the
// memory gomr's workers may use. Every output is validated (each part sorted by key, record
// count and order-independent checksum equal to the input's) before its time counts.
import { readdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { runGomr } from '../lib/gomr.mjs';
import { check, load1, runTimed } from '../lib/proc.mjs';
import { validateSorted } from '../lib/records.mjs';
import { fmtRatio, fmtTime, pairedRatio, summarize } from '../lib/stats.mjs';
import { printTable } from '../lib/table.mjs';

/** Peak RSS a worker may reach (the memory target), and what `sort -S` gets per worker. */
const WORKER_MAX_MB = 300;
const TARGET_RATIO = 2.5;
/** Sorting speed per core of two published records, for scale. */
export const ANCHORS = [
  ["Hadoop's 2013 sort record", 0.5],
  ["Spark's 2014 GraySort record (100 TB on 206 machines)", 11],
];

function parts(dir) {
  return readdirSync(dir).filter((f) => f.startsWith('part-')).sort().map((f) => join(dir, f));
}

/** The variants, each run(input) -> { wallMs, cpuMs, files, cores, extra? }. */
function variants(ctx, workers) {
  const worker = join(ctx.benchRoot, 'bench/workers/sort.ts');
  const gomr = (w) => ({
    id: `gomr-w${w}`,
    label: `gomr, ${w} worker${w > 1 ? 's' : ''}, ${w} reducer${w > 1 ? 's' : ''}, hash partitions`,
    cores: w,
    async run(input) {
      const outDir = join(ctx.tmpDir, `sort-gomr-w${w}`);
      const r = await runGomr(ctx, { worker, inputs: [input.path], workers: w, outDir, args: ['-r', String(w)], memory: true, cpu: true });
      return { wallMs: r.wallMs, cpuMs: r.cpuMs, files: parts(outDir), cleanup: () => rmSync(outDir, { recursive: true, force: true }), extra: { memory: r.memory, counters: r.status.counters, maps: r.status.maps.total } };
    },
  });
  const memMb = WORKER_MAX_MB * Math.max(...workers);
  const cores = Math.min(8, cpus().length); // GNU sort's default --parallel
  return [
    {
      id: 'sort',
      label: `LC_ALL=C sort -S ${memMb}M (${cores} threads)`,
      cores,
      async run(input) {
        const out = join(ctx.tmpDir, 'sort.out');
        const r = check(await runTimed('sort', ['-S', `${memMb}M`, '-T', ctx.tmpDir, '-o', out, input.path], { env: { ...process.env, LC_ALL: 'C' }, cpu: true }), 'sort');
        return { wallMs: r.wallMs, cpuMs: r.cpuMs, files: [out], cleanup: () => rmSync(out, { force: true }) };
      },
    },
    ...workers.map(gomr),
  ];
}

/** Runs every variant `reps` times on one input, order rotated by rep, each output validated. */
export async function sortOnInput(ctx, label, input, { reps, workers = [1, 2] }) {
  const vs = variants(ctx, workers);
  const samples = Object.fromEntries(vs.map((v) => [v.id, []]));
  const cpuSamples = Object.fromEntries(vs.map((v) => [v.id, []]));
  const failures = Object.fromEntries(vs.map((v) => [v.id, []]));
  const extras = Object.fromEntries(vs.map((v) => [v.id, []]));
  const loads = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const v of vs.map((_, i) => vs[(i + rep) % vs.length])) {
      loads.push(load1());
      ctx.log(`  sort ${label} rep ${rep + 1}/${reps}: ${v.label} ...`);
      const r = await v.run(input);
      const bad = validateSorted(r.files, input);
      r.cleanup();
      if (bad) ctx.log(`    INVALID OUTPUT, time not counted: ${bad}`);
      if (bad) failures[v.id].push(bad);
      samples[v.id].push(bad ? NaN : r.wallMs);
      cpuSamples[v.id].push(bad ? NaN : r.cpuMs ?? NaN);
      if (r.extra) extras[v.id].push(r.extra);
      ctx.log(`    ${(r.wallMs / 1000).toFixed(2)} s, ${((r.cpuMs ?? NaN) / 1000).toFixed(2)} CPU s${bad ? '' : ', valid'}`);
    }
  }
  const result = { label, input: { bytes: input.bytes, records: input.records, description: input.description }, reps, loadAvg: summarize(loads), variants: {}, ratios: {}, anchors: ANCHORS };
  for (const v of vs) {
    const wall = summarize(samples[v.id]);
    const ex = extras[v.id];
    result.variants[v.id] = {
      label: v.label,
      cores: v.cores,
      wallMs: wall,
      cpuMs: summarize(cpuSamples[v.id]),
      failures: failures[v.id],
      mbPerSecPerCore: wall ? input.bytes / 1e6 / (wall.median / 1000) / v.cores : null,
      ...(ex.length
        ? {
            workerPeakMb: Math.max(...ex.map((e) => e.memory?.workerPeakMb ?? 0)),
            masterPeakMb: Math.max(...ex.map((e) => e.memory?.masterPeakMb ?? 0)),
            spills: ex[0].counters.spills ?? 0,
            maps: ex[0].maps,
          }
        : {}),
    };
  }
  for (const w of workers) {
    result.ratios[`gomr-w${w}/sort`] = pairedRatio(samples[`gomr-w${w}`], samples.sort);
    result.ratios[`gomr-w${w}/sort cpu`] = pairedRatio(cpuSamples[`gomr-w${w}`], cpuSamples.sort);
  }
  const main = `gomr-w${Math.max(...workers)}`;
  const ratio = result.ratios[`${main}/sort`];
  const peak = result.variants[main].workerPeakMb ?? NaN;
  result.targets = [
    ...(input.bytes >= 1e9 ? [{ name: `${main}/sort <= ${TARGET_RATIO} (1 GB)`, value: ratio?.median ?? null, max: TARGET_RATIO, pass: ratio ? ratio.median <= TARGET_RATIO : false }] : []),
    { name: `worker peak RSS <= ${WORKER_MAX_MB} MB`, value: peak, max: WORKER_MAX_MB, pass: peak <= WORKER_MAX_MB },
  ];
  return result;
}

export function printSort(r) {
  const rows = Object.entries(r.variants).map(([id, v]) => [
    v.label,
    fmtTime(v.wallMs),
    v.cpuMs ? (v.cpuMs.median / 1000).toFixed(2) : '-',
    id === 'sort' ? 'reference' : fmtRatio(r.ratios[`${id}/sort`]),
    v.mbPerSecPerCore == null ? '-' : v.mbPerSecPerCore.toFixed(1),
    v.failures.length ? `INVALID x${v.failures.length}` : 'valid',
    v.workerPeakMb ? `${Math.round(v.workerPeakMb)} / ${Math.round(v.masterPeakMb)}` : '',
  ]);
  printTable(`sort, ${r.label}`, ['variant', 'wall (median)', 'CPU s', 'vs sort', 'MB/s/core', 'output', 'peak MB w/m'], rows, [
    `${r.input.description}; ${r.reps} reps, order rotated each rep; load avg during runs: median ${r.loadAvg ? r.loadAvg.median.toFixed(2) : '?'}`,
    'validated: every part sorted by key, record count and order-independent checksum equal the input\'s (hash partitions: parts are not in order with each other)',
    `MB/s/core = input MB / wall s / cores used (workers; sort: its threads). For scale: ${r.anchors.map(([n, v]) => `${n} ~${v}`).join('; ')}`,
    ...r.targets.map((t) => `target ${t.name}: ${t.value == null || Number.isNaN(t.value) ? 'n/a' : t.value.toFixed(2)} ${t.pass ? 'PASS' : 'FAIL'}`),
  ]);
}
