/**
 * A fake Kubernetes API server on 127.0.0.1: the REST paths gomr calls over an in-memory store
 * (store.ts), the API server's own rules (admission.ts, graceful deletion in deletion.ts), the
 * controllers that act on what is stored (Jobs, Deployments, garbage collection, namespace
 * termination, PVC protection; one file each), pod logs and port-forwards, and a record of
 * every request.
 *
 * Pods run on a kubelet: by default the instant one (instant-kubelet.ts: Running and Ready at
 * once, nothing runs), which is what tests of the API conversation need; with
 * `{ kubelet: 'external' }` the store's pods wait for a real one (docker-kubelet.ts), which
 * runs them as containers and writes their status back.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { admitCreate, podAdmission } from './admission.js';
import { removeIfDone, requestDeletion, type DeleteOptions } from './deletion.js';
import { reconcileDeployments } from './deployment-controller.js';
import { collectGarbage } from './garbage-collector.js';
import { runInstantKubelet } from './instant-kubelet.js';
import { reconcileJobs, type JobControllerOptions } from './job-controller.js';
import { reconcileNamespaces } from './namespace-controller.js';
import { PVC_PROTECTION, reconcileClaims } from './pvc-protection.js';
import { keyOf, ObjectStore, type Obj } from './store.js';

export type { Obj } from './store.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

export interface FakeKubeOptions {
  /** The MinIO Deployment's pod becomes ready (instant kubelet only). @default true */
  minioReady?: boolean;
  /** Events the server reports for MinIO's pod when it is not ready. */
  minioEvents?: { type: string; reason: string; message: string }[];
  /** Called for every object created, after defaults are filled in. */
  onCreate?: (obj: any) => void;
  /**
   * Where port-forwards lead: (pod, port) -> a port on 127.0.0.1. The server speaks the API
   * server's port-forward protocol (a WebSocket, subprotocol v4.channel.k8s.io: channel 0
   * data, channel 1 errors, each opened by the port number as 2 bytes little-endian).
   * Without it, a forward leads to the pod's own IP (status.podIP) and port.
   */
  portForward?: (pod: string, port: number) => number | undefined;
  /** 'instant' (default): pods are Running at once; 'external': a kubelet runs them. */
  kubelet?: 'instant' | 'external';
  /** Job controller settings (back-off). */
  jobs?: Omit<JobControllerOptions, 'admitPod'>;
  /** Service cluster IPs. @default 10.96.0.N */
  allocateClusterIP?: (n: number) => string;
  /** Pod logs, for GET pods/NAME/log. @default two made-up lines */
  podLogs?: (pod: Obj, query: Record<string, string>) => Promise<string>;
}

