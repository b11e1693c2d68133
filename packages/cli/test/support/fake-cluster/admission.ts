/**
 * What the API server refuses at create time, with the status, reason and message a real one
 * answers:
 * - NamespaceLifecycle (https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#namespacelifecycle):
 *   nothing new in a namespace that does not exist (404 NotFound) or is terminating (403
 *   Forbidden, `<resource> "<name>" is forbidden: unable to create new content in namespace
 *   <ns> because it is being terminated`, cause NamespaceTerminating).
 * - A name that exists, even one being deleted: 409 AlreadyExists (`object is being deleted:
 *   ...` while it carries a deletionTimestamp).
 * - Pod Security admission (https://kubernetes.io/docs/concepts/security/pod-security-standards/,
 *   https://kubernetes.io/docs/concepts/security/pod-security-admission/): pods in a namespace
 *   labelled `pod-security.kubernetes.io/enforce: restricted` must run as non-root, with
 *   allowPrivilegeEscalation false, all capabilities dropped and a RuntimeDefault or Localhost
 *   seccomp profile, and no hostPath volumes; otherwise `pods "<name>" is forbidden: violates
 *   PodSecurity "restricted:latest": ...`. Workload objects (Jobs, Deployments) are only warned
 *   about by the real plugin; their pods are what it refuses, which the controllers report as
 *   FailedCreate events.
 * - ResourceQuota (https://kubernetes.io/docs/concepts/policy/resource-quotas/), object count
 *   `pods` only: a pod that would bring the namespace's non-terminal pods over a quota's
 *   `spec.hard.pods` is refused, 403 `pods "<name>" is forbidden: exceeded quota: <quota>,
 *   requested: pods=1, used: pods=<n>, limited: pods=<hard>`.
 */
import type { ObjectStore, Obj } from './store.js';

export interface Refusal {
  code: number;
  reason: string;
  message: string;
  details?: Obj;
}

export function admitCreate(store: ObjectStore, resource: string, namespace: string, obj: Obj): Refusal | undefined {
  const name: string = obj.metadata?.name;
  if (resource !== 'namespaces') {
    const ns = store.get('namespaces', '', namespace);
    if (!ns) return { code: 404, reason: 'NotFound', message: `namespaces "${namespace}" not found`, details: { name: namespace, kind: 'namespaces' } };
    if (ns.metadata.deletionTimestamp && resource !== 'events') {
      return {
        code: 403, reason: 'Forbidden',
        message: `${resource} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        details: { name, kind: resource, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] },
      };
    }
  }
  const existing = store.get(resource, namespace, name);
  if (existing) {
    return {
      code: 409, reason: 'AlreadyExists',
      message: `${existing.metadata.deletionTimestamp ? 'object is being deleted: ' : ''}${resource} "${name}" already exists`,
      details: { name, kind: resource },
    };
  }
  if (resource === 'pods') {
    const why = podAdmission(store, namespace, obj);
    if (why) return { code: 403, reason: 'Forbidden', message: why, details: { name, kind: 'pods' } };
  }
  return undefined;
}

/** Every plugin that refuses pods, in the API server's order; undefined when admitted. */
export function podAdmission(store: ObjectStore, namespace: string, pod: Obj): string | undefined {
  return podSecurityViolation(store, namespace, pod) ?? quotaViolation(store, namespace, pod);
}

/** The first ResourceQuota whose `pods` count this pod would exceed. */
export function quotaViolation(store: ObjectStore, namespace: string, pod: Obj): string | undefined {
  const terminal = (p: Obj) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
  for (const q of store.list('resourcequotas', namespace)) {
    const hard = q.spec?.hard?.pods;
    if (hard === undefined) continue;
    const used = store.list('pods', namespace).filter((p) => !terminal(p)).length;
    if (used + 1 > Number(hard)) {
      return `pods "${pod.metadata.name}" is forbidden: exceeded quota: ${q.metadata.name}, requested: pods=1, used: pods=${used}, limited: pods=${hard}`;
    }
  }
  return undefined;
}

/** The restricted standard's checks that gomr's pods meet or miss; undefined when admitted. */
export function podSecurityViolation(store: ObjectStore, namespace: string, pod: Obj): string | undefined {
  const level = store.get('namespaces', '', namespace)?.metadata?.labels?.['pod-security.kubernetes.io/enforce'];
  if (level !== 'restricted') return undefined;
  const spec = pod.spec ?? {};
  const podSc = spec.securityContext ?? {};
  const containers: Obj[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const problems: string[] = [];
  const names = (f: (c: Obj) => boolean) => containers.filter(f).map((c) => `"${c.name}"`).join(', ');
  const list = (cs: string, what: string) => (cs.includes(',') ? `containers ${cs} must ${what}` : `container ${cs} must ${what}`);
  const ape = names((c) => c.securityContext?.allowPrivilegeEscalation !== false);
  if (ape) problems.push(`allowPrivilegeEscalation != false (${list(ape, 'set securityContext.allowPrivilegeEscalation=false')})`);
  const caps = names((c) => !(c.securityContext?.capabilities?.drop ?? []).includes('ALL'));
  if (caps) problems.push(`unrestricted capabilities (${list(caps, 'set securityContext.capabilities.drop=["ALL"]')})`);
  const nonRoot = names((c) => (c.securityContext?.runAsNonRoot ?? podSc.runAsNonRoot) !== true);
  if (nonRoot) problems.push(`runAsNonRoot != true (pod or ${list(nonRoot, 'set securityContext.runAsNonRoot=true')})`);
  const seccompOk = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';
  const seccomp = names((c) => !seccompOk(c.securityContext?.seccompProfile?.type ?? podSc.seccompProfile?.type));
  if (seccomp) problems.push(`seccompProfile (pod or ${list(seccomp, 'set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"')})`);
  const hostPath = (spec.volumes ?? []).filter((v: Obj) => v.hostPath).map((v: Obj) => `"${v.name}"`);
  if (hostPath.length) problems.push(`restricted volume types (volume ${hostPath.join(', ')} uses restricted volume type "hostPath")`);
  return problems.length ? `pods "${pod.metadata.name}" is forbidden: violates PodSecurity "restricted:latest": ${problems.join(', ')}` : undefined;
}
