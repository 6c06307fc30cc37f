// Argument checks shared by the checkpoint storages: ids, `retain`, and a checkpoint's shape.
import { describeValue } from '@weir/state';
import { CheckpointError } from './CheckpointError';
import type { CheckpointToSave } from './CheckpointStorage';

const DEFAULT_RETAIN = 3;

/** @internal Checks a `retain` option (default 3): a positive safe integer. */
export function checkRetain(kind: string, retain: unknown): number {
  if (retain === undefined) return DEFAULT_RETAIN;
  if (typeof retain !== 'number' || !Number.isSafeInteger(retain) || retain < 1) {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind}: option \`retain\` must be a positive integer, got ${describeValue(retain)}`);
  }
  return retain;
}

/** @internal Checks a checkpoint id: a non-negative safe integer. */
export function checkId(kind: string, id: unknown): asserts id is number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind}: a checkpoint id must be a non-negative integer, got ${describeValue(id)}`);
  }
}

/**
 * @internal Checks that a checkpoint can be stored faithfully: a valid id, numeric `time` and
 * source numbers, JSON offsets and sink states (no NaN, ±Infinity, undefined, bigint, cycles or
 * class instances, which JSON would silently change), and store bytes (a `Uint8Array` or chunks).
 */
export function checkCheckpointData(kind: string, checkpoint: CheckpointToSave): void {
  const bad = (message: string): CheckpointError => new CheckpointError('INVALID_ARGUMENT', `${kind}: ${message}`);
  if (typeof checkpoint !== 'object' || checkpoint === null) throw bad(`expected a checkpoint object, got ${describeValue(checkpoint)}`);
  checkId(kind, checkpoint.id);
  const id = checkpoint.id;
  if (typeof checkpoint.time !== 'number') throw bad(`checkpoint ${id}: time must be a number, got ${describeValue(checkpoint.time)}`);
  for (const field of ['sources', 'sinks', 'stores'] as const) {
    if (!isPlainObject(checkpoint[field])) throw bad(`checkpoint ${id}: ${field} must be an object, got ${describeValue(checkpoint[field])}`);
  }
  for (const [name, s] of Object.entries(checkpoint.sources)) {
    const where = `checkpoint ${id}: source ${JSON.stringify(name)}`;
    if (!isPlainObject(s)) throw bad(`${where}: expected an object, got ${describeValue(s)}`);
    for (const field of ['maxTimestamp', 'watermark', 'sinceWatermark'] as const) {
      if (typeof s[field] !== 'number') throw bad(`${where}: ${field} must be a number, got ${describeValue(s[field])}`);
    }
    checkJson(s.offset, `${where}: offset`, bad, new Set());
    if (s.partitions !== undefined) {
      if (!isPlainObject(s.partitions)) throw bad(`${where}: partitions must be an object, got ${describeValue(s.partitions)}`);
      for (const [partition, p] of Object.entries(s.partitions)) {
        const at = `${where}: partition ${JSON.stringify(partition)}`;
        if (!isPlainObject(p)) throw bad(`${at}: expected an object, got ${describeValue(p)}`);
        for (const field of ['maxTimestamp', 'watermark'] as const) {
          if (typeof p[field] !== 'number') throw bad(`${at}: ${field} must be a number, got ${describeValue(p[field])}`);
        }
        if (typeof p.idle !== 'boolean') throw bad(`${at}: idle must be a boolean, got ${describeValue(p.idle)}`);
      }
    }
  }
  for (const [name, state] of Object.entries(checkpoint.sinks)) {
    checkJson(state, `checkpoint ${id}: sink ${JSON.stringify(name)}`, bad, new Set());
  }
  for (const [name, bytes] of Object.entries(checkpoint.stores)) {
    const ok = bytes instanceof Uint8Array || (typeof bytes === 'object' && bytes !== null && typeof (bytes as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function');
    if (!ok) throw bad(`checkpoint ${id}: store ${JSON.stringify(name)}: expected encoded snapshot bytes (a Uint8Array, or an async iterable of chunks), got ${describeValue(bytes)}`);
  }
}

function checkJson(v: unknown, where: string, bad: (message: string) => CheckpointError, seen: Set<unknown>): void {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(v)) throw bad(`${where}: ${v} is not JSON`);
      return;
    case 'object':
      if (v === null) return;
      if (seen.has(v)) throw bad(`${where}: a cycle is not JSON`);
      seen.add(v);
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) checkJson(v[i], `${where}[${i}]`, bad, seen); // holes too
      } else if (isPlainObject(v)) {
        for (const [k, x] of Object.entries(v)) checkJson(x, `${where}.${k}`, bad, seen);
      } else {
        throw bad(`${where}: ${(v as object).constructor?.name ?? 'an object'} instance is not JSON (use plain objects and arrays)`);
      }
      seen.delete(v);
      return;
    default:
      throw bad(`${where}: ${describeValue(v)} is not JSON`);
  }
}

/** @internal A plain object (not an array, not a class instance). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
