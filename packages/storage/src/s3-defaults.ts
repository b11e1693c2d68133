// S3 defaults that code without an S3 store needs too (flags, options): here, apart from
// s3-storage.ts, so reading them does not load the minio client (~0.2 s at start-up).

export const DEFAULT_S3_REGION = 'us-east-1';

/** A request that moves no byte for this long fails (retryably). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
