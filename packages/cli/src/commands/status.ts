import { Args, Flags, type Interfaces } from '@oclif/core';
import type { JobSnapshot, TaskStory } from '@gomr/master';
import { BaseCommand } from '../base-command.js';
import { EXIT_CODE_HELP, UsageError } from '../errors.js';
import { formatStatus } from '../job/format-status.js';
import { formatTaskStory } from '../job/format-task-story.js';
import { loadTaskStory } from '../job/load-task-story.js';
import { loadKubeTaskStory } from '../kube/kube-task-story.js';
import { loadJobSnapshot, type SnapshotSource } from '../job/load-job-snapshot.js';
import { kubeApiFromFlags, KUBE_SELECT_HELP, kubeSelectFlags, selectedNamespace, wantsKube } from '../kube/kube-flags.js';
import { loadKubeJobSnapshot, newestClusterJob } from '../kube/kube-job-status.js';
import { KubePortForwarder } from '../kube/port-forward.js';
import { storageConfigFromFlags, storageFlags } from '../storage-flags.js';

export default class Status extends BaseCommand {
  static override summary = 'Show the state, progress, counters and failures of a job.';
  static override description = `Reads the job live from its master when it runs on this machine (the same data as its status page), otherwise from the summary it saved in storage when it ended. --json prints the job snapshot: phases, every task attempt (the timeline), workers, counters, failures with their stacks, throughput and ETA. --task T tells one task's story instead: each of its attempts with its worker, start and end, outcome (committed, failed, timed out, lost, speculative loser), counters, error and stack; for past jobs too.

${KUBE_SELECT_HELP} There the job is read live from its master's status page (port 8080 of its pod, through a port-forward), otherwise from jobs/<JOB>/summary.json in the namespace's MinIO; without JOB, the newest job whose master is in the namespace.

${EXIT_CODE_HELP}`;

  static override examples = [
    '<%= config.bin %> status 20261122-231502-3f9a',
    '<%= config.bin %> status 20261122-231502-3f9a --json | jq .counters',
    '<%= config.bin %> status 20261122-231502-3f9a --storage s3 --s3-endpoint http://127.0.0.1:9000',
    '<%= config.bin %> status 20261122-231502-3f9a --task m-00003   # every attempt of one task',
    '<%= config.bin %> status --kube                       # the newest job in namespace gomr',
    '<%= config.bin %> status 20261122-231502-3f9a -n team-a --context kind-gomr --json',
  ];

  /** --json: the job snapshot, or with --task the task story, each with its source. */
  static override enableJsonFlag = true;

  static override args = {
    job: Args.string({ required: false, description: 'job id (gomr jobs lists them) [default on Kubernetes: the newest job]' }),
  };

  static override flags = {
    task: Flags.string({ description: "one task's story instead: every attempt with its worker, times, outcome, counters, error and stack" }),
    ...storageFlags,
    ...kubeSelectFlags,
  };

  async run(): Promise<({ source: SnapshotSource } & JobSnapshot) | ({ source: SnapshotSource } & TaskStory)> {
    const { args, flags, raw } = await this.parse(Status);
    if (flags.task) return this.story(args.job, flags.task, flags, wantsKube(raw));
    let loaded: { snapshot: JobSnapshot; source: SnapshotSource };
    if (wantsKube(raw)) {
      const api = kubeApiFromFlags(flags);
      const deps = { api, forwarder: new KubePortForwarder(api.ctx, api.requestTimeoutMs), namespace: selectedNamespace(flags) };
      loaded = await loadKubeJobSnapshot(deps, args.job ?? (await newestClusterJob(deps)));
    } else {
      if (!args.job) throw new UsageError('which job? gomr status JOB (gomr jobs lists them; on Kubernetes, --kube picks the newest)');
      loaded = await loadJobSnapshot(args.job, storageConfigFromFlags(flags));
    }
    const { snapshot, source } = loaded;
    if (!this.jsonEnabled()) process.stdout.write(formatStatus(snapshot, source) + '\n');
    return { source, ...snapshot };
  }

  /** --task: one task's story, found as the job is (live from its master, else its summary). */
  private async story(job: string | undefined, task: string, flags: Interfaces.InferredFlags<typeof Status.flags>, kube: boolean) {
    let loaded: { story: TaskStory; source: SnapshotSource; jobId: string };
    if (kube) {
      const api = kubeApiFromFlags(flags);
      const deps = { api, forwarder: new KubePortForwarder(api.ctx, api.requestTimeoutMs), namespace: selectedNamespace(flags) };
      const jobId = job ?? (await newestClusterJob(deps));
      loaded = { jobId, ...(await loadKubeTaskStory(deps, jobId, task)) };
    } else {
      if (!job) throw new UsageError('which job? gomr status JOB --task TASK (gomr jobs lists them)');
      loaded = { jobId: job, ...(await loadTaskStory(job, task, storageConfigFromFlags(flags))) };
    }
    const { story, source } = loaded;
    if (!this.jsonEnabled()) process.stdout.write(formatTaskStory(loaded.jobId, story, source) + '\n');
    return { source, ...story };
  }
}
