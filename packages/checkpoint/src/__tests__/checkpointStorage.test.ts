import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CheckpointStorage } from '../CheckpointStorage';
import { FileCheckpointStorage } from '../FileCheckpointStorage';
import { MemoryCheckpointStorage } from '../MemoryCheckpointStorage';
import { describeCheckpointStorageContract, type CheckpointStorageHarness } from '../testing';
import { chkName, flipByte, makeTempDir, removeTempDir } from './checkpointFixtures';

// The CheckpointStorage contract (@weir/checkpoint/testing), run against both storages of this package.

function fileHarness(): CheckpointStorageHarness {
  const dirs = new Map<CheckpointStorage, string>();
  const roots: string[] = [];
  return {
    async create(options) {
      const root = await makeTempDir();
      roots.push(root); // before the constructor, which may throw
      const dir = path.join(root, 'checkpoints');
      const storage = new FileCheckpointStorage(dir, { ...options, fsync: false });
      dirs.set(storage, dir);
      return storage;
    },
    async corrupt(storage, id) {
      await flipByte(path.join(dirs.get(storage)!, chkName(id), 'store-0.state'));
    },
    async crashDuringSave(storage, checkpoint) {
      // A crash after the first store file was written, before the manifest and the rename.
      const tmp = path.join(dirs.get(storage)!, `.tmp-chk-${String(checkpoint.id).padStart(12, '0')}-deadbeef`);
      await fs.mkdir(tmp, { recursive: true });
      await fs.writeFile(path.join(tmp, 'store-0.state'), Object.values(checkpoint.stores)[0] ?? new Uint8Array(0));
    },
    async cleanup() {
      for (const root of roots) await removeTempDir(root);
    },
  };
}

function memoryHarness(): CheckpointStorageHarness {
  return {
    async create(options) {
      return new MemoryCheckpointStorage(options);
    },
    async corrupt(storage, id) {
      (storage as MemoryCheckpointStorage).corrupt(id);
    },
    async crashDuringSave(storage, checkpoint) {
      (storage as MemoryCheckpointStorage).failNextSave();
      await expect(storage.save(checkpoint)).rejects.toMatchObject({ code: 'IO' });
    },
    async cleanup() {},
  };
}

describeCheckpointStorageContract('FileCheckpointStorage', fileHarness);
describeCheckpointStorageContract('MemoryCheckpointStorage', memoryHarness);
