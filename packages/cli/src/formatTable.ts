// The one plain-text table of the repository: the `weir` command's listings, the example jobs'
// summaries and the benchmarks' reports all lay their columns out here.
import Table from 'cli-table3';
import { checkOptionKeys, optionKeys } from '@weir/state';
import { CliError } from './io';

/** How {@link formatTable} lays out its rows. */
export interface TableOptions {
  /**
   * A header row, printed first and underlined with dashes as wide as each column
   * (default: none; a header can also be passed as the first row, then it is not underlined).
   */
  readonly header?: readonly string[];
  /** Printed before every line, e.g. `'  '` to nest the table under a heading (default `''`). */
  readonly indent?: string;
  /** Spaces between two columns (default 2). */
  readonly gap?: number;
  /** Alignment of each column, by position; a column not listed is left-aligned. */
  readonly align?: ReadonlyArray<'left' | 'right'>;
}

const TABLE_OPTION_KEYS = optionKeys<TableOptions>({ header: true, indent: true, gap: true, align: true });

/** Box-drawing characters cli-table3 draws around and between cells: none here. */
const NO_BORDER = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '',
} as const;

/**
 * Lays `rows` out as aligned columns, `gap` spaces apart, each line prefixed by `indent` and
 * trimmed at the end (so the last column is not padded). Cell widths are terminal columns
 * (cli-table3 measures with string-width): wide characters and ANSI colours keep the columns
 * straight. Rows may differ in length. Returns the lines, each ending with a newline; no rows
 * and no header give `''`. Cost: O(total characters).
 *
 * cli-table3 draws the columns; this function only turns its borders off, so that every table
 * of the repository looks the same.
 *
 * @throws CliError when an option is unknown or `gap` is not a non-negative integer
 *
 * @example
 * ```ts
 * formatTable([['12', 'ok']], { header: ['ID', 'STATUS'], indent: '  ' });
 * // "  ID  STATUS\n  --  ------\n  12  ok\n"
 * formatTable([['a', 1_000]].map(([k, n]) => [String(k), n.toLocaleString('en-US')]), { align: ['left', 'right'] });
 * // "a  1,000\n"
 * ```
 */
export function formatTable(rows: ReadonlyArray<readonly string[]>, options: TableOptions = {}): string {
  checkOptionKeys('formatTable', options, TABLE_OPTION_KEYS, (message) => new CliError(message));
  const { header, indent = '', gap = 2, align = [] } = options;
  if (!Number.isSafeInteger(gap) || gap < 0) throw new CliError(`formatTable: gap must be a non-negative integer, got ${String(gap)}`);
  if (rows.length === 0 && header === undefined) return '';
  const space = ' '.repeat(gap);
  const table = new Table({
    ...(header === undefined ? {} : { head: [...header] }),
    chars: header === undefined ? { ...NO_BORDER, middle: space } : { ...NO_BORDER, middle: space, mid: '-', 'mid-mid': space },
    colAligns: [...align],
    // compact: no rule between body rows, only the one under the header
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  table.push(...rows.map((row) => [...row]));
  return table
    .toString()
    .split('\n')
    .map((line) => `${indent}${line}`.trimEnd() + '\n')
    .join('');
}
