// Internal: how window operators lay out their state in the store, and the small codecs for it.
// (The layout of every operator is described in docs/architecture.md, "key layout".)
//
// Keyed entries (the state of one group key) start with the key's group, a big-endian u16
// (keyGroupOf of the encoded key), then the operator's name as a tuple string component P, so
// that one key group is one contiguous byte range of the store; operator-scoped entries start
// with FF FF (no key group reaches 0xFFFF), after every key group (OperatorKeys of @weir/state):
//   META    FF FF P 00                            -> msgpack { watermark, nextSeq, counters,
//                                                    keyGroups } (written by statefulOperator of
//                                                    @weir/stream at barriers)
//   (01 is retired: it held the aligned engine's "fired" markers, now a timer flag)
//   GROUP   u16(kg) P 02 int(end) int(start) key  -> [seq(6) flags(1) acc...] (accumulators, by
//                                                    window or pane end within a key group)
//   SESSION u16(kg) P 03 key int(start)           -> [seq(6) flags(1) int(end) acc...]
//   TIMER   FF FF P 04 int(due) int(end) int(start) -> [flags(1)]          (pending timers in time
//                                                                          order: see TimerIndex)
//   LOG     FF FF P 05 int(chunk)                 -> [u32 n, key, u32 m, value]... (the barrier
//                                                    log: GROUP and SESSION entries changed since
//                                                    they were last written, as of the last
//                                                    barrier; each replaces the entry under its
//                                                    key: see StateCache)
import { WindowError } from '../WindowError';
import { DEFAULT_KEY_GROUPS, OperatorKeys, StateError, describeValue, compareBytes, decodeTuple, type Entry, type KeyPart, type KeyWriter, type StateStore } from '@weir/state';

export const META = 0x00;
export const GROUP = 0x02;
export const SESSION = 0x03;
export const TIMER = 0x04;
export const LOG = 0x05;

/** Group value header: 6-byte sequence number (creation order) and a flags byte. */
export const HEADER_BYTES = 7;
export const FLAG_EMITTED = 1;
export const FLAG_CHANGED = 2;

/** Builds the keys of one operator instance (with key groups: see the layout above). */
export class WindowKeys extends OperatorKeys {
  constructor(name: string, keyGroups: number = DEFAULT_KEY_GROUPS) {
    super(name, keyGroups);
  }

  /** A TIMER key; `due` must be a safe integer (see TimerIndex). */
  timer(due: number, end: number, start: number): Uint8Array {
    return this.scopedWriter(TIMER).int(due).int(end).int(start).finish();
  }

  /** The first TIMER key due at or after `due` (a safe integer): a range scan's exclusive end. */
  timersFrom(due: number): Uint8Array {
    return this.scopedWriter(TIMER).int(due).finish();
  }

  group(end: number, start: number, key: KeyPart): Uint8Array {
    return this.groupView(end, start, key).slice();
  }

  /** {@link group} without copying: valid until the next call on these keys. O(key length). */
  groupView(end: number, start: number, key: KeyPart): Uint8Array {
    return this.groupWriter(end, start, key).view();
  }

  /**
   * {@link group} built in this object's writer, with no view or copy made: the key is the first
   * `length` bytes of the returned writer's `buffer`, valid until the next call on these keys.
   * O(key length).
   */
  groupWriter(end: number, start: number, key: KeyPart): KeyWriter {
    const w = this.keyedWriter(0, GROUP).int(end).int(start);
    const at = w.length;
    w.part(key);
    return this.placeUnderKeyGroup(at, w.length);
  }

  session(key: KeyPart, start: number): Uint8Array {
    return this.sessionView(key, start).slice();
  }

  /** {@link session} without copying: valid until the next call on these keys. O(key length). */
  sessionView(key: KeyPart, start: number): Uint8Array {
    const w = this.keyedWriter(0, SESSION);
    const at = w.length;
    w.part(key);
    const end = w.length;
    w.int(start);
    return this.fileUnderKeyGroup(at, end);
  }

  /** The key of chunk `i` of the barrier log. */
  log(i: number): Uint8Array {
    return this.scopedWriter(LOG).int(i).finish();
  }

