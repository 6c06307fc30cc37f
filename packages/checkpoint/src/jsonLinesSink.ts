import { randomBytes } from 'node:crypto';
import { parsePartSinkState } from './partSinkState';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from './CheckpointError';
import { checkPreCommitId } from './checkPreCommitId';
import { fsyncDirectory } from './fsyncDirectory';
import { describeValue, messageOf, optionKeys } from '@weir/state';
import { checkCheckpointOptionKeys } from './checkCheckpointOptionKeys';
import { lineFormatOptions } from './lineFormatOptions';
import type { Json } from './Json';
import { JsonRowEncoder } from './JsonRowEncoder';
import { LineChunks } from './LineChunks';
import type { Sink, SinkWriter } from './Sink';

/** Options of {@link jsonLinesSink}. */
export interface JsonLinesSinkOptions<T> {
  /**
   * Turns a value into one line (without a line ending); default `JSON.stringify`. It must return
   * a string without `\n`: anything else throws a `CheckpointError` `SINK` from `write`.
   */
  readonly serialize?: (value: T) => string;
  /**
   * Whether `preCommit`, `commit` and recovery fsync the files and the directory (default
   * `true`). Without it, output survives a crash of the process but not of the machine.
   */
  readonly fsync?: boolean;
  /**
   * The fields of every value, for rows of a known shape: each line is then
   * `JSON.stringify(value, fields)` (these fields, in this order), written straight into the
   * output buffer with no string built per line when the fields hold printable ASCII strings,
   * safe integers, booleans or `null` (anything else still comes out exactly as
   * `JSON.stringify` writes it). Distinct strings; not with `serialize`.
   */
  readonly fields?: readonly string[];
}

const KEYS = optionKeys<JsonLinesSinkOptions<unknown>>({ serialize: true, fsync: true, fields: true });

const PENDING = /^part-(\d+)\.pending$/;
const COMMITTED = /^part-(\d+)\.jsonl$/;
const IN_PROGRESS = /^\.part-.*\.inprogress$/;

/** The file name of checkpoint `id`'s part: `part-000000000042.jsonl` (or `.pending`). */
function partName(id: number, ext: 'pending' | 'jsonl'): string {
  return `part-${String(id).padStart(12, '0')}.${ext}`;
}

/**
 * A {@link Sink} that writes JSON Lines files with two-phase commit (like Flink's `FileSink`):
 * output becomes visible, as `dir/part-<checkpoint id>.jsonl`, only once the checkpoint that
 * covers it is persisted, so a job that crashes and resumes shows every value exactly once.
 *
 * **Files.** Values written since the last barrier are buffered in memory and appended in large
 * writes to `dir/.part-<attempt>.inprogress`. `preCommit(n)` writes the rest, fsyncs and
 * renames it to `dir/part-<n, 12 digits>.pending` (no file for a checkpoint with no output);
 * `commit(n)` renames every pending part up to `n` to `.jsonl`. Visible output is every
 * `part-*.jsonl` in id order ({@link readCommittedLines}); a reader that lists the directory
 * never sees a partial part.
 *
 * **State** (what `preCommit(n)` returns, stored in checkpoint `n`): `{ upTo: n, pending: [ids] }`,
 * the parts pre-committed up to `n` and not yet committed.
 *
 * **Recovery** (`open`). The sink owns `dir` (created if missing; one sink per directory; other
 * files are left alone). Resuming from a checkpoint's state: every part it lists is committed
 * (if it is not already), every other `.pending` and `.inprogress` file is deleted, and so is
 * every committed part with an id above `upTo` (committed by a newer checkpoint that was since
 * found corrupt; the replay writes it again, identically). Starting fresh (`undefined`): every
 * part and in-progress file in `dir` is deleted: the output of an earlier run is discarded.
 *
 * **Cost.** `write` serializes and encodes the line as UTF-8 into a reusable 1 MiB chunk
 * (O(line), no object kept per line); every full chunk is appended asynchronously off the
 * record path. `preCommit` costs a write, an fsync and two renames;
 * `commit` a rename per part and a directory fsync. Checkpoint ids must increase.
 *
 * **Errors** are `CheckpointError`s: `SINK` naming the path for a file-system failure (the
 * writer then fails every later call: the buffered output is lost with it), a `serialize` that
 * throws or returns a bad line, or a restored state whose parts are missing; `STATE` for
 * checkpoint ids out of order.
 *
 * @param dir - the output directory
 * @param options - see {@link JsonLinesSinkOptions}
 *
 * @example
 * ```ts
 * const sink = jsonLinesSink<WindowResult>('out/clicks-per-minute');
 * // ... the coordinator opens, writes, pre-commits and commits it; then:
 * const lines = await readCommittedLines('out/clicks-per-minute'); // every committed line
 * // rows of a known shape: each line written straight into the buffer, the bytes JSON.stringify gives
 * const views = jsonLinesSink<{ page: string; start: number; views: number }>('out/views', { fields: ['page', 'start', 'views'] });
 * ```
 */
