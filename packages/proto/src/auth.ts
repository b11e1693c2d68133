import * as grpc from '@grpc/grpc-js';

/** Metadata key that carries the per-job token. */
export const TOKEN_METADATA_KEY = 'x-gomr-token';

export function tokenMetadata(token: string): grpc.Metadata {
  const md = new grpc.Metadata();
  if (token) md.set(TOKEN_METADATA_KEY, token);
  return md;
}

export function tokenFrom(md: grpc.Metadata): string {
  const v = md.get(TOKEN_METADATA_KEY)[0];
  return typeof v === 'string' ? v : v ? v.toString('utf8') : '';
}
