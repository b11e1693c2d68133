/**
 * A TCP proxy on 127.0.0.1 that forwards to a target (an s3rver) and injects the faults a real
 * network and a real store produce: connections reset midway, latency on every chunk, stalls
 * (a connection that stops forwarding without closing), outages (nothing listens: connection
 * refused), and HTTP 503 answers. Point a store's endpoint at `proxy.endpoint`.
 *
 * ```ts
 * const s3 = await startS3rver();
 * const proxy = await FaultProxy.start({ target: s3.endpoint, seed: 7, faults: { resetProbability: 0.3 } });
 * const storage = await openStorage({ ...s3.config, endpoint: proxy.endpoint });
 * // ... proxy.outage(); proxy.restore(); proxy.stats.resets ...
 * await proxy.close();
 * ```
 *
 * Random decisions (which connection fails, after how many bytes, each chunk's jitter) come
 * from a PRNG seeded by `seed`, one draw set per accepted connection, so a seed gives the same
 * faults for the same sequence of connections.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { randomInt, seededRandom } from './seeded-random.js';

export interface FaultSettings {
  /** Probability, per connection, that it is reset (RST both ways) after some bytes. @default 0 */
  resetProbability?: number;
  /** Bytes (both directions together) a doomed connection forwards before its reset: [min, max]. @default [0, 65536] */
  resetAfterBytes?: [number, number];
  /** Probability, per connection, that it stalls after some bytes: it stays open, forwarding nothing. @default 0 */
  stallProbability?: number;
  /** Bytes forwarded before a stall: [min, max]. @default [0, 65536] */
  stallAfterBytes?: [number, number];
  /** Probability, per connection, that its first request is answered "503 SlowDown" by the proxy itself. @default 0 */
  http503Probability?: number;
  /** Delay before each chunk is forwarded, either way. @default 0 */
  latencyMs?: number;
  /** A random extra delay in [0, jitterMs] per chunk. @default 0 */
  jitterMs?: number;
}

/** A fault for one connection, decided when it is accepted. */
export type ConnectionFault =
  | { kind: 'reset'; afterBytes: number }
  | { kind: 'stall'; afterBytes: number }
  | { kind: 'http503' };

export interface FaultProxyOptions {
  /** "http://127.0.0.1:9000", or host and port. */
  target: string | { host: string; port: number };
  /** @default a random seed (see `seed` on the proxy, to repeat a run) */
  seed?: number;
  /** @default no faults: a plain proxy until setFaults() */
  faults?: FaultSettings;
}

export interface FaultStats {
  connections: number;
  resets: number;
  stalls: number;
  http503: number;
  outages: number;
  /** Chunks forwarded after a latency or jitter delay. */
  delayedChunks: number;
  bytesForwarded: number;
}

const DEFAULT_SPAN: [number, number] = [0, 65536];
/** Chunks queued in one direction before the proxy stops reading that side. */
const MAX_QUEUED_CHUNKS = 16;

export class FaultProxy {
  readonly stats: FaultStats = { connections: 0, resets: 0, stalls: 0, http503: 0, outages: 0, delayedChunks: 0, bytesForwarded: 0 };
  readonly seed: number;
  private faults: FaultSettings;
  private readonly target: { host: string; port: number };
  private readonly server: Server;
  private readonly connections = new Set<ProxiedConnection>();
  private readonly scripted: ConnectionFault[] = [];
  private readonly decide: () => number;
  private readonly jitter: () => number;
  private listening = false;
  private closed = false;
  private port_ = 0;

  private constructor(options: FaultProxyOptions) {
    this.target = typeof options.target === 'string' ? hostPort(options.target) : options.target;
    this.seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    // Two streams, so that the number of chunks (timing-dependent) never shifts which
    // connections fail.
    this.decide = seededRandom(this.seed);
    this.jitter = seededRandom(this.seed ^ 0x5bd1e995);
    this.faults = { ...options.faults };
    this.server = createServer((socket) => this.accept(socket));
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await proxy.listen(0);
    return proxy;
  }

  get port(): number {
    return this.port_;
  }

