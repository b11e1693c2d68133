import { Command } from '@oclif/core';
import { StorageUnavailableError } from '@gomr/storage';
import { exitCodeFor, GomrError, isOclifUsageError } from './errors.js';

/**
 * Turns known errors into one clear line and the documented exit code (exitCodeFor). Data
 * commands set `enableJsonFlag` and return their result: oclif prints it as JSON with --json.
 */
export abstract class BaseCommand extends Command {
  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (err instanceof GomrError) {
      process.stderr.write(`gomr: ${err.message}\n`);
      if (err.detail) process.stderr.write(`${err.detail.replace(/^/gm, '  ')}\n`);
      return this.exit(exitCodeFor(err));
    }
    // Storage that stayed down past its retry budget, wherever the CLI was using it.
    if (err instanceof StorageUnavailableError) {
      process.stderr.write(`gomr: ${err.message}\n`);
      return this.exit(exitCodeFor(err));
    }
    // oclif's own parse errors (bad flag, missing argument) are usage errors.
    if (isOclifUsageError(err)) {
      process.stderr.write(`gomr: ${usageLine(err.message)}\n`);
      return this.exit(exitCodeFor(err));
    }
    // Anything else: oclif prints it and exits with exitCodeFor's code for it (1, or an oclif exit's own).
    // With --json, oclif's catch would print it as JSON on stdout and exit 1: errors stay on
    // stderr with their own code, so stdout holds a result or nothing.
    if (this.jsonEnabled()) throw err;
    return super.catch(err);
  }
}

/**
 * One line of an oclif parse error. A refused flag value reads "Parsing --FLAG \n\tREASON\nSee
 * more help with --help", whose first line alone does not say what is wrong: the flag and the
 * reason are joined.
 */
export function usageLine(message: string): string {
  const refused = /^Parsing (--\S+)\s*\n\s*(.+)/.exec(message);
  return refused ? `${refused[1]}: ${refused[2]}` : message.split('\n')[0]!;
}
