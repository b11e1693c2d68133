// Scenario 2: task overhead. Many map tasks over tiny inputs; what each task costs in wall time.
import { join } from 'node:path';
import { oneKb, tinyFiles } from '../lib/corpus.mjs';
import { runGomr } from '../lib/gomr.mjs';
import { load1 } from '../lib/proc.mjs';
import { summarize } from '../lib/stats.mjs';
import { printTable } from '../lib/table.mjs';

const TARGET_MS = 2;

/** Wall time from the first map's start to the last map's end, from the job summary. */
function mapPhaseMs(summary) {
  const maps = (summary?.tasks ?? []).filter((t) => t.id.startsWith('m-'));
  const attempts = maps.flatMap((t) => t.attempts.filter((a) => a.outcome === 'committed'));
  if (!attempts.length) return NaN;
  return Math.max(...attempts.map((a) => a.endedMs)) - Math.min(...attempts.map((a) => a.startedMs));
}

/**
 * `tasks` one-line-ish files, `--mappers tasks`: one map task per file. Alternates with a
 * job of one 1 KB file (start-up alone), so per-task cost = (wall(N tasks) - wall(1 task)) / (N - 1).
 */
export async function overhead(ctx, { tasks, reps, workers = [2, 1] }) {
  const tiny = tinyFiles(ctx.dataDir, tasks);
  const one = oneKb(ctx.dataDir);
  const worker = join(ctx.repoRoot, 'examples/wordcount/worker.ts');
  const rows = [];
  for (const w of workers) {
    const many = [];
    const single = [];
    const phase = [];
    const loads = [];
    for (let rep = 0; rep < reps; rep++) {
      const runMany = async () => {
        loads.push(load1());
        ctx.log(`  task overhead, ${w} workers, rep ${rep + 1}/${reps}: ${tasks} tasks ...`);
        const r = await runGomr(ctx, { worker, inputs: [tiny.path], workers: w, outDir: join(ctx.tmpDir, 'out-overhead'), args: ['-m', String(tasks)], summary: true });
        if (r.status.maps.total !== tasks) throw new Error(`expected ${tasks} map tasks, the job had ${r.status.maps.total}`);
        many.push(r.wallMs);
        phase.push(mapPhaseMs(r.summary));
        ctx.log(`    ${(r.wallMs / 1000).toFixed(2)} s`);
      };
      const runOne = async () => {
        const r = await runGomr(ctx, { worker, inputs: [one.path], workers: w, outDir: join(ctx.tmpDir, 'out-overhead') });
        single.push(r.wallMs);
      };
      if (rep % 2) {
        await runOne();
        await runMany();
      } else {
        await runMany();
        await runOne();
      }
    }
    const perTask = many.map((m, i) => (m - single[i]) / (tasks - 1));
    rows.push({
      workers: w,
      tasks,
      wallMs: summarize(many),
      oneTaskWallMs: summarize(single),
      mapPhaseMs: summarize(phase),
      msPerTask: summarize(perTask),
      mapPhaseMsPerTask: summarize(phase.map((p) => p / tasks)),
      loadAvg: summarize(loads),
    });
  }
  const main = rows.find((r) => r.workers === 2) ?? rows[0];
  return {
    rows,
    target: { name: `ms per task (2 workers) <= ${TARGET_MS}`, value: main.msPerTask?.median ?? null, max: TARGET_MS, pass: (main.msPerTask?.median ?? Infinity) <= TARGET_MS },
  };
}

export function printOverhead(r) {
  printTable(
    `task overhead: ${r.rows[0].tasks} map tasks over tiny files`,
    ['workers', 'wall N tasks', 'wall 1 task', 'ms/task (marginal)', 'map phase', 'map phase ms/task'],
    r.rows.map((x) => [
      x.workers,
      `${(x.wallMs.median / 1000).toFixed(2)} s`,
      `${(x.oneTaskWallMs.median / 1000).toFixed(2)} s`,
      `${x.msPerTask.median.toFixed(2)} (${x.msPerTask.min.toFixed(2)}-${x.msPerTask.max.toFixed(2)})`,
      `${(x.mapPhaseMs.median / 1000).toFixed(2)} s`,
      x.mapPhaseMsPerTask.median.toFixed(2),
    ]),
    [
      'ms/task (marginal) = (wall with N tasks - wall with 1 task) / (N - 1), paired by rep; it includes the reduce over N runs',
      `target ${r.target.name}: ${r.target.value?.toFixed(2)} ${r.target.pass ? 'PASS' : 'FAIL'}`,
    ],
  );
}
