import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { CheckpointError } from './CheckpointError';
import { optionKeys } from '@weir/state';
import { checkCheckpointOptionKeys } from './checkCheckpointOptionKeys';
import type { CheckpointData, CheckpointInfo, CheckpointStorage, SourceCheckpoint } from './CheckpointStorage';
import type { Json } from './Json';

/** Options of {@link FileCheckpointStorage}. */
export interface FileCheckpointStorageOptions {
  /** How many checkpoints to keep (the newest by id); default 3, at least 1. */
  readonly retain?: number;
  /**
   * Whether to fsync every file and directory a save writes; default `true`. Turn it off only
   * where durability across a power loss does not matter (tests): a process crash is survived
   * either way.
   */
  readonly fsync?: boolean;
  /** Receives what the storage does unasked: leftovers it removes, failures to prune, a replaced checkpoint. */
  readonly log?: (message: string) => void;
}

const KEYS = optionKeys<FileCheckpointStorageOptions>({ retain: true, fsync: true, log: true });

const FORMAT = 'weir-checkpoint';
const VERSION = 1;
const MANIFEST = 'manifest.json';
const ID_DIGITS = 12;
const CHK_NAME = /^chk-(\d+)$/;
const TMP_NAME = /^\.tmp-chk-(\d+)-/;
const STORE_FILE = /^store-(0|[1-9]\d*)\.state$/;
const CHECKSUM_TAIL = /"checksum": "([0-9a-f]{8})"\n}\n$/;
const CHECKSUM_PLACEHOLDER = '00000000';
const DEFAULT_RETAIN = 3;

/**
 * Durable checkpoints in a local directory: each checkpoint appears atomically (written to a
 * temporary directory, fsynced, renamed into place), and the newest `retain` are kept.
 *
 * **Layout.** `dir/chk-<id, zero-padded to 12 digits>/` holds `manifest.json` and one file per
 * store, `store-<i>.state` (the encoded snapshot as given; store names can be any string, so files
 * are numbered and the manifest maps names to files). The manifest is pretty-printed JSON:
 * `{ format: 'weir-checkpoint', version: 1, id, time, sources, sinks, stores: [{ name, file,
 * bytes, crc32 }], checksum }`. Numbers of `time` and `sources` that JSON cannot hold (±Infinity,
 * NaN, -0) are written as the strings `"Infinity"`, `"-Infinity"`, `"NaN"`, `"-0"` and read back
 * as numbers. `checksum` is the CRC-32 (8 hex digits) of the manifest's bytes with `checksum`
 * itself set to `"00000000"`, so a damaged manifest is detected too (do not edit manifests by
 * hand). Source offsets and sink states must be JSON: a non-finite number there is rejected.
 *
 * **Saving.** {@link save} writes the store files, then the manifest, into
 * `dir/.tmp-chk-<id>-<random>/`, fsyncs each file and that directory, renames it to `chk-<id>`
 * and fsyncs `dir`; then it prunes: checkpoints beyond the newest `retain` (by id) and leftover
 * `.tmp-chk-*` directories of an id up to the saved one (writes interrupted by a crash) are
 * removed. A crash at any point leaves either the whole new checkpoint or none of it. Saves of
 * one instance run one at a time, in call order; one directory must have one writer. Do not
 * mutate a checkpoint's store bytes until its save settles.
 *
 * **Ids.** A save of an id that is already stored replaces that checkpoint safely: the old one
 * is renamed aside, the new one renamed into place, then the old one deleted (a crash in between
 * leaves no checkpoint of that id, and recovery falls back to an older one). This happens when a
 * job recovered past a corrupt checkpoint and numbers on from the one it restored. A save that
 * its own pruning would delete at once (`retain` or more checkpoints of a higher id exist) is
 * refused with `CheckpointError` `STATE`.
 *
 * **Checking.** {@link list} and {@link load} check every checkpoint they read: the manifest
 * parses, has the right format, version, checksum and the id of its directory, and every store
 * file exists with the manifest's size and CRC-32. (Snapshots carry their own checksum too,
 * checked when decoded.)
 *
 * **Errors.** File system failures are `CheckpointError` `IO`, naming the path and the OS
 * error; a damaged checkpoint is `CORRUPT_CHECKPOINT` (from {@link load}) or `valid: false`
 * (from {@link list}); use {@link loadLatestCheckpoint} to restore the newest good one.
 *
 * @example
 * ```ts
 * const storage = new FileCheckpointStorage('./checkpoints', { retain: 5, log: console.warn });
 * const restored = await loadLatestCheckpoint(storage, console.warn); // undefined on a first run
 * ```
 */
