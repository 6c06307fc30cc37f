// LmdbStore runs the StateStore conformance suite of @weir/state unchanged, with the default
// write batch (everything pending until a snapshot or flush) and with a batch of 3 (commits
// inside nearly every sequence, so scans and snapshots merge committed and pending writes).
import { describeStateStoreConformance } from '@weir/state/testing';
import { testStores } from './testStores';

const stores = testStores('conformance');
afterAll(() => stores.cleanup());

describeStateStoreConformance('LmdbStore', () => stores.open());
describeStateStoreConformance('LmdbStore (writeBatch 3)', () => stores.open({ writeBatch: 3 }));
