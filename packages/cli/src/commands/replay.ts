import { Args, Flags } from '@oclif/core';
import type { TaskError } from '@gomr/storage';
import type { ReplayNarrowing, ReplayResult } from '@gomr/sdk/runtime';
import { BaseCommand } from '../base-command.js';
import { ClusterError, EXIT_CODE_HELP, GomrError, JobFailedError, RuntimeError, UsageError, WorkerFileError } from '../errors.js';
import { planReplay, type ReplayPlan } from '../job/replay-plan.js';
import { runReplay } from '../job/run-replay.js';
import { storageConfigFromFlags, storageFlags } from '../storage-flags.js';
import { kubeApiFromFlags, KUBE_SELECT_HELP, kubeSelectFlags, selectedNamespace, wantsKube } from '../kube/kube-flags.js';
import { withClusterMinioConfig } from '../kube/kube-job-status.js';
import { KubePortForwarder } from '../kube/port-forward.js';

export default class Replay extends BaseCommand {
  static override summary = 'Re-run one failed task of a job on this machine, in one process, to debug it.';
  static override description = `Runs the task as its failed attempt ran it: from the job's spec and bundle, over the same input range (a map task) or the same committed map runs (a reduce task), through the same code a worker runs, in one process on this machine. It prints the error and stack the run printed and exits 1 when the error happens again, or says that the task ran without error and exits 0.

TASK defaults to the task that failed the job. --chunk gives the mapper only the chunk it failed on (a reducer only the key); --line gives the mapper that chunk's lines one at a time, so the error names the line that fails alone. --inspect runs it under node --inspect-brk: attach a debugger (chrome://inspect, VS Code) to the printed address; the task waits for it (with --line, the failing line is found first, without the debugger, and the mapper then called on it alone).

The job is found as gomr status finds it: in the store the flags name, or the one its local folder names. Its spec and bundle come from its local folder (gomr run), else from the store (gomr start keeps both in MinIO, at specs/<JOB>.json and jobs/<JOB>/worker.mjs; or pass the worker file with --worker to bundle it afresh). A reduce task needs the map runs, which a job that a reduce task failed keeps.

${KUBE_SELECT_HELP} The task still runs on this machine, reading the job's data from MinIO.

${EXIT_CODE_HELP}`;

  static override examples = [
    '<%= config.bin %> replay 20261122-231502-3f9a                  # the task that failed the job',
    '<%= config.bin %> replay 20261122-231502-3f9a m-00003 --line   # only the line that throws',
    '<%= config.bin %> replay 20261122-231502-3f9a --chunk --inspect # wait for a debugger on 127.0.0.1:9229',
    '<%= config.bin %> replay 20261122-231502-3f9a r-00001 --storage s3 --s3-endpoint http://127.0.0.1:9000',
    '<%= config.bin %> replay 20261122-231502-3f9a -n team-a          # a job run with gomr start',
  ];

  static override args = {
    job: Args.string({ required: true, description: 'job id (gomr jobs lists them)' }),
    task: Args.string({ required: false, description: 'task id, like m-00003 or r-00001 [default: the task that failed the job]' }),
  };

  static override flags = {
    chunk: Flags.boolean({ default: false, description: 'only the chunk (map) or key (reduce) the attempt failed on' }),
    line: Flags.boolean({ default: false, description: "only the failing chunk, its lines one at a time: the error names the line that fails alone" }),
    inspect: Flags.boolean({ default: false, description: 'run under node --inspect-brk and wait for a debugger' }),
    'inspect-port': Flags.integer({ default: 9229, min: 0, max: 65535, description: 'port of the inspector on 127.0.0.1 (0: any free one)' }),
    worker: Flags.string({ description: "the job's worker file, bundled afresh when the job's bundle is not on this machine or in the store" }),
    ...storageFlags,
    ...kubeSelectFlags,
  };

  async run(): Promise<ReplayResult> {
    const { args, flags, raw } = await this.parse(Replay);
    if (!wantsKube(raw)) return replayFrom(await planReplay(args.job, args.task, storageConfigFromFlags(flags)), flags);
    // A cluster job: its summary, spec, bundle, inputs and map runs are read from the
    // namespace's MinIO, through a port-forward held while the task runs here.
    const api = kubeApiFromFlags(flags);
    const namespace = selectedNamespace(flags);
    const deps = { api, forwarder: new KubePortForwarder(api.ctx, api.requestTimeoutMs), namespace };
    const ran = await withClusterMinioConfig(deps, async (config) => replayFrom(await planReplay(args.job, args.task, config), flags));
    if ('value' in ran) return ran.value;
    throw new ClusterError(
      ran.absent === 'no-minio' ? `gomr has no MinIO in namespace ${namespace}; was gomr start run there?` : `MinIO does not run in namespace ${namespace} (gomr start starts it again; its data was kept)`,
    );
  }
}

