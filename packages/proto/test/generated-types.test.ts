import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

test('the committed generated types and descriptor match proto/gomr.proto', () => {
  const r = spawnSync(process.execPath, ['scripts/gen-proto-types.mjs', '--check'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /up to date/);
});

test('the loaded service has exactly the four RPCs of the contract', async () => {
  const { loadGomrProto } = await import('../src/index.js');
  const methods = Object.keys(loadGomrProto().gomr.Master.service).sort();
  assert.deepEqual(methods, ['GetStatus', 'Heartbeat', 'Register', 'TaskStream']);
});
