import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FileCheckpointStorage } from '@weir/checkpoint';
import { StateSnapshot, decodeValue, encodeTuple } from '@weir/state';
import { inspectCommand, type InspectOptions } from '../index';
import { capture, chkDir, entryCount, flipByte, makeCheckpointDir, makeTempDir, removeDir, runJob } from './fixtures';

const HEADER_2 = `checkpoint 2  time 2024-01-02T03:04:07.000Z  stores 2 (963 B)
sources:
  SOURCE    OFFSET                           MAX TIMESTAMP  WATERMARK  SINCE WATERMARK
  views     {"file":"views.jsonl","line":5}  62000          60000      0
  orders    3                                4000           -Infinity  2
  payments  null                             -Infinity      -Infinity  0
sinks:
  SINK  STATE
  out   {"pending":["part-2"],"committed":1}
`;

const WINDOWS_2 = `store windows: 7 entries, 450 B
  [34] ("views", 0x02, 60000, 0, "home")         x'000000000000020000000000000040'
  [34] ("views", 0x02, 120000, 60000, "home")    x'00000000000202000000000000f03f'
  [120] ("views", 0x02, 60000, 0, "about")       x'00000000000102000000000000f03f'
  [120] ("views", 0x02, 120000, 60000, "about")  x'00000000000302000000000000f03f'
  [op] ("views", 0x00)                           {keyGroups: 128, watermark: 60000, nextSeq: 4, counters: {recordsIn: 5, recordsOut: 2, lateRecords: 0, invalidRecords: 0, windowsFired: 1, resultsEmitted: 2}}
  [op] ("views", 0x04, 119999, 60000, 0)         1
  [op] ("views", 0x04, 119999, 120000, 60000)    0
`;

const JOINS_2 = `store joins: 5 entries, 513 B
  [23] ("payments", 0x01, 3, 4000, 3)   flags=0 {orderId: 3, amount: 7.5}
  [83] ("payments", 0x01, 1, 1000, 0)   flags=1 {orderId: 1, amount: 10}
  [83] ("payments", 0x02, 1, 5000, 2)   flags=1 {orderId: 1, paid: 10}
  [100] ("payments", 0x01, 2, 2000, 1)  flags=0 {orderId: 2, amount: 25}
  [op] ("payments", 0x00)               {inputs: [-Infinity, -Infinity], keyGroups: 128, watermark: -Infinity, nextSeq: 4, counters: {recordsIn: 4, recordsOut: 1, lateRecords: 0, invalidRecords: 0, leftRecordsIn: 3, rightRecordsIn: 1, late…
`;

/** Hex of the keys of key group 34 (the key "home") in the "views" operator's GROUP section (0x02): 00 22 02 "views" 00 02. */
const VIEWS_GROUPS = Buffer.concat([Buffer.from([0x00, 34]), encodeTuple(['views']), Buffer.from([0x02])]).toString('hex');

