// Internal: where InMemoryStore keeps each entry's key and value bytes, by entry id.
//
// Ids are grouped in pages of 512; a page is ONE ArrayBuffer holding an Int32Array of [offset,
// key length, value length, capacity] per id followed by the key and value bytes of each of its
// ids written side by side. So a million entries are about two thousand buffers: a few thousand
// objects for the garbage collector to trace and sweep instead of several per entry.
//
// Copy on write: every page records the version it was made in. A store writes only pages of its
// own current version and copies any other page first (compacting it on the way); a snapshot
// takes a copy of the page table and renews the store's version, so every page it holds is
// frozen for good. Values handed to callers are always copies, so an owned page may overwrite a
// value in place when the new one fits.

import { copyRange } from './bytes';

/** log2 of the ids per page. */
export const PAGE_BITS = 9;
/** Ids per page. */
export const PAGE_IDS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_IDS - 1;
/** Int32s of metadata per id: offset (-1 when the id is free), key length, value length, capacity. */
const META = 4;
const MIN_PAGE_BYTES = 256;

let lastVersion = 0;

/** A fresh version number, distinct from every one handed out before in this process. */
export function nextVersion(): number {
  return ++lastVersion;
}

/** Bytes of a page's metadata, before its records. */
const META_BYTES = PAGE_IDS * META * 4;

/** A page buffer with room for `bytes` record bytes; returns its two views. */
function pageBuffer(bytes: number): { meta: Int32Array; bytes: Uint8Array } {
  const buf = new ArrayBuffer(META_BYTES + bytes);
  return { meta: new Int32Array(buf, 0, PAGE_IDS * META), bytes: new Uint8Array(buf, META_BYTES) };
}

/** One page: the records of 512 ids (`meta` and `bytes` are views of one buffer, replaced together). */
export class Page {
  constructor(
    /** The version this page was made in; only a store of that version may write it. */
    readonly v: number,
    public meta: Int32Array,
    public bytes: Uint8Array,
    /** Bytes of `bytes` in use (records live or dead). */
    public used: number,
    /** Bytes of live records' capacity. */
    public live: number,
  ) {}

  /** An empty page for version `v`, every id free. */
  static empty(v: number, bytes = MIN_PAGE_BYTES): Page {
    const b = pageBuffer(bytes);
    const meta = b.meta;
    for (let s = 0; s < PAGE_IDS; s++) meta[s * META] = -1;
    return new Page(v, meta, b.bytes, 0, 0);
  }

  /**
   * A copy of this page for version `v`, its live records packed into a buffer with room for
   * `extra` more bytes. With `slot` (>= 0), that slot's value is about to be replaced by one of
   * `valueLength` bytes: only its key is copied, with room for the new value after it (a store
   * replacing a large value, such as a window's 256 KiB barrier log chunk, copies it for nothing
   * otherwise); its value bytes are left unset for the caller to write.
   */
  copy(v: number, extra: number, slot = -1, valueLength = 0): Page {
    const page = new Page(v, this.meta, this.bytes, this.used, this.live);
    page.repack(extra, slot, valueLength);
    return page;
  }

  /** Moves the records to a buffer of `size` record bytes (at least `used`), as they are. */
  resize(size: number): void {
    const b = pageBuffer(size);
    b.meta.set(this.meta);
    b.bytes.set(this.bytes.subarray(0, this.used));
    this.meta = b.meta;
    this.bytes = b.bytes;
  }

