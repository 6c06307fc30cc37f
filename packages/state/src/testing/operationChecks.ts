import type { ConformanceCheck } from './ConformanceCheck';
import { getTyped, putTyped, update } from '../typedAccess';
import { b, ok, sameBytes, all, throwsClearly } from './conformanceAssertions';

/** The other operations: argument errors, getOrInsert, clear and flush, the typed helpers. */
export const operationChecks: readonly ConformanceCheck[] = [
  {
    name: 'bad arguments throw a clear TypeError or StateError',
    run(factory) {
      const s = factory();
      const bad: unknown[] = ['abc', 42, null, undefined, [1, 2], {}, new Uint16Array(2)];
      for (const x of bad) {
        const k = x as Uint8Array;
        throwsClearly(() => s.get(k), `get(${String(x)})`);
        throwsClearly(() => s.put(k, b(1)), `put(${String(x)}, value)`);
        throwsClearly(() => s.put(b(1), k), `put(key, ${String(x)})`);
        throwsClearly(() => s.delete(k), `delete(${String(x)})`);
        throwsClearly(() => s.contains(k), `contains(${String(x)})`);
        throwsClearly(() => s.prefixScan(k), `prefixScan(${String(x)})`);
        throwsClearly(() => s.rangeScan(k, b(1)), `rangeScan(${String(x)}, end)`);
        throwsClearly(() => s.getOrInsert(k, b(1)), `getOrInsert(${String(x)}, value)`);
      }
      ok(s.isEmpty(), 'failed calls must not leave entries behind');
    },
  },
  {
    name: 'getOrInsert returns the existing value or inserts a copy of the default',
    run(factory) {
      const s = factory();
      const d = b(5);
      sameBytes(s.getOrInsert(b(1), d), b(5), 'getOrInsert on a missing key');
      d[0] = 6;
      sameBytes(s.get(b(1)), b(5), 'the default is copied');
      sameBytes(s.getOrInsert(b(1), b(7)), b(5), 'getOrInsert on a present key');
      ok(s.len() === 1, 'getOrInsert on a present key inserts nothing');
    },
  },
  {
    name: 'clear empties the store; flush keeps its contents',
    run(factory) {
      const s = factory();
      for (let i = 0; i < 20; i++) s.put(b(i), b(i));
      const snap = s.snapshot();
      s.flush();
      ok(s.len() === 20, 'flush must not change the contents');
      s.clear();
      ok(s.isEmpty() && s.sizeBytes() === 0 && all(s).length === 0 && s.get(b(3)) === undefined, 'cleared');
      ok(snap.len() === 20, 'a snapshot taken before clear is intact');
      s.put(b(1), b(2));
      sameBytes(s.get(b(1)), b(2), 'the store is usable after clear');
    },
  },
  {
    name: 'typed helpers (msgpack) work on the store',
    run(factory) {
      const s = factory();
      putTyped(s, b(1), { count: 3, sum: 1.5, tags: ['a'] });
      const v = getTyped<{ count: number; sum: number; tags: string[] }>(s, b(1));
      ok(v?.count === 3 && v.sum === 1.5 && v.tags[0] === 'a', `getTyped returned ${JSON.stringify(v)}`);
      update<number>(s, b(2), (n) => (n ?? 0) + 1);
      update<number>(s, b(2), (n) => (n ?? 0) + 1);
      ok(getTyped<number>(s, b(2)) === 2, 'update as a counter');
      update<number>(s, b(2), () => undefined);
      ok(!s.contains(b(2)), 'update returning undefined deletes');
    },
  },
];
