import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { workerFileLocationDefines } from '../runtime/worker-file-location.js';
import { CAPTURE_SYMBOL, type JobDefinition } from '../user-api.js';
import { RunJobError } from './run-job-error.js';
import { isStepsDefinition, stepsProblem, type StepsDefinition } from '../job-steps.js';

/** A job for runJob: its definition, or the path (or file: URL) of a worker file that calls run(). */
export type JobSource = JobDefinition | StepsDefinition | string | URL;

const loaded = new Map<string, JobDefinition | StepsDefinition>();
/** One worker file is imported at a time: run() reports to whichever import is under way. */
let importing: Promise<unknown> = Promise.resolve();

export async function resolveJob(source: JobSource): Promise<JobDefinition | StepsDefinition> {
  if (typeof source === 'string' || source instanceof URL) return loadWorkerFile(source);
  checkDefinition(source);
  return source;
}

function checkDefinition(def: JobDefinition | StepsDefinition): void {
  if (!def || typeof def !== 'object') throw new RunJobError('runJob: the job must be a definition ({ mapper, reducer }) or a worker file path', undefined);
  if (isStepsDefinition(def)) {
    const problem = stepsProblem(def as unknown as Record<string, unknown>);
    if (problem) throw new RunJobError(`runJob: ${problem.replace(/^run\(\): /, '')}`, undefined);
    return;
  }
  for (const name of ['mapper', 'reducer'] as const) {
    if (typeof def[name] !== 'function') throw new RunJobError(`runJob: ${name} must be a function`, undefined);
  }
  for (const name of ['combiner', 'partitioner'] as const) {
    if (def[name] !== undefined && typeof def[name] !== 'function') throw new RunJobError(`runJob: ${name} must be a function when given`, undefined);
  }
}

/**
 * Imports a worker file and takes the definition its run() call declares. A TypeScript file is
 * imported as it is where Node strips types itself (22.6+ with --experimental-strip-types,
 * 23.6+ by default); elsewhere (Node 20) it is bundled with esbuild first, with a source map, so
 * stacks still name the .ts file's own lines. Each file is loaded once per process.
 */
async function loadWorkerFile(source: string | URL): Promise<JobDefinition | StepsDefinition> {
  const path = source instanceof URL || source.startsWith('file:') ? fileURLToPath(source) : resolve(source);
  const known = loaded.get(path);
  if (known) return known;
  const next = importing.then(() => captureDefinition(path));
  importing = next.catch(() => {});
  const def = await next;
  checkDefinition(def);
  loaded.set(path, def);
  return def;
}

async function captureDefinition(path: string): Promise<JobDefinition | StepsDefinition> {
  const g = globalThis as Record<symbol, unknown>;
  const got: (JobDefinition | StepsDefinition)[] = [];
  g[CAPTURE_SYMBOL] = (d: JobDefinition | StepsDefinition) => got.push(d);
  let mod: Record<string, unknown>;
  try {
    mod = await importWorker(path);
  } finally {
    delete g[CAPTURE_SYMBOL];
  }
  if (got.length > 1) throw new RunJobError(`${path}: run() was called ${got.length} times; call it once per worker file`, undefined);
  // Imported before (by the test itself): run() already ran; `export default run({...})` still tells.
  const def = got[0] ?? (mod.default as JobDefinition | StepsDefinition | undefined);
  if (!def) throw new RunJobError(`${path} never called run({ mapper, reducer }) from @gomr/sdk`, undefined);
  return def;
}

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);
const TS_REFUSALS = new Set(['ERR_UNKNOWN_FILE_EXTENSION', 'ERR_INVALID_TYPESCRIPT_SYNTAX', 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX']);

async function importWorker(path: string): Promise<Record<string, unknown>> {
  if (!existsSync(path)) throw new RunJobError(`worker file not found: ${path}`, undefined);
  try {
    return await import(pathToFileURL(path).href);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    // Node without type stripping refuses the extension; Node's stripping refuses what needs a
    // transform (enums, parameter properties) and reports syntax errors without a column; and a
    // worker file outside any package cannot resolve @gomr/sdk itself (gomr run supplies it):
    // bundle it, with this SDK, instead, so every Node version gives esbuild's one message.
    const typeScript = TS_EXTENSIONS.has(extname(path)) && (code === undefined ? err instanceof SyntaxError : TS_REFUSALS.has(code));
    const noSdk = code === 'ERR_MODULE_NOT_FOUND' && /['"]@gomr\/sdk['"]/.test((err as Error).message);
    if (!typeScript && !noSdk) throw err;
  }
  return importBundled(path);
}

const require = createRequire(import.meta.url);

async function importBundled(path: string): Promise<Record<string, unknown>> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new RunJobError(
      `cannot import ${basename(path)}: Node ${process.versions.node} does not run TypeScript (22.6+ does with --experimental-strip-types, 23.6+ by default), ` +
        'and esbuild, which gomr uses otherwise, is not installed (npm install -D esbuild); or pass the definition itself to runJob',
      undefined,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'gomr-runjob-'));
  const outfile = join(dir, `${basename(path, extname(path))}.mjs`);
  try {
    await esbuild.build({
      entryPoints: [path],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node.split('.')[0]}`,
      sourcemap: 'inline',
      logLevel: 'silent',
      absWorkingDir: dirname(path),
      // import.meta.url and __dirname name the worker file, as when Node runs it itself.
      define: workerFileLocationDefines(path),
      // Other imports resolve from the worker's own directory, as `gomr run` bundles them.
      banner: { js: "import { createRequire as __gomrCreateRequire } from 'node:module'; const require = __gomrCreateRequire(import.meta.url);" },
      plugins: [
        {
          name: 'gomr-sdk',
          setup(build) {
            // Run() talks to runJob through a global symbol, so this SDK's copy works for any worker.
            build.onResolve({ filter: /^@gomr\/sdk$/ }, () => ({ path: require.resolve('@gomr/sdk') }));
          },
        },
      ],
    });
  } catch (err) {
    const first = (err as { errors?: { text: string; location?: { file: string; line: number; column: number } }[] }).errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
    throw new RunJobError(`worker file does not compile: ${where}${first?.text ?? (err as Error).message}`, err);
  }
  // User stacks then name worker.ts and its lines, not the bundle's.
  process.setSourceMapsEnabled(true);
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
