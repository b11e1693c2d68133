/** An exception thrown by the user's mapper, combiner, reducer or partitioner, with where. */
export class UserCodeError extends Error {
  constructor(
    readonly original: unknown,
    readonly input: string,
    readonly offset: number,
    readonly key: string,
  ) {
    super(original instanceof Error ? original.message : String(original));
    this.name = 'UserCodeError';
    this.stack = original instanceof Error ? userFrames(original.stack ?? this.message) : this.message;
  }
}

/**
 * What the user's combiner threw, saying so, with the key and input. It names no chunk (no
 * input, offset 0): a combiner folds values of many chunks, so no chunk is to blame.
 */
export function combinerError(original: unknown, input: string, key: string): UserCodeError {
  const err = new UserCodeError(original, '', 0, key);
  const shown = JSON.stringify(key.length > 80 ? key.slice(0, 80) + '…' : key);
  err.message = `combiner failed on key ${shown} (input ${input}): ${err.message}`;
  return err;
}

/** This package's directory: frames below it are gomr's plumbing, not the user's code. */
const RUNTIME_DIR = new URL('../..', import.meta.url).pathname.replace(/\/dist\/$/, '/');

/** Drops the stack frames that belong to gomr's runtime, so the user sees their own code. */
export function userFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => !/^\s+at /.test(line) || (!line.includes(RUNTIME_DIR) && !line.includes('node:internal')))
    .join('\n');
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
