/**
 * The multipart-upload calls s3rver v3 lacks, added to it for tests: ListMultipartUploads
 * (s3rver answers 501 NotImplemented) and AbortMultipartUpload (405 MethodNotAllowed), over
 * s3rver's own store, where an upload in progress is a folder
 * `<directory>/<bucket>/._S3rver_uploads/<uploadId>/` holding its key and its parts. With them
 * (and NoSuchUpload for a part or a completion sent to an upload that is gone, as S3 answers;
 * s3rver would re-create the folder, or fail with 500) a test can check that an aborted or
 * killed writer leaves no upload behind. Without them it can only check that nothing fails.
 *
 * Only what S3Storage sends is implemented: a listing without a delimiter, paged with
 * key-marker and upload-id-marker, uploads in (key, uploadId) order.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type S3rver from 's3rver';

export interface MultipartApiOptions {
  /** Uploads per listing page at most, whatever the client asks: small values test paging. @default 1000 */
  pageSize?: number;
  /**
   * List as MinIO does (minio/minio#20989): a non-empty prefix finds only the uploads whose key
   * is exactly that prefix; no prefix finds them all. @default false: as S3 (keys starting with it)
   */
  prefixIsExactKey?: boolean;
}

/** An upload in progress, as s3rver's store holds it. */
export interface IncompleteUpload {
  key: string;
  uploadId: string;
  /** Parts uploaded so far. */
  parts: number;
  initiated: Date;
}

/** s3rver's folder for the uploads of a bucket (its store's getResourcePath(bucket, '', 'uploads')). */
export function uploadsDirectory(root: string, bucket: string): string {
  return join(root, bucket, '._S3rver_uploads');
}

/** The uploads in progress in a bucket of s3rver's store, in (key, uploadId) order. */
export async function readIncompleteUploads(root: string, bucket: string): Promise<IncompleteUpload[]> {
  const dir = uploadsDirectory(root, bucket);
  const ids = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const uploads: IncompleteUpload[] = [];
  for (const uploadId of ids) {
    const files = await readdir(join(dir, uploadId));
    // A folder without its key file is not an upload (s3rver makes one for a stray part).
    if (!files.includes('key')) continue;
    const key = await readFile(join(dir, uploadId, 'key'), 'utf8');
    const { mtime } = await stat(join(dir, uploadId, 'key'));
    uploads.push({ key, uploadId, parts: files.filter((f) => /^\d+$/.test(f)).length, initiated: mtime });
  }
  return uploads.sort((a, b) => compare(a.key, b.key) || compare(a.uploadId, b.uploadId));
}

/** Adds the calls to a server that has not started yet (run() composes the middleware). */
export function addMultipartApi(server: S3rver, options: MultipartApiOptions = {}): void {
  const pageSize = options.pageSize ?? 1000;
  const root = server.store.rootDirectory;
  const route: S3rver.S3rverMiddleware = async (ctx, next) => {
    const [bucket = '', ...rest] = ctx.path.slice(1).split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const uploadId = single(ctx.query['uploadId']);
    if (ctx.method === 'GET' && key === '' && bucket !== '' && 'uploads' in ctx.query) {
      return listUploads(ctx, root, bucket, pageSize, options.prefixIsExactKey ?? false);
    }
    if (uploadId !== undefined && key !== '' && ['DELETE', 'PUT', 'POST'].includes(ctx.method)) {
      const upload = (await readIncompleteUploads(root, bucket)).find((u) => u.uploadId === uploadId);
      if (!upload || upload.key !== key) {
        await drain(ctx);
        return fail(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
      }
      if (ctx.method === 'DELETE') {
        await rm(join(uploadsDirectory(root, bucket), uploadId), { recursive: true, force: true });
        ctx.status = 204;
        return;
      }
    }
    await next();
  };
  // Before the router (the last middleware), after s3rver's logging and error handling.
  const routerAt = server.middleware.length - 1;
  if (routerAt < 0) throw new Error('s3rver has no middleware: its layout changed');
  server.middleware.splice(routerAt, 0, route);
}

async function listUploads(ctx: S3rver.S3rverContext, root: string, bucket: string, pageSize: number, exactKey: boolean): Promise<void> {
  const prefix = single(ctx.query['prefix']) ?? '';
  const keyMarker = single(ctx.query['key-marker']) ?? '';
  const uploadIdMarker = single(ctx.query['upload-id-marker']) ?? '';
  if ((single(ctx.query['delimiter']) ?? '') !== '') return fail(ctx, 501, 'NotImplemented', 'A delimiter is not implemented here.');
  const maxUploads = Math.min(pageSize, Number(single(ctx.query['max-uploads']) ?? 1000));
  const after = (u: IncompleteUpload): boolean =>
    keyMarker === '' || compare(u.key, keyMarker) > 0 || (u.key === keyMarker && uploadIdMarker !== '' && compare(u.uploadId, uploadIdMarker) > 0);
  const matches = (u: IncompleteUpload): boolean => (exactKey && prefix !== '' ? u.key === prefix : u.key.startsWith(prefix));
  const matching = (await readIncompleteUploads(root, bucket)).filter((u) => matches(u) && after(u));
  const page = matching.slice(0, maxUploads);
  const truncated = matching.length > page.length;
  const last = page.at(-1);
  const tag = (name: string, value: string | number): string => `<${name}>${escapeXml(String(value))}</${name}>`;
  ctx.status = 200;
  ctx.type = 'application/xml';
  ctx.body = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    tag('Bucket', bucket),
    tag('KeyMarker', keyMarker),
    tag('UploadIdMarker', uploadIdMarker),
    tag('NextKeyMarker', truncated && last ? last.key : ''),
    tag('NextUploadIdMarker', truncated && last ? last.uploadId : ''),
    tag('Prefix', prefix),
    tag('MaxUploads', maxUploads),
    tag('IsTruncated', String(truncated)),
    ...page.map((u) =>
      [
        '<Upload>',
        tag('Key', u.key),
        tag('UploadId', u.uploadId),
        '<Initiator><ID>S3RVER</ID><DisplayName>S3rver</DisplayName></Initiator>',
        '<Owner><ID>S3RVER</ID><DisplayName>S3rver</DisplayName></Owner>',
        tag('StorageClass', 'STANDARD'),
        tag('Initiated', u.initiated.toISOString()),
        '</Upload>',
      ].join(''),
    ),
    '</ListMultipartUploadsResult>',
  ].join('\n');
}

function fail(ctx: S3rver.S3rverContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`;
}

/** Reads a request body nobody will use: answering before it is read can reset the connection. */
async function drain(ctx: S3rver.S3rverContext): Promise<void> {
  for await (const _chunk of ctx.req) {
    // discarded
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** S3 orders keys by their UTF-8 bytes. */
function compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
