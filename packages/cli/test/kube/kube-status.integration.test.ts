/**
 * `gomr status`, `gomr jobs` and `gomr ui` on Kubernetes, as a user runs them (the real CLI in a
 * child process) against the fake API server: every port-forward goes through gomr's real
 * port-forwarder and the fake server's port-forward WebSockets, to a real status page server
 * (standing in for a running master's port 8080) and to s3rver (standing in for MinIO, holding
 * saved summaries). Also: an API server that accepts connections and never answers fails
 * within the request deadline. No real cluster runs.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Server } from 'node:http';
import { createStatusServer, listenStatusServer, snapshotFromSummary, type JobSnapshot, type JobSummary } from '@gomr/master';
import { openStorage } from '@gomr/storage';
import { startS3rver, type RunningS3rver } from '@gomr/storage/testing';
import { jobManifests, storeManifests } from '../../src/kube/manifests/index.js';
import { componentLabels } from '../../src/kube/resource-names.js';
import { FakeKubeApi } from '../support/fake-kube-api.js';
import { cliBin, repoRoot, runGomr, tempDir } from '../support/run-gomr.js';
import { LogShipper, logPrefix } from '@gomr/storage';

const resourceOf: Record<string, string> = {
  Namespace: 'namespaces', Secret: 'secrets', PersistentVolumeClaim: 'persistentvolumeclaims',
  Deployment: 'deployments', Service: 'services', Job: 'jobs',
};

const HOUR = 3_600_000;
const T0 = Date.now();
const LIVE_POD = 'gomr-master-job-live-7xk2p';
const MINIO_POD = 'gomr-minio-7d9f8-abcde';

/** A summary as the master writes it (without a snapshot: snapshotFromSummary rebuilds one). */
function summary(jobId: string, state: string, startedMs: number, finishedMs: number, extra: Partial<JobSummary> = {}): JobSummary {
  const attempt = (n: number, outcome: string, s: number, e?: number) => ({ attempt: n, workerId: 'w-1', startedMs: s, ...(e ? { endedMs: e } : {}), outcome });
  return {
    jobId, state: state as JobSummary['state'], workerFile: 'wordcount.ts', inputs: [{ name: 'river.txt', size: 1234 }], maps: 2, reducers: 1,
    startedMs, finishedMs, counters: { mapInputRecords: 40, mapInputBytes: 1234, reduceOutputRecords: 17 }, userCounters: { lines: 40 },
    outputKeys: [], tasks: [
      { id: 'm-00000', attempts: [attempt(1, 'committed', startedMs + 10, startedMs + 500)] },
      { id: 'm-00001', attempts: state === 'MAPPING' ? [attempt(1, 'running', startedMs + 20)] : [attempt(1, 'committed', startedMs + 20, startedMs + 700)] },
      { id: 'r-00000', attempts: state === 'MAPPING' ? [] : [attempt(1, 'committed', startedMs + 800, finishedMs)] },
    ] as never,
    ...extra,
  };
}

interface Cluster {
  kube: FakeKubeApi;
  s3: RunningS3rver;
  page: Server;
  live: JobSnapshot;
  env: NodeJS.ProcessEnv;
}

let c: Cluster;

const SKIPPED_LINE = '{"task":"m-00001","input":"market.txt","offset":40,"line":"bad row","error":"Error: bad row"}\n';

const STORED_LOGS: [string, string, string][] = [
  ['job-old', 'master', 'master listening on port 7070\ntask m-00001: attempt 2 on w-2 (re-run)\nmaster job job-old SUCCEEDED in 61000 ms\n'],
  ['job-old', 'worker-0', 'registered for job job-old\n[m-00000#1] parsing river.txt\n'],
  ['job-old', 'worker-1', 'registered for job job-old\n[m-00001#1] parsing market.txt\n[m-00001#1] Error: bad row\n'],
  ['job-done', 'master', 'master job job-done SUCCEEDED, as stored\n'],
];

/**
 * Namespace gomr as gomr start leaves it: MinIO (its Secret, a ready pod) holding the summaries
 * of job-old (whose master was removed by gomr down) and job-done; job-gone, whose master
 * failed without writing a summary; job-live, whose master runs and serves its page.
 */
