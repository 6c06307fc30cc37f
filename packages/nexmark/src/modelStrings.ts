// The strings of the Nexmark model, precomputed once when the module loads so that generating
// an event concatenates nothing: fixed lists (names, cities, states, channels), tables of
// emails and channel URLs, and long random "pools" that events slice (`pool.substring(a, b)`,
// O(1) in V8 for slices of 13+ characters) for credit cards, item names, descriptions and
// `extra` padding. Built from a fixed seed, so they are identical in every process.
// Internal to the package: ~2.2 MB of heap, built in ~80 ms when the module loads.

import { CHANNELS_NUMBER, MIN_STRING_LENGTH } from './modelConstants';

/** A small deterministic generator for building the tables (not used per event). */
function tableRandom(seed: number): (bound: number) => number {
  let s = seed | 0;
  return (bound) => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * bound);
  };
}

const random = tableRandom(0x4e584d4b); // "NXMK"

const A = 'a'.charCodeAt(0);
const SPACE = ' '.charCodeAt(0);
const AT = '@'.charCodeAt(0);
const DOT_COM = '.com';
const ZERO = '0'.charCodeAt(0);

/** A flat one-byte string of these character codes (slices of a flat string are O(1)). */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/** `length` characters of the model's `nextString` alphabet: `special` with probability 1/13, else a random lowercase letter. */
function modelChars(length: number, special: string): Uint8Array {
  const bytes = new Uint8Array(length);
  const specialCode = special.charCodeAt(0);
  for (let i = 0; i < length; i++) bytes[i] = random(13) === 0 ? specialCode : A + random(26);
  return bytes;
}

/** The model's `nextString(maxLength)` as a trimmed slice of `pool` (characters of its alphabet). */
function modelString(pool: string, maxLength: number): string {
  const length = MIN_STRING_LENGTH + random(maxLength - MIN_STRING_LENGTH);
  const start = random(pool.length - length + 1);
  return pool.substring(start, start + length).trim();
}

/** The same strings, each a slice of one flat string (`join` builds it flat), not a rope of the parts that built it. */
function flattened(strings: readonly string[]): readonly string[] {
  const pool = strings.join('');
  let at = 0;
  return strings.map((s) => pool.substring(at, (at += s.length)));
}

const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];

/** Every "First Last" name of the model (11 x 9): one uniform draw picks a name as the model's two do. */
export const PERSON_NAMES: readonly string[] = FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => `${first} ${last}`));

/** The model's cities (drawn independently of the state, as in the model). */
export const US_CITIES: readonly string[] = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];

/** The model's states: kept few so that queries (q3) find matches on small streams. */
export const US_STATES: readonly string[] = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];

/** Length of {@link TEXT_POOL}. */
export const TEXT_POOL_LENGTH = 1 << 16;
const TEXT_BYTES = modelChars(TEXT_POOL_LENGTH, ' ');
/** Characters of the model's `nextString` alphabet (1 in 13 a space), sliced for item names, descriptions and emails. */
export const TEXT_POOL: string = latin1(TEXT_BYTES);

/** Number of distinct emails. */
export const EMAIL_COUNT = 1 << 16;
/** Where each email starts in {@link EMAIL_POOL}, and (last entry) the pool's length. */
export const EMAIL_OFFSETS = new Int32Array(EMAIL_COUNT + 1);
/**
 * Emails drawn once from the model's distribution (`nextString(7) + '@' + nextString(5) +
 * '.com'`), packed into one string: email `i` is `EMAIL_POOL.substring(EMAIL_OFFSETS[i],
 * EMAIL_OFFSETS[i + 1])`. Written byte by byte: no intermediate strings.
 */
