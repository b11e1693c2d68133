import { createServer, type Server, type Socket } from 'node:net';
import { PortForward } from '@kubernetes/client-node';
import { EXIT, GomrError } from '../errors.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './kube-api.js';
import type { KubeContext } from './kube-context.js';

/** A local port that leads to a port of a pod. */
export interface Forward {
  /** On 127.0.0.1. */
  localPort: number;
  close(): Promise<void>;
}

/** Opens port-forwards; the tests substitute one that leads to local servers. */
export interface PortForwarder {
  /** `localPort`: the port to listen on, on 127.0.0.1 (default: any free one). */
  open(namespace: string, pod: string, remotePort: number, localPort?: number): Promise<Forward>;
}

/**
 * kubectl port-forward, in-process: a TCP server on 127.0.0.1; each connection becomes one
 * port-forward stream to the pod through the API server (@kubernetes/client-node). A stream
 * whose WebSocket handshake does not finish within `handshakeTimeoutMs` is dropped, so a
 * cluster that stops answering closes the local connection instead of leaving it hanging.
 */
export class KubePortForwarder implements PortForwarder {
  constructor(
    private readonly ctx: KubeContext,
    private readonly handshakeTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ) {}

  async open(namespace: string, pod: string, remotePort: number, localPort = 0): Promise<Forward> {
    const forward = new PortForward(this.ctx.config);
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      const timer = this.handshakeTimeoutMs > 0 ? setTimeout(() => socket.destroy(), this.handshakeTimeoutMs) : undefined;
      timer?.unref();
      forward.portForward(namespace, pod, [remotePort], socket, null, socket).then(
        (ws) => {
          clearTimeout(timer);
          const close = () => (ws as { close?: () => void }).close?.();
          if (socket.destroyed) close();
          socket.on('close', close);
          (ws as unknown as { on?: (e: string, f: () => void) => void }).on?.('close', () => socket.destroy());
        },
        () => {
          clearTimeout(timer);
          socket.destroy();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new GomrError(`port ${localPort} on 127.0.0.1 is in use; pick another with --port`, EXIT.USAGE) : err),
      );
      server.listen(localPort, '127.0.0.1', () => resolve());
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
