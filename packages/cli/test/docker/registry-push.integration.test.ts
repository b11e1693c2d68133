/**
 * `--registry` pushes against a real registry (Debian's docker-registry on 127.0.0.1) through
 * the real Docker daemon: anonymous, htpasswd auth from a Docker config file, a credential
 * helper on PATH, a wrong password, and the tag pushed being exactly the one the manifests name.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import { buildImageSet } from '../../src/docker/image-set.js';
import { GomrError } from '../../src/errors.js';
import { pushProgress } from '../../src/docker/push-progress.js';
import { registryImageLoader } from '../../src/kube/image-loader.js';
import { masterJob, workersJob } from '../../src/kube/manifests/job-manifests.js';
import { dockerUnavailable, TEST_BASE_IMAGE } from '../support/docker-available.js';
import { startRegistry, registryUnavailable, type LocalRegistry } from '../support/local-registry.js';
import { tempDir } from '../support/run-gomr.js';

const skip = (await dockerUnavailable()) ?? (await registryUnavailable());
const docker = new Docker();
const tagged: string[] = [];

/** Tags the test base image as `ref` (removed after the tests). */
async function tagAs(ref: string): Promise<string> {
  const colon = ref.lastIndexOf(':');
  await docker.getImage(TEST_BASE_IMAGE).tag({ repo: ref.slice(0, colon), tag: ref.slice(colon + 1) });
  tagged.push(ref);
  return ref;
}

/** A Docker config folder holding `config` (DOCKER_CONFIG points at it). */
async function dockerConfig(config: unknown): Promise<string> {
  const dir = await tempDir('gomr-docker-config-');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

let open: LocalRegistry;
let secured: LocalRegistry;
before(async () => {
  if (skip) return;
  open = await startRegistry();
  secured = await startRegistry({ user: 'gomr', password: 's3cret' });
});
after(async () => {
  await open?.stop();
  await secured?.stop();
  for (const ref of tagged) await docker.getImage(ref).remove().catch(() => {});
});

test('push without credentials sends an empty auth and pushes only the tag named', { skip, timeout: 180_000 }, async () => {
  const image = await tagAs(`${open.host}/gomr-test/base:wanted`);
  await tagAs(`${open.host}/gomr-test/base:other`);
  const env = { ...process.env, DOCKER_CONFIG: await dockerConfig({}) };
  await registryImageLoader(() => docker, open.host, { env }).load([image]);
  assert.deepEqual(await open.tags('gomr-test/base'), ['wanted']);
});

test('push with htpasswd credentials from the auths of a Docker config file', { skip, timeout: 180_000 }, async () => {
  const image = await tagAs(`${secured.host}/gomr-test/auths:t1`);
  const env = { ...process.env, DOCKER_CONFIG: await dockerConfig({ auths: { [`http://${secured.host}`]: { auth: basic('gomr', 's3cret') } } }) };
  await registryImageLoader(() => docker, secured.host, { env }).load([image]);
  assert.deepEqual(await secured.tags('gomr-test/auths'), ['t1']);
});

test('push with credentials from a credential helper on PATH (credHelpers)', { skip, timeout: 180_000 }, async () => {
  const image = await tagAs(`${secured.host}/gomr-test/helper:t2`);
  const bin = await tempDir('gomr-cred-helper-');
  await mkdir(bin, { recursive: true });
  const asked = join(bin, 'asked');
  const helper = join(bin, 'docker-credential-gomrtest');
  await writeFile(helper, `#!/bin/sh\n[ "$1" = get ] || exit 1\ncat > '${asked}'\necho '{"ServerURL":"x","Username":"gomr","Secret":"s3cret"}'\n`);
  await chmod(helper, 0o755);
  // auths holds a wrong password: the helper must win, as with the docker CLI.
  const config = { credHelpers: { [secured.host]: 'gomrtest' }, auths: { [secured.host]: { auth: basic('gomr', 'wrong') } } };
  const env = { ...process.env, DOCKER_CONFIG: await dockerConfig(config), PATH: `${bin}:${process.env.PATH}` };
  await registryImageLoader(() => docker, secured.host, { env }).load([image]);
  assert.equal(await readFile(asked, 'utf8'), secured.host);
  assert.deepEqual(await secured.tags('gomr-test/helper'), ['t2']);
});

test('a wrong password is a one-line error naming the registry and where the credentials came from', { skip, timeout: 180_000 }, async () => {
  const image = await tagAs(`${secured.host}/gomr-test/denied:t3`);
  const dir = await dockerConfig({ auths: { [secured.host]: { auth: basic('gomr', 'wrong') } } });
  const env = { ...process.env, DOCKER_CONFIG: dir };
  await assert.rejects(registryImageLoader(() => docker, secured.host, { env }).load([image]), (err: GomrError) => {
    assert.ok(err instanceof GomrError, String(err));
    assert.equal(err.exitCode, 7);
    assert.doesNotMatch(err.message, /\n/);
    assert.match(err.message, new RegExp(`^push of ${image} to ${secured.host} failed: .*(unauthorized|authentication required)`));
    assert.ok(err.message.includes(join(dir, 'config.json')), err.message);
    return true;
  });
  assert.deepEqual(await secured.tags('gomr-test/denied'), []);
});

test('the registry holds exactly the tags the master and worker manifests name', { skip, timeout: 300_000 }, async () => {
  const repository = `${secured.host}/team`;
  const set = await buildImageSet(docker, { workerFile: 'examples/wordcount/worker.ts', baseImage: TEST_BASE_IMAGE, repository });
  tagged.push(set.master.tag, set.worker.tag);
  const env = { ...process.env, DOCKER_CONFIG: await dockerConfig({ auths: { [secured.host]: { username: 'gomr', password: 's3cret' } } }) };
  const lines: string[] = [];
  const progress = new Map([set.master.tag, set.worker.tag].map((t) => [t, pushProgress(t, (l) => lines.push(l))]));
  await registryImageLoader(() => docker, repository, { env, onEvent: (image, e) => progress.get(image)!(e) }).load([set.master.tag, set.worker.tag]);
  for (const tag of [set.master.tag, set.worker.tag]) assert.ok(lines.some((l) => l.startsWith(`      pushed ${tag} (sha256:`)), lines.join('\n'));
  const o = { namespace: 'gomr', jobId: 'j1', masterImage: set.master.tag, workerImage: set.worker.tag, workers: 1 };
  for (const [job, name] of [[masterJob(o), 'gomr-master'], [workersJob(o), 'gomr-worker']] as const) {
    const named = job.spec!.template.spec!.containers[0]!.image!;
    assert.ok(named.startsWith(`${repository}/${name}:`), named);
    assert.deepEqual(await secured.tags(`team/${name}`), [named.slice(named.lastIndexOf(':') + 1)]);
  }
});
