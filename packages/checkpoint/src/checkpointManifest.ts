// The manifest of a FileCheckpointStorage checkpoint: its JSON form, its checksum, and reading it
// back with every field checked (see FileCheckpointStorage for the layout).
import { crc32 } from 'node:zlib';
import { hex32, messageOf } from '@weir/state';
import type { CheckpointToSave, SourceCheckpoint, SourcePartitionCheckpoint } from './CheckpointStorage';
import { isPlainObject } from './checkCheckpointData';
import type { Json } from './Json';

const FORMAT = 'weir-checkpoint';
const VERSION = 1;
const STORE_FILE = /^store-(0|[1-9]\d*)\.state$/;
const CHECKSUM_TAIL = /"checksum": "([0-9a-f]{8})"\n}\n$/;
const CHECKSUM_PLACEHOLDER = '00000000';

/** One store file as the manifest lists it. */
export interface ManifestStore {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly crc32: number;
}

/** What a manifest holds. */
export interface Manifest {
  readonly time: number;
  readonly sources: Record<string, SourceCheckpoint>;
  readonly sinks: Record<string, Json>;
  readonly stores: ManifestStore[];
}

/** Thrown while decoding a manifest; caught and reported as the reason it is invalid. */
export class Corrupt {
  constructor(readonly reason: string) {}
}

/**
 * The manifest of `checkpoint` whose store files are `stores`: pretty-printed JSON ending in its
 * own CRC-32 (computed with `checksum` set to `"00000000"`).
 */
export function encodeManifest(checkpoint: CheckpointToSave, stores: readonly ManifestStore[]): Buffer {
  const body = {
    format: FORMAT,
    version: VERSION,
    id: checkpoint.id,
    time: encodeNumber(checkpoint.time),
    sources: Object.fromEntries(
      Object.entries(checkpoint.sources).map(([name, s]) => [
        name,
        {
          offset: s.offset,
          maxTimestamp: encodeNumber(s.maxTimestamp),
          watermark: encodeNumber(s.watermark),
          sinceWatermark: encodeNumber(s.sinceWatermark),
          ...(s.partitions === undefined
            ? {}
            : {
                partitions: Object.fromEntries(
                  Object.entries(s.partitions).map(([p, ps]) => [p, { maxTimestamp: encodeNumber(ps.maxTimestamp), watermark: encodeNumber(ps.watermark), idle: ps.idle }]),
                ),
              }),
        },
      ]),
    ),
    sinks: checkpoint.sinks,
    stores: stores.map(({ name, file, bytes, crc32: crc }) => ({ name, file, bytes, crc32: crc })),
    checksum: CHECKSUM_PLACEHOLDER,
  };
  const text = JSON.stringify(body, null, 2) + '\n';
  const sum = hex32(crc32(Buffer.from(text, 'utf8')) >>> 0).slice(2);
  const tail = `"checksum": "${CHECKSUM_PLACEHOLDER}"\n}\n`;
  return Buffer.from(text.slice(0, text.length - tail.length) + `"checksum": "${sum}"\n}\n`, 'utf8');
}

