import type { CheckpointInfo } from '@weir/checkpoint';
import { compactJson, displayName, formatBytes, formatTime, jsonNumber } from '../format';
import { formatTable } from '../formatTable';
import { EXIT_OK, reportError, type CliIO } from '../io';
import { openCheckpoints } from './openCheckpoints';

/** What `weir checkpoints` is asked. */
export interface CheckpointsOptions {
  /** The checkpoint directory (of a `FileCheckpointStorage`). */
  readonly dir: string;
  /** Print JSON instead of a table. */
  readonly json?: boolean;
}

/**
 * `weir checkpoints <dir> [--json]`: lists the checkpoints of a `FileCheckpointStorage`
 * directory, newest first, each checked: id, time (ISO), total size, stores (name: size), source
 * offsets (compact JSON) and status (`ok` or `INVALID: <reason>`), as an aligned table, or with
 * `json` as a JSON array (exact byte counts, non-finite numbers as strings like the manifest).
 *
 * Never throws: errors (a missing directory, no checkpoints) go to `io.stderr` as one line.
 *
 * @returns the exit code: 0, or 1 when the directory is missing or holds no checkpoint
 *
 * @example
 * ```ts
 * const code = await checkpointsCommand({ dir: './checkpoints' }, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
 * // ID  TIME                      SIZE   STORES                        SOURCES               STATUS
 * // 2   2024-01-02T03:04:07.000Z  890 B  windows: 411 B, joins: 479 B  {"views":{"line":5}}  ok
 * // 1   2024-01-02T03:04:06.000Z  771 B  windows: 361 B, joins: 410 B  {"views":{"line":4}}  INVALID: store-0.state: checksum mismatch: ...
 * ```
 */
export async function checkpointsCommand(options: CheckpointsOptions, io: CliIO): Promise<number> {
  try {
    const { infos } = await openCheckpoints(options.dir);
    io.stdout(options.json === true ? `${JSON.stringify(infos.map(checkpointJson), null, 2)}\n` : checkpointsTable(infos));
    return EXIT_OK;
  } catch (err) {
    return reportError(err, io);
  }
}

/** The table `weir checkpoints` prints, header included. */
export function checkpointsTable(infos: readonly CheckpointInfo[]): string {
  const rows = [['ID', 'TIME', 'SIZE', 'STORES', 'SOURCES', 'STATUS']];
  for (const info of infos) {
    rows.push([
      String(info.id),
      formatTime(info.time),
      formatBytes(info.bytes),
      info.stores.length === 0 ? '-' : info.stores.map((s) => `${displayName(s.name)}: ${formatBytes(s.bytes)}`).join(', '),
      Object.keys(info.sources).length === 0 ? '-' : compactJson(sourceOffsets(info)),
      info.valid ? 'ok' : `INVALID: ${info.reason ?? 'unknown reason'}`,
    ]);
  }
  return formatTable(rows);
}

/** One checkpoint as `weir checkpoints --json` prints it. */
export function checkpointJson(info: CheckpointInfo): Record<string, unknown> {
  return {
    id: info.id,
    time: Number.isNaN(info.time) ? null : formatTime(info.time),
    timeMs: Number.isNaN(info.time) ? null : info.time,
    bytes: info.bytes,
    stores: info.stores.map((s) => ({ name: s.name, bytes: s.bytes, crc32: s.crc32 })),
    sources: Object.fromEntries(
      Object.entries(info.sources).map(([name, s]) => [
        name,
        { offset: s.offset, maxTimestamp: jsonNumber(s.maxTimestamp), watermark: jsonNumber(s.watermark), sinceWatermark: jsonNumber(s.sinceWatermark) },
      ]),
    ),
    valid: info.valid,
    ...(info.valid ? {} : { reason: info.reason ?? 'unknown reason' }),
  };
}

function sourceOffsets(info: CheckpointInfo): Record<string, unknown> {
  return Object.fromEntries(Object.entries(info.sources).map(([name, s]) => [name, s.offset]));
}
