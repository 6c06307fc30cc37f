import { CheckpointError, type CheckpointData, type FileCheckpointStorage, type CheckpointInfo } from '@weir/checkpoint';
import { StateSnapshot, messageOf } from '@weir/state';
import { compactJson, displayName, formatBytes, formatKey, formatTime, formatValue, hasPrefix, hexLiteral } from '../format';
import { formatTable } from '../formatTable';
import { CliError, EXIT_FAILURE, EXIT_OK, oneLine, reportError, usageError, type CliIO } from '../io';
import { openCheckpoints } from './openCheckpoints';

/** Entries shown per store when {@link InspectOptions.limit} is not given. */
export const DEFAULT_LIMIT = 50;

/** What `weir inspect` is asked. */
export interface InspectOptions {
  /** The checkpoint directory (of a `FileCheckpointStorage`). */
  readonly dir: string;
  /** The checkpoint to show; default the newest valid one. */
  readonly id?: number;
  /** Show only this store. */
  readonly store?: string;
  /** Show only the entries whose key starts with these bytes. */
  readonly prefix?: Uint8Array;
  /** At most this many entries per store (default {@link DEFAULT_LIMIT}); the rest are counted. */
  readonly limit?: number;
}

/**
 * `weir inspect <dir> [id] [--store name] [--prefix hex] [--limit n]`: shows one checkpoint of
 * a `FileCheckpointStorage` directory (the newest valid one when `id` is omitted; each newer
 * invalid one is named on stderr with its reason): its time, sources and sinks, then for each
 * store (or just `store`) its entry count and its entries in key order, keys decoded as tuples
 * (see `formatKey`) and values as msgpack (see `formatValue`), at most `limit` per store
 * followed by a `… N more` line.
 *
 * Never throws: errors go to `io.stderr` as one line `weir: <message>`.
 *
 * @returns the exit code: 0; 1 for a missing directory, no (valid) checkpoint, an unknown id, a
 *   corrupt checkpoint, an unknown store or a store whose snapshot cannot be decoded; 2 for a
 *   malformed `id` or `limit`
 *
 * @example
 * ```ts
 * const io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) };
 * await inspectCommand({ dir: './checkpoints', store: 'windows', limit: 3 }, io);
 * // (the summary: id, time, sources, sinks), then
 * // store windows: 7 entries, 411 B
 * //   ("views", 0x00)                     {watermark: 60000, nextSeq: 4, counters: {recordsIn: 5, lateRecords: 0, invalidRecords: 0, windowsFired: 1, resultsEmitted: 2}}
 * //   ("views", 0x02, 60000, 0, "about")  x'00000000000102000000000000f03f'
 * //   ("views", 0x02, 60000, 0, "home")   x'000000000000020000000000000040'
 * //   … 4 more
 * ```
 */
export async function inspectCommand(options: InspectOptions, io: CliIO): Promise<number> {
  try {
    const limit = options.limit ?? DEFAULT_LIMIT;
    if (options.id !== undefined && !isCount(options.id)) throw usageError(`a checkpoint id must be a non-negative integer, got ${String(options.id)}`);
    if (!isCount(limit)) throw usageError(`--limit must be a non-negative integer, got ${String(limit)}`);

    const { storage, infos } = await openCheckpoints(options.dir);
    const data = options.id === undefined ? await loadNewestValid(storage, infos, options.dir, io) : await loadById(storage, infos, options.id, options.dir);

    const names = Object.keys(data.stores);
    if (options.store !== undefined && !names.includes(options.store)) {
      const known = names.length === 0 ? 'it has no stores' : `stores: ${names.map(displayName).join(', ')}`;
      throw new CliError(`checkpoint ${data.id} has no store ${JSON.stringify(options.store)} (${known})`);
    }

    io.stdout(summary(data));
    let failed = 0;
    for (const name of options.store === undefined ? names : [options.store]) {
      const bytes = data.stores[name] ?? new Uint8Array(0);
      const shown = storeSection(name, bytes, options.prefix, limit);
      io.stdout(`\n${shown.text}`);
      if (shown.error !== undefined) {
        io.stderr(`weir: checkpoint ${data.id}: store ${displayName(name)} cannot be decoded: ${oneLine(shown.error)}\n`);
        failed++;
      }
    }
    return failed > 0 ? EXIT_FAILURE : EXIT_OK;
  } catch (err) {
    return reportError(err, io);
  }
}

