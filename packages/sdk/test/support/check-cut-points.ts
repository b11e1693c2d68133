import { compareUtf8 } from '../../src/data/index.js';

/** Throws unless `cuts` are cut points for `reducers` ranges: ascending, no repeats, at most R-1. */
export function checkCutPoints(cuts: readonly string[], reducers: number): void {
  if (cuts.length > reducers - 1) throw new RangeError(`${cuts.length} cut points for ${reducers} reducers; at most ${reducers - 1}`);
  for (let i = 1; i < cuts.length; i++) {
    if (compareUtf8(cuts[i - 1]!, cuts[i]!) >= 0) throw new RangeError(`cut points must ascend: ${JSON.stringify(cuts[i - 1])} then ${JSON.stringify(cuts[i])}`);
  }
}
