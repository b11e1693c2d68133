import { isStepsDefinition, stepsProblem, type FirstStep, type NextStep, type StepsDefinition } from './job-steps.js';

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
  /** Read-only files shipped with the job (`--file PATH`). */
  readonly files: SideFiles;
}

/** The job's side files, by name: a file's base name, or DIR/relative/path for a directory's files. */
export interface SideFiles {
  /** A local path to read the file from; throws for a name the job does not have. */
  path(name: string): string;
  /** The file's text (UTF-8), read once. */
  text(name: string): Promise<string>;
  /** The file parsed as JSON, read once. */
  json<T = unknown>(name: string): Promise<T>;
  /** Every name the job has. */
  names(): string[];
}

/** How a map task's input reaches the mapper (see `JobDefinition.input`). */
export type InputMode = 'text' | 'lines' | 'jsonl' | 'csv';

/** What the mapper is called with, per input mode. */
export interface InputRecords {
  /** Whole lines of one input file, each with its '\n' (the file's last line may lack one). */
  text: string;
  /** One line, without its '\n' or '\r\n'. */
  lines: string;
  /** One line's parsed JSON value: declare its type with `Mapper<'jsonl', MyRecord>`. */
  jsonl: unknown;
  /** One row, keyed by the file's header row. */
  csv: Record<string, string>;
}

/**
 * `Mapper<V>`: a text mapper emitting values of type V. `Mapper<'jsonl'>` (any input mode): a
 * mapper of that mode's records (`unknown` for jsonl), or `Mapper<'jsonl', MyRecord, V>`.
 */
export type Mapper<
  A extends InputMode | JsonValue = JsonValue,
  R = [A] extends [InputMode] ? InputRecords[A & InputMode] : string,
  V extends JsonValue = [A] extends [InputMode] ? JsonValue : A & JsonValue,
> = (ctx: Context<V>, input: R) => void | Promise<void>;
export type Reducer<V extends JsonValue = JsonValue, O extends JsonValue = JsonValue> = (
  ctx: Context<O>,
  key: string,
  values: V[],
) => void | Promise<void>;
export type Partitioner = (key: string, reducers: number) => number;

export interface JobDefinition<V extends JsonValue = any, O extends JsonValue = any, M extends InputMode = 'text'> {
  /**
   * What the mapper is called with: `text`, chunks of whole lines (about 64 KiB); `lines`, each
   * line; `jsonl`, each line's JSON value; `csv`, each row as an object keyed by the header.
   * @default 'text'
   */
  input?: M;
  mapper: MapperOf<V, M>;
  /** Without one, the job is map-only: run it with `--reducers 0`. */
  reducer?: Reducer<V, O>;
  /** Runs on map output before the shuffle; must be safe to apply any number of times. */
  combiner?: Reducer<V, V>;
  /** @default FNV-1a hash of the key modulo the reducer count */
  partitioner?: Partitioner;
  /**
   * 'total': part files that, concatenated, are one sequence sorted by key (partitioned by key
   * range, cut at keys sampled from the input); `gomr run` then needs `--sort total`.
   * @default 'hash'
   */
  sort?: 'hash' | 'total';
}

export const INPUT_MODE_NAMES: readonly InputMode[] = ['text', 'lines', 'jsonl', 'csv'];

/**
 * The mapper run() takes. A jsonl record is `any` here (it is `unknown` in `Mapper<'jsonl'>`),
 * so a mapper given to run() may declare the record type it expects.
 */
export type MapperOf<V extends JsonValue, M extends InputMode> = (
  ctx: Context<V>,
  input: M extends 'jsonl' ? any : InputRecords[M],
) => void | Promise<void>;

/** Where the runtime finds the definition: a global symbol, so any copy of the SDK works. */
export const DEFINITION_SYMBOL = Symbol.for('gomr.job-definition');
export const EXECUTOR_SYMBOL = Symbol.for('gomr.executor');
/** Set by `@gomr/sdk/testing` while it imports a worker file: run() hands the definition to it. */
export const CAPTURE_SYMBOL = Symbol.for('gomr.capture-definition');
/** Set once `@gomr/sdk/testing` is loaded: run() outside gomr is then a test's import, not a mistake. */
export const TESTING_SYMBOL = Symbol.for('gomr.testing');

/** Under a test runner (node --test, vitest) or with the testing module loaded. */
function inTest(g: Record<symbol, unknown>): boolean {
  const env = typeof process === 'undefined' ? {} : process.env;
  return !!g[TESTING_SYMBOL] || !!env.NODE_TEST_CONTEXT || !!env.VITEST;
}