  /** "http://127.0.0.1:PORT": an S3 endpoint that goes through the proxy. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port_}`;
  }

  /** Faults injected so far: resets, stalls, 503 answers and outages. */
  get faultsInjected(): number {
    return this.stats.resets + this.stats.stalls + this.stats.http503 + this.stats.outages;
  }

  /** Replaces the random fault settings, for connections accepted from now on (latency: at once). */
  setFaults(faults: FaultSettings): void {
    this.faults = { ...faults };
  }

  /** Gives the next accepted connections these faults, in order, before any random ones. */
  injectNext(...faults: ConnectionFault[]): void {
    this.scripted.push(...faults);
  }

  /** Resets every open connection now. */
  resetAll(): void {
    for (const connection of this.connections) connection.reset();
  }

  /** Stops forwarding on every open connection, leaving them open. */
  stallAll(): void {
    for (const connection of this.connections) connection.stall();
  }

  /**
   * An outage: stops listening (new connections are refused) and resets the open ones. Lasts
   * until restore(), or `ms` when given (resolving when it ends).
   */
  async outage(ms?: number): Promise<void> {
    if (!this.listening) return;
    this.stats.outages++;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.reset(false);
    await closed;
    if (ms !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      await this.restore();
    }
  }

  /** Ends an outage: listens again on the same port. */
  async restore(): Promise<void> {
    if (this.listening || this.closed) return;
    await this.listen(this.port_);
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const connection of this.connections) connection.destroy();
    if (this.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.listening = false;
  }

  private async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port_ = (this.server.address() as { port: number }).port;
    this.listening = true;
  }

  private accept(client: Socket): void {
    if (!this.listening) {
      client.destroy();
      return;
    }
    this.stats.connections++;
    const connection = new ProxiedConnection(this, client, this.chooseFault());
    this.connections.add(connection);
    connection.onClose = () => this.connections.delete(connection);
  }

  /** Always draws the same numbers per connection, whatever is decided. */
  private chooseFault(): ConnectionFault | undefined {
    const f = this.faults;
    const [r503, rReset, rStall, rWhere] = [this.decide(), this.decide(), this.decide(), this.decide()];
    const scripted = this.scripted.shift();
    if (scripted) return scripted;
    if (r503 < (f.http503Probability ?? 0)) return { kind: 'http503' };
    const between = ([min, max]: [number, number]) => randomInt(() => rWhere, min, max);
    if (rReset < (f.resetProbability ?? 0)) return { kind: 'reset', afterBytes: between(f.resetAfterBytes ?? DEFAULT_SPAN) };
    if (rStall < (f.stallProbability ?? 0)) return { kind: 'stall', afterBytes: between(f.stallAfterBytes ?? DEFAULT_SPAN) };
    return undefined;
  }

  /** @internal the delay before forwarding one chunk */
  chunkDelay(): number {
    const latency = this.faults.latencyMs ?? 0;
    const jitter = this.faults.jitterMs ?? 0;
    const delay = latency + (jitter > 0 ? this.jitter() * jitter : 0);
    if (delay > 0) this.stats.delayedChunks++;
    return delay;
  }

  /** @internal */
  get targetAddress(): { host: string; port: number } {
    return this.target;
  }
}

/** One client connection and its upstream twin. */
class ProxiedConnection {
  onClose: () => void = () => {};
  private readonly upstream: Socket | undefined;
  private bytes = 0;
  private stalled = false;
  /** The fault's byte count was reached: nothing more passes, the fault follows. */
  private tripped = false;
  private dead = false;

  constructor(
    private readonly proxy: FaultProxy,
    private readonly client: Socket,
    private readonly fault: ConnectionFault | undefined,
  ) {
    client.on('error', () => {});
    client.once('close', () => this.destroy());
    if (fault?.kind === 'http503') {
      this.answer503();
      return;
    }
    const upstream = connect(proxy.targetAddress.port, proxy.targetAddress.host);
    this.upstream = upstream;
    upstream.on('error', () => {});
    upstream.once('close', () => this.closeAfterFlush());
    new Pump(client, upstream, this);
    new Pump(upstream, client, this);
  }

