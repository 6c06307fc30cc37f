import type { JobView } from '@weir/checkpoint';
import { encodeTuple, messageOf, type Entry, type KeyPart } from '@weir/state';
import { HttpError } from './HttpError';
import { DEFAULT_QUERY_LIMIT, MAX_QUERY_LIMIT, StoreQuery, queryStore } from './StoreQuery';

/** An answer of the `/state` endpoints: an HTTP status and a JSON body. */
interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const PARAMS = new Set(['key', 'prefix', 'from', 'to', 'limit']);

/**
 * Internal: answers `GET /state` (the stores) and `GET /state/<store>?key=K`, `?prefix=P`,
 * `?from=A&to=B` (each with an optional `limit`, default 100, at most 10,000). A key is written
 * as hex bytes (`0x0a0b` or `x'0a0b'`, what `weir inspect` prints), as a JSON array of tuple parts
 * (`["home", 7]`, encoded with `encodeTuple`), or as a bare string (the tuple of that one string).
 * 400 for a malformed query, 404 for an unknown store.
 */
export function handleStateRequest(view: JobView, path: string, params: URLSearchParams): Answer {
  if (path === '/state' || path === '/state/') {
    return { status: 200, body: { stores: view.storeNames().map((name) => ({ name, entries: view.store(name)?.len() ?? 0, bytes: view.store(name)?.sizeBytes() ?? 0 })) } };
  }
  let name: string;
  try {
    name = decodeURIComponent(path.slice('/state/'.length));
  } catch {
    return bad(`the store name in ${JSON.stringify(path)} is not valid percent-encoding`);
  }
  let query: StoreQuery;
  try {
    query = queryStore(view, name);
  } catch (err) {
    if (err instanceof HttpError && err.code === 'UNKNOWN_STORE') return { status: 404, body: { error: err.message } };
    throw err;
  }
  try {
    return { status: 200, body: answer(view, query, params) };
  } catch (err) {
    if (err instanceof HttpError && err.code === 'BAD_QUERY') return bad(err.message);
    throw err;
  }
}

function answer(view: JobView, query: StoreQuery, params: URLSearchParams): unknown {
  for (const p of params.keys()) {
    if (!PARAMS.has(p)) throw badQuery(`unknown parameter ${JSON.stringify(p)} (parameters: key, prefix, from, to, limit)`);
  }
  for (const p of PARAMS) if (params.getAll(p).length > 1) throw badQuery(`parameter ${JSON.stringify(p)} given more than once`);
  const key = params.get('key');
  const prefix = params.get('prefix');
  const from = params.get('from');
  const to = params.get('to');
  const kinds = [key !== null, prefix !== null, from !== null || to !== null].filter(Boolean).length;
  if (kinds > 1) throw badQuery('give one of key, prefix or from/to');
  const limitText = params.get('limit');
  const limit = limitText === null ? DEFAULT_QUERY_LIMIT : Number(limitText);
  if (limitText !== null && (!/^\d+$/.test(limitText) || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT)) {
    throw badQuery(`limit must be an integer in [1, ${MAX_QUERY_LIMIT}], got ${JSON.stringify(limitText)}`);
  }
  // read live, between record batches (see StoreQuery): when, and the last checkpoint by then
  const base = { store: query.name, time: view.now(), lastCheckpoint: view.metrics.lastCompletedId ?? null, storeEntries: query.len(), storeBytes: query.sizeBytes() };
  if (key !== null) {
    const k = parseKey('key', key);
    const value = query.get(k);
    const entries: Entry[] = value === undefined ? [] : [[k, value]];
    return { ...base, query: { key }, found: value !== undefined, entries: entries.map(StoreQuery.decode) };
  }
  let entries: Entry[];
  let asked: Record<string, string>;
  if (from !== null || to !== null) {
    const lo = from === null ? new Uint8Array(0) : parseKey('from', from);
    const hi = to === null ? undefined : parseKey('to', to);
    entries = query.range(lo, hi, limit + 1);
    asked = { ...(from === null ? {} : { from }), ...(to === null ? {} : { to }) };
  } else {
    entries = query.prefix(prefix === null ? new Uint8Array(0) : parseKey('prefix', prefix), limit + 1);
    asked = prefix === null ? {} : { prefix };
  }
  const truncated = entries.length > limit;
  return { ...base, query: { ...asked, limit }, truncated, entries: entries.slice(0, limit).map(StoreQuery.decode) };
}

/** A key parameter: hex bytes (`0x…`, `x'…'`), a JSON array of tuple parts, or a bare string (a one-string tuple). */
export function parseKey(param: string, text: string): Uint8Array {
  const hex = /^0x([0-9a-fA-F]*)$/.exec(text) ?? /^x'([0-9a-fA-F]*)'$/.exec(text);
  if (hex !== null) {
    const digits = hex[1]!;
    if (digits.length % 2 !== 0) throw badQuery(`${param}: hex ${JSON.stringify(text)} has an odd number of digits`);
    return new Uint8Array(Buffer.from(digits, 'hex'));
  }
  if (text.startsWith('[')) {
    let parts: unknown;
    try {
      parts = JSON.parse(text);
    } catch (err) {
      throw badQuery(`${param}: ${JSON.stringify(text)} is not a JSON array of tuple parts: ${messageOf(err)}`);
    }
    if (!Array.isArray(parts) || !parts.every((p) => typeof p === 'string' || (typeof p === 'number' && Number.isSafeInteger(p)))) {
      throw badQuery(`${param}: a tuple key must be a JSON array of strings and integers, got ${text}`);
    }
    try {
      return encodeTuple(parts as KeyPart[]);
    } catch (err) {
      throw badQuery(`${param}: ${text} cannot be encoded as a tuple: ${messageOf(err)}`);
    }
  }
  if (text.length === 0) throw badQuery(`${param} is empty (an empty prefix is no prefix parameter; write a key as 0x…, x'…', ["part", 7] or a bare string)`);
  return encodeTuple([text]);
}

function badQuery(message: string): HttpError {
  return new HttpError('BAD_QUERY', message);
}

function bad(message: string): Answer {
  return { status: 400, body: { error: message } };
}
