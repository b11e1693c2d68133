import { createRequire } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import type * as TS from 'typescript';
import { WorkerFileError } from '../errors.js';

const require = createRequire(import.meta.url);
// Loaded with require(): imported from ESM, Node would first scan its 9 MB with the CommonJS
// export lexer (~0.6 s of CPU) to find named exports.
const ts = require('typescript') as typeof TS;

export interface TypecheckResult {
  /** tsc's messages, one per diagnostic: `file:line:col - error TSnnnn: text`. */
  messages: string[];
  errors: number;
  /** The tsconfig.json that set the compiler options, if one was found above the worker. */
  tsconfig?: string;
  /** Source files in the program (the worker, its imports, the SDK's and Node's types). */
  files: number;
}

/**
 * The options without a tsconfig: what esbuild does with the file (ESM, bundler resolution,
 * TypeScript-only syntax stripped), checked strictly.
 */
const DEFAULT_OPTIONS: TS.CompilerOptions = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  esModuleInterop: true,
  skipLibCheck: true,
};

/** The SDK's declarations: the copy the CLI bundles into the worker, whatever the worker's folder holds. */
function sdkTypes(): string {
  return resolve(dirname(require.resolve('@gomr/sdk')), 'index.d.ts');
}

/** Node's types shipped with the CLI, for a worker whose folder has none. */
function cliNodeTypes(): string | undefined {
  try {
    return resolve(dirname(require.resolve('@types/node/package.json')), 'index.d.ts');
  } catch {
    return undefined;
  }
}

function parseConfig(configPath: string): TS.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new WorkerFileError(`bad ${configPath}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    },
  });
  if (!parsed) throw new WorkerFileError(`cannot read ${configPath}`);
  const fatal = parsed.errors.filter((d) => d.category === ts.DiagnosticCategory.Error && d.code !== 18003); // 18003: no inputs in "include"
  if (fatal.length) throw new WorkerFileError(`bad ${configPath}: ${ts.flattenDiagnosticMessageText(fatal[0]!.messageText, ' ')}`);
  return parsed;
}

/**
 * The nearest tsconfig.json above `file` whose files include it, as tsc's editor support picks
 * one: a solution-style config (`"files": []` and references) or one that covers another
 * folder is passed over.
 */
function configFor(file: string): { path: string; options: TS.CompilerOptions } | undefined {
  let dir = dirname(file);
  for (;;) {
    const path = ts.findConfigFile(dir, ts.sys.fileExists, 'tsconfig.json');
    if (!path) return undefined;
    const parsed = parseConfig(path);
    if (parsed.fileNames.some((f) => resolve(f) === file)) return { path, options: parsed.options };
    const up = dirname(dirname(path));
    if (up === dirname(path)) return undefined;
    dir = up;
  }
}

function format(d: TS.Diagnostic, cwd: string): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  const kind = ts.DiagnosticCategory[d.category].toLowerCase();
  if (!d.file || d.start === undefined) return `${kind} TS${d.code}: ${text}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${relative(cwd, d.file.fileName) || d.file.fileName}:${line + 1}:${character + 1} - ${kind} TS${d.code}: ${text}`;
}

/**
 * Type-checks a worker file against the SDK's types with the TypeScript compiler API: the
 * options of the nearest tsconfig.json above the file (strict ESM defaults without one), the
 * worker as the only root file. `@gomr/sdk` always resolves to the CLI's own SDK, the one the
 * bundle will run with.
 */
export function typecheckWorker(workerFile: string, cwd = process.cwd()): TypecheckResult {
  const entry = resolve(workerFile);
  if (!ts.sys.fileExists(entry)) throw new WorkerFileError(`worker file not found: ${workerFile}`);
  const config = configFor(entry);
  const tsconfig = config?.path;
  const options: TS.CompilerOptions = {
    ...(config ? config.options : DEFAULT_OPTIONS),
    noEmit: true,
    // Nothing to write: an incremental or composite project must not ask for a build info file.
    incremental: false,
    composite: false,
  };
  delete options.tsBuildInfoFile;
  const rootNames = [entry];
  if (!tsconfig) {
    const own = ts.resolveTypeReferenceDirective('node', resolve(dirname(entry), '__gomr__.ts'), options, ts.sys);
    const fallback = cliNodeTypes();
    if (!own.resolvedTypeReferenceDirective && fallback) rootNames.push(fallback);
  }
  const host = ts.createCompilerHost(options, true);
  const sdk = sdkTypes();
  const resolveOne = (name: string, containing: string): TS.ResolvedModuleWithFailedLookupLocations =>
    name === '@gomr/sdk'
      ? { resolvedModule: { resolvedFileName: sdk, extension: ts.Extension.Dts, isExternalLibraryImport: true } }
      : ts.resolveModuleName(name, containing, options, host);
  host.resolveModuleNameLiterals = (literals, containing) => literals.map((l) => resolveOne(l.text, containing));
  const program = ts.createProgram({ rootNames, options, host });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  return {
    messages: diagnostics.map((d) => format(d, cwd)),
    errors: diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).length,
    ...(tsconfig ? { tsconfig } : {}),
    files: program.getSourceFiles().length,
  };
}

/**
 * Type-checks the worker, writes tsc's messages to `out`, and throws a one-line
 * WorkerFileError (exit 4) when there are errors.
 */
export function assertWorkerTypechecks(workerFile: string, out: NodeJS.WritableStream = process.stderr): TypecheckResult {
  const result = typecheckWorker(workerFile);
  for (const m of result.messages) out.write(`${m}\n`);
  if (result.errors) {
    throw new WorkerFileError(
      `${workerFile} does not type-check: ${result.errors} error${result.errors === 1 ? '' : 's'}${result.tsconfig ? ` (with ${relative(process.cwd(), result.tsconfig) || result.tsconfig})` : ''}`,
    );
  }
  return result;
}
