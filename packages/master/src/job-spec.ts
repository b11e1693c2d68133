import { z } from 'zod';
import { JOB_DEFAULTS, type StorageConfig } from '@gomr/storage';
import { storageConfigSchema } from '@gomr/storage/config-schema';

const jobSpecSchema = z.object({
  jobId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'job id: lower-case letters, digits and dashes'),
  /** Shared secret of master and workers; empty disables the check (tests only). */
  token: z.string(),
  /** Display name of the worker file, for summaries. */
  workerFile: z.string().default(''),
  inputs: z.array(z.object({ key: z.string().min(1), name: z.string().min(1), size: z.number().int().min(0), mtimeMs: z.number().int().min(0).optional() })),
  inputStorage: storageConfigSchema,
  storage: storageConfigSchema,
  maps: z.number().int().min(1),
  /** 0: a map-only job (map output is the job's output, see Scheduler.mapOnly). */
  reducers: z.number().int().min(0),
  params: z.record(z.string(), z.string()).default({}),
  maxAttempts: z.number().int().min(1).default(JOB_DEFAULTS.maxAttempts),
  heartbeatIntervalMs: z.number().int().min(10).default(JOB_DEFAULTS.heartbeatIntervalMs),
  heartbeatTimeoutMs: z.number().int().min(100).default(JOB_DEFAULTS.heartbeatTimeoutMs),
  /** Keep intermediate runs and attempt outputs after the job (debugging). */
  keepIntermediate: z.boolean().default(JOB_DEFAULTS.keepIntermediate),
  /** Backup copies of stragglers near the end of a phase (see straggler-policy.ts). */
  speculation: z.boolean().default(JOB_DEFAULTS.speculation),
  /** An attempt whose progress has not moved for this long is killed and re-run. */
  taskTimeoutMs: z.number().int().min(100).default(JOB_DEFAULTS.taskTimeoutMs),
  /** Skip a chunk (map) or key (reduce) that fails every attempt, and report it. */
  skipBadRecords: z.boolean().default(JOB_DEFAULTS.skipBadRecords),
  /** --max-skipped-records: dead-letter lines (output/_skipped/<task>.jsonl) one task writes; past it, skips are only counted. */
  maxSkippedRecords: z.number().int().min(0).max(2 ** 31 - 1).default(JOB_DEFAULTS.maxSkippedRecords),
  /** Side files (--file): read-only, read by user code through ctx.files; objects in the job's storage (on a local store, the files' own paths). */
  files: z.array(z.object({ name: z.string().min(1), key: z.string().min(1), size: z.number().int().min(0) })).default([]),
  /** --sort total: map output partitioned by key range at cutPoints (sampled before the job started). */
  totalOrder: z.boolean().default(false),
  cutPoints: z.array(z.string()).default([]),
  /** How output records are written (see packages/sdk/src/data/output-format.ts). */
  outputFormat: z.enum(['tsv', 'jsonl']).default(JOB_DEFAULTS.outputFormat),
  /** gzip: part files are gzip streams, named with .gz. */
  outputCompression: z.enum(['none', 'gzip']).default(JOB_DEFAULTS.outputCompression),
  /**
   * A job of steps (run({ steps })): each step's reduce count, step 0 first. Empty: one step
   * with `reducers`. Every step but the last has reducers (its output feeds the next step's
   * map tasks, one per reduce); the last may have none (a map-only last step).
   */
  steps: z.array(z.object({ reducers: z.number().int().min(0) })).default([]),
}).superRefine((spec, ctx) => {
  spec.steps.forEach((step, i) => {
    if (i < spec.steps.length - 1 && step.reducers === 0) {
      ctx.addIssue({ code: 'custom', path: ['steps', i, 'reducers'], message: 'a step before the last needs reducers (map-only steps are supported only last)' });
    }
  });
  if (spec.steps.length > 1 && spec.totalOrder) ctx.addIssue({ code: 'custom', path: ['totalOrder'], message: '--sort total is not supported for a job of steps' });
});

/** What the CLI hands the master: everything needed to plan and run one job. */
export type JobSpec = z.output<typeof jobSpecSchema> & { inputStorage: StorageConfig; storage: StorageConfig };
export type JobSpecInput = z.input<typeof jobSpecSchema>;

/** Validates a spec and fills defaults; the error names the first bad field. */
export function parseJobSpec(raw: unknown): JobSpec {
  const result = jobSpecSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`invalid job spec: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data as JobSpec;
}

/** Each step's reduce count: spec.steps, or the one step of a job without steps. */
export function stepReducers(spec: Pick<JobSpec, 'steps' | 'reducers'>): number[] {
  return spec.steps.length ? spec.steps.map((s) => s.reducers) : [spec.reducers];
}
