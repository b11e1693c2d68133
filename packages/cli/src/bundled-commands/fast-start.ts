import { pathToFileURL } from 'node:url';
import { BUNDLED_COMMANDS, commandBundleFresh, oclifBundle } from './command-bundles.js';

/** Flags oclif answers with help, before it loads a command (its help class is not bundled). */
const HELP_FLAGS = new Set(['--help', '-h']);

/**
 * The oclif that bin/run.js runs for `argv`: the bundled copy beside a bundled command's code
 * when argv runs that command and its bundle is fresh, else @oclif/core itself. Help (the
 * CLI's help class imports @oclif/core) and every other command take @oclif/core, so no
 * process ever holds both copies.
 */
export function oclifFor(argv: string[]): string {
  const [id, ...rest] = argv;
  const end = rest.indexOf('--');
  const asksHelp = (end < 0 ? rest : rest.slice(0, end)).some((a) => HELP_FLAGS.has(a));
  const bundled = (BUNDLED_COMMANDS as readonly string[]).includes(id ?? '') && !asksHelp && commandBundleFresh(id!);
  return bundled ? pathToFileURL(oclifBundle(id!)).href : '@oclif/core';
}
