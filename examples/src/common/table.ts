// Plain-text tables for the summaries the jobs print at the end.

/**
 * Formats rows under a header as aligned columns; numbers are right-aligned and printed with
 * thousands separators.
 *
 * @example
 * ```ts
 * console.log(table(['output', 'rows'], [['page views', 86_400], ['sessions', 125_001]]));
 * ```
 */
export function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>, indent = '  '): string {
  const cells = rows.map((row) => row.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number'));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string =>
    indent +
    row
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  const rule = indent + widths.map((w) => '-'.repeat(w)).join('   ');
  return [line(header), rule, ...cells.map(line)].join('\n');
}