  /**
   * Packs the live records into a fresh buffer with room for `extra` more bytes (then an eighth
   * more): the buffer this page had is never written again, so a copy may start from a shared one.
   */
  repack(extra: number, slot = -1, valueLength = 0): void {
    const src = this.bytes;
    const from = this.meta;
    const ms = slot * META;
    if (slot >= 0) {
      // the slot keeps its key and gets exactly the new value's room
      const capacity = from[ms + 1]! + valueLength;
      this.live += capacity - from[ms + 3]!;
    }
    const want = this.live + extra;
    const b = pageBuffer(Math.max(MIN_PAGE_BYTES, want + (want >> 3)));
    const out = b.bytes;
    const meta = b.meta;
    meta.set(from);
    let pos = 0;
    for (let m = 0; m < PAGE_IDS * META; m += META) {
      const off = from[m]!;
      if (off < 0) continue;
      if (m === ms) {
        const keyLen = from[m + 1]!;
        copyRange(out, pos, src, off, keyLen);
        meta[m] = pos;
        meta[m + 3] = keyLen + valueLength;
        pos += keyLen + valueLength;
        continue;
      }
      copyRange(out, pos, src, off, from[m + 1]! + from[m + 2]!);
      meta[m] = pos;
      pos += from[m + 3]!;
    }
    this.meta = meta;
    this.bytes = out;
    this.used = pos;
  }
}

/** The page table of a store or a snapshot; read-only helpers over it. */
export type PageTable = readonly Page[];

/** A copy of the value of `id`. */
export function valueOf(pages: PageTable, id: number): Uint8Array {
  const page = pages[id >>> PAGE_BITS]!;
  const m = (id & PAGE_MASK) * META;
  const meta = page.meta;
  const start = meta[m]! + meta[m + 1]!;
  return page.bytes.slice(start, start + meta[m + 2]!);
}

/** The value length of `id`. */
export function valueLength(pages: PageTable, id: number): number {
  return pages[id >>> PAGE_BITS]!.meta[(id & PAGE_MASK) * META + 2]!;
}

/** The bytes of the page holding `id`'s record (its value starts at {@link valueStart}). */
export function pageBytesOf(pages: PageTable, id: number): Uint8Array {
  return pages[id >>> PAGE_BITS]!.bytes;
}

/** Where `id`'s value starts in {@link pageBytesOf}'s bytes. */
export function valueStart(pages: PageTable, id: number): number {
  const meta = pages[id >>> PAGE_BITS]!.meta;
  const m = (id & PAGE_MASK) * META;
  return meta[m]! + meta[m + 1]!;
}

/** Whether the key of `id` is exactly `key`. */
export function keyEquals(pages: PageTable, id: number, key: Uint8Array): boolean {
  const page = pages[id >>> PAGE_BITS]!;
  const m = (id & PAGE_MASK) * META;
  const meta = page.meta;
  const n = key.length;
  if (meta[m + 1] !== n) return false;
  const bytes = page.bytes;
  const off = meta[m]!;
  for (let i = 0; i < n; i++) if (bytes[off + i] !== key[i]) return false;
  return true;
}

/**
 * The entry records of one store: allocates ids, writes keys and values, copies pages a snapshot
 * shares before writing them.
 */
export class EntryPages {
  pages: Page[];
  /** The version this store writes in (see the file comment). */
  private ver: number;
  private free: number[];
  private nextId: number;

  /** @param reuseFree - reuse the ids the pages hold free (O(pages × 512) to find them); else new ids go to new pages */
  constructor(pages: Page[] = [], ver = nextVersion(), reuseFree = true) {
    this.pages = pages;
    this.ver = ver;
    this.free = [];
    this.nextId = pages.length * PAGE_IDS;
    if (!reuseFree) return;
    // ids a shared page holds free are reused
    for (let p = pages.length - 1; p >= 0; p--) {
      const meta = pages[p]!.meta;
      for (let s = PAGE_IDS - 1; s >= 0; s--) if (meta[s * META]! < 0) this.free.push((p << PAGE_BITS) | s);
    }
  }

  /** Freezes every current page (they become shared) and returns the table: O(pages). */
  share(): PageTable {
    this.ver = nextVersion();
    return this.pages.slice();
  }

  /** Ids in use or free below the next fresh id (the span of a hash index's ids). */
  idSpan(): number {
    return this.nextId;
  }

