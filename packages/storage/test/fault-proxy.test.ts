import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { FaultProxy, type ConnectionFault } from '../src/testing/fault-proxy.js';

/** A server that answers each connection's first bytes with `size` bytes of a known pattern. */
let server: Server;
let target: { host: string; port: number };
const pattern = (size: number) => Buffer.from(Array.from({ length: size }, (_, i) => i % 251));

before(async () => {
  server = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', (request) => socket.end(pattern(Number(request.toString()))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = { host: '127.0.0.1', port: (server.address() as { port: number }).port };
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Fetched {
  data: Buffer;
  error?: NodeJS.ErrnoException;
}

/** Asks for `size` bytes through the proxy; resolves with what arrived and how it ended. */
function fetchBytes(port: number, size: number, timeoutMs = 3000): Promise<Fetched> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(String(size)));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), error: Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' }) });
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(chunks), error });
    });
    socket.on('end', () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(chunks) });
    });
  });
}

describe('FaultProxy', { timeout: 30_000 }, () => {
  test('forwards bytes unchanged without faults, with latency and jitter', async () => {
    const proxy = await FaultProxy.start({ target, faults: { latencyMs: 2, jitterMs: 3 } });
    try {
      const { data, error } = await fetchBytes(proxy.port, 300_000);
      assert.equal(error, undefined);
      assert.ok(data.equals(pattern(300_000)));
      assert.ok(proxy.stats.delayedChunks > 1);
      assert.equal(proxy.faultsInjected, 0);
    } finally {
      await proxy.close();
    }
  });

  test('resets a connection after exactly the bytes asked for: the client sees it break', async () => {
    const proxy = await FaultProxy.start({ target });
    try {
      // 6 bytes of request ("100000") count too: 6 + 50_000 forwarded, then RST.
      proxy.injectNext({ kind: 'reset', afterBytes: 50_006 });
      const { data, error } = await fetchBytes(proxy.port, 100_000);
      // An RST that lands while the bytes before it are still unread shows on Linux as ECONNRESET
      // or as a plain early end; either way the client has exactly the first 50 000 bytes.
      assert.ok(error === undefined || error.code === 'ECONNRESET', String(error));
      assert.ok(data.equals(pattern(100_000).subarray(0, 50_000)), `${data.length} bytes arrived, a true prefix of 50 000`);
      assert.equal(proxy.stats.resets, 1);
      const again = await fetchBytes(proxy.port, 1000);
      assert.ok(again.data.equals(pattern(1000)), 'the next connection is healthy');
    } finally {
      await proxy.close();
    }
  });

  test('the same seed gives the same faults for the same connections', async () => {
    const run = async (seed: number) => {
      const proxy = await FaultProxy.start({ target, seed, faults: { resetProbability: 0.5, resetAfterBytes: [0, 4000] } });
      const outcomes: string[] = [];
      for (let i = 0; i < 12; i++) {
        const { data, error } = await fetchBytes(proxy.port, 5000);
        outcomes.push(error ? `reset` : `ok:${data.length}`);
      }
      await proxy.close();
      return { outcomes, resets: proxy.stats.resets };
    };
    const first = await run(42);
    assert.deepEqual(await run(42), first);
    assert.ok(first.resets > 0 && first.resets < 12, `${first.resets} of 12 reset`);
    assert.notDeepEqual((await run(43)).outcomes, first.outcomes, 'another seed, other faults');
  });

  test('a stall keeps the connection open and silent; an outage refuses connections until restored', async () => {
    const proxy = await FaultProxy.start({ target });
    try {
      proxy.injectNext({ kind: 'stall', afterBytes: 1000 } satisfies ConnectionFault);
      const stalled = await fetchBytes(proxy.port, 100_000, 300);
      assert.equal(stalled.error?.code, 'CLIENT_TIMEOUT', 'neither data nor close');
      assert.ok(stalled.data.length <= 1000);
      assert.equal(proxy.stats.stalls, 1);

      const port = proxy.port;
      await proxy.outage();
      assert.equal((await fetchBytes(port, 10)).error?.code, 'ECONNREFUSED');
      await proxy.restore();
      assert.equal(proxy.port, port, 'same port after the outage');
      assert.ok((await fetchBytes(port, 10)).data.equals(pattern(10)));
      assert.equal(proxy.stats.outages, 1);
      assert.equal(proxy.faultsInjected, 2);
    } finally {
      await proxy.close();
    }
  });

  test('http503 answers the first request itself with 503 SlowDown', async () => {
    const proxy = await FaultProxy.start({ target });
    try {
      proxy.injectNext({ kind: 'http503' });
      const answer = await new Promise<string>((resolve, reject) => {
        let text = '';
        const socket = connect(proxy.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        socket.on('data', (d) => (text += d));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      assert.match(answer, /^HTTP\/1\.1 503 Slow Down\r\n/);
      assert.match(answer, /<Code>SlowDown<\/Code>/);
      assert.equal(proxy.stats.http503, 1);
    } finally {
      await proxy.close();
    }
  });
});
