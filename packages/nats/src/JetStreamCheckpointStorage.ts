import { randomBytes } from 'node:crypto';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  CheckpointError,
  checkCheckpointData,
  checkId,
  checkpointDirName,
  checkRetain,
  encodeManifest,
  type CheckpointData,
  type CheckpointInfo,
  type CheckpointStorage,
  type CheckpointToSave,
  type ManifestStore,
} from '@weir/checkpoint';
import { describeValue, messageOf, optionKeys } from '@weir/state';
import { checkNatsOptionKeys } from './checkNatsOptionKeys';
import { checksummedChunkStream } from './checksummedChunkStream';
import { decodeCheckpointPointer, encodeCheckpointPointer, objectNames, type CheckpointPointer, type PointedCheckpoint } from './checkpointPointer';
import { NatsError } from './NatsError';
import { openCheckpointBuckets, type CheckpointBuckets } from './openCheckpointBuckets';
import { readCheckpointObjects, type ObjectsReadContext, type ObjectsReadResult } from './readCheckpointObjects';

/** Options of {@link JetStreamCheckpointStorage}. */
export interface JetStreamCheckpointStorageOptions {
  /** The connection to use (for example from `connectNats`); the storage never closes it. */
  readonly connection: NatsConnection;
  /**
   * The name of the object store holding the checkpoints and of the KV bucket holding the
   * pointer (JetStream streams `OBJ_<bucket>` and `KV_<bucket>`); one per job (or per worker).
   * Letters, digits, `-` and `_`. Default `'weir-checkpoints'`.
   */
  readonly bucket?: string;
  /** How many checkpoints to keep (the newest by id); default 3, at least 1. */
  readonly retain?: number;
  /** Create the object store and KV bucket when missing; default `true`. With `false` a missing one is `MISSING_STREAM`. */
  readonly create?: boolean;
  /** Replicas of the object store and KV bucket when this storage creates them (a cluster's R); default 1. */
  readonly replicas?: number;
  /**
   * How long one JetStream request (a chunk publish, the pointer update, a lookup) may take, and
   * the longest wait for the next chunk of an object being read, ms; default 5,000.
   */
  readonly timeoutMs?: number;
  /** Receives what the storage does unasked: old checkpoints it could not delete, a checkpoint replaced. */
  readonly log?: (message: string) => void;
}

const KEYS = optionKeys<JetStreamCheckpointStorageOptions>({
  connection: true,
  bucket: true,
  retain: true,
  create: true,
  replicas: true,
  timeoutMs: true,
  log: true,
});

const BUCKET_NAME = /^[A-Za-z0-9_-]+$/;
/** The KV key of the pointer. */
const POINTER_KEY = 'latest';

/** The pointer as one revision of the KV entry (revision 0: no pointer yet). */
interface PointerAt {
  readonly revision: number;
  readonly pointer: CheckpointPointer | undefined;
}

