// Test helper: LmdbStores in a temporary directory, each in its own subdirectory, all closed and
// deleted after the test file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbStore, type LmdbStoreOptions } from '../index';

export interface TestStores {
  /** A new store in a fresh directory (options as given, `path` filled in). */
  open(options?: Partial<LmdbStoreOptions>): LmdbStore;
  /** A fresh directory path (not created). */
  dir(): string;
  /** Closes every store opened and deletes the directory. */
  cleanup(): Promise<void>;
}

export function testStores(name: string): TestStores {
  const root = mkdtempSync(join(tmpdir(), `weir-lmdb-${name}-`));
  const stores: LmdbStore[] = [];
  let n = 0;
  return {
    open(options = {}) {
      const store = new LmdbStore({ path: join(root, `store-${n++}`), ...options });
      stores.push(store);
      return store;
    },
    dir() {
      return join(root, `dir-${n++}`);
    },
    async cleanup() {
      for (const s of stores) await s.close().catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
