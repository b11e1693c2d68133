import type { Split, Storage } from '@gomr/storage';
import type { JobDefinition, InputMode } from '../user-api.js';
import { UserCodeError, isThenable } from '../runtime/user-code-error.js';
import { callSite } from '../runtime/async-user-errors.js';
import { readInput, type InputUnit } from './input-format.js';
import type { ChunkStats } from '../data/chunk-checks.js';
import { errorMessage, type DeadLetter, type DeadLetterRecord } from '../runtime/dead-letter.js';
import type { JsonValue } from '../user-api.js';

export interface FeedOptions {
  definition: JobDefinition;
  /** The ctx passed to the mapper; `open` only while a mapper call runs (a later emit is refused). */
  ctx: { open: boolean };
  storage: Storage;
  split: Split;
  /** --skip-bad-records: offsets of units that failed every earlier attempt. */
  skipOffsets: readonly number[];
  /** Why each unit of skipOffsets failed (same order), for the dead-letter lines of whole units. */
  skipErrors?: readonly string[];
  /** Where each record left out is written, with why (see dead-letter.ts). */
  deadLetter?: DeadLetter;
  taskId?: string;
  /**
   * Running a failed text chunk line by line: `hold()` before each line, so what it emits is
   * kept aside, and `release(keep)` after it (keep: the line succeeded, its emits count).
   */
  hold: () => void;
  release: (keep: boolean) => void;
  /** After each unit (a spill check, backpressure). */
  afterUnit: () => Promise<void> | void;
  onProgress: (inputBytes: number) => void;
  /** Inputs read in place: fails the task if the input changed; run before the read and after it. */
  checkInput?: () => Promise<void>;
  /** gomr replay --chunk / --line: the mapper sees only this unit (see ReplayNarrowing). */
  only?: { offset: number; byLine?: boolean; line?: number };
}

export interface FeedStats extends ChunkStats {
  inputRecords: number;
  inputBytes: number;
  skippedRecords: number;
}

/**
 * Calls the mapper on every unit of a split in the job's input mode (see input-format.ts). A
 * unit whose offset is in skipOffsets is left out (a text chunk: run line by line, leaving out
 * only the lines that throw); a mapper that throws, or a record that does not parse, ends the
 * task with a UserCodeError naming the input and the unit's offset.
 */
export async function feedMapper(o: FeedOptions): Promise<FeedStats> {
  const mode = (o.definition.input ?? 'text') as InputMode;
  const mapper = o.definition.mapper as (ctx: unknown, input: unknown) => void | Promise<void>;
  const skip = new Set(o.skipOffsets);
  const stats: FeedStats = { inputRecords: 0, inputBytes: 0, skippedRecords: 0, invalidUtf8: 0, crlfLines: 0 };
  // Where an error of user code outside its call (a timer, a lost promise) is said to come from.
  callSite.input = o.split.inputName;
  o.ctx.open = false;
  if (o.checkInput) await o.checkInput();
  const input = o.split.inputName;
  const task = o.taskId ?? '';
  const why = new Map(o.skipOffsets.map((off, i) => [off, o.skipErrors?.[i] ?? '']));
  const onDroppedRow = (err: Error & { record?: unknown }, offset: number) => {
    stats.skippedRecords++;
    o.deadLetter?.add({ task, input, offset, record: (err.record ?? null) as JsonValue, error: err.message });
  };
  const units = readInput(mode, o.storage, o.split, { skipOffsets: skip, onDroppedRow, stats });
  for await (const unit of units) {
    if (o.only) {
      // Replaying one chunk: the units before it are read (that is how a split is cut into
      // chunks) but not given to the mapper; the read ends with it.
      if (unit.offset < o.only.offset) continue;
      if (unit.offset > o.only.offset) break;
      if (o.only.byLine && unit.lines) {
        await feedLines(o, mapper, unit.offset, unit.lines());
        await o.afterUnit();
        stats.inputRecords += unit.records;
        stats.inputBytes += unit.bytes;
        break;
      }
    }
    callSite.offset = unit.offset;
    stats.inputRecords += unit.records;
    stats.inputBytes += unit.bytes;
    if (skip.has(unit.offset)) {
      if (!unit.lines) {
        stats.skippedRecords++;
        o.deadLetter?.add(wholeUnit(mode, task, input, unit, why.get(unit.offset) ?? ''));
        continue;
      }
      // Each line's own byte offset, for its dead-letter line.
      let lineOffset = unit.offset;
      for (const line of unit.lines()) {
        const at = lineOffset;
        lineOffset += Buffer.byteLength(line);
        o.hold();
        let ok = true;
        o.ctx.open = true;
        try {
          const r = mapper(o.ctx, line);
          if (isThenable(r)) await r;
        } catch (err) {
          ok = false;
          stats.skippedRecords++;
          o.deadLetter?.add({ task, input, offset: at, line: line.endsWith('\n') ? line.slice(0, -1) : line, error: errorMessage(err) });
        } finally {
          o.ctx.open = false;
        }
        o.release(ok);
      }
      const p = o.afterUnit();
      if (p) await p;
      continue;
    }
    o.ctx.open = true;
    try {
      const r = mapper(o.ctx, unit.value());
      if (isThenable(r)) await r;
    } catch (err) {
      throw new UserCodeError(err, o.split.inputName, unit.offset, '');
    } finally {
      o.ctx.open = false;
    }
    // Awaited only when there is something to wait for: a microtask per line adds up.
    const p = o.afterUnit();
    if (p) await p;
    o.onProgress(stats.inputBytes);
    if (o.only) break;
  }
  // A file truncated while it was read ends the read early, as if the split were shorter.
  if (o.checkInput) await o.checkInput();
  return stats;
}

/**
 * gomr replay --line: a text chunk's lines given to the mapper one at a time, in order, so the
 * first that throws is named by its own byte offset: the line that fails alone.
 */
async function feedLines(o: FeedOptions, mapper: (ctx: unknown, input: unknown) => void | Promise<void>, chunkOffset: number, lines: string[]): Promise<void> {
  let offset = chunkOffset;
  for (const line of lines) {
    // One line only (--line --inspect): the debugger stops in no other line's call.
    if (o.only?.line !== undefined && offset !== o.only.line) {
      offset += Buffer.byteLength(line);
      continue;
    }
    callSite.offset = offset;
    o.ctx.open = true;
    try {
      const r = mapper(o.ctx, line);
      if (isThenable(r)) await r;
    } catch (err) {
      throw new UserCodeError(err, o.split.inputName, offset, '');
    } finally {
      o.ctx.open = false;
    }
    offset += Buffer.byteLength(line);
  }
}

/**
 * The dead-letter line of a unit left out whole (every mode but text): a line as written
 * (`lines`), a jsonl line as written (it may be the one that does not parse), a csv row as
 * the mapper would have had it.
 */
function wholeUnit(mode: InputMode, task: string, input: string, unit: InputUnit, error: string): DeadLetterRecord {
  if (unit.raw) {
    const text = unit.raw();
    return mode === 'lines' ? { task, input, offset: unit.offset, line: text, error } : { task, input, offset: unit.offset, record: text, error };
  }
  let record: JsonValue;
  try {
    record = unit.value() as JsonValue;
  } catch {
    record = null;
  }
  return { task, input, offset: unit.offset, record, error };
}
