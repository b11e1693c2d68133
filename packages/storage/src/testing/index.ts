/**
 * Test helpers for packages that use @gomr/storage: `@gomr/storage/testing`.
 *
 * ```ts
 * import { startS3rver } from '@gomr/storage/testing';
 * const s3 = await startS3rver();
 * const storage = await openStorage(s3.config);
 * // ...
 * await storage.close();
 * await s3.stop();
 * ```
 */
export { startS3rver, S3RVER_ACCESS_KEY, S3RVER_SECRET_KEY, type RunningS3rver } from './s3rver-server.js';
