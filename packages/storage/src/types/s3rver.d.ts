/** The part of s3rver v3 (CommonJS, untyped) that gomr's tests use. */
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';
  import type { Server } from 'node:http';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    vhostBuckets?: boolean;
    allowMismatchedSignatures?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  /** The part of a Koa context that gomr's additions to s3rver use. */
  interface S3rverContext {
    method: string;
    /** The request path, percent-encoded as sent. */
    path: string;
    query: Record<string, string | string[] | undefined>;
    status: number;
    type: string;
    body: unknown;
    req: import('node:http').IncomingMessage;
  }

  type S3rverMiddleware = (ctx: S3rverContext, next: () => Promise<void>) => Promise<void>;

  class S3rver {
    constructor(options?: S3rverOptions);
    /** Resolves with the bound address once listening. */
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    /** Set by run(). */
    httpServer?: Server;
    /** The filesystem store behind the server (not part of s3rver's documented API). */
    store: { rootDirectory: string; deleteObject(bucket: string, key: string): Promise<void> };
    /** Koa's middleware list, composed when run() starts listening; the router is the last one. */
    middleware: S3rverMiddleware[];
  }

  namespace S3rver {
    export type { S3rverContext, S3rverMiddleware };
  }

  export = S3rver;
}
