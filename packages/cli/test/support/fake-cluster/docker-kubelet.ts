/**
 * A kubelet that runs the fake API server's pods as real containers in the Docker engine.
 * A client of the API's store: it takes every pod no node has (the scheduler's binding and the
 * kubelet in one), and writes the pod's status back, which is what the Job and Deployment
 * controllers act on. After https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/
 * and https://kubernetes.io/docs/concepts/containers/images/:
 *
 * - Scheduling: a pod whose PersistentVolumeClaim is missing or being deleted stays Pending
 *   (PodScheduled False, Unschedulable) with a FailedScheduling event.
 * - Images: one that is not in the local engine cannot be pulled (no registry is reachable):
 *   ErrImagePull, then ImagePullBackOff with a growing back-off, with Failed / BackOff events
 *   as kubectl describe shows them; imagePullPolicy Never: ErrImageNeverPull. Images listed in
 *   `standIns` run as an in-process server instead (s3rver for MinIO).
 * - Start: command/args override the image's entrypoint/cmd, the environment and volumes of
 *   pod-runtime-config.ts, the user of securityContext (runAsNonRoot with an image that runs as
 *   root is CreateContainerConfigError), host networking on the pod's own loopback IP, the
 *   namespace's Services in /etc/hosts.
 * - Readiness: tcpSocket and httpGet probes (every periodSeconds); no probe: ready once running.
 * - Exit: restartPolicy Never ends the pod Succeeded (0) or Failed (the exit code, reason
 *   Error / OOMKilled); OnFailure / Always restart the container in place after the
 *   CrashLoopBackOff delay (10 s doubling, capped at 5 min; `crashBackoffBaseMs` scales it),
 *   counting restartCount.
 * - Delete: `docker stop` with the pod's grace period (SIGTERM, then SIGKILL), the container's
 *   exit written to the status, then the pod leaves the store (once its finalizers are done).
 *
 * Not simulated: resource limits (no cgroup limits are set), liveness probes, init containers,
 * more than one container per pod, image pulls of any kind.
 */