/**
 * Checkpoints in the NATS JetStream object store, so that a job restarted on another machine finds
 * its state (docs/architecture.md §4 and §7): each checkpoint is a set of objects, and one KV
 * entry, the pointer, says which checkpoints exist, the latest first. The pointer only moves by
 * compare-and-set, so a stale writer (another instance of the job took over) is refused and its
 * checkpoint never becomes the latest.
 *
 * **Layout.** Object store `bucket` holds, per checkpoint, `chk-<id, 12 digits>-<random>/manifest.json`
 * and one object per store, `.../store-<i>.state` (the encoded snapshot as given): the manifest
 * and store files of {@link FileCheckpointStorage}, with the same checksummed manifest (format,
 * id, time, sources, sinks, each store's name, size and CRC-32, and the manifest's own CRC-32).
 * The random part makes every save's objects new: a save never overwrites an object another
 * checkpoint uses. KV bucket `bucket`, key `latest`, holds the pointer: JSON
 * `{ format: 'weir-checkpoint-pointer', version: 1, writer, checkpoints: [{ id, prefix, stores }] }`,
 * newest first, at most `retain` of them.
 *
 * **Saving.** {@link save} streams every store to its object chunk by chunk as the chunks come
 * (never joined into one buffer; each chunk publish is acknowledged once JetStream has written it
 * to its file store on `replicas` servers; nats-server syncs those files to disk on its own
 * interval, so a killed server loses nothing, and a lost machine is covered by replicas),
 * computing its CRC-32 on the way, then writes the
 * manifest, then moves the pointer with a KV update that expects the revision this instance last
 * saw. Only then is the checkpoint part of the storage; then the objects of checkpoints past the
 * newest `retain` (and of a replaced checkpoint of the same id) are deleted. A save rejects when
 * any step is not acknowledged (`NatsError` `PUBLISH`): either its checkpoint did not become the
 * latest, or, when only the pointer update's answer was lost, it may have; the next save of the
 * same instance recognises its own pointer then and goes on from it. A save never resolves
 * unless the pointer names its checkpoint. Saves of one instance run one at a time, in call order.
 *
 * **Fencing.** The revision an instance expects is the one its first {@link list} (the
 * coordinator lists when a job starts, before it restores) or, without one, its first save read,
 * and after that the one its own last save wrote. When the pointer has moved on since (another
 * instance saved), the save rejects with `NatsError` `FENCED` and deletes the objects it wrote:
 * checkpoints follow one another in one line, each written by the instance that saw the one
 * before. Of two instances running at once, the first to save wins and the other is fenced.
 *
 * **Checking.** {@link list} and {@link load} check every checkpoint they read: its manifest
 * (format, version, checksum, id), and every store object: present, with all its chunks in the
 * stream, with the manifest's size and CRC-32 (the object store's own SHA-256 is not needed). A
 * damaged checkpoint is `valid: false` in {@link list} and `CheckpointError`
 * `CORRUPT_CHECKPOINT` from {@link load}, so the coordinator falls back to the one before.
 *
 * **Errors.** `CheckpointError` for what the storage contract names (`INVALID_ARGUMENT` for a
 * malformed checkpoint or id, `STATE` for an id its own pruning would delete at once,
 * `NO_CHECKPOINT`, `CORRUPT_CHECKPOINT`); `NatsError` for the server: `FENCED`, `PUBLISH` (a save
 * not acknowledged), `READ` (a lookup or read not answered), `MISSING_STREAM` (with
 * `create: false`), `CORRUPT_CHECKPOINT` (the pointer itself is not one: nothing can be trusted,
 * so this is not skipped), and `INVALID_ARGUMENT` for bad options.
 *
 * Cost: a save publishes `ceil(bytes / 128 KiB)` acknowledged chunks per store plus two
 * messages per store and manifest object, one KV update, then about three requests per object
 * deleted; {@link list} reads every byte of every kept checkpoint once (as `FileCheckpointStorage`
 * does) and {@link load} one checkpoint's, holding one store at a time whole (the loaded form).
 *
 * @example
 * ```ts
 * const connection = await connectNats({ servers: 'nats://127.0.0.1:4222' });
 * const storage = new JetStreamCheckpointStorage({ connection, bucket: 'clicks-job', retain: 3 });
 * const coordinator = new CheckpointCoordinator({ storage, ... });
 * ```
 */
export class JetStreamCheckpointStorage implements CheckpointStorage {
  readonly #nc: NatsConnection;
  readonly #bucket: string;
  readonly #retain: number;
  readonly #create: boolean;
  readonly #replicas: number;
  readonly #timeoutMs: number;
  readonly #log: (message: string) => void;
  /** This instance's nonce, written into every pointer it writes. */
  readonly #writer = randomBytes(8).toString('hex');
  #buckets: Promise<CheckpointBuckets> | undefined;
  /** The pointer as this instance last saw it; `undefined` until its first list or save. */
  #seen: PointerAt | undefined;
  /** Prefixes of checkpoints whose pointer update was not acknowledged (maybe pointed at, maybe orphans). */
  readonly #unacknowledged = new Set<string>();
  #tail: Promise<void> = Promise.resolve();

