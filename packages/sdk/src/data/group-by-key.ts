import { batched, batchesOf, type Batched } from './batched.js';
import type { JsonValue } from './json-value.js';
import type { Group, Rec } from './rec.js';
import { compareUtf8 } from './utf8-compare.js';

/**
 * Groups a key-sorted record stream into one { key, values } per distinct key, values in
 * stream order. Only one group is held at a time, besides the finished groups of the input
 * batch being read (`batches()` gives those as one array: one await per input batch rather
 * than per key, which is most of the cost when keys are unique, as in a sort). A key that
 * sorts before its predecessor means the input was not sorted (a bug upstream, or a damaged
 * run) and is an error: it would otherwise split one key's values over two reducer calls.
 */
export function groupByKey(sorted: AsyncIterable<Rec> | Iterable<Rec>): Batched<Group> {
  return batched(() => groupBatches(sorted));
}

async function* groupBatches(sorted: AsyncIterable<Rec> | Iterable<Rec>): AsyncIterable<Group[]> {
  let key = '';
  let values: JsonValue[] = [];
  for await (const batch of batchesOf(sorted)) {
    const done: Group[] = [];
    for (let i = 0; i < batch.length; i++) {
      const rec = batch[i]!;
      if (values.length > 0 && rec.key === key) {
        values.push(rec.value);
        continue;
      }
      if (values.length > 0) {
        if (compareUtf8(rec.key, key) < 0) {
          // The groups finished before the bad key still go out, as one at a time would.
          if (done.length) yield done;
          throw new Error(
            `groupByKey: input is not sorted: key ${JSON.stringify(rec.key)} came after ${JSON.stringify(key)}`,
          );
        }
        done.push({ key, values });
      }
      key = rec.key;
      values = [rec.value];
    }
    if (done.length) yield done;
  }
  if (values.length > 0) yield [{ key, values }];
}