export const EMAIL_POOL: string = (() => {
  const bytes = new Uint8Array(EMAIL_COUNT * (6 + 1 + 4 + 4));
  let at = 0;
  /** Appends the model's `nextString(maxLength)`: a slice of the text pool's bytes, trimmed. */
  const appendString = (maxLength: number): void => {
    const length = MIN_STRING_LENGTH + random(maxLength - MIN_STRING_LENGTH);
    let from = random(TEXT_POOL_LENGTH - length + 1);
    let to = from + length;
    while (from < to && TEXT_BYTES[from] === SPACE) from++;
    while (to > from && TEXT_BYTES[to - 1] === SPACE) to--;
    while (from < to) bytes[at++] = TEXT_BYTES[from++]!;
  };
  for (let i = 0; i < EMAIL_COUNT; i++) {
    appendString(7);
    bytes[at++] = AT;
    appendString(5);
    for (let c = 0; c < DOT_COM.length; c++) bytes[at++] = DOT_COM.charCodeAt(c);
    EMAIL_OFFSETS[i + 1] = at;
  }
  return latin1(bytes.subarray(0, at));
})();

/** Number of 4-digit groups in {@link CREDIT_CARD_POOL}. */
export const CREDIT_CARD_GROUPS = 1 << 15;
/** Random 4-digit groups separated by spaces: a card number is the 19 characters from a group's start. */
export const CREDIT_CARD_POOL: string = (() => {
  const bytes = new Uint8Array(CREDIT_CARD_GROUPS * 5 - 1).fill(' '.charCodeAt(0));
  for (let g = 0; g < CREDIT_CARD_GROUPS; g++) {
    // the model's String.format("%04d", nextInt(10000))
    let group = random(10000);
    for (let d = 3; d >= 0; d--, group = Math.floor(group / 10)) bytes[g * 5 + d] = ZERO + (group % 10);
  }
  return latin1(bytes);
})();

/** Length of {@link EXTRA_POOL}. */
export const EXTRA_POOL_LENGTH = 1 << 16;
/** Random lowercase letters, sliced for `extra` padding (the model's `nextExactString`). */
export const EXTRA_POOL: string = (() => {
  const bytes = new Uint8Array(EXTRA_POOL_LENGTH);
  for (let i = 0; i < EXTRA_POOL_LENGTH; i++) bytes[i] = A + random(26);
  return latin1(bytes);
})();

/** URL path parts are `nextString(5, '_')`: the special character is `_`, not a space. */
const URL_PART_POOL = latin1(modelChars(4096, '_'));

/** The model's `https://www.nexmark.com/<x>/<y>/<z>/item.htm?query=1`. */
function baseUrl(): string {
  return `https://www.nexmark.com/${modelString(URL_PART_POOL, 5)}/${modelString(URL_PART_POOL, 5)}/${modelString(URL_PART_POOL, 5)}/item.htm?query=1`;
}

/** Java's `Integer.reverse`: the bits of a 32-bit integer in reverse order, as a signed int. */
function reverseBits32(x: number): number {
  let v = x >>> 0;
  let r = 0;
  for (let i = 0; i < 32; i++) {
    r = (r << 1) | (v & 1);
    v >>>= 1;
  }
  return r | 0;
}

/** The hot channels (chosen, uniformly, by half of the bids). */
export const HOT_CHANNELS: readonly string[] = ['Google', 'Facebook', 'Baidu', 'Apple'];
/** The URL of each hot channel: a random base URL, fixed per channel. */
export const HOT_URLS: readonly string[] = flattened(HOT_CHANNELS.map(() => baseUrl()));

/** Cold channel `c` (0 .. 9,999) is named `channel-<c>`. */
export const CHANNEL_NAMES: readonly string[] = Array.from({ length: CHANNELS_NUMBER }, (_, c) => `channel-${c}`);
/** The URL of cold channel `c`: a random base URL, 9 times in 10 followed by `&channel_id=<|reverse(c)|>`. */
export const CHANNEL_URLS: readonly string[] = flattened(
  Array.from({ length: CHANNELS_NUMBER }, (_, c) => {
    const url = baseUrl();
    return random(10) > 0 ? `${url}&channel_id=${Math.abs(reverseBits32(c))}` : url;
  }),
);
