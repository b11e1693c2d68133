import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/**
 * Emitted values JSON cannot carry (a function, a BigInt, a cycle) fail the job with a message
 * that says what the value is and where it came from, and leave no output behind.
 */

const badEmit = join(repoRoot, 'packages/cli/test/fixtures/bad-emit-worker.ts');
/** An upper bound on a chunk's size (the README's "about 1 MiB of whole lines"). */
const CHUNK_BYTES = 1024 * 1024;

/** 1.4 MiB of good lines, then the poison: it lands in a chunk past the first of the only map task. */
async function poisonInput(): Promise<{ path: string; text: string; poisonAt: number }> {
  const dir = await tempDir();
  const text = 'fine line\n'.repeat(150_000) + 'a poison line poison\n' + 'fine\n'.repeat(10);
  const path = join(dir, 'poison.txt');
  await writeFile(path, text);
  return { path, text, poisonAt: text.indexOf('a poison') };
}

async function failWith(where: string, what: string) {
  const input = await poisonInput();
  const out = join(await tempDir(), 'out');
  const r = await runGomr(
    ['run', '--input', input.path, '--mappers', '1', '--max-attempts', '2', '--param', `where=${where}`, '--param', `what=${what}`, '--output', out, '--quiet', badEmit],
    { timeoutMs: 60_000 },
  );
  assert.equal(r.code, 1, `exit code 1 (the job failed); stderr:\n${r.stderr}`);
  const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('gomr:'));
  assert.equal(errorLines.length, 1, r.stderr);
  await assert.rejects(access(out), 'a failed job leaves no output directory');
  assert.match(r.stderr, /bad-emit-worker\.ts:\d+/, 'the stack points into the user file');
  assert.doesNotMatch(r.stderr, /packages\/sdk\/src/, 'and not into gomr');
  return { line: errorLines[0]!, input };
}

/** The byte offset the message names must be the start of the chunk holding the poison line. */
function assertChunkOffset(line: string, input: { text: string; poisonAt: number }): void {
  const offset = Number(/chunk at byte (\d+)/.exec(line)?.[1]);
  assert.ok(offset > 0, `a chunk past the first: ${line}`);
  assert.equal(input.text[offset - 1], '\n', 'the chunk starts at a line start');
  assert.ok(offset <= input.poisonAt && input.poisonAt < offset + CHUNK_BYTES, `the chunk at ${offset} holds the poison at ${input.poisonAt}`);
}

const inMapper = [
  ['function', /value\[1\] is a function/],
  ['bigint', /value\.n is a BigInt/],
  ['cycle', /value\.self is a cyclic structure/],
] as const;

for (const [what, description] of inMapper) {
  test(`a mapper emitting a ${what} fails the job, naming the value, task, input and offset`, async () => {
    const { line, input } = await failWith('map', what);
    assert.match(line, /mapper failed in task m-00000 after 2 attempts \(input poison\.txt, chunk at byte \d+\)/);
    assert.match(line, /emitted value is not a JSON value/);
    assert.match(line, description);
    assertChunkOffset(line, input);
  });
}

test('a reducer emitting a BigInt fails the job, naming the value, task and key', async () => {
  const { line } = await failWith('reduce', 'bigint');
  assert.match(line, /reducer failed in task r-00000 after 2 attempts \(key "poison"\): emitted value is not a JSON value: value\.n is a BigInt/);
});

test('a combiner emitting a function fails the job, saying combiner, with the key and input', async () => {
  const { line } = await failWith('combine', 'function');
  assert.match(line, /task m-00000 after 2 attempts: combiner failed on key "poison" \(input poison\.txt\): emitted value is not a JSON value: value\[1\] is a function/);
});
