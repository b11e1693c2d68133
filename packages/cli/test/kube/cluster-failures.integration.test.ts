/**
 * What goes wrong on a cluster, against the Docker cluster (test/support/fake-cluster/): the real
 * CLI runs `gomr start`; the fake API's controllers and the Docker kubelet run the pods as
 * containers; the test deletes, evicts and kills them, drops the CLI's port-forwards, and makes
 * images unpullable. Each test says which claim of issue 11 it covers.
 *
 * GOMR_E2E_FORWARD_OUTAGE_MS sets how long the forwards stay down (default 60000, the length of
 * an ordinary network blip or laptop sleep; well past the 30 s of silence after which the CLI
 * used to delete the workers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDockerCluster, type DockerCluster } from '../support/fake-cluster/docker-cluster.js';
import { committedTasks, expectedCounts, INPUTS, jobIdOf, openMinio, parseCounts, podsOf, running, SLOW_WORKER, taskRunsSince, waitFor, WORDCOUNT } from '../support/fake-cluster/e2e-helpers.js';
import { dockerUnavailable, TEST_BASE_IMAGE } from '../support/docker-available.js';
import { runGomr, tempDir, type GomrRun } from '../support/run-gomr.js';

const skip = await dockerUnavailable();
if (skip) process.stderr.write(`# skipping the Docker cluster failure tests: ${skip}\n`);
const OUTAGE_MS = Number(process.env.GOMR_E2E_FORWARD_OUTAGE_MS ?? 60_000);

/** One GOMR_HOME for the file: the images are built once (their tags are content hashes). */
const home = await tempDir('gomr-home-');

function start(cluster: DockerCluster, extra: string[], worker = SLOW_WORKER, timeoutMs = 200_000): Promise<GomrRun> {
  return runGomr(['start', ...INPUTS.flatMap((i) => ['-i', i]), '-w', '2', '--base-image', TEST_BASE_IMAGE, ...extra, worker], { env: cluster.env, home, timeoutMs });
}