export class FileCheckpointStorage implements CheckpointStorage {
  readonly #dir: string;
  readonly #retain: number;
  readonly #fsync: boolean;
  readonly #log: (message: string) => void;
  #tail: Promise<void> = Promise.resolve();

  /**
   * @param dir - the directory of the checkpoints; created (with its parents) on the first save
   * @param options - see {@link FileCheckpointStorageOptions}
   */
  constructor(dir: string, options: FileCheckpointStorageOptions = {}) {
    if (typeof dir !== 'string' || dir === '') {
      throw new CheckpointError('INVALID_ARGUMENT', `FileCheckpointStorage: dir must be a non-empty path, got ${describeValue(dir)}`);
    }
    checkCheckpointOptionKeys('FileCheckpointStorage', options, KEYS);
    if (options.fsync !== undefined && typeof options.fsync !== 'boolean') {
      throw new CheckpointError('INVALID_ARGUMENT', `FileCheckpointStorage: option \`fsync\` must be a boolean, got ${describeValue(options.fsync)}`);
    }
    if (options.log !== undefined && typeof options.log !== 'function') {
      throw new CheckpointError('INVALID_ARGUMENT', `FileCheckpointStorage: option \`log\` must be a function, got ${describeValue(options.log)}`);
    }
    this.#dir = dir;
    this.#retain = checkRetain('FileCheckpointStorage', options.retain);
    this.#fsync = options.fsync ?? true;
    this.#log = options.log ?? (() => {});
  }

  describe(): string {
    return `checkpoints in ${this.#dir}`;
  }

