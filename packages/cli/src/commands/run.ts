import { availableParallelism } from 'node:os';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { EXIT_CODE_HELP } from '../errors.js';
import { formatSummary } from '../job/format-summary.js';
import { statusJson } from '../job/status-json.js';
import { runLocalJob } from '../job/run-local-job.js';
import { storageConfigFromFlags, storageFlags } from '../storage-flags.js';
import { jobFlags, jobOptionsFromFlags } from '../job/job-flags.js';
import { interruptSignal } from '../job/interrupt-signal.js';

export default class Run extends BaseCommand {
  static override summary = 'Run a MapReduce job on this machine.';
  static override description = `Bundles WORKER (a worker.ts that calls run({ mapper, reducer })), starts a master and
--workers worker processes, runs --mappers map tasks and --reducers reduce tasks, and writes
part-00000 .. part-<R-1> to --output. Each output line is key<TAB>value, keys ascending in
UTF-8 byte order; backslash, tab, newline and carriage return in keys and string values are
written as \\\\, \\t, \\n and \\r.

A worker that calls run({ steps: [step1, step2, ...] }) runs every step in this one job: each
step's map tasks read the step before's output, and only the last step writes part files
(--reducers is the reduce count of each step that does not set its own).

${EXIT_CODE_HELP}`;

  static override examples = [
    '<%= config.bin %> run --input books/ --workers 4 --mappers 16 --reducers 4 --output /tmp/wc examples/wordcount/worker.ts',
    "<%= config.bin %> run --input 'logs/*.txt' --param pattern=ERROR --reducers 1 examples/grep/worker.ts",
    '<%= config.bin %> run --input books/ --mappers 16 --reducers 4 --dry-run examples/wordcount/worker.ts',
    '<%= config.bin %> run --input books/ --reducers 4 --param n=10 examples/top-words/worker.ts',
    '<%= config.bin %> run --input data.csv --storage s3 --s3-endpoint http://127.0.0.1:9000 --s3-access-key KEY --s3-secret-key SECRET worker.ts',
  ];

  /** --json: the final status on stdout; progress goes to stderr only without it. */
  static override enableJsonFlag = true;

  static override args = {
    worker: Args.string({ required: true, description: 'the worker file (TypeScript or JavaScript)' }),
  };

  static override flags = {
    ...jobFlags,
    workers: Flags.integer({ char: 'w', min: 1, description: 'worker processes [default: one per CPU of this machine]' }),
    mappers: Flags.integer({ char: 'm', description: 'target number of map tasks [default: 4 per worker, none under 32 MiB, a multiple of the workers]', min: 1 }),
    output: Flags.string({ char: 'o', description: 'output directory [default: gomr-output/<job id>]' }),
    overwrite: Flags.boolean({ default: false, description: 'replace a non-empty output directory' }),
    'tls-cert': Flags.string({ description: 'PEM certificate: the master serves gRPC over TLS (needs --tls-key and --tls-ca)', dependsOn: ['tls-key', 'tls-ca'] }),
    'tls-key': Flags.string({ description: 'PEM private key of --tls-cert', dependsOn: ['tls-cert'] }),
    'tls-ca': Flags.string({ description: 'PEM CA certificate workers and the CLI trust', dependsOn: ['tls-cert'] }),
    'dry-run': Flags.boolean({ default: false, description: 'print the plan (inputs, splits, tasks, partitions) and run nothing; with --json, as JSON' }),
    ...storageFlags,
  };

  /** With --json, the plan of a dry run or the final status and output files, printed by oclif. */
  async run() {
    const { args, flags } = await this.parse(Run);
    // Compiled first: a bad --param is refused before a dry run too.
    const job = jobOptionsFromFlags(flags);
    if (flags['dry-run']) {
      const { planJob } = await import('../job/plan-job.js');
      const plan = await planJob({
        workerFile: args.worker, inputs: flags.input, workers: flags.workers ?? availableParallelism(),
        ...(flags.mappers ? { maps: flags.mappers } : {}), reducers: flags.reducers, ...(flags.file?.length ? { files: flags.file } : {}),
        sortTotal: flags.sort === 'total',
      });
      const { formatPlan } = await import('../job/format-plan.js');
      if (!this.jsonEnabled()) process.stdout.write(formatPlan(plan) + '\n');
      return { dryRun: true as const, ...plan };
    }
    const log = (line: string) => !flags.quiet && process.stderr.write(`${line}\n`);
    if (flags.typecheck) (await import('../bundle/typecheck-worker.js')).assertWorkerTypechecks(args.worker);
    const interrupt = interruptSignal();
    const result = await runLocalJob({
      ...job,
      workerFile: args.worker,
      // One worker per CPU: each runs one task at a time, on one core (plus its GC threads).
      workers: flags.workers ?? availableParallelism(),
      ...(flags.mappers ? { maps: flags.mappers } : {}),
      output: flags.output,
      overwrite: flags.overwrite,
      storage: storageConfigFromFlags(flags),
      s3Access: { endpoint: flags['s3-endpoint'], accessKey: flags['s3-access-key'], secretKey: flags['s3-secret-key'] },
      ...(flags['tls-cert'] ? { tls: { cert: flags['tls-cert'], key: flags['tls-key']!, ca: flags['tls-ca']! } } : {}),
      ...(flags.quiet || this.jsonEnabled() ? {} : { progress: process.stderr }),
      log,
      onJob: (id, dir) => log(`job ${id} (logs in ${dir})`),
      signal: interrupt.signal,
    }).finally(() => {
      interrupt.release();
    });
    if (!this.jsonEnabled()) process.stdout.write(formatSummary(result.status, result.wallMs, result.outputDir, result.files.length) + '\n');
    return { ...statusJson(result.status), outputDir: result.outputDir, files: result.files, skippedFiles: result.skippedFiles, wallMs: result.wallMs };
  }
}
