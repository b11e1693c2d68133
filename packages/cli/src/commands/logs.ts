import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { EXIT_CODE_HELP } from '../errors.js';
import { resolveJobId } from '../kube/find-job.js';
import { kubeApiFromFlags, kubeFlags } from '../kube/kube-flags.js';
import { streamPodLog } from '../kube/pod-logs.js';

export default class Logs extends BaseCommand {
  static override summary = "Print the log of a Kubernetes job's master or of one of its workers.";
  static override description = `Worker N is the pod with completion index N of the job's workers (0 .. --workers-1).
Workers are removed when a job ends, and their logs with them; the master's log stays until
gomr down.

${EXIT_CODE_HELP}`;

  static override examples = [
    '<%= config.bin %> logs                        # the master of the newest job',
    '<%= config.bin %> logs 20261122-231502-3f9a --worker 1 -f',
    '<%= config.bin %> logs --master --tail 50',
  ];

  static override args = { job: Args.string({ description: 'job id [default: the newest job]' }) };

  static override flags = {
    worker: Flags.integer({ min: 0, exclusive: ['master'], description: 'the log of worker N' }),
    master: Flags.boolean({ default: false, exclusive: ['worker'], description: "the master's log (the default)" }),
    follow: Flags.boolean({ char: 'f', default: false, description: 'keep printing new lines until the pod ends (Ctrl-C stops)' }),
    tail: Flags.integer({ min: 1, description: 'only the last N lines' }),
    ...kubeFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Logs);
    const api = kubeApiFromFlags(flags);
    const jobId = await resolveJobId(api, flags.namespace, args.job);
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    try {
      await streamPodLog(api, {
        namespace: flags.namespace, jobId, worker: flags.worker, follow: flags.follow, tailLines: flags.tail, out: process.stdout, signal: abort.signal,
      });
    } finally {
      process.off('SIGINT', onSignal);
    }
  }
}
