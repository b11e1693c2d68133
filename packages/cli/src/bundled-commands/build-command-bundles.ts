import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { BUNDLED_COMMANDS, commandBundle } from './command-bundles.js';

/**
 * Bundles each of BUNDLED_COMMANDS (its compiled commands/<id>.js and everything it imports)
 * into commandBundle(id), with what it imports with import() in chunks beside it, read only
 * when needed (the gRPC client once the processes are spawned, the S3 client, the progress
 * bars), and oclif's execute beside it (oclif-entry.ts). Run by `npm run build`
 * (scripts/post-build.mjs), which then points the manifest at bundled-commands/<id>.js.
 */
export async function buildCommandBundles(): Promise<void> {
  for (const id of BUNDLED_COMMANDS) {
    const outfile = commandBundle(id);
    await rm(dirname(outfile), { recursive: true, force: true });
    await esbuild.build({
      // The command and the oclif that runs it (oclif-entry.ts): one oclif chunk, shared.
      entryPoints: { [id]: fileURLToPath(new URL(`../commands/${id}.js`, import.meta.url)), oclif: fileURLToPath(new URL('./oclif-entry.js', import.meta.url)) },
      outdir: dirname(outfile),
      bundle: true,
      splitting: true,
      // Beside the entry, not in a subfolder: paths relative to import.meta.url must resolve
      // from a chunk as from the entry (see commandBundle).
      chunkNames: '[name]-[hash]',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: true,
      logLevel: 'silent',
      legalComments: 'none',
      // esbuild: its binary is found from its own package. typescript: 9 MB, read only by
      // --typecheck. oclif is bundled: bin/run.js runs a bundled command with this copy.
      external: ['esbuild', 'typescript'],
      // CommonJS dependencies (grpc-js, minio) inside an ESM bundle still call require().
      banner: { js: "import { createRequire as __gomrCreateRequire } from 'node:module'; const require = __gomrCreateRequire(import.meta.url);" },
    });
  }
}
