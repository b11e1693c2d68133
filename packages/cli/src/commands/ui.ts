import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { createStatusServer, listenStatusServer, type JobSnapshot, type TaskStory } from '@gomr/master';
import { BaseCommand } from '../base-command.js';
import { EXIT_CODE_HELP, RuntimeError, UsageError } from '../errors.js';
import { gomrHome } from '../job/gomr-home.js';
import { checkJobId, fetchLiveSnapshot, liveStatusUrl, loadJobSnapshot } from '../job/load-job-snapshot.js';
import { kubeApiFromFlags, KUBE_SELECT_HELP, kubeSelectFlags, selectedNamespace, wantsKube } from '../kube/kube-flags.js';
import { forwardStatusPage, loadKubeJobSnapshot, newestClusterJob, withClusterMinio } from '../kube/kube-job-status.js';
import { loadTaskStory, readSavedStory } from '../job/load-task-story.js';
import { KubePortForwarder } from '../kube/port-forward.js';
import { MASTER_STATUS_PORT } from '../kube/resource-names.js';
import { storageConfigFromFlags, storageFlags } from '../storage-flags.js';

export default class Ui extends BaseCommand {
  static override summary = "Print the URL of a job's status page.";
  static override description = `For a job running on this machine, prints the URL of the page its master serves (live progress, a timeline of every task attempt, workers, counters, failures). Without JOB, the newest running job. A finished job's master is gone: --serve shows the same page from the summary the job saved, on a local port, until Ctrl-C.

${KUBE_SELECT_HELP} There gomr ui port-forwards a local port (--port, default any free one) to the status port 8080 of the job's master pod, prints the local URL, and keeps the forward open until Ctrl-C; without JOB, the newest job whose master runs in the namespace. With --serve, a job whose master is gone is served from the summary it saved in the namespace's MinIO.

${EXIT_CODE_HELP}`;

  static override examples = [
    '<%= config.bin %> ui',
    '<%= config.bin %> ui 20261122-231502-3f9a',
    '<%= config.bin %> ui 20261122-231502-3f9a --serve --port 8080',
    '<%= config.bin %> ui --kube                      # the newest running job in namespace gomr, until Ctrl-C',
    '<%= config.bin %> ui 20261122-231502-3f9a -n team-a --port 8080',
  ];

  static override args = {
    job: Args.string({ required: false, description: 'job id [default: the newest job running here, or in the namespace]' }),
  };

  static override flags = {
    serve: Flags.boolean({ default: false, description: "serve a finished job's page from its saved summary until Ctrl-C" }),
    port: Flags.integer({ default: 0, min: 0, max: 65535, description: 'local port for --serve, or of the port-forward on Kubernetes [default: any free port]' }),
    ...storageFlags,
    ...kubeSelectFlags,
  };

  async run(): Promise<{ jobId: string; url: string }> {
    const { args, flags, raw } = await this.parse(Ui);
    if (wantsKube(raw)) return this.runOnKube(args.job, flags);
    const jobId = args.job ? checkJobId(args.job) : await newestRunningJob();
    const live = await liveStatusUrl(jobId);
    if (live) {
      process.stdout.write(`${live.url}\n`);
      return { jobId, url: live.url };
    }
    if (!flags.serve) {
      throw new RuntimeError(
        `job ${jobId} is not running here, so no master serves its page; see its saved summary with: gomr status ${jobId} (or its page with: gomr ui ${jobId} --serve)`,
      );
    }
    const storage = storageConfigFromFlags(flags);
    const { snapshot } = await loadJobSnapshot(jobId, storage);
    return serveSaved(jobId, snapshot, flags.port, (taskId) => loadTaskStory(jobId, taskId, storage).then((r) => r.story, () => null));
  }

  /** Port-forwards to the master's status port and keeps the forward open until Ctrl-C. */
  private async runOnKube(job: string | undefined, flags: { serve: boolean; port: number; context?: string | undefined; namespace?: string | undefined; kubeconfig?: string | undefined; 'request-timeout'?: string | undefined }): Promise<{ jobId: string; url: string }> {
    const api = kubeApiFromFlags(flags);
    const namespace = selectedNamespace(flags);
    const deps = { api, forwarder: new KubePortForwarder(api.ctx, api.requestTimeoutMs), namespace };
    const jobId = job ? checkJobId(job) : await newestClusterJob(deps, !flags.serve);
    const page = await forwardStatusPage(deps, jobId, flags.port);
    if (page) {
      const snapshot = await fetchLiveSnapshot(page.url, jobId, api.requestTimeoutMs || 15_000);
      if (snapshot) {
        process.stdout.write(`${page.url}\n`);
        process.stderr.write(`forwarding ${page.url} to port ${MASTER_STATUS_PORT} of pod ${page.pod} (namespace ${namespace}); Ctrl-C to stop\n`);
        await untilInterrupted();
        await page.forward.close();
        return { jobId, url: page.url };
      }
      await page.forward.close();
      if (!flags.serve) {
        throw new RuntimeError(
          `the master of job ${jobId} (pod ${page.pod}, namespace ${namespace}) does not answer on its status port ${MASTER_STATUS_PORT}; see gomr logs ${jobId} -n ${namespace}`,
        );
      }
    } else if (!flags.serve) {
      throw new RuntimeError(
        `job ${jobId} has no running master in namespace ${namespace}, so no page is served; its saved page: gomr ui ${jobId} --serve -n ${namespace} (or gomr status ${jobId} -n ${namespace})`,
      );
    }
    const { snapshot } = await loadKubeJobSnapshot(deps, jobId, { live: false });
    const story = (taskId: string) => withClusterMinio(deps, (storage) => readSavedStory(storage, jobId, taskId)).then((r) => ('value' in r ? r.value ?? null : null), () => null);
    return serveSaved(jobId, snapshot, flags.port, story);
  }
}

/** Serves a finished job's page from its saved snapshot (and its tasks' stories, read from its summary) on 127.0.0.1 until Ctrl-C. */
async function serveSaved(jobId: string, snapshot: JobSnapshot, port: number, taskStory: (taskId: string) => Promise<TaskStory | null>): Promise<{ jobId: string; url: string }> {
  const server = createStatusServer({ snapshot: () => snapshot, taskStory });
  const bound = await listenStatusServer(server, `127.0.0.1:${port}`).catch((err: Error) => {
    throw new UsageError(`cannot serve on port ${port}: ${err.message}`);
  });
  const url = `http://127.0.0.1:${bound}/`;
  process.stdout.write(`${url}\n`);
  process.stderr.write(`serving the saved page of job ${jobId}; Ctrl-C to stop\n`);
  await untilInterrupted();
  server.close();
  server.closeAllConnections();
  return { jobId, url };
}

function untilInterrupted(): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/** Job ids sort by start time; the newest whose master answers. */
async function newestRunningJob(): Promise<string> {
  const ids = (await readdir(join(gomrHome(), 'jobs')).catch(() => [] as string[])).filter((n) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(n)).sort().reverse();
  for (const id of ids) if (await liveStatusUrl(id)) return id;
  throw new RuntimeError('no job is running on this machine; gomr jobs lists past ones, and gomr ui JOB --serve shows the page of one');
}