async function outputOf(cluster: DockerCluster, run: GomrRun): Promise<Map<string, number>> {
  const jobId = /gomr output (\S+)/.exec(run.stdout)?.[1];
  assert.ok(jobId, run.stdout);
  const out = join(home, `${jobId}.txt`);
  const r = await runGomr(['output', jobId, '-o', out], { env: cluster.env, home, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  return parseCounts(await readFile(out, 'utf8'));
}

async function withCluster(f: (c: DockerCluster) => Promise<void>, o: Parameters<typeof startDockerCluster>[0] = {}): Promise<void> {
  const cluster = await startDockerCluster(o);
  try {
    await f(cluster);
  } catch (err) {
    process.stderr.write(`# kubelet log:\n${cluster.log.slice(-60).join('\n')}\n`);
    throw err;
  } finally {
    await cluster.stop();
  }
}

// Items 6 (a disrupted worker is replaced, not counted done) and the harness claim "a worker
// pod deleted mid-job (SIGTERM) is replaced and the output is exact".
test('a worker pod deleted mid-job (SIGTERM) and another evicted are both replaced; the output is exact', { skip, timeout: 300_000 }, async () => {
  await withCluster(async (cluster) => {
    const run = start(cluster, ['-m', '8', '-r', '2', '-p', 'delayMs=1200', '--quiet']);
    const storage = await openMinio(cluster);
    const jobId = await waitFor('the job', () => jobIdOf(cluster), 120_000);
    await waitFor('a committed map', async () => (await committedTasks(storage, jobId)).length >= 1, 120_000, 250);
    const [w0, w1] = [0, 1].map((i) => podsOf(cluster, 'worker').find((p) => running(p) && p.metadata.labels['batch.kubernetes.io/job-completion-index'] === String(i)));
    assert.ok(w0 && w1, 'both workers run');
    cluster.api.delete('pods', w0.metadata.name);
    cluster.api.evict(w1.metadata.name);
    const workersJob = () => cluster.api.get('jobs', `gomr-workers-${jobId}`);
    // New pods for both indexes; the deleted one (exit 143) counts as a failure, the evicted
    // one (DisruptionTarget, Ignore) does not.
    const replaced = await waitFor('replacement worker pods', () => {
      const fresh = podsOf(cluster, 'worker').filter((p) => running(p) && p !== w0 && p !== w1);
      return fresh.length === 2 ? fresh : undefined;
    }, 60_000);
    assert.deepEqual(replaced.map((p) => p.metadata.labels['batch.kubernetes.io/job-completion-index']).sort(), ['0', '1']);
    assert.equal(workersJob()?.status?.failed, 1, JSON.stringify(workersJob()?.status));
    const exits = cluster.kubelet.transcripts.filter((t) => t.pod === w0.metadata.name || t.pod === w1.metadata.name).map((t) => t.exitCode);
    assert.deepEqual(exits, [143, 143], 'a worker stopped before the job ends exits non-zero');
    const r = await run;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await outputOf(cluster, r), await expectedCounts());
    await storage.close();
  });
});

// Item 7 (the master is restarted and resumes from its commit log) on the cluster path.
test('the master pod killed mid-map and again mid-reduce is restarted each time and resumes; committed tasks do not run again', { skip, timeout: 300_000 }, async () => {
  await withCluster(async (cluster) => {
    const run = start(cluster, ['-m', '8', '-r', '4', '-p', 'delayMs=900', '--quiet']);
    const storage = await openMinio(cluster);
    const jobId = await waitFor('the job', () => jobIdOf(cluster), 120_000);
    const kills: { at: number; committed: string[] }[] = [];
    for (const prefix of ['m-', 'r-']) {
      const before = await waitFor(`two committed ${prefix} tasks`, async () => {
        const t = (await committedTasks(storage, jobId)).filter((x) => x.startsWith(prefix));
        return t.length >= 2 ? t : undefined;
      }, 120_000, 100);
      const master = podsOf(cluster, 'master').find(running)!;
      const id = cluster.kubelet.started.filter((s) => s.pod === master.metadata.name).at(-1)!.id;
      const all = await committedTasks(storage, jobId);
      // An OOM kill or a lost node, as the container sees it: SIGKILL.
      kills.push({ at: Date.now(), committed: all });
      await cluster.kubelet.docker.getContainer(id).kill();
      assert.ok(before.length >= 2);
      await waitFor('a new master pod', () => podsOf(cluster, 'master').find((p) => running(p) && p.metadata.name !== master.metadata.name), 60_000);
    }
    const r = await run;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(cluster.kubelet.started.filter((s) => s.image.startsWith('gomr-master:')).length, 3, 'two restarts');
    assert.deepEqual(await outputOf(cluster, r), await expectedCounts());
    await waitFor('the workers to be gone', () => podsOf(cluster, 'worker').length === 0, 60_000);
    for (const kill of kills) {
      const again = taskRunsSince(cluster, kill.at).filter((t) => kill.committed.includes(t));
      assert.deepEqual(again, [], 'tasks committed before a kill must not run again after it');
    }
    assert.equal(kills[1]!.committed.filter((t) => t.startsWith('m-')).length, 8, 'every map committed before the reduces');
    assert.ok(taskRunsSince(cluster, 0).length > 0, 'the EXEC lines were read');
    await storage.close();
  });
});

// Item 8 (the CLI keeps following through a dropped forward instead of deleting the workers).
test(`the CLI's port-forwards dropped for ${OUTAGE_MS / 1000} s: the job still succeeds, no worker removed meanwhile`, { skip, timeout: 300_000 }, async () => {
  await withCluster(async (cluster) => {
    // Four rounds of map tasks on two workers, each round a third of the outage: the job is
    // still mapping when the forwards come back.
    const run = start(cluster, ['-m', '8', '-r', '2', '-p', `delayMs=${Math.ceil(OUTAGE_MS / 3)}`, '--quiet']);
    const jobId = await waitFor('the job', () => jobIdOf(cluster), 120_000);
    await waitFor('the CLI following the master', () => cluster.api.requests.some((q) => q.path.includes(`/pods/gomr-master-${jobId}`) && q.path.endsWith('/portforward')), 60_000);
    cluster.api.blockPortForwards(OUTAGE_MS);
    const t0 = Date.now();
    const deletes = () => cluster.api.writes().filter((w) => w === `DELETE jobs/gomr-workers-${jobId}`).length;
    while (Date.now() - t0 < OUTAGE_MS) {
      assert.equal(deletes(), 0, 'the workers were deleted while the master ran');
      await sleep(500);
    }
    assert.ok(podsOf(cluster, 'master').some(running), 'the master ran through the whole outage');
    const r = await run;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await outputOf(cluster, r), await expectedCounts());
  });
});

