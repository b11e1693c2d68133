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
    this.stack = original instanceof Error ? (original.stack ?? this.message) : this.message;
  }
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
