import { jobKeys } from './job-layout.js';
import type { Storage } from './storage.js';

/**
 * Process logs kept in storage, so they outlive the process, its pod and its machine: a log is
 * a folder of numbered chunk objects (S3 has no append), `jobs/<id>/logs/<name>/<process>-<n>.log`,
 * where <process> is the writing process's start time and pid: a restarted worker or master
 * of the same name adds its chunks after the earlier process's, in key order. The writer ships
 * what was written every flushMs and at exit, so a process killed with SIGKILL loses at most
 * the last flushMs of its log.
 */

/** How often a log is shipped when the environment does not say (GOMR_LOG_FLUSH_MS). */
export const DEFAULT_LOG_FLUSH_MS = 2000;

/** Text held while storage does not take it (it is down, or the log's place is not known yet); older text goes first. */
const MAX_PENDING_BYTES = 4 << 20;

/** The folder of a log: `master`, `worker-3`. */
export function logPrefix(jobId: string, name: string): string {
  return jobKeys.log(jobId, name);
}

/** Where a job's logs are. */
export function jobLogsPrefix(jobId: string): string {
  return jobKeys.logs(jobId);
}

export interface LogShipperOptions {
  /** @default GOMR_LOG_FLUSH_MS, else DEFAULT_LOG_FLUSH_MS */
  flushMs?: number;
  /** Said about shipping failures (never to the log being shipped: that would loop). */
  onError?: (err: Error) => void;
}

/** The flush interval GOMR_LOG_FLUSH_MS asks for, or the default; a bad value is the default. */
export function logFlushMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.GOMR_LOG_FLUSH_MS);
  return Number.isInteger(n) && n >= 10 ? n : DEFAULT_LOG_FLUSH_MS;
}

export class LogShipper {
  private pending: string[] = [];
  private pendingBytes = 0;
  private dropped = 0;
  private target?: { storage: Storage; prefix: string };
  private seq = 0;
  /** Sorts processes of one log by start: 13 digits of ms, then the pid. */
  private readonly processTag = `${String(Date.now()).padStart(13, '0')}-${process.pid}`;
  private readonly flushMs: number;
  private timer?: NodeJS.Timeout;
  private shipping: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: LogShipperOptions = {}) {
    this.flushMs = opts.flushMs ?? logFlushMsFromEnv();
  }

  /** Text to ship (held until start(), and between flushes). */
  append(text: string): void {
    if (this.closed || !text) return;
    this.pending.push(text);
    this.pendingBytes += text.length;
    while (this.pendingBytes > MAX_PENDING_BYTES && this.pending.length > 1) {
      const old = this.pending.shift()!;
      this.pendingBytes -= old.length;
      this.dropped += old.length;
    }
  }

  /** Starts shipping to `prefix` (see logPrefix): what was appended so far goes first. */
  start(storage: Storage, prefix: string): void {
    if (this.target || this.closed) return;
    this.target = { storage, prefix };
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    // Shipping a log never keeps a process alive.
    this.timer.unref();
  }

  /** Writes what is pending as the next chunk; resolves once it is stored (or failed: then it is kept). */
  flush(): Promise<void> {
    this.shipping = this.shipping.then(() => this.shipOnce());
    return this.shipping;
  }

  /** The last flush, within timeoutMs; nothing is shipped after. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const last = this.flush();
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([last, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  private async shipOnce(): Promise<void> {
    const t = this.target;
    if (!t || !this.pending.length) return;
    const batch = this.pending;
    const dropped = this.dropped;
    this.pending = [];
    this.pendingBytes = 0;
    this.dropped = 0;
    const note = dropped ? `[gomr: ${dropped} characters of this log were dropped while storage did not take them]\n` : '';
    const key = `${t.prefix}${this.processTag}-${String(this.seq).padStart(6, '0')}.log`;
    try {
      await t.storage.put(key, note + batch.join(''));
      this.seq++;
    } catch (err) {
      // Kept for the next flush, ahead of what came meanwhile (and trimmed as append trims).
      const later = this.pending;
      this.pending = [];
      this.pendingBytes = 0;
      this.dropped += dropped;
      for (const text of [...batch, ...later]) this.append(text);
      this.opts.onError?.(err as Error);
    }
  }
}

/** One log's text: its chunks in key order (processes by start, each one's chunks in order). */
export async function readLog(storage: Storage, prefix: string): Promise<string> {
  const chunks = (await storage.list(prefix)).filter((o) => o.key.endsWith('.log')).sort((a, b) => (a.key < b.key ? -1 : 1));
  const texts: string[] = [];
  for (const c of chunks) texts.push((await storage.get(c.key)).toString('utf8'));
  return texts.join('');
}

/** The names of a job's logs (`master`, `worker-0`, ...), sorted. */
export async function listLogs(storage: Storage, jobId: string): Promise<string[]> {
  const prefix = jobLogsPrefix(jobId);
  const names = new Set<string>();
  for (const o of await storage.list(prefix)) {
    const rest = o.key.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash > 0) names.add(rest.slice(0, slash));
  }
  return [...names].sort();
}
