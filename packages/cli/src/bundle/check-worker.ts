import { execFile } from 'node:child_process';
import { JobFailedError, WorkerFileError } from '../errors.js';
import { runtimeEntries } from '../local/runtime-entries.js';

export interface WorkerShape {
  /** false: a map-only worker file (it must run with --reducers 0). */
  reducer: boolean;
  combiner: boolean;
  partitioner: boolean;
  /** The definition's `sort` (default 'hash'). */
  sort: 'hash' | 'total';
  /** With a sample request and total order: the sampled cut points and the sample's size. */
  cutPoints?: string[];
  sampled?: number;
  /** A job of steps (run({ steps })): each step's shape, and its own reducer count if it sets one. */
  steps?: StepShape[];
}

export interface StepShape {
  reducer: boolean;
  combiner: boolean;
  partitioner: boolean;
  reducers?: number;
}

/**
 * Loads the bundled worker the way a worker would, in a child process (user code may call
 * process.exit or loop), and refuses it before anything starts if it is not a gomr worker.
 */
export function checkWorker(bundlePath: string, timeoutMs = 30_000, sampleRequest?: string, bundled?: Promise<unknown>): Promise<WorkerShape> {
  const script = runtimeEntries().check;
  return new Promise((resolve, reject) => {
    const args = [script, bundlePath, ...(sampleRequest ? [sampleRequest] : [])];
    // With `bundled`, the check starts before the bundle is written and loads it once told
    // (a line on stdin): node boots while esbuild bundles, off the path to the job's start.
    const env = bundled ? { ...process.env, GOMR_CHECK_WAIT_STDIN: '1' } : process.env;
    const child = execFile(process.execPath, args, { timeout: timeoutMs, env }, (err, stdout, stderr) => {
      if (bundleFailure) return reject(bundleFailure.error);
      const line = stdout.trim().split('\n').pop() ?? '';
      let parsed:
        | { ok: boolean; error?: string; reducer?: boolean; combiner?: boolean; partitioner?: boolean; sort?: 'hash' | 'total'; cutPoints?: string[]; sampled?: number; userCode?: boolean; stack?: string; steps?: StepShape[] }
        | undefined;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (parsed?.ok) {
        return resolve({
          reducer: parsed.reducer !== false, combiner: !!parsed.combiner, partitioner: !!parsed.partitioner, sort: parsed.sort ?? 'hash',
          ...(parsed.cutPoints ? { cutPoints: parsed.cutPoints, sampled: parsed.sampled ?? 0 } : {}),
          ...(parsed.steps ? { steps: parsed.steps } : {}),
        });
      }
      // The mapper threw on the sample (--sort total): the job's failure, not the file's.
      if (parsed?.userCode) return reject(new JobFailedError(parsed.error!, 'user', parsed.stack || undefined));
      const why =
        parsed?.error ??
        ((err as NodeJS.ErrnoException & { killed?: boolean })?.killed
          ? `loading it took longer than ${timeoutMs} ms`
          : `loading it failed${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}`);
      reject(new WorkerFileError(`bad worker file: ${why}`, stderr.trim() || undefined));
    });
    let bundleFailure: { error: unknown } | undefined;
    bundled?.then(
      () => child.stdin?.end('go\n'),
      (error: unknown) => {
        bundleFailure = { error };
        child.kill();
      },
    );
  });
}
