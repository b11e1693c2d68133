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

/** The S3 bucket does not exist, and the store was opened not to create it (an input store). */
export class BucketNotFoundError extends Error {
  override readonly name = 'BucketNotFoundError';
  readonly retryable = false;
  constructor(
    readonly bucket: string,
    /** The store's `describe`. */
    readonly describe: string,
  ) {
    super(`S3 bucket ${bucket} does not exist (${describe})`);
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
  override readonly name: string = 'StorageUnavailableError';
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

/**
 * A transient failure outlasted the retry budget (see retry-policy.ts): the store has been
 * failing for `unreachableMs` and the operation gave up. Still a StorageUnavailableError (the
 * store may come back later), but this layer has already waited as long as it was allowed to.
 */
export class StorageUnreachableError extends StorageUnavailableError {
  override readonly name: string = 'StorageUnreachableError';
  constructor(
    describe: string,
    /** The last failure; for a typed StorageUnavailableError, its own cause (the socket error). */
    cause: unknown,
    /** What was being done, e.g. "put jobs/j1/spec.json". */
    readonly operation: string,
    /** Attempts made, all failed. */
    readonly attempts: number,
    /** From the start of the first failed attempt to giving up. */
    readonly unreachableMs: number,
  ) {
    const root = cause instanceof StorageUnavailableError ? cause.cause : cause;
    super(describe, root);
    this.message = `storage ${describe} unreachable for ${formatSeconds(unreachableMs)} s: ${causeMessage(root)} (${operation}, ${attempts} attempts)`;
  }
}

/**
 * An object was replaced while a read of it was being resumed after a dropped connection: the
 * bytes already delivered and the rest would come from different versions.
 */
export class ObjectChangedError extends Error {
  override readonly name = 'ObjectChangedError';
  /** Reading again from where it stopped cannot give consistent bytes; the caller must restart. */
  readonly retryable = false;
  constructor(
    readonly key: string,
    readonly expectedETag: string,
    readonly actualETag: string,
  ) {
    super(`object ${key} changed while it was being read (ETag ${expectedETag}, now ${actualETag})`);
  }
}

/** "30" for 30 000 ms, "1.5" for 1 500 ms: whole seconds once they are what matters. */
function formatSeconds(ms: number): string {
  return ms >= 10_000 ? String(Math.round(ms / 1000)) : (Math.round(ms / 100) / 10).toString();
}

function causeMessage(cause: unknown): string {
  if (cause instanceof Error) return cause.message || cause.name;
  return String(cause);
}
