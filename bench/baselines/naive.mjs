// The word count a user would write without gomr: read each input whole, split it with the
// same regex as examples/wordcount, count in a Map, write `word<TAB>count` lines.
// A file must fit in one V8 string (about 512 MiB), which is why the 1 GB corpus the bench
// generates is a directory of 128 MiB files: this script reads them one at a time.
// Usage: node naive.mjs INPUT(file or directory) OUTPUT
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [input, output] = process.argv.slice(2);
const files = statSync(input).isDirectory() ? readdirSync(input).sort().map((f) => join(input, f)) : [input];
const counts = new Map();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  for (const word of text.split(/[^\p{L}]+/u)) if (word) counts.set(word, (counts.get(word) ?? 0) + 1);
}
let out = '';
for (const [word, n] of counts) out += `${word}\t${n}\n`;
writeFileSync(output, out);
