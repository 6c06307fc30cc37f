export { WindowError } from './WindowError';
export type { WindowErrorCode } from './WindowError';
export { MIN_TIMESTAMP, MAX_TIMESTAMP, MAX_WINDOW_SIZE } from './limits';
export type { Window } from './Window';
export {
  createWindow,
  maxTimestamp,
  windowContains,
  windowsOverlap,
  coverWindows,
  windowEquals,
  compareWindows,
  formatWindow,
} from './Window';
export type { WindowAssigner, SingleWindowAssigner, WindowAssignerKind } from './assigners/WindowAssigner';
export { floorMod } from './assigners/floorMod';
export { tumblingWindows } from './assigners/tumblingWindows';
export type { TumblingWindowAssigner } from './assigners/tumblingWindows';
export { hoppingWindows } from './assigners/hoppingWindows';
export type { HoppingWindowAssigner } from './assigners/hoppingWindows';
export { gcd, paneSizeOf, paneStart, paneOf, panesOfWindow } from './assigners/panes';
export { cumulativeWindows } from './assigners/cumulativeWindows';
export type { CumulativeWindowAssigner } from './assigners/cumulativeWindows';
export { calendarWindows } from './assigners/calendarWindows';
export type { CalendarWindowAssigner, CalendarUnit, CalendarWindowOptions } from './assigners/calendarWindows';
export { sessionWindowOf } from './assigners/sessionWindowOf';
export { mergeSessions } from './assigners/mergeSessions';
export type { SessionMerge } from './assigners/mergeSessions';
export * from './operators';
export * from './aggregates';
