import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGomr, tempDir } from './support/run-gomr.js';

/** A word count whose reducer has one type error on line 6; esbuild alone runs it as it is. */
const MISTYPED = `import { run, type Context } from '@gomr/sdk';
function mapper(ctx: Context, chunk: string) {
  for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1);
}
function reducer(ctx: Context, key: string, values: number[]) {
  const total: string = values.reduce((a, b) => a + b, 0);
  ctx.emit(key, Number(total));
}
run({ mapper, reducer, combiner: reducer });
`;

/** Typed right, and uses Node's types (process.env) with no node_modules beside it. */
const GOOD = `import { run, type Context } from '@gomr/sdk';
const min = Number(process.env.GOMR_TEST_MIN ?? '1');
function mapper(ctx: Context, chunk: string) {
  for (const w of chunk.split(/\\s+/)) if (w.length >= min) ctx.emit(w, 1);
}
function reducer(ctx: Context, key: string, values: number[]) {
  ctx.emit(key, values.reduce((a, b) => a + b, 0));
}
run({ mapper, reducer });
`;

async function workerIn(source: string, name = 'worker.ts'): Promise<{ dir: string; file: string }> {
  const dir = await tempDir('gomr-check-');
  const file = join(dir, name);
  await writeFile(file, source);
  return { dir, file };
}

test('gomr check: a type error is printed as file:line:col with tsc\'s message, and the check fails with one summary line', async () => {
  const { dir } = await workerIn(MISTYPED);
  const r = await runGomr(['check', 'worker.ts'], { cwd: dir });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /^worker\.ts:6:9 - error TS2322: Type 'number' is not assignable to type 'string'\.$/m);
  assert.match(r.stderr, /^gomr: worker\.ts does not type-check: 1 error$/m);
  assert.equal(r.stdout, '');
});

test('gomr check: a well-typed worker passes, with Node types supplied, and is loaded as a worker', async () => {
  const { dir } = await workerIn(GOOD);
  const r = await runGomr(['check', 'worker.ts'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'worker.ts: type-checks (no tsconfig.json: strict defaults); defines mapper, reducer\n');
});

test('gomr check: the nearest tsconfig.json above the worker sets the options', async () => {
  const root = await tempDir('gomr-check-');
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'src/worker.ts'), GOOD.replace('const min', 'const unused = 1;\nconst min'));
  // Without a tsconfig an unused local is fine.
  const loose = await runGomr(['check', '--no-load', 'src/worker.ts'], { cwd: root });
  assert.equal(loose.code, 0, loose.stderr);
  await writeFile(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noUnusedLocals: true, module: 'preserve', target: 'es2022', types: [] }, include: ['src'] }));
  const strict = await runGomr(['check', '--no-load', 'src/worker.ts'], { cwd: root });
  assert.equal(strict.code, 4, strict.stderr);
  assert.match(strict.stderr, /^src\/worker\.ts:2:7 - error TS6133: 'unused' is declared but its value is never read\.$/m);
  // types: [] in that config: no Node types, so process is unknown there.
  assert.match(strict.stderr, /error TS2591: Cannot find name 'process'/);
  assert.match(strict.stderr, /^gomr: src\/worker\.ts does not type-check: 2 errors \(with tsconfig\.json\)$/m);
});

test('gomr check: a file that does not call run() type-checks but is refused when loaded', async () => {
  const { dir } = await workerIn("import type { Context } from '@gomr/sdk';\nexport function mapper(ctx: Context, chunk: string) { ctx.emit(chunk, 1); }\n");
  const r = await runGomr(['check', 'worker.ts'], { cwd: dir });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /^gomr: bad worker file: .*run\(/m);
});

test('gomr check: a missing worker file is one line and exit 4', async () => {
  const r = await runGomr(['check', '/nonexistent/worker.ts']);
  assert.equal(r.code, 4);
  assert.equal(r.stderr, 'gomr: worker file not found: /nonexistent/worker.ts\n');
});

test('gomr run --typecheck refuses a mistyped worker before any process starts; without it the same file runs', async () => {
  const { dir } = await workerIn(MISTYPED);
  const input = join(dir, 'in.txt');
  await writeFile(input, 'a b b\n');
  const home = join(dir, 'home');
  const refused = await runGomr(['run', '--typecheck', '--input', input, '--output', join(dir, 'out'), '--quiet', 'worker.ts'], { cwd: dir, home });
  assert.equal(refused.code, 4, refused.stderr);
  assert.match(refused.stderr, /^worker\.ts:6:9 - error TS2322/m);
  assert.match(refused.stderr, /^gomr: worker\.ts does not type-check: 1 error$/m);
  assert.ok(!existsSync(join(home, 'jobs')) || readdirSync(join(home, 'jobs')).length === 0, 'no job was created');
  assert.ok(!existsSync(join(dir, 'out')), 'no output');
  const ran = await runGomr(['run', '--input', input, '--output', join(dir, 'out'), '--quiet', 'worker.ts'], { cwd: dir, home });
  assert.equal(ran.code, 0, ran.stderr);
});

test('gomr start --typecheck refuses a mistyped worker before it looks for a cluster; without it the cluster is the error', async () => {
  const { dir } = await workerIn(MISTYPED);
  const input = join(dir, 'in.txt');
  await writeFile(input, 'a b b\n');
  // A kubeconfig that names no cluster: reaching for one is exit 7, so a 4 comes before it.
  const env = { KUBECONFIG: join(dir, 'no-kubeconfig') };
  const refused = await runGomr(['start', '--typecheck', '--input', input, '--quiet', 'worker.ts'], { cwd: dir, env });
  assert.equal(refused.code, 4, refused.stderr);
  assert.match(refused.stderr, /^worker\.ts:6:9 - error TS2322/m);
  assert.match(refused.stderr, /^gomr: worker\.ts does not type-check: 1 error$/m);
  const unchecked = await runGomr(['start', '--input', input, '--quiet', 'worker.ts'], { cwd: dir, env });
  assert.equal(unchecked.code, 7, unchecked.stderr);
});
