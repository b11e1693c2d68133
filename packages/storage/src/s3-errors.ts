/** Translates what the minio client throws into this package's typed errors. */
import { NotFoundError, StorageUnavailableError } from './errors.js';

/** S3 error codes for an absent object: GET says NoSuchKey, HEAD (no body) says NotFound. */
const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NotFound']);

/** Server-side codes that mean "try again later" (when minio gets to parse the error body). */
const UNAVAILABLE_S3_CODES = new Set(['ServiceUnavailable', 'SlowDown', 'InternalError', 'RequestTimeout']);

/**
 * Socket-level failures: nothing answered, or the connection broke. Node gives "socket hang
 * up" and a response body cut short ("aborted") the code ECONNRESET; s3-transport.ts gives a
 * stalled request ETIMEDOUT.
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function isS3NotFound(error: unknown): boolean {
  return NOT_FOUND_CODES.has(codeOf(error));
}

/** The multipart upload named is not there (completed, or aborted already). */
export function isNoSuchUpload(error: unknown): boolean {
  return codeOf(error) === 'NoSuchUpload';
}

/**
 * Maps `error` to NotFoundError (when `key` is given and the server said the object is absent)
 * or StorageUnavailableError; anything else (access denied, a bad request) is returned as is.
 */
export function mapS3Error(error: unknown, describe: string, key?: string): unknown {
  if (key !== undefined && isS3NotFound(error)) return new NotFoundError(key, { cause: error });
  if (isUnavailable(error)) return new StorageUnavailableError(describe, error);
  return error;
}

function isUnavailable(error: unknown): boolean {
  // Node reports a refused dual-stack connect ("localhost") as an AggregateError of attempts.
  if (error instanceof AggregateError && error.errors.some(isUnavailable)) return true;
  const code = codeOf(error);
  if (CONNECTION_CODES.has(code) || UNAVAILABLE_S3_CODES.has(code)) return true;
  // On 408, 429, 500, 502, 503, 504 (and 499, 520) minio throws, without reading the body, a
  // plain Error with this text and no code (after its own retries, which S3Storage turns off).
  return error instanceof Error && /^Request failed after \d+ retries/.test(error.message);
}

/** The S3 or socket error code of what minio threw, '' when it has none. */
export function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
