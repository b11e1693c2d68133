import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/** What killed runs leave in TMPDIR is swept by the next run; a run leaves nothing there itself. */

const wordcount = join(repoRoot, 'examples/wordcount/worker.ts');

test("a killed CLI's spill folder in TMPDIR is removed by the next run, which leaves none of its own", async () => {
  const tmp = await tempDir('gomr-tmpdir-');
  const dead = spawn(process.execPath, ['-e', '0']);
  const pid = dead.pid!;
  await new Promise((r) => dead.on('exit', r));
  const stale = join(tmp, `gomr-spill-20261202-000000-dead-pid${pid}`);
  await mkdir(join(stale, 'worker-0-0'), { recursive: true });
  await writeFile(join(stale, 'worker-0-0', 'spill-0.run'), 'GMR1');
  const dir = await tempDir();
  const input = join(dir, 'in.txt');
  await writeFile(input, 'one two two\n');
  const r = await runGomr(['run', '--input', input, '--quiet', '--output', join(dir, 'out'), wordcount], { env: { TMPDIR: tmp }, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  // The sweep runs beside the job (milliseconds against the job's seconds).
  assert.equal(existsSync(stale), false, 'the stale spill folder is gone');
  assert.deepEqual((await readdir(tmp)).filter((n) => n.startsWith('gomr-spill-')), [], 'and the run left none');
});
