// Scenario 6: scaling with cores. Workers 1, 2, 4, 8, 16 on a larger input; for a machine
// with that many cores (the 16-core `device` machine). Never part of CI.
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { runGomr } from '../lib/gomr.mjs';
import { summarize } from '../lib/stats.mjs';
import { printTable } from '../lib/table.mjs';

const EFFICIENCY_MIN = 0.75;

export async function scaling(ctx, corpus, { workers, reps }) {
  const byW = Object.fromEntries(workers.map((w) => [w, []]));
  for (let rep = 0; rep < reps; rep++) {
    for (const w of rep % 2 ? [...workers].reverse() : workers) {
      ctx.log(`  scaling rep ${rep + 1}/${reps}: ${w} workers ...`);
      // As many reduce tasks as workers, as one would run a job on that many cores: with the
      // default single reducer, the reduce (whose input grows with the number of map tasks) is
      // a serial step that no number of workers shortens.
      const r = await runGomr(ctx, { worker: join(ctx.repoRoot, 'examples/wordcount/worker.ts'), inputs: [corpus.path], workers: w, outDir: join(ctx.tmpDir, 'out-scaling'), args: ['--reducers', String(w)] });
      byW[w].push(r.wallMs);
    }
  }
  const base = summarize(byW[workers[0]]).median * workers[0];
  const rows = workers.map((w) => {
    const s = summarize(byW[w]);
    return { workers: w, wallMs: s, speedup: base / s.median, efficiency: base / s.median / w };
  });
  const last = rows[rows.length - 1];
  return {
    machine: { host: hostname(), cpus: cpus().length, model: cpus()[0]?.model ?? '' },
    corpus: { description: corpus.description, bytes: corpus.bytes },
    rows,
    target: { name: `parallel efficiency at ${last.workers} workers >= ${EFFICIENCY_MIN}`, value: last.efficiency, min: EFFICIENCY_MIN, pass: last.efficiency >= EFFICIENCY_MIN },
  };
}

export function printScaling(r) {
  printTable(
    `scaling on ${r.machine.host} (${r.machine.cpus} cpus, ${r.machine.model})`,
    ['workers', 'wall (median)', 'speed-up', 'efficiency'],
    r.rows.map((x) => [x.workers, `${(x.wallMs.median / 1000).toFixed(2)} s ±${Math.round(x.wallMs.spread * 50)}%`, `${x.speedup.toFixed(2)}x`, x.efficiency.toFixed(2)]),
    [r.corpus.description, 'reduce tasks = workers (--reducers W); map tasks: the default', `target ${r.target.name}: ${r.target.value.toFixed(2)} ${r.target.pass ? 'PASS' : 'FAIL'}`],
  );
}
