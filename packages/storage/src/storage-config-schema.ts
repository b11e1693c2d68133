/**
 * The shape of a StorageConfig, checked where one arrives as data (a job spec, a worker's
 * GOMR_STORAGE_JSON, a job folder's spec.json) instead of each reader casting JSON.parse.
 * Only the shape: openStorage's validateStorageConfig still checks what needs the backend's
 * rules (absolute roots, bucket names, endpoints) when the store is opened.
 *
 * A subpath of its own (@gomr/storage/config-schema), not in the package's index: loading zod
 * costs a process or thread ~50 ms and ~15 MB, and most importers of @gomr/storage (every
 * executor thread, the pre-flight check, the CLI's run path) never parse a config.
 */
import { z } from 'zod';
import type { StorageConfig } from './storage-config.js';

export const storageConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), root: z.string().min(1) }),
  z.object({
    kind: z.literal('s3'),
    endpoint: z.string().min(1),
    bucket: z.string().min(1),
    accessKey: z.string().min(1),
    secretKey: z.string().min(1),
    region: z.string().optional(),
  }),
]) satisfies z.ZodType<StorageConfig>;

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
