import { Args, Flags } from '@oclif/core';
import type { JobSnapshot } from '@gomr/master';
import { BaseCommand } from '../base-command.js';
import { EXIT_CODE_HELP } from '../errors.js';
import { formatStatus } from '../job/format-status.js';
import { loadJobSnapshot, type SnapshotSource } from '../job/load-job-snapshot.js';
import { storageConfigFromFlags, storageFlags } from '../storage-flags.js';

export default class Status extends BaseCommand {
  static override summary = 'Show the state, progress, counters and failures of a job.';
  static override description = `Reads the job live from its master when it runs on this machine (the same data as its status page), otherwise from the summary it saved in storage when it ended. --json prints the job snapshot: phases, every task attempt (the timeline), workers, counters, failures with their stacks, throughput and ETA.

${EXIT_CODE_HELP}`;

  static override examples = [
    '<%= config.bin %> status 20261122-231502-3f9a',
    '<%= config.bin %> status 20261122-231502-3f9a --json | jq .counters',
    '<%= config.bin %> status 20261122-231502-3f9a --storage s3 --s3-endpoint http://127.0.0.1:9000',
  ];

  static override args = {
    job: Args.string({ required: true, description: 'job id (gomr jobs lists them)' }),
  };

  static override flags = {
    json: Flags.boolean({ default: false, description: 'print the job snapshot as JSON' }),
    ...storageFlags,
  };

  async run(): Promise<{ source: SnapshotSource; snapshot: JobSnapshot }> {
    const { args, flags } = await this.parse(Status);
    const { snapshot, source } = await loadJobSnapshot(args.job, storageConfigFromFlags(flags));
    if (flags.json) process.stdout.write(JSON.stringify({ source, ...snapshot }, null, 2) + '\n');
    else process.stdout.write(formatStatus(snapshot, source) + '\n');
    return { source, snapshot };
  }
}
