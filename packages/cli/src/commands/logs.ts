import { existsSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { openStorage, type StorageConfig } from '@gomr/storage';
import { BaseCommand } from '../base-command.js';
import { EXIT, EXIT_CODE_HELP, GomrError, StorageError, UsageError } from '../errors.js';
import { localJobDir } from '../job/gomr-home.js';
import { checkJobId, localJobStorage } from '../job/load-job-snapshot.js';
import { resolveJobId } from '../kube/find-job.js';
import { kubeApiFromFlags, kubeFlags } from '../kube/kube-flags.js';
import { withMinio } from '../kube/kube-launcher.js';
import { readMinioCredentials } from '../kube/minio.js';
import { KubePortForwarder } from '../kube/port-forward.js';
import { streamPodLog } from '../kube/pod-logs.js';
import { resolveJobIdWithStore } from '../kube/resolve-stored-job.js';
import { readStoredLog, type LogSelection } from '../logs/stored-logs.js';
import { storageConfigFromFlags, storageFlags } from '../storage-flags.js';

/** How long a stored log waits for MinIO's pod (it runs between jobs; a short wait is enough). */
const MINIO_WAIT_MS = 5000;

const KUBE_FLAGS = new Set(['kube', 'context', 'namespace', 'kubeconfig']);
const STORAGE_FLAGS = new Set(['storage', 'store', 's3-endpoint', 's3-bucket', 's3-access-key', 's3-secret-key']);

export default class Logs extends BaseCommand {
  static override summary = "Print the log of a job's master, of one of its workers, or every line about one task.";
  static override description = `The master and every worker ship their log (everything they print, the user's
console output included, each line of it prefixed with its task: [m-00003#2]) to the job's
prefix in storage, jobs/<JOB>/logs/<name>/, every few seconds and when they exit: a worker
killed with SIGKILL loses at most its last 2 s. So the logs of any past job can be read, after
its processes, pods and gomr down are gone.

Which job: one run on this machine when ~/.gomr/jobs/<JOB> exists or a storage flag is given
(read from the store it ran with); otherwise, or with --kube, --context, --namespace or
--kubeconfig, a job on Kubernetes. There a pod that still exists is read live (as kubectl logs;
-f follows it); once it is gone (workers are removed when the job ends, the master by gomr
down) the stored log is read from the namespace's MinIO, through a port-forward. --stored
reads storage even while the pod exists (every restart of the worker or master, not only the
newest pod's). --task T prints every stored line that names task T, from all the logs.
Worker N is worker slot N of gomr run, or the pod with completion index N on Kubernetes.

${EXIT_CODE_HELP}`;

  static override examples = [
    '<%= config.bin %> logs 20261122-231502-3f9a --worker 1          # a job of this machine, or of the cluster',
    '<%= config.bin %> logs 20261122-231502-3f9a --task m-00003      # the user output and every line about one task',
    '<%= config.bin %> logs                                          # the master of the newest job on Kubernetes',
    '<%= config.bin %> logs 20261122-231502-3f9a --worker 1 -f --kube',
    '<%= config.bin %> logs --master --tail 50 --stored -n team-a',
  ];

  static override args = { job: Args.string({ description: 'job id [default: the newest job on Kubernetes]' }) };

  static override flags = {
    worker: Flags.integer({ min: 0, exclusive: ['master', 'task'], description: 'the log of worker N' }),
    master: Flags.boolean({ default: false, exclusive: ['worker', 'task'], description: "the master's log (the default)" }),
    task: Flags.string({ exclusive: ['worker', 'master', 'follow'], description: 'every stored log line that names task T (m-00003, r-00000), with the log it is from' }),
    follow: Flags.boolean({ char: 'f', default: false, description: 'Kubernetes: keep printing new lines until the pod ends (Ctrl-C stops)' }),
    tail: Flags.integer({ min: 1, description: 'only the last N lines' }),
    stored: Flags.boolean({ default: false, exclusive: ['follow'], description: 'Kubernetes: read the log from MinIO even while its pod exists' }),
    kube: Flags.boolean({ default: false, description: 'the job is on Kubernetes (implied by --context, --namespace, --kubeconfig)' }),
    ...kubeFlags,
    ...storageFlags,
  };

  async run(): Promise<void> {
    const { args, flags, raw } = await this.parse(Logs);
    const given = raw.filter((t) => t.type === 'flag').map((t) => (t as { flag?: string }).flag ?? '');
    const kube = given.some((f) => KUBE_FLAGS.has(f));
    const storageGiven = given.find((f) => STORAGE_FLAGS.has(f));
    if (kube && storageGiven) throw new UsageError(`--${storageGiven} names a store of this machine or S3; on Kubernetes the cluster's MinIO is read (leave out one of them)`);
    const sel: LogSelection = { worker: flags.worker, task: flags.task, tail: flags.tail };
    if (args.job) checkJobId(args.job);
    const local = !kube && args.job !== undefined && (storageGiven !== undefined || existsSync(localJobDir(args.job)));
    if (local) {
      const own = storageGiven ? undefined : await localJobStorage(args.job!);
      process.stdout.write(await this.fromStore(own ?? storageConfigFromFlags(flags), args.job!, sel));
      return;
    }
    const api = kubeApiFromFlags(flags);
    const namespace = flags.namespace;
    let noPod = '';
    if (!flags.stored && flags.task === undefined) {
      const live = await this.fromPod(api, namespace, args.job, flags);
      if (live === true) return;
      noPod = live;
    }
    // Said with the reason there was no pod, when storage cannot answer either.
    const both = (why: string) => (noPod ? `${noPod}; and its stored log cannot be read: ${why}` : why);
    const credentials = await readMinioCredentials(api, namespace);
    if (!credentials) throw new UsageError(both(`no MinIO credentials in namespace ${namespace} (was gomr start run there, and not gomr down --purge?)`));
    const text = await withMinio({ api, portForwarder: new KubePortForwarder(api.ctx, api.requestTimeoutMs) }, namespace, credentials, MINIO_WAIT_MS, async (storage) =>
      readStoredLog(storage, await resolveJobIdWithStore(api, namespace, args.job, storage), sel),
    ).catch((err: unknown) => {
      if (err instanceof GomrError && noPod && err.exitCode === EXIT.CLUSTER) throw new UsageError(both(err.message));
      throw err;
    });
    process.stdout.write(text);
  }

  /** A job of this machine: its log in the store it ran with. */
  private async fromStore(config: StorageConfig, jobId: string, sel: LogSelection): Promise<string> {
    const storage = await openStorage(config).catch((err: Error) => {
      throw new StorageError(`cannot open storage: ${err.message}`);
    });
    try {
      return await readStoredLog(storage, jobId, sel);
    } finally {
      await storage.close();
    }
  }

  /**
   * The live pod's log, as kubectl logs gives it (true); when there is no such pod, or no job
   * Kubernetes knows of, why (the caller reads the stored log instead).
   */
  private async fromPod(api: ReturnType<typeof kubeApiFromFlags>, namespace: string, job: string | undefined, flags: { worker?: number | undefined; follow: boolean; tail?: number | undefined }): Promise<true | string> {
    let jobId: string;
    try {
      jobId = await resolveJobId(api, namespace, job);
    } catch (err) {
      // After gomr down no master Job is left: the job is then found by its data in MinIO.
      if (err instanceof GomrError && err.exitCode === EXIT.USAGE) return err.message;
      throw err;
    }
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    try {
      await streamPodLog(api, { namespace, jobId, worker: flags.worker, follow: flags.follow, tailLines: flags.tail, out: process.stdout, signal: abort.signal });
      return true;
    } catch (err) {
      // No pod any more (a worker removed when the job ended): its log is in storage.
      if (err instanceof GomrError && err.exitCode === EXIT.USAGE && /^no pod for/.test(err.message)) {
        if (flags.follow) process.stderr.write(`${err.message}; printing its stored log instead (it cannot be followed)\n`);
        return err.message;
      }
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
    }
  }
}
