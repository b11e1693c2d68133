import type { JsonValue } from '../user-api.js';
import { taskId, type Storage } from '@gomr/storage';
import { UserCodeError, isThenable } from '../runtime/user-code-error.js';
import { callSite } from '../runtime/async-user-errors.js';
import { closeRuns, reduceRuns } from '../runtime/reduce-runs.js';
import type { TaskSpec } from '../runtime/executor-protocol.js';
import type { FeedOptions, FeedStats } from './feed-mapper.js';

/**
 * The input of a map task past step 0 of a job of steps: the runs the step before it wrote
 * (task.runKeys, or task.runs when inline), in the run format, so values keep their JSON
 * types. The mapper is called once per record, mapper(ctx, key, value). A record's "offset"
 * is its position in the task's input (0, 1, ...): what --skip-bad-records skips and an error
 * names, as a chunk's byte offset is for a split.
 */
export interface FeedRunsOptions extends Omit<FeedOptions, 'split' | 'checkInput' | 'storage'> {
  task: TaskSpec;
  storage: Storage;
  /** What ctx.input and errors call the input: the previous step's task that wrote it. */
  inputName: string;
}

/** ctx.input of a map task past step 0: the reduce task of the step before whose output it reads. */
export function stepInputName(task: TaskSpec): string {
  const prev = (task.step ?? 1) - 1;
  return taskId('REDUCE', task.index, prev);
}

export async function feedRuns(o: FeedRunsOptions): Promise<FeedStats> {
  const mapper = o.definition.mapper as unknown as (ctx: unknown, key: string, value: unknown) => void | Promise<void>;
  const why = new Map(o.skipOffsets.map((at, i) => [at, o.skipErrors?.[i] ?? '']));
  const stats: FeedStats = { inputRecords: 0, inputBytes: 0, skippedRecords: 0, invalidUtf8: 0, crlfLines: 0 };
  callSite.input = o.inputName;
  o.ctx.open = false;
  const runs = reduceRuns(o.task, o.storage);
  let offset = 0;
  try {
    for (const run of runs) {
      for await (const batch of run.batches()) {
        for (const rec of batch) {
          const at = offset++;
          callSite.offset = at;
          stats.inputRecords++;
          if (why.has(at)) {
            stats.skippedRecords++;
            // The dead letter of a record of the step before: its key and value, at its position.
            o.deadLetter?.add({ task: o.task.taskId, input: o.inputName, offset: at, record: { key: rec.key, value: rec.value as JsonValue }, error: why.get(at)! });
            continue;
          }
          o.ctx.open = true;
          try {
            const r = mapper(o.ctx, rec.key, rec.value);
            if (isThenable(r)) await r;
          } catch (err) {
            throw new UserCodeError(err, o.inputName, at, '');
          } finally {
            o.ctx.open = false;
          }
          const p = o.afterUnit();
          if (p) await p;
        }
        o.onProgress(stats.inputRecords);
      }
    }
  } finally {
    closeRuns(runs);
  }
  return stats;
}
