/**
 * The Job controller, after https://kubernetes.io/docs/concepts/workloads/controllers/job/:
 *
 * - Pods: `parallelism` at once; with completionMode Indexed one per index in [0, completions),
 *   named `<job>-<index>-...`, labelled and annotated `batch.kubernetes.io/job-completion-index`,
 *   with JOB_COMPLETION_INDEX in their environment; an index whose pod failed gets a new pod.
 *   Each pod carries the `batch.kubernetes.io/job-tracking` finalizer until it is counted
 *   ("Job tracking with finalizers").
 * - Failures: "Pod backoff failure policy": failed pods plus, under restartPolicy OnFailure,
 *   container restarts count against backoffLimit (default 6); past it the Job fails with
 *   BackoffLimitExceeded. Replacements wait an exponential back-off (10 s, 20 s, 40 s ... capped
 *   at 6 min; `backoffBaseMs` scales it for tests).
 * - podFailurePolicy (https://kubernetes.io/docs/tasks/job/pod-failure-policy/): the first rule
 *   that matches a failed pod decides: Ignore (not counted, the pod is replaced), FailJob (the
 *   Job fails, reason PodFailurePolicy), Count (counted as usual). onExitCodes (In / NotIn, on
 *   containers that exited non-zero, optionally one containerName) and onPodConditions (e.g.
 *   DisruptionTarget, set when a pod is evicted or preempted). With a podFailurePolicy, a
 *   terminating pod is replaced only once it is terminal (podReplacementPolicy Failed, the only
 *   value allowed with one); otherwise as soon as it terminates (TerminatingOrFailed).
 * - activeDeadlineSeconds: counted from status.startTime; past it the Job fails with
 *   DeadlineExceeded and its running pods are deleted.
 * - A finished Job (condition Complete or Failed) deletes its remaining active pods.
 */
import { dropFinalizer, isOwnedBy, ownerReference, requestDeletion } from './deletion.js';
import { recordEvent } from './events.js';
import type { ObjectStore, Obj } from './store.js';

export const JOB_TRACKING = 'batch.kubernetes.io/job-tracking';
export const INDEX_KEY = 'batch.kubernetes.io/job-completion-index';

export interface JobControllerOptions {
  /** First replacement delay after a counted failure, doubled per failure. @default 10000 */
  backoffBaseMs?: number;
  /** @default 360000 */
  backoffMaxMs?: number;
  /** Pod creation goes through admission; an error message refuses it (FailedCreate). */
  admitPod?: (namespace: string, pod: Obj) => string | undefined;
}

const LAST_FAILURE = Symbol('last counted failure');
const LAST_REFUSAL = Symbol('last FailedCreate event');

const terminal = (p: Obj) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const condition = (job: Obj, type: string) => (job.status?.conditions ?? []).find((c: Obj) => c.type === type && c.status === 'True');
export const jobFinished = (job: Obj) => !!(condition(job, 'Complete') || condition(job, 'Failed'));

/** "0-2,4": the completedIndexes format. */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function parseIndexes(text: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    for (let i = a!; i <= (b ?? a)!; i++) out.add(i);
  }
  return out;
}

/** The action of the first podFailurePolicy rule matching a failed pod, or undefined. */
export function failurePolicyAction(job: Obj, pod: Obj): { action: string; index: number; message: string } | undefined {
  const rules: Obj[] = job.spec?.podFailurePolicy?.rules ?? [];
  for (const [index, rule] of rules.entries()) {
    if (rule.onExitCodes) {
      const { containerName, operator, values } = rule.onExitCodes as { containerName?: string; operator: 'In' | 'NotIn'; values: number[] };
      for (const s of pod.status?.containerStatuses ?? []) {
        const code = s.state?.terminated?.exitCode;
        if (code === undefined || code === 0 || (containerName && s.name !== containerName)) continue;
        if (operator === 'In' ? values.includes(code) : !values.includes(code)) {
          return { action: rule.action, index, message: `Container ${s.name} for pod ${pod.metadata.namespace}/${pod.metadata.name} failed with exit code ${code} matching ${rule.action} rule at index ${index}` };
        }
      }
    }
    for (const req of (rule.onPodConditions ?? []) as Obj[]) {
      const c = (pod.status?.conditions ?? []).find((x: Obj) => x.type === req.type);
      if (c && c.status === (req.status ?? 'True')) {
        return { action: rule.action, index, message: `Pod ${pod.metadata.namespace}/${pod.metadata.name} has condition ${req.type} matching ${rule.action} rule at index ${index}` };
      }
    }
  }
  return undefined;
}

