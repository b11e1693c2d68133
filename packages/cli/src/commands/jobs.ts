import { openStorage } from '@gomr/storage';
import { BaseCommand } from '../base-command.js';
import { EXIT_CODE_HELP, StorageError } from '../errors.js';
import { formatJobs } from '../job/format-status.js';
import { listJobs, type JobListing } from '../job/list-jobs.js';
import { kubeApiFromFlags, KUBE_SELECT_HELP, kubeSelectFlags, selectedNamespace, wantsKube } from '../kube/kube-flags.js';
import { listKubeJobs } from '../kube/kube-job-status.js';
import { KubePortForwarder } from '../kube/port-forward.js';
import { storageConfigFromFlags, storageFlags } from '../storage-flags.js';

export default class Jobs extends BaseCommand {
  static override summary = 'List past and running jobs, newest first.';
  static override description = `Past jobs come from the summaries in storage (jobs/<id>/summary.json); jobs running on this machine come from their folders in $GOMR_HOME/jobs and their masters. Each row: id, state, start, duration, worker file, inputs.

${KUBE_SELECT_HELP} There past jobs come from the summaries in the namespace's MinIO, and running ones from the master Jobs in the namespace (by their labels), live from their status pages; a master that does not answer is listed as PENDING (its pod does not run yet) or RUNNING, one that ended without a summary as STOPPED.

${EXIT_CODE_HELP}`;

  static override enableJsonFlag = true;

  static override examples = [
    '<%= config.bin %> jobs',
    '<%= config.bin %> jobs --json | jq -r ".[0].id"',
    '<%= config.bin %> jobs --storage s3 --s3-endpoint http://127.0.0.1:9000',
    '<%= config.bin %> jobs --kube',
    '<%= config.bin %> jobs -n team-a --json',
  ];

  static override flags = {
    ...storageFlags,
    ...kubeSelectFlags,
  };

  async run(): Promise<JobListing[]> {
    const { flags, raw } = await this.parse(Jobs);
    if (wantsKube(raw)) {
      const api = kubeApiFromFlags(flags);
      const namespace = selectedNamespace(flags);
      const { jobs, note } = await listKubeJobs({ api, forwarder: new KubePortForwarder(api.ctx, api.requestTimeoutMs), namespace });
      if (note) process.stderr.write(`gomr: ${note}\n`);
      if (!this.jsonEnabled()) process.stdout.write(formatJobs(jobs, `no jobs in namespace ${namespace} (gomr start runs one)`) + '\n');
      return jobs;
    }
    const config = storageConfigFromFlags(flags);
    const storage = await openStorage(config).catch((err: Error) => {
      throw new StorageError(`cannot open storage: ${err.message}`);
    });
    try {
      const jobs = await listJobs(storage, config);
      if (!this.jsonEnabled()) process.stdout.write(formatJobs(jobs) + '\n');
      return jobs;
    } finally {
      await storage.close();
    }
  }
}
