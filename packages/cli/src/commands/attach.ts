import { Args, Flags } from '@oclif/core';
import { jobKeys } from '@gomr/storage';
import { BaseCommand } from '../base-command.js';
import { EXIT, EXIT_CODE_HELP, GomrError } from '../errors.js';
import { formatSummary } from '../job/format-summary.js';
import { statusJson, type StatusJson } from '../job/status-json.js';
import { resolveJobId } from '../kube/find-job.js';
import { followToEnd } from '../kube/follow-to-end.js';
import { kubeApiFromFlags, kubeFlags } from '../kube/kube-flags.js';
import { withClusterMinio, type KubeStatusDeps } from '../kube/kube-job-status.js';
import { KubePortForwarder } from '../kube/port-forward.js';
import { storeHasJob } from '../kube/resolve-stored-job.js';

/** The job to attach to: a master Job in the namespace, or a job with a summary in its MinIO. */
async function resolveAttachJob(deps: KubeStatusDeps, job: string | undefined): Promise<string> {
  try {
    return await resolveJobId(deps.api, deps.namespace, job);
  } catch (err) {
    if (!job || !(err instanceof GomrError) || err.exitCode !== EXIT.USAGE) throw err;
    const saved = await withClusterMinio(deps, (storage) => storeHasJob(storage, job)).catch(() => null);
    if (saved && 'value' in saved && saved.value) return job;
    throw err;
  }
}

export default class Attach extends BaseCommand {
  static override summary = 'Follow a job on Kubernetes again after detaching from gomr start.';
  static override description = `Shows the job's progress through the master's status API (over a port-forward), then its
summary, and removes its workers when it ends, as gomr start would have. A job that has already
ended (its master exited, or gomr down deleted it) is shown at once from the summary it saved in
MinIO. Ctrl-C detaches again.

${EXIT_CODE_HELP}`;

  static override examples = ['<%= config.bin %> attach 20261122-231502-3f9a', '<%= config.bin %> attach            # the newest job in the namespace'];

  /** --json: the final status on stdout; progress stays on stderr without it. */
  static override enableJsonFlag = true;

  static override args = { job: Args.string({ description: 'job id [default: the newest job]' }) };

  static override flags = {
    quiet: Flags.boolean({ char: 'q', default: false, description: 'no progress display' }),
    ...kubeFlags,
  };

  async run(): Promise<StatusJson & { namespace: string; outputPrefix: string }> {
    const { args, flags } = await this.parse(Attach);
    const api = kubeApiFromFlags(flags);
    const forwarder = new KubePortForwarder(api.ctx, api.requestTimeoutMs);
    const jobId = await resolveAttachJob({ api, forwarder, namespace: flags.namespace }, args.job);
    const t0 = Date.now();
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    try {
      const status = await followToEnd({
        api, forwarder, namespace: flags.namespace, jobId, signal: abort.signal,
        ...(flags.quiet || this.jsonEnabled() ? {} : { progress: process.stderr }),
      });
      const wallMs = status.finishedMs && status.startedMs ? status.finishedMs - status.startedMs : Date.now() - t0;
      if (!this.jsonEnabled()) process.stdout.write(`${formatSummary(status, wallMs, undefined, 0)}\n  download  gomr output ${jobId} -o result.txt\n`);
      return { ...statusJson(status), namespace: flags.namespace, outputPrefix: `s3://gomr/${jobKeys.output(jobId)}` };
    } finally {
      process.off('SIGINT', onSignal);
    }
  }
}
