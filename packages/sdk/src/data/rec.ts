import type { JsonValue } from './json-value.js';

/** One intermediate record: what map emits, runs store, and the merge orders by key. */
export interface Rec {
  key: string;
  value: JsonValue;
}

/** The reducer's view of a key: every value emitted for it, in a deterministic order. */
export interface Group {
  key: string;
  values: JsonValue[];
}
