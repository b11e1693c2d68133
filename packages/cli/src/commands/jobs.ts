import { Flags } from '@oclif/core';
import { openStorage } from '@gomr/storage';
import { BaseCommand } from '../base-command.js';
import { EXIT, EXIT_CODE_HELP, GomrError } from '../errors.js';
import { formatJobs } from '../job/format-status.js';
import { listJobs, type JobListing } from '../job/list-jobs.js';
import { storageConfigFromFlags, storageFlags } from '../storage-flags.js';

export default class Jobs extends BaseCommand {
  static override summary = 'List past and running jobs, newest first.';
  static override description = `Past jobs come from the summaries in storage (jobs/<id>/summary.json); jobs running on this machine come from their folders in $GOMR_HOME/jobs and their masters. Each row: id, state, start, duration, worker file, inputs.

${EXIT_CODE_HELP}`;

  static override examples = [
    '<%= config.bin %> jobs',
    '<%= config.bin %> jobs --json | jq -r ".[0].id"',
    '<%= config.bin %> jobs --storage s3 --s3-endpoint http://127.0.0.1:9000',
  ];

  static override flags = {
    json: Flags.boolean({ default: false, description: 'print the list as JSON' }),
    ...storageFlags,
  };

  async run(): Promise<JobListing[]> {
    const { flags } = await this.parse(Jobs);
    const config = storageConfigFromFlags(flags);
    const storage = await openStorage(config).catch((err: Error) => {
      throw new GomrError(`cannot open storage: ${err.message}`, EXIT.STORAGE);
    });
    try {
      const jobs = await listJobs(storage, config);
      process.stdout.write((flags.json ? JSON.stringify(jobs, null, 2) : formatJobs(jobs)) + '\n');
      return jobs;
    } finally {
      await storage.close();
    }
  }
}
