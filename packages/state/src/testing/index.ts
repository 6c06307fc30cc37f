export { describeStateStoreConformance } from './describeStateStoreConformance';
export { conformanceChecks } from './conformanceChecks';
export type { ConformanceCheck, StoreFactory } from './conformanceChecks';
export { ReferenceStore } from './ReferenceStore';
export { stateErrorCode } from './stateErrorCode';