before(async () => {
  const s3 = await startS3rver({ bucket: 'gomr' });
  const store = await openStorage(s3.config);
  await store.put('jobs/job-old/summary.json', Buffer.from(JSON.stringify(summary('job-old', 'SUCCEEDED', T0 - 3 * HOUR, T0 - 3 * HOUR + 61_000))));
  await store.put('jobs/job-done/summary.json', Buffer.from(JSON.stringify(summary('job-done', 'SUCCEEDED', T0 - 2 * HOUR, T0 - 2 * HOUR + 4_500))));
  await store.put('jobs/job-done/output/part-00000', Buffer.from('river\t3\n'));
  await store.put('jobs/job-old/output/part-00000', Buffer.from('bread\t2\n'));
  await store.put('jobs/job-old/output/part-00001', Buffer.from('sea\t5\n'));
  await store.put('jobs/job-old/output/_skipped/m-00001.jsonl', Buffer.from(SKIPPED_LINE));
  // The logs job-old's processes shipped while they ran (their pods are long gone), and job-done's master's.
  for (const [job, name, text] of STORED_LOGS) {
    const shipper = new LogShipper({ flushMs: 60_000 });
    shipper.start(store, logPrefix(job, name));
    for (const line of text.split(/(?<=\n)/)) {
      shipper.append(line);
      await shipper.flush();
    }
    await shipper.close();
  }
  await store.close();

  const live = snapshotFromSummary(summary('job-live', 'MAPPING', T0 - 60_000, T0));
  const page = createStatusServer({ snapshot: () => live });
  const pagePort = await listenStatusServer(page, '127.0.0.1:0');

  const s3Port = Number(new URL(s3.endpoint).port);
  const kube = new FakeKubeApi({
    portForward: (pod, port) => (pod === MINIO_POD && port === 9000 ? s3Port : pod === LIVE_POD && port === 8080 ? pagePort : undefined),
  });
  await kube.start();
  const ns = 'gomr';
  for (const o of storeManifests({ namespace: ns }, { accessKey: s3.config.accessKey, secretKey: s3.config.secretKey })) {
    kube.seed(resourceOf[o.kind!]!, o.kind === 'Namespace' ? '' : ns, o);
  }
  const ready = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
  kube.seed('pods', ns, { apiVersion: 'v1', kind: 'Pod', metadata: { name: MINIO_POD, labels: componentLabels('minio') }, status: ready });
  const seedJob = (jobId: string, status: object, pod?: { name: string; status: object }) => {
    const [secret, master, service] = jobManifests(
      { namespace: ns, jobId, masterImage: 'm:1', workerImage: 'w:1', workers: 2 },
      { storageJson: '{}', token: 't' },
    );
    kube.seed('secrets', ns, secret!);
    kube.seed('jobs', ns, { ...master, status });
    kube.seed('services', ns, service!);
    if (pod) kube.seed('pods', ns, { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.name, labels: componentLabels('master', jobId) }, status: pod.status });
  };
  seedJob('job-done', { succeeded: 1 }, { name: 'gomr-master-job-done-q8v4w', status: { phase: 'Succeeded' } });
  seedJob('job-gone', { failed: 1 }, { name: 'gomr-master-job-gone-m3n9z', status: { phase: 'Failed' } });
  seedJob('job-live', { active: 1 }, { name: LIVE_POD, status: ready });
  const kubeconfig = await kube.writeKubeconfig(await tempDir('gomr-kc-'));
  c = { kube, s3, page, live, env: { KUBECONFIG: kubeconfig } };
});

after(async () => {
  c.page.closeAllConnections();
  c.page.close();
  await Promise.all([c.kube.stop(), c.s3.stop()]);
});

/** The port-forwards the CLI asked the API server for since `from`: "pod:port". */
function forwardsSince(from: number): string[] {
  return [...new Set(c.kube.requests.slice(from).filter((q) => q.path.endsWith('/portforward')).map((q) => `${q.path.split('/')[6]}:${q.query.ports}`))];
}

