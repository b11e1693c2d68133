/**
 * Finds and aborts the incomplete multipart uploads under a prefix: what a writer leaves on the
 * server when its process is killed mid-write (or when its own abort could not reach the
 * server). Their parts take space until aborted, and no object listing shows them, so
 * S3Storage.deletePrefix (the job's cleanup) sweeps them.
 *
 * Why not minio's listIncompleteUploads and removeIncompleteUpload: the first also sends a
 * ListParts per upload (to add up sizes nobody needs here), the second aborts only the newest
 * upload of a key and, when there is none, sends "uploadId=undefined". And minio's parser drops
 * NextUploadIdMarker, so a page is continued from its last upload instead, which is what S3
 * defines the next markers to be.
 *
 * MinIO lists, for a non-empty prefix, only the uploads whose key is exactly that prefix, and
 * will not change it (minio/minio#20989); with no prefix it lists every upload of the bucket
 * it knows of, in one page. So when the listing by prefix finds nothing, one page without a
 * prefix is read and filtered here: on S3 that is one more request, on MinIO it is what finds
 * the uploads. (MinIO also removes uploads older than 24 h by itself: stale_uploads_expiry.)
 */
import type * as Minio from 'minio';
import { isNoSuchUpload } from './s3-errors.js';

/** Aborts sent at once: a killed job may leave one upload per task. */
const ABORT_CONCURRENCY = 8;

/** Aborts every incomplete upload whose key starts with `prefix`; returns how many it aborted. */
export async function abortIncompleteUploads(client: Minio.Client, bucket: string, prefix: string): Promise<number> {
  const byPrefix = await sweep(client, bucket, prefix, prefix, Infinity);
  if (byPrefix.listed > 0) return byPrefix.aborted;
  return (await sweep(client, bucket, '', prefix, 1)).aborted;
}

/**
 * Lists uploads by `listPrefix`, up to `maxPages` pages, and aborts those whose key starts with
 * `prefix`. `listed`: uploads the server returned, ours or not.
 */
async function sweep(
  client: Minio.Client,
  bucket: string,
  listPrefix: string,
  prefix: string,
  maxPages: number,
): Promise<{ listed: number; aborted: number }> {
  let keyMarker = '';
  let uploadIdMarker = '';
  let listed = 0;
  let aborted = 0;
  for (let pages = 1; ; pages++) {
    // An empty delimiter: every key under the prefix, not a folder level.
    const page = await client.listIncompleteUploadsQuery(bucket, listPrefix, keyMarker, uploadIdMarker, '');
    // minio's XML parser turns a numeric-looking value into a number.
    const uploads = page.uploads.map((u) => ({ key: String(u.key), uploadId: String(u.uploadId) }));
    listed += uploads.length;
    // Filtered here too: a server that ignored the prefix must not make this abort other jobs' uploads.
    const ours = uploads.filter((u) => u.key.startsWith(prefix));
    for (let i = 0; i < ours.length; i += ABORT_CONCURRENCY) {
      const done = await Promise.all(ours.slice(i, i + ABORT_CONCURRENCY).map((u) => abortUpload(client, bucket, u.key, u.uploadId)));
      aborted += done.filter(Boolean).length;
    }
    const last = uploads.at(-1);
    if (!isTrue(page.isTruncated) || last === undefined || pages >= maxPages) return { listed, aborted };
    if (last.key === keyMarker && last.uploadId === uploadIdMarker) {
      throw new Error(`listing incomplete uploads under ${prefix}: the server returned the same page again`);
    }
    keyMarker = last.key;
    uploadIdMarker = last.uploadId;
  }
}

/** Aborts one upload; false if it was already gone (completed, or aborted by its writer meanwhile). */
async function abortUpload(client: Minio.Client, bucket: string, key: string, uploadId: string): Promise<boolean> {
  try {
    await client.abortMultipartUpload(bucket, key, uploadId);
    return true;
  } catch (error) {
    if (isNoSuchUpload(error)) return false;
    throw error;
  }
}

/** minio passes IsTruncated on as the XML parser gave it: true, or maybe the text "true". */
function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
