import { pathToFileURL } from 'node:url';
import { isStepsDefinition, stepsProblem, type StepsDefinition } from '../job-steps.js';
import { DEFINITION_SYMBOL, EXECUTOR_SYMBOL, INPUT_MODE_NAMES, type JobDefinition } from '../user-api.js';

export class WorkerFileError extends Error {
  constructor(
    message: string,
    /** The user's stack when their code threw while loading. */
    readonly userStack?: string,
  ) {
    super(message);
  }
}

/**
 * Imports a bundled worker file so that its `run()` registers the job instead of complaining,
 * and checks what it registered.
 */
export async function loadDefinition(bundlePath: string): Promise<JobDefinition | StepsDefinition> {
  const g = globalThis as Record<symbol, unknown>;
  g[EXECUTOR_SYMBOL] = true;
  try {
    await import(pathToFileURL(bundlePath).href);
  } catch (err) {
    const e = err as Error;
    throw new WorkerFileError(`the worker file threw while loading: ${e?.message ?? String(err)}`, e?.stack);
  }
  const def = g[DEFINITION_SYMBOL] as JobDefinition | StepsDefinition | undefined;
  if (!def) throw new WorkerFileError('the worker file never called run({ mapper, reducer }) from @gomr/sdk');
  if (isStepsDefinition(def)) {
    // run() checked it already; a definition set some other way is checked the same.
    const problem = stepsProblem(def as unknown as Record<string, unknown>);
    if (problem) throw new WorkerFileError(problem);
    return def;
  }
  if (typeof def.mapper !== 'function') throw new WorkerFileError('run(): mapper must be a function');
  for (const name of ['reducer', 'combiner', 'partitioner'] as const) {
    if (def[name] !== undefined && typeof def[name] !== 'function') throw new WorkerFileError(`run(): ${name} must be a function when given`);
  }
  if (def.input !== undefined && !(INPUT_MODE_NAMES as readonly unknown[]).includes(def.input)) {
    throw new WorkerFileError(`run(): input must be one of ${INPUT_MODE_NAMES.join(', ')}; got ${JSON.stringify(def.input)}`);
  }
  return def;
}
