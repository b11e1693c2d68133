import type { DockerEvent } from './json-stream.js';
import { formatBytes, throttle } from './progress-throttle.js';

/**
 * Turns a push stream's per-layer events into one line for the whole image: layers done of
 * layers seen, bytes sent of bytes known, throttled; the last line (with the digest) always.
 */
export function pushProgress(image: string, emit: (line: string) => void, everyMs = 2000, now?: () => number): (e: DockerEvent) => void {
  const say = throttle(emit, everyMs, now);
  const layers = new Map<string, { current: number; total: number; done: boolean }>();
  return (e) => {
    const aux = e.aux as { Digest?: string } | undefined;
    if (aux?.Digest) {
      say(`      pushed ${image} (${aux.Digest})`, true);
      return;
    }
    if (!e.id || !e.status) return;
    const layer = layers.get(e.id) ?? { current: 0, total: 0, done: false };
    layers.set(e.id, layer);
    if (e.status === 'Pushing' && e.progressDetail) {
      layer.current = e.progressDetail.current ?? layer.current;
      layer.total = e.progressDetail.total ?? layer.total;
    } else if (/^(Pushed|Layer already exists|Mounted from)/.test(e.status)) {
      layer.done = true;
      layer.current = layer.total;
    } else {
      return;
    }
    const all = [...layers.values()];
    const sent = all.reduce((n, l) => n + l.current, 0);
    const known = all.reduce((n, l) => n + l.total, 0);
    say(`      pushing ${image}: ${all.filter((l) => l.done).length}/${all.length} layers${known ? `, ${formatBytes(sent)} of ${formatBytes(known)}` : ''}`);
  };
}

/** Build output worth showing: the Dockerfile steps ("Step 2/5 : COPY ..."), not every line. */
export function isBuildStep(line: string): boolean {
  return /^Step \d+\/\d+ : /.test(line);
}
