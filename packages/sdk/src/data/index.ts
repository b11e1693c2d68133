/**
 * The data path: everything between the mapper's emit and the reducer's output lines.
 * Pure code over streams and buffers (no storage, no RPC), so each part is tested alone.
 */
export { compareUtf8 } from './utf8-compare.js';
export { defaultPartition } from './partition.js';
export { checkJsonValue, NotJsonValueError, type JsonValue } from './json-value.js';
export { checkKey, LoneSurrogateKeyError } from './well-formed-key.js';
export type { Rec, Group } from './rec.js';
export { batched, batchesOf, type Batched } from './batched.js';
export {
  RunEncoder,
  RunFormatError,
  RUN_MAGIC,
  RUN_CHUNK_BYTES,
  writeRun,
  readRun,
  readRunBatches,
  type ReadRunOptions,
} from './record-codec.js';
export { mergeSorted } from './kway-merge.js';
export { groupByKey } from './group-by-key.js';
export { mergeDown, runFile, writeRunFile, type MergeInput, type MergeDownOptions } from './run-files.js';
export {
  readLineChunks,
  splitReadRange,
  DEFAULT_CHUNK_BYTES,
  type LineChunk,
  type LineChunkOptions,
} from './line-chunks.js';
export {
  MapOutputBuffer,
  DEFAULT_SPILL_BYTES,
  defaultHeapLimit,
  heapInUse,
  type Combiner,
  type MapOutputBufferOptions,
  type SortedPartition,
} from './map-output-buffer.js';
export { SortedLineWriter, OutputOrderError, type SortedLineWriterOptions } from './sorted-output.js';
export { RunWriter } from './run-writer.js';
export {
  escapeText,
  formatValue,
  formatLine,
  outputFormat,
  OUTPUT_FORMATS,
  OUTPUT_FORMAT_NAMES,
  type OutputFormat,
  type OutputFormatName,
} from './output-format.js';
export { LineWriter } from './line-writer.js';
