import { checkJobLimits } from '../job/job-limits.js';
import { Args, Flags } from '@oclif/core';
import type Docker from 'dockerode';
import { BaseCommand } from '../base-command.js';
import { connectDocker } from '../docker/docker-client.js';
import { buildImageSet, DEFAULT_BASE_IMAGE } from '../docker/image-set.js';
import { choosePlatform } from '../docker/image-platform.js';
import { isBuildStep } from '../docker/push-progress.js';
import { nodeArchitectures } from '../kube/node-platforms.js';
import { EXIT_CODE_HELP } from '../errors.js';
import { formatSummary } from '../job/format-summary.js';
import { statusJson } from '../job/status-json.js';
import { imageLoaderFor } from '../kube/image-loader.js';
import { imageFlags, kubeApiFromFlags, kubeFlags } from '../kube/kube-flags.js';
import { startKubeJob } from '../kube/kube-launcher.js';
import { DEFAULT_WORKER_TMP_SIZE, storageRetryEnv } from '../kube/manifests/job-manifests.js';
import { parseDurationSeconds } from '../kube/parse-duration.js';
import { checkWorkerMemoryLimit, DEFAULT_WORKER_MEMORY_LIMIT, WORKER_MEMORY_HEADROOM_MIB } from '../kube/manifests/worker-memory.js';
import { DEFAULT_MINIO_IMAGE } from '../kube/manifests/minio-manifests.js';
import { KubePortForwarder } from '../kube/port-forward.js';
import { jobFlags, jobOptionsFromFlags } from '../job/job-flags.js';
import { interruptSignal } from '../job/interrupt-signal.js';

export default class Start extends BaseCommand {
  static override summary = 'Run a MapReduce job on Kubernetes (kind, minikube, or any cluster with a registry).';
  static override description = `Step by step: reads the kubeconfig (current context or --context) and makes sure
--namespace exists; makes sure MinIO runs there (credentials generated once, kept in a Secret);
builds the master and worker images with Docker (tags are content hashes: an unchanged worker
is not rebuilt); loads them into the cluster (kind load / minikube image load / push to
--registry); uploads local inputs to MinIO through a port-forward (s3:// inputs are read in
place: buckets of the cluster's MinIO, or of --s3-endpoint, which the pods must reach); deploys the master and
--workers workers; follows the job through the master's status API; prints the summary and
where the output is, and removes the workers. MinIO and the outputs stay (gomr down removes
them). Ctrl-C detaches: the job goes on, and gomr attach JOB follows it again.

A failed master pod is replaced and resumes from the job's commit log; evicted or preempted
pods are replaced without counting as failures; the job may run for --active-deadline. A
master that stops answering is followed again while its Job is active; pods that cannot start
(an image that cannot be pulled, an exec format error, unschedulable) are reported with their
own reason.

The storage retry settings set where gomr start runs (GOMR_STORAGE_RETRY_BUDGET_MS, GOMR_STORAGE_RETRY_ATTEMPTS, GOMR_STORAGE_RETRY_BASE_MS, GOMR_STORAGE_RETRY_MAX_MS, GOMR_STORAGE_REQUEST_TIMEOUT_MS, GOMR_STORAGE_LOG_RETRIES) are passed on to the master and the workers. Every Kubernetes API request has a deadline (--request-timeout, default 15s): a cluster that does not answer in time is reported as not reachable.

${EXIT_CODE_HELP}`;

  static override examples = [
    '<%= config.bin %> start --input /tmp/input.txt --workers 2 --mappers 2 --reducers 2 examples/wordcount/worker.ts',
    '<%= config.bin %> start -i books/ -w 8 -m 64 -r 8 --context kind-gomr worker.ts',
    '<%= config.bin %> start -i data.csv --registry registry.example.com/team --context prod worker.ts',
    '<%= config.bin %> start -i s3://logs/2026/12/ --reducers 0 --output-format jsonl worker.ts   # a bucket of the cluster\'s MinIO',
    '<%= config.bin %> output <job id> -o result.txt',
  ];

  /** --json: the final status on stdout; progress goes to stderr only without it. */
  static override enableJsonFlag = true;

  static override args = {
    worker: Args.string({ required: true, description: 'the worker file (TypeScript or JavaScript)' }),
  };

