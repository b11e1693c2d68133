import { LateEmitError } from './task-context.js';
import { UserCodeError } from './user-code-error.js';

/**
 * Errors user code raises outside its own call: a throw in a timer or event callback, a
 * rejected promise nobody awaits, an emit after the call returned. Node would end the thread
 * that runs user code ("executor thread exited", no task, no location); they fail the task that
 * is running instead, as a throw inside the call would, with the user's error and stack and
 * where that task's user code was last called.
 */

/** Where the running task last called user code: updated by the map and reduce loops. */
export const callSite = { input: '', offset: 0, key: '' };

let failRunning: ((err: UserCodeError) => void) | null = null;

/** Call once, in the thread that runs user code, before any task. */
export function catchAsyncUserErrors(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): void {
  const report = (err: unknown, what: string) => {
    const e = err instanceof Error ? err : new Error(String(err));
    // A late emit says what happened itself.
    const described = new Error(e instanceof LateEmitError ? e.message : `${what}: ${e.message}`);
    described.stack = `${e.name}: ${described.message}\n${(e.stack ?? '').split('\n').slice(1).join('\n')}`;
    const wrapped = new UserCodeError(described, callSite.input, callSite.offset, callSite.key);
    if (failRunning) failRunning(wrapped);
    // No task runs: nothing to fail; the worker's log keeps it.
    else log(`user code failed after its task ended: ${wrapped.stack}`);
  };
  process.on('uncaughtException', (err) => report(err, 'uncaught exception in user code, outside its call (a timer or event callback)'));
  process.on('unhandledRejection', (reason) => report(reason, 'unhandled promise rejection in user code (a promise nobody awaited)'));
}

/**
 * Runs one task; an asynchronous user error while it runs rejects the result with that error
 * (the task itself may still be running: `tainted` says the thread should be replaced).
 */
export async function runWatched<T>(task: () => Promise<T>): Promise<{ result: T } | { error: unknown; tainted: boolean }> {
  callSite.input = '';
  callSite.offset = 0;
  callSite.key = '';
  let onFail!: (err: UserCodeError) => void;
  const failed = new Promise<UserCodeError>((resolve) => (onFail = resolve));
  failRunning = onFail;
  try {
    const outcome = await Promise.race([
      task().then((result) => ({ result }), (error: unknown) => ({ error, tainted: false })),
      failed.then((error) => ({ error, tainted: true })),
    ]);
    return outcome;
  } finally {
    failRunning = null;
  }
}