  /**
   * Every entry of the keyed section `section` (GROUP or SESSION), in key order: one prefix scan
   * per key group. O(keyGroups log n + k).
   */
  *scanKeyed(store: StateStore, section: number): Generator<Entry> {
    for (let kg = 0; kg < this.keyGroups!; kg++) yield* store.prefixScan(this.keyedSection(kg, section));
  }

  /** Whether `key` is one of this operator's keyed keys of section `section` (any key group). */
  isKeyed(key: Uint8Array, section: number): boolean {
    const p = this.prefix;
    if (key.length < this.componentsAt || key[this.componentsAt - 1] !== section || (key[0]! << 8) + key[1]! >= this.keyGroups!) return false;
    for (let i = 0; i < p.length; i++) if (key[2 + i] !== p[i]) return false;
    return true;
  }
}

/** Writes the 7-byte group header into `out` from index `at` (0 unless given). */
export function writeHeader(out: Uint8Array, seq: number, flags: number, at = 0): void {
  const hi = Math.floor(seq / 0x100000000);
  const lo = seq >>> 0;
  out[at] = (hi >>> 8) & 0xff;
  out[at + 1] = hi & 0xff;
  out[at + 2] = lo >>> 24;
  out[at + 3] = (lo >>> 16) & 0xff;
  out[at + 4] = (lo >>> 8) & 0xff;
  out[at + 5] = lo & 0xff;
  out[at + 6] = flags;
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

/** One GROUP or SESSION entry as a restored operator sees it: the store's, or the barrier log's. */
export interface LoadedEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** Whether the store holds an entry under `key` (else the entry is only in the log). */
  readonly stored: boolean;
  /** Whether the value comes from the barrier log (newer than what the store holds under `key`). */
  readonly logged: boolean;
}

/** The (key, value) pairs of one barrier log chunk, in the order they were logged. O(chunk size). */
export function readLogChunk(chunk: Uint8Array, where: string): Array<[Uint8Array, Uint8Array]> {
  const out: Array<[Uint8Array, Uint8Array]> = [];
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let at = 0;
  const take = (): Uint8Array => {
    if (at + 4 > chunk.length) throw new StateError('CORRUPTION', `${where}: a barrier log chunk of ${chunk.length} bytes is cut short`);
    const n = view.getUint32(at);
    at += 4;
    if (at + n > chunk.length) throw new StateError('CORRUPTION', `${where}: a barrier log chunk of ${chunk.length} bytes is cut short`);
    const bytes = chunk.subarray(at, at + n);
    at += n;
    return bytes;
  };
  while (at < chunk.length) {
    const k = take();
    out.push([k, take()]);
  }
  return out;
}

/** Bytes of a barrier log chunk before the next starts (as StateCache writes them). */
const LOG_CHUNK_BYTES = 256 * 1024;

/**
 * Encodes (key, value) pairs as barrier log chunks (`[u32 n, key, u32 m, value]...`, about
 * 256 KiB each), handing chunk `i` to `put`: what a rescale writes for the records it keeps.
 * O(total size).
 */
export function writeLogChunks(pairs: ReadonlyArray<readonly [Uint8Array, Uint8Array]>, put: (i: number, chunk: Uint8Array) => void): void {
  let parts: Uint8Array[] = [];
  let size = 0;
  let i = 0;
  const cut = (): void => {
    const chunk = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      chunk.set(p, at);
      at += p.length;
    }
    put(i++, chunk);
    parts = [];
    size = 0;
  };
  for (const pair of pairs) {
    for (const bytes of pair) {
      const len = new Uint8Array(4);
      new DataView(len.buffer).setUint32(0, bytes.length);
      parts.push(len, bytes);
      size += 4 + bytes.length;
    }
    if (size >= LOG_CHUNK_BYTES) cut();
  }
  if (size > 0) cut();
}

/** The (key, value) pairs of the barrier log, in the order they were logged. O(log size). */
function readLog(store: StateStore, keys: WindowKeys, where: string): Array<[Uint8Array, Uint8Array]> {
  const out: Array<[Uint8Array, Uint8Array]> = [];
  for (const [, chunk] of store.prefixScan(keys.section(LOG))) out.push(...readLogChunk(chunk, where));
  return out;
}

const latin1 = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
};

