import { compareUtf8 } from '../data/index.js';
import type { Context, JobDefinition, JsonValue } from '../user-api.js';

/**
 * Keeps what the reducer emits, with its JSON types intact (the part files hold text), by
 * wrapping the user's reducer. A reduce task that restarts (its reducer emitted keys out of
 * order, so it runs again sorting everything) calls the reducer again from its first key: a key
 * that does not ascend starts the partition's capture afresh. The part file is sorted by key,
 * values of one key in emit order; a stable sort puts the captured records in that order.
 */
export class ReduceCapture {
  readonly definition: JobDefinition;
  private partition = 0;
  private lastKey: string | undefined;
  private readonly byPartition: [string, JsonValue][][];

  constructor(user: JobDefinition, reducers: number) {
    this.byPartition = Array.from({ length: reducers }, () => []);
    this.definition = {
      ...user,
      reducer: (ctx: Context, key: string, values: JsonValue[]) => {
        if (this.lastKey !== undefined && compareUtf8(key, this.lastKey) <= 0) this.byPartition[this.partition] = [];
        this.lastKey = key;
        const out = this.byPartition[this.partition]!;
        const own = Object.create(ctx) as Context;
        own.emit = (k: string, v: JsonValue) => {
          ctx.emit(k, v);
          out.push([k, v]);
        };
        return user.reducer!(own, key, values);
      },
    };
  }

  /** The next reduce task's emits go to `partition`. */
  begin(partition: number): void {
    this.partition = partition;
    this.lastKey = undefined;
    this.byPartition[partition] = [];
  }

  /** Every partition's records, in part order, each in its part file's order. */
  records(): [string, JsonValue][] {
    return this.byPartition.flatMap((recs) => recs.map((r, i) => [r, i] as const).sort((a, b) => compareUtf8(a[0][0], b[0][0]) || a[1] - b[1]).map(([r]) => r));
  }
}