import { rm, mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import type { FakeKubeApi } from './api-server.js';
import { POD_STOPPED, removeIfDone } from './deletion.js';
import { recordEvent } from './events.js';
import { startMinioStandIn, type RunningStandIn, type StandInContext } from './minio-stand-in.js';
import { ContainerConfigError, resolveContainer, scratchDir } from './pod-runtime-config.js';
import type { Obj } from './store.js';

export interface DockerKubeletOptions {
  docker?: Docker;
  /** image -> what runs instead of a container. */
  standIns?: Record<string, (ctx: StandInContext) => Promise<RunningStandIn>>;
  /** Second octet of the pods' loopback IPs (127.N.x.y). */
  subnet: number;
  /** First image-pull back-off; doubles. Kubernetes: 10 s. @default 10000 */
  pullBackoffBaseMs?: number;
  /** First CrashLoopBackOff delay; doubles. Kubernetes: 10 s. @default 10000 */
  crashBackoffBaseMs?: number;
  /** Lines about what the kubelet does, for test diagnostics. */
  log?: (line: string) => void;
  nodeName?: string;
  /**
   * Images this node cannot get, though the engine has them: a kind node that was never given
   * the image, a registry that refuses the pull. Checked at each pull, so a test can change it.
   */
  unpullable?: (image: string) => boolean;
}

interface Running {
  pod: Obj;
  ip: string;
  container?: Docker.Container;
  standIn?: RunningStandIn;
  /** Set once deletion was seen; the loop stops the container. */
  stopping: boolean;
  wake: () => void;
  /** Resolves when the pod's loop has ended. */
  done: Promise<void>;
}

const now = () => new Date().toISOString();
const KEY_LABEL = 'fake.gomr.dev/kubelet';

export class DockerKubelet {
  readonly docker: Docker;
  readonly label = `kubelet-${process.pid}-${Date.now().toString(36)}`;
  private readonly pods = new Map<string, Running>();
  private readonly claims = new Map<string, string>();
  private readonly nodeName: string;
  private nextIp = 1;
  private scratch = '';
  private unsubscribe?: () => void;
  private stopped = false;
  /** Containers run, for tests that check what started: pod name -> docker container ids. */
  readonly started: { pod: string; image: string; id: string }[] = [];
  /** The logs of every container that ended (they go with their pods), each line after its RFC 3339 time. */
  readonly transcripts: { pod: string; image: string; exitCode: number; text: string }[] = [];

  constructor(private readonly api: FakeKubeApi, private readonly o: DockerKubeletOptions) {
    this.docker = o.docker ?? new Docker();
    this.nodeName = o.nodeName ?? 'docker-node';
  }

  private log(line: string): void {
    this.o.log?.(`[kubelet] ${line}`);
  }

  async start(): Promise<void> {
    this.scratch = await scratchDir();
    this.unsubscribe = this.api.store.onChange(() => this.sync());
    this.sync();
  }

  /** Stops every pod's container at once (SIGKILL) and removes them. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const r of this.pods.values()) {
      r.stopping = true;
      r.wake();
    }
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${KEY_LABEL}=${this.label}`] } });
    await Promise.all(containers.map((c) => this.docker.getContainer(c.Id).remove({ force: true }).catch(() => {})));
    await Promise.all([...this.pods.values()].map((r) => Promise.race([r.done, sleep(5000)])));
    for (const r of this.pods.values()) await r.standIn?.stop().catch(() => {});
    await rm(this.scratch, { recursive: true, force: true });
  }

  /** The directory that holds a claim's data: kept across pods, removed with the claim. */
  claimDir = async (ns: string, claim: string): Promise<string> => {
    const dir = join(this.scratch, 'claims', ns, claim);
    await mkdir(dir, { recursive: true, mode: 0o777 });
    this.claims.set(`${ns}/${claim}`, dir);
    return dir;
  };

  /** The pod's log (its current container's), for GET pods/NAME/log. */
  async logs(pod: Obj, query: Record<string, string>): Promise<string> {
    const r = this.pods.get(pod.metadata.uid);
    if (r?.standIn) return 's3rver standing in for MinIO\n';
    if (!r?.container) return '';
    const tail = query.tailLines ? Number(query.tailLines) : undefined;
    const buf = (await r.container.logs({ stdout: true, stderr: true, follow: false, ...(tail ? { tail } : {}) }).catch(() => Buffer.alloc(0))) as Buffer;
    return demux(buf);
  }

  private sync(): void {
    if (this.stopped) return;
    for (const pod of this.api.store.list('pods')) {
      if (this.api.store.unmanaged.has(pod)) continue;
      const uid: string = pod.metadata.uid;
      const r = this.pods.get(uid);
      if (!r && !pod.spec.nodeName && !pod.metadata.deletionTimestamp) this.admit(pod);
      else if (r && pod.metadata.deletionTimestamp && !r.stopping) {
        r.stopping = true;
        r.wake();
      }
    }
    // Claims that left the store take their data with them.
    for (const [key, dir] of this.claims) {
      const [ns, claim] = key.split('/');
      if (!this.api.store.get('persistentvolumeclaims', ns!, claim!)) {
        this.claims.delete(key);
        void rm(dir, { recursive: true, force: true });
      }
    }
  }

  private admit(pod: Obj): void {
    const ip = `127.${this.o.subnet}.${1 + Math.floor(this.nextIp / 254)}.${1 + (this.nextIp % 254)}`;
    this.nextIp++;
    let wake = () => {};
    const r: Running = { pod, ip, stopping: false, wake: () => wake(), done: Promise.resolve() };
    const nap = (ms: number) =>
      new Promise<void>((resolve) => {
        // Unref'd: a pod's wait must not keep the test process alive after stop().
        const t = setTimeout(resolve, ms).unref();
        wake = () => {
          clearTimeout(t);
          resolve();
        };
        if (r.stopping) wake();
      });
    this.pods.set(pod.metadata.uid, r);
    r.done = this.runPod(r, nap).catch((err: Error) => this.log(`pod ${pod.metadata.name}: ${err.stack ?? err.message}`));
  }

  private update(pod: Obj, f: (p: Obj) => void): void {
    if (this.api.store.byUid(pod.metadata.uid) !== pod) return;
    this.api.store.update(pod, f);
  }

  private event(pod: Obj, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.api.store.byUid(pod.metadata.uid) === pod) recordEvent(this.api.store, pod, type, reason, message, 'kubelet');
  }

  private setWaiting(pod: Obj, name: string, reason: string, message: string, restartCount: number, last?: Obj): void {
    this.update(pod, (p) => {
      p.status.containerStatuses = [{ name, image: p.spec.containers[0].image, ready: false, started: false, restartCount, state: { waiting: { reason, message } }, ...(last ? { lastState: last } : {}) }];
      p.status.conditions = conditions(p, { ready: false });
    });
  }

  private async runPod(r: Running, nap: (ms: number) => Promise<void>): Promise<void> {
    const pod = r.pod;
    const store = this.api.store;
    const name: string = pod.metadata.name;
    // Scheduling: claims must exist and not be going away.
    for (;;) {
      if (r.stopping) return this.finish(r, undefined);
      const claims = ((pod.spec.volumes ?? []) as Obj[]).filter((v) => v.persistentVolumeClaim).map((v) => v.persistentVolumeClaim.claimName as string);
      const bad = claims.map((c) => [c, store.get('persistentvolumeclaims', pod.metadata.namespace, c)] as const).find(([, c]) => !c || c.metadata.deletionTimestamp);
      if (!bad) break;
      const message = `0/1 nodes are available: persistentvolumeclaim "${bad[0]}" ${bad[1] ? 'is being deleted' : 'not found'}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`;
      if (pod.status?.conditions?.[0]?.message !== message) {
        this.update(pod, (p) => (p.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: now() }] }));
        recordEvent(store, pod, 'Warning', 'FailedScheduling', message, 'default-scheduler');
      }
      await nap(500);
    }
    this.update(pod, (p) => {
      p.spec.nodeName = this.nodeName;
      p.status = { phase: 'Pending', hostIP: '127.0.0.1', podIP: r.ip, podIPs: [{ ip: r.ip }], startTime: now(), conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: now() }] };
    });
    recordEvent(store, pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${name} to ${this.nodeName}`, 'default-scheduler');
    const container: Obj = pod.spec.containers[0];
    const cname: string = container.name;
    const image: string = container.image;
    let restartCount = 0;
    let pullFailures = 0;
    let last: Obj | undefined;
    const podScratch = join(this.scratch, 'pods', pod.metadata.uid);
    await mkdir(podScratch, { recursive: true, mode: 0o755 });
    for (;;) {
      if (r.stopping) return this.finish(r, undefined);
      // The image.
      const standIn = this.o.standIns?.[image];
      let imageUser = '';
      if (!standIn) {
        const info = this.o.unpullable?.(image) ? undefined : await this.docker.getImage(image).inspect().catch(() => undefined);
        if (!info) {
          if (container.imagePullPolicy === 'Never') {
            this.setWaiting(pod, cname, 'ErrImageNeverPull', `Container image "${image}" is not present with pull policy of Never`, restartCount);
            this.event(pod, 'Warning', 'ErrImageNeverPull', `Container image "${image}" is not present with pull policy of Never`);
            await nap(2000);
            continue;
          }
          pullFailures++;
          const why = `failed to pull and unpack image "${fullRef(image)}": failed to resolve reference "${fullRef(image)}": ${fullRef(image)}: not found`;
          this.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
          this.setWaiting(pod, cname, 'ErrImagePull', `rpc error: code = NotFound desc = ${why}`, restartCount);
          this.event(pod, 'Warning', 'Failed', `Failed to pull image "${image}": rpc error: code = NotFound desc = ${why}`);
          this.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
          await nap(Math.min(1000, this.o.pullBackoffBaseMs ?? 10_000));
          if (r.stopping) continue;
          this.setWaiting(pod, cname, 'ImagePullBackOff', `Back-off pulling image "${image}"`, restartCount);
          this.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
          this.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff');
          await nap(Math.min((this.o.pullBackoffBaseMs ?? 10_000) * 2 ** (pullFailures - 1), 300_000));
          continue;
        }
        imageUser = info.Config?.User ?? '';
        this.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      }
      // The container's configuration.
      let resolved;
      try {
        resolved = await resolveContainer(store, pod, container, r.ip, this.claimDir, podScratch);
        const sc = { ...pod.spec.securityContext, ...container.securityContext };
        if (!standIn && sc.runAsNonRoot && !resolved.user && ['', '0', 'root', '0:0'].includes(imageUser)) throw new ContainerConfigError('container has runAsNonRoot and image will run as root');
      } catch (err) {
        if (!(err instanceof ContainerConfigError)) throw err;
        this.setWaiting(pod, cname, 'CreateContainerConfigError', err.message, restartCount);
        this.event(pod, 'Warning', 'Failed', `Error: ${err.message}`);
        await nap(1000);
        continue;
      }
      // Start.
      const startedAt = now();
      let exited: Promise<{ code: number; oom: boolean }>;
      if (standIn) {
        const mounts = Object.fromEntries(resolved.mounts.map((m) => [m.path, m.host]));
        r.standIn = await standIn({ ip: r.ip, env: resolved.env, mounts, log: (l) => this.log(`${name}: ${l}`) });
        exited = r.standIn.exited.then((code) => ({ code, oom: false }));
      } else {
        const c = await this.docker.createContainer({
          name: `gomr-fk-${name}-${restartCount}-${this.label}`.slice(0, 120),
          Image: image,
          ...(container.command ? { Entrypoint: container.command } : {}),
          ...(container.args ? { Cmd: container.args } : {}),
          Env: Object.entries(resolved.env).map(([k, v]) => `${k}=${v}`),
          ...(resolved.user ? { User: resolved.user } : {}),
          ...(container.workingDir ? { WorkingDir: container.workingDir } : {}),
          Labels: { [KEY_LABEL]: this.label, 'fake.gomr.dev/pod': name, 'fake.gomr.dev/namespace': pod.metadata.namespace },
          StopTimeout: pod.spec.terminationGracePeriodSeconds ?? 30,
          HostConfig: {
            NetworkMode: 'host',
            Binds: resolved.mounts.map((m) => `${m.host}:${m.path}${m.readOnly ? ':ro' : ''}`),
            ExtraHosts: resolved.extraHosts,
            ...(container.securityContext?.readOnlyRootFilesystem ? { ReadonlyRootfs: true } : {}),
          },
        });
        r.container = c;
        this.event(pod, 'Normal', 'Created', `Created container ${cname}`);
        await c.start();
        this.started.push({ pod: name, image, id: c.id });
        this.log(`${name}: started ${image} as ${c.id.slice(0, 12)} on ${r.ip}`);
        exited = c.wait().then(async (w: { StatusCode: number }) => {
          const info = await c.inspect().catch(() => undefined);
          return { code: w.StatusCode, oom: !!info?.State?.OOMKilled };
        });
      }
      this.event(pod, 'Normal', 'Started', `Started container ${cname}`);
      this.update(pod, (p) => {
        p.status.phase = 'Running';
        p.status.containerStatuses = [{ name: cname, image, imageID: image, ready: false, started: true, restartCount, state: { running: { startedAt } }, ...(last ? { lastState: last } : {}) }];
        p.status.conditions = conditions(p, { ready: false });
      });
      const probing = this.probe(r, container, exited);
      let result: { code: number; oom: boolean } | undefined;
      while (!result) {
        result = await Promise.race([exited, nap(60_000).then(() => undefined)]);
        if (!result && r.stopping) result = await this.stopContainer(r, exited);
      }
      await probing;
      const terminated = {
        exitCode: result.code, reason: result.oom ? 'OOMKilled' : result.code === 0 ? 'Completed' : 'Error', startedAt, finishedAt: now(), containerID: r.container ? `docker://${r.container.id}` : undefined,
      };
      this.log(`${name}: exited ${result.code}${r.stopping ? ' (stopped)' : ''}`);
      if (r.container) {
        const buf = (await r.container.logs({ stdout: true, stderr: true, follow: false, timestamps: true }).catch(() => Buffer.alloc(0))) as Buffer;
        this.transcripts.push({ pod: name, image, exitCode: result.code, text: demux(buf) });
      }
      r.standIn = undefined;
      const policy: string = pod.spec.restartPolicy ?? 'Always';
      const restart = !r.stopping && (policy === 'Always' || (policy === 'OnFailure' && result.code !== 0));
      if (!restart) {
        this.update(pod, (p) => {
          p.status.phase = result.code === 0 ? 'Succeeded' : 'Failed';
          p.status.containerStatuses = [{ name: cname, image, ready: false, started: false, restartCount, state: { terminated }, ...(last ? { lastState: last } : {}) }];
          p.status.conditions = conditions(p, { ready: false, reason: 'PodCompleted' });
        });
        return this.finish(r, terminated);
      }
      restartCount++;
      last = { terminated };
      const delay = Math.min((this.o.crashBackoffBaseMs ?? 10_000) * 2 ** (restartCount - 1), 300_000);
      this.setWaiting(pod, cname, 'CrashLoopBackOff', `back-off ${Math.round(delay / 1000)}s restarting failed container=${cname} pod=${name}_${pod.metadata.namespace}(${pod.metadata.uid})`, restartCount, last);
      this.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
      await r.container?.remove({ force: true }).catch(() => {});
      r.container = undefined;
      await nap(delay);
    }
  }

  /** docker stop: SIGTERM, SIGKILL after the grace period. */
  private async stopContainer(r: Running, exited: Promise<{ code: number; oom: boolean }>): Promise<{ code: number; oom: boolean }> {
    const grace = r.pod.metadata.deletionGracePeriodSeconds ?? r.pod.spec.terminationGracePeriodSeconds ?? 30;
    this.event(r.pod, 'Normal', 'Killing', `Stopping container ${r.pod.spec.containers[0].name}`);
    this.log(`${r.pod.metadata.name}: stopping (grace ${grace} s)`);
    if (r.standIn) await r.standIn.stop();
    else await r.container?.stop({ t: grace }).catch(() => {});
    return exited;
  }

  /** Readiness: the probe's check every periodSeconds while the container runs. */
  private async probe(r: Running, container: Obj, exited: Promise<unknown>): Promise<void> {
    let running = true;
    void exited.then(() => (running = false));
    const probe = container.readinessProbe;
    const period = Math.max(1, probe?.periodSeconds ?? 10) * 1000;
    let ready = false;
    while (running && !r.stopping) {
      const ok = !probe ? true : await check(r.ip, probe, container);
      if (ok !== ready && running && !r.stopping) {
        ready = ok;
        this.update(r.pod, (p) => {
          if (p.status.containerStatuses?.[0]?.state?.running) p.status.containerStatuses[0].ready = ok;
          p.status.conditions = conditions(p, { ready: ok });
        });
      }
      await Promise.race([sleep(ready ? period : Math.min(period, 500), undefined, { ref: false }), exited]);
    }
  }

  /** The pod's loop is over: the pod may leave the store. */
  private async finish(r: Running, terminated: Obj | undefined): Promise<void> {
    const pod = r.pod;
    if (!terminated && pod.spec.nodeName) {
      this.update(pod, (p) => (p.status.phase = p.status.phase === 'Running' || p.status.phase === 'Pending' ? 'Failed' : p.status.phase));
    }
    await r.container?.remove({ force: true }).catch(() => {});
    pod[POD_STOPPED] = true;
    // The pod object goes once its finalizers are done: the API's sweep removes it then.
    removeIfDone(this.api.store, 'pods', pod);
    this.api.store.changed();
  }
}

