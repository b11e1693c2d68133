/**
 * Storage keys are relative, '/'-separated paths. Both backends apply the same rules so that a
 * key valid on a developer's laptop (local directory) is valid on the cluster (S3), and so that
 * no key can escape a LocalStorage root.
 */
import { InvalidKeyError } from './errors.js';

/** Why `key` is not a valid object key, or null if it is. */
export function keyProblem(key: string): string | null {
  if (typeof key !== 'string') return 'not a string';
  if (key.length === 0) return 'empty';
  if (key.startsWith('/')) return 'starts with "/" (keys are relative)';
  if (key.includes('\0')) return 'contains a NUL character';
  for (const segment of key.split('/')) {
    const problem = segmentProblem(segment);
    if (problem) return problem;
  }
  return null;
}

/** Throws InvalidKeyError unless `key` is a valid object key. */
export function validateKey(key: string): string {
  const problem = keyProblem(key);
  if (problem) throw new InvalidKeyError(key, problem);
  return key;
}

/**
 * Validates a list prefix. A prefix is a plain string prefix of keys ("a/b" matches "a/bc/x"
 * too; "a/b/" does not): "" means everything, and a trailing partial segment may be anything
 * without NUL, but every complete segment (one followed by '/') must be a valid key segment.
 */
export function validatePrefix(prefix: string): string {
  if (typeof prefix !== 'string') throw new InvalidKeyError(String(prefix), 'not a string');
  if (prefix.startsWith('/')) throw new InvalidKeyError(prefix, 'starts with "/" (keys are relative)');
  if (prefix.includes('\0')) throw new InvalidKeyError(prefix, 'contains a NUL character');
  const complete = prefix.split('/').slice(0, -1);
  for (const segment of complete) {
    const problem = segmentProblem(segment);
    if (problem) throw new InvalidKeyError(prefix, problem);
  }
  return prefix;
}

/**
 * Joins parts into a key with single '/' separators, ignoring empty parts and slashes at the
 * parts' edges: joinKey('jobs/j1/', 'map', '3') === 'jobs/j1/map/3'. The result is validated.
 */
export function joinKey(...parts: string[]): string {
  const joined = parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part.length > 0)
    .join('/');
  return validateKey(joined);
}

function segmentProblem(segment: string): string | null {
  if (segment === '') return 'has an empty segment ("//" or a trailing "/")';
  if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
  return null;
}

/**
 * The order `list` returns keys in, on every backend: plain JavaScript string order (UTF-16
 * code units). It equals S3's UTF-8 byte order except for keys mixing characters above U+FFFF
 * with ones in U+E000..U+FFFF, which is why both backends sort with this rather than trusting
 * the server's order.
 */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
