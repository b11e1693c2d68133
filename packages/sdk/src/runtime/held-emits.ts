import type { JsonValue } from '../user-api.js';

/**
 * A task's emit, with a hold for isolating bad records: while a failed chunk runs line by
 * line (--skip-bad-records), what a line emits is kept aside by hold() and handed on by
 * release(true) only if the line succeeded, so a line that throws halfway leaves nothing.
 */
export interface HeldEmits {
  emit: (key: string, value: JsonValue) => void;
  hold: () => void;
  release: (keep: boolean) => void;
}

/** Emits that go to `sink`, or to the held list while a hold is on. */
export function heldEmits(sink: (key: string, value: JsonValue) => void): HeldEmits {
  let held: [string, JsonValue][] | null = null;
  return {
    emit: (k, v) => (held ? held.push([k, v]) : sink(k, v)),
    hold: () => {
      held = [];
    },
    release: (keep) => {
      if (keep) for (const [k, v] of held!) sink(k, v);
      held = null;
    },
  };
}