function isCount(n: number): boolean {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Loads the newest valid checkpoint, noting on stderr each newer one skipped and why. */
async function loadNewestValid(storage: FileCheckpointStorage, infos: readonly CheckpointInfo[], dir: string, io: CliIO): Promise<CheckpointData> {
  let skipped = 0;
  for (const info of infos) {
    if (!info.valid) {
      io.stderr(`weir: skipping checkpoint ${info.id}: ${oneLine(info.reason ?? 'invalid')}\n`);
      skipped++;
      continue;
    }
    try {
      const data = await storage.load(info.id);
      if (skipped > 0) io.stderr(`weir: showing checkpoint ${data.id}, the newest valid one\n`);
      return data;
    } catch (err) {
      if (!(err instanceof CheckpointError) || (err.code !== 'CORRUPT_CHECKPOINT' && err.code !== 'NO_CHECKPOINT')) throw err;
      io.stderr(`weir: skipping checkpoint ${info.id}: ${oneLine(err.message)}\n`); // damaged or pruned since listed
      skipped++;
    }
  }
  throw new CliError(`no valid checkpoint in ${dir}: all ${skipped} are invalid (see \`weir checkpoints ${dir}\`)`);
}

/** Loads checkpoint `id`: unknown ids list the known ones; a corrupt one fails with its reason. */
async function loadById(storage: FileCheckpointStorage, infos: readonly CheckpointInfo[], id: number, dir: string): Promise<CheckpointData> {
  if (!infos.some((info) => info.id === id)) {
    throw new CliError(`no checkpoint ${id} in ${dir} (checkpoints: ${infos.map((info) => info.id).join(', ')})`);
  }
  return storage.load(id); // CORRUPT_CHECKPOINT: "checkpoint 2 (<path>) is corrupt: <reason>"
}

/** The manifest summary: id and time, sources, sinks and the stores' sizes. */
function summary(data: CheckpointData): string {
  const storeNames = Object.keys(data.stores);
  const total = storeNames.reduce((sum, name) => sum + (data.stores[name]?.byteLength ?? 0), 0);
  let out = `checkpoint ${data.id}  time ${formatTime(data.time)}  stores ${storeNames.length} (${formatBytes(total)})\n`;

  const sources = Object.entries(data.sources);
  if (sources.length === 0) {
    out += 'sources: none\n';
  } else {
    out += 'sources:\n';
    out += formatTable(
      [
        ['SOURCE', 'OFFSET', 'MAX TIMESTAMP', 'WATERMARK', 'SINCE WATERMARK'],
        ...sources.map(([name, s]) => [displayName(name), compactJson(s.offset), String(s.maxTimestamp), String(s.watermark), String(s.sinceWatermark)]),
      ],
      { indent: '  ' },
    );
  }

  const sinks = Object.entries(data.sinks);
  if (sinks.length === 0) {
    out += 'sinks: none\n';
  } else {
    out += 'sinks:\n';
    out += formatTable([['SINK', 'STATE'], ...sinks.map(([name, state]) => [displayName(name), compactJson(state)])], { indent: '  ' });
  }
  return out;
}

/** One store's section: a header line with its counts, then its (filtered, limited) entries. */
function storeSection(name: string, bytes: Uint8Array, prefix: Uint8Array | undefined, limit: number): { text: string; error?: string } {
  let snapshot: StateSnapshot;
  try {
    snapshot = StateSnapshot.decode(bytes);
  } catch (err) {
    const message = messageOf(err);
    return { text: `store ${displayName(name)}: ${formatBytes(bytes.byteLength)}, cannot decode: ${oneLine(message)}\n`, error: message };
  }
  const rows: string[][] = [];
  let matching = 0;
  for (const [key, value] of snapshot.entries()) {
    if (prefix !== undefined && !hasPrefix(key, prefix)) continue;
    matching++;
    if (rows.length < limit) rows.push([formatKey(key), formatValue(value)]);
  }
  const count = `${snapshot.len()} ${snapshot.len() === 1 ? 'entry' : 'entries'}`;
  const filter = prefix === undefined ? '' : `, ${matching} with prefix ${hexLiteral(prefix, 64)}`;
  let text = `store ${displayName(name)}: ${count}, ${formatBytes(bytes.byteLength)}${filter}\n`;
  if (matching === 0) text += '  (none)\n';
  text += formatTable(rows, { indent: '  ' });
  if (matching > rows.length) text += `  … ${matching - rows.length} more\n`;
  return { text };
}
