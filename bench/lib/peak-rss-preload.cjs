// Preloaded into every gomr process of a memory run (NODE_OPTIONS=--require ...): at exit,
// appends {pid, role, maxRssKb} to $GOMR_BENCH_RSS_FILE. process.resourceUsage().maxRSS is
// getrusage's ru_maxrss, the same peak as /proc's VmHWM, taken when the process is done.
'use strict';
const fs = require('node:fs');
const { processRole } = require('./process-role.cjs');
const file = process.env.GOMR_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const main = process.argv[1] || '';
    const role = processRole(main);
    try {
      fs.appendFileSync(file, JSON.stringify({ pid: process.pid, role, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
    } catch {
      // best effort
    }
  });
}
