import type { JsonValue } from '../../src/data/json-value.js';
import type { OutputFormat } from '../../src/data/output-format.js';

/**
 * One record as a line of `format`, with its line end, put together from the format's parts:
 * what the line writers' output must equal, record for record.
 */
export function formatRecord(format: OutputFormat, key: string, value: JsonValue): string {
  return `${format.open.toString()}${format.keyText(key)}${format.separator.toString()}${format.valueText(value)}${format.end.toString()}`;
}
