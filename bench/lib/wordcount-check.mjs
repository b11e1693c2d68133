// Word-count outputs compared as word -> count maps: a time counts only if its output matches.

/** gomr parts or the Node scripts' output: `word<TAB>count` lines, any order. */
export function parseTabbed(text) {
  const m = new Map();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const t = line.lastIndexOf('\t');
    m.set(line.slice(0, t), Number(line.slice(t + 1)));
  }
  return m;
}

/** `uniq -c` output: `<spaces>count word` lines; the empty word (from a leading separator) dropped. */
export function parseUniqC(text) {
  const m = new Map();
  for (const line of text.split('\n')) {
    const r = /^\s*(\d+) (.*)$/.exec(line);
    if (r && r[2] !== '') m.set(r[2], Number(r[1]));
  }
  return m;
}

/** null if equal, else a short description of the first differences. */
export function diffCounts(expected, actual, what) {
  const problems = [];
  for (const [w, n] of expected) {
    const got = actual.get(w);
    if (got !== n) problems.push(`${JSON.stringify(w)}: expected ${n}, ${what} has ${got ?? 'nothing'}`);
    if (problems.length >= 3) break;
  }
  if (problems.length < 3) {
    for (const [w, n] of actual) {
      if (!expected.has(w)) problems.push(`${JSON.stringify(w)}: ${what} has ${n}, expected nothing`);
      if (problems.length >= 3) break;
    }
  }
  return problems.length ? `${what}: ${expected.size} words expected, ${actual.size} found; ${problems.join('; ')}` : null;
}

const ASCII_WORD = /^[A-Za-z]+$/;

/**
 * The reference restricted to what `LC_ALL=C tr -cs '[:alpha:]' '\n'` can see: in the C
 * locale only A-Z and a-z are letters. On an ASCII corpus that is every word. On the
 * generated corpus the non-ASCII words have no ASCII letter at all (tr drops them whole,
 * leaving no fragments), so tr's counts must equal the reference's ASCII words exactly.
 */
export function asciiOnly(reference) {
  const m = new Map();
  for (const [w, n] of reference) if (ASCII_WORD.test(w)) m.set(w, n);
  return m;
}
