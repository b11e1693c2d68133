// Scenario: word count with a tuned mapper. gomr runs bench/workers/wordcount-tuned.ts (the
// tokeniser of baselines/tuned.mjs as its mapper) against the tuned loop itself, so the
// difference is gomr's own cost: the emit path, the shuffle, the processes around the job.
import { join } from 'node:path';
import { fmtRatio } from '../lib/stats.mjs';
import { printTable } from '../lib/table.mjs';
import { gomrVariant, nodeVariant, printWordcount, wordcountOnCorpus } from './wordcount.mjs';

const TARGETS = { 'gomr-w1/tuned': 1.25, 'gomr-w2/tuned': 0.7 };

export async function wordcountTuned(ctx, label, corpus, reps) {
  const worker = join(ctx.benchRoot, 'bench/workers/wordcount-tuned.ts');
  return wordcountOnCorpus(ctx, label, corpus, reps, {
    variants: [nodeVariant(ctx, 'tuned', 'tuned Node loop (streamed, no regex)'), gomrVariant(ctx, 1, worker), gomrVariant(ctx, 2, worker)],
    reference: 'tuned',
    baselines: ['tuned'],
    targets: TARGETS,
  });
}

export function printWordcountTuned(r) {
  printWordcount(r, { title: `word count with the tuned mapper, ${r.label}`, reference: 'tuned' });
  printTable(
    `word count with the tuned mapper, ${r.label}: CPU seconds (user + system, every process) against the tuned loop`,
    ['variant', 'CPU s (median)', 'vs tuned, CPU'],
    ['gomr-w1', 'gomr-w2'].map((id) => [r.variants[id].label, r.variants[id].cpuMs ? (r.variants[id].cpuMs.median / 1000).toFixed(2) : '-', fmtRatio(r.ratios[`${id}/tuned cpu`])]),
  );
}
