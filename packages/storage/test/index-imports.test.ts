import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

/**
 * Every module specifier a fresh node resolves while importing `entry`, seen through a resolve
 * hook: module.registerHooks (in-thread) where Node has it, module.register (Node 20) elsewhere.
 */
function specifiersResolvedBy(entry: string): string[] {
  const asyncHooks = `export async function resolve(s, c, next) { process.stderr.write('RESOLVE ' + s + '\\n'); return next(s, c); }`;
  const register = [
    `import module from 'node:module';`,
    `if (module.registerHooks) module.registerHooks({ resolve(s, c, next) { process.stderr.write('RESOLVE ' + s + '\\n'); return next(s, c); } });`,
    `else module.register(${JSON.stringify('data:text/javascript,' + encodeURIComponent(asyncHooks))});`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', `await import(${JSON.stringify(entry)});`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr.split('\n').filter((l) => l.startsWith('RESOLVE ')).map((l) => l.slice(8));
}

/** zod or one of its entry points (zod/mini, zod/v4/locales/...). */
const isZod = (specifier: string) => specifier === 'zod' || specifier.startsWith('zod/');

const index = new URL('../src/index.js', import.meta.url).href;

test('the hook sees what an import resolves (the check below can fail)', () => {
  const seen = specifiersResolvedBy(new URL('../src/storage-config-schema.js', import.meta.url).href);
  assert.ok(seen.some(isZod), `zod not seen: ${seen.join(', ')}`);
});

test("@gomr/storage's index does not load zod: executor threads and the pre-flight check import it and never parse a config", () => {
  const seen = specifiersResolvedBy(index);
  assert.ok(seen.length > 5, `too few modules seen: ${seen.join(', ')}`);
  assert.deepEqual(seen.filter(isZod), [], 'zod is imported by the index; keep it behind @gomr/storage/config-schema');
});
