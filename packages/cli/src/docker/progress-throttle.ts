/**
 * Progress of long steps (image builds, pushes, loads) as lines on stderr, at most one per
 * `everyMs`, so minutes of work are not silent and seconds of it are not a flood.
 */
export interface Throttle {
  /** Emits `line` unless one was emitted less than `everyMs` ago; `force` always emits. */
  (line: string, force?: boolean): void;
}

export function throttle(emit: (line: string) => void, everyMs = 2000, now: () => number = Date.now): Throttle {
  let last = -Infinity;
  return (line, force = false) => {
    const t = now();
    if (!force && t - last < everyMs) return;
    last = t;
    emit(line);
  };
}

/** "12.3 MB" */
export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/**
 * Calls `emit` with "<what> (N s)" every `everyMs` until `work` settles: for steps that say
 * nothing while they run (kind load, minikube image load).
 */
export async function withHeartbeat<T>(what: string, emit: ((line: string) => void) | undefined, work: Promise<T>, everyMs = 15_000): Promise<T> {
  if (!emit) return work;
  const t0 = Date.now();
  const timer = setInterval(() => emit(`${what} (${Math.round((Date.now() - t0) / 1000)} s)`), everyMs);
  timer.unref();
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
