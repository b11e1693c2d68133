import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The gomr packages bundles are built from, besides the CLI itself. */
export const GOMR_PACKAGES = ['@gomr/proto', '@gomr/storage', '@gomr/sdk', '@gomr/master'];

/** The CLI's own tsconfig.tsbuildinfo (this file is at dist/src/local/, or a bundle at the same depth). */
export const CLI_BUILD_INFO = fileURLToPath(new URL('../../tsconfig.tsbuildinfo', import.meta.url));

/** Each package's tsconfig.tsbuildinfo, which `tsc -b` rewrites whenever it compiles the package. */
export function buildInfosOf(packages: string[]): string[] {
  // <package>/dist/src/index.js -> <package>/dist/tsconfig.tsbuildinfo
  return packages.map((p) => join(dirname(dirname(require.resolve(p))), 'tsconfig.tsbuildinfo'));
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return NaN;
  }
}

/**
 * True when every bundle exists and none is older than any of `buildInfos`: after `tsc -b`
 * alone recompiled a package, bundles built from its older files are stale. With none of
 * `buildInfos` there at all, gomr is an installed package (npm packs no tsbuildinfo, and
 * nothing compiles it in place), whose bundles were built with the files beside them: they
 * are fresh if they are all there.
 */
export function bundlesFresh(bundles: string[], buildInfos: string[]): boolean {
  const built = Math.min(...bundles.map(mtimeMs));
  const compiled = buildInfos.map(mtimeMs);
  if (compiled.every(Number.isNaN)) return !Number.isNaN(built);
  // NaN (a missing file: a package never compiled) fails the comparison.
  return built >= Math.max(...compiled);
}
