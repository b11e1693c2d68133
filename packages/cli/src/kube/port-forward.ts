import { createServer, type Server, type Socket } from 'node:net';
import { PortForward } from '@kubernetes/client-node';
import type { KubeContext } from './kube-context.js';

/** A local port that leads to a port of a pod. */
export interface Forward {
  /** On 127.0.0.1. */
  localPort: number;
  close(): Promise<void>;
}

/** Opens port-forwards; the tests substitute one that leads to local servers. */
export interface PortForwarder {
  open(namespace: string, pod: string, remotePort: number): Promise<Forward>;
}

/**
 * kubectl port-forward, in-process: a TCP server on 127.0.0.1:0; each connection becomes one
 * port-forward stream to the pod through the API server (@kubernetes/client-node).
 */
export class KubePortForwarder implements PortForwarder {
  constructor(private readonly ctx: KubeContext) {}

  async open(namespace: string, pod: string, remotePort: number): Promise<Forward> {
    const forward = new PortForward(this.ctx.config);
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      forward.portForward(namespace, pod, [remotePort], socket, null, socket).then(
        (ws) => {
          const close = () => (ws as { close?: () => void }).close?.();
          socket.on('close', close);
          (ws as unknown as { on?: (e: string, f: () => void) => void }).on?.('close', () => socket.destroy());
        },
        () => socket.destroy(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return {
      localPort: (server.address() as { port: number }).port,
      close: () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    };
  }
}
