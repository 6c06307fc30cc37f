import { CheckpointError } from '../CheckpointError';
import type { CheckpointData, CheckpointInfo, CheckpointStorage } from '../CheckpointStorage';
import { loadLatestCheckpoint } from '../loadLatestCheckpoint';
import { sampleCheckpoint } from './checkpointFixtures';

// loadLatestCheckpoint against a scripted storage: which failures it falls back past and which
// it does not. (Against the real storages: checkpointStorage.test.ts, FileCheckpointStorage.test.ts.)

function info(id: number, valid = true, reason?: string): CheckpointInfo {
  return { id, time: id, bytes: 0, stores: [], sources: {}, valid, ...(reason === undefined ? {} : { reason }) };
}

function scripted(infos: CheckpointInfo[], load: (id: number) => CheckpointData): CheckpointStorage & { loaded: number[] } {
  const loaded: number[] = [];
  return {
    loaded,
    describe: () => 'scripted checkpoints',
    save: () => Promise.reject(new Error('unused')),
    list: async () => infos,
    load: async (id) => {
      loaded.push(id);
      return load(id);
    },
  };
}

describe('loadLatestCheckpoint', () => {
  it('loads the newest valid checkpoint only, even from an unordered list', async () => {
    const s = scripted([info(1), info(3), info(2)], sampleCheckpoint);
    expect(await loadLatestCheckpoint(s)).toEqual(sampleCheckpoint(3));
    expect(s.loaded).toEqual([3]);
  });

  it('skips checkpoints listed invalid without loading them, logging their reason', async () => {
    const s = scripted([info(3, false, 'store-1.state: checksum mismatch'), info(2, false), info(1)], sampleCheckpoint);
    const log = jest.fn();
    expect((await loadLatestCheckpoint(s, log))?.id).toBe(1);
    expect(s.loaded).toEqual([1]);
    expect(log.mock.calls).toEqual([
      ['skipping checkpoint 3: store-1.state: checksum mismatch'],
      ['skipping checkpoint 2: invalid'],
      ['restoring checkpoint 1 (scripted checkpoints), after skipping 2 newer one(s)'],
    ]);
  });

  it('falls back when load finds a checkpoint corrupt or gone after list said it was fine', async () => {
    const s = scripted([info(3), info(2), info(1)], (id) => {
      if (id === 3) throw new CheckpointError('CORRUPT_CHECKPOINT', 'checkpoint 3 is corrupt: store-0.state: missing');
      if (id === 2) throw new CheckpointError('NO_CHECKPOINT', 'no checkpoint 2');
      return sampleCheckpoint(id);
    });
    const log = jest.fn();
    expect((await loadLatestCheckpoint(s, log))?.id).toBe(1);
    expect(log.mock.calls.map(([m]) => m)).toEqual([
      'skipping checkpoint 3: checkpoint 3 is corrupt: store-0.state: missing',
      'skipping checkpoint 2: no checkpoint 2',
      expect.stringMatching(/^restoring checkpoint 1/),
    ]);
  });

  it('does not fall back past other failures: IO errors and foreign errors reject', async () => {
    const io = new CheckpointError('IO', 'cannot read: EIO');
    const s = scripted([info(2), info(1)], () => {
      throw io;
    });
    await expect(loadLatestCheckpoint(s)).rejects.toBe(io);
    expect(s.loaded).toEqual([2]);
    const boom = new TypeError('boom');
    await expect(
      loadLatestCheckpoint(
        scripted([info(2), info(1)], () => {
          throw boom;
        }),
      ),
    ).rejects.toBe(boom);
  });

  it('rejects when list does', async () => {
    const io = new CheckpointError('IO', 'cannot list');
    const s: CheckpointStorage = { ...scripted([], sampleCheckpoint), list: () => Promise.reject(io) };
    await expect(loadLatestCheckpoint(s)).rejects.toBe(io);
  });

  it('is undefined, logging nothing, when there is no checkpoint', async () => {
    const log = jest.fn();
    expect(await loadLatestCheckpoint(scripted([], sampleCheckpoint), log)).toBeUndefined();
    expect(log).not.toHaveBeenCalled();
  });

  it('is undefined, saying so, when every checkpoint is invalid', async () => {
    const log = jest.fn();
    expect(await loadLatestCheckpoint(scripted([info(2, false, 'x'), info(1, false, 'y')], sampleCheckpoint), log)).toBeUndefined();
    expect(log).toHaveBeenLastCalledWith('no valid checkpoint (scripted checkpoints): all 2 skipped');
  });
});