/** Reads manifest bytes of checkpoint `id`; throws {@link Corrupt} naming what is wrong. */
export function decodeManifest(raw: Buffer, id: number): Manifest {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new Corrupt('not valid UTF-8');
  }
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (err) {
    throw new Corrupt(`not valid JSON (${messageOf(err)})`);
  }
  if (!isPlainObject(m)) throw new Corrupt('not a JSON object');
  if (m.format !== FORMAT) throw new Corrupt(`format is ${JSON.stringify(m.format)}, expected ${JSON.stringify(FORMAT)}`);
  if (m.version !== VERSION) throw new Corrupt(`version ${JSON.stringify(m.version)} is not supported (expected ${VERSION})`);
  const tail = CHECKSUM_TAIL.exec(text);
  if (!tail || tail[1] === undefined) throw new Corrupt('no checksum at its end (truncated, or not written by weir)');
  const unsigned = text.slice(0, tail.index) + `"checksum": "${CHECKSUM_PLACEHOLDER}"\n}\n`;
  const actual = hex32(crc32(Buffer.from(unsigned, 'utf8')) >>> 0).slice(2);
  if (actual !== tail[1]) throw new Corrupt(`checksum mismatch: crc32 0x${actual}, the manifest says 0x${tail[1]} (the manifest was damaged or edited)`);
  if (m.id !== id) throw new Corrupt(`is for checkpoint ${JSON.stringify(m.id)}, not ${id} (the id of its directory)`);
  const time = decodeNumber(m.time, 'time');
  if (!isPlainObject(m.sources)) throw new Corrupt('sources: expected an object');
  const sources = Object.fromEntries(
    Object.entries(m.sources).map(([name, s]): [string, SourceCheckpoint] => {
      const where = `sources[${JSON.stringify(name)}]`;
      if (!isPlainObject(s) || !('offset' in s)) throw new Corrupt(`${where}: expected an object with an offset`);
      const source: SourceCheckpoint = {
        offset: s.offset as Json,
        maxTimestamp: decodeNumber(s.maxTimestamp, `${where}.maxTimestamp`),
        watermark: decodeNumber(s.watermark, `${where}.watermark`),
        sinceWatermark: decodeNumber(s.sinceWatermark, `${where}.sinceWatermark`),
      };
      // a manifest written before partitioned sources has none: it loads as an unpartitioned source
      return [name, s.partitions === undefined ? source : { ...source, partitions: decodePartitions(s.partitions, `${where}.partitions`) }];
    }),
  );
  if (!isPlainObject(m.sinks)) throw new Corrupt('sinks: expected an object');
  const sinks = m.sinks as Record<string, Json>;
  if (!Array.isArray(m.stores)) throw new Corrupt('stores: expected an array');
  const names = new Set<string>();
  const files = new Set<string>();
  const stores = m.stores.map((s: unknown, i): ManifestStore => {
    const where = `stores[${i}]`;
    if (!isPlainObject(s)) throw new Corrupt(`${where}: expected an object`);
    const { name, file, bytes, crc32: crc } = s;
    if (typeof name !== 'string') throw new Corrupt(`${where}.name: expected a string`);
    if (typeof file !== 'string' || !STORE_FILE.test(file)) throw new Corrupt(`${where}.file: expected store-<n>.state, got ${JSON.stringify(file)}`);
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) throw new Corrupt(`${where}.bytes: expected a byte count`);
    if (typeof crc !== 'number' || !Number.isInteger(crc) || crc < 0 || crc > 0xffffffff) throw new Corrupt(`${where}.crc32: expected an unsigned 32-bit integer`);
    if (names.has(name)) throw new Corrupt(`${where}: store ${JSON.stringify(name)} appears twice`);
    if (files.has(file)) throw new Corrupt(`${where}: file ${file} appears twice`);
    names.add(name);
    files.add(file);
    return { name, file, bytes, crc32: crc };
  });
  return { time, sources, sinks, stores };
}

function decodePartitions(v: unknown, where: string): Record<string, SourcePartitionCheckpoint> {
  if (!isPlainObject(v)) throw new Corrupt(`${where}: expected an object`);
  return Object.fromEntries(
    Object.entries(v).map(([name, p]): [string, SourcePartitionCheckpoint] => {
      const at = `${where}[${JSON.stringify(name)}]`;
      if (!isPlainObject(p)) throw new Corrupt(`${at}: expected an object`);
      if (typeof p.idle !== 'boolean') throw new Corrupt(`${at}.idle: expected a boolean, got ${JSON.stringify(p.idle)}`);
      return [name, { maxTimestamp: decodeNumber(p.maxTimestamp, `${at}.maxTimestamp`), watermark: decodeNumber(p.watermark, `${at}.watermark`), idle: p.idle }];
    }),
  );
}

/** A number as JSON: itself when finite, else `"Infinity"`, `"-Infinity"` or `"NaN"`; `-0` as `"-0"`. */
function encodeNumber(n: number): number | string {
  if (Object.is(n, -0)) return '-0';
  return Number.isFinite(n) ? n : String(n);
}

function decodeNumber(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  switch (v) {
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case 'NaN':
      return NaN;
    case '-0':
      return -0;
    default:
      throw new Corrupt(`${where}: expected a number, got ${JSON.stringify(v)}`);
  }
}
