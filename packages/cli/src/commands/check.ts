import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { EXIT_CODE_HELP } from '../errors.js';

export default class Check extends BaseCommand {
  static override summary = 'Type-check a worker file and load it, without running a job.';
  static override description = `Type-checks WORKER against the types of @gomr/sdk with the TypeScript compiler (the options of the
nearest tsconfig.json above WORKER; strict ESM defaults without one) and prints tsc's messages as
file:line:col. Then bundles it and loads it as a worker would, refusing a file that never calls
run(). \`gomr run --typecheck\` does the same type-check before starting anything.

${EXIT_CODE_HELP}`;

  static override examples = ['<%= config.bin %> check worker.ts', '<%= config.bin %> check --no-load examples/wordcount/worker.ts'];

  static override args = {
    worker: Args.string({ required: true, description: 'the worker file (TypeScript or JavaScript)' }),
  };

  static override flags = {
    load: Flags.boolean({ default: true, allowNo: true, description: 'also bundle the file and load it as a worker would (checks that it calls run())' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Check);
    const { assertWorkerTypechecks } = await import('../bundle/typecheck-worker.js');
    const typed = assertWorkerTypechecks(args.worker);
    const config = typed.tsconfig ? `with ${relative(process.cwd(), typed.tsconfig) || typed.tsconfig}` : 'no tsconfig.json: strict defaults';
    let shape = '';
    if (flags.load) {
      const [{ bundleWorker }, { checkWorker }] = await Promise.all([import('../bundle/bundle-worker.js'), import('../bundle/check-worker.js')]);
      const dir = await mkdtemp(join(tmpdir(), 'gomr-check-'));
      try {
        const bundle = await bundleWorker(args.worker, join(dir, 'worker.mjs'));
        const s = await checkWorker(bundle.path);
        shape = s.steps
          ? `; defines ${s.steps.length} steps (${s.steps.map((x, i) => `${i + 1}: mapper${x.reducer ? ', reducer' : ''}${x.combiner ? ', combiner' : ''}${x.partitioner ? ', partitioner' : ''}`).join('; ')})`
          : `; defines mapper, reducer${s.combiner ? ', combiner' : ''}${s.partitioner ? ', partitioner' : ''}`;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    process.stdout.write(`${args.worker}: type-checks (${config})${shape}\n`);
  }
}
