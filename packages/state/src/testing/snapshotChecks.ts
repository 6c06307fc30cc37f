import type { ConformanceCheck } from './ConformanceCheck';
import { StateSnapshot } from '../StateSnapshot';
import { ReferenceStore } from './ReferenceStore';
import { b, utf, ok, entriesHex, sameEntries, all, throwsCode } from './conformanceAssertions';

/** Snapshots: isolation, encoding, restoring across stores, corrupt input. */
export const snapshotChecks: readonly ConformanceCheck[] = [
  {
    name: 'a snapshot is isolated from later writes and can be restored more than once',
    run(factory) {
      const s = factory();
      for (let i = 0; i < 300; i++) s.put(b(i >> 8, i & 0xff), b(i & 0xff, 1));
      const expected = all(s).map(([k, v]) => [k.slice(), v.slice()] as const);
      const size = s.sizeBytes();
      const snap = s.snapshot();
      for (let i = 0; i < 300; i += 2) s.delete(b(i >> 8, i & 0xff));
      for (let i = 1; i < 300; i += 2) s.put(b(i >> 8, i & 0xff), b(0));
      s.put(b(9, 9), b(9));
      ok(snap.len() === 300, `snapshot len changed to ${snap.len()} after writes`);
      sameEntries(snap.entries(), expected, 'snapshot entries after later writes');
      s.restore(snap);
      sameEntries(all(s), expected, 'store after restore');
      ok(s.len() === 300 && s.sizeBytes() === size, 'len and sizeBytes after restore');
      s.clear();
      s.put(b(1), b(1));
      s.restore(snap);
      sameEntries(all(s), expected, 'store after a second restore of the same snapshot');
      s.put(b(0, 0), b(0xaa));
      sameEntries(snap.entries(), expected, 'snapshot after writes that follow a restore');
    },
  },
  {
    name: 'snapshots encode and decode, and restore across stores',
    run(factory) {
      const s = factory();
      for (let i = 0; i < 200; i++) s.put(utf(`key-${i}`), utf(`value-${i * 7}`));
      const expected = all(s).map(([k, v]) => [k.slice(), v.slice()] as const);
      const bytes = s.snapshot().encode();
      const decoded = StateSnapshot.decode(bytes);
      sameEntries(decoded.entries(), expected, 'decoded snapshot');
      const fresh = factory();
      fresh.restore(bytes);
      sameEntries(all(fresh), expected, 'a fresh store restored from bytes');
      const foreign = StateSnapshot.fromEntries([[b(3), b(4)], [b(1), b(2)]]);
      fresh.restore(foreign);
      sameEntries(all(fresh), [[b(1), b(2)], [b(3), b(4)]], 'restore of a snapshot built by another store');
      const reference = new ReferenceStore();
      reference.restore(s.snapshot());
      sameEntries(all(reference), expected, 'the reference store restored from this store');
    },
  },
  {
    name: 'a corrupt or foreign snapshot throws CORRUPTION and leaves the store unchanged',
    run(factory) {
      const source = factory();
      for (let i = 0; i < 50; i++) source.put(b(i), b(i, i));
      const good = source.snapshot().encode();
      const s = factory();
      s.put(b(42), b(42));
      const before = entriesHex(all(s));
      const flipped = good.slice();
      flipped[Math.floor(flipped.length / 2)]! ^= 0x10;
      const futureVersion = good.slice();
      futureVersion[9] = 99;
      const cases: Array<[string, unknown]> = [
        ['a flipped byte', flipped],
        ['a truncated snapshot', good.subarray(0, good.length - 7)],
        ['an empty byte array', b()],
        ['foreign bytes', utf('{"not":"a snapshot"} but long enough to have a header')],
        ['a snapshot of an unknown format version', futureVersion],
        ['a plain object', { entries: [] }],
        ['null', null],
      ];
      for (const [what, input] of cases) {
        throwsCode(() => s.restore(input as StateSnapshot), 'CORRUPTION', `restore of ${what}`);
        ok(entriesHex(all(s)).join() === before.join() && s.len() === 1, `the store changed after restore of ${what}`);
      }
      throwsCode(() => StateSnapshot.decode(flipped), 'CORRUPTION', 'decode of a flipped byte');
    },
  },
];