  /** The delay before the next chunk. */
  chunkDelay(): number {
    return this.proxy.chunkDelay();
  }

  /** Forwards nothing more (stalled, or about to be reset): pumps must not end the peer either. */
  get isHalted(): boolean {
    return this.stalled || this.tripped;
  }

  /**
   * Called by a Pump for each chunk, in order: what to write, if anything, and whether the
   * connection's fault fires once that is written (it is written first, so that the peer sees
   * a connection that broke midway, and it must be flushed first: a socket reset with writes
   * pending closes with a FIN instead of an RST).
   */
  admit(chunk: Buffer): { data?: Buffer; fault?: () => void } {
    if (this.dead || this.isHalted) return {}; // a stalled connection swallows everything
    const fault = this.fault;
    const left = fault && fault.kind !== 'http503' ? fault.afterBytes - this.bytes : Infinity;
    const data = left > chunk.length ? chunk : chunk.subarray(0, Math.max(0, left));
    this.bytes += data.length;
    this.proxy.stats.bytesForwarded += data.length;
    if (data.length === chunk.length && left > chunk.length) return { data };
    this.tripped = true;
    const fire = () => (fault?.kind === 'reset' ? this.reset() : this.stall());
    return data.length > 0 ? { data, fault: fire } : { fault: fire };
  }

  reset(count = true): void {
    if (this.dead) return;
    if (count) this.proxy.stats.resets++;
    this.dead = true;
    for (const socket of [this.client, this.upstream]) {
      if (!socket) continue;
      // RST needs a connected TCP handle; an upstream still connecting is just dropped.
      if (socket.readyState === 'open' || socket.readyState === 'readOnly' || socket.readyState === 'writeOnly') socket.resetAndDestroy();
      else socket.destroy();
    }
    this.onClose();
  }

  stall(): void {
    if (this.dead || this.stalled) return;
    this.proxy.stats.stalls++;
    this.stalled = true;
  }

  destroy(): void {
    if (this.dead) return;
    this.dead = true;
    this.client.destroy();
    this.upstream?.destroy();
    this.onClose();
  }

  /** The upstream closed: let the client have what is still queued for it, then close. */
  private closeAfterFlush(): void {
    if (this.dead) return;
    // Pumps end the client once their queue is empty; a stalled connection just stays open
    // until the client gives up, as with a real half-dead server.
    if (this.isHalted) return;
    setTimeout(() => this.destroy(), 5000).unref();
  }

  private answer503(): void {
    this.proxy.stats.http503++;
    let head = '';
    this.client.on('data', (chunk: Buffer) => {
      if (this.dead || head.includes('\r\n\r\n')) return;
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const body =
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';
      this.client.end(
        `HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
  }
}

/** Moves one direction's bytes in order, each chunk after the proxy's delay, with backpressure. */
class Pump {
  private readonly queue: Buffer[] = [];
  private busy = false;
  private ended = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly connection: ProxiedConnection,
  ) {
    from.on('data', (chunk: Buffer) => {
      this.queue.push(chunk);
      if (this.queue.length >= MAX_QUEUED_CHUNKS) from.pause();
      void this.drain();
    });
    from.once('end', () => {
      this.ended = true;
      void this.drain();
    });
  }

  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.to.off('drain', done);
        this.to.off('close', done);
        resolve();
      };
      this.to.on('drain', done);
      this.to.on('close', done);
    });
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const delay = this.connection.chunkDelay();
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        const chunk = this.queue.shift()!;
        const { data, fault } = this.connection.admit(chunk);
        if (data && !this.to.destroyed) {
          const flushed = this.to.write(data, () => fault?.());
          if (!flushed && !fault) await this.drained();
        } else fault?.();
        if (this.queue.length < MAX_QUEUED_CHUNKS && this.from.isPaused()) this.from.resume();
      }
      if (this.ended && !this.to.destroyed && !this.connection.isHalted) this.to.end();
    } finally {
      this.busy = false;
    }
  }
}

function hostPort(endpoint: string): { host: string; port: number } {
  const url = new URL(endpoint);
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}
