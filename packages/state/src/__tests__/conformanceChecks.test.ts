import { StateSnapshot, type Entry, type StateStore } from '@weir/state';
import { ReferenceStore, conformanceChecks } from '@weir/state/testing';
import { compareBytes } from '../bytes';

// The conformance suite must be able to fail: each broken store below violates one rule of the
// contract, and at least one named check has to catch it.

function failingChecks(factory: () => StateStore): string[] {
  const failed: string[] = [];
  for (const check of conformanceChecks) {
    try {
      check.run(factory);
    } catch {
      failed.push(check.name);
    }
  }
  return failed;
}

class KeepsReferences extends ReferenceStore {
  private refs = new Map<string, Entry>();
  override put(key: Uint8Array, value: Uint8Array): void {
    super.put(key, value);
    this.refs.set(Buffer.from(key).toString('hex'), [key, value]);
  }
  override get(key: Uint8Array): Uint8Array | undefined {
    const live = this.refs.get(Buffer.from(key).toString('hex'));
    return super.get(key) === undefined ? undefined : live?.[1];
  }
}

function compareSigned(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = ((a[i]! << 24) >> 24) - ((b[i]! << 24) >> 24);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

class SignedOrder extends ReferenceStore {
  override prefixScan(prefix: Uint8Array): IterableIterator<Entry> {
    return [...super.prefixScan(prefix)]
      .sort((a, b) => compareSigned(a[0], b[0]))
      [Symbol.iterator]();
  }
}

class InclusiveEnd extends ReferenceStore {
  override rangeScan(start: Uint8Array, end?: Uint8Array): IterableIterator<Entry> {
    const extra = end === undefined ? [] : [...super.prefixScan(new Uint8Array(0))].filter(([k]) => compareBytes(k, end) === 0);
    return [...super.rangeScan(start, end), ...extra][Symbol.iterator]();
  }
}

class LiveSnapshot extends ReferenceStore {
  override snapshot(): StateSnapshot {
    const fake = Object.create(StateSnapshot.prototype) as StateSnapshot;
    const live = (): StateSnapshot => super.snapshot();
    return Object.assign(fake, {
      len: () => live().len(),
      sizeBytes: () => live().sizeBytes(),
      entries: () => live().entries(),
      encode: () => live().encode(),
    });
  }
}

class HalfRestore extends ReferenceStore {
  override restore(snapshot: StateSnapshot | Uint8Array): void {
    this.clear();
    super.restore(snapshot);
  }
}

class LazyScan extends ReferenceStore {
  override prefixScan(prefix: Uint8Array): IterableIterator<Entry> {
    const self = this;
    return (function* () {
      const keys = [...ReferenceStore.prototype.prefixScan.call(self, prefix)].map(([k]) => k);
      for (const k of keys) {
        const v = self.get(k);
        if (v !== undefined) yield [k, v] as const;
      }
    })();
  }
}

class NoArgumentChecks extends ReferenceStore {
  override get(key: Uint8Array): Uint8Array | undefined {
    if (!(key instanceof Uint8Array)) return undefined;
    return super.get(key);
  }
}

describe('conformanceChecks', () => {
  it('pass for the reference model itself', () => {
    expect(failingChecks(() => new ReferenceStore())).toEqual([]);
  });

  it.each([
    ['a store that keeps references to put inputs', () => new KeepsReferences(), 'put copies its inputs and never mutates returned values'],
    ['a store ordered by signed bytes', () => new SignedOrder(), 'keys are ordered by unsigned byte order, shorter prefixes first'],
    ['a store whose range end is inclusive', () => new InclusiveEnd(), 'rangeScan includes start, excludes end, and handles empty, inverted and open ranges'],
    ['a store whose snapshot is a live view', () => new LiveSnapshot(), 'a snapshot is isolated from later writes and can be restored more than once'],
    ['a store that clears before validating a restore', () => new HalfRestore(), 'a corrupt or foreign snapshot throws CORRUPTION and leaves the store unchanged'],
    ['a store whose scans read live state', () => new LazyScan(), 'a scan is a stable view while the store is modified during iteration'],
    ['a store that ignores bad arguments', () => new NoArgumentChecks(), 'bad arguments throw a clear TypeError or StateError'],
  ])('catch %s', (_what, factory, expectedFailure) => {
    expect(failingChecks(factory)).toContain(expectedFailure);
  });
});
