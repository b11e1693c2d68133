import * as zlib from 'node:zlib';

/*
 * Which objects are compressed, by name: the one place that maps a file name's suffix to a
 * compression. The master plans a compressed input as one split (a compressed stream cannot be
 * entered in the middle), the CLI says so, and the worker decompresses what the split reads.
 */

export type Compression = 'gzip' | 'brotli' | 'zstd';

/** Suffix (lower case, with its dot) to compression. */
export const COMPRESSION_SUFFIXES: Readonly<Record<string, Compression>> = {
  '.gz': 'gzip',
  '.br': 'brotli',
  '.zst': 'zstd',
};

/** The compression a name's suffix says (case-insensitive), or undefined for plain data. */
export function compressionOf(name: string): Compression | undefined {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  return COMPRESSION_SUFFIXES[name.slice(dot).toLowerCase()];
}

/** Whether this Node's zlib reads zstd. */
export function zstdAvailable(): boolean {
  return typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';
}

/** Node's zlib has zstd from 22.15 (and 23.8); older Node cannot read `.zst` inputs. */
export const ZSTD_NODE_VERSION = '22.15';

/**
 * Why this Node cannot read the compression, or undefined when it can (`hasZstd` and
 * `nodeVersion` are this Node's unless given).
 */
export function compressionProblem(name: string, hasZstd = zstdAvailable(), nodeVersion = process.version): string | undefined {
  if (compressionOf(name) !== 'zstd' || hasZstd) return undefined;
  return `input ${name} is zstd-compressed: reading .zst needs Node ${ZSTD_NODE_VERSION} or newer (this is Node ${nodeVersion.replace(/^v/, '')})`;
}
