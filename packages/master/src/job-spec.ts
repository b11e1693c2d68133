import * as z from 'zod/mini';
import { JOB_DEFAULTS, type StorageConfig } from '@gomr/storage';
import { nonEmpty, storageConfigSchema } from '@gomr/storage/config-schema';

// zod/mini, as @gomr/storage's schema (which also sets its English messages): the classic
// build would put 750 KB back into the master's bundle.
const int = (min: number, max?: number) => z.int().check(z.minimum(min), ...(max === undefined ? [] : [z.maximum(max)]));

const jobSpecSchema = z.object({
  jobId: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'job id: lower-case letters, digits and dashes')),
  /** Shared secret of master and workers; empty disables the check (tests only). */
  token: z.string(),
  /** Display name of the worker file, for summaries. */
  workerFile: z._default(z.string(), ''),
  inputs: z.array(z.object({ key: nonEmpty(), name: nonEmpty(), size: int(0), mtimeMs: z.optional(int(0)) })),
  inputStorage: storageConfigSchema,
  storage: storageConfigSchema,
  maps: int(1),
  /** 0: a map-only job (map output is the job's output, see Scheduler.mapOnly). */
  reducers: int(0),
  params: z._default(z.record(z.string(), z.string()), {}),
  maxAttempts: z._default(int(1), JOB_DEFAULTS.maxAttempts),
  heartbeatIntervalMs: z._default(int(10), JOB_DEFAULTS.heartbeatIntervalMs),
  heartbeatTimeoutMs: z._default(int(100), JOB_DEFAULTS.heartbeatTimeoutMs),
  /** Keep intermediate runs and attempt outputs after the job (debugging). */
  keepIntermediate: z._default(z.boolean(), JOB_DEFAULTS.keepIntermediate),
  /** Backup copies of stragglers near the end of a phase (see straggler-policy.ts). */
  speculation: z._default(z.boolean(), JOB_DEFAULTS.speculation),
  /** An attempt whose progress has not moved for this long is killed and re-run. */
  taskTimeoutMs: z._default(int(100), JOB_DEFAULTS.taskTimeoutMs),
  /** Skip a chunk (map) or key (reduce) that fails every attempt, and report it. */
  skipBadRecords: z._default(z.boolean(), JOB_DEFAULTS.skipBadRecords),
  /** --max-skipped-records: dead-letter lines (output/_skipped/<task>.jsonl) one task writes; past it, skips are only counted. */
  maxSkippedRecords: z._default(int(0, 2 ** 31 - 1), JOB_DEFAULTS.maxSkippedRecords),
  /** Side files (--file): read-only, read by user code through ctx.files; objects in the job's storage (on a local store, the files' own paths). */
  files: z._default(z.array(z.object({ name: nonEmpty(), key: nonEmpty(), size: int(0) })), []),
  /** --sort total: map output partitioned by key range at cutPoints (sampled before the job started). */
  totalOrder: z._default(z.boolean(), false),
  cutPoints: z._default(z.array(z.string()), []),
  /** How output records are written (see packages/sdk/src/data/output-format.ts). */
  outputFormat: z._default(z.enum(['tsv', 'jsonl']), JOB_DEFAULTS.outputFormat),
  /** gzip: part files are gzip streams, named with .gz. */
  outputCompression: z._default(z.enum(['none', 'gzip']), JOB_DEFAULTS.outputCompression),
  /**
   * A job of steps (run({ steps })): each step's reduce count, step 0 first. Empty: one step
   * with `reducers`. Every step but the last has reducers (its output feeds the next step's
   * map tasks, one per reduce); the last may have none (a map-only last step).
   */
  steps: z._default(z.array(z.object({ reducers: int(0) })), []),
}).check(z.superRefine((spec, ctx) => {
  spec.steps.forEach((step, i) => {
    if (i < spec.steps.length - 1 && step.reducers === 0) {
      ctx.addIssue({ code: 'custom', path: ['steps', i, 'reducers'], message: 'a step before the last needs reducers (map-only steps are supported only last)' });
    }
  });
  if (spec.steps.length > 1 && spec.totalOrder) ctx.addIssue({ code: 'custom', path: ['totalOrder'], message: '--sort total is not supported for a job of steps' });
}));

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
