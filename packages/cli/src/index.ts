// @weir/cli: the `weir` command-line tool, and its commands as functions (for tests and for
// embedding in other tools): each takes its options and a CliIO and returns the exit code; and
// formatTable, the plain-text table every listing of the repository prints.
export { run, main, HELP } from './cli';
export { checkpointsCommand, checkpointsTable, checkpointJson } from './commands/checkpoints';
export type { CheckpointsOptions } from './commands/checkpoints';
export { inspectCommand, DEFAULT_LIMIT } from './commands/inspect';
export type { InspectOptions } from './commands/inspect';
export { topCommand, statusUrlOf, DEFAULT_TOP_INTERVAL_MS } from './commands/top';
export type { TopOptions } from './commands/top';
export { topFrame } from './commands/topFrame';
export { CliError, EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from './io';
export type { CliIO } from './io';
export { formatTable } from './formatTable';
export type { TableOptions } from './formatTable';
export {
  formatBytes,
  formatTime,
  formatKey,
  formatKeyPart,
  formatValue,
  formatData,
  decodeKey,
  hexLiteral,
  parseHex,
  hasPrefix,
} from './format';
export type { DecodedKey } from './format';
