import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { describeValue, messageOf } from '@weir/state';
import { CheckpointError } from './CheckpointError';
import { optionKeys } from '@weir/state';
import { checkCheckpointOptionKeys } from './checkCheckpointOptionKeys';
import type { CheckpointData, CheckpointInfo, CheckpointStorage, CheckpointToSave, EncodedStore } from './CheckpointStorage';
import { checkCheckpointData, checkId, checkRetain } from './checkCheckpointData';
import { encodeManifest, type ManifestStore } from './checkpointManifest';
import { checkpointPath, chkIds, codeOf, ioError, pad, readCheckpointDir } from './readCheckpointDir';

import { encodedChunks } from './encodedChunks';

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

const MANIFEST = 'manifest.json';
const TMP_NAME = /^\.tmp-chk-(\d+)-/;
/** Bytes gathered into one write of a store file. */
const WRITE_BYTES = 1 << 20;

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
 * **Saving.** {@link save} writes the store files (chunk by chunk when they come in chunks, with
 * their CRC-32 computed on the way, so a large store is never held whole), then the manifest, into
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
   * A save copies each store chunk into its write buffer before it asks for the next one, so the
   * coordinator may encode every chunk into one reused buffer ({@link CheckpointStorage.copiesChunks}).
   */
  readonly copiesChunks = true;
  /** Where a store's chunks are gathered for one write; saves run one at a time, so one buffer serves them all. */
  #batch: Uint8Array | undefined;

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
  save(checkpoint: CheckpointToSave): Promise<void> {
    try {
      checkCheckpointData('FileCheckpointStorage.save', checkpoint);
    } catch (err) {
      return Promise.reject(err);
    }
    const run = this.#tail.then(() => this.#write(checkpoint));
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
      const r = await readCheckpointDir(this.#dir, id, false);
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
    const r = await readCheckpointDir(this.#dir, id, true);
    if (r.kind === 'gone') throw new CheckpointError('NO_CHECKPOINT', `no checkpoint ${id} in ${this.#dir}`);
    if (r.kind === 'corrupt') {
      throw new CheckpointError('CORRUPT_CHECKPOINT', `checkpoint ${id} (${this.#chkPath(id)}) is corrupt: ${r.reason}`);
    }
    const { manifest, data } = r;
    const chk = this.#chkPath(id);
    return {
      id,
      time: manifest.time,
      sources: manifest.sources,
      sinks: manifest.sinks,
      stores: Object.fromEntries(manifest.stores.map((s, i) => [s.name, data[i] ?? new Uint8Array(0)])),
      origin: { checkpoint: chk, stores: Object.fromEntries(manifest.stores.map((s) => [s.name, path.join(chk, s.file)])) },
    };
  }

  #chkPath(id: number): string {
    return checkpointPath(this.#dir, id);
  }

  async #readdir(what: string, missingIsEmpty: boolean): Promise<string[]> {
    try {
      return await fs.readdir(this.#dir);
    } catch (err) {
      if (missingIsEmpty && codeOf(err) === 'ENOENT') return [];
      throw ioError(what, err);
    }
  }

  async #write(checkpoint: CheckpointToSave): Promise<void> {
    const { id } = checkpoint;
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
      const stores: ManifestStore[] = [];
      for (const [name, encoded] of Object.entries(checkpoint.stores)) {
        const file = `store-${stores.length}.state`;
        stores.push({ name, file, ...(await this.#writeStore(path.join(tmp, file), encoded)) });
      }
      await this.#writeFile(path.join(tmp, MANIFEST), encodeManifest(checkpoint, stores));
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

  /**
   * Writes a store's bytes as they come, copying chunks into a buffer of {@link WRITE_BYTES} that
   * goes out in one write when full (one trip to the thread pool, not one per small chunk; a chunk
   * larger than the buffer is written by itself); returns their size and CRC-32. A chunk is copied
   * or written before the next is asked for ({@link copiesChunks}).
   */
  async #writeStore(file: string, encoded: EncodedStore): Promise<{ bytes: number; crc32: number }> {
    const handle = await fs.open(file, 'wx');
    const batch = (this.#batch ??= new Uint8Array(WRITE_BYTES));
    let bytes = 0;
    let crc = 0;
    let gathered = 0;
    const writeAll = async (data: Uint8Array): Promise<void> => {
      // a short write (rare for files): the rest in further writes
      for (let at = 0; at < data.byteLength; ) at += (await handle.write(data, at)).bytesWritten;
    };
    try {
      for await (const chunk of encodedChunks(encoded)) {
        crc = crc32(chunk, crc);
        bytes += chunk.byteLength;
        if (gathered + chunk.byteLength > batch.length && gathered > 0) {
          await writeAll(batch.subarray(0, gathered));
          gathered = 0;
        }
        if (chunk.byteLength > batch.length) await writeAll(chunk);
        else {
          batch.set(chunk, gathered);
          gathered += chunk.byteLength;
        }
      }
      if (gathered > 0) await writeAll(batch.subarray(0, gathered));
      if (this.#fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    return { bytes, crc32: crc >>> 0 };
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

}

