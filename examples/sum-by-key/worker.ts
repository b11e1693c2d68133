// Sum a numeric CSV column grouped by another column.
// --param key=N (default 0) and --param value=M (default 1) pick the columns, 0-based.
// Rows whose value is not a number (a header, a blank) are skipped and counted.
import { run, type Context } from '@gomr/sdk';

function column(ctx: Context, name: string, fallback: number): number {
  const n = Number(ctx.params[name] ?? fallback);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--param ${name} must be a column number, got ${ctx.params[name]}`);
  return n;
}

function mapper(ctx: Context<number>, chunk: string) {
  const k = column(ctx, 'key', 0);
  const v = column(ctx, 'value', 1);
  for (const line of chunk.split('\n')) {
    if (!line.trim()) continue;
    const cols = line.replace(/\r$/, '').split(',');
    const value = Number(cols[v]);
    if (cols.length <= Math.max(k, v) || cols[v]!.trim() === '' || !Number.isFinite(value)) {
      ctx.count('skipped rows');
      continue;
    }
    ctx.emit(cols[k]!.trim(), value);
  }
}

function reducer(ctx: Context<number>, key: string, values: number[]) {
  let sum = 0;
  for (const x of values) sum += x;
  ctx.emit(key, sum);
}

run({ mapper, reducer, combiner: reducer });