/**
 * Declares the job. Call it once, at the top level of worker.ts. The gomr runtime loads the
 * file and picks the definition up; run the file with `gomr run worker.ts`, not with node.
 * Returns the definition, so a worker file may also `export default run({ ... })` for tests
 * (see `@gomr/sdk/testing`); imported by a test, run() only returns it.
 */
/**
 * Five steps or more: typed step by step with `step<I>()` (see job-steps.ts). Fewer steps take
 * the overloads above, so a mismatch between steps is an error, not a fallback to this one.
 */
export function run(definition: {
  steps: readonly [FirstStep<any, any, any>, NextStep, NextStep, NextStep, NextStep, ...NextStep[]];
}): StepsDefinition;
/**
 * A job of steps (see job-steps.ts): each step's mapper takes the records of the step before
 * it, typed as that step's reducer emits them (`O1` below), so a mismatch fails to compile.
 *
 * (Two steps listed last among these: TypeScript names the overload it tried last.)
 */
export function run<V1 extends JsonValue, O1 extends JsonValue, M extends InputMode, V2 extends JsonValue, O2 extends JsonValue, V3 extends JsonValue, O3 extends JsonValue, V4 extends JsonValue, O4 extends JsonValue>(definition: {
  steps: readonly [FirstStep<V1, O1, M>, NextStep<NoInfer<O1>, V2, O2>, NextStep<NoInfer<O2>, V3, O3>, NextStep<NoInfer<O3>, V4, O4>];
}): StepsDefinition;
export function run<V1 extends JsonValue, O1 extends JsonValue, M extends InputMode, V2 extends JsonValue, O2 extends JsonValue, V3 extends JsonValue, O3 extends JsonValue>(definition: {
  steps: readonly [FirstStep<V1, O1, M>, NextStep<NoInfer<O1>, V2, O2>, NextStep<NoInfer<O2>, V3, O3>];
}): StepsDefinition;
export function run<V1 extends JsonValue, O1 extends JsonValue, M extends InputMode, V2 extends JsonValue, O2 extends JsonValue>(definition: {
  steps: readonly [FirstStep<V1, O1, M>, NextStep<NoInfer<O1>, V2, O2>];
}): StepsDefinition;
/** A job of one step (listed last: a mistake in one is the error TypeScript shows, as it was before steps). */
export function run<V extends JsonValue = any, O extends JsonValue = any, M extends InputMode = 'text'>(definition: JobDefinition<V, O, M>): JobDefinition<V, O, M>;
export function run(definition: JobDefinition | StepsDefinition): JobDefinition | StepsDefinition {
  const g = globalThis as Record<symbol, unknown>;
  if (isStepsDefinition(definition)) {
    const problem = stepsProblem(definition as unknown as Record<string, unknown>);
    if (problem) throw new TypeError(problem);
  } else if (!definition || typeof definition.mapper !== 'function') {
    throw new TypeError('run({ mapper, reducer }) needs a mapper function');
  }
  else if (definition.reducer !== undefined && typeof definition.reducer !== 'function') {
    throw new TypeError('run(): reducer must be a function when given (a job without one is map-only)');
  }
  const input = isStepsDefinition(definition) ? definition.steps[0].input : definition.input;
  if (input !== undefined && !(INPUT_MODE_NAMES as readonly unknown[]).includes(input)) {
    throw new TypeError(`run(): input must be one of ${INPUT_MODE_NAMES.join(', ')}; got ${JSON.stringify(input)}`);
  }
  const capture = g[CAPTURE_SYMBOL];
  if (typeof capture === 'function') {
    capture(definition);
    return definition;
  }
  if (!g[EXECUTOR_SYMBOL]) {
    if (inTest(g)) return definition;
    process.stderr.write('This is a gomr worker file; run it with `gomr run --input FILE <this file>`.\n');
    process.exitCode = 2;
    return definition;
  }
  if (g[DEFINITION_SYMBOL]) throw new Error('run() was called twice; call it once per worker file');
  g[DEFINITION_SYMBOL] = definition;
  return definition;
}

/** Types a definition without declaring it, e.g. to share one between run() and a test. */
export function defineJob<V extends JsonValue = any, O extends JsonValue = any, M extends InputMode = 'text'>(definition: JobDefinition<V, O, M>): JobDefinition<V, O, M> {
  return definition;
}