  static override flags = {
    ...jobFlags,
    workers: Flags.integer({ char: 'w', default: 2, min: 1, description: 'worker pods' }),
    mappers: Flags.integer({ char: 'm', min: 1, description: 'target number of map tasks [default: 4 per worker]' }),
    'base-image': Flags.string({ default: DEFAULT_BASE_IMAGE, description: 'Node base image of the master and worker images' }),
    registry: Flags.string({ description: 'push images here (HOST[:PORT][/PATH]), with the credentials of the Docker config, for clusters that are not kind, minikube, Docker Desktop, OrbStack or Rancher Desktop' }),
    'worker-cpu': Flags.string({ default: '500m', description: 'CPU requested per worker pod' }),
    'worker-memory': Flags.string({ default: '512Mi', description: 'memory requested per worker pod' }),
    'worker-memory-limit': Flags.string({
      description: `memory limit per worker pod; must be above --executor-heap-mb [default: ${DEFAULT_WORKER_MEMORY_LIMIT}, or --executor-heap-mb + ${WORKER_MEMORY_HEADROOM_MIB}Mi if more]`,
    }),
    'minio-image': Flags.string({
      default: DEFAULT_MINIO_IMAGE,
      description: 'MinIO image, used when MinIO is first created (minio/minio is gone from Docker Hub; quay.io has the last community release)',
    }),
    'minio-size': Flags.string({ default: '10Gi', description: 'size of the MinIO volume (used when it is first created)' }),
    'storage-class': Flags.string({ description: 'storage class of the MinIO volume [default: the cluster default]' }),
    'minio-timeout': Flags.integer({ default: 180, min: 1, description: 'seconds to wait for MinIO to be ready' }),
    'active-deadline': Flags.string({
      default: '24h',
      description: 'how long the job may run before Kubernetes stops its master and workers (activeDeadlineSeconds): 24h, 90m, 1h30m, or seconds',
    }),
    'cluster-domain': Flags.string({ description: "the cluster's DNS domain, for fully qualified Service names [default: short names, which resolve in the namespace]" }),
    'worker-tmp-size': Flags.string({ default: DEFAULT_WORKER_TMP_SIZE, description: "size limit of each worker pod's /tmp (spills); a pod that outgrows it is evicted and replaced" }),
    's3-endpoint': Flags.string({ description: "S3 endpoint of s3:// inputs outside the cluster's MinIO (the pods read it too) [default: s3:// inputs are buckets of the cluster's MinIO]" }),
    's3-access-key': Flags.string({ description: 'access key for --s3-endpoint', dependsOn: ['s3-endpoint'] }),
    's3-secret-key': Flags.string({ description: 'secret key for --s3-endpoint', dependsOn: ['s3-endpoint'] }),
    ...kubeFlags,
    ...imageFlags,
  };

  /** With --json, the final status and where the output is, printed by oclif. */
  async run() {
    const { args, flags } = await this.parse(Start);
    const job = jobOptionsFromFlags(flags);
    const activeDeadlineSeconds = parseDurationSeconds('active-deadline', flags['active-deadline']);
    checkWorkerMemoryLimit(flags['worker-memory-limit'], flags['executor-heap-mb']);
    // Workers are pods here, not processes of this machine: only the task counts are limited.
    checkJobLimits({ ...(flags.mappers ? { maps: flags.mappers } : {}), reducers: flags.reducers });
    const log = (line: string) => !flags.quiet && process.stderr.write(`${line}\n`);
    if (flags.typecheck) (await import('../bundle/typecheck-worker.js')).assertWorkerTypechecks(args.worker);
    // The master plans a job of steps from the spec: the worker file says whether it is one.
    const { checkWorkerFile, planSteps } = await import('../job/plan-steps.js');
    const steps = planSteps(await checkWorkerFile(args.worker), flags.reducers);
    const api = kubeApiFromFlags(flags);
    let docker: Docker | undefined;
    const interrupt = interruptSignal();
    try {
      const result = await startKubeJob(
        {
          ...job,
          workerFile: args.worker,
          s3Access: { endpoint: flags['s3-endpoint'], accessKey: flags['s3-access-key'], secretKey: flags['s3-secret-key'] },
          workers: flags.workers,
          maps: flags.mappers ?? flags.workers * 4,
          ...(steps ? { steps } : {}),
          namespace: flags.namespace,
          minio: { image: flags['minio-image'], volumeSize: flags['minio-size'], storageClass: flags['storage-class'] },
          minioTimeoutMs: flags['minio-timeout'] * 1000,
          activeDeadlineSeconds,
          ...(flags['cluster-domain'] ? { clusterDomain: flags['cluster-domain'] } : {}),
          workerTmpSize: flags['worker-tmp-size'],
          workerResources: { cpu: flags['worker-cpu'], memory: flags['worker-memory'], memoryLimit: flags['worker-memory-limit'] },
          storageEnv: storageRetryEnv(process.env),
          ...(flags['image-pull-secret'] ? { imagePullSecret: flags['image-pull-secret'] } : {}),
          ...(flags.quiet || this.jsonEnabled() ? {} : { progress: process.stderr }),
          log,
          signal: interrupt.signal,
        },
        {
          api,
          preflight: async () => {
            docker = await connectDocker();
          },
          buildImages: async () => {
            docker ??= await connectDocker();
            const nodes = flags.platform ? {} : await nodeArchitectures(api);
            const { platform, reason } = choosePlatform(nodes.nodes, flags.platform, nodes.error);
            log(`      platform ${reason}`);
            const set = await buildImageSet(docker, { workerFile: args.worker, baseImage: flags['base-image'], repository: flags.registry, ...(platform ? { platform } : {}), onLine: (image, line) => isBuildStep(line) && log(`      ${image}: ${line}`) });
            for (const i of [set.master, set.worker]) log(`      ${i.built ? 'built' : 'unchanged'} ${i.tag}`);
            return { master: set.master.tag, worker: set.worker.tag, workerBundle: set.workerBundle };
          },
          imageLoader: imageLoaderFor(api.ctx.flavor, api.ctx.clusterName, flags.registry, () => docker!, flags.quiet ? undefined : log),
          portForwarder: new KubePortForwarder(api.ctx, api.requestTimeoutMs),
        },
      );
      if (!this.jsonEnabled()) {
        process.stdout.write(
          `${formatSummary(result.status, result.wallMs, undefined, 0)}\n` +
            `  stored    ${result.outputPrefix} in MinIO (namespace ${result.namespace}, service gomr-minio)\n` +
            `  download  gomr output ${result.jobId} -o result.txt${result.namespace === 'gomr' ? '' : ` -n ${result.namespace}`}\n`,
        );
      }
      return { ...statusJson(result.status), namespace: result.namespace, outputPrefix: result.outputPrefix, images: result.images, wallMs: result.wallMs };
    } finally {
      interrupt.release();
    }
  }
}
