import { fileURLToPath } from 'node:url';

/** An exception thrown by the user's mapper, combiner, reducer or partitioner, with where. */
export class UserCodeError extends Error {
  constructor(
    readonly original: unknown,
    readonly input: string,
    readonly offset: number,
    readonly key: string,
  ) {
    super(original instanceof Error ? original.message : String(original));
    this.name = 'UserCodeError';
    this.stack = original instanceof Error ? userFrames(original.stack ?? this.message) : this.message;
  }
}

/**
 * What the user's combiner threw, saying so, with the key and input. It names no chunk (no
 * input, offset 0): a combiner folds values of many chunks, so no chunk is to blame.
 */
export function combinerError(original: unknown, input: string, key: string): UserCodeError {
  const err = new UserCodeError(original, '', 0, key);
  const shown = JSON.stringify(key.length > 80 ? key.slice(0, 80) + '…' : key);
  err.message = `combiner failed on key ${shown} (input ${input}): ${err.message}`;
  return err;
}

/** What the user's partitioner threw (or its bad return value), saying so, with the key. */
export function partitionerError(original: unknown, key: string): UserCodeError {
  const err = new UserCodeError(original, '', 0, key);
  const shown = JSON.stringify(key.length > 80 ? key.slice(0, 80) + '…' : key);
  if (!err.message.startsWith('partitioner returned')) err.message = `partitioner failed on key ${shown}: ${err.message}`;
  return err;
}

/**
 * Where gomr's runtime frames come from: this package's directory (in frames mapped back to
 * sources, and in the compiled files), and the file this module was loaded from, which is a
 * one-file bundle of the runtime when the CLI runs workers from its bundles. That file's own
 * place says nothing about the package: its frames map back to packages/sdk/src/..., and a
 * directory worked out from it could hold the user's file.
 */
const RUNTIME_PLACES = runtimePlaces();

function runtimePlaces(): string[] {
  const file = fileURLToPath(import.meta.url);
  const places = [file];
  // This module's own frame, as stacks show it (mapped to the .ts source when source maps are on).
  const own = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?$/.exec(new Error().stack?.split('\n')[1] ?? '')?.[1];
  for (const f of [file, own && (own.startsWith('file:') ? fileURLToPath(own) : own)]) {
    const m = f ? /^(.*?\/)(?:dist\/)?src\/runtime\/user-code-error\.[jt]s$/.exec(f) : null;
    if (m) places.push(m[1]!);
  }
  return [...new Set(places)];
}

/** Drops the stack frames that belong to gomr's runtime, so the user sees their own code. */
export function userFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => !/^\s+at /.test(line) || (!RUNTIME_PLACES.some((p) => line.includes(p)) && !line.includes('node:internal')))
    .join('\n');
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
