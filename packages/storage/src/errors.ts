/**
 * Typed storage errors. Callers branch on the class (or on `retryable`), never on message text:
 * the master retries a task whose storage was briefly unreachable, but not one that asked for
 * an object that does not exist.
 */

/** The object under `key` does not exist (or is not a regular object, e.g. a directory). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  /** Asking again will not make the object appear. */
  readonly retryable = false;
  constructor(readonly key: string, options?: ErrorOptions) {
    super(`object not found: ${key}`, options);
  }
}

/** `key` is not a valid storage key (see keys.ts for the rules). */
export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
  /** A bad key is a programming error: retrying cannot fix it. */
  readonly retryable = false;
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`invalid storage key ${JSON.stringify(key)}: ${reason}`);
  }
}

/** The store could not be reached (connection refused, reset, DNS failure, 5xx after retries). */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  /** The store may come back (a MinIO pod restarting), so the operation is worth retrying. */
  readonly retryable = true;
  constructor(
    /** The store's `describe`, e.g. "s3://bucket at http://127.0.0.1:9000". */
    readonly describe: string,
    override readonly cause: unknown,
  ) {
    super(`storage ${describe} is unavailable: ${causeMessage(cause)}`, { cause });
  }
}

function causeMessage(cause: unknown): string {
  if (cause instanceof Error) return cause.message || cause.name;
  return String(cause);
}
