import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGomr, tempDir } from './support/run-gomr.js';

/**
 * A task that hangs (no progress for --task-timeout) fails its attempt: it counts against
 * --max-attempts like a throw, and the job fails with exit 1 saying it timed out, where,
 * instead of cycling through "lost with its worker" until the kill cap.
 */

test('a mapper in an infinite loop fails the job after --max-attempts timeouts, saying so, exit 1', async () => {
  const dir = await tempDir();
  const worker = join(dir, 'hangs.ts');
  await writeFile(
    worker,
    `import { run } from '@gomr/sdk';
run({
  mapper(ctx, chunk: string) {
    if (chunk.includes('hang')) for (;;) {}
    for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1);
  },
  reducer(ctx, key, values: number[]) { ctx.emit(key, values.length); },
});
`,
  );
  const input = join(dir, 'in.txt');
  await writeFile(input, 'fine words\n'.repeat(10) + 'now hang here\n');
  const out = join(dir, 'out');
  const r = await runGomr(['run', '--input', input, '--workers', '2', '--mappers', '1', '--task-timeout', '1500', '--max-attempts', '2', '--quiet', '--output', out, worker], {
    timeoutMs: 90_000,
  });
  assert.equal(r.code, 1, `exit 1 (the job failed); stderr:\n${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('gomr:'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /task m-00000 timed out after 1500 ms \(input in\.txt, split at byte 0\) on 2 attempts/);
  assert.doesNotMatch(r.stderr, /lost with its worker/);
  await assert.rejects(access(out), 'no output');
});
