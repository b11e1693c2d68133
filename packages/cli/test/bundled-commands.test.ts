import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BUNDLED_COMMANDS } from '../src/bundled-commands/command-bundles.js';
import { oclifFor } from '../src/bundled-commands/fast-start.js';

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

/** Preloaded into a CLI process: at exit, says on stderr whether it read any of @oclif/core (CommonJS: require.cache has each file). */
const OCLIF_PROBE = `process.on('exit', () => {
  const core = Object.keys(require.cache).some((k) => /node_modules[\\\\/]@oclif[\\\\/]core[\\\\/]/.test(k));
  require('node:fs').writeSync(2, '\\nOCLIF ' + core + '\\n');
});`;
let probeFile: string | undefined;

/** The gomr CLI run to its end with ARGS: its output, and whether it read @oclif/core. */
function oclifCopiesOf(args: string[], env: NodeJS.ProcessEnv = {}): { out: string; core: boolean } {
  if (!probeFile) {
    probeFile = join(mkdtempSync(join(tmpdir(), 'gomr-oclif-probe-')), 'probe.cjs');
    writeFileSync(probeFile, OCLIF_PROBE);
  }
  const run = spawnSync(process.execPath, ['--require', probeFile, 'bin/run.js', ...args], {
    cwd: cliRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  const core = /\nOCLIF (true|false)\n/.exec(run.stderr)?.[1];
  assert.ok(core, run.stderr);
  return { out: run.stdout + run.stderr, core: core === 'true' };
}

test('gomr run runs with the oclif bundled beside it; help, other commands and a stale bundle use @oclif/core', () => {
  assert.match(oclifFor(['run', '--input', 'x', 'w.ts']), /command-bundles\/run\/oclif\.js$/);
  assert.match(oclifFor(['run', '--', '--help']), /oclif\.js$/, 'after --, --help is an argument');
  assert.equal(oclifFor(['run', '--input', 'x', '--help']), '@oclif/core');
  assert.equal(oclifFor(['run', '-h']), '@oclif/core');
  assert.equal(oclifFor(['status']), '@oclif/core');
  assert.equal(oclifFor([]), '@oclif/core');
  process.env.GOMR_UNBUNDLED_CLI = '1';
  try {
    assert.equal(oclifFor(['run']), '@oclif/core');
  } finally {
    delete process.env.GOMR_UNBUNDLED_CLI;
  }

  // A whole `gomr run` (a dry run: it plans, and starts nothing) reads none of @oclif/core.
  const worker = fileURLToPath(new URL('../../test/fixtures/lines-worker.ts', import.meta.url));
  const input = fileURLToPath(new URL('../../starter/input/sample.txt', import.meta.url));
  const dry = oclifCopiesOf(['run', '--dry-run', '--input', input, worker]);
  assert.match(dry.out, /map tasks|splits/i, dry.out);
  assert.equal(dry.core, false, dry.out);
  // A usage error goes through the bundled oclif's handling: one line, exit code kept.
  const bad = spawnSync(process.execPath, ['bin/run.js', 'run', '--no-such-flag'], { cwd: cliRoot, encoding: 'utf8' });
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /^gomr: Nonexistent flag: --no-such-flag\n$/);
  assert.equal(oclifCopiesOf(['run', '--help']).core, true);
  assert.equal(oclifCopiesOf(['jobs', '--json']).core, true);
  assert.equal(oclifCopiesOf(['run', '--dry-run', '--input', input, worker], { GOMR_UNBUNDLED_CLI: '1' }).core, true);
});
