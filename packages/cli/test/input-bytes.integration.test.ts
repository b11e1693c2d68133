import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGomr, tempDir } from './support/run-gomr.js';

/** Input bytes the mapper sees other than as written are counted, or refused, never silently passed on. */

const wordCount = `import { run } from '@gomr/sdk';
run({
  mapper(ctx, chunk: string) { for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1); },
  reducer(ctx, key: string, values: number[]) { ctx.emit(key, values.length); },
});
`;

test('CRLF line ends and invalid UTF-8 are counted in the summary', async () => {
  const dir = await tempDir();
  const worker = join(dir, 'wc.ts');
  await writeFile(worker, wordCount);
  const input = join(dir, 'in.txt');
  // Two CRLF lines, one LF line; two invalid sequences (a lone 0xff, a truncated 2-byte lead) and one genuine U+FFFD.
  await writeFile(input, Buffer.concat([Buffer.from('one two\r\nthree\r\n'), Buffer.from([0x66, 0xff, 0x20, 0xc3, 0x0a]), Buffer.from('ok \uFFFD\n')]));
  const r = await runGomr(['run', '--input', input, '--output', join(dir, 'out'), worker], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const all = r.stdout + r.stderr;
  assert.match(all, /2 invalid UTF-8 sequences, each given to the mapper as U\+FFFD/);
  assert.match(all, /2 lines end in \\r\\n/);
});

test('a NUL byte past the first 8 KiB fails the job, exit 3, naming the file and offset', async () => {
  const dir = await tempDir();
  const worker = join(dir, 'wc.ts');
  await writeFile(worker, wordCount);
  const input = join(dir, 'late-nul.txt');
  const text = 'word '.repeat(4000) + '\n'; // 20001 bytes
  await writeFile(input, Buffer.concat([Buffer.from(text), Buffer.from([0x61, 0x00, 0x0a])]));
  const r = await runGomr(['run', '--input', input, '--quiet', '--output', join(dir, 'out'), worker], { timeoutMs: 60_000 });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /input late-nul\.txt looks binary \(NUL byte at offset 20002\)/);
});
