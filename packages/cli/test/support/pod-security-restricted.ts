/**
 * The checks of the Pod Security Standard `restricted` (kubernetes.io/docs/concepts/security/
 * pod-security-standards: the baseline controls plus the restricted ones), applied to a pod
 * spec as the PodSecurity admission controller would: a list of violations, empty when the pod
 * is admitted. Written from the documented table, for tests of the manifests gomr generates.
 */
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';

const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

export function restrictedViolations(pod: V1PodSpec): string[] {
  const out: string[] = [];
  const containers: V1Container[] = [...(pod.initContainers ?? []), ...pod.containers];
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) out.push('host namespaces');
  for (const v of pod.volumes ?? []) {
    const kinds = Object.keys(v).filter((k) => k !== 'name');
    for (const k of kinds) if (!ALLOWED_VOLUMES.includes(k)) out.push(`volume ${v.name}: type ${k}`);
  }
  const podSc = pod.securityContext ?? {};
  if (podSc.runAsUser === 0) out.push('pod runAsUser 0');
  const podSeccomp = podSc.seccompProfile?.type;
  if (podSeccomp && podSeccomp !== 'RuntimeDefault' && podSeccomp !== 'Localhost') out.push(`pod seccomp ${podSeccomp}`);
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const name = `container ${c.name}`;
    if (sc.privileged) out.push(`${name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${name}: allowPrivilegeEscalation must be false`);
    if (!(sc.runAsNonRoot ?? podSc.runAsNonRoot)) out.push(`${name}: runAsNonRoot must be true`);
    if (sc.runAsUser === 0) out.push(`${name}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${name}: seccompProfile must be RuntimeDefault or Localhost`);
    if (!sc.capabilities?.drop?.includes('ALL')) out.push(`${name}: capabilities must drop ALL`);
    for (const add of sc.capabilities?.add ?? []) if (add !== 'NET_BIND_SERVICE') out.push(`${name}: adds capability ${add}`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${name}: hostPort ${p.hostPort}`);
  }
  return out;
}