const itemPath = /^\/(api\/v1|apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?(?:\/(log|eviction|status))?$/;
const namespacePath = /^\/api\/v1\/namespaces(?:\/([^/]+))?$/;

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  readonly store = new ObjectStore();
  /** key: "<resource>/<namespace>/<name>" (namespaces: "namespaces//<name>"). */
  readonly objects = this.store.objects;
  private server?: Server;
  private wss?: WebSocketServer;
  private readonly forwards = new Set<{ ws: WebSocket; tcp: Socket }>();
  private forwardsBlockedUntil = 0;
  private scheduled = false;
  private ticker?: NodeJS.Timeout;
  private services = 0;
  url = '';

  constructor(readonly options: FakeKubeOptions = {}) {
    this.store.onChange(() => this.schedule());
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    const wss = (this.wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) }));
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url!, 'http://x');
      this.requests.push({ method: 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) });
      if (Date.now() < this.forwardsBlockedUntil) {
        // As a blip looks from the client: the connection goes, no answer.
        socket.destroy();
        return;
      }
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
      const port = Number(url.searchParams.get('ports'));
      const pod = m ? this.store.get('pods', m[1]!, m[2]!) : undefined;
      const target = pod ? this.forwardTarget(pod, port) : undefined;
      if (!target) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.forward(ws, port, target));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    // Time-driven controller work (back-off, activeDeadlineSeconds).
    this.ticker = setInterval(() => this.reconcile(), 250);
    this.ticker.unref();
    return this.url;
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    // Upgraded (port-forward) connections are no longer the HTTP server's to close.
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  /**
   * Drops every open port-forward and refuses new ones for `ms`: what a client sees when the
   * API server restarts or the network between it and the cluster goes away for a while.
   */
  blockPortForwards(ms: number): void {
    this.forwardsBlockedUntil = Date.now() + ms;
    for (const f of this.forwards) {
      f.ws.terminate();
      f.tcp.destroy();
    }
  }

  private forwardTarget(pod: Obj, port: number): { host: string; port: number } | undefined {
    if (this.options.portForward) {
      const p = this.options.portForward(pod.metadata.name, port);
      return p ? { host: '127.0.0.1', port: p } : undefined;
    }
    const ip = pod.status?.podIP;
    return ip && pod.status?.phase === 'Running' ? { host: ip, port } : undefined;
  }

  /** One port-forward stream: WebSocket frames <-> a TCP connection to the target. */
  private forward(ws: WebSocket, port: number, target: { host: string; port: number }): void {
    const tcp = connect(target.port, target.host);
    const entry = { ws, tcp };
    this.forwards.add(entry);
    const portBytes = Buffer.from([port & 0xff, port >> 8]);
    ws.send(Buffer.concat([Buffer.from([0]), portBytes]));
    ws.send(Buffer.concat([Buffer.from([1]), portBytes]));
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0 && data.length > 1) tcp.write(data.subarray(1));
    });
    tcp.on('data', (chunk) => ws.send(Buffer.concat([Buffer.from([0]), chunk])));
    tcp.on('end', () => ws.close());
    tcp.on('error', (err) => {
      // The kubelet's answer on the error channel when the pod's port refuses.
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`error forwarding port ${port} to pod: ${err.message}`)]));
      ws.close();
    });
    ws.on('close', () => {
      this.forwards.delete(entry);
      tcp.end();
    });
  }

  /** Writes a kubeconfig whose current context points here. */
  async writeKubeconfig(dir: string, context = 'kind-gomr-test'): Promise<string> {
    const path = join(dir, 'kubeconfig');
    await writeFile(
      path,
      `apiVersion: v1
kind: Config
clusters:
- name: ${context}
  cluster:
    server: ${this.url}
    insecure-skip-tls-verify: true
contexts:
- name: ${context}
  context:
    cluster: ${context}
    user: tester
current-context: ${context}
users:
- name: tester
  user:
    token: fake-token
`,
    );
    return path;
  }

  /** "METHOD resource[/name]" of the requests that changed something, in order. */
  writes(): string[] {
    return this.requests
      .filter((r) => r.method !== 'GET')
      .map((r) => {
        const m = itemPath.exec(r.path) ?? namespacePath.exec(r.path);
        if (!m) return `${r.method} ${r.path}`;
        if (m.length === 2) return `${r.method} namespaces${m[1] ? `/${m[1]}` : ''}`;
        return `${r.method} ${m[3]}${m[4] ? `/${m[4]}` : ''}${m[5] ? `/${m[5]}` : ''}`;
      });
  }

  list(resource: string, namespace = 'gomr'): Obj[] {
    return this.store.list(resource, namespace);
  }

  get(resource: string, name: string, namespace = 'gomr'): Obj | undefined {
    return this.store.get(resource, namespace, name);
  }

  /** Puts an object in the store as if created earlier: no controller manages it. */
  seed(resource: string, namespace: string, obj: Obj): Obj {
    const o = structuredClone(obj);
    this.store.unmanaged.add(o);
    return this.store.create(resource, namespace, o);
  }

  /** Deletes as a DELETE request would (graceful; the controllers and kubelet finish it). */
  delete(resource: string, name: string, namespace = 'gomr', o: DeleteOptions = {}): void {
    const obj = this.store.get(resource, namespace, name);
    if (obj) requestDeletion(this.store, resource, obj, o);
  }

  /**
   * The Eviction API (https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/):
   * the pod gets the DisruptionTarget condition (reason EvictionByEvictionAPI), then a
   * graceful delete, as `kubectl drain` does.
   */
  evict(name: string, namespace = 'gomr'): boolean {
    const pod = this.store.get('pods', namespace, name);
    if (!pod) return false;
    this.store.update(pod, (p) => {
      p.status ??= {};
      p.status.conditions = [
        ...(p.status.conditions ?? []).filter((c: Obj) => c.type !== 'DisruptionTarget'),
        { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: new Date().toISOString() },
      ];
    });
    requestDeletion(this.store, 'pods', pod);
    return true;
  }

  /** Runs the controllers until nothing changes (they are level-triggered). */
  reconcile(): void {
    const admitPod = (ns: string, pod: Obj) => podAdmission(this.store, ns, pod);
    for (let round = 0; round < 50; round++) {
      const before = this.store.next();
      reconcileNamespaces(this.store);
      collectGarbage(this.store);
      reconcileClaims(this.store);
      reconcileDeployments(this.store, admitPod);
      reconcileJobs(this.store, { ...this.options.jobs, admitPod });
      // Objects marked for deletion whose finalizers are now done.
      for (const [k, obj] of [...this.store.objects]) if (obj.metadata?.deletionTimestamp && !this.store.unmanaged.has(obj)) removeIfDone(this.store, k.split('/')[0]!, obj);
      if ((this.options.kubelet ?? 'instant') === 'instant') {
        runInstantKubelet(this.store, {
          notReady: (pod) => (this.options.minioReady === false && pod.metadata.name.startsWith('gomr-minio-') ? (this.options.minioEvents ?? []) : undefined),
        });
      }
      if (this.store.next() === before + 1) return;
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.reconcile();
    });
  }

  /** Defaults the API server fills in at creation. */
  private defaults(resource: string, obj: Obj): void {
    const n = this.store.next();
    if (resource === 'namespaces') {
      obj.spec = { finalizers: ['kubernetes'], ...obj.spec };
      obj.status = { phase: 'Active' };
    }
    if (resource === 'services' && obj.spec) obj.spec.clusterIP ??= this.options.allocateClusterIP?.(++this.services) ?? `10.96.0.${(++this.services % 250) + 2}`;
    if (resource === 'persistentvolumeclaims') obj.metadata.finalizers = [...(obj.metadata.finalizers ?? []), PVC_PROTECTION];
    if (resource === 'jobs' && obj.spec) {
      obj.spec.backoffLimit ??= 6;
      obj.spec.completionMode ??= 'NonIndexed';
      obj.spec.template ??= {};
      obj.spec.template.metadata ??= {};
      obj.spec.template.metadata.labels = { ...obj.spec.template.metadata.labels, 'batch.kubernetes.io/job-name': obj.metadata.name, 'job-name': obj.metadata.name };
    }
    if (resource === 'pods' && obj.spec) {
      obj.spec.restartPolicy ??= 'Always';
      obj.spec.terminationGracePeriodSeconds ??= 30;
      obj.status ??= { phase: 'Pending' };
    }
    void n;
  }

  private matches(obj: Obj, query: Record<string, string>): boolean {
    const labels = obj.metadata?.labels ?? {};
    for (const term of (query.labelSelector ?? '').split(',').filter(Boolean)) {
      const [k, v] = term.split('=');
      if (labels[k!] !== v) return false;
    }
    for (const term of (query.fieldSelector ?? '').split(',').filter(Boolean)) {
      const [k, v] = term.split('=');
      if (k === 'involvedObject.name' && obj.involvedObject?.name !== v) return false;
      if (k === 'involvedObject.kind' && obj.involvedObject?.kind !== v) return false;
      if (k === 'metadata.name' && obj.metadata?.name !== v) return false;
      if (k === 'status.phase' && obj.status?.phase !== v) return false;
    }
    return true;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, 'http://x');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method!, path: url.pathname, query });
    let body = '';
    for await (const chunk of req) body += chunk;
    const send = (code: number, obj: unknown, type = 'application/json') => {
      res.writeHead(code, { 'content-type': type });
      res.end(typeof obj === 'string' ? obj : JSON.stringify(obj));
    };
    const status = (code: number, reason: string, message: string, details?: Obj) =>
      send(code, { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code, reason, message, ...(details ? { details } : {}) });

    let resource: string, namespace: string, name: string | undefined, sub: string | undefined;
    const ns = namespacePath.exec(url.pathname);
    const item = itemPath.exec(url.pathname);
    if (ns) [resource, namespace, name] = ['namespaces', '', ns[1]];
    else if (item) [, , namespace, resource, name, sub] = item as unknown as string[] as [string, string, string, string, string, string];
    else return status(404, 'NotFound', `the server could not find the requested resource ${url.pathname}`);
    resource = resource!;
    namespace = namespace!;
    const key = keyOf(resource, namespace, name ?? '');
    const notFound = () => status(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });

    if (req.method === 'GET' && name && sub === 'log') {
      const pod = this.store.get('pods', namespace, name);
      if (!pod) return notFound();
      const text = this.options.podLogs ? await this.options.podLogs(pod, query) : `log line 1 of ${name}\nlog line 2 of ${name}\n`;
      return send(200, text, 'text/plain');
    }
    if (req.method === 'GET' && name) {
      const obj = this.objects.get(key);
      return obj ? send(200, obj) : notFound();
    }
    if (req.method === 'GET') {
      const items = this.store.list(resource, namespace || undefined).filter((o) => this.matches(o, query));
      return send(200, { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.store.next()) }, items });
    }
    if (req.method === 'POST' && name && sub === 'eviction') {
      return this.evict(name, namespace) ? send(201, { apiVersion: 'v1', kind: 'Status', status: 'Success', code: 201 }) : notFound();
    }
    if (req.method === 'POST' && !name) {
      const obj = JSON.parse(body) as Obj;
      obj.metadata ??= {};
      if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}x${this.store.next()}`;
      const refused = admitCreate(this.store, resource, namespace, obj);
      if (refused) return status(refused.code, refused.reason, refused.message, refused.details);
      this.defaults(resource, obj);
      this.store.create(resource, namespace, obj);
      this.options.onCreate?.(obj);
      return send(201, obj);
    }
    if ((req.method === 'PATCH' || req.method === 'PUT') && name) {
      const obj = this.objects.get(key);
      if (!obj) return notFound();
      const patch = JSON.parse(body || '{}') as Obj;
      this.store.update(obj, (o) => (req.method === 'PUT' ? Object.assign(o, { ...patch, metadata: { ...patch.metadata, uid: o.metadata.uid } }) : mergePatch(o, patch)));
      return send(200, obj);
    }
    if (req.method === 'DELETE' && name) {
      const obj = this.objects.get(key);
      if (!obj) return notFound();
      const opts = (body ? JSON.parse(body) : {}) as DeleteOptions;
      const propagationPolicy = (query.propagationPolicy ?? opts.propagationPolicy) as DeleteOptions['propagationPolicy'];
      const grace = query.gracePeriodSeconds ?? opts.gracePeriodSeconds;
      requestDeletion(this.store, resource, obj, { propagationPolicy, gracePeriodSeconds: grace === undefined ? undefined : Number(grace) });
      // The real server answers with the object while it is being deleted, a Status once gone.
      return this.objects.get(key) === obj ? send(200, obj) : send(200, { apiVersion: 'v1', kind: 'Status', status: 'Success', details: { name, kind: resource, uid: obj.metadata.uid } });
    }
    return status(405, 'MethodNotAllowed', `${req.method} ${url.pathname}`);
  }
}

/** JSON merge patch (RFC 7386), which is what a strategic merge patch is for gomr's objects. */
function mergePatch(target: Obj, patch: Obj): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else if (typeof v === 'object' && !Array.isArray(v) && typeof target[k] === 'object' && target[k] && !Array.isArray(target[k])) mergePatch(target[k], v);
    else target[k] = v;
  }
}
