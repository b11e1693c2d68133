import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { connectDocker } from '../docker/docker-client.js';
import { buildImageSet, DEFAULT_BASE_IMAGE, type ImageSet } from '../docker/image-set.js';
import { EXIT_CODE_HELP } from '../errors.js';

export default class Build extends BaseCommand {
  static override summary = 'Build the master and worker images of a worker file, and nothing else.';
  static override description = `Bundles the master, the worker runtime and WORKER with esbuild and builds two images with
the local Docker daemon, from Dockerfile.master and Dockerfile.worker. Tags are content hashes:
an unchanged worker (and gomr) is not rebuilt. gomr start does this itself; build alone is for
checking a worker, or for preparing images ahead of time.

${EXIT_CODE_HELP}`;

  static override examples = [
    '<%= config.bin %> build examples/wordcount/worker.ts',
    '<%= config.bin %> build --base-image node:22-slim --repository registry.example.com/team --json worker.ts',
  ];

  static override enableJsonFlag = true;

  static override args = { worker: Args.string({ required: true, description: 'the worker file (TypeScript or JavaScript)' }) };

  static override flags = {
    'base-image': Flags.string({ default: DEFAULT_BASE_IMAGE, description: 'Node base image of both images' }),
    repository: Flags.string({ description: 'prefix of the image names, e.g. a registry path' }),
    verbose: Flags.boolean({ char: 'v', default: false, description: 'show the build output' }),
  };

  async run(): Promise<ImageSet> {
    const { args, flags } = await this.parse(Build);
    const docker = await connectDocker();
    const set = await buildImageSet(docker, {
      workerFile: args.worker,
      baseImage: flags['base-image'],
      repository: flags.repository,
      ...(flags.verbose ? { onLine: (image: string, line: string) => process.stderr.write(`${image}: ${line}\n`) } : {}),
    });
    if (this.jsonEnabled()) return set;
    for (const i of [set.master, set.worker]) process.stdout.write(`${i.built ? 'built    ' : 'unchanged'} ${i.tag}\n`);
    return set;
  }
}
