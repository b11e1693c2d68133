import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/** Section titles and the command names listed under each, in order, from root help. */
function sections(help: string): Array<[string, string[]]> {
  const out: Array<[string, string[]]> = [];
  for (const line of help.split('\n')) {
    if (/^(?:[A-Z]+ )*COMMANDS$/.test(line)) out.push([line, []]);
    else if (out.length && /^ {2}[a-z]/.test(line)) out[out.length - 1]![1].push(line.trim().split(/\s+/)[0]!);
  }
  return out;
}

test('gomr --help lists a job on this machine first, then the Kubernetes commands, then the rest', async () => {
  const r = await runGomr(['--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(sections(r.stdout), [
    ['COMMANDS', ['run', 'status', 'replay', 'jobs', 'ui', 'init', 'check']],
    ['KUBERNETES COMMANDS', ['start', 'attach', 'logs', 'output', 'down', 'build']],
    ['OTHER COMMANDS', ['autocomplete']],
  ]);
  // Every command of the CLI is listed once: one added later shows, if only under OTHER.
  const ids = readdirSync(join(repoRoot, 'packages/cli/src/commands')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
  const listed = sections(r.stdout).flatMap(([, c]) => c);
  for (const id of ids) assert.equal(listed.filter((c) => c === id).length, 1, `${id} listed once`);
});

test('gomr autocomplete writes bash and zsh completion with every command and its flags', async () => {
  const cache = await tempDir('gomr-ac-');
  const help = await runGomr(['autocomplete', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /bash/);
  assert.match(help.stdout, /zsh/);
  const r = await runGomr(['autocomplete', 'bash'], { env: { XDG_CACHE_HOME: cache } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /gomr autocomplete script bash/);
  const bash = await readFile(join(cache, 'gomr/autocomplete/functions/bash/gomr.bash'), 'utf8');
  assert.match(bash, /^run .*--input .*--typecheck/m);
  assert.match(bash, /^check --load/m);
  assert.match(bash, /^init/m);
  const zsh = await readFile(join(cache, 'gomr/autocomplete/functions/zsh/_gomr'), 'utf8');
  assert.match(zsh, /typecheck/);
  const script = await runGomr(['autocomplete', 'script', 'bash'], { env: { XDG_CACHE_HOME: cache } });
  assert.equal(script.code, 0, script.stderr);
  assert.match(script.stdout, /GOMR_AC_BASH_SETUP_PATH=.*bash_setup/);
});