function fail(store: ObjectStore, job: Obj, reason: string, message: string): void {
  const now = new Date().toISOString();
  store.update(job, (j) => {
    j.status.conditions = [
      ...(j.status.conditions ?? []),
      { type: 'FailureTarget', status: 'True', reason, message, lastTransitionTime: now, lastProbeTime: now },
      { type: 'Failed', status: 'True', reason, message, lastTransitionTime: now, lastProbeTime: now },
    ];
  });
  recordEvent(store, job, 'Warning', reason, message, 'job-controller');
}

function newPod(store: ObjectStore, job: Obj, index: number | undefined): Obj {
  const template = structuredClone(job.spec.template ?? {});
  const jobName: string = job.metadata.name;
  const labels = { ...template.metadata?.labels, 'batch.kubernetes.io/job-name': jobName, 'job-name': jobName, 'batch.kubernetes.io/controller-uid': job.metadata.uid, 'controller-uid': job.metadata.uid };
  const annotations = { ...template.metadata?.annotations };
  const spec = template.spec ?? {};
  if (index !== undefined) {
    labels[INDEX_KEY] = String(index);
    annotations[INDEX_KEY] = String(index);
    spec.hostname = `${jobName}-${index}`;
    for (const c of spec.containers ?? []) c.env = [...(c.env ?? []), { name: 'JOB_COMPLETION_INDEX', value: String(index) }];
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      // `-x<n>` stands for the API server's random five-letter suffix (generateName).
      name: `${jobName}-${index ?? 0}-x${store.next()}`,
      labels, annotations, finalizers: [JOB_TRACKING], ownerReferences: [ownerReference(job)],
    },
    spec,
    status: { phase: 'Pending' },
  };
}

