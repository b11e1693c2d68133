/**
 * Keys must be well-formed UTF-16: a lone surrogate (what `word[0]` gives for an astral
 * letter) has no UTF-8 form, so runs and output files would carry it as U+FFFD, merging it
 * with every other such key. emit refuses it instead.
 */

// ES2024's String.prototype.isWellFormed (Node 20+): native, and immediate for one-byte
// strings, which cannot hold a surrogate. About 8 ns per emit of a short key.
const isWellFormed = (String.prototype as unknown as { isWellFormed(this: string): boolean }).isWellFormed;

/** A key that is not well-formed UTF-16. */
export class LoneSurrogateKeyError extends TypeError {
  constructor(
    readonly key: string,
    readonly index: number,
  ) {
    const unit = key.charCodeAt(index).toString(16);
    const shown = key.length > 40 ? key.slice(0, 40) + '…' : key;
    super(
      `ctx.emit: the key ${JSON.stringify(shown)} has a lone UTF-16 surrogate \\u${unit} at index ${index}; ` +
        'keys must be well-formed text (slice by code points, e.g. [...word][0], not word[0])',
    );
    this.name = 'LoneSurrogateKeyError';
  }
}

/** Throws LoneSurrogateKeyError unless `key` is well-formed UTF-16. */
export function checkKey(key: string): void {
  if (!isWellFormed.call(key)) throw new LoneSurrogateKeyError(key, loneSurrogateIndex(key));
}

function loneSurrogateIndex(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = s.charCodeAt(i + 1);
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    else return i;
  }
  return -1;
}
