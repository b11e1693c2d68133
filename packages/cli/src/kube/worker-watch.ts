import type { JobStatus__Output } from '@gomr/proto';
import { ClusterError, GomrError, RuntimeError } from '../errors.js';
import { isNotFound, kubeCall, type KubeApi } from './kube-api.js';
import { FailedPods } from './failed-pods.js';
import { workerSelector } from './find-job.js';
import { eventProblems, podProblems, ProblemTracker } from './pod-problems.js';
import { jobNames } from './resource-names.js';

export interface WorkerWatchOptions {
  api: KubeApi;
  namespace: string;
  jobId: string;
  /** Problems worth knowing that do not stop the job go here, each once. */
  log: (line: string) => void;
  /** @default 5000 */
  everyMs?: number;
}

/**
 * Watches a job's worker pods while the job is followed, and says what is wrong instead of
 * showing progress with no workers: pods whose image cannot be pulled, that crash (an `exec
 * format error`: an image built for another CPU), that stay unschedulable, and the workers
 * Job's FailedCreate events (a quota, Pod Security) when no pod can be made. When no worker
 * is registered and every worker pod is stuck for good, the job cannot run: `check` returns
 * the error that ends it.
 */
export class WorkerWatch {
  private readonly tracker = new ProblemTracker();
  private readonly failed: FailedPods;
  private lastMs = 0;

  constructor(private readonly o: WorkerWatchOptions) {
    this.failed = new FailedPods(o.api, o.namespace);
  }

  async check(status: JobStatus__Output | undefined, nowMs = Date.now()): Promise<GomrError | undefined> {
    if (nowMs - this.lastMs < (this.o.everyMs ?? 5000)) return undefined;
    this.lastMs = nowMs;
    const { api, namespace, jobId } = this.o;
    const pods = (await kubeCall(api, `listing the workers of job ${jobId}`, () => api.core.listNamespacedPod({ namespace, labelSelector: workerSelector(jobId) }))).items;
    const live = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata?.deletionTimestamp);
    const problems = live.flatMap(podProblems);
    // Worker pods have restartPolicy Never: one that could not start its container has failed.
    // Every worker runs the same image, so one such failure is every worker's.
    const cannotStart = await this.failed.problems(pods);
    problems.push(...cannotStart);
    const workersJob = jobNames(jobId).workers;
    const events = (
      await kubeCall(api, 'listing events', () => api.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${workersJob}` }))
    ).items;
    problems.push(...eventProblems(events, (name) => name === workersJob));
    const { fatal, report } = this.tracker.observe(problems, nowMs);
    for (const p of [...fatal, ...report]) {
      if (this.told.has(p.key)) continue;
      this.told.add(p.key);
      this.o.log(`      workers: ${p.text}`);
    }
    const registered = (status?.workers ?? []).filter((w) => w.state !== 'lost').length;
    const stuck = live.filter((p) => podProblems(p).some((x) => x.fatal));
    const jobFailed = await this.workersJobFailure();
    if (jobFailed) {
      return new RuntimeError(`the workers of job ${jobId} failed: ${[jobFailed, ...fatal.map((p) => p.text)].join('; ')}`);
    }
    if (registered === 0 && (cannotStart.length > 0 || (live.length > 0 && stuck.length === live.length))) {
      return new ClusterError(
        `no worker of job ${jobId} can run: ${fatal.map((p) => p.text).join('; ')}`,
        `gomr logs ${jobId} --worker 0 -n ${namespace} shows a worker's log, if it started`,
      );
    }
    return undefined;
  }

  private readonly told = new Set<string>();

  /** The workers Job's Failed condition (backoffLimit or activeDeadlineSeconds reached), if it has one. */
  private async workersJobFailure(): Promise<string | undefined> {
    const { api, namespace, jobId } = this.o;
    const job = await kubeCall(api, 'reading the workers Job', () => api.batch.readNamespacedJob({ name: jobNames(jobId).workers, namespace })).catch((err) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    const c = job?.status?.conditions?.find((x) => (x.type === 'Failed' || x.type === 'FailureTarget') && x.status === 'True');
    return c ? `Job ${jobNames(jobId).workers}: ${c.reason ?? 'Failed'}${c.message ? `: ${c.message}` : ''}` : undefined;
  }
}
