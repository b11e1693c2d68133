/**
 * process.exit() in a worker thread ends only the thread, not the process. From user code that
 * left the runtime with nothing to report but "executor thread exited with code N": no input,
 * no offset, gomr's stack, and a runtime failure instead of a task failure. In the executor
 * thread it throws instead, like any error in user code, so the task fails (and is retried)
 * with the call's location and the user's stack.
 */
export class ProcessExitError extends Error {
  constructor(readonly code: number | string | null | undefined) {
    super(`process.exit(${code ?? ''}) called in user code; a task cannot end its worker (throw an Error to fail the task)`);
    this.name = 'ProcessExitError';
  }
}

/** Call once, in the executor thread, before user code is loaded. */
export function guardProcessExit(): void {
  process.exit = ((code?: number | string | null) => {
    throw new ProcessExitError(code);
  }) as typeof process.exit;
}
