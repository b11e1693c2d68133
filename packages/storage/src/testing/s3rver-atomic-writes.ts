/**
 * Makes s3rver's writes behave as S3's: an object (or a part) is stored whole or not at all.
 *
 * s3rver v3 writes a PUT's body straight into the object's file as it arrives, and never
 * listens for the request's errors. So a request whose connection breaks midway leaves the
 * bytes that arrived as the object, replacing the one that was there, and its handler hangs
 * with the file open. With a client that retries, the broken attempt's write can even land
 * after the retry's, leaving a truncated object behind a successful put. S3 stores nothing
 * from a request whose body is shorter than its Content-Length (IncompleteBody), and a PUT
 * replaces an object atomically: readers see the old one or the new one.
 *
 * Here each write goes to a temp file beside its target, through a pipeline that fails when
 * the request does, and is renamed into place only once the whole body is on disk. A copy
 * goes through a temp file too (s3rver copies in place, so a reader could see half of it).
 * Temp names do not end in s3rver's object suffix, so listings never show them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type S3rver from 's3rver';

/** What s3rver's store hands to putObject: its S3Object model. */
interface StoredObject {
  bucket: string;
  key: string;
  content: Readable;
  metadata: Record<string, string>;
}

/** The part of s3rver's FilesystemStore these replacements use and replace. */
interface FilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
  getMetadata(bucket: string, key: string): Promise<unknown>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
  putPart(bucket: string, uploadId: string, partNumber: number, content: Readable): Promise<{ size: number; md5: string }>;
  copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacementMetadata?: Record<string, string>): Promise<unknown>;
}

/** Replaces the store's putObject, putPart and copyObject before the server handles a request. */
export function makeWritesAtomic(server: S3rver): void {
  const store = server.store as unknown as FilesystemStore;

  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    const { size, md5 } = await writeWhole(objectPath, object.content);
    await store.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size, md5 };
  };

  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const partPath = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
    const written = await writeWhole(partPath, content);
    await replaceWith(`${partPath}.md5`, (temp) => writeFile(temp, written.md5));
    return written;
  };

  store.copyObject = async (srcBucket, srcKey, destBucket, destKey, replacementMetadata) => {
    const from = (resource: string) => store.getResourcePath(srcBucket, srcKey, resource);
    const to = (resource: string) => store.getResourcePath(destBucket, destKey, resource);
    const copy = (resource: string) => replaceWith(to(resource), (temp) => copyFile(from(resource), temp));
    if (from('object') !== to('object')) {
      await mkdir(dirname(to('object')), { recursive: true });
      await copy('object');
      if (!replacementMetadata) await Promise.all([copy('metadata.json'), copy('object.md5')]);
    }
    if (replacementMetadata) await store.putMetadata(destBucket, destKey, replacementMetadata);
    return store.getMetadata(destBucket, destKey);
  };
}

/** Writes a body to `path` whole, or fails leaving what was there: its size and MD5. */
async function writeWhole(path: string, content: Readable): Promise<{ size: number; md5: string }> {
  await mkdir(dirname(path), { recursive: true });
  const md5 = createHash('md5');
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await replaceWith(path, async (temp) => {
    await pipeline(content, count, createWriteStream(temp));
    // A request that ended short of its Content-Length (Node may end it rather than fail it).
    if (isRequest(content) && !content.complete) throw new Error('IncompleteBody: the request body ended before its Content-Length');
  });
  return { size, md5: md5.digest('hex') };
}

/** Makes a temp file beside `path` with `fill`, then renames it onto `path`; removes it on failure. */
async function replaceWith(path: string, fill: (temp: string) => Promise<unknown>): Promise<void> {
  const temp = `${path}.partial-${randomBytes(6).toString('hex')}`;
  try {
    await fill(temp);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

function isRequest(content: Readable): content is IncomingMessage {
  return typeof (content as Partial<IncomingMessage>).complete === 'boolean';
}
