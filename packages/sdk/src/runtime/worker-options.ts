import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOB_DEFAULTS, type StorageConfig } from '@gomr/storage';

export interface WorkerOptions {
  /**
   * host:port of the master, or a promise of it: the executor thread boots while it is awaited
   * (the local runtime sends it once the master listens and the worker file is checked).
   */
  master: string | Promise<string>;
  /** Path of the bundled worker file (ESM). */
  bundlePath: string;
  storage: StorageConfig;
  /** Where inputs are read from. @default storage */
  inputStorage?: StorageConfig;
  /** Per-job secret shared with the master. @default '' */
  token?: string;
  /** PEM CA certificate of a master that serves TLS. @default plaintext */
  tlsCa?: Buffer;
  /** Map-side buffer size before a spill to local disk. @default 64 MiB */
  spillBytes?: number;
  /** Local directory for spills. @default a fresh folder in os.tmpdir() */
  spillDir?: string;
  /** How long to keep trying to reach a master that does not answer. @default 60000 */
  masterRetryMs?: number;
  log?: (line: string) => void;
  /** Called with the worker id each time the master accepts the worker (again after a master restart). */
  onRegistered?: (workerId: string) => void;
}

export type WorkerOptionsWithDefaults = Required<Omit<WorkerOptions, 'log' | 'tlsCa' | 'onRegistered'>> &
  Pick<WorkerOptions, 'log' | 'tlsCa' | 'onRegistered'>;

/** Fills defaults and fails early, naming the field, on bad values. */
export function withDefaults(o: WorkerOptions): WorkerOptionsWithDefaults {
  if (!o.master) throw new Error('worker option master: the master address (host:port) is required');
  if (!o.bundlePath) throw new Error('worker option bundlePath: the worker bundle path is required');
  const spillBytes = o.spillBytes ?? JOB_DEFAULTS.spillBytes;
  if (!Number.isFinite(spillBytes) || spillBytes < 1024) throw new Error(`worker option spillBytes: must be at least 1024, got ${spillBytes}`);
  return {
    master: o.master,
    bundlePath: o.bundlePath,
    storage: o.storage,
    inputStorage: o.inputStorage ?? o.storage,
    token: o.token ?? '',
    spillBytes,
    spillDir: o.spillDir ?? join(tmpdir(), `gomr-spill-${process.pid}-${Date.now().toString(36)}`),
    masterRetryMs: o.masterRetryMs ?? 60_000,
    log: o.log,
    tlsCa: o.tlsCa,
    onRegistered: o.onRegistered,
  };
}
