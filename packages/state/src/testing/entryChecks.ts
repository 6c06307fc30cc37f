import type { ConformanceCheck } from './ConformanceCheck';
import { compareBytes } from '../bytes';
import { b, utf, ok, sameBytes, sameEntries, all, checkSizeBytes } from './conformanceAssertions';

/** Entries one at a time: reads, writes, deletes, counts, copying, key order. */
export const entryChecks: readonly ConformanceCheck[] = [
  {
    name: 'a new store is empty',
    run(factory) {
      const s = factory();
      ok(s.len() === 0 && s.isEmpty(), 'len() must be 0 and isEmpty() true');
      ok(s.sizeBytes() === 0, `sizeBytes() of an empty store must be 0, got ${s.sizeBytes()}`);
      ok(s.get(b(1)) === undefined && !s.contains(b(1)), 'get/contains of a missing key');
      ok(all(s).length === 0 && [...s.rangeScan(b(), b(0xff))].length === 0, 'scans of an empty store yield nothing');
    },
  },
  {
    name: 'put, get, contains, overwrite, delete and their counts',
    run(factory) {
      const s = factory();
      s.put(utf('a'), utf('1'));
      s.put(utf('b'), utf('22'));
      sameBytes(s.get(utf('a')), utf('1'), 'get(a)');
      ok(s.contains(utf('b')) && !s.contains(utf('c')), 'contains');
      ok(s.len() === 2 && !s.isEmpty(), `len after two puts: ${s.len()}`);
      checkSizeBytes(s, 5, 'after two puts');
      s.put(utf('a'), utf('333'));
      sameBytes(s.get(utf('a')), utf('333'), 'get(a) after overwrite');
      ok(s.len() === 2, 'an overwrite does not change len');
      checkSizeBytes(s, 7, 'after overwrite');
      ok(s.delete(utf('a')) === true, 'delete of a present key returns true');
      ok(s.delete(utf('a')) === false, 'delete of a missing key returns false');
      ok(s.get(utf('a')) === undefined && s.len() === 1, 'deleted key is gone');
      s.delete(utf('b'));
      ok(s.isEmpty() && s.sizeBytes() === 0, 'store empty again after deleting everything');
    },
  },
  {
    name: 'empty keys and empty values are ordinary entries',
    run(factory) {
      const s = factory();
      s.put(b(), b());
      s.put(b(0), b());
      ok(s.contains(b()) && s.get(b())!.length === 0, 'empty key with empty value');
      sameEntries(all(s), [[b(), b()], [b(0), b()]], 'the empty key sorts first');
      ok(s.delete(b()) && s.len() === 1, 'the empty key can be deleted');
    },
  },
  {
    name: 'put copies its inputs and never mutates returned values',
    run(factory) {
      const s = factory();
      const key = b(1, 2, 3);
      const value = b(9, 9);
      s.put(key, value);
      key[0] = 7;
      value[0] = 0;
      sameBytes(s.get(b(1, 2, 3)), b(9, 9), 'value after mutating the put inputs');
      ok(s.get(b(7, 2, 3)) === undefined, 'mutating the key after put must not rename the entry');
      const got = s.get(b(1, 2, 3))!;
      s.put(b(1, 2, 3), b(5));
      sameBytes(got, b(9, 9), 'a value returned earlier after overwriting its key');
      const [scanned] = [...s.prefixScan(b(1))];
      s.put(b(1, 2, 3), b(6));
      sameBytes(scanned![1], b(5), 'a scanned value after overwriting its key');
    },
  },
  {
    name: 'keys are ordered by unsigned byte order, shorter prefixes first',
    run(factory) {
      const s = factory();
      const keys = [b(0xff), b(0x80), b(0x7f), b(0), b(0, 0), b(1), b(0x7f, 0xff), b(0x80, 0), b(0xff, 0xff, 0xff)];
      for (const k of keys) s.put(k, k);
      const sorted = [...keys].sort(compareBytes);
      sameEntries(all(s), sorted.map((k) => [k, k] as const), 'full scan order');
    },
  },
  {
    name: 'Buffers and offset views are compared by content',
    run(factory) {
      const s = factory();
      const backing = b(9, 9, 1, 2, 3, 9);
      s.put(backing.subarray(2, 5), Buffer.from([4]));
      sameBytes(s.get(b(1, 2, 3)), b(4), 'get with a plain array of the viewed bytes');
      sameBytes(s.get(Buffer.from([1, 2, 3])), b(4), 'get with a Buffer');
      ok(s.len() === 1 && all(s)[0]![0].length === 3, 'the stored key is the view, not its backing buffer');
    },
  },
];
