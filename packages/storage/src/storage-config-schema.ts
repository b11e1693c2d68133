/**
 * The shape of a StorageConfig, checked where one arrives as data (a job spec, a worker's
 * GOMR_STORAGE_JSON, a job folder's spec.json) instead of each reader casting JSON.parse.
 * Only the shape: openStorage's validateStorageConfig still checks what needs the backend's
 * rules (absolute roots, bucket names, endpoints) when the store is opened.
 *
 * A subpath of its own (@gomr/storage/config-schema), not in the package's index: most
 * importers of @gomr/storage (every executor thread, the pre-flight check, the CLI's run
 * path) never parse a config, and so do not load zod at all.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import type { StorageConfig } from './storage-config.js';

// zod/mini rather than zod: the master and every worker check a config at start, and zod's
// classic build is 750 KB of bundle (all its locales): ~25 ms of CPU per process to load, ~8
// for mini. Mini has no messages of its own; English ones, as the classic build's, for every
// schema built on this module's (the master's job spec too).
z.config(en());

/** A string of at least one character (zod/mini has no .min() to chain). */
export const nonEmpty = () => z.string().check(z.minLength(1));

export const storageConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), root: nonEmpty() }),
  z.object({
    kind: z.literal('s3'),
    endpoint: nonEmpty(),
    bucket: nonEmpty(),
    accessKey: nonEmpty(),
    secretKey: nonEmpty(),
    region: z.optional(z.string()),
  }),
]) satisfies z.ZodMiniType<StorageConfig>;

/**
 * `raw` as a StorageConfig, or a one-line Error naming `where` (e.g. "GOMR_STORAGE_JSON") and
 * the first bad field. A string is parsed as JSON first.
 */
export function parseStorageConfig(raw: unknown, where: string): StorageConfig {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new Error(`${where}: not JSON (${(err as Error).message})`);
    }
  }
  const result = storageConfigSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data as StorageConfig;
}
