/** `gomr build` through the real CLI, and a build that fails, against the real Docker daemon. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import { buildImage } from '../../src/docker/build-image.js';
import { GomrError } from '../../src/errors.js';
import { dockerUnavailable, TEST_BASE_IMAGE } from '../support/docker-available.js';
import { runGomr, tempDir } from '../support/run-gomr.js';

const skip = await dockerUnavailable();

test('gomr build --json prints both images, tagged by content hash', { skip, timeout: 120_000 }, async () => {
  const r = await runGomr(['build', '--json', '--base-image', TEST_BASE_IMAGE, 'examples/wordcount/worker.ts']);
  assert.equal(r.code, 0, r.stderr);
  const set = JSON.parse(r.stdout);
  assert.match(set.master.tag, /^gomr-master:[0-9a-f]{16}$/);
  assert.match(set.worker.tag, /^gomr-worker:[0-9a-f]{16}$/);
  assert.equal(set.baseImage, TEST_BASE_IMAGE);
  const image = await new Docker().getImage(set.worker.tag).inspect();
  assert.deepEqual(image.Config.Cmd, ['node', '/app/runtime/worker-main.js']);
  assert.equal(image.Config.User, '1000:1000');
  // No --enable-source-maps in either: node would parse the maps of gomr's own bundle up front.
  const master = await new Docker().getImage(set.master.tag).inspect();
  assert.deepEqual(master.Config.Cmd, ['node', '/app/master/dist/src/main.js']);
});

test('a build that fails is one error with the tail of the build log', { skip, timeout: 60_000 }, async () => {
  const dir = await tempDir('gomr-bad-build-');
  await mkdir(dir, { recursive: true });
  // The test base image has no shell: RUN fails inside the daemon, as a broken step would.
  await writeFile(join(dir, 'Dockerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo never\n');
  await assert.rejects(
    buildImage(new Docker(), { dir, files: ['Dockerfile'], hash: 'x' }, { tag: 'gomr-test-broken:1', baseImage: TEST_BASE_IMAGE }),
    (err: GomrError) => {
      assert.ok(err instanceof GomrError);
      assert.equal(err.exitCode, 7);
      assert.match(err.message, /^image gomr-test-broken:1 did not build: .*(sh|no such file)/);
      assert.match(err.detail!, /Step 3\/3 : RUN echo never/);
      return true;
    },
  );
});

test('a platform is passed to the build, checked on the image, and part of the tag', { skip, timeout: 180_000 }, async () => {
  const { buildImageSet } = await import('../../src/docker/image-set.js');
  const docker = new Docker();
  const plain = await buildImageSet(docker, { workerFile: 'examples/wordcount/worker.ts', baseImage: TEST_BASE_IMAGE });
  const amd = await buildImageSet(docker, { workerFile: 'examples/wordcount/worker.ts', baseImage: TEST_BASE_IMAGE, platform: 'linux/amd64' });
  assert.notEqual(amd.worker.tag, plain.worker.tag);
  const image = await docker.getImage(amd.worker.tag).inspect();
  assert.equal(`${image.Os}/${image.Architecture}`, 'linux/amd64');
  // The test base image exists for amd64 only: the classic builder would quietly use it.
  await assert.rejects(buildImageSet(docker, { workerFile: 'examples/wordcount/worker.ts', baseImage: TEST_BASE_IMAGE, platform: 'linux/arm64' }), (err: GomrError) => {
    assert.ok(err instanceof GomrError);
    assert.match(err.message, /^image gomr-master:[0-9a-f]{16} is linux\/amd64, not linux\/arm64: the base image gomr-test-base:local has no linux\/arm64 variant/);
    return true;
  });
});