test('gomr status --kube: live from the running master through a port-forward to its port 8080', { timeout: 90_000 }, async () => {
  const from = c.kube.requests.length;
  const r = await runGomr(['status', 'job-live', '--kube', '--json'], { env: c.env });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.source, { kind: 'live', pod: LIVE_POD, namespace: 'gomr', context: 'kind-gomr-test' });
  assert.equal(out.jobId, 'job-live');
  assert.equal(out.state, 'MAPPING');
  assert.deepEqual(out.maps, c.live.maps);
  assert.deepEqual(out.counters, c.live.counters);
  assert.deepEqual(forwardsSince(from), [`${LIVE_POD}:8080`]);

  // Without JOB: the newest job whose master is in the namespace; -n alone selects Kubernetes.
  const text = await runGomr(['status', '-n', 'gomr'], { env: c.env });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^job job-live mapping \\(live from pod ${LIVE_POD} in namespace gomr, context kind-gomr-test; page: gomr ui job-live -n gomr\\)\\n`));
  assert.match(text.stdout, /\n {2}maps +1\/2 done, /);
});

test("gomr status --kube: a finished job from its summary in the cluster's MinIO; unknown and lost jobs are clear errors", { timeout: 90_000 }, async () => {
  const from = c.kube.requests.length;
  const r = await runGomr(['status', 'job-done', '--kube'], { env: c.env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^job job-done succeeded \(from its summary in s3:\/\/gomr in the MinIO of namespace gomr\)\n/);
  assert.match(r.stdout, /\n {2}started {3}.*; took 4\.5 s\n/);
  assert.match(r.stdout, /\n {2}reduces +1\/1 done/);
  // Its master's pod has completed: no forward to it, one to MinIO, with the Secret's credentials.
  assert.deepEqual(forwardsSince(from), [`${MINIO_POD}:9000`]);
  assert.ok(c.kube.requests.slice(from).some((q) => q.path === '/api/v1/namespaces/gomr/secrets/gomr-minio-credentials'));

  const json = await runGomr(['status', 'job-old', '--context', 'kind-gomr-test', '--json'], { env: c.env });
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout).source, { kind: 'summary', store: 's3://gomr in the MinIO of namespace gomr' });
  assert.equal(JSON.parse(json.stdout).counters.reduceOutputRecords, 17);

  const gone = await runGomr(['status', 'job-gone', '--kube'], { env: c.env });
  assert.equal(gone.code, 6, gone.stderr);
  assert.equal(gone.stderr, 'gomr: the master of job job-gone in namespace gomr has failed, and it has no summary in s3://gomr in the MinIO of namespace gomr; see gomr logs job-gone -n gomr\n');
  const none = await runGomr(['status', 'job-nope', '--kube'], { env: c.env });
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /^gomr: no job job-nope in namespace gomr: no master, and it has no summary in .*; gomr jobs --kube -n gomr lists the jobs there\n$/);
  // The storage flags name another store: not with --kube.
  const both = await runGomr(['status', 'job-done', '--kube', '--storage', 's3'], { env: c.env });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /^gomr: --storage reads a store on this machine or S3; on Kubernetes gomr reads the cluster's MinIO/);
});

test('gomr jobs --kube: summaries in MinIO and the masters in the namespace, newest first', { timeout: 90_000 }, async () => {
  const r = await runGomr(['jobs', '--kube', '--json'], { env: c.env });
  assert.equal(r.code, 0, r.stderr);
  const jobs = JSON.parse(r.stdout) as { id: string; state: string; source: string; startedMs: number; durationMs: number; workerFile: string; pod?: string }[];
  assert.deepEqual(jobs.map((j) => [j.id, j.state, j.source]), [
    ['job-gone', 'STOPPED', 'cluster'],
    ['job-live', 'MAPPING', 'live'],
    ['job-done', 'SUCCEEDED', 'summary'],
    ['job-old', 'SUCCEEDED', 'summary'],
  ]);
  const live = jobs.find((j) => j.id === 'job-live')!;
  assert.equal(live.startedMs, T0 - 60_000);
  assert.equal(live.workerFile, 'wordcount.ts');
  assert.equal(live.pod, LIVE_POD);
  assert.equal(jobs.find((j) => j.id === 'job-done')!.durationMs, 4500);
  // The listing asked for gomr's masters by label.
  assert.ok(c.kube.requests.some((q) => q.path === '/apis/batch/v1/namespaces/gomr/jobs' && q.query.labelSelector === 'app.kubernetes.io/component=master,app.kubernetes.io/managed-by=gomr'));

  const text = await runGomr(['jobs', '-n', 'gomr'], { env: c.env });
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^JOB +STATE +STARTED +DURATION +WORKER +INPUTS$/);
  assert.match(lines[1]!, /^job-gone +stopped +\S+ \S+ +- +- +-$/);
  assert.match(lines[2]!, /^job-live +mapping +\S+ \S+ +1 m 00 s +wordcount\.ts +river\.txt$/);
  assert.match(lines[3]!, /^job-done +succeeded +\S+ \S+ +4\.5 s +wordcount\.ts +river\.txt$/);

  const empty = await runGomr(['jobs', '-n', 'elsewhere'], { env: c.env });
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout, 'no jobs in namespace elsewhere (gomr start runs one)\n');
});

/** Starts `gomr ARGS` in the background and resolves with its first line of stdout. */
function startGomr(args: string[]) {
  const child = spawn(process.execPath, [cliBin, ...args], { cwd: repoRoot, env: { ...process.env, ...c.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    void exited.then((code) => reject(new Error(`gomr ${args.join(' ')} exited ${code} before printing a line: ${stderr}`)));
  });
  return { child, firstLine, exited, stderr: () => stderr };
}

test('gomr ui --kube prints a local URL that leads to the master\'s page until Ctrl-C; a finished job is served from its summary', { timeout: 90_000 }, async () => {
  const ui = startGomr(['ui', 'job-live', '--kube']);
  try {
    const url = await ui.firstLine;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    // The page and its data, through the port-forward the command keeps open.
    const snap = (await (await fetch(new URL('api/status', url))).json()) as JobSnapshot;
    assert.equal(snap.jobId, 'job-live');
    assert.equal(snap.state, 'MAPPING');
    const html = await (await fetch(url)).text();
    assert.match(html, /<html/i);
    await new Promise((r) => setTimeout(r, 300));
    assert.match(ui.stderr(), new RegExp(`^forwarding ${url.replace(/[./]/g, '\\$&')} to port 8080 of pod ${LIVE_POD} \\(namespace gomr\\); Ctrl-C to stop\\n`));
  } finally {
    ui.child.kill('SIGINT');
  }
  assert.equal(await ui.exited, 0, ui.stderr());

  // Without JOB: the newest running job.
  const newest = startGomr(['ui', '--kube']);
  try {
    const url = await newest.firstLine;
    assert.equal(((await (await fetch(new URL('api/status', url))).json()) as JobSnapshot).jobId, 'job-live');
  } finally {
    newest.child.kill('SIGINT');
  }
  assert.equal(await newest.exited, 0, newest.stderr());

  const done = await runGomr(['ui', 'job-done', '--kube'], { env: c.env });
  assert.equal(done.code, 6);
  assert.equal(done.stderr, 'gomr: job job-done has no running master in namespace gomr, so no page is served; its saved page: gomr ui job-done --serve -n gomr (or gomr status job-done -n gomr)\n');
  const saved = startGomr(['ui', 'job-done', '--serve', '-n', 'gomr']);
  try {
    const url = await saved.firstLine;
    const snap = (await (await fetch(new URL('api/status', url))).json()) as JobSnapshot;
    assert.equal(snap.jobId, 'job-done');
    assert.equal(snap.state, 'SUCCEEDED');
  } finally {
    saved.child.kill('SIGINT');
  }
  assert.equal(await saved.exited, 0, saved.stderr());
});

test('an API server that accepts connections and never answers: "cannot reach the cluster" within the deadline, exit 7', { timeout: 90_000 }, async () => {
  const held = new Set<Socket>();
  const blackhole = createServer((s) => {
    held.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
  const port = (blackhole.address() as { port: number }).port;
  const dir = await tempDir();
  const kubeconfig = async (scheme: string) => {
    const path = join(dir, `kc-${scheme}`);
    await writeFile(path, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "${scheme}://127.0.0.1:${port}", insecure-skip-tls-verify: true}\ncontexts:\n- name: kind-x\n  context: {cluster: c, user: u}\ncurrent-context: kind-x\nusers:\n- name: u\n  user: {token: t}\n`);
    return path;
  };
  try {
    // Plain HTTP: the request is sent and never answered.
    const status = await runGomr(['status', 'job-1', '--kube', '--request-timeout', '1s'], { env: { KUBECONFIG: await kubeconfig('http') }, timeoutMs: 30_000 });
    assert.equal(status.code, 7, status.stderr);
    assert.equal(
      status.stderr,
      `gomr: cannot reach the cluster at http://127.0.0.1:${port} (context kind-x) while listing the master pod of job job-1: no answer within 1 s (is it running and reachable from here? --request-timeout or GOMR_KUBE_REQUEST_TIMEOUT sets the deadline)\n`,
    );
    // HTTPS: the TLS handshake never finishes. The deadline from the environment, for any command.
    const env = { KUBECONFIG: await kubeconfig('https'), GOMR_KUBE_REQUEST_TIMEOUT: '1500ms' };
    for (const args of [['jobs', '--kube'], ['down']]) {
      const r = await runGomr(args, { env, timeoutMs: 30_000 });
      assert.equal(r.code, 7, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^gomr: cannot reach the cluster at https://127\\.0\\.0\\.1:${port} \\(context kind-x\\) while listing jobs: no answer within 1500 ms \\(`));
      assert.equal(r.stderr.split('\n').length, 2, 'one line');
      // A start-up of a second or two, plus the deadline: far from the OS's TCP timeouts.
      assert.ok(r.ms < 12_000, `${args.join(' ')} took ${r.ms} ms`);
    }
    assert.ok(held.size >= 3, 'every command did connect');
  } finally {
    for (const s of held) s.destroy();
    blackhole.close();
  }
});