/** Runs the planned replay and says how it ended: the error (a JobFailedError, exit 1, when user code threw) or a clean run. */
async function replayFrom(plan: ReplayPlan, flags: { chunk: boolean; line: boolean; inspect: boolean; 'inspect-port': number; worker?: string | undefined }): Promise<ReplayResult> {
  let only = narrowing(plan, flags.chunk || flags.line, flags.line);
  const bundlePath = plan.bundlePath ?? (await bundleFromFlag(plan, flags.worker));
  if (flags.inspect && only?.byLine) {
    // The failing line is found first, quietly and without a debugger, so that under it the
    // mapper is called on that line alone: a breakpoint stops in no other line's call.
    const found = await runReplay({ plan, bundlePath, only, quiet: true });
    if (!found.ok && 'error' in found && found.error.input) only = { ...only, line: found.error.offset };
  }
  process.stderr.write(`${describeReplay(plan, only)}\n`);
  const result = await runReplay({ plan, bundlePath, ...(only ? { only } : {}), ...(flags.inspect ? { inspect: `127.0.0.1:${flags['inspect-port']}` } : {}) });
  if ('workerFile' in result) throw new WorkerFileError(`bad worker file: ${result.workerFile.message}`, result.workerFile.stack);
  if (!result.ok) throw replayedError(plan, result.error, only?.byLine === true);
  const records = plan.task.kind === 'MAP' ? result.counters.mapInputRecords : result.counters.reduceInputRecords;
  process.stdout.write(`task ${plan.task.taskId} ran without error on this machine (${records ?? 0} input records, ${result.runMs} ms)\n`);
  return result;
}

/** --chunk / --line as the task runners take them, from where the attempt failed. */
function narrowing(plan: ReplayPlan, chunk: boolean, line: boolean): ReplayNarrowing | undefined {
  if (!chunk) return undefined;
  const at = plan.failedAt;
  if (plan.task.kind === 'REDUCE') {
    if (line) throw new UsageError('--line narrows a map task; a reduce task narrows to its key with --chunk');
    if (at.key === undefined) throw new UsageError(`the failed attempt of task ${plan.task.taskId} names no key to narrow to; replay it whole, without --chunk`);
    return { key: at.key };
  }
  if (at.offset === undefined) {
    throw new UsageError(`the failed attempt of task ${plan.task.taskId} names no chunk to narrow to (a timeout, or a combiner's error, is not a chunk's); replay it whole, without --chunk or --line`);
  }
  return { offset: at.offset, ...(line ? { byLine: true } : {}) };
}

async function bundleFromFlag(plan: ReplayPlan, worker: string | undefined): Promise<string> {
  if (!worker) throw new UsageError(`the bundle of job ${plan.jobId} is neither on this machine nor in the store; pass its worker file with --worker`);
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { bundleWorker } = await import('../bundle/bundle-worker.js');
  const out = join(await mkdtemp(join(tmpdir(), 'gomr-replay-bundle-')), 'worker.mjs');
  await bundleWorker(worker, out);
  return out;
}

/** The line said before the task runs: what is replayed. */
function describeReplay(plan: ReplayPlan, only: ReplayNarrowing | undefined): string {
  const t = plan.task;
  const what = t.split ? `input ${t.split.inputName} bytes ${t.split.start}-${t.split.end}` : `partition ${t.index}, ${t.runs?.length ?? 0} map runs`;
  const narrowed =
    only?.key !== undefined
      ? `, only key ${JSON.stringify(only.key)}`
      : only?.line !== undefined
        ? `, only the line at byte ${only.line}`
        : only?.offset !== undefined
          ? `, only the ${only.byLine ? 'lines' : 'chunk'} at byte ${only.offset}`
          : '';
  return `replaying task ${t.taskId} attempt ${t.attempt} of job ${plan.jobId} (${what}${narrowed})`;
}

/** The error as the run printed it (mapper failed in task ... (input, chunk): message), with the user's stack. */
function replayedError(plan: ReplayPlan, e: TaskError, byLine: boolean): GomrError {
  const t = plan.task;
  const unit = t.kind === 'MAP' && e.input ? ` (input ${e.input}, ${byLine ? 'line' : 'chunk'} at byte ${e.offset})` : t.kind === 'REDUCE' && e.key ? ` (key ${JSON.stringify(e.key.length > 80 ? e.key.slice(0, 80) + '…' : e.key)})` : '';
  const what = e.userCode ? `${t.kind === 'MAP' ? 'mapper' : 'reducer'} failed in task ${t.taskId} on this machine` : `task ${t.taskId} failed on this machine`;
  const before = plan.attempt?.error && plan.attempt.error !== e.message ? `\nthe job's attempt ${plan.attempt.attempt} failed with: ${plan.attempt.error}` : '';
  const message = `${what}${unit}: ${e.message}`;
  const detail = (e.stack || '') + before || undefined;
  return e.userCode ? new JobFailedError(message, 'user', detail) : new RuntimeError(message, detail);
}
