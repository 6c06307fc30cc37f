import { crc32 } from 'node:zlib';
import { CheckpointError } from './CheckpointError';
import { optionKeys } from '@weir/state';
import { checkCheckpointOptionKeys } from './checkCheckpointOptionKeys';
import { hex32 } from '@weir/state';
import type { CheckpointData, CheckpointInfo, CheckpointStorage, CheckpointToSave, SourceCheckpoint } from './CheckpointStorage';
import { checkCheckpointData, checkId, checkRetain } from './checkCheckpointData';
import { encodedChunks } from './encodedChunks';
import type { Json } from './Json';

/** Options of {@link MemoryCheckpointStorage}. */
export interface MemoryCheckpointStorageOptions {
  /** How many checkpoints to keep (the newest by id); default 3, at least 1. */
  readonly retain?: number;
}

const KEYS = optionKeys<MemoryCheckpointStorageOptions>({ retain: true });

interface StoredStore {
  readonly name: string;
  /** The store's bytes as they arrived, chunk by chunk (copies): never joined while saving. */
  readonly chunks: Uint8Array[];
  readonly byteLength: number;
  readonly crc32: number;
}

interface Stored {
  readonly id: number;
  readonly time: number;
  readonly sources: Record<string, SourceCheckpoint>;
  readonly sinks: Record<string, Json>;
  readonly stores: StoredStore[];
  /** Set by {@link MemoryCheckpointStorage.corrupt} when there is no store byte to flip. */
  damaged: boolean;
}

/**
 * Checkpoints in memory, for tests: the semantics of {@link FileCheckpointStorage} (the newest
 * `retain` kept, {@link list} newest first and checked, the same argument checks, a save of a
 * stored id replaces it, a save its own pruning would delete at once is refused) without a file
 * system. Everything is copied on the way in and out, so mutating a saved or loaded checkpoint
 * changes nothing stored. Offsets and sink states go through JSON, as in a manifest.
 *
 * Test hooks simulate failures: {@link corrupt} damages a stored checkpoint, {@link failNextSave}
 * makes the next save fail as a crash during the write would.
 *
 * @example
 * ```ts
 * const storage = new MemoryCheckpointStorage({ retain: 2 });
 * // ... run a job until checkpoints 1-4 are saved; 3 and 4 are kept
 * storage.corrupt(4);
 * (await loadLatestCheckpoint(storage))?.id; // 3
 * ```
 */
export class MemoryCheckpointStorage implements CheckpointStorage {
  /**
   * Each chunk is copied as it arrives (the coordinator may encode the next one into the same
   * buffer): a save costs the job's thread one chunk's copy and checksum at a time, never the
   * whole store in one turn.
   */
  readonly copiesChunks: boolean = true;
  readonly #retain: number;
  readonly #checkpoints = new Map<number, Stored>();
  #failNext: { readonly error: unknown } | undefined;

  /** @param options - see {@link MemoryCheckpointStorageOptions} */
  constructor(options: MemoryCheckpointStorageOptions = {}) {
    checkCheckpointOptionKeys('MemoryCheckpointStorage', options, KEYS);
    this.#retain = checkRetain('MemoryCheckpointStorage', options.retain);
  }

  describe(): string {
    return 'checkpoints in memory';
  }