  /**
   * Persists `checkpoint` atomically and durably, then prunes (see the class description).
   * Rejects with `CheckpointError` `INVALID_ARGUMENT` for a malformed checkpoint (non-JSON offsets
   * or sink states, store bytes that are not a `Uint8Array`, a bad id), `STATE` for an id the
   * pruning would delete at once, and `IO` when the file system refuses: nothing of the new
   * checkpoint is left then (but possibly its temporary directory, which the next save removes),
   * except when only the final fsync of `dir` failed (the checkpoint is in place, its durability
   * unknown). A failure to prune is only logged: the checkpoint is saved.
   */
  save(checkpoint: CheckpointData): Promise<void> {
    let plan: SavePlan;
    try {
      checkCheckpointData('FileCheckpointStorage.save', checkpoint);
      plan = planSave(checkpoint);
    } catch (err) {
      return Promise.reject(err);
    }
    const run = this.#tail.then(() => this.#write(plan));
    this.#tail = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /**
   * Every `chk-<id>` directory of `dir`, newest (highest id) first, each checked by reading all
   * its files once. A damaged one has `valid: false` and a `reason` naming the file
   * (`"store-1.state: checksum mismatch ..."`); when its manifest is unreadable its `time` is
   * `NaN` and `stores` and `sources` are empty. Temporary directories are ignored; a missing
   * `dir` lists nothing; an unreadable one rejects with `CheckpointError` `IO`.
   */
  async list(): Promise<CheckpointInfo[]> {
    const names = await this.#readdir(`cannot list checkpoints in ${this.#dir}`, true);
    const ids = chkIds(names).sort((a, b) => b - a);
    const out: CheckpointInfo[] = [];
    for (const id of ids) {
      const r = await this.#read(id, false);
      if (r.kind === 'gone') continue; // pruned while we listed
      const m = r.manifest;
      const stores = m ? m.stores.map((s) => ({ name: s.name, bytes: s.bytes, crc32: s.crc32 })) : [];
      out.push({
        id,
        time: m ? m.time : NaN,
        bytes: stores.reduce((sum, s) => sum + s.bytes, 0),
        stores,
        sources: m ? m.sources : {},
        valid: r.kind === 'ok',
        ...(r.kind === 'corrupt' ? { reason: r.reason } : {}),
      });
    }
    return out;
  }

  /**
   * Reads and checks checkpoint `id`. Rejects with `CheckpointError` `NO_CHECKPOINT` when it
   * does not exist, `CORRUPT_CHECKPOINT` (naming the file) when it is damaged or incomplete, and
   * `IO` when the file system refuses.
   */
  async load(id: number): Promise<CheckpointData> {
    checkId('FileCheckpointStorage.load', id);
    const r = await this.#read(id, true);
    if (r.kind === 'gone') throw new CheckpointError('NO_CHECKPOINT', `no checkpoint ${id} in ${this.#dir}`);
    if (r.kind === 'corrupt') {
      throw new CheckpointError('CORRUPT_CHECKPOINT', `checkpoint ${id} (${this.#chkPath(id)}) is corrupt: ${r.reason}`);
    }
    const { manifest, data } = r;
    return {
      id,
      time: manifest.time,
      sources: manifest.sources,
      sinks: manifest.sinks,
      stores: Object.fromEntries(manifest.stores.map((s, i) => [s.name, data[i] ?? new Uint8Array(0)])),
    };
  }

  #chkPath(id: number): string {
    return path.join(this.#dir, checkpointDirName(id));
  }

  async #readdir(what: string, missingIsEmpty: boolean): Promise<string[]> {
    try {
      return await fs.readdir(this.#dir);
    } catch (err) {
      if (missingIsEmpty && codeOf(err) === 'ENOENT') return [];
      throw ioError(what, err);
    }
  }

  async #write(plan: SavePlan): Promise<void> {
    const { id } = plan;
    const dir = this.#dir;
    const what = `cannot save checkpoint ${id} in ${dir}`;
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (err) {
      throw ioError(what, err);
    }
    const existing = chkIds(await this.#readdir(what, false));
    const newer = existing.filter((x) => x > id).sort((a, b) => a - b);
    if (newer.length >= this.#retain) {
      throw new CheckpointError(
        'STATE',
        `${what}: it would be pruned at once, since ${newer.length} newer checkpoint(s) exist (${newer.join(', ')}) ` +
          `and retain is ${this.#retain}; checkpoint ids must increase across restarts`,
      );
    }

    const final = this.#chkPath(id);
    const tmp = path.join(dir, `.tmp-chk-${pad(id)}-${randomBytes(6).toString('hex')}`);
    try {
      await fs.mkdir(tmp);
      for (const s of plan.stores) await this.#writeFile(path.join(tmp, s.file), s.data);
      await this.#writeFile(path.join(tmp, MANIFEST), plan.manifest);
      await this.#syncDir(tmp);
    } catch (err) {
      await fs.rm(tmp, { recursive: true, force: true }).catch(() => {});
      throw ioError(`${what}: cannot write ${tmp}`, err);
    }

    let aside: string | undefined;
    if (existing.includes(id)) {
      aside = path.join(dir, `.tmp-chk-${pad(id)}-replaced-${randomBytes(6).toString('hex')}`);
      try {
        await fs.rename(final, aside);
        this.#log(`replacing existing checkpoint ${id} in ${dir}`);
      } catch (err) {
        if (codeOf(err) !== 'ENOENT') {
          await fs.rm(tmp, { recursive: true, force: true }).catch(() => {});
          throw ioError(`${what}: cannot move the existing ${final} aside`, err);
        }
        aside = undefined;
      }
    }
    try {
      await fs.rename(tmp, final);
    } catch (err) {
      await fs.rm(tmp, { recursive: true, force: true }).catch(() => {});
      if (aside !== undefined) await fs.rename(aside, final).catch(() => {}); // put the old one back
      throw ioError(`${what}: cannot rename ${tmp} to ${final}`, err);
    }
    try {
      await this.#syncDir(dir);
    } catch (err) {
      throw ioError(`${what}: cannot fsync ${dir}`, err);
    }
    if (aside !== undefined) {
      await fs.rm(aside, { recursive: true, force: true }).catch((err: unknown) => {
        this.#log(`could not remove replaced checkpoint ${aside}: ${messageOf(err)}`);
      });
    }
    await this.#prune(id);
  }

  async #writeFile(file: string, data: Uint8Array): Promise<void> {
    const handle = await fs.open(file, 'wx');
    try {
      await handle.writeFile(data);
      if (this.#fsync) await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** fsyncs a directory (so renames and new entries in it are durable), where the platform can. */
  async #syncDir(dir: string): Promise<void> {
    if (!this.#fsync) return;
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(dir, 'r');
    } catch (err) {
      if (codeOf(err) === 'EISDIR' || codeOf(err) === 'EPERM') return; // cannot open directories (Windows)
      throw err;
    }
    try {
      await handle.sync();
    } catch (err) {
      const code = codeOf(err);
      if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EPERM' && code !== 'EISDIR') throw err;
    } finally {
      await handle.close();
    }
  }

  /** Removes checkpoints beyond the newest `retain` and leftover temporary directories up to `id`. */
  async #prune(id: number): Promise<void> {
    const dir = this.#dir;
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (err) {
      this.#log(`could not prune checkpoints in ${dir}: ${messageOf(err)}`);
      return;
    }
    for (const old of chkIds(names).sort((a, b) => b - a).slice(this.#retain)) {
      // Renamed first, so the checkpoint disappears at once rather than file by file.
      const aside = path.join(dir, `.tmp-chk-${pad(old)}-pruned-${randomBytes(6).toString('hex')}`);
      try {
        await fs.rename(this.#chkPath(old), aside);
        await fs.rm(aside, { recursive: true, force: true });
      } catch (err) {
        this.#log(`could not remove old checkpoint ${old} in ${dir}: ${messageOf(err)}`);
      }
    }
    for (const name of names) {
      const m = TMP_NAME.exec(name);
      if (!m || Number(m[1]) > id) continue;
      try {
        await fs.rm(path.join(dir, name), { recursive: true, force: true });
        this.#log(`removed ${path.join(dir, name)}, left by an interrupted checkpoint write`);
      } catch (err) {
        this.#log(`could not remove ${path.join(dir, name)}: ${messageOf(err)}`);
      }
    }
  }

  /** Reads checkpoint `id` and checks all of it; `keep`: return the store bytes too. */
  async #read(id: number, keep: boolean): Promise<ReadResult> {
    const chk = this.#chkPath(id);
    const what = `cannot read checkpoint ${id} in ${this.#dir}`;
    const gone = async (): Promise<boolean> => {
      try {
        await fs.stat(chk);
        return false;
      } catch (err) {
        if (codeOf(err) === 'ENOENT') return true;
        throw ioError(what, err);
      }
    };
    let raw: Buffer;
    try {
      const st = await fs.stat(chk);
      if (!st.isDirectory()) return { kind: 'corrupt', reason: `${path.basename(chk)}: not a directory` };
      raw = await fs.readFile(path.join(chk, MANIFEST));
    } catch (err) {
      const code = codeOf(err);
      if (code === 'ENOENT') {
        if (await gone()) return { kind: 'gone' };
        return { kind: 'corrupt', reason: `${MANIFEST}: missing (an incomplete checkpoint)` };
      }
      if (code === 'EISDIR') return { kind: 'corrupt', reason: `${MANIFEST}: not a file` };
      throw ioError(what, err);
    }
    let manifest: Manifest;
    try {
      manifest = decodeManifest(raw, id);
    } catch (err) {
      if (err instanceof Corrupt) return { kind: 'corrupt', reason: `${MANIFEST}: ${err.reason}` };
      throw err;
    }
    const data: Uint8Array[] = [];
    for (const s of manifest.stores) {
      let bytes: Buffer;
      try {
        bytes = await fs.readFile(path.join(chk, s.file));
      } catch (err) {
        const code = codeOf(err);
        if (code === 'ENOENT') {
          if (await gone()) return { kind: 'gone' };
          return { kind: 'corrupt', manifest, reason: `${s.file}: missing (store ${JSON.stringify(s.name)})` };
        }
        if (code === 'EISDIR') return { kind: 'corrupt', manifest, reason: `${s.file}: not a file (store ${JSON.stringify(s.name)})` };
        throw ioError(what, err);
      }
      if (bytes.length !== s.bytes) {
        const how = bytes.length < s.bytes ? 'truncated: ' : '';
        return {
          kind: 'corrupt',
          manifest,
          reason: `${s.file}: ${how}${bytes.length} bytes, the manifest says ${s.bytes} (store ${JSON.stringify(s.name)})`,
        };
      }
      const actual = crc32(bytes) >>> 0;
      if (actual !== s.crc32) {
        return {
          kind: 'corrupt',
          manifest,
          reason: `${s.file}: checksum mismatch: crc32 ${hex(actual)}, the manifest says ${hex(s.crc32)} (store ${JSON.stringify(s.name)})`,
        };
      }
      if (keep) data.push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
    return { kind: 'ok', manifest, data };
  }
}

/** The directory name of checkpoint `id`: `chk-` and the id zero-padded to 12 digits. */
export function checkpointDirName(id: number): string {
  return `chk-${pad(id)}`;
}

interface ManifestStore {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly crc32: number;
}

interface Manifest {
  readonly time: number;
  readonly sources: Record<string, SourceCheckpoint>;
  readonly sinks: Record<string, Json>;
  readonly stores: ManifestStore[];
}

interface SavePlan {
  readonly id: number;
  readonly stores: ReadonlyArray<{ readonly file: string; readonly data: Uint8Array }>;
  readonly manifest: Uint8Array;
}

type ReadResult =
  | { readonly kind: 'ok'; readonly manifest: Manifest; readonly data: Uint8Array[] }
  | { readonly kind: 'corrupt'; readonly reason: string; readonly manifest?: Manifest }
  | { readonly kind: 'gone' };

/** Thrown while decoding a manifest; caught and reported as the reason it is invalid. */
class Corrupt {
  constructor(readonly reason: string) {}
}

function pad(id: number): string {
  return String(id).padStart(ID_DIGITS, '0');
}

/** The ids of the canonically named `chk-<id>` entries among `names`. */
function chkIds(names: readonly string[]): number[] {
  const ids: number[] = [];
  for (const name of names) {
    const m = CHK_NAME.exec(name);
    if (!m) continue;
    const id = Number(m[1]);
    if (Number.isSafeInteger(id) && checkpointDirName(id) === name) ids.push(id);
  }
  return ids;
}

function planSave(checkpoint: CheckpointData): SavePlan {
  const stores = Object.entries(checkpoint.stores).map(([name, data], i) => ({
    name,
    file: `store-${i}.state`,
    data,
    bytes: data.byteLength,
    crc32: crc32(data) >>> 0,
  }));
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
        },
      ]),
    ),
    sinks: checkpoint.sinks,
    stores: stores.map(({ name, file, bytes, crc32: crc }) => ({ name, file, bytes, crc32: crc })),
    checksum: CHECKSUM_PLACEHOLDER,
  };
  const text = JSON.stringify(body, null, 2) + '\n';
  const sum = hex(crc32(Buffer.from(text, 'utf8')) >>> 0).slice(2);
  const tail = `"checksum": "${CHECKSUM_PLACEHOLDER}"\n}\n`;
  const signed = text.slice(0, text.length - tail.length) + `"checksum": "${sum}"\n}\n`;
  return { id: checkpoint.id, stores, manifest: Buffer.from(signed, 'utf8') };
}