export function jsonLinesSink<T>(dir: string, options: JsonLinesSinkOptions<T> = {}): Sink<T> {
  const kind = 'jsonLinesSink';
  if (typeof dir !== 'string' || dir === '') {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind}: expected a directory path, got ${describeValue(dir)}`);
  }
  if (options === null || typeof options !== 'object') {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind} (${dir}): expected options { serialize?, fsync?, fields? }, got ${describeValue(options)}`);
  }
  checkCheckpointOptionKeys(kind, options, KEYS);
  const { serialize, fields, fsync } = lineFormatOptions(kind, dir, options);
  const where = `${kind} (${dir})`;
  const fsErr = (op: string, path: string, err: unknown): CheckpointError => {
    if (err instanceof CheckpointError) return err;
    const code = (err as { code?: unknown } | null)?.code;
    const message = messageOf(err);
    const suffix = typeof code === 'string' && !message.includes(code) ? ` (${code})` : '';
    return new CheckpointError('SINK', `${where}: cannot ${op} ${path}: ${message}${suffix}`, { cause: err });
  };

  async function syncDir(): Promise<void> {
    if (!fsync) return;
    try {
      await fsyncDirectory(dir);
    } catch (err) {
      throw fsErr('fsync', dir, err);
    }
  }

  /** Renames part `id` from pending to committed; fine if it already is. */
  async function commitPart(id: number): Promise<void> {
    const from = join(dir, partName(id, 'pending'));
    const to = join(dir, partName(id, 'jsonl'));
    try {
      await fs.rename(from, to);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT' && (await exists(to))) return;
      throw fsErr('commit', from, err);
    }
  }

  async function remove(name: string): Promise<void> {
    const path = join(dir, name);
    try {
      await fs.rm(path, { force: true });
    } catch (err) {
      throw fsErr('delete', path, err);
    }
  }

  async function recover(restored: Json | undefined): Promise<{ upTo: number }> {
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (err) {
      throw fsErr('create', dir, err);
    }
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (err) {
      throw fsErr('list', dir, err);
    }
    if (restored === undefined) {
      for (const name of names) if (PENDING.test(name) || COMMITTED.test(name) || IN_PROGRESS.test(name)) await remove(name);
      await syncDir();
      return { upTo: -1 };
    }
    const state = parsePartSinkState(restored);
    if (state === undefined) {
      throw new CheckpointError('SINK', `${where}: cannot recover from ${describeValue(restored)}: expected { upTo, pending: [ids] } as returned by preCommit`);
    }
    const listed = new Set(state.pending);
    const present = new Set(names);
    for (const id of state.pending) {
      if (!present.has(partName(id, 'pending')) && !present.has(partName(id, 'jsonl'))) {
        throw new CheckpointError(
          'SINK',
          `${where}: cannot recover checkpoint ${state.upTo}: its part ${join(dir, partName(id, 'pending'))} is missing (was the output directory changed?)`,
        );
      }
    }
    // Commit first, then delete: a crash during recovery leaves a state the same recovery finishes.
    for (const id of state.pending) if (present.has(partName(id, 'pending'))) await commitPart(id);
    await syncDir();
    for (const name of names) {
      const p = PENDING.exec(name);
      const c = COMMITTED.exec(name);
      if (IN_PROGRESS.test(name) || (p !== null && !listed.has(Number(p[1]))) || (c !== null && Number(c[1]) > state.upTo)) await remove(name);
    }
    await syncDir();
    return { upTo: state.upTo };
  }

  return {
    describe: () => `JSON Lines in ${dir}`,
    async open(restored: Json | undefined): Promise<SinkWriter<T>> {
      const recovered = await recover(restored);
      const attempt = randomBytes(6).toString('hex');
      let lastPreCommit = recovered.upTo;
      let seq = 0;
      const pending: number[] = []; // pre-committed part ids, ascending, until their commit is durable
      let queue: Promise<void> = Promise.resolve(); // every file operation, in call order
      let failure: CheckpointError | undefined; // a lost write: every later call fails with it

      interface Part {
        readonly path: string;
        file: fs.FileHandle | undefined;
      }
      const newPart = (): Part => ({ path: join(dir, `.part-${attempt}-${seq++}.inprogress`), file: undefined });
      let current = newPart();
      const openParts = new Set<Part>(); // parts whose in-progress file is open
      // the current part's lines, encoded; each full chunk (1 MiB) is appended off the record path
      const chunks = new LineChunks((bytes) => flush(current, bytes));
      const rows = fields === undefined ? undefined : new JsonRowEncoder(fields);

      /** Appends `data` (lines, each ending in `\n`) to the part's in-progress file (opening it on first use). */
      async function append(part: Part, data: Buffer | undefined): Promise<void> {
        if (data === undefined) return;
        try {
          if (part.file === undefined) {
            part.file = await fs.open(part.path, 'wx');
            openParts.add(part);
          }
          for (let off = 0; off < data.length; ) off += (await part.file.write(data, off, data.length - off)).bytesWritten;
        } catch (err) {
          throw fsErr('write', part.path, err);
        }
        chunks.release(data);
      }

      /** Runs `op` after every earlier operation; a failure poisons the writer when `fatal`. */
      function enqueue<R>(op: () => Promise<R>, fatal: boolean): Promise<R> {
        const run = queue.then(() => {
          if (failure !== undefined) throw failure;
          return op();
        });
        queue = run.then(
          () => undefined,
          (err: unknown) => {
            if (fatal) failure ??= fsErr('write', current.path, err);
          },
        );
        return run;
      }

      function flush(part: Part, data: Buffer): void {
        enqueue(() => append(part, data), true).catch(() => undefined); // surfaces through `failure`
      }

      return {
        write(value: T): void {
          if (failure !== undefined) throw failure;
          let line: unknown;
          try {
            if (rows !== undefined) {
              line = rows.encode(value, chunks);
              if (line === true) return;
            } else line = serialize === undefined ? JSON.stringify(value) : serialize(value);
          } catch (err) {
            throw new CheckpointError('SINK', `${where}: cannot serialize ${describeValue(value)}: ${messageOf(err)}`, { cause: err });
          }
          if (typeof line !== 'string' || (serialize !== undefined && line.includes('\n'))) {
            throw new CheckpointError(
              'SINK',
              `${where}: ${serialize === undefined ? 'JSON.stringify' : 'serialize'} must turn ${describeValue(value)} into one line of text, got ${describeValue(line)}`,
            );
          }
          chunks.add(line);
        },

        async preCommit(checkpointId: number): Promise<Json> {
          checkPreCommitId(where, checkpointId, lastPreCommit);
          if (failure !== undefined) throw failure;
          lastPreCommit = checkpointId;
          const part = current; // what was written before this call belongs to this checkpoint
          const rest = chunks.take();
          current = newPart();
          // (an async function runs up to its first await synchronously: `current` is swapped now)
          return enqueue(async () => {
            await append(part, rest);
            if (part.file !== undefined) {
              const target = join(dir, partName(checkpointId, 'pending'));
              try {
                if (fsync) await part.file.sync();
                await part.file.close();
                part.file = undefined;
                openParts.delete(part);
                await fs.rename(part.path, target);
              } catch (err) {
                throw fsErr('pre-commit', target, err);
              }
              await syncDir();
              pending.push(checkpointId);
            }
            return { upTo: checkpointId, pending: [...pending] };
          }, true);
        },

        async commit(checkpointId: number): Promise<void> {
          if (!Number.isSafeInteger(checkpointId) || checkpointId < 0) {
            throw new CheckpointError('INVALID_ARGUMENT', `${where}: commit needs a checkpoint id (a non-negative integer), got ${describeValue(checkpointId)}`);
          }
          return enqueue(async () => {
            const due = pending.filter((id) => id <= checkpointId);
            if (due.length === 0) return;
            for (const id of due) await commitPart(id);
            await syncDir();
            // Only now: if a rename failed, the next checkpoint's state must still list these parts.
            pending.splice(0, due.length);
          }, false);
        },

        async close(): Promise<void> {
          await queue;
          chunks.clear();
          for (const part of openParts) {
            const file = part.file;
            part.file = undefined;
            await file?.close().catch(() => undefined);
          }
          openParts.clear();
        },
      };
    },
  };
}

