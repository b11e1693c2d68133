/**
 * An HTTP proxy on 127.0.0.1 in front of an API server, that a test can make answer 503 (an API
 * server restarting) or drop connections (a network blip) for a while.
 */
import { createServer, request, type Server } from 'node:http';

export interface FlakyProxy {
  url: string;
  /** 'ok': pass requests through; '503': answer Service Unavailable; 'drop': close the connection. */
  mode: 'ok' | '503' | 'drop';
  /** Requests answered other than by passing them through. */
  refused: number;
  stop(): Promise<void>;
}

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const t = new URL(target);
  const proxy = { url: '', mode: 'ok', refused: 0 } as FlakyProxy;
  const server: Server = createServer((req, res) => {
    if (proxy.mode !== 'ok') {
      proxy.refused++;
      if (proxy.mode === 'drop') return req.socket.destroy();
      res.writeHead(503, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 503, reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' }));
    }
    const upstream = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  proxy.stop = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}
