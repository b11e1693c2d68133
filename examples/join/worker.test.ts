// The map-side join, tested in-process with runJob: side files as contents or as paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { runJob, RunJobError } from '@gomr/sdk/testing';

const worker = new URL('./worker.ts', import.meta.url);
const sales = new URL('../data/sales.csv', import.meta.url).pathname;
const products = new URL('./products.csv', import.meta.url).pathname;

/** The join done apart: a nested loop over the rows and the table. */
async function expected(): Promise<{ sums: Map<string, number>; unknown: number }> {
  const table = (await readFile(products, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
  const sums = new Map<string, number>();
  let unknown = 0;
  for (const row of (await readFile(sales, 'utf8')).trim().split('\n').slice(1)) {
    const [, amount, product] = row.split(',');
    const hit = table.find(([p]) => p === product);
    if (!hit) unknown++;
    else sums.set(hit[1]!, (sums.get(hit[1]!) ?? 0) + Number(amount));
  }
  return { sums, unknown };
}

test('sales joined with products.csv from a path: sums per category, unknown products counted', async () => {
  const { records, userCounters } = await runJob<number>(worker, [sales], { mappers: 4, reducers: 2, files: [products] });
  const { sums, unknown } = await expected();
  assert.deepEqual(new Map(records), sums);
  assert.equal(userCounters['unknown product'], unknown);
  assert.ok(unknown > 0);
});

test('a lookup table given as contents, under a name chosen by --param', async () => {
  const { records, userCounters } = await runJob(
    worker,
    { 'a.csv': 'region,amount,product\nx,5,kiwi\ny,7,fig\nz,1,kiwi\nw,2,plum\n' },
    { files: { 'table.csv': 'product,category\nkiwi,green\nfig,purple\n' }, params: { lookup: 'table.csv' } },
  );
  assert.deepEqual(records, [['green', 6], ['purple', 7]]);
  assert.equal(userCounters['unknown product'], 1);
});

test('without the side file the job fails naming the missing file', async () => {
  await assert.rejects(runJob(worker, [sales], { files: { 'other.csv': '' } }), (err: unknown) => {
    assert.ok(err instanceof RunJobError);
    assert.match(err.message, /ctx\.files: no side file "products\.csv"; the job has "other\.csv"/);
    return true;
  });
});
