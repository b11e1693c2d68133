/**
 * The flags that describe a job the same way on `gomr run` and `gomr start`, declared once,
 * and the options they compile to (names as RunJobOptions and StartKubeJobOptions take them).
 * Where the runtimes differ (how many workers, where output goes, storage, images), each
 * command declares its own flags.
 */
import { Flags } from '@oclif/core';
import { JOB_DEFAULTS } from '@gomr/storage';
import { executorHeapFlag } from '../executor-heap-flag.js';
import { parseParams } from './parse-params.js';

/** Re-exported: the CLI's commands and tests read the defaults from here. */
export { JOB_DEFAULTS };

export const jobFlags = {
  input: Flags.string({
    char: 'i', multiple: true, multipleNonGreedy: true, required: true,
    description: 'input file, directory or glob, or s3://bucket/key, s3://bucket/prefix/ or an s3:// glob (repeatable)',
  }),
  reducers: Flags.integer({ char: 'r', default: JOB_DEFAULTS.reducers, min: 0, description: 'reduce tasks = output part files; 0: a map-only job (one part-m-NNNNN per map task, no shuffle, sort or reduce)' }),
  'output-format': Flags.string({ options: ['tsv', 'jsonl'], default: JOB_DEFAULTS.outputFormat, description: 'output lines: key<TAB>value (tsv) or {"key":...,"value":...} (jsonl)' }),
  compress: Flags.string({ options: ['none', 'gzip'], default: JOB_DEFAULTS.outputCompression, description: 'compress the part files (gzip: part-NNNNN.gz)' }),
  file: Flags.string({ multiple: true, multipleNonGreedy: true, description: 'a read-only side file, or a directory of them, for ctx.files (repeatable); uploaded with the job where workers cannot read it in place' }),
  sort: Flags.string({ options: ['hash', 'total'], default: 'hash', description: 'hash: each part sorted; total: the parts, concatenated, are one sorted sequence (keys sampled first, then partitioned by range)' }),
  param: Flags.string({ char: 'p', multiple: true, multipleNonGreedy: true, description: 'job parameter KEY=VALUE, read as ctx.params.KEY (repeatable)' }),
  'max-attempts': Flags.integer({ default: JOB_DEFAULTS.maxAttempts, min: 1, description: 'attempts per task before the job fails' }),
  'heartbeat-timeout': Flags.integer({ default: JOB_DEFAULTS.heartbeatTimeoutMs, min: 100, description: 'ms without a heartbeat before a worker counts as dead' }),
  'task-timeout': Flags.integer({ default: JOB_DEFAULTS.taskTimeoutMs, min: 100, description: 'ms without progress before an attempt counts as hung: it fails (toward --max-attempts) and runs elsewhere' }),
  speculation: Flags.boolean({ default: JOB_DEFAULTS.speculation, allowNo: true, description: 'run backup copies of straggling tasks near the end of a phase' }),
  'skip-bad-records': Flags.boolean({ default: JOB_DEFAULTS.skipBadRecords, description: 'skip a record or key that fails every attempt instead of failing the job; each one skipped is written, with its error, to _skipped/<task>.jsonl beside the part files' }),
  'max-skipped-records': Flags.integer({ default: JOB_DEFAULTS.maxSkippedRecords, min: 0, description: 'with --skip-bad-records: the most skipped records each task writes to _skipped/ (the rest are counted, not written)' }),
  'keep-intermediate': Flags.boolean({ default: JOB_DEFAULTS.keepIntermediate, description: 'keep map outputs, and the outputs of steps before the last (a job of steps), after the job (debugging)' }),
  'spill-mb': Flags.integer({ min: 1, description: `map-side buffer per task before spilling to disk, MiB [default: ${JOB_DEFAULTS.spillBytes / (1024 * 1024)}]` }),
  'executor-heap-mb': executorHeapFlag,
  quiet: Flags.boolean({ char: 'q', default: false, description: 'no progress display' }),
  typecheck: Flags.boolean({ default: false, description: 'type-check WORKER against @gomr/sdk first (as `gomr check` does) and refuse it on a type error, before anything runs' }),
};

