import { UsageError } from '../errors.js';

/** `--param KEY=VALUE` flags to the job's params (ctx.params). */
export function parseParams(values: string[] | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const p of values ?? []) {
    const eq = p.indexOf('=');
    if (eq < 1) throw new UsageError(`--param must be KEY=VALUE, got ${JSON.stringify(p)}`);
    params[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return params;
}