// Item 9 (worker pods stuck on their image are reported with their reason).
test('a worker image the node cannot pull: gomr start fails with ErrImagePull / ImagePullBackOff within 20 s', { skip, timeout: 300_000 }, async () => {
  await withCluster(async (cluster) => {
    let stuckAt = 0;
    cluster.api.store.onChange(() => {
      if (!stuckAt && podsOf(cluster, 'worker').some((p) => /ErrImagePull|ImagePullBackOff/.test(p.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? ''))) stuckAt = Date.now();
    });
    const r = await start(cluster, ['-m', '2', '-r', '1'], WORDCOUNT);
    const reportedMs = Date.now() - stuckAt;
    assert.notEqual(r.code, 0, r.stderr);
    assert.ok(stuckAt > 0, 'a worker pod was stuck on its image');
    assert.match(r.stderr, /gomr-workers-\S+: (ErrImagePull|ImagePullBackOff)/);
    assert.match(r.stderr, /gomr-worker:[0-9a-f]{16}/, 'the error names the image');
    assert.ok(reportedMs < 20_000, `reported ${reportedMs} ms after the pod was stuck`);
    process.stderr.write(`# worker image not pullable: reported ${reportedMs} ms after the pod was stuck\n`);
  }, { kubelet: { unpullable: (image) => image.startsWith('gomr-worker:') } });
});

// Items 1 and 2 (a MinIO image that cannot be pulled is reported at once, with the pod's reason).
test('a MinIO image that cannot be pulled: gomr start fails with the pod\'s reason within 20 s', { skip, timeout: 300_000 }, async () => {
  await withCluster(async (cluster) => {
    let stuckAt = 0;
    cluster.api.store.onChange(() => {
      if (!stuckAt && podsOf(cluster, 'minio').some((p) => /ErrImagePull|ImagePullBackOff/.test(p.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? ''))) stuckAt = Date.now();
    });
    const image = 'quay.io/minio/minio:RELEASE.2099-01-01T00-00-00Z';
    const r = await start(cluster, ['-m', '2', '-r', '1', '--minio-image', image], WORDCOUNT);
    const reportedMs = Date.now() - stuckAt;
    assert.equal(r.code, 7, r.stderr);
    assert.ok(stuckAt > 0, 'the MinIO pod was stuck on its image');
    assert.match(r.stderr, /MinIO/);
    assert.match(r.stderr, /ErrImagePull|ImagePullBackOff/);
    assert.ok(r.stderr.includes(image), 'the error names the image');
    assert.ok(reportedMs < 20_000, `reported ${reportedMs} ms after the pod was stuck`);
    assert.ok(!cluster.api.writes().includes('POST jobs'), 'no job deployed');
    process.stderr.write(`# MinIO image not pullable: reported ${reportedMs} ms after the pod was stuck\n`);
  });
});

// Item 10 (down --purge then start at once).
test('gomr down --purge, then gomr start at once: the new start waits out the Terminating namespace and runs the job', { skip, timeout: 300_000 }, async () => {
  await withCluster(async (cluster) => {
    const first = await start(cluster, ['-m', '2', '-r', '1', '--quiet'], WORDCOUNT);
    assert.equal(first.code, 0, first.stderr);
    const down = await runGomr(['down', '--purge'], { env: cluster.env, home, timeoutMs: 60_000 });
    assert.equal(down.code, 0, down.stderr);
    const terminating = !!cluster.api.get('namespaces', 'gomr', '')?.metadata.deletionTimestamp;
    const second = await start(cluster, ['-m', '2', '-r', '1', '--quiet'], WORDCOUNT);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(await outputOf(cluster, second), await expectedCounts());
    process.stderr.write(`# down --purge then start: namespace ${terminating ? 'still Terminating' : 'already gone'} when the second start began\n`);
  });
});
