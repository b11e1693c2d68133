import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { EXIT_CODE_HELP, UsageError } from '../errors.js';
import { downloadJobOutput, type DownloadedOutput } from '../kube/job-output.js';
import { kubeApiFromFlags, kubeFlags } from '../kube/kube-flags.js';
import { withMinio } from '../kube/kube-launcher.js';
import { readMinioCredentials } from '../kube/minio.js';
import { KubePortForwarder } from '../kube/port-forward.js';
import { resolveJobIdWithStore } from '../kube/resolve-stored-job.js';

export default class Output extends BaseCommand {
  static override summary = "Download a Kubernetes job's output from the cluster's MinIO.";
  static override description = `Reads jobs/<JOB>/output/part-* through a port-forward to MinIO; a job is found by its master
Job or, after gomr down, by its data in MinIO. By default the part files
are concatenated, in part order, to stdout; -o writes them to one file, --dir copies them as
they are.

${EXIT_CODE_HELP}`;

  static override examples = [
    '<%= config.bin %> output 20261122-231502-3f9a -o result.txt',
    '<%= config.bin %> output 20261122-231502-3f9a --dir wc-output/',
    '<%= config.bin %> output 20261122-231502-3f9a --skipped | head   # what --skip-bad-records left out, with the errors',
    '<%= config.bin %> output | sort -t "$(printf \'\\t\')" -k2 -nr | head   # the newest job, to stdout',
  ];

  /** --json: what was downloaded; needs -o FILE or --dir, as stdout cannot carry both. */
  static override enableJsonFlag = true;

  static override args = { job: Args.string({ description: 'job id [default: the newest job]' }) };

  static override flags = {
    output: Flags.string({ char: 'o', exclusive: ['dir'], description: "one file with every part, in order ('-': stdout)" }),
    dir: Flags.string({ exclusive: ['output'], description: 'a folder to copy the part files into (and the dead-letter files into its _skipped/)' }),
    skipped: Flags.boolean({ default: false, description: "the records --skip-bad-records left out instead (output/_skipped/<task>.jsonl: one JSON line each, with its error)" }),
    ...kubeFlags,
  };

  async run(): Promise<{ jobId: string } & DownloadedOutput> {
    const { args, flags } = await this.parse(Output);
    if (this.jsonEnabled() && !flags.dir && (!flags.output || flags.output === '-')) {
      throw new UsageError('--json needs -o FILE or --dir DIR (stdout carries the data)');
    }
    const api = kubeApiFromFlags(flags);
    const credentials = await readMinioCredentials(api, flags.namespace);
    if (!credentials) throw new UsageError(`no MinIO credentials in namespace ${flags.namespace}; was gomr start run there?`);
    const { jobId, ...result } = await withMinio({ api, portForwarder: new KubePortForwarder(api.ctx, api.requestTimeoutMs) }, flags.namespace, credentials, 30_000, async (storage) => {
      // Jobs whose master Job `gomr down` deleted are found by their data in MinIO.
      const id = await resolveJobIdWithStore(api, flags.namespace, args.job, storage);
      return { jobId: id, ...(await downloadJobOutput(storage, id, { file: flags.output, dir: flags.dir, skipped: flags.skipped })) };
    });
    if (!this.jsonEnabled() && result.files.length) process.stderr.write(`${result.parts.length} ${flags.skipped ? 'dead-letter' : 'part'} files, ${result.bytes} bytes -> ${flags.dir ?? flags.output}\n`);
    return { jobId, ...result };
  }
}
