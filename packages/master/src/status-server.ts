/**
 * The status page's HTTP server: a few static files (packages/master/static), the job layout's
 * names the page needs (/layout.js, see page-layout.ts), and two JSON
 * endpoints: /api/status, the job snapshot, and /api/tasks/<id>, one task's story. Read-only (GET and HEAD; anything else is 405),
 * no inline script (a strict Content-Security-Policy), and, when bound to loopback, it answers
 * only requests addressed to a loopback name, so a web page elsewhere cannot read job data
 * through DNS rebinding.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseTaskId } from '@gomr/storage';
import type { JobSnapshot } from './job-snapshot.js';
import { pageLayoutScript } from './page-layout.js';
import type { TaskStory } from './task-story.js';

export interface StatusServerOptions {
  /** The snapshot to serve at /api/status, taken on each request. */
  snapshot: () => JobSnapshot | Promise<JobSnapshot>;
  /** A task's story for /api/tasks/<id>; null: no such task (404). @default none (404) */
  taskStory?: (taskId: string) => TaskStory | null | Promise<TaskStory | null>;
  /** Folder of index.html, app.js, style.css. @default this package's static/ folder */
  staticDir?: string;
}

/** The page's files: a fixed list, so no request path ever reaches the file system. */
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function defaultStaticDir(): string {
  // dist/src/status-server.js -> packages/master/static
  return fileURLToPath(new URL('../../static/', import.meta.url));
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** A server that is not yet listening; see listenStatusServer. */
export function createStatusServer(options: StatusServerOptions): Server {
  const dir = options.staticDir ?? defaultStaticDir();
  // A missing file (a packaging mistake) must not take the master down: /api/status still works.
  const bodies = new Map(Object.entries(FILES).map(([path, f]) => [path, readPageFile(dir, f.file, f.type)]));
  bodies.set('/layout.js', { body: Buffer.from(pageLayoutScript()), type: 'text/javascript; charset=utf-8', status: 200 });
  const server = createServer((req, res) => {
    void handle(server, bodies, options, req, res).catch((err: Error) => {
      if (!res.headersSent) send(res, req, 500, 'text/plain; charset=utf-8', `status unavailable: ${err.message}\n`);
      else res.destroy();
    });
  });
  return server;
}

function readPageFile(dir: string, file: string, type: string): { body: Buffer; type: string; status: number } {
  try {
    return { body: readFileSync(`${dir}/${file}`), type, status: 200 };
  } catch (err) {
    const why = `the status page's file ${file} is missing from ${dir} (${(err as Error).message}); /api/status still works\n`;
    return { body: Buffer.from(why), type: 'text/plain; charset=utf-8', status: 503 };
  }
}

async function handle(
  server: Server,
  bodies: Map<string, { body: Buffer; type: string; status: number }>,
  options: StatusServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, req, 405, 'text/plain; charset=utf-8', 'read-only: only GET and HEAD\n');
  }
  if (!hostAllowed(server, req.headers.host)) {
    return send(res, req, 421, 'text/plain; charset=utf-8', 'this status page answers only to localhost\n');
  }
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path === '/api/status') {
    const body = JSON.stringify(await options.snapshot());
    notePoll(server);
    res.setHeader('Cache-Control', 'no-store');
    return send(res, req, 200, 'application/json; charset=utf-8', body);
  }
  const story = /^\/api\/tasks\/([^/]+)$/.exec(path);
  if (story && parseTaskId(story[1]!)) {
    const found = options.taskStory ? await options.taskStory(story[1]!) : null;
    res.setHeader('Cache-Control', 'no-store');
    if (!found) return send(res, req, 404, 'application/json; charset=utf-8', JSON.stringify({ error: `no task ${story[1]}` }));
    return send(res, req, 200, 'application/json; charset=utf-8', JSON.stringify(found));
  }
  const file = bodies.get(path);
  if (!file) return send(res, req, 404, 'text/plain; charset=utf-8', 'not found\n');
  res.setHeader('Cache-Control', 'no-cache');
  return send(res, req, file.status, file.type, file.body);
}

/** When each server last answered /api/status, and who waits for its next answer. */
const polls = new WeakMap<Server, { lastMs: number; waiters: (() => void)[] }>();

function notePoll(server: Server): void {
  const p = polls.get(server) ?? { lastMs: 0, waiters: [] };
  p.lastMs = Date.now();
  polls.set(server, p);
  for (const resolve of p.waiters.splice(0)) resolve();
}

/**
 * Lets an open page see how the job ended before the master exits: if the page polled in the
 * last few seconds, resolves at its next poll (or after maxMs); otherwise at once.
 */
export function waitForOpenPage(server: Server, maxMs = 2500): Promise<void> {
  const p = polls.get(server);
  if (!p || Date.now() - p.lastMs > 3000) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    p.waiters.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** On a loopback address only loopback names are accepted (DNS rebinding); elsewhere any. */
function hostAllowed(server: Server, host: string | undefined): boolean {
  const bound = (server.address() as AddressInfo | null)?.address ?? '';
  if (!(bound.startsWith('127.') || bound === '::1')) return true;
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return LOOPBACK_NAMES.has(name.toLowerCase()) || name.startsWith('127.');
}

function send(res: ServerResponse, req: IncomingMessage, code: number, type: string, body: string | Buffer): void {
  res.writeHead(code, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** "127.0.0.1:0", "0.0.0.0:8080", "[::1]:0" or ":8080" (all interfaces). */
export function parseListenAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(address.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`status address must be HOST:PORT, e.g. 127.0.0.1:0, got ${JSON.stringify(address)}`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

/** Starts listening; resolves with the bound port. */
export function listenStatusServer(server: Server, address: string): Promise<number> {
  const { host, port } = parseListenAddress(address);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
