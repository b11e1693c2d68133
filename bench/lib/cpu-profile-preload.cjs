// CPU profiles of gomr's own processes. `--cpu-prof` is not allowed in NODE_OPTIONS, and
// the local runtime starts the master and the workers itself, so this module does what it
// would: preloaded with
//   NODE_OPTIONS="--require /abs/path/bench/lib/cpu-profile-preload.cjs" GOMR_BENCH_CPU_PROF_DIR=/tmp/prof
// it profiles every thread of every process (preloads run in worker threads too) through the
// inspector and writes ROLE-PID-tTHREAD-SEQ.cpuprofile into the directory: at process exit,
// and, in a worker's executor thread (which is terminated, so never sees 'exit'), after each
// task's result is posted: one profile per task. Read them with bench/profile-top.mjs or
// Chrome DevTools.
'use strict';
const dir = process.env.GOMR_BENCH_CPU_PROF_DIR;
if (dir) {
  const fs = require('node:fs');
  const path = require('node:path');
  const inspector = require('node:inspector');
  const { processRole } = require('./process-role.cjs');
  const { isMainThread, threadId, parentPort } = require('node:worker_threads');
  const main = process.argv[1] || '';
  const role = isMainThread ? processRole(main) : 'executor';
  fs.mkdirSync(dir, { recursive: true });
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.GOMR_BENCH_CPU_PROF_INTERVAL_US || 200) });
  session.post('Profiler.start');
  let seq = 0;
  const dump = (restart) => {
    session.post('Profiler.stop', (err, res) => {
      if (!err && res) fs.writeFileSync(path.join(dir, `${role}-${process.pid}-t${threadId}-${seq++}.cpuprofile`), JSON.stringify(res.profile));
    });
    if (restart) session.post('Profiler.start');
  };
  process.on('exit', () => dump(false));
  if (!isMainThread && parentPort) {
    const post = parentPort.postMessage.bind(parentPort);
    parentPort.postMessage = (msg, ...rest) => {
      const r = post(msg, ...rest);
      if (msg && msg.type === 'result') dump(true);
      return r;
    };
  }
}
