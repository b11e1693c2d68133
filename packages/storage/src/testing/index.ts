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
 *
 * `startS3rver({ multipartApi: true })` adds the multipart-upload calls s3rver lacks (listing
 * and aborting uploads), and `incompleteUploads()` shows the uploads a test left.
 *
 * FaultProxy sits between a store and the server to inject resets, latency, stalls, outages
 * and 503 answers (see fault-proxy.ts).
 */
export {
  FaultProxy,
  type FaultProxyOptions,
  type FaultSettings,
  type FaultStats,
  type ConnectionFault,
} from './fault-proxy.js';
export { seededRandom } from './seeded-random.js';
export { startS3rver, S3RVER_ACCESS_KEY, S3RVER_SECRET_KEY, type RunningS3rver, type StartS3rverOptions } from './s3rver-server.js';
export type { IncompleteUpload, MultipartApiOptions } from './s3rver-multipart.js';
