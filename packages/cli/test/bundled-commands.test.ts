import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BUNDLED_COMMANDS } from '../src/bundled-commands/command-bundles.js';

const cliRoot = fileURLToPath(new URL('../..', import.meta.url));

/** In a fresh node (a module is loaded once per process): whether oclif's file for ID gives the bundled class. */
function loadsBundle(id: string, env: NodeJS.ProcessEnv = {}): boolean {
  const script = `const [a, b] = await Promise.all([import('./dist/src/bundled-commands/${id}.js'), import('./dist/src/commands/${id}.js')]);
if (typeof a.default.run !== 'function' || a.default.summary !== b.default.summary) throw new Error('not the ${id} command');
process.stdout.write(String(a.default !== b.default));`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: cliRoot, env: { ...process.env, ...env }, encoding: 'utf8' }) === 'true';
}

test('after npm run build oclif loads the bundled commands from their bundle; GOMR_UNBUNDLED_CLI=1 opts out', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {
    commands: Record<string, { relativePath: string[] }>;
  };
  for (const id of BUNDLED_COMMANDS) {
    assert.deepEqual(manifest.commands[id]!.relativePath, ['dist', 'src', 'bundled-commands', `${id}.js`], 'run `npm run build`');
    assert.equal(loadsBundle(id), true, `${id}: bundle missing or stale: run \`npm run build\` (tsc -b alone does not bundle)`);
    assert.equal(loadsBundle(id, { GOMR_UNBUNDLED_CLI: '1' }), false);
  }
});
