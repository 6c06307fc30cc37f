// Key groups (docs/architecture.md §4.3, §6): every row of a join operator starts with the key
// group of its join key, the meta entry with FF FF; the number of key groups is an option,
// recorded in the meta entry and checked on restore.
import type { Subject } from 'rxjs';
import { DEFAULT_KEY_GROUPS, InMemoryStore, KeyWriter, OperatorKeys, StateSnapshot, compareBytes, decodeTuple, decodeValue, encodeString, encodeValue, keyGroupOf, type StateStore } from '@weir/state';
import { barrier, record, watermark, type StreamElement } from '@weir/stream';
import { JoinError, asofJoin, intervalJoin, lookupJoin, temporalJoin, type JoinOperator } from '../index';
import { JoinDriver } from './joinDriver';

interface Ev {
  readonly k: string | number;
  readonly id: number;
}
type Make = (right$: Subject<StreamElement<Ev>>, o: { store: StateStore; name: string; keyGroups?: number }) => JoinOperator<Ev, unknown>;

const k = (v: Ev): string | number => v.k;
// each join holds rows on both sides after the input below (inner types keep unmatched rows)
const JOINS: Array<[string, Make]> = [
  ['intervalJoin', (r, o) => intervalJoin<Ev, Ev>(r, { ...o, leftKey: k, rightKey: k, lowerBound: -100, upperBound: 100 }) as JoinOperator<Ev, unknown>],
  ['asofJoin', (r, o) => asofJoin<Ev, Ev>(r, { ...o, key: k, direction: 'forward' }) as JoinOperator<Ev, unknown>],
  ['lookupJoin', (r, o) => lookupJoin<Ev, Ev>(r, { ...o, key: k, tableKey: k }) as JoinOperator<Ev, unknown>],
  ['temporalJoin', (r, o) => temporalJoin<Ev, Ev>(r, { ...o, key: k, tableKey: k }) as JoinOperator<Ev, unknown>],
];

const KEYS: ReadonlyArray<string | number> = ['home', 'about', 7, -3, 'user-42', '', 1_000_000];
const encodedKey = (key: string | number): Uint8Array => new KeyWriter().part(key).finish();

function run(make: Make, store: StateStore, keyGroups: number | undefined, feed: (d: JoinDriver<Ev, Ev, unknown>) => void): JoinDriver<Ev, Ev, unknown> {
  const d = new JoinDriver<Ev, Ev, unknown>((r: Subject<StreamElement<Ev>>) => make(r, { store, name: 'j', ...(keyGroups === undefined ? {} : { keyGroups }) }));
  feed(d);
  return d;
}

/** Right rows of every key, then left rows of every key later in time (pending for asof/temporal), then a barrier. */
const feedAll = (d: JoinDriver<Ev, Ev, unknown>): void => {
  KEYS.forEach((key, i) => d.push({ side: 'right', el: record<Ev>({ k: key, id: i }, 10 + i) }));
  KEYS.forEach((key, i) => d.push({ side: 'left', el: record<Ev>({ k: key, id: 100 + i }, 50 + i) }));
  d.push({ side: 'left', el: watermark(5) });
  d.push({ side: 'right', el: watermark(5) });
  d.push({ side: 'left', el: barrier(1) });
  d.push({ side: 'right', el: barrier(1) });
};

describe.each(JOINS)('%s: key groups', (kind, make) => {
  it.each([undefined, 1, 5, 32_768])('files every row under u16(keyGroupOf(key)) P, the meta entry under FF FF P (keyGroups %p)', (keyGroups) => {
    const store = new InMemoryStore();
    const d = run(make, store, keyGroups, feedAll);
    expect(d.error).toBeUndefined();
    const n = keyGroups ?? DEFAULT_KEY_GROUPS;
    const P = encodeString('j');
    const sides = new Set<number>();
    let scoped = 0;
    for (const [key, value] of store.prefixScan(new Uint8Array(0))) {
      const group = (key[0]! << 8) | key[1]!;
      expect(compareBytes(key.subarray(2, 2 + P.length), P)).toBe(0);
      const section = key[2 + P.length]!;
      if (group === 0xffff) {
        scoped++;
        expect(section).toBe(0x00); // META: a join's only operator-scoped entry
        expect(decodeValue<Record<string, unknown>>(value, 'test')['keyGroups']).toBe(n);
        continue;
      }
      expect([0x01, 0x02]).toContain(section); // LEFT, RIGHT
      sides.add(section);
      const [joinKey] = decodeTuple(key, 3 + P.length) as [string | number];
      expect(group).toBe(keyGroupOf(encodedKey(joinKey), n));
    }
    expect(scoped).toBe(1);
    // the lookup join keeps no left row; the others hold both sides here
    expect([...sides].sort()).toEqual(kind === 'lookupJoin' ? [0x02] : [0x01, 0x02]);
  });

  it('continues across a restore with the same keyGroups and refuses another number, naming the operator and both', () => {
    const store = new InMemoryStore();
    const first = run(make, store, 16, feedAll);
    first.stop();
    expect(first.error).toBeUndefined();
    const snap = StateSnapshot.decode(store.snapshot().encode());

    const same = new InMemoryStore();
    same.restore(snap);
    const ok = run(make, same, 16, (d) => d.complete());
    expect(ok.error).toBeUndefined();
    expect(ok.completed).toBe(true);

    for (const other of [undefined, 15]) {
      const restored = new InMemoryStore();
      restored.restore(snap);
      const d = run(make, restored, other, () => undefined);
      expect(d.error).toBeInstanceOf(JoinError);
      expect((d.error as JoinError).code).toBe('INVALID_ARGUMENT');
      expect((d.error as Error).message).toContain(`${kind} 'j'`);
      expect((d.error as Error).message).toContain('written with 16 key groups');
      expect((d.error as Error).message).toContain(`keyGroups ${other ?? DEFAULT_KEY_GROUPS}`);
    }
  });

  it('refuses state of the layout without key groups instead of ignoring it', () => {
    const store = new InMemoryStore();
    store.put(new OperatorKeys('j').section(0x00), encodeValue({ watermark: 5, nextSeq: 3 }));
    const d = run(make, store, undefined, () => undefined);
    expect(d.error).toBeInstanceOf(JoinError);
    expect((d.error as Error).message).toMatch(/layout without key groups/);
  });

  it.each([0, -1, 1.5, 32_769, Number.NaN, '8'])('refuses keyGroups %p', (bad) => {
    const attempt = (): unknown => run(make, new InMemoryStore(), bad as number, () => undefined);
    expect(attempt).toThrow(JoinError);
    expect(attempt).toThrow(/option `keyGroups` must be an integer in \[1, 32768\]/);
  });
});