function decodeManifest(raw: Buffer, id: number): Manifest {
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
  const actual = hex(crc32(Buffer.from(unsigned, 'utf8')) >>> 0).slice(2);
  if (actual !== tail[1]) throw new Corrupt(`checksum mismatch: crc32 0x${actual}, the manifest says 0x${tail[1]} (the manifest was damaged or edited)`);
  if (m.id !== id) throw new Corrupt(`is for checkpoint ${JSON.stringify(m.id)}, not ${id} (the id of its directory)`);
  const time = decodeNumber(m.time, 'time');
  if (!isPlainObject(m.sources)) throw new Corrupt('sources: expected an object');
  const sources = Object.fromEntries(
    Object.entries(m.sources).map(([name, s]): [string, SourceCheckpoint] => {
      const where = `sources[${JSON.stringify(name)}]`;
      if (!isPlainObject(s) || !('offset' in s)) throw new Corrupt(`${where}: expected an object with an offset`);
      return [
        name,
        {
          offset: s.offset as Json,
          maxTimestamp: decodeNumber(s.maxTimestamp, `${where}.maxTimestamp`),
          watermark: decodeNumber(s.watermark, `${where}.watermark`),
          sinceWatermark: decodeNumber(s.sinceWatermark, `${where}.sinceWatermark`),
        },
      ];
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

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function ioError(what: string, err: unknown): CheckpointError {
  return new CheckpointError('IO', `${what}: ${messageOf(err)}`, { cause: err });
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'an array' : 'an object';
  return String(v);
}

/** @internal Checks a `retain` option (default 3): a positive safe integer. */
export function checkRetain(kind: string, retain: unknown): number {
  if (retain === undefined) return DEFAULT_RETAIN;
  if (typeof retain !== 'number' || !Number.isSafeInteger(retain) || retain < 1) {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind}: option \`retain\` must be a positive integer, got ${describeValue(retain)}`);
  }
  return retain;
}

/** @internal Checks a checkpoint id: a non-negative safe integer. */
export function checkId(kind: string, id: unknown): asserts id is number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind}: a checkpoint id must be a non-negative integer, got ${describeValue(id)}`);
  }
}

/**
 * @internal Checks that a checkpoint can be stored faithfully: a valid id, numeric `time` and
 * source numbers, JSON offsets and sink states (no NaN, ±Infinity, undefined, bigint, cycles or
 * class instances, which JSON would silently change), and `Uint8Array` store bytes.
 */
export function checkCheckpointData(kind: string, checkpoint: CheckpointData): void {
  const bad = (message: string): CheckpointError => new CheckpointError('INVALID_ARGUMENT', `${kind}: ${message}`);
  if (typeof checkpoint !== 'object' || checkpoint === null) throw bad(`expected a checkpoint object, got ${describeValue(checkpoint)}`);
  checkId(kind, checkpoint.id);
  const id = checkpoint.id;
  if (typeof checkpoint.time !== 'number') throw bad(`checkpoint ${id}: time must be a number, got ${describeValue(checkpoint.time)}`);
  for (const field of ['sources', 'sinks', 'stores'] as const) {
    if (!isPlainObject(checkpoint[field])) throw bad(`checkpoint ${id}: ${field} must be an object, got ${describeValue(checkpoint[field])}`);
  }
  for (const [name, s] of Object.entries(checkpoint.sources)) {
    const where = `checkpoint ${id}: source ${JSON.stringify(name)}`;
    if (!isPlainObject(s)) throw bad(`${where}: expected an object, got ${describeValue(s)}`);
    for (const field of ['maxTimestamp', 'watermark', 'sinceWatermark'] as const) {
      if (typeof s[field] !== 'number') throw bad(`${where}: ${field} must be a number, got ${describeValue(s[field])}`);
    }
    checkJson(s.offset, `${where}: offset`, bad, new Set());
  }
  for (const [name, state] of Object.entries(checkpoint.sinks)) {
    checkJson(state, `checkpoint ${id}: sink ${JSON.stringify(name)}`, bad, new Set());
  }
  for (const [name, bytes] of Object.entries(checkpoint.stores)) {
    if (!(bytes instanceof Uint8Array)) throw bad(`checkpoint ${id}: store ${JSON.stringify(name)}: expected encoded snapshot bytes (a Uint8Array), got ${describeValue(bytes)}`);
  }
}

function checkJson(v: unknown, where: string, bad: (message: string) => CheckpointError, seen: Set<unknown>): void {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(v)) throw bad(`${where}: ${v} is not JSON`);
      return;
    case 'object':
      if (v === null) return;
      if (seen.has(v)) throw bad(`${where}: a cycle is not JSON`);
      seen.add(v);
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) checkJson(v[i], `${where}[${i}]`, bad, seen); // holes too
      } else if (isPlainObject(v)) {
        for (const [k, x] of Object.entries(v)) checkJson(x, `${where}.${k}`, bad, seen);
      } else {
        throw bad(`${where}: ${(v as object).constructor?.name ?? 'an object'} instance is not JSON (use plain objects and arrays)`);
      }
      seen.delete(v);
      return;
    default:
      throw bad(`${where}: ${describeValue(v)} (${typeof v}) is not JSON`);
  }
}