  /** @param options - see {@link JetStreamCheckpointStorageOptions}; `connection` is required */
  constructor(options: JetStreamCheckpointStorageOptions) {
    const bad = (message: string, value: unknown): NatsError =>
      new NatsError('INVALID_ARGUMENT', `JetStreamCheckpointStorage: ${message}, got ${describeValue(value)}`);
    if (typeof options !== 'object' || options === null) throw bad('options must be an object with a `connection`', options);
    checkNatsOptionKeys('JetStreamCheckpointStorage', options, KEYS);
    const nc = options.connection as unknown;
    if (typeof nc !== 'object' || nc === null || typeof (nc as NatsConnection).request !== 'function') {
      throw bad('option `connection` must be a NatsConnection (from connectNats)', nc);
    }
    const bucket = options.bucket ?? 'weir-checkpoints';
    if (typeof bucket !== 'string' || !BUCKET_NAME.test(bucket)) throw bad('option `bucket` must be a non-empty name of letters, digits, `-` and `_`', bucket);
    if (options.create !== undefined && typeof options.create !== 'boolean') throw bad('option `create` must be a boolean', options.create);
    const int = (name: 'replicas' | 'timeoutMs', min: number, max: number, fallback: number): number => {
      const v = options[name];
      if (v === undefined) return fallback;
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw bad(`option \`${name}\` must be an integer from ${min} to ${max}`, v);
      return v;
    };
    if (options.log !== undefined && typeof options.log !== 'function') throw bad('option `log` must be a function', options.log);
    try {
      this.#retain = checkRetain('JetStreamCheckpointStorage', options.retain);
    } catch (err) {
      throw new NatsError('INVALID_ARGUMENT', messageOf(err), { cause: err });
    }
    this.#nc = nc as NatsConnection;
    this.#bucket = bucket;
    this.#create = options.create ?? true;
    this.#replicas = int('replicas', 1, 5, 1);
    this.#timeoutMs = int('timeoutMs', 1, 3_600_000, 5_000);
    this.#log = options.log ?? (() => {});
  }

  describe(): string {
    return `checkpoints in JetStream object store '${this.#bucket}' (pointer in KV bucket '${this.#bucket}')`;
  }

