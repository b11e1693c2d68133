import { posix } from 'node:path';
import { minimatch } from 'minimatch';
import { isDynamicPattern } from 'tinyglobby';
import { BucketNotFoundError, compressionProblem, openStorage, type S3StorageConfig, type Storage } from '@gomr/storage';
import { GomrError, InputError, StorageError, UsageError } from '../errors.js';

/** What reaches an S3 bucket of inputs: the --s3-* flags (or GOMR_S3_* variables) less the bucket. */
export interface S3Access {
  endpoint?: string | undefined;
  accessKey?: string | undefined;
  secretKey?: string | undefined;
}

export interface S3Input {
  /** Object key in the bucket. */
  key: string;
  /** Base name, shown to the mapper as ctx.input; unique within a job. */
  name: string;
  size: number;
}

export function isS3Url(input: string): boolean {
  return /^s3:\/\//i.test(input);
}

/** Codes S3 answers with when it does not take the credentials. */
const CREDENTIAL_CODES = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken']);

/**
 * Expands s3:// inputs into the objects they name, all in one bucket (a job reads its inputs
 * from one store):
 * - `s3://bucket/prefix/` (or `s3://bucket`): every object under the prefix, sorted by key,
 *   leaving out those with a name part below the prefix starting with '.' or '_' (as in a
 *   directory);
 * - `s3://bucket/path/*.gz` (a glob): the listing of the pattern's fixed prefix, filtered;
 * - `s3://bucket/key`: that object.
 * Nothing is downloaded: the map tasks read the objects with ranged GETs.
 */
export async function resolveS3Inputs(urls: string[], access: S3Access): Promise<{ config: S3StorageConfig; inputs: S3Input[] }> {
  const parsed = urls.map(parseS3Url);
  const buckets = [...new Set(parsed.map((p) => p.bucket))];
  if (buckets.length > 1) throw new InputError(`s3:// inputs from more than one bucket (${buckets.join(', ')}): a job reads its inputs from one bucket`);
  const missing = (['endpoint', 'accessKey', 'secretKey'] as const).find((k) => !access[k]);
  if (missing) {
    const flag = { endpoint: 's3-endpoint', accessKey: 's3-access-key', secretKey: 's3-secret-key' }[missing];
    throw new UsageError(`s3:// inputs need --${flag} (or GOMR_${flag.toUpperCase().replace(/-/g, '_')})`);
  }
  const config: S3StorageConfig = { kind: 's3', endpoint: access.endpoint!, bucket: buckets[0]!, accessKey: access.accessKey!, secretKey: access.secretKey! };
  const storage = await openStorage(config, { createBucket: false });
  try {
    const keys = new Map<string, number>();
    for (const p of parsed) {
      for (const o of await objectsOf(storage, p)) if (!keys.has(o.key)) keys.set(o.key, o.size);
    }
    const byName = new Map<string, string>();
    const inputs: S3Input[] = [];
    for (const [key, size] of keys) {
      const name = posix.basename(key);
      const other = byName.get(name);
      if (other) throw new InputError(`two inputs share the base name ${name} (${other} and ${key}); ctx.input must identify one object`);
      byName.set(name, key);
      const problem = compressionProblem(name);
      if (problem) throw new InputError(problem);
      inputs.push({ key, name, size });
    }
    return { config, inputs };
  } catch (err) {
    throw s3InputError(err, config);
  } finally {
    await storage.close();
  }
}

/** Inputs that are all s3:// URLs: one job reads its inputs from one store. */
export async function resolveOnlyS3Inputs(patterns: string[], access: S3Access): Promise<{ config: S3StorageConfig; inputs: S3Input[] }> {
  const local = patterns.filter((p) => !isS3Url(p));
  if (local.length) throw new InputError(`s3:// inputs cannot be mixed with local ones in one job (${local[0]})`);
  return resolveS3Inputs(patterns, access);
}

interface S3Url {
  url: string;
  bucket: string;
  /** The key, prefix or pattern after the bucket. */
  path: string;
}

function parseS3Url(url: string): S3Url {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/i.exec(url);
  if (!m) throw new UsageError(`not an S3 URL: ${url} (expected s3://bucket/key, s3://bucket/prefix/ or a glob)`);
  return { url, bucket: m[1]!, path: m[2] ?? '' };
}

async function objectsOf(storage: Storage, p: S3Url): Promise<{ key: string; size: number }[]> {
  if (p.path === '' || p.path.endsWith('/')) {
    const found = (await storage.list(p.path)).filter((o) => !o.key.endsWith('/') && visibleBelow(o.key, p.path));
    if (!found.length) throw new InputError(`no objects under ${p.url}`);
    return found;
  }
  if (isDynamicPattern(p.path)) {
    const firstGlob = p.path.search(/[*?[\]{}()!+@]/);
    const prefix = p.path.slice(0, p.path.lastIndexOf('/', firstGlob) + 1);
    const found = (await storage.list(prefix)).filter((o) => minimatch(o.key, p.path, { dot: false }));
    if (!found.length) throw new InputError(`input pattern matches no object: ${p.url}`);
    return found;
  }
  const info = await storage.stat(p.path);
  if (!info) throw new InputError(`input not found: ${p.url}`);
  return [{ key: p.path, size: info.size }];
}

/** No name part below the prefix starts with '.' or '_' (hidden files, markers like _SUCCESS). */
function visibleBelow(key: string, prefix: string): boolean {
  return key
    .slice(prefix.length)
    .split('/')
    .every((part) => !part.startsWith('.') && !part.startsWith('_'));
}

function s3InputError(err: unknown, config: S3StorageConfig): unknown {
  if (err instanceof GomrError) return err;
  if (err instanceof BucketNotFoundError) return new InputError(`input bucket ${config.bucket} does not exist at ${config.endpoint}`);
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && CREDENTIAL_CODES.has(code)) {
    return new StorageError(`S3 at ${config.endpoint} refused the credentials for bucket ${config.bucket} (${code}): check --s3-access-key and --s3-secret-key`);
  }
  return new StorageError(`cannot list the inputs in s3://${config.bucket} at ${config.endpoint}: ${(err as Error).message}`);
}
