/**
 * Which kind of cluster a kubeconfig context is, from kubeconfig fixtures: minikube profiles
 * by their raw `extensions` (client-node drops them), desktop clusters that share the host's
 * Docker images, and what each means for loading images.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { GomrError } from '../../src/errors.js';
import { imageLoaderFor } from '../../src/kube/image-loader.js';
import { detectFlavor, loadKubeContext, rawExtensions } from '../../src/kube/kube-context.js';
import { repoRoot } from '../support/run-gomr.js';

const fixture = (name: string) => join(repoRoot, 'packages/cli/test/fixtures/kubeconfig', name);
const noDocker = () => {
  throw new Error('no docker needed');
};

test('a minikube profile other than "minikube" is recognised by its extensions, and loaded with that profile', () => {
  const ctx = loadKubeContext({ kubeconfig: fixture('minikube-profile.yaml') });
  assert.equal(ctx.context, 'dev');
  assert.equal(ctx.flavor, 'minikube');
  assert.equal(ctx.clusterName, 'dev');
  assert.equal(imageLoaderFor(ctx.flavor, ctx.clusterName, undefined, noDocker).describe, 'minikube profile dev');
});

test('KUBECONFIG with several files: the extensions are read from the file that defines the context', () => {
  const env = { KUBECONFIG: [fixture('minikube-second-file.yaml'), fixture('minikube-profile.yaml')].join(':') };
  assert.equal(loadKubeContext({ env }).context, 'work');
  assert.equal(loadKubeContext({ env }).flavor, 'other');
  const dev = loadKubeContext({ env, context: 'dev' });
  assert.deepEqual([dev.flavor, dev.clusterName], ['minikube', 'dev']);
  assert.match(rawExtensions(env.KUBECONFIG.split(':'), 'dev', 'dev'), /cluster_info.*context_info|context_info.*cluster_info/);
});

test('Docker Desktop, OrbStack and Rancher Desktop need no load step; other clusters need --registry', async () => {
  for (const context of ['docker-desktop', 'orbstack', 'rancher-desktop']) {
    const ctx = loadKubeContext({ kubeconfig: fixture('desktops.yaml'), context });
    assert.equal(ctx.flavor, 'host-docker', context);
    const loader = imageLoaderFor(ctx.flavor, ctx.clusterName, undefined, noDocker);
    assert.match(loader.describe, /nothing to load/);
    await loader.load(['gomr-worker:abc']);
  }
  const prod = loadKubeContext({ kubeconfig: fixture('desktops.yaml'), context: 'prod' });
  assert.equal(prod.flavor, 'other');
  assert.throws(() => imageLoaderFor(prod.flavor, prod.clusterName, undefined, noDocker), (e: GomrError) => e.exitCode === 2 && /pass --registry/.test(e.message));
  assert.equal(imageLoaderFor(prod.flavor, prod.clusterName, 'r.example:5000', noDocker).describe, 'registry r.example:5000');
});

test('detectFlavor: kind by context name, minikube by provider or name, a desktop by name', () => {
  assert.deepEqual(detectFlavor('kind-gomr', 'kind-gomr'), { flavor: 'kind', clusterName: 'gomr' });
  assert.deepEqual(detectFlavor('anything', 'p2', '[{"provider":"minikube.sigs.k8s.io"}]'), { flavor: 'minikube', clusterName: 'p2' });
  assert.deepEqual(detectFlavor('minikube', 'minikube'), { flavor: 'minikube', clusterName: 'minikube' });
  assert.equal(detectFlavor('orbstack', 'orbstack').flavor, 'host-docker');
  assert.equal(detectFlavor('renamed-minikube', 'prod').flavor, 'other');
});
