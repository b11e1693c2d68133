import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGomr, tempDir } from './support/run-gomr.js';

/**
 * The order rule the README documents: in each part file, `LC_ALL=C sort -t TAB -k1,1 -c`
 * holds for keys without the four escaped characters (backslash, tab, newline, CR), prefixes,
 * control characters and non-ASCII text included.
 */

test('part files pass LC_ALL=C sort -t TAB -k1,1 -c for keys without escaped characters', async () => {
  const dir = await tempDir();
  const worker = join(dir, 'raw-keys.ts');
  // Keys are whole lines: prefixes of each other, control characters below tab, DEL, UTF-8.
  await writeFile(
    worker,
    `import { run } from '@gomr/sdk';
run({
  mapper(ctx, chunk: string) { for (const line of chunk.split('\\n')) if (line) ctx.emit(line, 1); },
  reducer(ctx, key: string, values: number[]) { ctx.emit(key, values.length); },
});
`,
  );
  const keys = ['a', 'a\u0001', 'a\u0001b', 'a b', 'ab', 'a\u007f', 'Z', 'é', 'e\u0301', '日本', '𝒜', 'a\u0008z', '~', ' '];
  const input = join(dir, 'in.txt');
  await writeFile(input, [...keys, ...keys.slice(0, 5)].join('\n') + '\n');
  const out = join(dir, 'out');
  const r = await runGomr(['run', '--input', input, '--reducers', '2', '--mappers', '3', '--quiet', '--output', out, worker], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  for (const part of await readdir(out)) {
    const sorted = spawnSync('sort', ['-t', '\t', '-k1,1', '-c', join(out, part)], { env: { ...process.env, LC_ALL: 'C' }, encoding: 'utf8' });
    assert.equal(sorted.status, 0, `${part}: ${sorted.stderr}`);
  }
});
