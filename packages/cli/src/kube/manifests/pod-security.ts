import type { V1PodSecurityContext, V1SecurityContext } from '@kubernetes/client-node';

/**
 * What the Pod Security Standard `restricted` asks of every pod gomr creates
 * (kubernetes.io/docs/concepts/security/pod-security-standards): a non-root user, the runtime's
 * default seccomp profile; and of every container: no privilege escalation, every capability
 * dropped. The uid is fixed so that volumes (fsGroup) are writable by it.
 */
export const POD_USER = 1000;

export const podSecurity: V1PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: POD_USER,
  runAsGroup: POD_USER,
  fsGroup: POD_USER,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const containerSecurity: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};
