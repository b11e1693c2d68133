import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, runGomr, tempDir } from './support/run-gomr.js';

interface Ran {
  code: number | null;
  out: string;
}

/** Runs a command (npm, here) to its end, stdout and stderr together. */
function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    // Without NODE_TEST_CONTEXT: with it, a `node --test` inside would report to this test runner.
    const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
    const child = spawn(command, args, { cwd, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

const STARTER = ['.gitignore', 'README.md', 'input/sample.txt', 'package.json', 'test/job.test.mjs', 'tsconfig.json', 'worker.ts'];

test('gomr init refuses to overwrite: one line, exit 2, nothing written', async () => {
  const dir = await tempDir('gomr-init-');
  await writeFile(join(dir, 'README.md'), 'mine\n');
  const r = await runGomr(['init', '.'], { cwd: dir });
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr, 'gomr: README.md exists: gomr init writes only new files (1 of 7 exist)\n');
  assert.equal(await readFile(join(dir, 'README.md'), 'utf8'), 'mine\n');
  assert.deepEqual(readdirSync(dir), ['README.md']);
});

/**
 * What a new user does: `gomr init`, install gomr from its packages (here the workspace's
 * packed tarballs, so nothing of gomr comes from a registry), run the job, its test and tsc.
 * The test and tsc are each shown to fail on a broken worker, so they check something.
 */
test('gomr init writes a job that installs from the packed tarballs, runs, passes its test and type-checks', { timeout: 900_000 }, async () => {
  const base = await tempDir('gomr-init-');
  const home = join(base, 'home');
  const tarballs = join(base, 'tarballs');
  await mkdir(tarballs);
  const packed = await sh('npm', ['pack', '--workspaces', '--pack-destination', tarballs, '--silent'], repoRoot);
  assert.equal(packed.code, 0, packed.out);
  const tgz = readdirSync(tarballs).filter((f) => f.endsWith('.tgz')).map((f) => join(tarballs, f));
  assert.equal(tgz.length, 5, `one tarball per package: ${tgz.join(', ')}`);

  const init = await runGomr(['init', 'wordcount'], { cwd: base });
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /^next: cd wordcount && npm install && npm run job && npm test$/m);
  const project = join(base, 'wordcount');
  const written = (dir: string, prefix = ''): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? written(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
  assert.deepEqual(written(project).sort(), STARTER);
  const pkg = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
  assert.equal(pkg.name, 'wordcount');
  assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['@gomr/sdk', 'gomr']);
  assert.equal((await readFile(join(project, 'README.md'), 'utf8')).trimEnd().split('\n').length, 3);

  const env = { GOMR_HOME: home };
  const installed = await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tgz], project, env);
  assert.equal(installed.code, 0, installed.out);

  // The installed CLI runs its bundles (one file per process), not the packages' dist files.
  const installedCli = join(project, 'node_modules', 'gomr', 'dist', 'src');
  const probe = await sh(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { runtimeEntries } = await import(${JSON.stringify(pathToFileURL(join(installedCli, 'local', 'runtime-entries.js')).href)});
       const { commandBundleFresh } = await import(${JSON.stringify(pathToFileURL(join(installedCli, 'bundled-commands', 'command-bundles.js')).href)});
       console.log(JSON.stringify({ runtime: runtimeEntries(), run: commandBundleFresh('run') }));`,
    ],
    project,
    env,
  );
  assert.equal(probe.code, 0, probe.out);
  const chosen = JSON.parse(probe.out.trim().split('\n').at(-1)!) as { runtime: { bundled: boolean; worker: string }; run: boolean };
  assert.equal(chosen.runtime.bundled, true, probe.out);
  assert.ok(chosen.runtime.worker.startsWith(join(project, 'node_modules', 'gomr', 'dist', 'runtime-bundles')), chosen.runtime.worker);
  assert.equal(chosen.run, true, 'the run command bundle is used');
  const job = await sh('npm', ['run', 'job'], project, env);
  assert.equal(job.code, 0, job.out);
  assert.ok(existsSync(join(project, 'output/part-00000')), job.out);
  const check = await sh('npm', ['run', 'check'], project, env);
  assert.equal(check.code, 0, check.out);
  assert.match(check.out, /worker\.ts: type-checks \(with tsconfig\.json\); defines mapper, reducer, combiner/);
  const tsc = await sh('npm', ['run', 'typecheck'], project, env);
  assert.equal(tsc.code, 0, tsc.out);
  const tested = await sh('npm', ['test'], project, env);
  assert.equal(tested.code, 0, tested.out);
  assert.match(tested.out, /# pass 1/);

  // A worker that counts lower-cased words: its output differs from the independent count.
  const worker = await readFile(join(project, 'worker.ts'), 'utf8');
  await writeFile(join(project, 'worker.ts'), worker.replace('ctx.emit(word, 1)', 'ctx.emit(word.toLowerCase(), 1)'));
  const wrong = await sh('npm', ['test'], project, env);
  assert.notEqual(wrong.code, 0, wrong.out);
  // A worker with a type error: tsc (with the written tsconfig.json) refuses it.
  await writeFile(join(project, 'worker.ts'), worker.replace('let sum = 0;', "let sum: string = 0;"));
  const mistyped = await sh('npm', ['run', 'typecheck'], project, env);
  assert.notEqual(mistyped.code, 0, mistyped.out);
  assert.match(mistyped.out, /worker\.ts.*error TS2322/);
});
