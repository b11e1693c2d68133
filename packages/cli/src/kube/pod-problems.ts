import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';

/**
 * What keeps a pod from running, in the pod's own words (kubernetes.io/docs/concepts/workloads/
 * pods/pod-lifecycle: a waiting container's reason and message; the PodScheduled condition).
 * `fatal`: it will not fix itself while gomr waits (an image that cannot be pulled, a container
 * that cannot start or keeps crashing). Otherwise it is reported once it has lasted
 * `reportAfterMs`, and the wait goes on (a pod unschedulable until a volume binds or a node is
 * added).
 */
export interface PodProblem {
  /** Identifies one problem across polls: "pod/NAME: REASON". */
  key: string;
  /** One line: "pod NAME: ImagePullBackOff: Back-off pulling image ...". */
  text: string;
  fatal: boolean;
  reportAfterMs: number;
}

/** Waiting reasons that do not go away by waiting. */
const FATAL_WAITING = new Set([
  'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError',
  'CreateContainerError', 'CrashLoopBackOff', 'RunContainerError',
]);
/** Terminated reasons of a container that could not start at all (an exec format error: an image for another CPU). */
const FATAL_TERMINATED = new Set(['StartError', 'ContainerCannotRun']);

/** How long a pod may stay unschedulable before gomr says so (a volume being bound takes a few seconds). */
export const UNSCHEDULABLE_REPORT_MS = 10_000;

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Words of a container that could not start at all: no retry of the same image helps. */
const EXEC_FORMAT = /exec format error/i;

/**
 * Why a pod that has ended (phase Failed; a Job's pods have restartPolicy Never, so they fail
 * instead of looping in CrashLoopBackOff) could not start its container: the runtime's
 * StartError or ContainerCannotRun, or an `exec format error` in the terminated message or in
 * `logTail` (the last lines of its log, where runc writes it). Undefined for a pod that ran and
 * failed at its work: the Job replaces it.
 */
export function startFailure(pod: V1Pod, logTail = ''): PodProblem | undefined {
  if (pod.status?.phase !== 'Failed') return undefined;
  const name = pod.metadata?.name ?? '?';
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const t = s.state?.terminated;
    if (!t) continue;
    const cannotStart = (t.reason && FATAL_TERMINATED.has(t.reason)) || EXEC_FORMAT.test(t.message ?? '');
    const inLog = EXEC_FORMAT.exec(logTail);
    if (cannotStart || inLog) {
      const why = cannotStart ? `${t.reason ?? 'Error'}${t.message ? `: ${t.message}` : ''}` : `exit ${t.exitCode}, its log says: ${logTail.split('\n').find((l) => EXEC_FORMAT.test(l))}`;
      const hint = EXEC_FORMAT.test(why) ? " (an image built for another CPU than the node's?)" : '';
      return { key: `pod/${name}: cannot start`, text: oneLine(`pod ${name}: ${why}${hint}`), fatal: true, reportAfterMs: 0 };
    }
  }
  return undefined;
}

/** Whether startFailure may need the pod's log: it failed with nothing in its status that says why. */
export function needsLogForStartFailure(pod: V1Pod): boolean {
  return pod.status?.phase === 'Failed' && !startFailure(pod) && !!pod.status.containerStatuses?.some((s) => s.state?.terminated && s.state.terminated.exitCode !== 143);
}

/** The problems of one pod now; none for a pod that runs, or has ended. */
export function podProblems(pod: V1Pod): PodProblem[] {
  const name = pod.metadata?.name ?? '?';
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || pod.metadata?.deletionTimestamp) return [];
  const out: PodProblem[] = [];
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const w = s.state?.waiting;
    const last = s.lastState?.terminated;
    const lastText = last ? `; last exit ${last.exitCode}${last.reason ? ` ${last.reason}` : ''}${last.message ? `: ${oneLine(last.message)}` : ''}` : '';
    if (w?.reason && FATAL_WAITING.has(w.reason)) {
      out.push({ key: `pod/${name}: ${w.reason}`, text: oneLine(`pod ${name}: ${w.reason}${w.message ? `: ${w.message}` : ''}${lastText}`), fatal: true, reportAfterMs: 0 });
    }
    const t = s.state?.terminated;
    if (t?.reason && FATAL_TERMINATED.has(t.reason)) {
      out.push({ key: `pod/${name}: ${t.reason}`, text: oneLine(`pod ${name}: ${t.reason}${t.message ? `: ${t.message}` : ''}`), fatal: true, reportAfterMs: 0 });
    }
  }
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) {
    const reason = unscheduled.reason ?? 'Unschedulable';
    out.push({ key: `pod/${name}: ${reason}`, text: oneLine(`pod ${name}: ${reason}${unscheduled.message ? `: ${unscheduled.message}` : ''}`), fatal: false, reportAfterMs: UNSCHEDULABLE_REPORT_MS });
  }
  return out;
}

/**
 * A controller that cannot create its pods says so in an event (FailedCreate: a quota exceeded,
 * a pod that Pod Security forbids), and no pod shows it: reported at once, not fatal (a quota
 * can free up).
 */
export function eventProblems(events: CoreV1Event[], ownerName: (name: string) => boolean): PodProblem[] {
  return events
    .filter((e) => e.type === 'Warning' && e.reason === 'FailedCreate' && ownerName(e.involvedObject?.name ?? ''))
    .map((e) => ({
      key: `${e.involvedObject.kind}/${e.involvedObject.name}: ${e.reason}: ${oneLine(e.message ?? '')}`,
      text: oneLine(`${e.involvedObject.kind} ${e.involvedObject.name}: ${e.reason}: ${e.message ?? ''}`),
      fatal: false,
      reportAfterMs: 0,
    }));
}

/**
 * Remembers when each problem was first seen, so a problem is reported once, when it has lasted
 * long enough, and a fatal one at once.
 */
export class ProblemTracker {
  private readonly firstSeen = new Map<string, number>();
  private readonly reported = new Set<string>();

  /** The fatal problems among `problems`, and the others due to be reported now (each once). */
  observe(problems: PodProblem[], nowMs = Date.now()): { fatal: PodProblem[]; report: PodProblem[] } {
    const live = new Set(problems.map((p) => p.key));
    for (const k of this.firstSeen.keys()) if (!live.has(k)) this.firstSeen.delete(k);
    const fatal: PodProblem[] = [];
    const report: PodProblem[] = [];
    for (const p of problems) {
      const since = this.firstSeen.get(p.key) ?? nowMs;
      this.firstSeen.set(p.key, since);
      if (p.fatal) fatal.push(p);
      else if (nowMs - since >= p.reportAfterMs && !this.reported.has(p.key)) {
        this.reported.add(p.key);
        report.push(p);
      }
    }
    return { fatal, report };
  }
}
