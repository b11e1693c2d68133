/** Where a store lives. Serialisable: it travels to workers through the environment. */
export type StorageConfig = LocalStorageConfig | S3StorageConfig;

export interface LocalStorageConfig {
  kind: 'local';
  /** Absolute path of the directory that holds every key. */
  root: string;
}

export interface S3StorageConfig {
  kind: 's3';
  /** e.g. "http://127.0.0.1:9000" */
  endpoint: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  /** @default "us-east-1" */
  region?: string;
}

/** A store as messages name it: "local store /path" or "s3://bucket at http://host:port" (no credentials). */
export function describeStorage(config: StorageConfig): string {
  return config.kind === 'local' ? `local store ${config.root}` : `s3://${config.bucket} at ${config.endpoint}`;
}
