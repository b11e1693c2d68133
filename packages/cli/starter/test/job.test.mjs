// Runs the job through the gomr CLI on the sample input and compares its output with a count
// made here, independently, with the same notion of a word. (JavaScript: `node --test` runs
// TypeScript files only from Node 23.6 on.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const gomr = join(root, 'node_modules/gomr/bin/run.js');
const input = join(root, 'input/sample.txt');

/** Output lines are key<TAB>value; backslash, tab, newline and CR in keys are escaped. */
function unescape(s) {
  return s.replace(/\\([\\tnr])/g, (_, c) => ({ t: '\t', n: '\n', r: '\r' })[c] ?? '\\');
}

test('the job counts every word of the sample exactly once', () => {
  const out = mkdtempSync(join(tmpdir(), 'job-test-'));
  try {
    const r = spawnSync(
      process.execPath,
      [gomr, 'run', '--input', input, '--workers', '2', '--mappers', '2', '--reducers', '2', '--output', out, '--overwrite', '--quiet', join(root, 'worker.ts')],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const got = new Map();
    for (const file of readdirSync(out).sort()) {
      for (const line of readFileSync(join(out, file), 'utf8').split('\n')) {
        if (!line) continue;
        const tab = line.indexOf('\t');
        const key = unescape(line.slice(0, tab));
        assert.ok(!got.has(key), `${key} appears twice`);
        got.set(key, Number(line.slice(tab + 1)));
      }
    }
    const expected = new Map();
    for (const word of readFileSync(input, 'utf8').split(/[^\p{L}]+/u)) if (word) expected.set(word, (expected.get(word) ?? 0) + 1);
    assert.deepEqual(got, expected);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
