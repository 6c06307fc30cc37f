import type { ConformanceCheck } from './ConformanceCheck';
import { entryChecks } from './entryChecks';
import { modelChecks } from './modelChecks';
import { operationChecks } from './operationChecks';
import { scanChecks } from './scanChecks';
import { snapshotChecks } from './snapshotChecks';

export type { ConformanceCheck, StoreFactory } from './ConformanceCheck';

/**
 * The StateStore contract as a list of checks. {@link describeStateStoreConformance} runs each
 * as a jest test; they are plain functions, so any harness can run them.
 *
 * @example
 * ```ts
 * for (const check of conformanceChecks) check.run(() => new MyStore());
 * ```
 */
export const conformanceChecks: readonly ConformanceCheck[] = [
  ...entryChecks,
  ...scanChecks,
  ...snapshotChecks,
  ...operationChecks,
  ...modelChecks,
];
