// The port-forwarder's memory and throughput with a big transfer each way to a slow reader.
//   npm run build && node scripts/port-forward-bench.mjs [--mb 1024] [--rate-mb 50]
// The forwarder (KubePortForwarder, the code gomr start/output use) runs alone in a child
// process between a client and a server speaking the Kubernetes WebSocket port-forward
// protocol (packages/cli/test/support/port-forward-server.ts); its peak RSS is VmHWM of that
// process. --rate-mb 0 reads as fast as it comes (throughput of the forwarder itself).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '1024' }, 'rate-mb': { type: 'string', default: '50' } } });
const MB = 1 << 20;
const { measureForward } = await import(new URL('../packages/cli/dist/test/support/forward-measure.js', import.meta.url).href);
const dir = mkdtempSync(join(tmpdir(), 'gomr-pf-bench-'));
try {
  const f = await measureForward({ size: Number(values.mb) * MB, bytesPerSecond: Number(values['rate-mb']) * MB, dir });
  const mb = (n) => (n / MB).toFixed(1);
  console.log(`transfer      ${values.mb} MB each way, reader ${Number(values['rate-mb']) ? `at ${values['rate-mb']} MB/s` : 'unthrottled'}`);
  console.log(`forwarder RSS ${mb(f.rssBefore)} MB before, peak ${mb(f.peakRss)} MB (+${mb(f.peakRss - f.rssBefore)} MB)`);
  for (const d of ['upload', 'download']) {
    const x = f[d];
    console.log(`${d.padEnd(13)} ${x.mbPerS} MB/s, ${(x.ms / 1000).toFixed(1)} s, most in flight ${mb(x.maxInFlight)} MB, ${x.intact ? 'bytes intact' : 'BYTES DIFFER'}`);
  }
  if (f.errors.length) console.log(`errors        ${f.errors.join('; ')}`);
  if (!f.upload.intact || !f.download.intact || f.errors.length) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