function conditions(p: Obj, s: { ready: boolean; reason?: string }): Obj[] {
  const t = now();
  const ready = s.ready ? 'True' : 'False';
  const keep = (p.status?.conditions ?? []).filter((c: Obj) => c.type === 'DisruptionTarget');
  return [
    { type: 'PodScheduled', status: 'True', lastTransitionTime: t },
    { type: 'Initialized', status: 'True', lastTransitionTime: t },
    { type: 'ContainersReady', status: ready, lastTransitionTime: t, ...(s.reason ? { reason: s.reason } : {}) },
    { type: 'Ready', status: ready, lastTransitionTime: t, ...(s.reason ? { reason: s.reason } : {}) },
    ...keep,
  ];
}

/** docker.io/library/x:latest, as containerd names an image in its errors. */
function fullRef(image: string): string {
  const [first] = image.split('/');
  const withHost = image.includes('/') && (first!.includes('.') || first!.includes(':')) ? image : `docker.io/${image.includes('/') ? '' : 'library/'}${image}`;
  return /:[^/]+$/.test(withHost) ? withHost : `${withHost}:latest`;
}

function portOf(port: number | string, container: Obj): number {
  if (typeof port === 'number') return port;
  const named = ((container.ports ?? []) as Obj[]).find((p) => p.name === port);
  return named ? named.containerPort : Number(port);
}

async function check(ip: string, probe: Obj, container: Obj): Promise<boolean> {
  const timeout = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.tcpSocket) {
    return new Promise((resolve) => {
      const s = connect(portOf(probe.tcpSocket.port, container), ip);
      const t = setTimeout(() => (s.destroy(), resolve(false)), timeout);
      s.on('connect', () => (clearTimeout(t), s.destroy(), resolve(true)));
      s.on('error', () => (clearTimeout(t), resolve(false)));
    });
  }
  if (probe.httpGet) {
    return new Promise((resolve) => {
      const req = request({ host: ip, port: portOf(probe.httpGet.port, container), path: probe.httpGet.path ?? '/', timeout }, (res) => {
        res.resume();
        resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => (req.destroy(), resolve(false)));
      req.end();
    });
  }
  return true;
}

/** Docker's multiplexed log stream (8-byte frame headers) to text. */
function demux(buf: Buffer): string {
  const out: Buffer[] = [];
  for (let i = 0; i + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(i + 4);
    out.push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return Buffer.concat(out).toString('utf8');
}

export { startMinioStandIn };
