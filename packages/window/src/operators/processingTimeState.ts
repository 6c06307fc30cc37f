// Internal: how the processing-time window operators lay out their state in the store
// (docs/architecture.md §3.6). Same conventions as the event-time windows (§3.3, §4.2): keyed
// entries start with the key's group (u16) then the operator's name P; operator-scoped entries
// start with FF FF. Sections of their own (tags 10-12), so a processing-time operator's state can
// never be read as an event-time one's:
//   META      FF FF P 00                             -> msgpack { watermark, nextSeq, counters, keyGroups }
//   PT_GROUP  u16(kg) P 10 int(end) int(start) key   -> [u48 seq, flags(1) = 0, acc]
//   PT_SESSION u16(kg) P 11 key int(start)           -> [u48 seq, flags(1) = 0, f64 end, acc]
//   PT_TIMER  FF FF P 12 int(due) int(end) int(start) -> []   (tumbling, hopping: one per open window)
// A session's timer is its stored end (a session is due when the clock reaches it).
import { decodeTuple, type KeyPart, type StateStore } from '@weir/state';
import { StateError } from '@weir/state';
import { HEADER_BYTES, WindowKeys, readSeq, writeHeader } from './windowState';

export const PT_GROUP = 0x10;
export const PT_SESSION = 0x11;
export const PT_TIMER = 0x12;

/** The keys of one processing-time window operator (layout above). */
export class ProcessingTimeKeys extends WindowKeys {
  /** A PT_GROUP key (a copy). O(key length). */
  ptGroup(end: number, start: number, key: KeyPart): Uint8Array {
    const w = this.keyedWriter(0, PT_GROUP).int(end).int(start);
    const at = w.length;
    w.part(key);
    return this.fileUnderKeyGroup(at, w.length).slice();
  }

  /** A PT_SESSION key (a copy). O(key length). */
  ptSession(key: KeyPart, start: number): Uint8Array {
    const w = this.keyedWriter(0, PT_SESSION);
    const at = w.length;
    w.part(key);
    const end = w.length;
    w.int(start);
    return this.fileUnderKeyGroup(at, end).slice();
  }

  /** A PT_TIMER key (a copy). */
  ptTimer(due: number, end: number, start: number): Uint8Array {
    return this.scopedWriter(PT_TIMER).int(due).int(end).int(start).finish();
  }
}

/** A group value: header then accumulator. */
export function encodeGroup(seq: number, acc: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + acc.length);
  writeHeader(out, seq, 0);
  out.set(acc, HEADER_BYTES);
  return out;
}

/** A session value: header, f64 end, then accumulator. */
export function encodeSession(seq: number, end: number, acc: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + 8 + acc.length);
  writeHeader(out, seq, 0);
  new DataView(out.buffer).setFloat64(HEADER_BYTES, end);
  out.set(acc, HEADER_BYTES + 8);
  return out;
}

/** One stored group: its window, key, creation number and encoded accumulator. */
export interface StoredPtGroup {
  readonly end: number;
  readonly start: number;
  readonly key: KeyPart;
  readonly seq: number;
  readonly acc: Uint8Array;
  readonly storeKey: Uint8Array;
}

/** Every PT_GROUP entry, in creation order. O(keyGroups log n + n log n). */
export function readPtGroups(store: StateStore, keys: ProcessingTimeKeys, where: string): StoredPtGroup[] {
  const out: StoredPtGroup[] = [];
  for (const [k, v] of keys.scanKeyed(store, PT_GROUP)) {
    const [end, start, key] = decodeTuple(k, keys.componentsAt) as [number, number, KeyPart];
    out.push({ end, start, key, seq: readSeq(v, where), acc: v.subarray(HEADER_BYTES), storeKey: k });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** One stored session. */
export interface StoredPtSession {
  readonly key: KeyPart;
  readonly start: number;
  readonly end: number;
  readonly seq: number;
  readonly acc: Uint8Array;
  readonly storeKey: Uint8Array;
}

/** Every PT_SESSION entry, in creation order. O(keyGroups log n + n log n). */
export function readPtSessions(store: StateStore, keys: ProcessingTimeKeys, where: string): StoredPtSession[] {
  const out: StoredPtSession[] = [];
  for (const [k, v] of keys.scanKeyed(store, PT_SESSION)) {
    if (v.length < HEADER_BYTES + 8) throw new StateError('CORRUPTION', `${where}: a session entry of ${v.length} bytes is too short`);
    const [key, start] = decodeTuple(k, keys.componentsAt) as [KeyPart, number];
    const end = new DataView(v.buffer, v.byteOffset, v.byteLength).getFloat64(HEADER_BYTES);
    out.push({ key, start, end, seq: readSeq(v, where), acc: v.subarray(HEADER_BYTES + 8), storeKey: k });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** One stored window timer. */
export interface StoredPtTimer {
  readonly due: number;
  readonly end: number;
  readonly start: number;
  readonly key: Uint8Array;
}

/** Every PT_TIMER entry, in due order. O(n). */
export function readPtTimers(store: StateStore, keys: ProcessingTimeKeys): StoredPtTimer[] {
  const out: StoredPtTimer[] = [];
  for (const [k] of store.prefixScan(keys.section(PT_TIMER))) {
    const [due, end, start] = decodeTuple(k, keys.componentsAt) as [number, number, number];
    out.push({ due, end, start, key: k });
  }
  return out;
}
