/** A bag of named 64-bit-ish counters (JS numbers: exact below 2^53). */
export type Counters = Record<string, number>;

/** Adds `from` into `into`, in place. */
export function addCounters(into: Counters, from: Record<string, number | string> | undefined): Counters {
  if (!from) return into;
  for (const [name, value] of Object.entries(from)) {
    const n = Number(value);
    if (Number.isFinite(n)) into[name] = (into[name] ?? 0) + n;
  }
  return into;
}
