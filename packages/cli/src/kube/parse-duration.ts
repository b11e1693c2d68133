import { UsageError } from '../errors.js';

/**
 * A duration flag in whole seconds: "24h", "90m", "45s", "1h30m", or a bare number of seconds.
 * Throws a usage error naming the flag.
 */
export function parseDurationSeconds(flag: string, text: string): number {
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
  const t = text.trim();
  let seconds = 0;
  if (/^\d+$/.test(t)) seconds = Number(t);
  else if (/^(\d+[smhd])+$/.test(t)) for (const [, n, u] of t.matchAll(/(\d+)([smhd])/g)) seconds += Number(n) * unit[u!]!;
  else throw new UsageError(`--${flag} must be a duration like 24h, 90m or 1h30m (or seconds), got ${JSON.stringify(text)}`);
  if (seconds < 1) throw new UsageError(`--${flag} must be at least 1 second, got ${JSON.stringify(text)}`);
  return seconds;
}
