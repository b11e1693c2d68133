// Total order sort of key<TAB>value lines: part-00000 .. part-{R-1}, concatenated, are the input
// sorted by key in UTF-8 byte order (as `LC_ALL=C sort -t "$TAB" -k1,1 -s`); lines with one key
// keep their input order. A line without a tab is a key with an empty value.
//   gomr run -i lines.tsv --reducers 4 --sort total examples/sort/worker.ts
// `sort: 'total'` asks for it here too (runJob honours it; gomr run then needs --sort total,
// because the keys are sampled before the job starts).
import { run, type Context } from '@gomr/sdk';

function mapper(ctx: Context<string>, chunk: string) {
  for (const raw of chunk.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line) continue;
    const tab = line.indexOf('\t');
    if (tab === -1) ctx.emit(line, '');
    else ctx.emit(line.slice(0, tab), line.slice(tab + 1));
  }
}

function reducer(ctx: Context<string>, key: string, values: string[]) {
  for (const v of values) ctx.emit(key, v);
}

run({ mapper, reducer, sort: 'total' });
