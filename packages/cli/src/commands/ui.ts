import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { createStatusServer, listenStatusServer } from '@gomr/master';
import { BaseCommand } from '../base-command.js';
import { EXIT, EXIT_CODE_HELP, GomrError } from '../errors.js';
import { gomrHome } from '../job/gomr-home.js';
import { checkJobId, liveStatusUrl, loadJobSnapshot } from '../job/load-job-snapshot.js';
import { storageConfigFromFlags, storageFlags } from '../storage-flags.js';

export default class Ui extends BaseCommand {
  static override summary = "Print the URL of a job's status page.";
  static override description = `For a job running on this machine, prints the URL of the page its master serves (live progress, a timeline of every task attempt, workers, counters, failures). Without JOB, the newest running job. A finished job's master is gone: --serve shows the same page from the summary the job saved, on a local port, until Ctrl-C.

${EXIT_CODE_HELP}`;

  static override examples = [
    '<%= config.bin %> ui',
    '<%= config.bin %> ui 20261122-231502-3f9a',
    '<%= config.bin %> ui 20261122-231502-3f9a --serve --port 8080',
  ];

  static override args = {
    job: Args.string({ required: false, description: 'job id [default: the newest job running here]' }),
  };

  static override flags = {
    serve: Flags.boolean({ default: false, description: "serve a finished job's page from its saved summary until Ctrl-C" }),
    port: Flags.integer({ default: 0, min: 0, max: 65535, description: 'port for --serve [default: any free port]' }),
    ...storageFlags,
  };

  async run(): Promise<{ jobId: string; url: string }> {
    const { args, flags } = await this.parse(Ui);
    const jobId = args.job ? checkJobId(args.job) : await newestRunningJob();
    const live = await liveStatusUrl(jobId);
    if (live) {
      process.stdout.write(`${live.url}\n`);
      return { jobId, url: live.url };
    }
    if (!flags.serve) {
      throw new GomrError(
        `job ${jobId} is not running here, so no master serves its page; see its saved summary with: gomr status ${jobId} (or its page with: gomr ui ${jobId} --serve)`,
        EXIT.RUNTIME,
      );
    }
    const { snapshot } = await loadJobSnapshot(jobId, storageConfigFromFlags(flags));
    const server = createStatusServer({ snapshot: () => snapshot });
    const port = await listenStatusServer(server, `127.0.0.1:${flags.port}`).catch((err: Error) => {
      throw new GomrError(`cannot serve on port ${flags.port}: ${err.message}`, EXIT.USAGE);
    });
    const url = `http://127.0.0.1:${port}/`;
    process.stdout.write(`${url}\n`);
    process.stderr.write(`serving the saved page of job ${jobId}; Ctrl-C to stop\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    server.close();
    server.closeAllConnections();
    return { jobId, url };
  }
}

/** Job ids sort by start time; the newest whose master answers. */
async function newestRunningJob(): Promise<string> {
  const ids = (await readdir(join(gomrHome(), 'jobs')).catch(() => [] as string[])).filter((n) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(n)).sort().reverse();
  for (const id of ids) if (await liveStatusUrl(id)) return id;
  throw new GomrError('no job is running on this machine; gomr jobs lists past ones, and gomr ui JOB --serve shows the page of one', EXIT.RUNTIME);
}
