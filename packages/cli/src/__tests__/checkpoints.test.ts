import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FileCheckpointStorage } from '@weir/checkpoint';
import { checkpointsCommand } from '../index';
import { capture, chkDir, flipByte, makeCheckpointDir, makeTempDir, removeDir, runJob } from './fixtures';

describe('weir checkpoints', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeCheckpointDir();
  });
  afterEach(() => removeDir(dir));

  it('lists the checkpoints newest first as an aligned table', async () => {
    const [one, two] = runJob();
    const size = (id: 1 | 2, store: 'windows' | 'joins'): number => (id === 1 ? one : two)!.stores[store]!.byteLength;
    const total = (id: 1 | 2): number => size(id, 'windows') + size(id, 'joins');
    const r = await capture((io) => checkpointsCommand({ dir }, io));
    expect(r).toMatchObject({ code: 0, err: '' });
    const stores = (id: 1 | 2): string => `windows: ${size(id, 'windows')} B, joins: ${size(id, 'joins')} B`;
    const rows = [
      ['ID', 'TIME', 'SIZE', 'STORES', 'SOURCES', 'STATUS'],
      ['2', '2024-01-02T03:04:07.000Z', `${total(2)} B`, stores(2), '{"views":{"file":"views.jsonl","line":5},"orders":3,"payments":null}', 'ok'],
      ['1', '2024-01-02T03:04:06.000Z', `${total(1)} B`, stores(1), '{"views":{"file":"views.jsonl","line":4},"orders":2,"payments":null}', 'ok'],
    ];
    const width = (col: number): number => Math.max(...rows.map((row) => row[col]!.length));
    const expected = rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(width(i)))).join('  ') + '\n').join('');
    expect(r.out).toBe(expected);
    // pinned, so a change of the fixture or of the layout is seen
    expect(r.out.split('\n')[1]).toBe(
      '2   2024-01-02T03:04:07.000Z  963 B  windows: 450 B, joins: 513 B  {"views":{"file":"views.jsonl","line":5},"orders":3,"payments":null}  ok',
    );
  });

  it('--json prints every field, exact sizes and non-finite numbers as strings', async () => {
    const r = await capture((io) => checkpointsCommand({ dir, json: true }, io));
    expect(r).toMatchObject({ code: 0, err: '' });
    const list = JSON.parse(r.out) as Array<Record<string, unknown>>;
    const infos = await new FileCheckpointStorage(dir).list();
    expect(list.map((c) => c.id)).toEqual([2, 1]);
    expect(list[0]).toEqual({
      id: 2,
      time: '2024-01-02T03:04:07.000Z',
      timeMs: Date.UTC(2024, 0, 2, 3, 4, 7),
      bytes: infos[0]!.bytes,
      stores: infos[0]!.stores.map((s) => ({ name: s.name, bytes: s.bytes, crc32: s.crc32 })),
      sources: {
        views: { offset: { file: 'views.jsonl', line: 5 }, maxTimestamp: 62_000, watermark: 60_000, sinceWatermark: 0 },
        orders: { offset: 3, maxTimestamp: 4_000, watermark: '-Infinity', sinceWatermark: 2 },
        payments: { offset: null, maxTimestamp: '-Infinity', watermark: '-Infinity', sinceWatermark: 0 },
      },
      valid: true,
    });
    expect(list[1]).toMatchObject({ id: 1, valid: true });
    expect(list[1]).not.toHaveProperty('reason');
  });

  it('shows a damaged store file as INVALID with the reason', async () => {
    await flipByte(path.join(chkDir(dir, 2), 'store-0.state'));
    const r = await capture((io) => checkpointsCommand({ dir }, io));
    expect(r).toMatchObject({ code: 0, err: '' });
    const lines = r.out.split('\n');
    expect(lines[1]).toMatch(/^2 .* INVALID: store-0\.state: checksum mismatch: crc32 0x[0-9a-f]{8}, the manifest says 0x[0-9a-f]{8} \(store "windows"\)$/);
    expect(lines[2]).toMatch(/ ok$/);

    const json = await capture((io) => checkpointsCommand({ dir, json: true }, io));
    const [two, one] = JSON.parse(json.out) as Array<Record<string, unknown>>;
    expect(two).toMatchObject({ id: 2, valid: false, reason: expect.stringMatching(/^store-0\.state: checksum mismatch/) });
    expect(one).toMatchObject({ id: 1, valid: true });
  });

  it('shows a checkpoint whose manifest is unreadable with dashes', async () => {
    await fs.writeFile(path.join(chkDir(dir, 2), 'manifest.json'), '{"format": ');
    const r = await capture((io) => checkpointsCommand({ dir }, io));
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[1]).toMatch(/^2 +- +0 B +- +- +INVALID: manifest\.json: not valid JSON \(.*\)$/);
    const json = JSON.parse((await capture((io) => checkpointsCommand({ dir, json: true }, io))).out) as Array<Record<string, unknown>>;
    expect(json[0]).toMatchObject({ id: 2, time: null, timeMs: null, bytes: 0, stores: [], sources: {}, valid: false });
  });

  it('quotes store names that are not plain words', async () => {
    const other = await makeTempDir();
    try {
      const [one] = runJob();
      await new FileCheckpointStorage(other, { fsync: false }).save({ ...one!, stores: { 'my store, 1': one!.stores.windows!, '': one!.stores.joins! } });
      const r = await capture((io) => checkpointsCommand({ dir: other }, io));
      expect(r.out).toContain(`"my store, 1": 398 B, "": 442 B`);
    } finally {
      await removeDir(other);
    }
  });

  describe('errors: one line on stderr, exit code 1', () => {
    it('a missing directory', async () => {
      const missing = path.join(dir, 'nope');
      expect(await capture((io) => checkpointsCommand({ dir: missing }, io))).toEqual({ code: 1, out: '', err: `weir: no such directory: ${missing}\n` });
    });

    it('a file instead of a directory', async () => {
      const file = path.join(dir, 'file.txt');
      await fs.writeFile(file, 'x');
      expect(await capture((io) => checkpointsCommand({ dir: file }, io))).toEqual({ code: 1, out: '', err: `weir: not a directory: ${file}\n` });
    });

    it('a directory without checkpoints (temporary directories and other files do not count)', async () => {
      const empty = await makeTempDir();
      try {
        await fs.mkdir(path.join(empty, '.tmp-chk-000000000001-abc'));
        await fs.writeFile(path.join(empty, 'notes.txt'), 'x');
        for (const json of [false, true]) {
          expect(await capture((io) => checkpointsCommand({ dir: empty, json }, io))).toEqual({
            code: 1,
            out: '',
            err: `weir: no checkpoints in ${empty} (expected chk-<id> directories, as FileCheckpointStorage writes them)\n`,
          });
        }
      } finally {
        await removeDir(empty);
      }
    });
  });
});
