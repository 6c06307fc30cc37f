// Key groups (docs/architecture.md §4.2, §6): every keyed entry of a window operator starts with
// its key's group, operator-scoped entries with FF FF; the number of key groups is an option,
// recorded in the meta entry and checked on restore.
import { DEFAULT_KEY_GROUPS, InMemoryStore, KeyWriter, OperatorKeys, StateSnapshot, compareBytes, decodeTuple, encodeString, encodeValue, keyGroupOf, type StateStore } from '@weir/state';
import { barrier, record, watermark, type StreamElement } from '@weir/stream';
import { WindowError, count, cumulativeWindow, hoppingWindow, sessionWindow, tumblingWindow, calendarWindow, type WindowOperator } from '@weir/window';
import { Driver } from './driver';

interface Ev {
  readonly k: string | number;
}
type Make = (o: { store: StateStore; name: string; keyGroups?: number; cacheSize?: number }) => WindowOperator<Ev, string | number, number>;

const key = (v: Ev): string | number => v.k;
const windows: Array<[string, Make]> = [
  ['tumblingWindow', (o) => tumblingWindow({ ...o, key, size: 10, aggregate: count() })],
  ['hoppingWindow', (o) => hoppingWindow({ ...o, key, size: 10, slide: 5, aggregate: count() })],
  ['cumulativeWindow', (o) => cumulativeWindow({ ...o, key, step: 5, maxSize: 10, aggregate: count() })],
  ['calendarWindow', (o) => calendarWindow({ ...o, key, unit: 'day', timeZone: 'UTC', aggregate: count() })],
  ['sessionWindow', (o) => sessionWindow({ ...o, key, gap: 5, aggregate: count() })],
];

const KEYS: ReadonlyArray<string | number> = ['home', 'about', 7, -3, 'user-42', '', 1_000_000];
const input = (): StreamElement<Ev>[] => [...KEYS.map((k, i) => record<Ev>({ k }, i)), watermark(2), ...KEYS.map((k, i) => record<Ev>({ k }, 3 + i))];
const encodedKey = (k: string | number): Uint8Array => new KeyWriter().part(k).finish();

function run(make: Make, store: StateStore, keyGroups: number | undefined, els: StreamElement<Ev>[]): Driver<Ev, unknown> {
  const d = new Driver(make({ store, name: 'w', cacheSize: 0, ...(keyGroups === undefined ? {} : { keyGroups }) }));
  for (const el of els) d.push(el);
  return d;
}

describe.each(windows)('%s: key groups', (_kind, make) => {
  it.each([undefined, 1, 5, 32_768])('files every keyed entry under u16(keyGroupOf(key)) P, everything else under FF FF P (keyGroups %p)', (keyGroups) => {
    const store = new InMemoryStore();
    const d = run(make, store, keyGroups, [...input(), barrier(1)]);
    expect(d.error).toBeUndefined();
    const n = keyGroups ?? DEFAULT_KEY_GROUPS;
    const P = encodeString('w');
    let keyed = 0;
    let scoped = 0;
    for (const [k] of store.prefixScan(new Uint8Array(0))) {
      const group = (k[0]! << 8) | k[1]!;
      expect(compareBytes(k.subarray(2, 2 + P.length), P)).toBe(0);
      const section = k[2 + P.length]!;
      if (group === 0xffff) {
        scoped++;
        expect([0x00, 0x04, 0x05]).toContain(section); // META, TIMER, LOG
        continue;
      }
      keyed++;
      expect([0x02, 0x03]).toContain(section); // GROUP, SESSION
      const parts = decodeTuple(k, 3 + P.length);
      const userKey = (section === 0x02 ? parts[2] : parts[0]) as string | number;
      expect(group).toBe(keyGroupOf(encodedKey(userKey), n));
    }
    expect(keyed).toBeGreaterThan(0);
    expect(scoped).toBeGreaterThan(0);
    // the meta entry records the number of key groups
    expect(store.get(new OperatorKeys('w', n).section(0x00))).toBeDefined();
  });

  it('continues across a restore with the same keyGroups and refuses another number, naming both', () => {
    const store = new InMemoryStore();
    const first = run(make, store, 16, [...input(), barrier(1)]);
    first.stop();
    const snap = StateSnapshot.decode(store.snapshot().encode());

    const same = new InMemoryStore();
    same.restore(snap);
    const ok = run(make, same, 16, [watermark(100)]);
    expect(ok.error).toBeUndefined();

    for (const other of [undefined, 15]) {
      const restored = new InMemoryStore();
      restored.restore(snap);
      const d = run(make, restored, other, []);
      expect(d.error).toBeInstanceOf(WindowError);
      expect((d.error as WindowError).code).toBe('INVALID_ARGUMENT');
      expect((d.error as Error).message).toContain("'w'");
      expect((d.error as Error).message).toContain('written with 16 key groups');
      expect((d.error as Error).message).toContain(`keyGroups ${other ?? DEFAULT_KEY_GROUPS}`);
    }
  });

  it('refuses state of the layout without key groups instead of ignoring it', () => {
    const store = new InMemoryStore();
    store.put(new OperatorKeys('w').section(0x00), encodeValue({ watermark: 5, nextSeq: 3 }));
    const d = run(make, store, undefined, []);
    expect(d.error).toBeInstanceOf(WindowError);
    expect((d.error as Error).message).toMatch(/layout without key groups/);
  });

  it.each([0, -1, 1.5, 32_769, Number.NaN, '8'])('refuses keyGroups %p', (bad) => {
    expect(() => make({ store: new InMemoryStore(), name: 'w', keyGroups: bad as number })).toThrow(WindowError);
    expect(() => make({ store: new InMemoryStore(), name: 'w', keyGroups: bad as number })).toThrow(/option `keyGroups` must be an integer in \[1, 32768\]/);
  });
});
