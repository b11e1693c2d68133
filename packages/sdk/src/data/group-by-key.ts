import { batchesOf } from './batched.js';
import type { JsonValue } from './json-value.js';
import type { Group, Rec } from './rec.js';
import { compareUtf8 } from './utf8-compare.js';

/**
 * Groups a key-sorted record stream into one { key, values } per distinct key, values in
 * stream order. Only one group is held at a time. A key that sorts before its predecessor
 * means the input was not sorted (a bug upstream, or a damaged run) and is an error: it
 * would otherwise split one key's values over two reducer calls.
 */
export async function* groupByKey(sorted: AsyncIterable<Rec> | Iterable<Rec>): AsyncIterable<Group> {
  let key = '';
  let values: JsonValue[] = [];
  for await (const batch of batchesOf(sorted)) {
    for (let i = 0; i < batch.length; i++) {
      const rec = batch[i]!;
      if (values.length > 0 && rec.key === key) {
        values.push(rec.value);
        continue;
      }
      if (values.length > 0) {
        if (compareUtf8(rec.key, key) < 0) {
          throw new Error(
            `groupByKey: input is not sorted: key ${JSON.stringify(rec.key)} came after ${JSON.stringify(key)}`,
          );
        }
        yield { key, values };
      }
      key = rec.key;
      values = [rec.value];
    }
  }
  if (values.length > 0) yield { key, values };
}
