/** `@gomr/storage/s3`: the S3 backend itself, apart from the index so only its users load minio. */
export { S3Storage, DEFAULT_S3_REGION, DEFAULT_REQUEST_TIMEOUT_MS, type S3StorageOptions } from './s3-storage.js';
