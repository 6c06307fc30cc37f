export { LmdbStore } from './LmdbStore';
export type { LmdbStoreOptions, LmdbSyncMode, LmdbExisting } from './LmdbStoreOptions';
