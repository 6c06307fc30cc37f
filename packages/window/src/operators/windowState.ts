// Internal: how window operators lay out their state in the store, and the small codecs for it.
// (The layout of every operator is described in docs/architecture.md, "key layout".)
//
// Every key starts with the operator's name as a tuple string component, so operators sharing a
// store never see each other's keys, then a one-byte section:
//   META    name 00                           -> msgpack { watermark, nextSeq, counters } (written
//                                                 by statefulOperator of @weir/stream at barriers)
//   (01 is retired: it held the aligned engine's "fired" markers, now a timer flag)
//   GROUP   name 02 int(end) int(start) key   -> [seq(6) flags(1) acc...] (accumulators, by window
//                                                                          or pane end)
//   SESSION name 03 key int(start)            -> [seq(6) flags(1) int(end) acc...]
//   TIMER   name 04 int(due) int(end) int(start) -> [flags(1)]            (pending timers in time
//                                                                          order: see TimerIndex)
import { OperatorKeys, StateError, decodeTuple, type KeyPart, type StateStore } from '@weir/state';

export const META = 0x00;
export const GROUP = 0x02;
export const SESSION = 0x03;
export const TIMER = 0x04;

/** Group value header: 6-byte sequence number (creation order) and a flags byte. */
export const HEADER_BYTES = 7;
export const FLAG_EMITTED = 1;
export const FLAG_CHANGED = 2;

/** Builds the keys of one operator instance. */
export class WindowKeys extends OperatorKeys {
  /** A TIMER key; `due` must be a safe integer (see TimerIndex). */
  timer(due: number, end: number, start: number): Uint8Array {
    return this.writer.reset().raw(this.prefix).byte(TIMER).int(due).int(end).int(start).finish();
  }

  /** The first TIMER key due at or after `due` (a safe integer): a range scan's exclusive end. */
  timersFrom(due: number): Uint8Array {
    return this.writer.reset().raw(this.prefix).byte(TIMER).int(due).finish();
  }

  group(end: number, start: number, key: KeyPart): Uint8Array {
    return this.writer.reset().raw(this.prefix).byte(GROUP).int(end).int(start).part(key).finish();
  }

  session(key: KeyPart, start: number): Uint8Array {
    return this.writer.reset().raw(this.prefix).byte(SESSION).part(key).int(start).finish();
  }
}

/** Writes the 7-byte group header into `out`. */
export function writeHeader(out: Uint8Array, seq: number, flags: number): void {
  const hi = Math.floor(seq / 0x100000000);
  const lo = seq >>> 0;
  out[0] = (hi >>> 8) & 0xff;
  out[1] = hi & 0xff;
  out[2] = lo >>> 24;
  out[3] = (lo >>> 16) & 0xff;
  out[4] = (lo >>> 8) & 0xff;
  out[5] = lo & 0xff;
  out[6] = flags;
}

/** Reads the sequence number of a group header. */
export function readSeq(bytes: Uint8Array, where: string): number {
  if (bytes.length < HEADER_BYTES) {
    throw new StateError('CORRUPTION', `${where}: a window state entry of ${bytes.length} bytes is too short`);
  }
  const hi = bytes[0]! * 256 + bytes[1]!;
  const lo = ((bytes[2]! << 24) | (bytes[3]! << 16) | (bytes[4]! << 8) | bytes[5]!) >>> 0;
  return hi * 0x100000000 + lo;
}

/** Scratch buffers for building values (store.put copies what it is given), one per length. */
export class Scratch {
  private readonly byLength: Uint8Array[] = [];

  /** A buffer of exactly `n` bytes, valid until the next call with the same `n`. */
  take(n: number): Uint8Array {
    let buf = this.byLength[n];
    if (buf === undefined) this.byLength[n] = buf = new Uint8Array(n);
    return buf;
  }
}

/** One accumulator entry of the GROUP section, as stored. */
export interface StoredGroup {
  readonly end: number;
  readonly start: number;
  readonly key: KeyPart;
  readonly seq: number;
  readonly flags: number;
  readonly acc: Uint8Array;
  readonly storeKey: Uint8Array;
}

/**
 * Every GROUP entry of one operator, by window (or pane) end, each list in creation order: what
 * an engine rebuilds its mirror from when it subscribes. O(n log n).
 */
export function readGroups(store: StateStore, keys: WindowKeys, where: string): Map<number, StoredGroup[]> {
  const byEnd = new Map<number, StoredGroup[]>();
  const prefixLength = keys.prefix.length + 1;
  for (const [k, v] of store.prefixScan(keys.section(GROUP))) {
    const [end, start, key] = decodeTuple(k, prefixLength) as [number, number, KeyPart];
    let list = byEnd.get(end);
    if (list === undefined) byEnd.set(end, (list = []));
    list.push({ end, start, key, seq: readSeq(v, where), flags: v[HEADER_BYTES - 1]!, acc: v.subarray(HEADER_BYTES), storeKey: k });
  }
  for (const list of byEnd.values()) list.sort((a, b) => a.seq - b.seq);
  return byEnd;
}

/** Writes one GROUP entry: header (creation number, flags) and the encoded accumulator. */
export function writeGroup(store: StateStore, scratch: Scratch, storeKey: Uint8Array, seq: number, flags: number, acc: Uint8Array): void {
  const out = scratch.take(HEADER_BYTES + acc.length);
  writeHeader(out, seq, flags);
  out.set(acc, HEADER_BYTES);
  store.put(storeKey, out);
}
