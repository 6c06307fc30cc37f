import type { JobView } from '@weir/checkpoint';
import { decodeStoreKey, decodeStoreValue, formatStoreKey, formatStoreValue, toHex, type Entry, type StateStore } from '@weir/state';
import { HttpError } from './HttpError';
import type { ServableJob } from './serveJob';

/** One entry of a store as a query returns it: the bytes, decoded as `weir inspect` decodes them. */
export interface DecodedEntry {
  /** The key's bytes in hex. */
  readonly keyHex: string;
  /** The key as `weir inspect` prints it: `("views", 0x02, 60000, 0, "home")`. */
  readonly keyText: string;
  /** The key's layout: the operator, section and parts (JSON-safe), a plain tuple's parts, or `raw`. */
  readonly keyDecoded: unknown;
  /** The value decoded from msgpack (JSON-safe: see {@link toJsonSafe}), or `null` when it is not msgpack. */
  readonly value: unknown;
  /** The value as `weir inspect` prints it. */
  readonly valueText: string;
  /** For a join row: the flags byte before the msgpack body. */
  readonly flags?: number;
}

/** Entries a query returns when no limit is given. */
export const DEFAULT_QUERY_LIMIT = 100;
/** The largest limit a query accepts. */
export const MAX_QUERY_LIMIT = 10_000;

/**
 * A read-only view of one store of a running job (Kafka Streams' interactive queries, for one
 * process): point reads, prefix and range scans, decoded as `weir inspect` decodes them.
 *
 * **Live state, read between record batches.** Every read runs on the event loop, and the job's
 * record path processes each batch synchronously: a read never sees half a record or half a
 * batch, takes no lock and never waits for a checkpoint (a snapshot-based view would instead be
 * up to a checkpoint interval old, and would pin the snapshot's memory between checkpoints). The
 * store holds what its operator wrote: an operator writing through (a window or join with
 * `cacheSize: 0`, a custom operator) shows each key as of the last record processed; one with a
 * write-back cache (the default of windows and joins) keeps its newest changes in the cache
 * until the next barrier or eviction, so each key reads as of its last flush, never older than
 * the last checkpoint. Costs: `get` O(1) (hash index), scans O(log n + returned entries).
 *
 * @example
 * ```ts
 * const totals = queryStore(job, 'totals');
 * const home = totals.get(encodeTuple(['home'])); // raw bytes, or undefined
 * for (const e of totals.prefix(new OperatorKeys('totals').section(0x01), 10)) console.log(StoreQuery.decode(e).keyText);
 * ```
 */
export class StoreQuery {
  readonly #store: StateStore;

  /** @internal made by {@link queryStore} */
  constructor(
    readonly name: string,
    store: StateStore,
  ) {
    this.#store = store;
  }

  /** Entries in the store now. O(1). */
  len(): number {
    return this.#store.len();
  }

  /** Approximate bytes in the store now. O(1). */
  sizeBytes(): number {
    return this.#store.sizeBytes();
  }

  /** The value of `key`, or `undefined`. A copy: changing it changes nothing. */
  get(key: Uint8Array): Uint8Array | undefined {
    const v = this.#store.get(key);
    return v === undefined ? undefined : v.slice();
  }

  /** Up to `limit` entries whose key starts with `prefix`, in key order. */
  prefix(prefix: Uint8Array, limit = DEFAULT_QUERY_LIMIT): Entry[] {
    return take(this.#store.prefixScan(prefix), limit);
  }

  /** Up to `limit` entries with `from <= key < to` (no upper bound without `to`), in key order. */
  range(from: Uint8Array, to?: Uint8Array, limit = DEFAULT_QUERY_LIMIT): Entry[] {
    return take(this.#store.rangeScan(from, to), limit);
  }

  /** An entry decoded as `weir inspect` decodes it, JSON-safe. O(entry size). */
  static decode(entry: Entry): DecodedEntry {
    const [key, value] = entry;
    const v = decodeStoreValue(value);
    const base = { keyHex: toHex(key), keyText: formatStoreKey(key), keyDecoded: toJsonSafe(decodeStoreKey(key)), valueText: formatStoreValue(value) };
    if (v.kind === 'raw') return { ...base, value: null };
    if (v.kind === 'flagged') return { ...base, value: toJsonSafe(v.value), flags: v.flags };
    return { ...base, value: toJsonSafe(v.value) };
  }
}

/**
 * The store `name` of a running job, read-only (see {@link StoreQuery} for what a read sees).
 *
 * @throws HttpError `UNKNOWN_STORE` naming the store and the job's stores
 *
 * @example
 * ```ts
 * const views = queryStore(job, 'views');
 * console.log(views.len(), views.sizeBytes());
 * ```
 */
export function queryStore(job: ServableJob | JobView, name: string): StoreQuery {
  const view = 'view' in job && typeof job.view === 'function' ? job.view() : (job as JobView);
  const store = view.store(name);
  if (store === undefined) {
    const names = view.storeNames();
    throw new HttpError('UNKNOWN_STORE', `no store ${JSON.stringify(name)} in this job (${names.length === 0 ? 'it has no stores' : `stores: ${names.map((n) => JSON.stringify(n)).join(', ')}`})`);
  }
  return new StoreQuery(name, store);
}

function take(it: IterableIterator<Entry>, limit: number): Entry[] {
  const out: Entry[] = [];
  if (limit <= 0) return out;
  for (const [k, v] of it) {
    out.push([k.slice(), v.slice()]);
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * A decoded key or value as JSON can carry it: non-finite numbers as `"Infinity"`, `"-Infinity"`,
 * `"NaN"` (as the checkpoint manifest writes them); bigints as decimal strings; byte arrays as
 * hex `x'…'`; dates as ISO strings; maps as arrays of `[key, value]`; sets as arrays. Nesting
 * deeper than 16 levels is cut (`"…"`).
 */
export function toJsonSafe(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'string':
    case 'boolean':
      return value;
    case 'undefined':
      return null;
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value === null) return null;
  if (depth >= 16) return '…';
  if (value instanceof Uint8Array) return `x'${toHex(value)}'`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map((v: unknown) => toJsonSafe(v, depth + 1));
  if (value instanceof Map) return [...value.entries()].map(([k, v]: [unknown, unknown]) => [toJsonSafe(k, depth + 1), toJsonSafe(v, depth + 1)]);
  if (value instanceof Set) return [...value].map((v: unknown) => toJsonSafe(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toJsonSafe(v, depth + 1);
  return out;
}
