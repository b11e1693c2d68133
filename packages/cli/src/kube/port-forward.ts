import { createServer, type Server, type Socket } from 'node:net';
import WebSocket from 'ws';
import { ClusterError, type GomrError, UsageError } from '../errors.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './kube-api.js';
import type { KubeContext } from './kube-context.js';
import { bridgePortForward, PORT_FORWARD_PROTOCOL, type StreamLimits } from './port-forward-stream.js';

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

export interface KubePortForwarderOptions extends StreamLimits {
  /**
   * Told the first error of the forward's connections (the kubelet's error channel, a lost
   * WebSocket): the local connection can only be closed, so this is where the reason goes.
   * @default one line on stderr, once per forward
   */
  onError?: (err: Error) => void;
}

/** The API server answered the upgrade with an error (403 on pods/portforward, no such pod). */
export class PortForwardRefused extends ClusterError {
  constructor(message: string) {
    super(message);
    this.name = 'PortForwardRefused';
  }
}

/** A WebSocket whose first messages wait in a queue (see connect). */
export type HeldWebSocket = WebSocket & { releaseHeld?: () => [Buffer, boolean][] };

/** Reads the API server's answer to a refused upgrade: its Status message, else the body. */
async function refusal(res: import('node:http').IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of res) {
    body += chunk;
    if (body.length > 64 << 10) break;
  }
  let message = body.trim();
  try {
    message = (JSON.parse(body) as { message?: string }).message ?? message;
  } catch {
    // not a Status object: keep the text
  }
  const head = `${res.statusCode} ${res.statusMessage ?? ''}`.trim();
  return message ? `${head}: ${message.replace(/\s+/g, ' ').slice(0, 300)}` : head;
}

/**
 * kubectl port-forward, in-process: a TCP server on 127.0.0.1; each connection becomes one
 * WebSocket port-forward stream to the pod through the API server, with flow control both
 * ways (port-forward-stream.ts says why it is not client-node's). `open` makes one handshake
 * first, so a forward the API server refuses (403 on pods/portforward, a pod that is gone) is
 * an error there, with the API's own message, not a "socket hang up" later. A handshake that
 * does not finish within `handshakeTimeoutMs` is dropped, and its local connection closed.
 */
export class KubePortForwarder implements PortForwarder {
  constructor(
    private readonly ctx: KubeContext,
    private readonly handshakeTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    private readonly options: KubePortForwarderOptions = {},
  ) {}

  /** Opens one port-forward WebSocket; rejects with the API server's reason when refused. */
  async connect(namespace: string, pod: string, remotePort: number): Promise<WebSocket> {
    const server = this.ctx.config.getCurrentCluster()!.server.replace(/\/+$/, '');
    const url = `${server.replace(/^http/, 'ws')}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward?ports=${remotePort}`;
    const opts: WebSocket.ClientOptions = {};
    await this.ctx.config.applyToHTTPSOptions(opts);
    // A zero mask lets ws skip XOR-ing every byte sent (the cost of an upload). Masking keeps
    // browser scripts from steering caching proxies; this client runs no one else's code.
    opts.generateMask = (mask) => void mask.fill(0);
    if (this.handshakeTimeoutMs > 0) opts.handshakeTimeout = this.handshakeTimeoutMs;
    const what = `port-forward to pod ${namespace}/${pod}:${remotePort}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, [PORT_FORWARD_PROTOCOL], opts);
      // Messages that came with the handshake (the port prefixes) are emitted before any
      // caller could listen: hold them until the stream is bridged.
      ws.once('open', () => {
        const early: [Buffer, boolean][] = [];
        const hold = (data: Buffer, isBinary: boolean) => early.push([data, isBinary]);
        ws.on('message', hold);
        (ws as HeldWebSocket).releaseHeld = () => {
          ws.off('message', hold);
          return early;
        };
        resolve(ws);
      });
      let refused = false;
      ws.once('unexpected-response', (_req, res) => {
        refused = true;
        // The body first (terminate() would cut it off); its 'error' is silenced by `refused`.
        const done = (err: GomrError) => {
          ws.terminate();
          reject(err);
        };
        refusal(res).then(
          (why) => done(new PortForwardRefused(`${what} refused: ${why}`)),
          (err: Error) => done(new PortForwardRefused(`${what} refused: ${res.statusCode} (${err.message})`)),
        );
      });
      ws.on('error', (err) => !refused && reject(new ClusterError(`${what} failed: ${err.message}`)));
    });
  }

  async open(namespace: string, pod: string, remotePort: number, localPort = 0): Promise<Forward> {
    // The handshake a user's first request would make, made now, so that a refusal is said
    // here. An API server that does not answer is left to the connections (each one closes at
    // the handshake deadline, and onError says why), as a blip may pass.
    try {
      (await this.connect(namespace, pod, remotePort)).terminate();
    } catch (err) {
      if (err instanceof PortForwardRefused) throw err;
    }
    let reported = false;
    const onError =
      this.options.onError ??
      ((err: Error) => {
        if (reported) return;
        reported = true;
        process.stderr.write(`gomr: port-forward to pod ${namespace}/${pod}:${remotePort}: ${err.message.split('\n')[0]}\n`);
      });
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      // Hold what the client sends until the stream is open.
      socket.pause();
      this.connect(namespace, pod, remotePort).then(
        (ws) => {
          if (socket.destroyed) return ws.close();
          bridgePortForward(socket, ws, onError, this.options);
          socket.resume();
        },
        (err: Error) => {
          onError(err);
          socket.destroy();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new UsageError(`port ${localPort} on 127.0.0.1 is in use; pick another with --port`) : err),
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
