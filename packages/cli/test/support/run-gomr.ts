import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from compiled files in packages/cli/dist/test). */
export const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
export const cliBin = join(repoRoot, 'packages/cli/bin/run.js');
export const sharedData = join(repoRoot, '../shared/data/gutenberg');

export interface GomrRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the real CLI as a child process, with its own GOMR_HOME. */
export async function runGomr(args: string[], opts: { env?: NodeJS.ProcessEnv; home?: string; timeoutMs?: number; cwd?: string } = {}): Promise<GomrRun> {
  const home = opts.home ?? (await mkdtemp(join(tmpdir(), 'gomr-home-')));
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, GOMR_HOME: home, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gomr ${args.join(' ')} timed out\n${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.on('exit', async (code) => {
      clearTimeout(timer);
      if (!opts.home) await rm(home, { recursive: true, force: true });
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

export async function tempDir(prefix = 'gomr-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Inverse of the output escaping (\\, \t, \n, \r). */
export function unescapeText(s: string): string {
  return s.replace(/\\([\\tnr])/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}

export interface OutputLine {
  part: string;
  key: string;
  value: string;
}

/** Reads every part file of an output directory, in part order (not _skipped/: see readSkipped). */
export async function readOutput(dir: string): Promise<{ files: string[]; lines: OutputLine[] }> {
  const files = (await readdir(dir)).filter((f) => !f.startsWith('_')).sort();
  const lines: OutputLine[] = [];
  for (const f of files) {
    const text = await readFile(join(dir, f), 'utf8');
    for (const line of text.split('\n')) {
      if (!line) continue;
      const tab = line.indexOf('\t');
      lines.push({ part: f, key: unescapeText(line.slice(0, tab)), value: line.slice(tab + 1) });
    }
  }
  return { files, lines };
}

/** Keys of one part file must ascend in UTF-8 byte order. */
export function assertSortedByUtf8(lines: OutputLine[]): void {
  const byPart = new Map<string, string[]>();
  for (const l of lines) (byPart.get(l.part) ?? byPart.set(l.part, []).get(l.part)!).push(l.key);
  for (const [part, keys] of byPart) {
    for (let i = 1; i < keys.length; i++) {
      if (Buffer.compare(Buffer.from(keys[i - 1]!), Buffer.from(keys[i]!)) > 0) {
        throw new Error(`${part}: key ${JSON.stringify(keys[i])} comes after ${JSON.stringify(keys[i - 1])}`);
      }
    }
  }
}

/** The independent word count: the same tokenizer over whole files, in one process. */
export function countWords(texts: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) for (const w of text.split(/[^\p{L}]+/u)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}