describe('weir inspect', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeCheckpointDir();
  });
  afterEach(() => removeDir(dir));

  const inspect = (options: Omit<InspectOptions, 'dir'> = {}) => capture((io) => inspectCommand({ dir, ...options }, io));

  it('shows the newest checkpoint: summary, then every store in key order with decoded keys and values', async () => {
    const r = await inspect();
    expect(r).toEqual({ code: 0, err: '', out: `${HEADER_2}\n${WINDOWS_2}\n${JOINS_2}` });
    const [, two] = runJob();
    expect(entryCount(two!.stores.windows)).toBe(7);
    expect(entryCount(two!.stores.joins)).toBe(5);
    // the join's meta entry is cut short on screen: its whole value
    expect(metaOf(two!.stores.joins, 'payments')).toEqual({
      inputs: [-Infinity, -Infinity],
      keyGroups: 128,
      watermark: -Infinity,
      nextSeq: 4,
      counters: { recordsIn: 4, recordsOut: 1, lateRecords: 0, invalidRecords: 0, leftRecordsIn: 3, rightRecordsIn: 1, lateLeft: 0, lateRight: 0, matchesEmitted: 1, unmatchedEmitted: 0 },
    });
  });

  it('shows checkpoint id when asked', async () => {
    const r = await inspect({ id: 1 });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^checkpoint 1 {2}time 2024-01-02T03:04:06\.000Z {2}stores 2 \(840 B\)\n/);
    expect(r.out).toContain('  out   {"pending":["part-1"],"committed":0}\n');
    expect(r.out).toContain('store windows: 6 entries, 398 B\n');
    expect(r.out).toContain('store joins: 4 entries, 442 B\n');
    expect(r.out).not.toContain('orderId: 3');
  });

  it('--store shows one store', async () => {
    const r = await inspect({ store: 'joins' });
    expect(r).toEqual({ code: 0, err: '', out: `${HEADER_2}\n${JOINS_2}` });
  });

  it('--prefix keeps the keys starting with the bytes', async () => {
    const r = await inspect({ store: 'windows', prefix: Buffer.from(VIEWS_GROUPS, 'hex') });
    expect(r.code).toBe(0);
    expect(r.out.slice(HEADER_2.length)).toBe(
      `
store windows: 7 entries, 450 B, 2 with prefix x'${VIEWS_GROUPS}'
  [34] ("views", 0x02, 60000, 0, "home")       x'000000000000020000000000000040'
  [34] ("views", 0x02, 120000, 60000, "home")  x'00000000000202000000000000f03f'
`,
    );
    const none = await inspect({ prefix: Uint8Array.from([0xfe]) }); // FF FF holds the window's meta and timers
    expect(none.out).toContain(`store windows: 7 entries, 450 B, 0 with prefix x'fe'\n  (none)\n`);
    expect(none.out).toContain(`store joins: 5 entries, 513 B, 0 with prefix x'fe'\n  (none)\n`);
  });

  it('--limit caps the entries per store and counts the rest', async () => {
    const r = await inspect({ limit: 2 });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`store windows: 7 entries, 450 B
  [34] ("views", 0x02, 60000, 0, "home")       x'000000000000020000000000000040'
  [34] ("views", 0x02, 120000, 60000, "home")  x'00000000000202000000000000f03f'
  … 5 more
`);
    expect(r.out).toContain(`store joins: 5 entries, 513 B
  [23] ("payments", 0x01, 3, 4000, 3)  flags=0 {orderId: 3, amount: 7.5}
  [83] ("payments", 0x01, 1, 1000, 0)  flags=1 {orderId: 1, amount: 10}
  … 3 more
`);
    expect((await inspect({ limit: 0, store: 'joins' })).out).toBe(`${HEADER_2}\nstore joins: 5 entries, 513 B\n  … 5 more\n`);
    expect((await inspect({ limit: 5, store: 'joins' })).out).toBe(`${HEADER_2}\n${JOINS_2}`); // exactly all: no "more" line
    const both = await inspect({ limit: 1, store: 'windows', prefix: Buffer.from(VIEWS_GROUPS, 'hex') });
    expect(both.out.slice(HEADER_2.length)).toBe(`
store windows: 7 entries, 450 B, 2 with prefix x'${VIEWS_GROUPS}'
  [34] ("views", 0x02, 60000, 0, "home")  x'000000000000020000000000000040'
  … 1 more
`);
  });

  it('a checkpoint without sources, sinks or stores', async () => {
    const empty = await makeTempDir();
    try {
      await new FileCheckpointStorage(empty, { fsync: false }).save({ id: 0, time: 0, sources: {}, sinks: {}, stores: {} });
      expect(await capture((io) => inspectCommand({ dir: empty }, io))).toEqual({
        code: 0,
        err: '',
        out: 'checkpoint 0  time 1970-01-01T00:00:00.000Z  stores 0 (0 B)\nsources: none\nsinks: none\n',
      });
      expect(await capture((io) => inspectCommand({ dir: empty, store: 'x' }, io))).toEqual({
        code: 1,
        out: '',
        err: 'weir: checkpoint 0 has no store "x" (it has no stores)\n',
      });
    } finally {
      await removeDir(empty);
    }
  });

  describe('a damaged checkpoint', () => {
    beforeEach(() => flipByte(path.join(chkDir(dir, 2), 'store-0.state')));
    const REASON = /store-0\.state: checksum mismatch: crc32 0x[0-9a-f]{8}, the manifest says 0x[0-9a-f]{8} \(store "windows"\)/;

    it('without an id: names the skipped checkpoint and its reason, then shows the newest valid one', async () => {
      const r = await inspect();
      expect(r.code).toBe(0);
      const notes = r.err.split('\n');
      expect(notes).toHaveLength(3);
      expect(notes[0]).toMatch(new RegExp(`^weir: skipping checkpoint 2: ${REASON.source}$`));
      expect(notes[1]).toBe('weir: showing checkpoint 1, the newest valid one');
      expect(notes[2]).toBe('');
      expect(r.out).toMatch(/^checkpoint 1 /);
    });

    it('asked for by id: fails with the reason', async () => {
      const r = await inspect({ id: 2 });
      expect(r).toMatchObject({ code: 1, out: '' });
      expect(r.err).toMatch(new RegExp(`^weir: checkpoint 2 \\(${escape(chkDir(dir, 2))}\\) is corrupt: ${REASON.source}\\n$`));
      expect((await inspect({ id: 1 })).code).toBe(0);
    });

    it('when no checkpoint is valid: says so after naming each one', async () => {
      await fs.writeFile(path.join(chkDir(dir, 1), 'store-1.state'), 'truncated');
      const r = await inspect();
      expect(r).toMatchObject({ code: 1, out: '' });
      const lines = r.err.trimEnd().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^weir: skipping checkpoint 2: store-0\.state: checksum mismatch/);
      expect(lines[1]).toBe('weir: skipping checkpoint 1: store-1.state: truncated: 9 bytes, the manifest says 442 (store "joins")');
      expect(lines[2]).toBe(`weir: no valid checkpoint in ${dir}: all 2 are invalid (see \`weir checkpoints ${dir}\`)`);
    });
  });

  it('a store whose bytes are not a snapshot: shown as undecodable, the others still shown, exit 1', async () => {
    const other = await makeTempDir();
    try {
      const [one] = runJob();
      await new FileCheckpointStorage(other, { fsync: false }).save({ ...one!, stores: { bad: Buffer.from('not a snapshot at all'), joins: one!.stores.joins! } });
      const r = await capture((io) => inspectCommand({ dir: other }, io));
      expect(r.code).toBe(1);
      expect(r.out).toContain('\nstore bad: 21 B, cannot decode: StateSnapshot.decode: not a weir state snapshot (bad magic bytes) (21 bytes)\n');
      expect(r.out).toContain('\nstore joins: 4 entries, 442 B\n');
      expect(r.err).toBe('weir: checkpoint 1: store bad cannot be decoded: StateSnapshot.decode: not a weir state snapshot (bad magic bytes) (21 bytes)\n');
    } finally {
      await removeDir(other);
    }
  });

  describe('errors: one line on stderr, nothing on stdout', () => {
    it('an unknown id lists the known ones (exit 1)', async () => {
      expect(await inspect({ id: 7 })).toEqual({ code: 1, out: '', err: `weir: no checkpoint 7 in ${dir} (checkpoints: 2, 1)\n` });
    });

    it('an unknown store lists the known ones (exit 1)', async () => {
      expect(await inspect({ store: 'window' })).toEqual({ code: 1, out: '', err: 'weir: checkpoint 2 has no store "window" (stores: windows, joins)\n' });
    });

    it('a missing directory, a directory without checkpoints (exit 1)', async () => {
      const missing = path.join(dir, 'missing');
      expect(await capture((io) => inspectCommand({ dir: missing }, io))).toEqual({ code: 1, out: '', err: `weir: no such directory: ${missing}\n` });
      const empty = await makeTempDir();
      try {
        expect(await capture((io) => inspectCommand({ dir: empty, id: 1 }, io))).toEqual({
          code: 1,
          out: '',
          err: `weir: no checkpoints in ${empty} (expected chk-<id> directories, as FileCheckpointStorage writes them)\n`,
        });
      } finally {
        await removeDir(empty);
      }
    });

    it('a malformed id or limit (exit 2)', async () => {
      expect(await inspect({ id: -1 })).toEqual({ code: 2, out: '', err: 'weir: a checkpoint id must be a non-negative integer, got -1 (see `weir help`)\n' });
      expect(await inspect({ id: 1.5 })).toMatchObject({ code: 2, out: '' });
      expect(await inspect({ limit: NaN })).toEqual({ code: 2, out: '', err: 'weir: --limit must be a non-negative integer, got NaN (see `weir help`)\n' });
    });
  });
});

/** The decoded meta entry (operator-scoped, FF FF P 00) of operator `name` in an encoded store. */
function metaOf(bytes: Uint8Array | undefined, name: string): unknown {
  if (bytes === undefined) throw new Error('no such store');
  const key = Buffer.concat([Buffer.from([0xff, 0xff]), encodeTuple([name]), Buffer.from([0x00])]);
  for (const [k, v] of StateSnapshot.decode(bytes).entries()) if (Buffer.from(k).equals(key)) return decodeValue(v);
  throw new Error(`no meta entry of ${name}`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
