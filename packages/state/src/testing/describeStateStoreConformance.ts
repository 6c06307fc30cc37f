import { conformanceChecks, type StoreFactory } from './conformanceChecks';

/**
 * Registers the StateStore contract as a jest `describe` block: ordering, scans at the edges and
 * under modification, copy semantics, snapshot isolation, encode/decode, restore across stores,
 * corruption handling, argument errors, sizes, typed helpers, and fast-check property tests
 * against a reference model. `InMemoryStore` runs it; a custom store proves itself by running it
 * unchanged.
 *
 * Call it at the top level of a jest test file (it uses jest's global `describe` and `it`).
 *
 * @param name - the describe block's title, usually the store's class name
 * @param factory - returns a fresh, empty store for each check
 *
 * @example
 * ```ts
 * // my-store.test.ts
 * import { describeStateStoreConformance } from '@weir/state/testing';
 * describeStateStoreConformance('MyStore', () => new MyStore());
 * ```
 */
export function describeStateStoreConformance(name: string, factory: StoreFactory): void {
  describe(`${name} conforms to the StateStore contract`, () => {
    for (const check of conformanceChecks) {
      it(check.name, () => check.run(factory), 60_000);
    }
  });
}
