import { checkJsonValue, checkKey } from '../data/index.js';
import type { Context, JsonValue } from '../user-api.js';

/** The ctx object user code receives; emit goes to a sink chosen by the task. */
export class TaskContext implements Context {
  input = '';
  readonly userCounters: Record<string, number> = {};

  constructor(
    readonly taskId: string,
    readonly attempt: number,
    readonly workerId: string,
    readonly params: Readonly<Record<string, string>>,
    private readonly sink: (key: string, value: JsonValue) => void,
  ) {}

  emit(key: string, value: JsonValue): void {
    if (typeof key !== 'string') {
      throw new TypeError(`ctx.emit: the key must be a string, got ${key === null ? 'null' : typeof key}`);
    }
    checkKey(key);
    checkJsonValue(value);
    this.sink(key, value);
  }

  count(name: string, by = 1): void {
    if (typeof by !== 'number' || !Number.isFinite(by)) throw new TypeError(`ctx.count(${JSON.stringify(name)}): the amount must be a finite number`);
    this.userCounters[name] = (this.userCounters[name] ?? 0) + by;
  }
}