/** What `jobFlags` hold, as parsed by oclif. */
export interface JobFlagValues {
  input: string[];
  reducers: number;
  'output-format': string;
  compress: string;
  sort: string;
  file?: string[] | undefined;
  param?: string[] | undefined;
  'max-attempts': number;
  'heartbeat-timeout': number;
  'task-timeout': number;
  speculation: boolean;
  'skip-bad-records': boolean;
  'max-skipped-records': number;
  'keep-intermediate': boolean;
  'spill-mb'?: number | undefined;
  'executor-heap-mb'?: number | undefined;
}

/** The job options both runtimes take, from the shared flags. */
export interface JobFlagOptions {
  inputs: string[];
  reducers: number;
  params: Record<string, string>;
  /** Side files (--file): paths of files and directories, read by user code through ctx.files. */
  files?: string[];
  maxAttempts: number;
  heartbeatTimeoutMs: number;
  taskTimeoutMs: number;
  speculation: boolean;
  skipBadRecords: boolean;
  /** --max-skipped-records: dead-letter lines one task writes. */
  maxSkippedRecords: number;
  keepIntermediate: boolean;
  outputFormat: 'tsv' | 'jsonl';
  outputCompression: 'none' | 'gzip';
  /** --sort total: sample the map output's keys before the job and partition by key range. */
  sortTotal?: boolean;
  spillBytes?: number;
  executorHeapMb?: number;
}

export function jobOptionsFromFlags(flags: JobFlagValues): JobFlagOptions {
  return {
    inputs: flags.input,
    reducers: flags.reducers,
    params: parseParams(flags.param),
    ...(flags.file?.length ? { files: flags.file } : {}),
    maxAttempts: flags['max-attempts'],
    heartbeatTimeoutMs: flags['heartbeat-timeout'],
    taskTimeoutMs: flags['task-timeout'],
    speculation: flags.speculation,
    skipBadRecords: flags['skip-bad-records'],
    maxSkippedRecords: flags['max-skipped-records'],
    keepIntermediate: flags['keep-intermediate'],
    outputFormat: flags['output-format'] as JobFlagOptions['outputFormat'],
    outputCompression: flags.compress as JobFlagOptions['outputCompression'],
    ...(flags.sort === 'total' ? { sortTotal: true } : {}),
    ...(flags['spill-mb'] ? { spillBytes: flags['spill-mb'] * 1024 * 1024 } : {}),
    ...(flags['executor-heap-mb'] ? { executorHeapMb: flags['executor-heap-mb'] } : {}),
  };
}

/** What jobSpecFields needs: the options both runtimes always have, and the ones with defaults. */
export type JobSpecFieldOptions = Pick<JobFlagOptions, 'reducers' | 'params' | 'maxAttempts' | 'heartbeatTimeoutMs'> &
  Partial<Pick<JobFlagOptions, 'taskTimeoutMs' | 'speculation' | 'skipBadRecords' | 'maxSkippedRecords' | 'keepIntermediate' | 'outputFormat' | 'outputCompression'>>;

/**
 * The job spec's fields that come from these options, the same for every runtime; an option
 * left undefined gets JOB_DEFAULTS' value.
 */
export function jobSpecFields(o: JobSpecFieldOptions) {
  const d = { ...JOB_DEFAULTS, ...definedOnly(o) };
  return {
    reducers: d.reducers,
    params: d.params,
    maxAttempts: d.maxAttempts,
    heartbeatTimeoutMs: d.heartbeatTimeoutMs,
    keepIntermediate: d.keepIntermediate,
    taskTimeoutMs: d.taskTimeoutMs,
    speculation: d.speculation,
    skipBadRecords: d.skipBadRecords,
    maxSkippedRecords: d.maxSkippedRecords,
    outputFormat: d.outputFormat,
    outputCompression: d.outputCompression,
  };
}

function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
