import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

// oclif trusts packages/cli/oclif.manifest.json for every command's flags and args (that is
// what spares it importing every command). `npm run build` writes it; this catches a manifest
// left behind by a build that skipped that step.
test('oclif.manifest.json lists every command with its current flags and args', async () => {
  const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {
    commands: Record<string, { flags: Record<string, unknown>; args: Record<string, unknown> }>;
  };
  const commandsDir = new URL('../src/commands/', import.meta.url);
  const ids = readdirSync(commandsDir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort();
  assert.deepEqual(Object.keys(manifest.commands).sort(), ids, 'stale manifest: run `npm run build`');
  for (const id of ids) {
    const command = (await import(new URL(`${id}.js`, commandsDir).href)).default as { flags?: object; args?: object; enableJsonFlag?: boolean };
    const cached = manifest.commands[id]!;
    // enableJsonFlag: oclif adds --json itself, so it is in the manifest but not in `flags`.
    const flags = [...Object.keys(command.flags ?? {}), ...(command.enableJsonFlag ? ['json'] : [])];
    assert.deepEqual(Object.keys(cached.flags).sort(), flags.sort(), `flags of ${id}: run \`npm run build\``);
    assert.deepEqual(Object.keys(cached.args).sort(), Object.keys(command.args ?? {}).sort(), `args of ${id}: run \`npm run build\``);
  }
});
