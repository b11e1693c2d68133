// Plain-text tables for the terminal.

/** Prints a titled table; rows are arrays of cells (strings or numbers). */
export function printTable(title, header, rows, notes = []) {
  const cells = [header, ...rows].map((r) => r.map((c) => (c == null ? '-' : String(c))));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [`\n== ${title}`, line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
  for (const n of notes) out.push(`  ${n}`);
  process.stdout.write(out.join('\n') + '\n');
}
