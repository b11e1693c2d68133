import { availableParallelism } from 'node:os';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { EXIT_CODE_HELP } from '../errors.js';
import { formatSummary } from '../job/format-summary.js';
import { runLocalJob } from '../job/run-local-job.js';
import { storageConfigFromFlags, storageFlags } from '../storage-flags.js';
import { executorHeapFlag } from '../executor-heap-flag.js';
import { parseParams } from '../job/parse-params.js';
import { interruptSignal } from '../job/interrupt-signal.js';

export default class Run extends BaseCommand {
  static override summary = 'Run a MapReduce job on this machine.';
  static override description = `Bundles WORKER (a worker.ts that calls run({ mapper, reducer })), starts a master and
--workers worker processes, runs --mappers map tasks and --reducers reduce tasks, and writes
part-00000 .. part-<R-1> to --output. Each output line is key<TAB>value, keys ascending in
UTF-8 byte order; backslash, tab, newline and carriage return in keys and string values are
written as \\\\, \\t, \\n and \\r.

${EXIT_CODE_HELP}`;

  static override examples = [
    '<%= config.bin %> run --input books/ --workers 4 --mappers 16 --reducers 4 --output /tmp/wc examples/wordcount/worker.ts',
    "<%= config.bin %> run --input 'logs/*.txt' --param pattern=ERROR --reducers 1 examples/grep/worker.ts",
    '<%= config.bin %> run --input books/ --mappers 16 --reducers 4 --dry-run examples/wordcount/worker.ts',
    '<%= config.bin %> run --input data.csv --storage s3 --s3-endpoint http://127.0.0.1:9000 --s3-access-key KEY --s3-secret-key SECRET worker.ts',
  ];

  static override args = {
    worker: Args.string({ required: true, description: 'the worker file (TypeScript or JavaScript)' }),
  };

