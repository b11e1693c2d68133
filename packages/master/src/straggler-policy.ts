/**
 * When a running attempt counts as a straggler worth a backup copy (speculative execution, as
 * in the MapReduce paper). Pure, so the rule is easy to test and to document:
 *
 *   a task is a straggler when at least `minCompleted` tasks of its phase have finished, and its
 *   attempt has run longer than both `factor` x the median duration of the finished ones and
 *   that median + `minExtraMs`.
 *
 * With the defaults (2x, +10 s) a phase of healthy 2-5 s tasks never speculates: a backup needs
 * an attempt running for 12 s or more when the median is 2 s.
 */
export interface SpeculationOptions {
  /** @default true */
  enabled: boolean;
  /** @default 2 */
  factor: number;
  /** @default 10000 */
  minExtraMs: number;
  /** @default 1 */
  minCompleted: number;
}

export const DEFAULT_SPECULATION: SpeculationOptions = { enabled: true, factor: 2, minExtraMs: 10_000, minCompleted: 1 };

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The running time past which an attempt is a straggler (Infinity: none can be yet). */
export function stragglerThresholdMs(completedDurationsMs: number[], o: SpeculationOptions): number {
  if (!o.enabled || completedDurationsMs.length < o.minCompleted) return Infinity;
  const m = median(completedDurationsMs);
  return Math.max(o.factor * m, m + o.minExtraMs);
}
