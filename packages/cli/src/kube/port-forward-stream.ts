/**
 * One port-forward stream: a local TCP connection bridged to a pod's port over the Kubernetes
 * WebSocket port-forward protocol (subprotocol v4.channel.k8s.io), with flow control both ways.
 *
 * Why home-made rather than @kubernetes/client-node's PortForward: that one writes every
 * WebSocket message into the TCP socket without looking at write()'s return value, and sends
 * every TCP chunk into the WebSocket without looking at bufferedAmount, so a slow reader on
 * either side (an upload over a slow link, `gomr output | less`) makes the CLI buffer without
 * bound; and it drops what the kubelet says on the error channel, so a refused connection to
 * the pod's port shows as "socket hang up". The protocol is small enough to own:
 *
 * - GET /api/v1/namespaces/NS/pods/POD/portforward?ports=PORT upgraded to a WebSocket;
 * - every binary message starts with one channel byte; each forwarded port has two channels,
 *   data (2i) and error (2i+1); one port here, so channels 0 and 1;
 * - the server's first message on each channel is the port, uint16 little-endian (the kubelet's
 *   handleWebSocketStreams writes it to both streams before any data);
 * - the client sends data on channel 0, with no port prefix; the error channel carries the
 *   kubelet's message ("error forwarding port 9000 to pod ...") before it closes the stream.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** The WebSocket subprotocol of the kubelet's port-forward streams. */
export const PORT_FORWARD_PROTOCOL = 'v4.channel.k8s.io';

export const DATA_CHANNEL = 0;
export const ERROR_CHANNEL = 1;

export interface StreamLimits {
  /** Pause reading the TCP socket while the WebSocket holds more than this, bytes. @default 1 MiB */
  highWaterMark?: number;
  /** Resume when it holds less than this. @default highWaterMark / 4 */
  lowWaterMark?: number;
}

export const DEFAULT_HIGH_WATER_MARK = 1 << 20;

/**
 * Bridges `socket` and the open `ws` until either ends. Calls `onError` at most once, with the
 * kubelet's error-channel message or the WebSocket's error; the socket is then destroyed.
 */
export function bridgePortForward(socket: Socket, ws: WebSocket, onError: (err: Error) => void, limits: StreamLimits = {}): void {
  const high = limits.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  const low = limits.lowWaterMark ?? Math.floor(high / 4);
  // Port prefix bytes still to strip from the start of each channel.
  const prefix = [2, 2];
  let errorText = '';
  let failed = false;
  const fail = (err: Error) => {
    if (failed) return;
    failed = true;
    onError(err);
    socket.destroy();
    ws.terminate();
  };

  // TCP -> WebSocket: stop reading the socket while the WebSocket's send buffer is full, and
  // read again once sends have drained it (ws has no 'drain' event: each send's callback runs
  // when its bytes have left for the network).
  let tcpPaused = false;
  const sent = (err?: Error) => {
    if (err) return;
    if (tcpPaused && ws.bufferedAmount < low) {
      tcpPaused = false;
      socket.resume();
    }
  };
  socket.on('data', (chunk: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    const frame = Buffer.allocUnsafe(chunk.length + 1);
    frame[0] = DATA_CHANNEL;
    chunk.copy(frame, 1);
    ws.send(frame, { binary: true }, sent);
    if (!tcpPaused && ws.bufferedAmount > high) {
      tcpPaused = true;
      socket.pause();
    }
  });

  // WebSocket -> TCP: stop reading the WebSocket's own socket while the TCP socket's write
  // buffer is full, until it drains.
  let wsPaused = false;
  socket.on('drain', () => {
    if (wsPaused) {
      wsPaused = false;
      ws.resume();
    }
  });
  const onMessage = (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0) return;
    const channel = data[0]!;
    let payload = data.subarray(1);
    if (channel > ERROR_CHANNEL) return;
    if (prefix[channel]! > 0) {
      const strip = Math.min(prefix[channel]!, payload.length);
      prefix[channel]! -= strip;
      payload = payload.subarray(strip);
    }
    if (!payload.length) return;
    if (channel === ERROR_CHANNEL) {
      errorText += payload.toString('utf8');
      return;
    }
    if (!socket.write(payload) && !wsPaused) {
      wsPaused = true;
      ws.pause();
    }
  };
  // Messages received before this bridge existed (with the handshake) come first.
  for (const [data, isBinary] of (ws as { releaseHeld?: () => [Buffer, boolean][] }).releaseHeld?.() ?? []) onMessage(data, isBinary);
  ws.on('message', onMessage);

  const closed = () => {
    if (errorText.trim()) fail(new Error(errorText.trim()));
    else socket.end();
  };
  // Closed between the handshake and now: its 'close' event has gone by.
  if (ws.readyState === ws.CLOSED) closed();
  else ws.on('close', closed);
  ws.on('error', (err) => fail(err));
  socket.on('close', () => {
    if (ws.readyState === ws.OPEN) ws.close();
    else if (ws.readyState === ws.CONNECTING) ws.terminate();
  });
  socket.on('error', () => socket.destroy());
}
