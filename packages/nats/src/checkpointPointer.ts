// Internal: the pointer of a JetStreamCheckpointStorage, the one KV entry saying which checkpoints
// exist (the latest first) and where their objects are; its JSON form, read back with every field
// checked.
import { checkpointDirName } from '@weir/checkpoint';

const FORMAT = 'weir-checkpoint-pointer';
const VERSION = 1;
/** `chk-<12-digit id>-<12 hex digits>`: a checkpoint's object name prefix (unique per save). */
const PREFIX = /^chk-(\d{12})-[0-9a-f]{12}$/;

/** One checkpoint the pointer lists: its id, the prefix of its objects and how many store objects it has. */
export interface PointedCheckpoint {
  readonly id: number;
  /** Its objects are `<prefix>/manifest.json` and `<prefix>/store-<i>.state`, i < `stores`. */
  readonly prefix: string;
  readonly stores: number;
}

/** What the pointer holds. */
export interface CheckpointPointer {
  /** The storage instance that wrote it (a random nonce): tells a write of one's own that was not acknowledged from another writer's. */
  readonly writer: string;
  /** The checkpoints kept, newest (highest id) first; the first is the latest. */
  readonly checkpoints: readonly PointedCheckpoint[];
}

/** The object names of a checkpoint: its store objects, then its manifest. */
export function objectNames(c: PointedCheckpoint): string[] {
  const names: string[] = [];
  for (let i = 0; i < c.stores; i++) names.push(`${c.prefix}/store-${i}.state`);
  names.push(`${c.prefix}/manifest.json`);
  return names;
}

/** The pointer as the bytes of its KV value (JSON). */
export function encodeCheckpointPointer(pointer: CheckpointPointer): Uint8Array {
  const body = {
    format: FORMAT,
    version: VERSION,
    writer: pointer.writer,
    checkpoints: pointer.checkpoints.map(({ id, prefix, stores }) => ({ id, prefix, stores })),
  };
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** Reads a pointer's KV value; returns what is wrong with it as a string instead when it is not one. */
export function decodeCheckpointPointer(raw: Uint8Array): CheckpointPointer | string {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (err) {
    return `not UTF-8 JSON (${err instanceof Error ? err.message : String(err)})`;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  if (o.format !== FORMAT) return `format is ${JSON.stringify(o.format)}, expected ${JSON.stringify(FORMAT)}`;
  if (o.version !== VERSION) return `version ${JSON.stringify(o.version)} is not supported (expected ${VERSION})`;
  if (typeof o.writer !== 'string') return 'writer: expected a string';
  if (!Array.isArray(o.checkpoints)) return 'checkpoints: expected an array';
  const checkpoints: PointedCheckpoint[] = [];
  for (const [i, c] of o.checkpoints.entries()) {
    const where = `checkpoints[${i}]`;
    if (typeof c !== 'object' || c === null) return `${where}: expected an object`;
    const { id, prefix, stores } = c as Record<string, unknown>;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return `${where}.id: expected a checkpoint id`;
    if (typeof prefix !== 'string' || !PREFIX.test(prefix) || !prefix.startsWith(`${checkpointDirName(id)}-`)) {
      return `${where}.prefix: expected ${checkpointDirName(id)}-<12 hex digits>, got ${JSON.stringify(prefix)}`;
    }
    if (typeof stores !== 'number' || !Number.isSafeInteger(stores) || stores < 0) return `${where}.stores: expected a count`;
    const previous = checkpoints[checkpoints.length - 1];
    if (previous !== undefined && previous.id <= id) return `${where}.id: ${id} after ${previous.id} (expected newest first, no id twice)`;
    checkpoints.push({ id, prefix, stores });
  }
  return { writer: o.writer, checkpoints };
}
