/**
 * An array or object serialized with JSON.stringify when it was emitted.
 *
 * The map side keeps emitted values in memory until it spills. Holding the user's object
 * would let later mutations of it (a reused accumulator) change output that was already
 * emitted; a snapshot string cannot change, costs about what the run file will, and is
 * written to the run without serializing again. Internal to the data path: records handed
 * to user code or to other modules always carry plain JSON values.
 */
export class JsonText {
  constructor(readonly text: string) {}
}