  /**
   * Stores a copy of `checkpoint`, then prunes. Rejects like {@link FileCheckpointStorage.save}
   * (`INVALID_ARGUMENT`, `STATE`), and with the error given to {@link failNextSave} once.
   */
  async save(checkpoint: CheckpointToSave): Promise<void> {
    checkCheckpointData('MemoryCheckpointStorage.save', checkpoint);
    const { id } = checkpoint;
    if (this.#failNext) {
      const { error } = this.#failNext;
      this.#failNext = undefined;
      throw error;
    }
    const stores: StoredStore[] = [];
    for (const [name, encoded] of Object.entries(checkpoint.stores)) {
      // Chunk by chunk, as a file is written: joining a store, then copying and checksumming it
      // whole, made two 53 MB arrays per checkpoint at 1M keys, whose collection cost the record
      // path gaps of 27-32 ms (docs/performance.md, `--storage memory`).
      const chunks: Uint8Array[] = [];
      let byteLength = 0;
      let crc = 0;
      for await (const chunk of encodedChunks(encoded)) {
        const copy = new Uint8Array(chunk);
        crc = crc32(copy, crc);
        chunks.push(copy);
        byteLength += copy.byteLength;
      }
      stores.push({ name, chunks, byteLength, crc32: crc >>> 0 });
    }
    const newer = [...this.#checkpoints.keys()].filter((x) => x > id).sort((a, b) => a - b);
    if (newer.length >= this.#retain) {
      throw new CheckpointError(
        'STATE',
        `cannot save checkpoint ${id} in memory: it would be pruned at once, since ${newer.length} newer checkpoint(s) exist ` +
          `(${newer.join(', ')}) and retain is ${this.#retain}; checkpoint ids must increase across restarts`,
      );
    }
    this.#checkpoints.set(id, {
      id,
      time: checkpoint.time,
      sources: copySources(checkpoint.sources),
      sinks: copyJson(checkpoint.sinks) as Record<string, Json>,
      stores,
      damaged: false,
    });
    const ids = [...this.#checkpoints.keys()].sort((a, b) => b - a);
    for (const old of ids.slice(this.#retain)) this.#checkpoints.delete(old);
  }

  /** Every stored checkpoint, newest first, each checked (see {@link FileCheckpointStorage.list}). */
  async list(): Promise<CheckpointInfo[]> {
    return [...this.#checkpoints.values()]
      .sort((a, b) => b.id - a.id)
      .map((c) => {
        const reason = problemOf(c);
        const stores = c.stores.map((s) => ({ name: s.name, bytes: s.byteLength, crc32: s.crc32 }));
        return {
          id: c.id,
          time: c.time,
          bytes: stores.reduce((sum, s) => sum + s.bytes, 0),
          stores,
          sources: copySources(c.sources),
          valid: reason === undefined,
          ...(reason === undefined ? {} : { reason }),
        };
      });
  }

  /** A copy of checkpoint `id`; rejects with `NO_CHECKPOINT` or `CORRUPT_CHECKPOINT`. */
  async load(id: number): Promise<CheckpointData> {
    checkId('MemoryCheckpointStorage.load', id);
    const c = this.#checkpoints.get(id);
    if (!c) throw new CheckpointError('NO_CHECKPOINT', `no checkpoint ${id} in memory`);
    const reason = problemOf(c);
    if (reason !== undefined) throw new CheckpointError('CORRUPT_CHECKPOINT', `checkpoint ${id} (in memory) is corrupt: ${reason}`);
    return {
      id,
      time: c.time,
      sources: copySources(c.sources),
      sinks: copyJson(c.sinks) as Record<string, Json>,
      stores: Object.fromEntries(c.stores.map((s) => [s.name, joined(s)])),
      origin: { checkpoint: `checkpoint ${id} in memory`, stores: Object.fromEntries(c.stores.map((s) => [s.name, `checkpoint ${id} in memory, store ${JSON.stringify(s.name)}`])) },
    };
  }

  /**
   * Test hook: damages checkpoint `id` so that {@link load} rejects with `CORRUPT_CHECKPOINT` and
   * {@link list} reports it invalid. Flips a byte of its first non-empty store (or, without one,
   * marks its manifest damaged). Throws `NO_CHECKPOINT` if it is not stored.
   */
  corrupt(id: number): void {
    const c = this.#checkpoints.get(id);
    if (!c) throw new CheckpointError('NO_CHECKPOINT', `corrupt(${id}): no checkpoint ${id} in memory`);
    const store = c.stores.find((s) => s.byteLength > 0);
    if (store) {
      // the byte in the middle of the store
      let i = store.byteLength >> 1;
      for (const chunk of store.chunks) {
        if (i < chunk.byteLength) {
          chunk[i] = (chunk[i] ?? 0) ^ 0xff;
          break;
        }
        i -= chunk.byteLength;
      }
    } else {
      c.damaged = true;
    }
  }

  /**
   * Test hook: the next {@link save} rejects with `error` (default: a `CheckpointError` `IO`)
   * and stores nothing, as a crash during a checkpoint write would. Saves after it work again.
   */
  failNextSave(error?: unknown): void {
    this.#failNext = {
      error: error ?? new CheckpointError('IO', 'simulated failure of a checkpoint write (MemoryCheckpointStorage.failNextSave)'),
    };
  }
}

function problemOf(c: Stored): string | undefined {
  if (c.damaged) return 'manifest: damaged (MemoryCheckpointStorage.corrupt)';
  for (const s of c.stores) {
    let actual = 0;
    for (const chunk of s.chunks) actual = crc32(chunk, actual);
    actual >>>= 0;
    if (actual !== s.crc32) return `store ${JSON.stringify(s.name)}: checksum mismatch: crc32 ${hex32(actual)}, saved ${hex32(s.crc32)}`;
  }
  return undefined;
}

/** A store's bytes in one new array (a load: restore reads them whole). */
function joined(s: StoredStore): Uint8Array {
  const out = new Uint8Array(s.byteLength);
  let at = 0;
  for (const chunk of s.chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

function copyJson(v: Json | Readonly<Record<string, Json>>): Json {
  return JSON.parse(JSON.stringify(v)) as Json;
}

function copySources(sources: Readonly<Record<string, SourceCheckpoint>>): Record<string, SourceCheckpoint> {
  return Object.fromEntries(
    Object.entries(sources).map(([name, s]) => {
      const copy: SourceCheckpoint = { offset: copyJson(s.offset), maxTimestamp: s.maxTimestamp, watermark: s.watermark, sinceWatermark: s.sinceWatermark };
      if (s.partitions === undefined) return [name, copy];
      const partitions = Object.fromEntries(Object.entries(s.partitions).map(([p, ps]) => [p, { maxTimestamp: ps.maxTimestamp, watermark: ps.watermark, idle: ps.idle }]));
      return [name, { ...copy, partitions }];
    }),
  );
}