/**
 * Every line that a {@link jsonLinesSink} has committed in `dir`: the parts `part-<id>.jsonl` in
 * id order, concatenated, split into lines (without line endings). Pending and in-progress output
 * is not included. O(total size): it reads every committed part into memory.
 *
 * Throws a `CheckpointError` `IO` naming the path when `dir` or a part cannot be read.
 *
 * @param dir - the sink's output directory
 *
 * @example
 * ```ts
 * const results = (await readCommittedLines('out/clicks')).map((line) => JSON.parse(line));
 * ```
 */
export async function readCommittedLines(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    throw new CheckpointError('IO', `readCommittedLines: cannot list ${dir}: ${messageOf(err)}`, { cause: err });
  }
  const parts: Array<{ id: number; name: string }> = [];
  for (const name of names) {
    const m = COMMITTED.exec(name);
    if (m !== null) parts.push({ id: Number(m[1]), name });
  }
  parts.sort((a, b) => a.id - b.id);
  const lines: string[] = [];
  for (const { name } of parts) {
    const path = join(dir, name);
    let text: string;
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (err) {
      throw new CheckpointError('IO', `readCommittedLines: cannot read ${path}: ${messageOf(err)}`, { cause: err });
    }
    const split = text.split('\n');
    if (split[split.length - 1] === '') split.pop();
    for (const line of split) lines.push(line);
  }
  return lines;
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}
