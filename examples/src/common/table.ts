// Plain-text tables for the summaries the jobs print at the end, laid out by @weir/cli's
// formatTable (the repository's one table) with the jobs' own touch: counts with thousands
// separators, right-aligned.
import { formatTable } from '@weir/cli';

/**
 * Formats rows under an underlined header as aligned columns; a column whose cells are all
 * numbers is right-aligned and printed with thousands separators.
 *
 * @example
 * ```ts
 * console.log(table(['output', 'rows'], [['page views', 86_400], ['sessions', 125_001]]));
 * ```
 */
export function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>, indent = '  '): string {
  const cells = rows.map((row) => row.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)));
  const align = header.map((_, i) => (rows.length > 0 && rows.every((row) => typeof row[i] === 'number') ? 'right' : 'left'));
  return formatTable(cells, { header, indent, gap: 3, align }).trimEnd();
}
