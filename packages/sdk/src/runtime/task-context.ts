import { checkJsonValue, checkKey } from '../data/index.js';
import type { Context, JsonValue, SideFiles } from '../user-api.js';
import { sideFilesOf } from './side-files.js';

/** The ctx object user code receives; emit goes to a sink chosen by the task. */
export class TaskContext implements Context {
  input = '';
  /**
   * False between the task's calls of user code (set by the map and reduce loops): an emit
   * then comes from a timer or callback that outlived its call, and is refused, not dropped.
   */
  open = true;
  /** The user function this context is passed to, for messages. */
  role = 'mapper';

  constructor(
    readonly taskId: string,
    readonly attempt: number,
    readonly workerId: string,
    readonly params: Readonly<Record<string, string>>,
    private readonly sink: (key: string, value: JsonValue) => void,
    /** Shared by the contexts of one task (its mapper's and its combiner's). */
    readonly userCounters: Record<string, number> = {},
  ) {}

  /** The job's side files: bound to this job's params object by whoever runs the tasks. */
  get files(): SideFiles {
    return sideFilesOf(this.params);
  }

  emit(key: string, value: JsonValue): void {
    if (typeof key !== 'string') {
      throw new TypeError(`ctx.emit: the key must be a string, got ${key === null ? 'null' : typeof key}`);
    }
    if (!this.open) throw new LateEmitError(key, this.role);
    checkKey(key);
    checkJsonValue(value);
    this.sink(key, value);
  }

  count(name: string, by = 1): void {
    if (typeof by !== 'number' || !Number.isFinite(by)) throw new TypeError(`ctx.count(${JSON.stringify(name)}): the amount must be a finite number`);
    this.userCounters[name] = (this.userCounters[name] ?? 0) + by;
  }
}

/** An emit while none of the task's calls of user code runs. */
export class LateEmitError extends Error {
  constructor(key: string, role: string) {
    const shown = key.length > 40 ? key.slice(0, 40) + '…' : key;
    super(`ctx.emit(${JSON.stringify(shown)}) called after the ${role} call returned; an async ${role} must await its work (return its promise) for its emits to count`);
    this.name = 'LateEmitError';
  }
}
