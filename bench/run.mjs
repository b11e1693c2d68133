#!/usr/bin/env node
// gomr's benchmark: `npm run bench` (builds first), or `node bench/run.mjs [options]`.
// Prints one table per scenario and writes bench/results/<date>-<host>.json and .svg.
// See bench/README.md for what each scenario measures and how.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, tmpdir, totalmem } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chartSvg, benchPanels } from './lib/chart.mjs';
import { repeatedBooks, zipfCorpus } from './lib/corpus.mjs';
import { load1, waitForQuiet } from './lib/proc.mjs';
import { memory, printMemory } from './scenarios/memory.mjs';
import { overhead, printOverhead } from './scenarios/overhead.mjs';
import { printScaling, scaling } from './scenarios/scaling.mjs';
import { printShuffle, shuffle } from './scenarios/shuffle.mjs';
import { printStartup, startup } from './scenarios/startup.mjs';
import { printSort, sortOnInput } from './scenarios/sort.mjs';
import { printWordcount, wordcountOnCorpus } from './scenarios/wordcount.mjs';
import { gzipInput, printGzip } from './scenarios/gzip.mjs';
import { printS3Input, s3Input } from './scenarios/s3-input.mjs';
import { printWordcountTuned, wordcountTuned } from './scenarios/wordcount-tuned.mjs';
import { teraRecords } from './lib/records.mjs';

const ALL = ['wordcount', 'wordcount-tuned', 'gzip', 's3', 'sort', 'overhead', 'startup', 'shuffle', 'memory', 'scaling'];
const HELP = `usage: node bench/run.mjs [options]
  --quick                 a ~2 minute smoke run: 20 MB word count, no 1 GB, fewer tasks and reps
  --only LIST             scenarios, comma-separated: ${ALL.join(',')}
                          (default: all but scaling; scaling runs by default on 16+ cpus)
  --reps N                repetitions of the 100 MB word count, task overhead, start-up (default 5, quick 2)
  --reps-large N          repetitions of the 1 GB word count (default 2)
  --sizes LIST            word-count inputs: 100mb,1gb (default both; quick: 20mb); wordcount-tuned: 100mb only
  --sort-sizes LIST       sort inputs: 200mb,1gb (default both; quick: 200mb); reps: --reps-large
  --tasks N               map tasks in the overhead scenario (default 2000, quick 200)
  --scale-bytes N         input of the scaling scenario in bytes (default 2e9)
  --scale-workers LIST    worker counts of the scaling scenario (default 1,2,4,8,16)
  --quiet-load X          before each scenario wait (up to --quiet-wait s) for load average < X (default 0.5)
  --quiet-wait S          seconds to wait for a quiet machine (default 0: do not wait, just record the load)
  --data-dir DIR          where generated inputs are kept between runs (default $TMPDIR/gomr-bench-data)
  --repo DIR              benchmark the gomr build in another checkout (built, with node_modules),
                          e.g. an older commit exported with \`git archive\`, for before/after figures
  --out FILE              result JSON (default bench/results/<date>-<host>.json; the .svg goes beside it)`;

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    reps: { type: 'string' },
    'reps-large': { type: 'string' },
    sizes: { type: 'string' },
    'sort-sizes': { type: 'string' },
    tasks: { type: 'string' },
    'scale-bytes': { type: 'string' },
    'scale-workers': { type: 'string' },
    'quiet-load': { type: 'string', default: '0.5' },
    'quiet-wait': { type: 'string', default: '0' },
    'data-dir': { type: 'string' },
    out: { type: 'string' },
    repo: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log(HELP);
  process.exit(0);
}

const benchRoot = fileURLToPath(new URL('..', import.meta.url));
/** The gomr under test: this checkout, or --repo. The bench's own files always come from here. */
const repoRoot = opt.repo ? resolvePath(opt.repo) : benchRoot;
const quick = opt.quick;
const num = (v, d) => (v === undefined ? d : Number(v));
const config = {
  quick,
  scenarios: opt.only ? opt.only.split(',') : ALL.filter((s) => s !== 'scaling' || cpus().length >= 16),
  reps: num(opt.reps, quick ? 2 : 5),
  repsLarge: num(opt['reps-large'], 2),
  sizes: opt.sizes ? opt.sizes.split(',') : quick ? ['20mb'] : ['100mb', '1gb'],
  sortSizes: opt['sort-sizes'] ? opt['sort-sizes'].split(',') : quick ? ['200mb'] : ['200mb', '1gb'],
  tasks: num(opt.tasks, quick ? 200 : 2000),
  scaleBytes: num(opt['scale-bytes'], 2e9),
  scaleWorkers: (opt['scale-workers'] ?? '1,2,4,8,16').split(',').map(Number),
  quietLoad: Number(opt['quiet-load']),
  quietWaitS: Number(opt['quiet-wait']),
};
for (const s of config.scenarios) if (!ALL.includes(s)) throw new Error(`unknown scenario ${s}; known: ${ALL.join(', ')}`);