  private writable(p: number, extra: number): Page {
    let page = this.pages[p]!;
    if (page.v !== this.ver) {
      page = page.copy(this.ver, extra);
      this.pages[p] = page;
    }
    return page;
  }

  /** Room for `need` more bytes at the end of an owned page whose next record is for slot `slot`. */
  private room(page: Page, need: number, slot: number): void {
    if (page.used + need <= page.bytes.length) return;
    const dead = page.used - page.live;
    if (dead > page.live >> 1) {
      page.repack(need);
      return;
    }
    // A page filling up for the first time grows to what its 512 records will need at the size
    // of those so far (not a doubling: up to half of every page would stay unused).
    const wanted = page.used + need;
    const estimate = Math.ceil(((wanted / (slot + 1)) * PAGE_IDS * 17) / 16);
    page.resize(Math.max(wanted, Math.min(page.bytes.length * 2, slot + 1 < PAGE_IDS ? estimate : wanted + (wanted >> 3))));
  }

  /** Packs every page this store owns that is mostly dead space (after mass deletes). O(bytes). */
  shrink(): void {
    for (const page of this.pages) {
      if (page.v === this.ver && page.bytes.length > 2 * page.live + 256) page.repack(0);
    }
  }

  /** Stores a new entry; returns its id. */
  add(key: Uint8Array, value: Uint8Array): number {
    let id = this.free.pop();
    if (id === undefined) {
      id = this.nextId++;
      if (id >>> PAGE_BITS === this.pages.length) this.pages.push(Page.empty(this.ver));
    }
    const need = key.length + value.length;
    const page = this.writable(id >>> PAGE_BITS, need);
    this.room(page, need, id & PAGE_MASK);
    const off = page.used;
    page.bytes.set(key, off);
    page.bytes.set(value, off + key.length);
    page.used += need;
    page.live += need;
    const m = (id & PAGE_MASK) * META;
    const meta = page.meta;
    meta[m] = off;
    meta[m + 1] = key.length;
    meta[m + 2] = value.length;
    meta[m + 3] = need;
    return id;
  }

  /** Replaces the value of `id`; returns the old value's length. */
  set(id: number, value: Uint8Array): number {
    const p = id >>> PAGE_BITS;
    const m = (id & PAGE_MASK) * META;
    let page = this.pages[p]!;
    const keyLen = page.meta[m + 1]!;
    const oldLen = page.meta[m + 2]!;
    const need = keyLen + value.length;
    if (page.v !== this.ver) {
      // a shared page: copied without the value being replaced, with room for the new one
      page = page.copy(this.ver, 0, id & PAGE_MASK, value.length);
      this.pages[p] = page;
      page.bytes.set(value, page.meta[m]! + keyLen);
      page.meta[m + 2] = value.length;
      return oldLen;
    }
    const meta = page.meta;
    const off = meta[m]!;
    if (need <= meta[m + 3]!) {
      page.bytes.set(value, off + keyLen);
      meta[m + 2] = value.length;
      return oldLen;
    }
    this.room(page, need, PAGE_IDS - 1);
    // repacking or growing moves the record and the metadata to a new buffer
    const bytes = page.bytes;
    const moved = page.meta;
    const from = moved[m]!;
    const at = page.used;
    bytes.copyWithin(at, from, from + keyLen);
    bytes.set(value, at + keyLen);
    page.used += need;
    page.live += need - moved[m + 3]!;
    moved[m] = at;
    moved[m + 2] = value.length;
    moved[m + 3] = need;
    return oldLen;
  }

  /** Frees `id`; returns its key plus value length. */
  remove(id: number): number {
    const page = this.writable(id >>> PAGE_BITS, 0);
    const m = (id & PAGE_MASK) * META;
    const meta = page.meta;
    page.live -= meta[m + 3]!;
    if (page.live === 0) page.used = 0; // nothing live: the whole buffer is free again
    meta[m] = -1;
    this.free.push(id);
    return meta[m + 1]! + meta[m + 2]!;
  }
}
