// TeraSort's shape as a gomr job: each input line is `KEY<TAB>VALUE` (bench/lib/records.mjs
// makes 100-byte lines with 10-byte keys); identity map and reduce, so the job is the shuffle
// and the sort. Output lines are the input lines, ordered by key within each part.
// Partitions are gomr's default hash of the key; a total-order partitioner (sampled key
// ranges) would make the parts' concatenation sorted too: pass it as `partitioner` here.
import { run, type Context } from '@gomr/sdk';

function mapper(ctx: Context<string>, chunk: string) {
  let at = 0;
  const n = chunk.length;
  while (at < n) {
    let end = chunk.indexOf('\n', at);
    if (end < 0) end = n;
    const tab = chunk.indexOf('\t', at);
    if (tab >= 0 && tab < end) ctx.emit(chunk.slice(at, tab), chunk.slice(tab + 1, end));
    else if (end > at) ctx.emit(chunk.slice(at, end), '');
    at = end + 1;
  }
}

function reducer(ctx: Context<string>, key: string, values: string[]) {
  for (const v of values) ctx.emit(key, v);
}

run({ mapper, reducer });
