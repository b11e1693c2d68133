/**
 * Bulk transfers for the port-forward tests and benchmark: a producer that honours
 * backpressure (so every byte it has sent but the consumer has not read is held by someone in
 * between), and a consumer reading at a fixed rate (a slow link, `| less`), both hashing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';

const CHUNK = 64 << 10;
const pattern = randomBytes(CHUNK);

export interface Counters {
  sent: number;
  received: number;
}

/** Writes `size` bytes to `socket`, waiting for 'drain' whenever write() says so; resolves with their sha256. */
export function produce(socket: Socket, size: number, counters: Counters): Promise<string> {
  const h = createHash('sha256');
  let left = size;
  let n = 0;
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    const pump = () => {
      while (left > 0) {
        const chunk = Buffer.from(pattern.subarray(0, Math.min(CHUNK, left)));
        chunk.writeUInt32LE(n++ >>> 0, 0);
        h.update(chunk);
        left -= chunk.length;
        counters.sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      socket.end(() => resolve(h.digest('hex')));
    };
    pump();
  });
}

/** Reads `socket` to its end at no more than `bytesPerSecond` (0: as fast as it comes). */
export function consume(socket: Socket, bytesPerSecond: number, counters: Counters): Promise<{ bytes: number; sha256: string }> {
  const h = createHash('sha256');
  let bytes = 0;
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      h.update(chunk);
      bytes += chunk.length;
      counters.received += chunk.length;
      if (!bytesPerSecond) return;
      const ahead = (bytes / bytesPerSecond) * 1000 - (Date.now() - t0);
      if (ahead > 5) {
        socket.pause();
        setTimeout(() => socket.resume(), ahead);
      }
    });
    socket.once('end', () => resolve({ bytes, sha256: h.digest('hex') }));
  });
}

export interface Endpoint {
  port: number;
  /**
   * The result of the first connection that moved data (the forwarder's first handshake
   * opens and drops a connection of its own).
   */
  result: Promise<{ bytes: number; sha256: string }>;
  close(): Promise<void>;
}

function listen(onSocket: (s: Socket) => Promise<{ bytes: number; sha256: string }>): Promise<Endpoint> {
  let settle!: (r: Promise<{ bytes: number; sha256: string }>) => void;
  // Settles once: later connections do not change it.
  const result = new Promise<{ bytes: number; sha256: string }>((r) => (settle = r));
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onSocket(s).then((r) => r.bytes > 0 && settle(Promise.resolve(r)), () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        result,
        close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
      }),
    ),
  );
}

/** A server that reads what it is sent at `bytesPerSecond`: the pod's side of an upload. */
export function slowSink(bytesPerSecond: number, counters: Counters): Promise<Endpoint> {
  return listen((s) => consume(s, bytesPerSecond, counters));
}

/** A server that sends `size` bytes to whoever connects: the pod's side of a download. */
export function source(size: number, counters: Counters): Promise<Endpoint> {
  return listen(async (s) => ({ bytes: size, sha256: await produce(s, size, counters) }));
}

export function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Samples sent - received every 20 ms; `stop` returns the most seen. */
export function inFlight(counters: Counters): { stop(): number } {
  let max = 0;
  const t = setInterval(() => (max = Math.max(max, counters.sent - counters.received)), 20);
  return { stop: () => (clearInterval(t), max) };
}
