#!/usr/bin/env node
// Top entries of a V8 CPU profile (node --cpu-prof): self time and total time per function.
// usage: node bench/profile-top.mjs FILE.cpuprofile [N=25]
// Profiling gomr's processes: NODE_OPTIONS is passed on to the master and the workers (and
// their executor threads), so
//   NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" node packages/cli/bin/run.js run ...
// leaves one profile per process and thread in /tmp/prof; the executor thread's is the one
// whose top entries are the mapper and the data path. See bench/README.md.
import { readFileSync } from 'node:fs';

const [file, nArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-top.mjs FILE.cpuprofile [N]');
  process.exit(2);
}
const n = Number(nArg ?? 25);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of prof.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
// Sample time per node from timeDeltas (more exact than hitCount x interval).
const selfUs = new Map();
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i];
  const dt = prof.timeDeltas[i + 1] ?? 0;
  selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const label = (node) => {
  const f = node.callFrame;
  const where = f.url ? `${f.url.replace(/^.*\/(packages|node_modules)\//, '$1/').replace(/^file:\/\//, '')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};
const self = new Map();
const incl = new Map();
for (const [id, us] of selfUs) {
  const l = label(byId.get(id));
  self.set(l, (self.get(l) ?? 0) + us);
  // Inclusive: every distinct function on the stack gets the sample once.
  const seen = new Set();
  for (let p = id; p !== undefined; p = parent.get(p)) {
    const pl = label(byId.get(p));
    if (seen.has(pl)) continue;
    seen.add(pl);
    incl.set(pl, (incl.get(pl) ?? 0) + us);
  }
}
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
console.log('\nself time:');
for (const [l, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${ms(us)} ${pct(us)}  ${l}`);
console.log('\ntotal time (self + callees):');
for (const [l, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${ms(us)} ${pct(us)}  ${l}`);
