/**
 * A fake Kubernetes API server on 127.0.0.1 for the launcher's tests: an in-memory store of
 * objects behind the REST paths gomr calls, a few controller effects (a Deployment or Job gets
 * pods, deleting a Job deletes its pods), and a record of every request. It does not run
 * anything: it checks the conversation, not a cluster.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

export interface FakeKubeOptions {
  /** The MinIO Deployment becomes ready (with a ready pod). @default true */
  minioReady?: boolean;
  /** Events the server reports for MinIO's pod. */
  minioEvents?: { type: string; reason: string; message: string }[];
  /** Called for every object created, after defaults are filled in. */
  onCreate?: (obj: any) => void;
  /**
   * Where port-forwards lead: (pod, port) -> a port on 127.0.0.1. The server then speaks the
   * API server's port-forward protocol (a WebSocket, subprotocol v4.channel.k8s.io: channel 0
   * data, channel 1 errors, each opened by the port number as 2 bytes little-endian).
   */
  portForward?: (pod: string, port: number) => number | undefined;
}

type Obj = Record<string, any>;

const itemPath = /^\/(api\/v1|apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?(?:\/(log))?$/;
const namespacePath = /^\/api\/v1\/namespaces(?:\/([^/]+))?$/;

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  /** key: "<resource>/<namespace>/<name>" (namespaces: "namespaces//<name>"). */
  readonly objects = new Map<string, Obj>();
  private server?: Server;
  private wss?: WebSocketServer;
  private seq = 0;
  url = '';

  constructor(readonly options: FakeKubeOptions = {}) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    const wss = (this.wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) }));
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url!, 'http://x');
      this.requests.push({ method: 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) });
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
      const port = Number(url.searchParams.get('ports'));
      const target = m && this.objects.has(`pods/${m[1]}/${m[2]}`) ? this.options.portForward?.(m[2]!, port) : undefined;
      if (!target) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.forward(ws, port, target));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    // Upgraded (port-forward) connections are no longer the HTTP server's to close.
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  /** One port-forward stream: WebSocket frames <-> a TCP connection to the target. */
  private forward(ws: WebSocket, port: number, target: number): void {
    const tcp = connect(target, '127.0.0.1');
    const portBytes = Buffer.from([port & 0xff, port >> 8]);
    ws.send(Buffer.concat([Buffer.from([0]), portBytes]));
    ws.send(Buffer.concat([Buffer.from([1]), portBytes]));
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0 && data.length > 1) tcp.write(data.subarray(1));
    });
    tcp.on('data', (chunk) => ws.send(Buffer.concat([Buffer.from([0]), chunk])));
    tcp.on('end', () => ws.close());
    tcp.on('error', () => ws.close());
    ws.on('close', () => tcp.end());
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
        return `${r.method} ${m[3]}${m[4] ? `/${m[4]}` : ''}`;
      });
  }

  list(resource: string, namespace = 'gomr'): Obj[] {
    return [...this.objects.entries()].filter(([k]) => k.startsWith(`${resource}/${namespace}/`)).map(([, v]) => v);
  }

  get(resource: string, name: string, namespace = 'gomr'): Obj | undefined {
    return this.objects.get(`${resource}/${namespace}/${name}`);
  }

  /** Puts an object in the store as if created earlier (no controller effects). */
  seed(resource: string, namespace: string, obj: Obj): Obj {
    return this.put(resource, namespace, structuredClone(obj));
  }

  private put(resource: string, namespace: string, obj: Obj): Obj {
    obj.metadata = {
      ...obj.metadata,
      namespace: resource === 'namespaces' ? undefined : namespace,
      uid: `uid-${++this.seq}`,
      resourceVersion: String(this.seq),
      creationTimestamp: new Date(Date.now() + this.seq).toISOString(),
    };
    if (obj.kind === 'Secret' && obj.stringData) {
      obj.data = Object.fromEntries(Object.entries(obj.stringData as Record<string, string>).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
      delete obj.stringData;
    }
    this.objects.set(`${resource}/${resource === 'namespaces' ? '' : namespace}/${obj.metadata.name}`, obj);
    return obj;
  }

  private pod(namespace: string, name: string, labels: Record<string, string>, ready: boolean): void {
    this.put('pods', namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels },
      status: ready
        ? { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', ready: true, state: { running: {} } }] }
        : { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims' }] },
    });
  }

  /** What controllers would do after a create. */
  private react(resource: string, namespace: string, obj: Obj): void {
    const name: string = obj.metadata.name;
    const labels = obj.spec?.template?.metadata?.labels;
    if (resource === 'deployments' && name === 'gomr-minio') {
      const ready = this.options.minioReady ?? true;
      obj.status = { replicas: 1, readyReplicas: ready ? 1 : 0 };
      const podName = 'gomr-minio-7d9f8-abcde';
      this.pod(namespace, podName, labels, ready);
      for (const e of this.options.minioEvents ?? []) {
        this.put('events', namespace, { apiVersion: 'v1', kind: 'Event', metadata: { name: `${podName}.${++this.seq}` }, involvedObject: { kind: 'Pod', name: podName }, ...e });
      }
    }
    if (resource === 'jobs') {
      const n = obj.spec.completionMode === 'Indexed' ? obj.spec.completions : 1;
      for (let i = 0; i < n; i++) {
        this.pod(namespace, `${name}-${i}-x${this.seq}`, { ...labels, 'batch.kubernetes.io/job-completion-index': String(i) }, true);
      }
    }
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
    const status = (code: number, reason: string, message: string) =>
      send(code, { apiVersion: 'v1', kind: 'Status', status: 'Failure', code, reason, message });

    let resource: string, namespace: string, name: string | undefined, sub: string | undefined;
    const ns = namespacePath.exec(url.pathname);
    const item = itemPath.exec(url.pathname);
    if (ns) [resource, namespace, name] = ['namespaces', '', ns[1]];
    else if (item) [, , namespace, resource, name, sub] = item as unknown as string[] as [string, string, string, string, string, string];
    else return status(404, 'NotFound', `the server could not find the requested resource ${url.pathname}`);
    resource = resource!;
    namespace = namespace!;
    const key = `${resource}/${namespace}/${name}`;

    if (req.method === 'GET' && name && sub === 'log') {
      const pod = this.objects.get(`pods/${namespace}/${name}`);
      return pod ? send(200, `log line 1 of ${name}\nlog line 2 of ${name}\n`, 'text/plain') : status(404, 'NotFound', `pods "${name}" not found`);
    }
    if (req.method === 'GET' && name) {
      const obj = this.objects.get(key);
      return obj ? send(200, obj) : status(404, 'NotFound', `${resource} "${name}" not found`);
    }
    if (req.method === 'GET') {
      const items = [...this.objects.entries()].filter(([k, o]) => k.startsWith(`${resource}/${namespace}/`) && this.matches(o, query)).map(([, o]) => o);
      return send(200, { apiVersion: 'v1', kind: 'List', metadata: {}, items });
    }
    if (req.method === 'POST' && !name) {
      const obj = JSON.parse(body) as Obj;
      const k = `${resource}/${namespace}/${obj.metadata?.name}`;
      if (this.objects.has(k)) return status(409, 'AlreadyExists', `${resource} "${obj.metadata.name}" already exists`);
      this.put(resource, namespace, obj);
      this.react(resource, namespace, obj);
      this.options.onCreate?.(obj);
      return send(201, obj);
    }
    if (req.method === 'DELETE' && name) {
      const obj = this.objects.get(key);
      if (!obj) return status(404, 'NotFound', `${resource} "${name}" not found`);
      this.objects.delete(key);
      if (resource === 'jobs') {
        // Background propagation: the Job's pods go too.
        const sel = obj.spec?.template?.metadata?.labels ?? {};
        for (const [k, o] of [...this.objects.entries()]) {
          if (k.startsWith(`pods/${namespace}/`) && Object.entries(sel).every(([a, b]) => o.metadata?.labels?.[a] === b)) this.objects.delete(k);
        }
      }
      if (resource === 'namespaces') {
        for (const k of [...this.objects.keys()]) if (k.split('/')[1] === name) this.objects.delete(k);
      }
      return send(200, { apiVersion: 'v1', kind: 'Status', status: 'Success' });
    }
    return status(405, 'MethodNotAllowed', `${req.method} ${url.pathname}`);
  }
}