  static override flags = {
    input: Flags.string({ char: 'i', multiple: true, multipleNonGreedy: true, required: true, description: 'input file, directory or glob, or s3://bucket/key, s3://bucket/prefix/ or an s3:// glob (repeatable)' }),
    workers: Flags.integer({ char: 'w', min: 1, description: 'worker processes [default: one per CPU of this machine]' }),
    mappers: Flags.integer({ char: 'm', description: 'target number of map tasks [default: 4 per worker, none under 32 MiB, a multiple of the workers]', min: 1 }),
    reducers: Flags.integer({ char: 'r', default: 1, min: 0, description: 'reduce tasks = output part files; 0: a map-only job (one part-m-NNNNN per map task, no shuffle, sort or reduce)' }),
    output: Flags.string({ char: 'o', description: 'output directory [default: gomr-output/<job id>]' }),
    'output-format': Flags.string({ options: ['tsv', 'jsonl'], default: 'tsv', description: 'output lines: key<TAB>value (tsv) or {"key":...,"value":...} (jsonl)' }),
    compress: Flags.string({ options: ['none', 'gzip'], default: 'none', description: 'compress the part files (gzip: part-NNNNN.gz)' }),
    overwrite: Flags.boolean({ default: false, description: 'replace a non-empty output directory' }),
    file: Flags.string({ multiple: true, multipleNonGreedy: true, description: 'a read-only side file, or a directory of them, for ctx.files (repeatable)' }),
    param: Flags.string({ char: 'p', multiple: true, multipleNonGreedy: true, description: 'job parameter KEY=VALUE, read as ctx.params.KEY (repeatable)' }),
    'max-attempts': Flags.integer({ default: 4, min: 1, description: 'attempts per task before the job fails' }),
    'heartbeat-timeout': Flags.integer({ default: 10_000, min: 100, description: 'ms without a heartbeat before a worker counts as dead' }),
    'task-timeout': Flags.integer({ default: 600_000, min: 100, description: 'ms without progress before an attempt counts as hung: it fails (toward --max-attempts) and runs elsewhere' }),
    speculation: Flags.boolean({ default: true, allowNo: true, description: 'run backup copies of straggling tasks near the end of a phase' }),
    'skip-bad-records': Flags.boolean({ default: false, description: 'skip a record or key that fails every attempt instead of failing the job; each one skipped is written, with its error, to OUTPUT/_skipped/<task>.jsonl' }),
    'max-skipped-records': Flags.integer({ default: 10_000, min: 0, description: 'with --skip-bad-records: the most skipped records each task writes to _skipped/ (the rest are counted, not written)' }),
    'keep-intermediate': Flags.boolean({ default: false, description: 'keep map outputs after the job (debugging)' }),
    'spill-mb': Flags.integer({ min: 1, description: 'map-side buffer per task before spilling to disk, MiB [default: 64]' }),
    'executor-heap-mb': executorHeapFlag,
    'tls-cert': Flags.string({ description: 'PEM certificate: the master serves gRPC over TLS (needs --tls-key and --tls-ca)', dependsOn: ['tls-key', 'tls-ca'] }),
    'tls-key': Flags.string({ description: 'PEM private key of --tls-cert', dependsOn: ['tls-cert'] }),
    'tls-ca': Flags.string({ description: 'PEM CA certificate workers and the CLI trust', dependsOn: ['tls-cert'] }),
    json: Flags.boolean({ default: false, description: 'print the final status as JSON on stdout' }),
    sort: Flags.string({ options: ['hash', 'total'], default: 'hash', description: "hash: each part sorted; total: the parts, concatenated, are one sorted sequence (keys sampled first, then partitioned by range)" }),
    'dry-run': Flags.boolean({ default: false, description: 'print the plan (inputs, splits, tasks, partitions) and run nothing; with --json, as JSON' }),
    quiet: Flags.boolean({ char: 'q', default: false, description: 'no progress display' }),
    typecheck: Flags.boolean({ default: false, description: 'type-check WORKER against @gomr/sdk first (as `gomr check` does) and refuse it on a type error' }),
    ...storageFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Run);
    const params = parseParams(flags.param);
    if (flags['dry-run']) {
      const { planJob } = await import('../job/plan-job.js');
      const plan = await planJob({
        workerFile: args.worker, inputs: flags.input, workers: flags.workers ?? availableParallelism(),
        ...(flags.mappers ? { maps: flags.mappers } : {}), reducers: flags.reducers, ...(flags.file?.length ? { files: flags.file } : {}),
        sortTotal: flags.sort === 'total',
      });
      const { formatPlan } = await import('../job/format-plan.js');
      process.stdout.write(flags.json ? JSON.stringify({ dryRun: true, ...plan }, null, 2) + '\n' : formatPlan(plan) + '\n');
      return;
    }
    const log = (line: string) => !flags.quiet && process.stderr.write(`${line}\n`);
    if (flags.typecheck) (await import('../bundle/typecheck-worker.js')).assertWorkerTypechecks(args.worker);
    const interrupt = interruptSignal();
    const result = await runLocalJob({
      workerFile: args.worker,
      inputs: flags.input,
      // One worker per CPU: each runs one task at a time, on one core (plus its GC threads).
      workers: flags.workers ?? availableParallelism(),
      ...(flags.mappers ? { maps: flags.mappers } : {}),
      reducers: flags.reducers,
      output: flags.output,
      overwrite: flags.overwrite,
      params,
      ...(flags.file?.length ? { files: flags.file } : {}),
      ...(flags.sort === 'total' ? { sortTotal: true } : {}),
      storage: storageConfigFromFlags(flags),
      s3Access: { endpoint: flags['s3-endpoint'], accessKey: flags['s3-access-key'], secretKey: flags['s3-secret-key'] },
      maxAttempts: flags['max-attempts'],
      heartbeatTimeoutMs: flags['heartbeat-timeout'],
      keepIntermediate: flags['keep-intermediate'],
      taskTimeoutMs: flags['task-timeout'],
      speculation: flags.speculation,
      skipBadRecords: flags['skip-bad-records'],
      maxSkippedRecords: flags['max-skipped-records'],
      outputFormat: flags['output-format'] as 'tsv' | 'jsonl',
      outputCompression: flags.compress as 'none' | 'gzip',
      ...(flags['tls-cert'] ? { tls: { cert: flags['tls-cert'], key: flags['tls-key']!, ca: flags['tls-ca']! } } : {}),
      ...(flags['spill-mb'] ? { spillBytes: flags['spill-mb'] * 1024 * 1024 } : {}),
      ...(flags['executor-heap-mb'] ? { executorHeapMb: flags['executor-heap-mb'] } : {}),
      ...(flags.quiet || flags.json ? {} : { progress: process.stderr }),
      log,
      onJob: (id, dir) => log(`job ${id} (logs in ${dir})`),
      signal: interrupt.signal,
    }).finally(() => {
      interrupt.release();
    });
    if (flags.json) {
      process.stdout.write(JSON.stringify({ ...result.status, outputDir: result.outputDir, files: result.files, skippedFiles: result.skippedFiles, wallMs: result.wallMs }, null, 2) + '\n');
    } else {
      process.stdout.write(formatSummary(result.status, result.wallMs, result.outputDir, result.files.length) + '\n');
    }
  }
}
