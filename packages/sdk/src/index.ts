/**
 * @gomr/sdk: what a worker file imports.
 *
 * ```ts
 * import { run, type Context } from '@gomr/sdk';
 *
 * function mapper(ctx: Context, chunk: string) {
 *   for (const word of chunk.split(/[^\p{L}]+/u)) if (word) ctx.emit(word, 1);
 * }
 * function reducer(ctx: Context, key: string, values: number[]) {
 *   ctx.emit(key, values.reduce((a, b) => a + b, 0));
 * }
 * run({ mapper, reducer, combiner: reducer });
 * ```
 *
 * Keep this entry point free of runtime dependencies: it is bundled into every worker file.
 * The runtime lives in `@gomr/sdk/runtime`.
 */
export {
  run,
  defineJob,
  type Context,
  type JsonValue,
  type JobDefinition,
  type Mapper,
  type Reducer,
  type Partitioner,
  type SideFiles,
  type InputMode,
  type InputRecords,
} from './user-api.js';
export { step, type FirstStep, type NextStep, type StepMapper, type StepOptions, type StepsDefinition } from './job-steps.js';