test('gomr output: a job whose master Job gomr down deleted is found by its data in MinIO; unknown ids are one clear line', { timeout: 90_000 }, async () => {
  const r = await runGomr(['output', 'job-old'], { env: c.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'bread\t2\nsea\t5\n');
  const none = await runGomr(['output', 'job-never'], { env: c.env });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^gomr: no job job-never in namespace gomr: no master Job, and nothing under jobs\/job-never\/ in its MinIO \(newest: /);
});

test('gomr attach on a job that has ended shows its result at once, from its summary', { timeout: 90_000 }, async () => {
  for (const job of ['job-done', 'job-old']) {
    const r = await runGomr(['attach', job, '-q'], { env: c.env, timeoutMs: 30_000 });
    assert.equal(r.code, 0, `${job}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^job ${job} succeeded in `), job);
    assert.match(r.stdout, new RegExp(`download  gomr output ${job}`));
    // At once: well under the 180 s a wait for the master's pod would take.
    assert.ok(r.ms < 20_000, `${job} took ${r.ms} ms`);
  }
});

test("gomr replay --kube re-runs a cluster job's failed task from the MinIO of its namespace; gomr status --task --kube tells the task's story", { timeout: 120_000 }, async () => {
  // A job that failed in the cluster, as gomr start leaves it in MinIO: inputs, summary, map
  // runs, the spec at specs/<JOB>.json and the bundle at jobs/<JOB>/worker.mjs; nothing here.
  const dir = await tempDir();
  const home = await tempDir('gomr-home-');
  const input = join(dir, 'in.txt');
  await writeFile(input, 'fine line\n'.repeat(500) + 'a poison line\n' + 'last line\n'.repeat(500));
  const worker = join(repoRoot, 'packages/cli/test/fixtures/replay-worker.ts');
  const s3 = ['--storage', 's3', '--s3-endpoint', c.s3.config.endpoint, '--s3-bucket', 'gomr', '--s3-access-key', c.s3.config.accessKey, '--s3-secret-key', c.s3.config.secretKey];
  const run = await runGomr(['run', '--input', input, '--max-attempts', '1', '--param', 'where=map', '--quiet', '--output', join(dir, 'out'), ...s3, worker], { home, timeoutMs: 90_000 });
  assert.equal(run.code, 1, run.stderr);
  const jobId = /job (\S+) failed/.exec(run.stderr)![1]!;
  const folder = join(home, 'jobs', jobId);
  const store = await openStorage(c.s3.config);
  try {
    await store.put(`specs/${jobId}.json`, await readFile(join(folder, 'spec.json')));
    await store.put(`jobs/${jobId}/worker.mjs`, await readFile(join(folder, 'worker.mjs')));
  } finally {
    await store.close();
  }
  await rm(folder, { recursive: true });

  const from = c.kube.requests.length;
  const r = await runGomr(['replay', jobId, '--line', '--kube'], { home, env: c.env });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^gomr: mapper failed in task m-00000 on this machine \(input in\.txt, line at byte 5000\): poisoned line "a poison line" in task m-00000$/m);
  assert.match(r.stderr, /replay-worker\.ts:\d+:\d+/);
  assert.deepEqual(forwardsSince(from), [`${MINIO_POD}:9000`], 'MinIO through a port-forward');

  const story = await runGomr(['status', jobId, '--task', 'm-00000', '--kube', '--json'], { home, env: c.env });
  assert.equal(story.code, 0, story.stderr);
  const s = JSON.parse(story.stdout) as { source: { kind: string }; attempts: { outcome: string; error: string; offset: number }[] };
  assert.equal(s.source.kind, 'summary');
  assert.deepEqual(s.attempts.map((a) => [a.outcome, a.error, a.offset]), [['failed', 'poisoned line "a poison line" in task m-00000', 0]]);
});

