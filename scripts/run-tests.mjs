// Runs every compiled test file with node's test runner.
//   node scripts/run-tests.mjs            all tests
//   node scripts/run-tests.mjs --unit     skip *.integration.test.js (slow, spawn processes)
//   node scripts/run-tests.mjs FILTER...  only files whose path contains a FILTER
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const files = readdirSync(join(root, 'packages'))
  .map((pkg) => join(root, 'packages', pkg, 'dist', 'test'))
  .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory())
  .flatMap(walk)
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => !unitOnly || !f.endsWith('.integration.test.js'))
  .filter((f) => !filters.length || filters.some((x) => f.includes(x)))
  .sort();
// The examples' own tests: TypeScript, as a user writes them (runJob from @gomr/sdk/testing).
const exampleTests = walk(join(root, 'examples'))
  .filter((f) => f.endsWith('.test.ts') && !f.includes('/node_modules/'))
  .filter((f) => !filters.length || filters.some((x) => f.includes(x)))
  .sort();

if (!files.length && !exampleTests.length) {
  console.error('no test files found; did the build run?');
  process.exit(1);
}
console.log(`running ${files.length + exampleTests.length} test files`);
// No single test may run past 10 minutes, and the whole run is cut at 30: a hung test file
// fails the run instead of holding CI until its own limit.
function runTests(list, preload = []) {
  if (!list.length) return 0;
  const r = spawnSync(
    process.execPath,
    [...preload, '--test', '--test-reporter=spec', '--test-concurrency=2', '--test-timeout=600000', ...list.map((f) => relative(root, f))],
    { cwd: root, stdio: 'inherit', timeout: 30 * 60_000, killSignal: 'SIGKILL' },
  );
  if (r.error) console.error(`test run stopped: ${r.error.message}`);
  return r.status ?? 1;
}
const compiled = runTests(files);
// A run of their own: the hook that lets Node 20 import .ts (esbuild) touches no other test.
const examples = runTests(exampleTests, ['--import', '@gomr/sdk/testing/register']);
process.exit(compiled || examples);
