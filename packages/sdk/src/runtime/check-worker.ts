/**
 * `node check-worker.js BUNDLE [SAMPLE_REQUEST.json]`: loads a bundled worker file the way the
 * runtime does and prints one JSON line:
 * {"ok":true,"reducer":bool,"combiner":bool,"partitioner":bool,"input":MODE,"sort":"hash"|"total"}
 * (a job of steps adds "steps": [{"reducer","combiner","partitioner","reducers"?}, ...]; the
 * fields above then describe its last step)
 * or {"ok":false,"error":"..."}.
 * With a sample request (see SampleRequest) and a job sorted totally (the request says so, or
 * the definition's sort does), it also runs the mapper over the head of each split and adds
 * "cutPoints" and "sampled" (the sample's size): gomr run --sort total's InputSampler.
 * The CLI runs it before starting anything, in a child process so user code cannot hurt the CLI.
 */
import { readFile } from 'node:fs/promises';
import type { Split } from '@gomr/storage';
import { loadDefinition } from './load-definition.js';
import { isStepsDefinition, jobSteps } from '../job-steps.js';
import { bindSideFiles, LocalSideFiles } from './side-files.js';

/** What to sample: splits of local files (keys relative to /), as the master will plan them. */
export interface SampleRequest {
  reducers: number;
  params: Record<string, string>;
  splits: Split[];
  /** Side files the mapper may read: name -> local path. */
  files: Record<string, string>;
  /** --sort total given: sample whatever the definition says. */
  totalOrder: boolean;
}

const [bundle, requestPath] = process.argv.slice(2);
if (!bundle) {
  process.stdout.write(JSON.stringify({ ok: false, error: 'usage: check-worker BUNDLE [SAMPLE_REQUEST]' }) + '\n');
  process.exit(2);
}

/** GOMR_CHECK_WAIT_STDIN: started before the bundle was written; it is, once stdin has a line (or ends). */
async function bundleWritten(): Promise<void> {
  if (!process.env.GOMR_CHECK_WAIT_STDIN) return;
  await new Promise<void>((resolve) => {
    process.stdin.once('data', () => resolve());
    process.stdin.once('end', () => resolve());
  });
  process.stdin.destroy();
}

async function check(): Promise<Record<string, unknown>> {
  await bundleWritten();
  // Stacks of user code point into worker.ts (the bundle's inline map). Enabled only now, as in
  // the executor thread: --enable-source-maps would make node parse this file's own map
  // (1.7 MB) up front, ~70 ms of the check's ~150 ms on a 2-core VM.
  process.setSourceMapsEnabled(true);
  const loaded = await loadDefinition(bundle!);
  if (isStepsDefinition(loaded)) {
    // A job of steps: each step's shape, for the CLI to plan its reduce counts.
    const steps = jobSteps(loaded).map((d) => ({
      reducer: !!d.reducer, combiner: !!d.combiner, partitioner: !!d.partitioner,
      ...((d as { reducers?: number }).reducers !== undefined ? { reducers: (d as { reducers?: number }).reducers } : {}),
    }));
    const last = steps[steps.length - 1]!;
    return { ok: true, reducer: last.reducer, combiner: last.combiner, partitioner: last.partitioner, input: loaded.steps[0].input ?? 'text', sort: 'hash', steps };
  }
  const def = loaded;
  const sort = def.sort ?? 'hash';
  if (sort !== 'hash' && sort !== 'total') throw new Error(`run(): sort must be 'hash' or 'total', got ${JSON.stringify(sort)}`);
  const shape = { ok: true, reducer: !!def.reducer, combiner: !!def.combiner, partitioner: !!def.partitioner, input: def.input ?? 'text', sort };
  if (!requestPath) return shape;
  const req = JSON.parse(await readFile(requestPath, 'utf8')) as SampleRequest;
  if (!req.totalOrder && sort !== 'total') return shape;
  // Loaded only to sample (a job sorted totally): the storage and the input readers are most of
  // this script, which is on the path to every job's first task.
  const [{ LocalStorage }, { pickCutPoints, sampleKeys }] = await Promise.all([import('@gomr/storage'), import('../total-order/index.js')]);
  const params = { ...req.params };
  bindSideFiles(params, new LocalSideFiles(new Map(Object.entries(req.files))));
  const inputs = new LocalStorage('/');
  try {
    const sample = await sampleKeys(def, req.splits, () => inputs, { params });
    return { ...shape, cutPoints: pickCutPoints(sample, req.reducers), sampled: sample.length };
  } catch (err) {
    const e = err as Error & { input?: string; offset?: number };
    const where = e.input ? ` (input ${e.input}, chunk at byte ${e.offset})` : '';
    return { ok: false, userCode: true, error: `mapper failed while sampling keys for --sort total${where}: ${e.message}`, stack: e.stack ?? '' };
  } finally {
    await inputs.close();
  }
}

check().then(
  (result) => {
    process.stdout.write(JSON.stringify(result) + '\n');
    process.exit(result.ok ? 0 : 1);
  },
  (err: Error) => {
    process.stdout.write(JSON.stringify({ ok: false, error: err.message }) + '\n');
    process.exit(1);
  },
);
