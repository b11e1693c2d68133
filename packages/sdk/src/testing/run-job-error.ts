/**
 * A job run by runJob failed: the user's code threw (`original` is what it threw), or the job
 * could not be set up (a bad input, a worker file that does not load). The stack is the user's
 * own, with gomr's frames left out; the message says which task, input, byte offset or key.
 */
export class RunJobError extends Error {
  constructor(
    message: string,
    readonly original: unknown,
    readonly task = '',
    readonly input = '',
    readonly offset = 0,
    readonly key = '',
    stack?: string,
  ) {
    super(message, original === undefined ? undefined : { cause: original });
    this.name = 'RunJobError';
    if (stack !== undefined) this.stack = stack;
  }
}