export function reconcileJobs(store: ObjectStore, o: JobControllerOptions = {}, now = Date.now()): void {
  // Pods whose Job is gone are no longer tracked by anyone.
  for (const pod of store.list('pods')) {
    if (!(pod.metadata.finalizers ?? []).includes(JOB_TRACKING)) continue;
    const owner = (pod.metadata.ownerReferences ?? []).find((r: Obj) => r.kind === 'Job');
    if (!owner || !store.byUid(owner.uid)) dropFinalizer(store, pod, JOB_TRACKING);
  }
  for (const job of store.list('jobs')) {
    if (store.unmanaged.has(job)) continue;
    const ns: string = job.metadata.namespace;
    const pods = store.list('pods', ns).filter((p) => isOwnedBy(p, job));
    if (!job.status?.startTime && !job.metadata.deletionTimestamp) store.update(job, (j) => (j.status = { ...j.status, startTime: new Date(now).toISOString(), active: 0 }));
    job.status ??= {};
    const indexed = job.spec.completionMode === 'Indexed';
    const completions: number = job.spec.completions ?? 1;
    const parallelism: number = job.spec.parallelism ?? 1;
    const backoffLimit: number = job.spec.backoffLimit ?? 6;

    // Count the pods that ended, once each (the tracking finalizer marks the uncounted).
    for (const pod of pods.filter((p) => terminal(p) && (p.metadata.finalizers ?? []).includes(JOB_TRACKING))) {
      if (!jobFinished(job)) {
        if (pod.status.phase === 'Succeeded') {
          store.update(job, (j) => {
            j.status.succeeded = (j.status.succeeded ?? 0) + 1;
            if (indexed) j.status.completedIndexes = formatIndexes([...parseIndexes(j.status.completedIndexes), Number(pod.metadata.labels[INDEX_KEY])]);
          });
        } else {
          const rule = failurePolicyAction(job, pod);
          if (rule?.action === 'FailJob') {
            store.update(job, (j) => (j.status.failed = (j.status.failed ?? 0) + 1));
            fail(store, job, 'PodFailurePolicy', rule.message);
          } else if (rule?.action !== 'Ignore') {
            store.update(job, (j) => (j.status.failed = (j.status.failed ?? 0) + 1));
            (job as Obj & { [LAST_FAILURE]?: number })[LAST_FAILURE] = now;
          }
        }
      }
      dropFinalizer(store, pod, JOB_TRACKING);
    }
    if (job.metadata.deletionTimestamp) continue;

    const restarts = job.spec.template?.spec?.restartPolicy === 'OnFailure'
      ? pods.reduce((n, p) => n + (p.status?.containerStatuses ?? []).reduce((m: number, s: Obj) => m + (s.restartCount ?? 0), 0), 0)
      : 0;
    const live = pods.filter((p) => !terminal(p) && !p.metadata.deletionTimestamp);
    if (!jobFinished(job)) {
      if ((job.status.failed ?? 0) + restarts > backoffLimit) fail(store, job, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
      else if (job.spec.activeDeadlineSeconds !== undefined && now - Date.parse(job.status.startTime) >= job.spec.activeDeadlineSeconds * 1000) {
        fail(store, job, 'DeadlineExceeded', 'Job was active longer than specified deadline');
      } else {
        const done = indexed ? parseIndexes(job.status.completedIndexes).size >= completions : (job.status.succeeded ?? 0) >= completions;
        if (done) {
          const t = new Date(now).toISOString();
          store.update(job, (j) => {
            j.status.completionTime = t;
            j.status.conditions = [...(j.status.conditions ?? []), { type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: t }, { type: 'Complete', status: 'True', lastTransitionTime: t }];
          });
          recordEvent(store, job, 'Normal', 'Completed', 'Job completed', 'job-controller');
        }
      }
    }
    if (jobFinished(job)) {
      for (const p of live) requestDeletion(store, 'pods', p, {});
    } else if (!job.spec.suspend) {
      createPods(store, job, pods, { indexed, completions, parallelism }, o, now);
    }
    const ready = pods.filter((p) => !terminal(p) && (p.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True')).length;
    const active = pods.filter((p) => !terminal(p) && !p.metadata.deletionTimestamp).length;
    const terminating = pods.filter((p) => !terminal(p) && p.metadata.deletionTimestamp).length;
    if (job.status.active !== active || job.status.ready !== ready || job.status.terminating !== terminating) {
      store.update(job, (j) => Object.assign(j.status, { active, ready, terminating }));
    }
  }
}

function createPods(store: ObjectStore, job: Obj, pods: Obj[], s: { indexed: boolean; completions: number; parallelism: number }, o: JobControllerOptions, now: number): void {
  const failed: number = job.status.failed ?? 0;
  const last = (job as Obj & { [LAST_FAILURE]?: number })[LAST_FAILURE];
  if (failed > 0 && last !== undefined) {
    const delay = Math.min((o.backoffBaseMs ?? 10_000) * 2 ** (failed - 1), o.backoffMaxMs ?? 360_000);
    if (now < last + delay) return;
  }
  const replaceOnlyFailed = (job.spec.podReplacementPolicy ?? (job.spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed')) === 'Failed';
  const occupying = pods.filter((p) => !terminal(p) && (replaceOnlyFailed || !p.metadata.deletionTimestamp));
  let room = s.parallelism - pods.filter((p) => !terminal(p) && !p.metadata.deletionTimestamp).length;
  const wanted: (number | undefined)[] = [];
  if (s.indexed) {
    const completed = parseIndexes(job.status.completedIndexes);
    const busy = new Set(occupying.map((p) => Number(p.metadata.labels[INDEX_KEY])));
    for (let i = 0; i < s.completions; i++) if (!completed.has(i) && !busy.has(i)) wanted.push(i);
  } else {
    const n = Math.min(s.parallelism, s.completions - (job.status.succeeded ?? 0)) - occupying.length;
    for (let i = 0; i < n; i++) wanted.push(undefined);
  }
  for (const index of wanted) {
    if (room-- <= 0) break;
    const pod = newPod(store, job, index);
    const refused = o.admitPod?.(job.metadata.namespace, pod);
    if (refused) {
      // The controller retries with back-off; one event per 5 s is what a reader sees.
      const j = job as Obj & { [LAST_REFUSAL]?: number };
      if (!j[LAST_REFUSAL] || now - j[LAST_REFUSAL] >= 5000) {
        j[LAST_REFUSAL] = now;
        recordEvent(store, job, 'Warning', 'FailedCreate', `Error creating: ${refused}`, 'job-controller');
      }
      return;
    }
    store.create('pods', job.metadata.namespace, pod);
    recordEvent(store, job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'job-controller');
  }
}
