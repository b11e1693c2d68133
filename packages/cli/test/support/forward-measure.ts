/**
 * A 1-port-forward transfer benchmark: the CLI's forwarder in its own process
 * (forwarder-process.ts) between a client on this side and a "pod" port behind the protocol
 * server (port-forward-server.ts); an upload to a slow reader and a download by a slow reader.
 * Returns the forwarder's RSS (before, and its peak: VmHWM), throughput and the most bytes in
 * flight (sent by the producer, not yet read by the consumer).
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startPortForwardServer } from './port-forward-server.js';
import { consume, dial, inFlight, produce, slowSink, source, type Counters } from './transfer.js';

export interface DirectionFigures {
  bytes: number;
  ms: number;
  mbPerS: number;
  /** Most bytes held between producer and consumer (kernel buffers, forwarder, server). */
  maxInFlight: number;
  intact: boolean;
}

export interface ForwardFigures {
  size: number;
  rate: number;
  rssBefore: number;
  /** VmHWM after both transfers: the forwarder process's peak RSS. */
  peakRss: number;
  upload: DirectionFigures;
  download: DirectionFigures;
  errors: string[];
}

export async function writeKubeconfig(dir: string, server: string): Promise<string> {
  const path = join(dir, 'kubeconfig');
  await writeFile(
    path,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: pf\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true\ncontexts:\n- name: pf\n  context:\n    cluster: pf\n    user: u\ncurrent-context: pf\nusers:\n- name: u\n  user:\n    token: t\n`,
  );
  return path;
}

const MB = 1 << 20;

export async function measureForward(o: { size: number; bytesPerSecond: number; dir: string }): Promise<ForwardFigures> {
  const up: Counters = { sent: 0, received: 0 };
  const down: Counters = { sent: 0, received: 0 };
  const sink = await slowSink(o.bytesPerSecond, up);
  const src = await source(o.size, down);
  const api = await startPortForwardServer({ target: (pod) => (pod === 'sink' ? sink.port : pod === 'source' ? src.port : undefined) });
  const kubeconfig = await writeKubeconfig(o.dir, api.url);
  const script = fileURLToPath(new URL('./forwarder-process.js', import.meta.url));
  const child = spawn(process.execPath, [script, kubeconfig], { stdio: ['pipe', 'pipe', 'inherit'] });
  const errors: string[] = [];
  const waiting: ((v: Record<string, unknown>) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as Record<string, unknown>;
    if (typeof msg.error === 'string') errors.push(msg.error);
    else waiting.shift()?.(msg);
  });
  const ask = (cmd: string) => new Promise<Record<string, unknown>>((r) => (waiting.push(r), child.stdin!.write(`${cmd}\n`)));
  try {
    const opened = await ask('open sink 9000');
    if (typeof opened.openError === 'string') throw new Error(opened.openError);
    const sinkPort = opened.localPort as number;
    const sourcePort = (await ask('open source 9000')).localPort as number;
    const rssBefore = (await ask('rss')).rss as number;

    const direction = async (run: () => Promise<[string, { bytes: number; sha256: string }]>, c: Counters): Promise<DirectionFigures> => {
      const sampler = inFlight(c);
      const t0 = Date.now();
      const [sentSha, got] = await run();
      const ms = Date.now() - t0;
      return { bytes: got.bytes, ms, mbPerS: Math.round((got.bytes / MB / (ms / 1000)) * 10) / 10, maxInFlight: sampler.stop(), intact: got.bytes === o.size && got.sha256 === sentSha };
    };
    const upload = await direction(async () => {
      const s = await dial(sinkPort);
      return Promise.all([produce(s, o.size, up), sink.result]);
    }, up);
    const download = await direction(async () => {
      const s = await dial(sourcePort);
      const got = await consume(s, o.bytesPerSecond, down);
      return [(await src.result).sha256, got];
    }, down);
    const peakRss = (await ask('rss')).hwm as number;
    return { size: o.size, rate: o.bytesPerSecond, rssBefore, peakRss, upload, download, errors };
  } finally {
    child.stdin!.end();
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    await Promise.all([sink.close(), src.close(), api.stop()]);
  }
}
