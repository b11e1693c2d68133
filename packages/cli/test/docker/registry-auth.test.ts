/** Which credentials a push uses, read from Docker config files as the docker CLI reads them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitTag } from '../../src/docker/push-image.js';
import { DOCKER_HUB_KEY, dockerConfigPath, registryOf, resolveRegistryAuth } from '../../src/docker/registry-auth.js';
import { GomrError } from '../../src/errors.js';
import { tempDir } from '../support/run-gomr.js';

async function configDir(config: unknown, helpers: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const dir = await tempDir('gomr-auth-');
  await mkdir(join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  for (const [name, script] of Object.entries(helpers)) {
    await writeFile(join(dir, 'bin', `docker-credential-${name}`), `#!/bin/sh\n${script}\n`);
    await chmod(join(dir, 'bin', `docker-credential-${name}`), 0o755);
  }
  return { DOCKER_CONFIG: dir, PATH: `${join(dir, 'bin')}:/usr/bin:/bin` };
}

test('registryOf reads the registry the way Docker does', () => {
  assert.equal(registryOf('127.0.0.1:5000/team/gomr-worker:abc'), '127.0.0.1:5000');
  assert.equal(registryOf('registry.example.com/gomr-worker:abc'), 'registry.example.com');
  assert.equal(registryOf('localhost/x:1'), 'localhost');
  assert.equal(registryOf('team/gomr-worker:abc'), DOCKER_HUB_KEY);
  assert.equal(registryOf('gomr-worker:abc'), DOCKER_HUB_KEY);
});

test('splitTag keeps a registry port in the repository and refuses a reference without a tag', () => {
  assert.deepEqual(splitTag('127.0.0.1:5000/team/gomr-worker:abc'), { repository: '127.0.0.1:5000/team/gomr-worker', tag: 'abc' });
  assert.throws(() => splitTag('127.0.0.1:5000/team/gomr-worker'), /has no tag/);
  assert.throws(() => splitTag('x@sha256:00'), /digest/);
});

test('DOCKER_CONFIG, else ~/.docker/config.json', () => {
  assert.equal(dockerConfigPath({ DOCKER_CONFIG: '/c' }), '/c/config.json');
  assert.equal(dockerConfigPath({ HOME: '/h' }), '/h/.docker/config.json');
});

test('no config file and no entry both give an empty auth (anonymous)', async () => {
  const none = await resolveRegistryAuth('r.example', { env: { DOCKER_CONFIG: '/nonexistent-gomr' } });
  assert.deepEqual(none.auth, {});
  const other = await resolveRegistryAuth('r.example', { env: await configDir({ auths: { 'other.example': { auth: 'eDp5' } } }) });
  assert.deepEqual(other.auth, {});
});

test('auths: base64 USER:PASSWORD, matched with or without a scheme; identity tokens', async () => {
  const env = await configDir({
    auths: {
      'https://r.example/v1/': { auth: Buffer.from('ann:pa:ss').toString('base64') },
      'tok.example': { identitytoken: 'T0K' },
    },
  });
  assert.deepEqual((await resolveRegistryAuth('r.example', { env })).auth, { username: 'ann', password: 'pa:ss', serveraddress: 'r.example' });
  assert.deepEqual((await resolveRegistryAuth('tok.example', { env })).auth, { identitytoken: 'T0K', serveraddress: 'tok.example' });
});

test('credHelpers win over credsStore and auths; "<token>" is an identity token', async () => {
  const env = await configDir(
    { credHelpers: { 'r.example': 'one' }, credsStore: 'store', auths: { 'r.example': { auth: Buffer.from('a:b').toString('base64') } } },
    { one: 'read url; echo "{\\"Username\\":\\"<token>\\",\\"Secret\\":\\"id-$url\\"}"', store: 'echo \'{"Username":"s","Secret":"from-store"}\'' },
  );
  const r = await resolveRegistryAuth('r.example', { env });
  assert.deepEqual(r.auth, { identitytoken: 'id-r.example', serveraddress: 'r.example' });
  assert.equal(r.source, 'credential helper docker-credential-one');
  assert.deepEqual((await resolveRegistryAuth('s.example', { env })).auth, { username: 's', password: 'from-store', serveraddress: 's.example' });
});

test('a helper that answers "credentials not found" falls through to auths', async () => {
  const env = await configDir(
    { credsStore: 'empty', auths: { 'r.example': { auth: Buffer.from('a:b').toString('base64') } } },
    { empty: 'echo "credentials not found in native keychain"; exit 1' },
  );
  assert.deepEqual((await resolveRegistryAuth('r.example', { env })).auth, { username: 'a', password: 'b', serveraddress: 'r.example' });
});

test('a missing helper, a failing helper and a broken config are one-line errors', async () => {
  const missing = await configDir({ credsStore: 'absent' });
  await assert.rejects(resolveRegistryAuth('r.example', { env: missing }), (e: GomrError) => e instanceof GomrError && /^docker-credential-absent is not on PATH/.test(e.message));
  const failing = await configDir({ credsStore: 'bad' }, { bad: 'echo "keychain locked" >&2; exit 3' });
  await assert.rejects(resolveRegistryAuth('r.example', { env: failing }), /^GomrError: docker-credential-bad get for r.example failed: keychain locked$/);
  const broken = await configDir('{ not json');
  await assert.rejects(resolveRegistryAuth('r.example', { env: broken }), (e: GomrError) => e.exitCode === 7 && /is not valid JSON/.test(e.message) && !e.message.includes('\n'));
});