const runId = `${process.pid}-${Date.now().toString(36)}`;
const dataDir = opt['data-dir'] ?? join(tmpdir(), 'gomr-bench-data');
const tmpDir = join(tmpdir(), `gomr-bench-${runId}`);
mkdirSync(tmpDir, { recursive: true });
const ctx = {
  repoRoot,
  benchRoot,
  dataDir,
  tmpDir,
  gomrHome: join(tmpDir, 'gomr-home'),
  log: (line) => process.stderr.write(`${line}\n`),
};

function git(args) {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

const started = new Date();
const results = {
  date: started.toISOString(),
  machine: { host: hostname(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` },
  gomr: { repo: repoRoot, commit: git(['rev-parse', 'HEAD']) || '(not a git checkout)', dirty: git(['status', '--porcelain', '--', 'packages']) !== '' },
  config,
  loadAvg: { start: load1() },
  scenarios: {},
  notes: [],
};

async function quietly(name) {
  if (config.quietWaitS > 0) await waitForQuiet(config.quietLoad, config.quietWaitS * 1000, ctx.log);
  const l = load1();
  if (l >= config.quietLoad) results.notes.push(`${name}: started with load average ${l} (>= ${config.quietLoad}): other work on the machine; timings noisier`);
  ctx.log(`\n[${name}] load average ${l}`);
}

const SIZES = {
  '20mb': () => ({ label: '20 MB', corpus: repeatedBooks(dataDir, benchRoot, 20e6) ?? zipfCorpus(dataDir, 20e6, { files: 2 }) }),
  '100mb': () => ({ label: '100 MB', corpus: repeatedBooks(dataDir, benchRoot, 100e6) ?? zipfCorpus(dataDir, 100e6) }),
  '1gb': () => ({ label: '1 GB', corpus: zipfCorpus(dataDir, 1e9) }),
};

try {
  ctx.log(`gomr bench: ${config.scenarios.join(', ')}; data in ${dataDir}`);
  const want = (s) => config.scenarios.includes(s);
  const corpora = {};
  const corpus = (size) => (corpora[size] ??= (ctx.log(`preparing ${size} input ...`), SIZES[size]()));

  if (want('wordcount')) {
    results.scenarios.wordcount = [];
    for (const size of config.sizes) {
      const { label, corpus: c } = corpus(size);
      if (size === '100mb' && !c.path.includes('books')) results.notes.push('../shared/data/gutenberg is absent: the 100 MB word count used a generated corpus');
      await quietly(`word count ${label}`);
      const r = await wordcountOnCorpus(ctx, label, c, size === '1gb' ? config.repsLarge : config.reps);
      results.scenarios.wordcount.push(r);
      printWordcount(r);
    }
  }
  if (want('gzip')) {
    const { corpus: c } = corpus(quick ? '20mb' : '100mb');
    await quietly('compressed input');
    results.scenarios.gzip = await gzipInput(ctx, c, { workers: 2, reps: Math.max(1, Math.min(config.reps, 3)) });
    printGzip(results.scenarios.gzip);
  }
  if (want('s3')) {
    const { corpus: c } = corpus(quick ? '20mb' : '100mb');
    await quietly('S3 input');
    results.scenarios.s3 = await s3Input(ctx, c, { workers: 2, reps: Math.max(1, Math.min(config.reps, 3)) });
    printS3Input(results.scenarios.s3);
  }
  if (want('wordcount-tuned')) {
    // The targets are set for 100 MB; the quick run uses its 20 MB input.
    const size = config.sizes.includes('20mb') ? '20mb' : '100mb';
    const { label, corpus: c } = corpus(size);
    await quietly(`word count, tuned mapper, ${label}`);
    results.scenarios.wordcountTuned = await wordcountTuned(ctx, label, c, config.reps);
    printWordcountTuned(results.scenarios.wordcountTuned);
  }
  if (want('sort')) {
    results.scenarios.sort = [];
    for (const size of config.sortSizes) {
      const bytes = { '200mb': 200e6, '1gb': 1e9 }[size];
      if (!bytes) throw new Error(`unknown sort size ${size}; known: 200mb, 1gb`);
      ctx.log(`preparing ${size} of records ...`);
      const input = teraRecords(dataDir, bytes);
      await quietly(`sort ${size}`);
      const r = await sortOnInput(ctx, size === '1gb' ? '1 GB' : '200 MB', input, { reps: quick ? 1 : config.repsLarge });
      results.scenarios.sort.push(r);
      printSort(r);
    }
  }
  if (want('overhead')) {
    await quietly('task overhead');
    results.scenarios.overhead = await overhead(ctx, { tasks: config.tasks, reps: Math.max(1, Math.min(config.reps, 2)) });
    printOverhead(results.scenarios.overhead);
  }
  if (want('startup')) {
    await quietly('start-up');
    results.scenarios.startup = await startup(ctx, { reps: config.reps });
    printStartup(results.scenarios.startup);
  }
  if (want('shuffle')) {
    const { corpus: c } = corpus(quick ? '20mb' : '100mb');
    await quietly('shuffle volume');
    results.scenarios.shuffle = await shuffle(ctx, c);
    printShuffle(results.scenarios.shuffle);
  }
  if (want('memory')) {
    await quietly('memory');
    const sizes = quick ? [['100 MB', 100e6]] : [['100 MB', 100e6], ['1 GB', 1e9]];
    // The 1 GB word count already measured gomr's peaks with 2 workers on the same corpus.
    const wc1g = results.scenarios.wordcount?.find((r) => r.label === '1 GB')?.variants['gomr-w2'];
    const list = sizes.map(([label, bytes]) => ({
      label: `${label} generated`,
      corpus: zipfCorpus(dataDir, bytes),
      ...(bytes === 1e9 && wc1g?.workerPeakMb
        ? { measured: { workers: 2, workerPeaksMb: wc1g.workerPeaksMb, workerPeakMb: wc1g.workerPeakMb, masterPeakMb: wc1g.masterPeakMb, cliPeakMb: wc1g.cliPeakMb, spills: wc1g.spills, wallMs: wc1g.wallMs?.median ?? NaN, from: 'the 1 GB word count runs' } }
        : {}),
    }));
    results.scenarios.memory = await memory(ctx, list);
    printMemory(results.scenarios.memory);
  }
  if (want('scaling')) {
    await quietly('scaling');
    const c = zipfCorpus(dataDir, config.scaleBytes, { files: 16 });
    const workers = config.scaleWorkers.filter((w) => w <= Math.max(cpus().length, 1));
    results.scenarios.scaling = await scaling(ctx, c, { workers, reps: config.repsLarge });
    printScaling(results.scenarios.scaling);
  } else {
    results.notes.push(`scaling (workers 1..16) not run: ${cpus().length} cpus here; run \`node bench/run.mjs --only scaling\` on a 16-core machine`);
  }
} finally {
  rmSync(tmpDir, { recursive: true, force: true });
}

results.loadAvg.end = load1();
results.wallS = Math.round((Date.now() - started.getTime()) / 1000);
const stamp = started.toISOString().slice(0, 16).replace(/[:T]/g, '-');
const outFile = opt.out ?? join(benchRoot, 'bench', 'results', `${stamp}-${hostname()}${quick ? '-quick' : ''}.json`);
mkdirSync(join(outFile, '..'), { recursive: true });
writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
const panels = benchPanels(results);
if (panels.length) writeFileSync(outFile.replace(/\.json$/, '') + '.svg', chartSvg(`gomr bench, ${results.machine.host}, ${results.date.slice(0, 10)}`, panels));
for (const n of results.notes) process.stdout.write(`note: ${n}\n`);
process.stdout.write(`\nresults: ${outFile}${panels.length ? ` (chart: ${outFile.replace(/\.json$/, '')}.svg)` : ''}; ${results.wallS} s\n`);
