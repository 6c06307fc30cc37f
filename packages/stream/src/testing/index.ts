export { CheckpointRecorder } from './CheckpointRecorder';
export { eventScriptArb, ScriptDriver } from './eventScript';
export type { ScriptItem, ScriptStep } from './eventScript';
export { checkLatenessRule, lateByRule } from './checkLatenessRule';
export type { LatenessSubject } from './checkLatenessRule';
export { checkCountersContinue } from './checkCountersContinue';
export type { RestorableSubject } from './checkCountersContinue';
