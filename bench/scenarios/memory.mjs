// Scenario 3: memory. Peak RSS of each worker and of the master, at two input sizes of the
// same generated distribution (memory must not grow with the input: spill and merge).
import { join } from 'node:path';
import { runGomr } from '../lib/gomr.mjs';
import { printTable } from '../lib/table.mjs';

const WORKER_MAX_MB = 300;
const MASTER_MAX_MB = 150;

/**
 * One run per (corpus, workers): peaks vary little between runs. Default settings. A corpus
 * given with `measured` (peaks already taken by the word-count runs on it) is not run again.
 */
export async function memory(ctx, corpora, workers = [2]) {
  const rows = [];
  for (const { label, corpus, measured } of corpora) {
    if (measured) {
      rows.push({ input: label, inputBytes: corpus.bytes, ...measured });
      continue;
    }
    for (const w of workers) {
      ctx.log(`  memory: ${label}, ${w} workers ...`);
      const r = await runGomr(ctx, { worker: join(ctx.repoRoot, 'examples/wordcount/worker.ts'), inputs: [corpus.path], workers: w, outDir: join(ctx.tmpDir, 'out-memory'), memory: true });
      const m = r.memory;
      rows.push({
        input: label,
        inputBytes: corpus.bytes,
        workers: w,
        workerPeaksMb: m.processes.filter((p) => p.role === 'worker').map((p) => Math.round(p.peakMb)),
        workerPeakMb: m.workerPeakMb,
        masterPeakMb: m.masterPeakMb,
        cliPeakMb: m.cliPeakMb,
        spills: r.status.counters.spills ?? 0,
        wallMs: r.wallMs,
        processes: m.processes,
      });
    }
  }
  const worst = (k) => Math.max(...rows.map((r) => r[k]));
  return {
    rows,
    method: 'peak RSS = max of getrusage maxRSS reported by each process at exit (preloaded module) and VmHWM sampled from /proc every 100 ms (children found by GOMR_PARENT_PID=<cli pid> in /proc/<pid>/environ)',
    targets: [
      { name: `worker peak RSS <= ${WORKER_MAX_MB} MB`, value: worst('workerPeakMb'), max: WORKER_MAX_MB, pass: worst('workerPeakMb') <= WORKER_MAX_MB },
      { name: `master peak RSS < ${MASTER_MAX_MB} MB`, value: worst('masterPeakMb'), max: MASTER_MAX_MB, pass: worst('masterPeakMb') < MASTER_MAX_MB },
    ],
  };
}

export function printMemory(r) {
  printTable(
    'memory: peak RSS (MiB), default settings',
    ['input', 'workers', 'each worker', 'master', 'cli', 'spills', 'wall s'],
    r.rows.map((x) => [x.input + (x.from ? ' *' : ''), x.workers, x.workerPeaksMb.join(', '), Math.round(x.masterPeakMb), Math.round(x.cliPeakMb), x.spills, Number.isFinite(x.wallMs) ? (x.wallMs / 1000).toFixed(1) : '-']),
    [r.method, ...(r.rows.some((x) => x.from) ? ['* peaks taken in the word-count runs on the same input (2 workers), not run again'] : []), ...r.targets.map((t) => `target ${t.name}: ${Math.round(t.value)} ${t.pass ? 'PASS' : 'FAIL'}`)],
  );
}
