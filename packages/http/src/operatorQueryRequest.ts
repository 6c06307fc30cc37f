import type { JobView } from '@weir/checkpoint';
import { asKeyPart, type KeyPart } from '@weir/state';
import type { OperatorQuery } from '@weir/stream';
import { HttpError } from './HttpError';
import type { PartitionRouting } from './PartitionRouting';
import { toJsonSafe } from './StoreQuery';

/** An answer of the `/query` endpoints: an HTTP status and a JSON body. */
interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Internal: answers `GET /query` (the operators offering a key query, with the kind of each) and
 * `GET /query/<operator>?key=K`: the operator's typed key query for K (a window operator's open
 * windows of the key with their bounds, running results and whether they fired; a lookup or
 * temporal join's current row), JSON-safe as `/state` answers are (see {@link toJsonSafe}), with
 * when it was read and the last checkpoint completed by then. The answer is read live through
 * the operator's write-back cache, between record batches (docs/architecture.md §9). For the key's
 * syntax see {@link parseOperatorKey}. 400 for a missing or malformed key, or a key the operator
 * refuses (its error's code `INVALID_KEY`); 404 naming an unknown operator and listing the
 * queryable ones. Cost: the operator's query (see `OperatorQuery`), plus O(answer) to encode it.
 *
 * With `routing` (a worker of a partitioned job, docs/architecture.md §10): a key whose group this
 * worker owns is answered as above plus its `keyGroup` and this `worker`; any other key is
 * answered 421 (Misdirected Request) with `{ error, operator, key, keyGroup, owner: { worker, url? } }`
 * without asking the operator (this worker holds no state of that group). Plus O(key length) to
 * hash the key.
 */
export function handleOperatorQueryRequest(view: JobView, path: string, params: URLSearchParams, routing?: PartitionRouting): Answer {
  if (path === '/query' || path === '/query/') {
    return { status: 200, body: { operators: [...view.queries()].map(([name, q]) => ({ name, kind: q.kind })) } };
  }
  let name: string;
  try {
    name = decodeURIComponent(path.slice('/query/'.length));
  } catch {
    return bad(`the operator name in ${JSON.stringify(path)} is not valid percent-encoding`);
  }
  const query = view.query(name);
  if (query === undefined) return { status: 404, body: { error: unknownOperator(view, name) } };
  try {
    return answer(view, name, query, params, routing);
  } catch (err) {
    if (err instanceof HttpError && err.code === 'BAD_QUERY') return bad(err.message);
    // the operator's own typed error (WindowError, JoinError) for a key it cannot hold
    if (err instanceof Error && (err as { code?: unknown }).code === 'INVALID_KEY') return bad(`operator ${JSON.stringify(name)} refuses the key: ${err.message}`);
    throw err;
  }
}

function answer(view: JobView, operator: string, query: OperatorQuery, params: URLSearchParams, routing: PartitionRouting | undefined): Answer {
  for (const p of params.keys()) {
    if (p !== 'key') throw badQuery(`unknown parameter ${JSON.stringify(p)} (parameters: key)`);
  }
  const texts = params.getAll('key');
  if (texts.length === 0) throw badQuery(`give the key to ask ${JSON.stringify(operator)} about: /query/${encodeURIComponent(operator)}?key=… (a string, an integer, "a quoted string" or 0x… bytes)`);
  if (texts.length > 1) throw badQuery('parameter "key" given more than once');
  const text = texts[0]!;
  const key = parseOperatorKey(text);
  let placement: { readonly keyGroup: number; readonly worker: number } | undefined;
  if (routing !== undefined) {
    const keyGroup = routing.keyGroupOf(key);
    if (!routing.owns(keyGroup)) {
      const owner = routing.ownerOf(keyGroup);
      const where = owner.url === undefined ? `worker ${owner.worker}` : `worker ${owner.worker} at ${owner.url}`;
      const error = `key ${text} is in key group ${keyGroup}, which ${where} owns; this is worker ${routing.own.worker} (key groups [${routing.own.keyGroups.start}, ${routing.own.keyGroups.end}))`;
      return { status: 421, body: { error, operator, key: text, keyGroup, owner } };
    }
    placement = { keyGroup, worker: routing.own.worker };
  }
  // read live, between record batches (the record path is synchronous): when, and the last checkpoint by then
  const time = view.now();
  const lastCheckpoint = view.metrics.lastCompletedId ?? null;
  const body = { operator, kind: query.kind, time, lastCheckpoint, query: { key: text }, answer: toJsonSafe(query.query(key)) };
  return { status: 200, body: placement === undefined ? body : { ...body, ...placement } };
}

/**
 * The `key` of an operator query: one key part, as the operator's key function returns it.
 * Hex bytes (`0x0a0b` or `x'0a0b'`, what `weir inspect` prints) are bytes; text that parses as
 * JSON is that JSON value, which must be a string (`"42"`, `"0x0a"`: a quoted string is always a
 * string) or an integer (beyond 2^53 a 64-bit bigint); any other text is the string it is
 * (`home`, `/product/3`). So `7` asks for the number 7 and `"7"` for the string "7".
 */
export function parseOperatorKey(text: string): KeyPart {
  if (text.length === 0) throw badQuery('key is empty (write a key as a string, an integer, "a quoted string" or 0x… bytes)');
  const hex = /^0x([0-9a-fA-F]*)$/.exec(text) ?? /^x'([0-9a-fA-F]*)'$/.exec(text);
  if (hex !== null) {
    const digits = hex[1]!;
    if (digits.length % 2 !== 0) throw badQuery(`key: hex ${JSON.stringify(text)} has an odd number of digits (quote it for a string: ${JSON.stringify(JSON.stringify(text))})`);
    return new Uint8Array(Buffer.from(digits, 'hex'));
  }
  if (/^-?(0|[1-9]\d*)$/.test(text)) {
    // an integer, read exactly (JSON.parse would round one beyond 2^53)
    const part = asKeyPart(BigInt(text));
    if (part === undefined) throw badQuery(`key: the integer ${text} is outside the 64-bit range of a key (quote it for a string: "${text}")`);
    return part;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text; // not JSON: the string itself
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw badQuery(`key: ${text} is JSON but neither a string nor an integer (${describeJson(value)}); quote it for a string: ${JSON.stringify(JSON.stringify(text))}`);
}

function describeJson(value: unknown): string {
  if (Array.isArray(value)) return 'an array; an operator key is one value, not a tuple';
  if (value === null) return 'null';
  if (typeof value === 'number') return `the number ${value} is not a safe integer`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function unknownOperator(view: JobView, name: string): string {
  const names = [...view.queries().keys()];
  const known = names.length === 0 ? 'no operator of this job offers one' : `operators with a key query: ${names.map((n) => JSON.stringify(n)).join(', ')}`;
  const what = view.operators().has(name) ? `operator ${JSON.stringify(name)} offers no key query` : `no operator ${JSON.stringify(name)} in this job offers a key query`;
  return `${what} (${known})`;
}

function badQuery(message: string): HttpError {
  return new HttpError('BAD_QUERY', message);
}

function bad(message: string): Answer {
  return { status: 400, body: { error: message } };
}
