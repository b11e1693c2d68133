/**
 * An API server's port-forward endpoint and nothing else, speaking the Kubernetes WebSocket
 * port-forward protocol as the kubelet does (subprotocol v4.channel.k8s.io; the port as
 * uint16 little-endian first on the data and error channels; data on channel 0; an error
 * message on channel 1 before the stream closes), with flow control of its own, so that what
 * a test measures in the client is the client's. It can refuse the upgrade with a Status (a
 * 403 on pods/portforward) and leads every stream to a TCP port on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface PortForwardServerOptions {
  /** The TCP port a stream for pod port `port` leads to; undefined: the pod has no such port. */
  target: (pod: string, port: number) => number | undefined;
  /** Refuse every upgrade with this HTTP status and Status message. */
  refuse?: { code: number; message: string };
}

export interface PortForwardServer {
  url: string;
  /** Streams opened so far. */
  streams: number;
  /** The most bytes its WebSocket ever held unsent, over all streams. */
  maxBuffered: number;
  stop(): Promise<void>;
}

const HIGH = 1 << 20;

export async function startPortForwardServer(o: PortForwardServerOptions): Promise<PortForwardServer> {
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  const state: PortForwardServer = { url: '', streams: 0, maxBuffered: 0, stop: async () => {} };
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url!, 'http://x');
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
    const reply = (code: number, reason: string, message: string) => {
      const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
      socket.end(`HTTP/1.1 ${code} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    if (o.refuse) return reply(o.refuse.code, o.refuse.code === 403 ? 'Forbidden' : 'Error', o.refuse.message);
    if (!m) return reply(404, 'NotFound', 'the server could not find the requested resource');
    const port = Number(url.searchParams.get('ports'));
    wss.handleUpgrade(req, socket, head, (ws) => stream(ws, m[2]!, port));
  });

  function stream(ws: WebSocket, pod: string, port: number): void {
    state.streams++;
    const portBytes = Buffer.from([port & 0xff, port >> 8]);
    ws.send(Buffer.concat([Buffer.from([0]), portBytes]));
    ws.send(Buffer.concat([Buffer.from([1]), portBytes]));
    const target = o.target(pod, port);
    const kubeletError = (why: string) => {
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`error forwarding port ${port} to pod ${pod}, uid 0000: ${why}`)]));
      ws.close();
    };
    if (target === undefined) return kubeletError(`failed to connect to localhost:${port} inside namespace "${pod}": connection refused`);
    const tcp = connect(target, '127.0.0.1');
    tcp.pause();
    tcp.on('connect', () => tcp.resume());
    tcp.on('error', (err) => kubeletError(err.message));
    // TCP -> WebSocket, pausing while the WebSocket holds more than HIGH.
    let tcpPaused = false;
    tcp.on('data', (chunk) => {
      ws.send(Buffer.concat([Buffer.from([0]), chunk]), () => {
        if (tcpPaused && ws.bufferedAmount < HIGH / 4) {
          tcpPaused = false;
          tcp.resume();
        }
      });
      state.maxBuffered = Math.max(state.maxBuffered, ws.bufferedAmount);
      if (ws.bufferedAmount > HIGH && !tcpPaused) {
        tcpPaused = true;
        tcp.pause();
      }
    });
    // WebSocket -> TCP, pausing the WebSocket while the TCP socket is full.
    ws.on('message', (data: Buffer) => {
      if (data[0] !== 0 || data.length < 2) return;
      if (!tcp.write(data.subarray(1))) {
        ws.pause();
        tcp.once('drain', () => ws.resume());
      }
    });
    tcp.on('end', () => ws.close());
    ws.on('close', () => tcp.end());
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  state.stop = async () => {
    for (const ws of wss.clients) ws.terminate();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return state;
}