test('gomr logs after gomr down: the stored logs of the master and of each worker, from MinIO; a live pod is still read as a pod', { timeout: 90_000 }, async () => {
  const worker = await runGomr(['logs', 'job-old', '--worker', '1'], { env: c.env });
  assert.equal(worker.code, 0, worker.stderr);
  assert.equal(worker.stdout, STORED_LOGS[2]![2]);
  const master = await runGomr(['logs', 'job-old'], { env: c.env });
  assert.equal(master.code, 0, master.stderr);
  assert.equal(master.stdout, STORED_LOGS[0]![2]);
  const task = await runGomr(['logs', 'job-old', '--task', 'm-00001'], { env: c.env });
  assert.equal(task.code, 0, task.stderr);
  assert.equal(task.stdout, [
    'master   | task m-00001: attempt 2 on w-2 (re-run)',
    'worker-1 | [m-00001#1] parsing market.txt',
    'worker-1 | [m-00001#1] Error: bad row',
  ].join('\n') + '\n');
  // job-done's master pod is still there: its log is the pod's, unless --stored.
  const pod = await runGomr(['logs', 'job-done'], { env: c.env });
  assert.equal(pod.code, 0, pod.stderr);
  assert.match(pod.stdout, /of gomr-master-job-done-q8v4w/);
  const stored = await runGomr(['logs', 'job-done', '--stored'], { env: c.env });
  assert.equal(stored.code, 0, stored.stderr);
  assert.equal(stored.stdout, STORED_LOGS[3]![2]);
  const none = await runGomr(['logs', 'job-old', '--worker', '5'], { env: c.env });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^gomr: job job-old has no stored log of the worker 5 \(logs: master, worker-0, worker-1\)/);
});

test('gomr output --skipped after gomr down: the dead-letter files from MinIO; the parts alone without it', { timeout: 90_000 }, async () => {
  const skipped = await runGomr(['output', 'job-old', '--skipped'], { env: c.env });
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.equal(skipped.stdout, SKIPPED_LINE);
  const parts = await runGomr(['output', 'job-old'], { env: c.env });
  assert.equal(parts.stdout, 'bread\t2\nsea\t5\n');
  const none = await runGomr(['output', 'job-done', '--skipped'], { env: c.env });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^gomr: job job-done has no skipped records/);
});
