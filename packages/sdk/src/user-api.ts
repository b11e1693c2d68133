/** Any value JSON can carry. Values reach the reducer with their type intact. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What user code sees during a map or reduce call. */
export interface Context<V extends JsonValue = JsonValue> {
  /** Emits one key/value pair. The key must be a string; the value any JSON value. */
  emit(key: string, value: V): void;
  /** Adds to a user counter; counters are summed over committed attempts only. */
  count(name: string, by?: number): void;
  /** Map phase: base name of the input file this chunk came from. Reduce phase: ''. */
  readonly input: string;
  readonly taskId: string;
  readonly attempt: number;
  readonly workerId: string;
  /** Job parameters given with `gomr run --param KEY=VALUE`. */
  readonly params: Readonly<Record<string, string>>;
}

export type Mapper<V extends JsonValue = JsonValue> = (ctx: Context<V>, chunk: string) => void | Promise<void>;
export type Reducer<V extends JsonValue = JsonValue, O extends JsonValue = JsonValue> = (
  ctx: Context<O>,
  key: string,
  values: V[],
) => void | Promise<void>;
export type Partitioner = (key: string, reducers: number) => number;

export interface JobDefinition<V extends JsonValue = any, O extends JsonValue = any> {
  mapper: Mapper<V>;
  reducer: Reducer<V, O>;
  /** Runs on map output before the shuffle; must be safe to apply any number of times. */
  combiner?: Reducer<V, V>;
  /** @default FNV-1a hash of the key modulo the reducer count */
  partitioner?: Partitioner;
}

/** Where the runtime finds the definition: a global symbol, so any copy of the SDK works. */
export const DEFINITION_SYMBOL = Symbol.for('gomr.job-definition');
export const EXECUTOR_SYMBOL = Symbol.for('gomr.executor');

/**
 * Declares the job. Call it once, at the top level of worker.ts. The gomr runtime loads the
 * file and picks the definition up; run the file with `gomr run worker.ts`, not with node.
 */
export function run<V extends JsonValue = any, O extends JsonValue = any>(definition: JobDefinition<V, O>): void {
  const g = globalThis as Record<symbol, unknown>;
  if (!definition || typeof definition.mapper !== 'function' || typeof definition.reducer !== 'function') {
    throw new TypeError('run({ mapper, reducer }) needs a mapper and a reducer function');
  }
  if (!g[EXECUTOR_SYMBOL]) {
    process.stderr.write('This is a gomr worker file; run it with `gomr run --input FILE <this file>`.\n');
    process.exitCode = 2;
    return;
  }
  if (g[DEFINITION_SYMBOL]) throw new Error('run() was called twice; call it once per worker file');
  g[DEFINITION_SYMBOL] = definition;
}
