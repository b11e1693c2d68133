import { execFile } from 'node:child_process';
import { EXIT, GomrError } from '../errors.js';
import { runtimeEntries } from '../local/runtime-entries.js';

export interface WorkerShape {
  /** false: a map-only worker file (it must run with --reducers 0). */
  reducer: boolean;
  combiner: boolean;
  partitioner: boolean;
}

/**
 * Loads the bundled worker the way a worker would, in a child process (user code may call
 * process.exit or loop), and refuses it before anything starts if it is not a gomr worker.
 */
export function checkWorker(bundlePath: string, timeoutMs = 30_000): Promise<WorkerShape> {
  const script = runtimeEntries().check;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--enable-source-maps', script, bundlePath], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      let parsed: { ok: boolean; error?: string; reducer?: boolean; combiner?: boolean; partitioner?: boolean } | undefined;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (parsed?.ok) return resolve({ reducer: parsed.reducer !== false, combiner: !!parsed.combiner, partitioner: !!parsed.partitioner });
      const why =
        parsed?.error ??
        ((err as NodeJS.ErrnoException & { killed?: boolean })?.killed
          ? `loading it took longer than ${timeoutMs} ms`
          : `loading it failed${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}`);
      reject(new GomrError(`bad worker file: ${why}`, EXIT.WORKER_FILE, stderr.trim() || undefined));
    });
  });
}
