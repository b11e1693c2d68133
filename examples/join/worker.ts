// Map-side join: sales rows (region,amount,product) joined with a small lookup table shipped as
// a side file (`--file examples/join/products.csv`: product,category), then the amount summed
// per category. Products missing from the table are counted, not emitted. No shuffle of the
// table: every map task reads it from ctx.files, once per worker.
//   gomr run -i examples/data/sales.csv --file examples/join/products.csv examples/join/worker.ts
import { run, type Context, type SideFiles } from '@gomr/sdk';

// One table per job: ctx.files is the same object for every task of a job.
const tables = new WeakMap<SideFiles, Promise<Map<string, string>>>();

function categories(ctx: Context): Promise<Map<string, string>> {
  let table = tables.get(ctx.files);
  if (!table) {
    const name = ctx.params.lookup ?? 'products.csv';
    table = ctx.files.text(name).then((text) => {
      const byProduct = new Map<string, string>();
      for (const line of text.split('\n').slice(1)) {
        const [product, category] = line.replace(/\r$/, '').split(',');
        if (product && category) byProduct.set(product.trim(), category.trim());
      }
      return byProduct;
    });
    tables.set(ctx.files, table);
  }
  return table;
}

async function mapper(ctx: Context<number>, chunk: string) {
  const table = await categories(ctx);
  for (const line of chunk.split('\n')) {
    const [, amount, product] = line.replace(/\r$/, '').split(',');
    const value = Number(amount);
    if (!product || !amount || !Number.isFinite(value)) continue; // the header, blank lines
    const category = table.get(product.trim());
    if (category === undefined) ctx.count('unknown product');
    else ctx.emit(category, value);
  }
}

function reducer(ctx: Context<number>, key: string, values: number[]) {
  let sum = 0;
  for (const v of values) sum += v;
  ctx.emit(key, sum);
}

run({ mapper, reducer, combiner: reducer });
