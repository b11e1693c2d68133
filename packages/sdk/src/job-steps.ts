import type { InputMode, JobDefinition, JsonValue, MapperOf, Partitioner, Reducer } from './user-api.js';

/**
 * Jobs of steps: `run({ steps: [step1, step2, ...] })`. Step 1 reads the job's inputs as a
 * one-step job does; each later step's mapper is called once per record the step before it
 * emitted, `mapper(ctx, key, value)`, the value with its JSON type. Only the last step writes
 * the job's output (part files); a step before the last writes runs that only the next reads.
 *
 * Kept free of runtime dependencies: bundled into every worker file with user-api.ts.
 */

/** The mapper of a step past the first: one call per record of the step before it. */
export type StepMapper<I extends JsonValue = any, V extends JsonValue = any> = (ctx: import('./user-api.js').Context<V>, key: string, value: I) => void | Promise<void>;

/** What every step may have besides its mapper. */
export interface StepOptions<V extends JsonValue, O extends JsonValue> {
  /** Without one, the step is map-only: allowed for the last step only. */
  reducer?: Reducer<V, O>;
  /** Runs on the step's map output before its shuffle; safe to apply any number of times. */
  combiner?: Reducer<V, V>;
  /** @default FNV-1a hash of the key modulo the step's reducer count */
  partitioner?: Partitioner;
  /**
   * The step's reduce tasks: for a step before the last, also the next step's map tasks; for
   * the last, the job's part files. @default `--reducers` of `gomr run`
   */
  reducers?: number;
}

/** Step 1: reads the job's inputs (see JobDefinition.input). */
export interface FirstStep<V extends JsonValue = any, O extends JsonValue = any, M extends InputMode = 'text'> extends StepOptions<V, O> {
  /** @default 'text' */
  input?: M;
  mapper: MapperOf<V, M>;
}

/** A step past the first: its mapper takes the records the step before it emitted (values of type I). */
export interface NextStep<I extends JsonValue = any, V extends JsonValue = any, O extends JsonValue = any> extends StepOptions<V, O> {
  mapper: StepMapper<I, V>;
}

/** A job of steps, as run() takes it. */
export interface StepsDefinition {
  steps: readonly [FirstStep<any, any, any>, ...NextStep<any, any, any>[]];
  mapper?: never;
  reducer?: never;
}

/**
 * Types a step past the first on its own (a step kept in a variable, or a function shared by
 * jobs): `step<number>({ mapper(ctx, key, count) { ... } })`, count typed as number.
 */
export function step<I extends JsonValue = any, V extends JsonValue = any, O extends JsonValue = any>(s: NextStep<I, V, O>): NextStep<I, V, O> {
  return s;
}

/** Whether a definition is a job of steps (has a `steps` field, even a bad one). */
export function isStepsDefinition(def: unknown): def is StepsDefinition {
  return !!def && typeof def === 'object' && 'steps' in def && (def as { steps?: unknown }).steps !== undefined;
}

/**
 * What is wrong with a definition of steps, in one line, or undefined: steps an empty or not an
 * array, a step without a mapper, steps together with a top-level mapper or reducer, a step
 * before the last without a reducer, a bad reducer count.
 */
export function stepsProblem(def: Record<string, unknown>): string | undefined {
  const steps = def.steps;
  if (!Array.isArray(steps)) return 'run(): steps must be an array of steps ({ mapper, reducer })';
  if (!steps.length) return 'run(): steps is empty; give at least one step ({ mapper, reducer })';
  for (const name of ['mapper', 'reducer', 'combiner', 'partitioner'] as const) {
    if (def[name] !== undefined) return `run(): give either steps or a ${name} at the top level, not both (a job of steps has each step's ${name} in its step)`;
  }
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as Record<string, unknown> | undefined;
    const n = i + 1;
    if (!s || typeof s !== 'object') return `run(): step ${n} must be an object ({ mapper, reducer })`;
    if (typeof s.mapper !== 'function') return `run(): step ${n} has no mapper function`;
    for (const name of ['reducer', 'combiner', 'partitioner'] as const) {
      if (s[name] !== undefined && typeof s[name] !== 'function') return `run(): step ${n}: ${name} must be a function when given`;
    }
    if (i < steps.length - 1 && s.reducer === undefined) return `run(): step ${n} has no reducer; only the last step may be map-only (its output feeds step ${n + 1})`;
    if (s.reducers !== undefined && (!Number.isInteger(s.reducers) || (s.reducers as number) < 1)) return `run(): step ${n}: reducers must be a positive integer, got ${JSON.stringify(s.reducers)}`;
    if (i > 0 && s.input !== undefined) return `run(): step ${n}: input applies to step 1 only (a later step reads the records of the step before it)`;
  }
  if (def.sort !== undefined && def.sort !== 'hash') return "run(): sort 'total' is not supported for a job of steps";
  return undefined;
}

/**
 * The steps of a definition, each as the definition of a one-step job that the map and reduce
 * tasks run (step 1 with the job's input mode; a job without steps is its own one step).
 */
export function jobSteps(def: JobDefinition | StepsDefinition): JobDefinition[] {
  if (!isStepsDefinition(def)) return [def as JobDefinition];
  return def.steps.map((s) => s as unknown as JobDefinition);
}
