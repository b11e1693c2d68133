/**
 * `gomr replay`'s process: runs one task attempt on this process's main thread, with the
 * executor thread's code (task-run.ts), so that `node --inspect-brk` debugs the user's code
 * itself (a debugger attached to the main thread does not see worker threads' code).
 *
 *   node [--inspect-brk=HOST:PORT] replay-main.js REQUEST.json
 *
 * REQUEST.json is a ReplayRequest; the ReplayResult goes back on the IPC channel (process.send):
 * a process a debugger is attached to does not end until the debugger detaches, and the CLI
 * then ends it itself once it has the result. The user's console output goes to this process's
 * stdout and stderr. Exit code 0 once the result is sent (whatever the task did), 1 when the
 * replay itself broke.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { ReplayRequest, ReplayResult } from './replay-request.js';
import { guardProcessExit } from './exit-guard.js';
import { catchAsyncUserErrors } from './async-user-errors.js';
import { WorkerFileError } from './load-definition.js';
import { openTaskEnv, TaskRunner } from './task-run.js';

const [requestPath] = process.argv.slice(2);
// Kept before user code can reach it: process.exit in user code fails the task, as in a worker.
const exit = process.exit.bind(process);

async function main(): Promise<ReplayResult> {
  // Inline runs' bytes come as JSON.stringify writes a Buffer.
  const req = JSON.parse(readFileSync(requestPath!, 'utf8'), (_key, v: unknown) =>
    v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data) ? Buffer.from((v as { data: number[] }).data) : v,
  ) as ReplayRequest;
  guardProcessExit();
  catchAsyncUserErrors();
  // As in the executor thread: stacks of user code point into worker.ts (the bundle's inline map).
  process.setSourceMapsEnabled(true);
  await mkdir(req.data.spillDir, { recursive: true });
  try {
    let env;
    try {
      env = await openTaskEnv(req.data, () => {});
    } catch (err) {
      if (err instanceof WorkerFileError) return { ok: false, workerFile: { message: err.message, ...(err.userStack ? { stack: err.userStack } : {}) } };
      throw err;
    }
    if (req.only) env.only = req.only;
    const outcome = await new TaskRunner(req.data, env).run(req.task, req.job);
    await env.storage.close();
    if (env.inputStorage !== env.storage) await env.inputStorage.close();
    return outcome.ok
      ? { ok: true, counters: outcome.counters, userCounters: outcome.userCounters, runMs: outcome.runMs ?? 0 }
      : { ok: false, error: outcome.error, runMs: outcome.runMs ?? 0 };
  } finally {
    await rm(req.data.spillDir, { recursive: true, force: true });
  }
}

main().then(
  (result) => {
    process.send!(result, () => exit(0));
  },
  (err: Error) => {
    process.stderr.write(`gomr replay: ${err.stack ?? err.message}\n`);
    exit(1);
  },
);