/**
 * Every entry of section `section` (GROUP or SESSION) in key order, with the barrier log laid
 * over the store's entries: what an engine rebuilds its mirror from. O(n + m log m) for n stored
 * and m logged entries.
 */
export function loadSection(store: StateStore, keys: WindowKeys, section: number, where: string): LoadedEntry[] {
  const list: LoadedEntry[] = [];
  for (const [key, value] of keys.scanKeyed(store, section)) list.push({ key, value, stored: true, logged: false });
  const logged = readLog(store, keys, where).filter(([k]) => keys.isKeyed(k, section));
  if (logged.length === 0) return list;
  const at = new Map<string, number>();
  list.forEach((e, i) => at.set(latin1(e.key), i));
  const extra: LoadedEntry[] = [];
  for (const [key, value] of logged) {
    const i = at.get(latin1(key));
    if (i !== undefined) list[i] = { key: list[i]!.key, value, stored: true, logged: true };
    else extra.push({ key, value, stored: false, logged: true });
  }
  if (extra.length === 0) return list;
  extra.sort((a, b) => compareBytes(a.key, b.key));
  const merged: LoadedEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < list.length || j < extra.length) {
    if (j >= extra.length || (i < list.length && compareBytes(list[i]!.key, extra[j]!.key) < 0)) merged.push(list[i++]!);
    else merged.push(extra[j++]!);
  }
  return merged;
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
  /** Whether the store holds the entry under `storeKey` (else it is only in the barrier log). */
  readonly stored: boolean;
  /** Whether it comes from the barrier log (its entry in the store, if any, is older). */
  readonly logged: boolean;
}

/**
 * Every GROUP entry of one operator (the barrier log laid over the store's), by window (or pane)
 * end, each list in creation order: what an engine rebuilds its mirror from when it subscribes.
 * O(n log n).
 */
export function readGroups(store: StateStore, keys: WindowKeys, where: string): Map<number, StoredGroup[]> {
  const byEnd = new Map<number, StoredGroup[]>();
  for (const { key: k, value: v, stored, logged } of loadSection(store, keys, GROUP, where)) {
    const [end, start, key] = decodeTuple(k, keys.componentsAt) as [number, number, KeyPart];
    let list = byEnd.get(end);
    if (list === undefined) byEnd.set(end, (list = []));
    list.push({ end, start, key, seq: readSeq(v, where), flags: v[HEADER_BYTES - 1]!, acc: v.subarray(HEADER_BYTES), storeKey: k, stored, logged });
  }
  for (const list of byEnd.values()) list.sort((a, b) => a.seq - b.seq);
  return byEnd;
}

/** One GROUP value: header (creation number, flags) and the encoded accumulator, in scratch. */
export function groupValue(scratch: Scratch, seq: number, flags: number, acc: Uint8Array): Uint8Array {
  const out = scratch.take(HEADER_BYTES + acc.length);
  writeHeader(out, seq, flags);
  out.set(acc, HEADER_BYTES);
  return out;
}

/**
 * On restore: the operator's state must have been written with the number of key groups it is
 * configured with (docs/architecture.md §6), else its keys would be filed under other groups.
 * Also refuses state of the layout before key groups (a meta entry under `P 00`), which this
 * operator would otherwise silently ignore. Throws a WindowError `INVALID_ARGUMENT` naming the
 * operator and both numbers.
 */
export function checkStoredKeyGroups(o: { readonly store: StateStore; readonly name: string; readonly keyGroups: number }, where: string, meta: Readonly<Record<string, unknown>> | undefined): void {
  if (meta === undefined) {
    if (o.store.get(new OperatorKeys(o.name).section(META)) !== undefined) {
      throw new WindowError(
        'INVALID_ARGUMENT',
        `${where}: the store holds this operator's state in the layout without key groups (a checkpoint from before key groups); it cannot be restored with keyGroups ${o.keyGroups}`,
        o.keyGroups,
      );
    }
    return;
  }
  const stored = meta['keyGroups'];
  if (stored !== o.keyGroups) {
    throw new WindowError(
      'INVALID_ARGUMENT',
      `${where}: the restored state was written with ${typeof stored === 'number' ? stored : describeValue(stored)} key groups, but the operator is configured with keyGroups ${o.keyGroups}: a job's number of key groups is fixed for the life of its checkpoints`,
      o.keyGroups,
    );
  }
}
