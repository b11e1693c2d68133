import { fileURLToPath } from 'node:url';

/**
 * Commands oclif loads from a one-file bundle (see build-command-bundles.ts): `gomr run`,
 * whose start-up is the job's start-up.
 */
export const BUNDLED_COMMANDS = ['run'] as const;

/**
 * Where command ID's bundle is written. Two folders below dist/, as the compiled sources are
 * (dist/src/<folder>/): the `new URL('../../…', import.meta.url)` paths in them (the runtime
 * bundles, the starter files) resolve alike from the bundle and its chunks.
 */
export function commandBundle(id: string): string {
  return fileURLToPath(new URL(`../../command-bundles/${id}/${id}.js`, import.meta.url));
}
