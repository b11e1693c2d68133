/**
 * How gomr reads a pod's status (the reasons of kubernetes.io/docs/concepts/workloads/pods/
 * pod-lifecycle): which problems end a wait at once, which are reported once they last, and
 * that each is said once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { eventProblems, needsLogForStartFailure, podProblems, ProblemTracker, startFailure, UNSCHEDULABLE_REPORT_MS } from '../../src/kube/pod-problems.js';

const pod = (status: V1Pod['status'], extra: Partial<V1Pod['metadata']> = {}): V1Pod => ({ metadata: { name: 'p', ...extra }, status });
const waitingPod = (reason: string, message = 'm') => pod({ phase: 'Pending', containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason, message } } }] });

test('image and start failures are fatal; a crash loop carries its last exit (exec format error)', () => {
  for (const reason of ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CrashLoopBackOff']) {
    const [p] = podProblems(waitingPod(reason, 'why'));
    assert.equal(p?.fatal, true, reason);
    assert.equal(p?.text, `pod p: ${reason}: why`);
  }
  const crash = pod({
    phase: 'Running',
    containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } }, lastState: { terminated: { exitCode: 255, reason: 'Error', message: 'exec /usr/local/bin/node: exec format error' } } }],
  });
  assert.equal(podProblems(crash)[0]!.text, 'pod p: CrashLoopBackOff: back-off 40s; last exit 255 Error: exec /usr/local/bin/node: exec format error');
  // Waiting for an image to be pulled for the first time, or running: nothing wrong.
  assert.deepEqual(podProblems(waitingPod('ContainerCreating')), []);
  assert.deepEqual(podProblems(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] })), []);
  // A pod that has ended, or is being deleted, is the controller's business.
  assert.deepEqual(podProblems({ ...waitingPod('ImagePullBackOff'), status: { ...waitingPod('ImagePullBackOff').status, phase: 'Failed' } }), []);
  assert.deepEqual(podProblems({ ...waitingPod('ImagePullBackOff'), metadata: { name: 'p', deletionTimestamp: new Date() } }), []);
});

test('unschedulable is reported once it has lasted UNSCHEDULABLE_REPORT_MS, and only once; FailedCreate events at once', () => {
  const unschedulable = pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }] });
  const [p] = podProblems(unschedulable);
  assert.equal(p!.fatal, false);
  assert.equal(p!.text, 'pod p: Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.');
  const tracker = new ProblemTracker();
  assert.deepEqual(tracker.observe([p!], 1000).report, []);
  assert.deepEqual(tracker.observe([p!], 1000 + UNSCHEDULABLE_REPORT_MS - 1).report, []);
  assert.deepEqual(tracker.observe([p!], 1000 + UNSCHEDULABLE_REPORT_MS).report, [p]);
  assert.deepEqual(tracker.observe([p!], 1000 + UNSCHEDULABLE_REPORT_MS + 5000).report, [], 'said once');
  // A problem that went away and came back starts its clock again.
  const fresh = new ProblemTracker();
  fresh.observe([p!], 0);
  fresh.observe([], 5000);
  assert.deepEqual(fresh.observe([p!], UNSCHEDULABLE_REPORT_MS + 1).report, []);

  const events = [
    { type: 'Warning', reason: 'FailedCreate', message: 'pods "w-0" is forbidden: violates PodSecurity "restricted:latest"', involvedObject: { kind: 'Job', name: 'gomr-workers-j' }, metadata: {} },
    { type: 'Warning', reason: 'FailedCreate', message: 'other', involvedObject: { kind: 'Job', name: 'someone-else' }, metadata: {} },
    { type: 'Normal', reason: 'SuccessfulCreate', message: 'x', involvedObject: { kind: 'Job', name: 'gomr-workers-j' }, metadata: {} },
  ];
  const found = eventProblems(events, (n) => n === 'gomr-workers-j');
  assert.deepEqual(found.map((x) => x.text), ['Job gomr-workers-j: FailedCreate: pods "w-0" is forbidden: violates PodSecurity "restricted:latest"']);
  assert.deepEqual(new ProblemTracker().observe(found, 0).report, found);
});

test('a failed Job pod that could not start is a start failure; one that failed at its work, or was stopped by SIGTERM, is not', () => {
  const failed = (terminated: object) => pod({ phase: 'Failed', containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: terminated as never } }] });
  const start = failed({ exitCode: 128, reason: 'StartError', message: 'exec: "node": exec format error' });
  assert.equal(startFailure(start)!.text, "pod p: StartError: exec: \"node\": exec format error (an image built for another CPU than the node's?)");
  assert.equal(needsLogForStartFailure(start), false);
  // runc writes the exec failure into the container's log, exit 255: found there.
  const logged = failed({ exitCode: 255, reason: 'Error' });
  assert.equal(startFailure(logged), undefined);
  assert.equal(needsLogForStartFailure(logged), true);
  assert.equal(startFailure(logged, 'exec /usr/local/bin/node: exec format error\n')!.text, "pod p: exit 255, its log says: exec /usr/local/bin/node: exec format error (an image built for another CPU than the node's?)");
  // A worker that threw, or was drained by SIGTERM (exit 143): the Job replaces it.
  assert.equal(startFailure(failed({ exitCode: 1, reason: 'Error' }), 'worker fatal: master unreachable'), undefined);
  assert.equal(needsLogForStartFailure(failed({ exitCode: 143, reason: 'Error' })), false);
  assert.equal(startFailure(waitingPod('ErrImagePull')), undefined, 'only pods that have ended');
});