  /**
   * Persists `checkpoint` and makes it the latest, then prunes (see the class description).
   * Rejects with `CheckpointError` `INVALID_ARGUMENT` (a malformed checkpoint) or `STATE` (an id
   * its own pruning would delete at once), `NatsError` `FENCED` (the pointer moved on: another
   * instance took over; nothing of this checkpoint is kept), `PUBLISH` (not acknowledged; also
   * when a store's chunk iterator throws) or `MISSING_STREAM`. A failure to delete old objects
   * is only logged: the checkpoint is saved.
   */
  save(checkpoint: CheckpointToSave): Promise<void> {
    try {
      checkCheckpointData('JetStreamCheckpointStorage.save', checkpoint);
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
   * The checkpoints the pointer names, newest first, each checked by reading all its objects
   * once. A damaged one has `valid: false` and a `reason` naming the object (`"store-0.state:
   * checksum mismatch ..."`); when its manifest is unreadable its `time` is `NaN` and `stores` and
   * `sources` are empty. No pointer yet: `[]`. The first list of an instance also fixes the
   * pointer revision its saves expect (see Fencing in the class description).
   */
  async list(): Promise<CheckpointInfo[]> {
    const b = await this.#open();
    const at = await this.#readPointer(b);
    if (this.#seen === undefined) this.#seen = at;
    const out: CheckpointInfo[] = [];
    let current: PointerAt | undefined;
    for (const c of at.pointer?.checkpoints ?? []) {
      const r = await readCheckpointObjects(this.#readContext(b), c, false);
      if (r.kind === 'missing') {
        current ??= await this.#readPointer(b);
        if (!listsPrefix(current, c.prefix)) continue; // pruned by a newer save while we listed
      }
      const m = r.manifest;
      const stores = m ? m.stores.map((s) => ({ name: s.name, bytes: s.bytes, crc32: s.crc32 })) : [];
      out.push({
        id: c.id,
        time: m ? m.time : NaN,
        bytes: stores.reduce((sum, s) => sum + s.bytes, 0),
        stores,
        sources: m ? m.sources : {},
        valid: r.kind === 'ok',
        ...(r.kind === 'ok' ? {} : { reason: r.reason }),
      });
    }
    return out;
  }

  /**
   * Reads and checks checkpoint `id`. Rejects with `CheckpointError` `NO_CHECKPOINT` when the
   * pointer does not name it, `CORRUPT_CHECKPOINT` (naming the object) when it is damaged or
   * incomplete, and `NatsError` `READ` when the server does not answer. `origin` names the objects
   * as `<bucket>/<object name>`.
   */
  async load(id: number): Promise<CheckpointData> {
    checkId('JetStreamCheckpointStorage.load', id);
    const b = await this.#open();
    const at = await this.#readPointer(b);
    const c = at.pointer?.checkpoints.find((x) => x.id === id);
    if (c === undefined) throw new CheckpointError('NO_CHECKPOINT', `no checkpoint ${id} in ${this.describe()}`);
    const r: ObjectsReadResult = await readCheckpointObjects(this.#readContext(b), c, true);
    if (r.kind === 'missing' && !listsPrefix(await this.#readPointer(b), c.prefix)) {
      throw new CheckpointError('NO_CHECKPOINT', `no checkpoint ${id} in ${this.describe()} (pruned while it was read)`);
    }
    const where = `${this.#bucket}/${c.prefix}/`;
    if (r.kind !== 'ok') throw new CheckpointError('CORRUPT_CHECKPOINT', `checkpoint ${id} (${where}) is corrupt: ${r.reason}`);
    const { manifest, data } = r;
    return {
      id,
      time: manifest.time,
      sources: manifest.sources,
      sinks: manifest.sinks,
      stores: Object.fromEntries(manifest.stores.map((s, i) => [s.name, data[i] ?? new Uint8Array(0)])),
      origin: { checkpoint: where, stores: Object.fromEntries(manifest.stores.map((s) => [s.name, `${where}${s.file}`])) },
    };
  }

  #readContext(b: CheckpointBuckets): ObjectsReadContext {
    return { js: b.js, os: b.os, jsm: b.jsm, bucket: this.#bucket, timeoutMs: this.#timeoutMs };
  }

  /** Opens (or creates) the object store and KV bucket once; a failure is retried by the next call. */
  #open(): Promise<CheckpointBuckets> {
    if (this.#buckets === undefined) {
      const opening = openCheckpointBuckets(this.#nc, this.#bucket, { create: this.#create, replicas: this.#replicas, timeoutMs: this.#timeoutMs });
      this.#buckets = opening;
      opening.catch(() => {
        if (this.#buckets === opening) this.#buckets = undefined;
      });
    }
    return this.#buckets;
  }

  /** The pointer now; rejects with `READ` when not answered, `CORRUPT_CHECKPOINT` when it is not a pointer. */
  async #readPointer(b: CheckpointBuckets): Promise<PointerAt> {
    let entry;
    try {
      entry = await b.kv.get(POINTER_KEY);
    } catch (err) {
      throw new NatsError('READ', `JetStreamCheckpointStorage: cannot read the checkpoint pointer (KV bucket '${this.#bucket}', key '${POINTER_KEY}'): ${messageOf(err)}`, { cause: err });
    }
    if (entry === null) return { revision: 0, pointer: undefined };
    if (entry.operation !== 'PUT') return { revision: entry.revision, pointer: undefined };
    const pointer = decodeCheckpointPointer(entry.value);
    if (typeof pointer === 'string') {
      throw new NatsError(
        'CORRUPT_CHECKPOINT',
        `JetStreamCheckpointStorage: the checkpoint pointer (KV bucket '${this.#bucket}', key '${POINTER_KEY}', revision ${entry.revision}) is damaged: ${pointer}; ` +
          'which checkpoints exist cannot be known',
      );
    }
    return { revision: entry.revision, pointer };
  }

  async #write(checkpoint: CheckpointToSave): Promise<void> {
    const { id } = checkpoint;
    const what = `cannot save checkpoint ${id} in object store '${this.#bucket}'`;
    const b = await this.#open();
    this.#seen ??= await this.#readPointer(b);
    checkNotPrunedAtOnce(what, id, this.#seen, this.#retain);

    const prefix = `${checkpointDirName(id)}-${randomBytes(6).toString('hex')}`;
    const written: string[] = [];
    const stores: ManifestStore[] = [];
    try {
      for (const [name, encoded] of Object.entries(checkpoint.stores)) {
        const file = `store-${stores.length}.state`;
        const sum = { bytes: 0, crc32: 0 };
        written.push(`${prefix}/${file}`);
        await b.os.put({ name: `${prefix}/${file}` }, checksummedChunkStream(encoded, sum), { timeout: this.#timeoutMs });
        stores.push({ name, file, bytes: sum.bytes, crc32: sum.crc32 >>> 0 });
      }
      written.push(`${prefix}/manifest.json`);
      await b.os.put({ name: `${prefix}/manifest.json` }, checksummedChunkStream(encodeManifest(checkpoint, stores), { bytes: 0, crc32: 0 }), { timeout: this.#timeoutMs });
    } catch (err) {
      await this.#deleteObjects(b, written, `the objects of unsaved checkpoint ${id}`);
      throw new NatsError('PUBLISH', `JetStreamCheckpointStorage: ${what}: writing its objects failed: ${messageOf(err)}`, { cause: err });
    }

    const saved: PointedCheckpoint = { id, prefix, stores: stores.length };
    for (let attempt = 0; ; attempt++) {
      const seen = this.#seen;
      try {
        checkNotPrunedAtOnce(what, id, seen, this.#retain); // again, after going on from a pointer of its own
      } catch (err) {
        await this.#deleteObjects(b, written, `the objects of refused checkpoint ${id}`);
        throw err;
      }
      const previous = seen.pointer?.checkpoints ?? [];
      const all = [saved, ...previous.filter((c) => c.id !== id)].sort((x, y) => y.id - x.id);
      const kept = all.slice(0, this.#retain);
      const dropped = all.slice(this.#retain);
      const replaced = previous.find((c) => c.id === id);
      if (replaced !== undefined) dropped.push(replaced);
      const pointer: CheckpointPointer = { writer: this.#writer, checkpoints: kept };
      let revision: number;
      try {
        revision = await b.kv.put(POINTER_KEY, encodeCheckpointPointer(pointer), { previousSeq: seen.revision, timeout: this.#timeoutMs });
      } catch (err) {
        if (!isWrongLastSequence(err)) {
          // The update may have been applied and its answer lost: keep the objects, and let the
          // next save recognise this instance's own pointer.
          this.#unacknowledged.add(prefix);
          throw new NatsError(
            'PUBLISH',
            `JetStreamCheckpointStorage: ${what}: the pointer update (KV bucket '${this.#bucket}') was not acknowledged, so checkpoint ${id} may or may not be the latest: ${messageOf(err)}`,
            { cause: err },
          );
        }
        const now = await this.#readPointer(b);
        if (attempt === 0 && now.pointer?.writer === this.#writer) {
          // The pointer moved because an earlier save of this instance was applied after all.
          this.#seen = now;
          continue;
        }
        await this.#deleteObjects(b, written, `the objects of refused checkpoint ${id}`);
        const latest = now.pointer?.checkpoints[0];
        throw new NatsError(
          'FENCED',
          `JetStreamCheckpointStorage: ${what}: the checkpoint pointer (KV bucket '${this.#bucket}') moved on from revision ${seen.revision} ` +
            `to ${now.revision}${latest === undefined ? '' : ` (latest checkpoint ${latest.id})`} since this instance last saw it: ` +
            'another instance of the job took over, and this one must stop writing',
          { cause: err },
        );
      }
      this.#seen = { revision, pointer };
      if (replaced !== undefined) this.#log(`replaced checkpoint ${id} in ${this.describe()}`);
      const keptPrefixes = new Set(kept.map((c) => c.prefix));
      const orphans = [...this.#unacknowledged].filter((p) => !keptPrefixes.has(p));
      this.#unacknowledged.clear();
      await this.#deleteObjects(b, dropped.flatMap(objectNames), 'old checkpoints');
      for (const p of orphans) await this.#deleteByPrefix(b, p);
      return;
    }
  }

  /**
   * Deletes objects, logging (not throwing) a failure; stops at the first one (the server is
   * unreachable then, and every other delete would wait for its timeout too).
   */
  async #deleteObjects(b: CheckpointBuckets, names: readonly string[], what: string): Promise<void> {
    for (const [i, name] of names.entries()) {
      try {
        await b.os.delete(name);
      } catch (err) {
        this.#log(`could not delete ${what} from object store '${this.#bucket}' (${names.slice(i).join(', ')}): ${messageOf(err)}`);
        return;
      }
    }
  }

  /** Deletes every object under `prefix/` (a checkpoint whose pointer update went unanswered and did not land). */
  async #deleteByPrefix(b: CheckpointBuckets, prefix: string): Promise<void> {
    try {
      const names = (await b.os.list()).map((i) => i.name).filter((n) => n.startsWith(`${prefix}/`));
      await this.#deleteObjects(b, names, 'an unacknowledged checkpoint');
    } catch (err) {
      this.#log(`could not list object store '${this.#bucket}' to delete unacknowledged checkpoint ${prefix}: ${messageOf(err)}`);
    }
  }
}

/** Refuses (`STATE`) a save of `id` that pruning to `retain` would delete at once. */
function checkNotPrunedAtOnce(what: string, id: number, seen: PointerAt, retain: number): void {
  const newer = (seen.pointer?.checkpoints ?? []).map((c) => c.id).filter((x) => x > id).sort((x, y) => x - y);
  if (newer.length >= retain) {
    throw new CheckpointError(
      'STATE',
      `${what}: it would be pruned at once, since ${newer.length} newer checkpoint(s) exist (${newer.join(', ')}) ` +
        `and retain is ${retain}; checkpoint ids must increase across restarts`,
    );
  }
}

function listsPrefix(at: PointerAt, prefix: string): boolean {
  return at.pointer?.checkpoints.some((c) => c.prefix === prefix) ?? false;
}

function isWrongLastSequence(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}
