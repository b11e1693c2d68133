import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOB_DEFAULTS, openStorage } from '@gomr/storage';
import type { ReplayNarrowing, ReplayRequest, ReplayResult } from '@gomr/sdk/runtime';
import { RuntimeError } from '../errors.js';
import type { ReplayPlan } from './replay-plan.js';

const require = createRequire(import.meta.url);

export interface ReplayRunOptions {
  plan: ReplayPlan;
  bundlePath: string;
  only?: ReplayNarrowing;
  /** Run under `node --inspect-brk=HOST:PORT`: the task waits for a debugger before any code runs. */
  inspect?: string;
  /** Without the task's console output (a run that only looks for the failing line). @default false */
  quiet?: boolean;
  /** Map-side buffer before spilling, as the job's workers had it. @default the worker's default */
  spillBytes?: number;
}

/**
 * Runs the plan's task in a process of its own (replay-main.ts), its output and the user's
 * console going to this process's, and returns how the task ended (sent back over IPC). What the task wrote goes
 * under the task's own replay prefix (ReplayPlan's task.outputPrefix), removed afterwards.
 */
export async function runReplay(o: ReplayRunOptions): Promise<ReplayResult> {
  const dir = await mkdtemp(join(tmpdir(), 'gomr-replay-'));
  const requestPath = join(dir, 'request.json');
  const request: ReplayRequest = {
    data: {
      bundlePath: o.bundlePath,
      storage: o.plan.spec.storage,
      inputStorage: o.plan.spec.inputStorage,
      spillDir: join(dir, 'spill'),
      spillBytes: o.spillBytes ?? JOB_DEFAULTS.spillBytes,
    },
    task: o.plan.task,
    job: o.plan.job,
    ...(o.only ? { only: o.only } : {}),
  };
  await writeFile(requestPath, JSON.stringify(request), { mode: 0o600 });
  try {
    const args = [...(o.inspect ? [`--inspect-brk=${o.inspect}`] : []), require.resolve('@gomr/sdk/replay-main'), requestPath];
    let result: ReplayResult | undefined;
    const code = await new Promise<number | null>((resolve, reject) => {
      const out = o.quiet ? 'ignore' : 'inherit';
      const child = spawn(process.execPath, args, { stdio: ['ignore', out, out, 'ipc'] });
      child.on('error', reject);
      child.on('message', (msg) => {
        result = msg as ReplayResult;
        // A process with a debugger attached waits for it to detach before it ends; the task is
        // over and nothing is left to look at, so it is ended here.
        if (o.inspect) child.kill('SIGKILL');
      });
      child.on('exit', (c, signal) => resolve(signal ? 128 : c));
    });
    if (!result) throw new RuntimeError(`the replay process ended with code ${code} before saying how the task ended`);
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
    await removeReplayOutput(o.plan);
  }
}

async function removeReplayOutput(plan: ReplayPlan): Promise<void> {
  const store = await openStorage(plan.storage).catch(() => null);
  if (!store) return;
  try {
    await store.deletePrefix(plan.task.outputPrefix).catch(() => {});
  } finally {
    await store.close();
  }
}
