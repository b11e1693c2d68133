/**
 * kube-proxy for the Docker kubelet's pods: every Service's cluster IP (a loopback address
 * the fake API server allocates) listens on the Service's ports, and each connection goes to
 * a ready pod the Service selects, on its targetPort (by number or container port name), as
 * https://kubernetes.io/docs/concepts/services-networking/service/ describes. With no ready
 * endpoint the connection is refused (closed at once), as kube-proxy's REJECT rule does. A
 * Service whose pod is replaced follows it: what a restarted master needs.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { ObjectStore, Obj } from './store.js';

export class KubeProxy {
  private readonly listeners = new Map<string, Server>();
  private readonly sockets = new Set<Socket>();
  private unsubscribe?: () => void;

  constructor(private readonly store: ObjectStore) {}

  start(): void {
    this.unsubscribe = this.store.onChange(() => this.sync());
    this.sync();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    for (const s of this.sockets) s.destroy();
    await Promise.all([...this.listeners.values()].map((l) => new Promise((r) => l.close(r))));
    this.listeners.clear();
  }

  private sync(): void {
    const wanted = new Set<string>();
    for (const svc of this.store.list('services')) {
      const ip: string | undefined = svc.spec?.clusterIP;
      if (!ip?.startsWith('127.')) continue;
      for (const port of (svc.spec.ports ?? []) as Obj[]) {
        const key = `${svc.metadata.uid}/${ip}:${port.port}`;
        wanted.add(key);
        if (this.listeners.has(key)) continue;
        const server = createServer((socket) => this.route(svc, port, socket));
        server.on('error', () => {});
        server.listen(port.port, ip);
        this.listeners.set(key, server);
      }
    }
    for (const [key, server] of this.listeners) {
      if (!wanted.has(key)) {
        server.close();
        this.listeners.delete(key);
      }
    }
  }

  private route(svc: Obj, port: Obj, socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const selector: Record<string, string> = svc.spec.selector ?? {};
    const pod = this.store
      .list('pods', svc.metadata.namespace)
      .find((p) => !p.metadata.deletionTimestamp && p.status?.podIP && Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v) && (p.status.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True'));
    if (!pod) {
      socket.destroy();
      return;
    }
    const target = port.targetPort ?? port.port;
    const containerPort = typeof target === 'number' ? target : (pod.spec.containers ?? []).flatMap((c: Obj) => c.ports ?? []).find((p: Obj) => p.name === target)?.containerPort;
    const upstream = connect(containerPort, pod.status.podIP);
    this.sockets.add(upstream);
    upstream.on('close', () => this.sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.pipe(upstream);
    upstream.pipe(socket);
  }
}
