import type { ConformanceCheck } from './ConformanceCheck';
import { compareBytes } from '../bytes';
import { prefixSuccessor } from '../prefixSuccessor';
import type { Entry } from '../Entry';
import { b, ok, hexOf, sameEntries, all } from './conformanceAssertions';

/** Scans: prefix and range bounds at the edges, and scans as stable views under writes. */
export const scanChecks: readonly ConformanceCheck[] = [
  {
    name: 'prefixScan at the edges: empty prefix, 0xFF bytes, no match',
    run(factory) {
      const s = factory();
      const keys = [b(), b(1), b(1, 0xff), b(1, 0xff, 0), b(1, 0xff, 0xff), b(2), b(0xff), b(0xff, 0xff), b(0xff, 0xff, 1)];
      for (const k of keys) s.put(k, b(k.length));
      const expect = (p: Uint8Array): Entry[] =>
        [...keys]
          .filter((k) => k.length >= p.length && compareBytes(k.subarray(0, p.length), p) === 0)
          .sort(compareBytes)
          .map((k) => [k, b(k.length)] as const);
      for (const p of [b(), b(1), b(1, 0xff), b(1, 0xff, 0xff), b(0xff), b(0xff, 0xff), b(3), b(1, 0xff, 0, 0)]) {
        sameEntries(s.prefixScan(p), expect(p), `prefixScan(${hexOf(p)})`);
        const end = prefixSuccessor(p);
        sameEntries(s.rangeScan(p, end), expect(p), `rangeScan(prefix, prefixSuccessor(prefix)) for ${hexOf(p)}`);
      }
    },
  },
  {
    name: 'rangeScan includes start, excludes end, and handles empty, inverted and open ranges',
    run(factory) {
      const s = factory();
      for (let i = 0; i < 10; i++) s.put(b(i * 10), b(i));
      const keysOf = (it: Iterable<Entry>): number[] => [...it].map(([k]) => k[0]!);
      const eq = (a: number[], e: number[], what: string): void =>
        ok(a.join() === e.join(), `${what}: expected [${e.join()}], got [${a.join()}]`);
      eq(keysOf(s.rangeScan(b(20), b(50))), [20, 30, 40], 'rangeScan(20, 50)');
      eq(keysOf(s.rangeScan(b(21), b(50, 0))), [30, 40, 50], 'rangeScan(21, 50 00)');
      eq(keysOf(s.rangeScan(b(30), b(30))), [], 'start == end');
      eq(keysOf(s.rangeScan(b(60), b(30))), [], 'start > end');
      eq(keysOf(s.rangeScan(b(75))), [80, 90], 'open end');
      eq(keysOf(s.rangeScan(b(), b(0xff))), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90], 'everything');
      eq(keysOf(s.rangeScan(b(91), b(0xff))), [], 'after the last key');
    },
  },
  {
    name: 'a scan is a stable view while the store is modified during iteration',
    run(factory) {
      for (const count of [10, 1000]) {
        const s = factory();
        for (let i = 0; i < count; i++) s.put(b(1, i >> 8, i & 0xff), b(i & 0xff));
        const before = all(s).map(([k, v]) => [k.slice(), v.slice()] as const);
        const seen: Entry[] = [];
        const lastKey = before[before.length - 1]![0];
        const nextToLast = before[before.length - 2]![0];
        for (const entry of s.prefixScan(b(1))) {
          seen.push([entry[0].slice(), entry[1].slice()]);
          s.delete(entry[0]); // deleting what was just yielded
          s.put(b(1, 0xff, seen.length & 0xff, 0), b(0)); // inserting ahead of the cursor
          s.put(b(1, 0, 0), b(0xee)); // overwriting behind it
          if (seen.length === 1) {
            s.delete(lastKey); // deleting ahead of the cursor
            s.put(nextToLast, b(0xee, 0xee)); // overwriting ahead of it
          }
        }
        sameEntries(seen, before, `entries seen by a scan of ${count} entries under modification`);
      }
    },
  },
];
