// Reading a FileCheckpointStorage checkpoint directory back, checking every file, and the
// directory naming both reading and writing share.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { hex32, messageOf } from '@weir/state';
import { CheckpointError } from './CheckpointError';
import { Corrupt, decodeManifest, type Manifest } from './checkpointManifest';

const MANIFEST = 'manifest.json';
const ID_DIGITS = 12;
const CHK_NAME = /^chk-(\d+)$/;

/** What reading a checkpoint directory found. */
export type ReadResult =
  | { readonly kind: 'ok'; readonly manifest: Manifest; readonly data: Uint8Array[] }
  | { readonly kind: 'corrupt'; readonly reason: string; readonly manifest?: Manifest }
  | { readonly kind: 'gone' };

/** Where checkpoint `id` of `dir` lives. */
export function checkpointPath(dir: string, id: number): string {
  return path.join(dir, checkpointDirName(id));
}

/** Reads checkpoint `id` of `dir` and checks all of it (see FileCheckpointStorage, checking); `keep`: return the store bytes too. */
export async function readCheckpointDir(dir: string, id: number, keep: boolean): Promise<ReadResult> {
  const chk = checkpointPath(dir, id);
  const what = `cannot read checkpoint ${id} in ${dir}`;
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
        reason: `${s.file}: checksum mismatch: crc32 ${hex32(actual)}, the manifest says ${hex32(s.crc32)} (store ${JSON.stringify(s.name)})`,
      };
    }
    if (keep) data.push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  return { kind: 'ok', manifest, data };
}

/** The directory name of checkpoint `id`: `chk-` and the id zero-padded to 12 digits. */
export function checkpointDirName(id: number): string {
  return `chk-${pad(id)}`;
}

/** An id zero-padded to 12 digits. */
export function pad(id: number): string {
  return String(id).padStart(ID_DIGITS, '0');
}

/** The ids of the canonically named `chk-<id>` entries among `names`. */
export function chkIds(names: readonly string[]): number[] {
  const ids: number[] = [];
  for (const name of names) {
    const m = CHK_NAME.exec(name);
    if (!m) continue;
    const id = Number(m[1]);
    if (Number.isSafeInteger(id) && checkpointDirName(id) === name) ids.push(id);
  }
  return ids;
}

export function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function ioError(what: string, err: unknown): CheckpointError {
  return new CheckpointError('IO', `${what}: ${messageOf(err)}`, { cause: err });
}
