import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Args } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { EXIT_CODE_HELP, UsageError } from '../errors.js';
import { starterFiles } from '../init/starter-files.js';

export default class Init extends BaseCommand {
  static override summary = 'Write a starter job (word count) that runs at once.';
  static override description = `Writes into DIR (default: the current folder; created if missing): worker.ts (word count), input/sample.txt,
package.json (with @gomr/sdk and gomr as dependencies and the scripts job, test, check, typecheck),
tsconfig.json, test/job.test.mjs (runs the job on the sample and compares it with an independent
count), README.md and .gitignore. Writes nothing if any of these files exists.

${EXIT_CODE_HELP}`;

  static override examples = ['<%= config.bin %> init wordcount && cd wordcount && npm install && npm run job && npm test'];

  static override args = {
    dir: Args.string({ required: false, default: '.', description: 'the folder to write the job into' }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(Init);
    const dir = resolve(args.dir);
    const deps = (this.config.pjson.dependencies ?? {}) as Record<string, string>;
    const files = await starterFiles(basename(dir), {
      gomr: this.config.version,
      typescript: deps.typescript ?? 'latest',
      typesNode: deps['@types/node'] ?? 'latest',
    });
    const shown = (path: string) => relative(process.cwd(), join(dir, path)) || path;
    const existing = [...files.keys()].filter((path) => existsSync(join(dir, path)));
    if (existing.length) {
      throw new UsageError(`${shown(existing[0]!)} exists: gomr init writes only new files (${existing.length} of ${files.size} exist)`);
    }
    for (const [path, text] of files) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      // 'wx': a file that appeared since the check is still not overwritten.
      await writeFile(join(dir, path), text, { flag: 'wx' });
    }
    const cd = relative(process.cwd(), dir);
    process.stdout.write(`wrote ${[...files.keys()].join(', ')}${cd ? ` in ${cd}` : ''}\nnext: ${cd ? `cd ${cd} && ` : ''}npm install && npm run job && npm test\n`);
  }
}
