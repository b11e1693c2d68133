/**
 * The CLI's port-forwarder alone in a process, so its memory can be measured apart from the
 * servers and clients of a test. argv: KUBECONFIG. stdin, one command a line:
 *   open POD PORT  -> {"localPort":N}     rss -> {"rss":BYTES,"hwm":BYTES} (VmRSS, VmHWM)
 * Errors of the forward's connections are printed as {"error":"..."}. Exits when stdin ends.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadKubeContext } from '../../src/kube/kube-context.js';
import { KubePortForwarder } from '../../src/kube/port-forward.js';

const ctx = loadKubeContext({ kubeconfig: process.argv[2]! });
const forwarder = new KubePortForwarder(ctx, 15_000, { onError: (err) => console.log(JSON.stringify({ error: err.message })) });
const say = (o: unknown) => console.log(JSON.stringify(o));

function memory(): { rss: number; hwm: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, a, b] = line.trim().split(/\s+/);
  try {
    if (cmd === 'open') say({ localPort: (await forwarder.open('gomr', a!, Number(b))).localPort });
    else if (cmd === 'rss') say(memory());
  } catch (err) {
    say({ openError: (err as Error).message });
  }
}
process.exit(0);
