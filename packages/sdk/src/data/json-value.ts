import type { JsonValue } from '../user-api.js';

export type { JsonValue };

/**
 * Thrown when user code emits something gomr cannot carry to the reducer unchanged.
 * `path` says where inside the value the problem is (`value`, `value.items[2]`, ...).
 */
export class NotJsonValueError extends TypeError {
  constructor(
    readonly path: string,
    readonly what: string,
  ) {
    super(`emitted value is not a JSON value: ${path} is ${what}`);
    this.name = 'NotJsonValueError';
  }
}

/**
 * Checks that `value` is a JSON value: null, a boolean, a number, a string, or arrays and
 * objects of those. Throws NotJsonValueError naming the first offending part otherwise.
 *
 * Called on every emit, so scalars return after one typeof. What is accepted, and how it
 * arrives at the reducer:
 * - every number, NaN and +-Infinity included, keeps its exact value at the top level
 *   (runs store it as float64). Inside arrays and objects values travel as JSON text, so
 *   there NaN and +-Infinity become null and -0 becomes 0, as JSON.stringify does;
 * - object properties whose value is undefined are dropped, as JSON.stringify does;
 * - objects with a toJSON method (Date, Buffer) are stored as what toJSON returns;
 * - other objects (class instances too) are stored as their own enumerable properties.
 * Rejected: undefined (top level or in an array), functions, symbols, BigInts, cyclic
 * structures, and Map/Set/typed arrays, which JSON.stringify would silently turn into {}.
 */
export function checkJsonValue(value: unknown): asserts value is JsonValue {
  const t = typeof value;
  if (t === 'number' || t === 'string' || t === 'boolean' || value === null) return;
  const problem = checkDeep(value, new Set());
  if (problem) throw new NotJsonValueError(`value${problem.segments.reverse().join('')}`, problem.what);
}

function describe(value: unknown): string | null {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    case 'bigint':
      return 'a BigInt (convert it with Number() or String())';
    default:
      return null;
  }
}

/** Where a problem was found: path segments innermost first, built only on failure. */
interface Problem {
  segments: string[];
  what: string;
}

function checkDeep(value: unknown, ancestors: Set<object>): Problem | null {
  const t = typeof value;
  if (t === 'number' || t === 'string' || t === 'boolean' || value === null) return null;
  if (t !== 'object') return { segments: [], what: describe(value) ?? t };
  const obj = value as Record<string, unknown>;
  if (ancestors.has(obj)) return { segments: [], what: 'a cyclic structure (it contains itself)' };
  if (typeof obj.toJSON === 'function') return null;
  if (obj instanceof Map || obj instanceof Set || obj instanceof WeakMap || obj instanceof WeakSet) {
    return { segments: [], what: `a ${obj.constructor.name} (convert it to an array or a plain object)` };
  }
  if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) {
    return { segments: [], what: `a ${obj.constructor.name} (convert it with Array.from)` };
  }
  if (obj instanceof Promise) return { segments: [], what: 'a Promise (await it before emitting)' };
  ancestors.add(obj);
  let problem: Problem | null = null;
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length && !problem; i++) {
      const v = obj[i];
      problem = v === undefined ? { segments: [], what: 'undefined' } : checkDeep(v, ancestors);
      if (problem) problem.segments.push(`[${i}]`);
    }
  } else {
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      if (v === undefined) continue;
      problem = checkDeep(v, ancestors);
      if (problem) {
        problem.segments.push(/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
        break;
      }
    }
  }
  ancestors.delete(obj);
  return problem;
}
