import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { EXIT_CODE_HELP } from '../errors.js';
import { formatSummary } from '../job/format-summary.js';
import { resolveJobId } from '../kube/find-job.js';
import { followToEnd } from '../kube/follow-to-end.js';
import { kubeApiFromFlags, kubeFlags } from '../kube/kube-flags.js';
import { KubePortForwarder } from '../kube/port-forward.js';

export default class Attach extends BaseCommand {
  static override summary = 'Follow a job on Kubernetes again after detaching from gomr start.';
  static override description = `Shows the job's progress through the master's status API (over a port-forward), then its
summary, and removes its workers when it ends, as gomr start would have. Ctrl-C detaches again.

${EXIT_CODE_HELP}`;

  static override examples = ['<%= config.bin %> attach 20261122-231502-3f9a', '<%= config.bin %> attach            # the newest job in the namespace'];

  static override args = { job: Args.string({ description: 'job id [default: the newest job]' }) };

  static override flags = {
    json: Flags.boolean({ default: false, description: 'print the final status as JSON on stdout' }),
    quiet: Flags.boolean({ char: 'q', default: false, description: 'no progress display' }),
    ...kubeFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Attach);
    const api = kubeApiFromFlags(flags);
    const jobId = await resolveJobId(api, flags.namespace, args.job);
    const t0 = Date.now();
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    try {
      const status = await followToEnd({
        api, forwarder: new KubePortForwarder(api.ctx, api.requestTimeoutMs), namespace: flags.namespace, jobId, signal: abort.signal,
        ...(flags.quiet || flags.json ? {} : { progress: process.stderr }),
      });
      const wallMs = status.finishedMs && status.startedMs ? status.finishedMs - status.startedMs : Date.now() - t0;
      if (flags.json) process.stdout.write(JSON.stringify({ ...status, namespace: flags.namespace, outputPrefix: `s3://gomr/jobs/${jobId}/output/` }, null, 2) + '\n');
      else process.stdout.write(`${formatSummary(status, wallMs, undefined, 0)}\n  download  gomr output ${jobId} -o result.txt\n`);
    } finally {
      process.off('SIGINT', onSignal);
    }
  }
}
