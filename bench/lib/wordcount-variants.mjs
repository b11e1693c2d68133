// The same word count run over several forms of one input (plain, gzip, S3 ...), each `reps`
// times: every output is checked equal to the first variant's, and each variant's median wall
// time is kept. Shared by the scenarios that compare input paths.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readParts, runGomr } from './gomr.mjs';
import { load1 } from './proc.mjs';
import { diffCounts, parseTabbed } from './wordcount-check.mjs';

/** variants: [{ id, label, inputs, args?, ...kept }]; rows: { ...kept, id, label, maps, wallMs, samples }. */
export async function timeWordcountVariants(ctx, { name, worker, workers, reps, variants }) {
  let reference;
  const rows = [];
  for (const { inputs, args = [], ...v } of variants) {
    const times = [];
    let maps = 0;
    for (let rep = 0; rep < reps; rep++) {
      ctx.log(`  ${name}: ${v.label}, rep ${rep + 1}/${reps} (load ${load1()}) ...`);
      const outDir = join(ctx.tmpDir, `out-${name.replace(/\W+/g, '-')}`);
      const r = await runGomr(ctx, { worker, inputs, workers, outDir, args });
      const counts = parseTabbed(readParts(outDir));
      rmSync(outDir, { recursive: true, force: true });
      reference ??= counts;
      const diff = diffCounts(reference, counts, v.label);
      if (diff) throw new Error(`${name} scenario: counts differ from the ${variants[0].label} run: ${diff}`);
      times.push(r.wallMs);
      maps = r.status.maps.total;
    }
    times.sort((a, b) => a - b);
    rows.push({ ...v, maps, wallMs: times[Math.floor(times.length / 2)], samples: times });
  }
  return rows;
}
