/**
 * A pod's container as the kubelet resolves it before starting it: environment (value,
 * secretKeyRef, fieldRef), volumes (secret files, emptyDir and claim directories), user, and
 * the /etc/hosts entries standing in for cluster DNS.
 *
 * Pods share this machine's network (Docker host networking), so each pod has its own
 * loopback address (its podIP, 127.x.y.z) and a listen address 0.0.0.0 in its environment is
 * rewritten to it: two pods can then both listen on 7070, as in a cluster. That rewrite is the
 * one liberty taken with what the manifests say.
 */
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectStore, Obj } from './store.js';

/** A reason the container cannot be created: CreateContainerConfigError and its message. */
export class ContainerConfigError extends Error {}

export interface ResolvedContainer {
  env: Record<string, string>;
  /** mountPath -> host directory (with readOnly). */
  mounts: { host: string; path: string; readOnly: boolean }[];
  user?: string;
  extraHosts: string[];
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

export async function resolveContainer(store: ObjectStore, pod: Obj, container: Obj, podIP: string, claimDir: (ns: string, claim: string) => Promise<string>, scratch: string): Promise<ResolvedContainer> {
  const ns: string = pod.metadata.namespace;
  const secret = (name: string) => {
    const s = store.get('secrets', ns, name);
    if (!s) throw new ContainerConfigError(`secret "${name}" not found`);
    return s;
  };
  const env: Record<string, string> = {};
  for (const e of (container.env ?? []) as Obj[]) {
    let value: string | undefined = e.value;
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) {
      const data = secret(ref.name).data ?? {};
      if (!(ref.key in data)) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
      }
      value = decode(data[ref.key]);
    }
    const field = e.valueFrom?.fieldRef?.fieldPath as string | undefined;
    if (field) {
      const m = /^metadata\.(?:annotations|labels)\['(.+)'\]$/.exec(field);
      value = field === 'metadata.name' ? pod.metadata.name : field === 'metadata.namespace' ? ns : field === 'status.podIP' ? podIP : field === 'spec.nodeName' ? pod.spec.nodeName
        : m ? (pod.metadata.annotations?.[m[1]!] ?? pod.metadata.labels?.[m[1]!]) : undefined;
    }
    if (value !== undefined) env[e.name] = value.replace(/(^|[^\d.])0\.0\.0\.0:/g, `$1${podIP}:`);
  }
  const mounts: ResolvedContainer['mounts'] = [];
  const volumes = new Map<string, Obj>(((pod.spec.volumes ?? []) as Obj[]).map((v) => [v.name, v]));
  for (const m of (container.volumeMounts ?? []) as Obj[]) {
    const v = volumes.get(m.name);
    if (!v) throw new ContainerConfigError(`volume "${m.name}" not found in the pod`);
    let host: string;
    if (v.secret) {
      const data: Record<string, string> = secret(v.secret.secretName).data ?? {};
      host = await mkdtemp(join(scratch, 'secret-'));
      const items: { key: string; path: string }[] = v.secret.items ?? Object.keys(data).map((k) => ({ key: k, path: k }));
      for (const it of items) {
        if (!(it.key in data)) throw new ContainerConfigError(`couldn't find key ${it.key} in Secret ${ns}/${v.secret.secretName}`);
        await writeFile(join(host, it.path), decode(data[it.key]!), { mode: v.secret.defaultMode ?? 0o644 });
      }
      await chmod(host, 0o755);
    } else if (v.emptyDir) {
      host = join(scratch, `empty-${v.name}`);
      await mkdir(host, { recursive: true });
      // fsGroup makes it writable by the pod's group; world-writable with the sticky bit is
      // the same for one user.
      await chmod(host, 0o1777);
    } else if (v.persistentVolumeClaim) {
      host = await claimDir(ns, v.persistentVolumeClaim.claimName);
    } else {
      throw new ContainerConfigError(`volume "${m.name}": only secret, emptyDir and persistentVolumeClaim volumes run here`);
    }
    mounts.push({ host, path: m.mountPath, readOnly: !!m.readOnly || !!v.secret });
  }
  const sc = { ...pod.spec.securityContext, ...container.securityContext };
  const user = sc.runAsUser !== undefined ? `${sc.runAsUser}${sc.runAsGroup !== undefined ? `:${sc.runAsGroup}` : ''}` : undefined;
  const extraHosts: string[] = [];
  for (const svc of store.list('services', ns)) {
    const ip = svc.spec?.clusterIP;
    if (!ip || svc.metadata.deletionTimestamp) continue;
    const n = svc.metadata.name;
    for (const host of [n, `${n}.${ns}`, `${n}.${ns}.svc`, `${n}.${ns}.svc.cluster.local`]) extraHosts.push(`${host}:${ip}`);
  }
  return { env, mounts, user, extraHosts };
}

export async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gomr-kubelet-'));
  await chmod(dir, 0o755);
  return dir;
}
