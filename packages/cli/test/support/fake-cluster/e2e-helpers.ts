/** What the Docker cluster tests share: the CLI's runs, MinIO's contents, the tasks that ran. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStorage, type Storage } from '@gomr/storage';
import { countWords, repoRoot } from '../run-gomr.js';
import type { DockerCluster } from './docker-cluster.js';
import type { Obj } from './store.js';

export const INPUTS = ['river.txt', 'lighthouse.txt', 'market.txt'].map((f) => join(repoRoot, 'examples/data', f));
export const WORDCOUNT = join(repoRoot, 'examples/wordcount/worker.ts');
export const SLOW_WORKER = join(repoRoot, 'packages/cli/test/fixtures/slow-count-worker.ts');

export async function expectedCounts(): Promise<Map<string, number>> {
  return countWords(await Promise.all(INPUTS.map((f) => readFile(f, 'utf8'))));
}

export function parseCounts(text: string): Map<string, number> {
  const got = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [word, n] = line.split('\t');
    if (got.has(word!)) throw new Error(`${word} appears twice in the output`);
    got.set(word!, Number(n));
  }
  return got;
}

export async function waitFor<T>(what: string, f: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The job gomr start created (its master Job's name). */
export function jobIdOf(cluster: DockerCluster): string | undefined {
  const master = cluster.api.list('jobs').find((j) => j.metadata.name.startsWith('gomr-master-'));
  return master?.metadata.name.slice('gomr-master-'.length);
}

export const podsOf = (cluster: DockerCluster, component: 'master' | 'worker' | 'minio'): Obj[] =>
  cluster.api.list('pods').filter((p) => p.metadata.labels?.['app.kubernetes.io/component'] === component);

export const running = (p: Obj) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp;

/** MinIO (the s3rver in its pod) opened from here, with the credentials in its Secret. */
export async function openMinio(cluster: DockerCluster): Promise<Storage> {
  const pod = await waitFor('a running MinIO pod', () => podsOf(cluster, 'minio').find(running));
  const secret = cluster.api.get('secrets', 'gomr-minio-credentials')!;
  const d = (k: string) => Buffer.from(secret.data[k], 'base64').toString();
  return openStorage({ kind: 's3', endpoint: `http://${pod.status.podIP}:9000`, bucket: 'gomr', accessKey: d('MINIO_ROOT_USER'), secretKey: d('MINIO_ROOT_PASSWORD') });
}

/** Task ids in a job's commit log (an object holds one record, or a batch of them). */
export async function committedTasks(storage: Storage, jobId: string): Promise<string[]> {
  const out: string[] = [];
  for (const o of await storage.list(`jobs/${jobId}/commits/`)) {
    const parsed = JSON.parse((await storage.get(o.key)).toString('utf8')) as { taskId: string } | { taskId: string }[];
    for (const r of Array.isArray(parsed) ? parsed : [parsed]) out.push(r.taskId);
  }
  return out;
}

/**
 * Tasks that started after `since` (ms), from the "EXEC task attempt" lines of every worker
 * container (docker's timestamp first; the worker labels user output with its task).
 */
export function taskRunsSince(cluster: DockerCluster, since: number): string[] {
  const runs: string[] = [];
  for (const t of cluster.kubelet.transcripts) {
    for (const m of t.text.matchAll(/^(\S+) (?:\[\S+\] )?EXEC (\S+) \d+$/gm)) if (Date.parse(m[1]!) > since) runs.push(m[2]!);
  }
  return runs;
}
