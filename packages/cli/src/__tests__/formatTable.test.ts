import fc from 'fast-check';
import { CliError, formatTable, type TableOptions } from '../index';

describe('formatTable', () => {
  it('pads every column but the last and trims trailing spaces', () => {
    expect(formatTable([['ID', 'NAME', 'X'], ['100', 'a', ''], ['2', 'long name', 'z']], { indent: '> ' })).toBe('> ID   NAME       X\n> 100  a\n> 2    long name  z\n');
    expect(formatTable([])).toBe('');
  });

  it('underlines a header, aligns columns (header included) right on request, and takes the gap', () => {
    const rows = [
      ['page views', '86,400'],
      ['sessions', '5'],
    ];
    expect(formatTable(rows, { header: ['result', 'rows'], align: ['left', 'right'], gap: 3, indent: '  ' })).toBe(
      ['  result         rows', '  ----------   ------', '  page views   86,400', '  sessions          5', ''].join('\n'),
    );
    expect(formatTable([], { header: ['a', 'bb'] })).toBe('a  bb\n'); // no rows: no rule
  });

  it('measures terminal columns, not UTF-16 units', () => {
    expect(formatTable([['日本', 'x'], ['ab', 'y']])).toBe('日本  x\nab    y\n');
  });

  it('takes rows of different lengths', () => {
    expect(formatTable([['a', 'b', 'c'], ['dd'], ['e', 'f']])).toBe('a   b  c\ndd\ne   f\n');
  });

  it('lines up every column: each starts at the same place on every line', () => {
    const cell = fc.stringMatching(/^[a-z0-9]{0,8}$/);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((n) => fc.array(fc.array(cell, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 6 })), fc.integer({ min: 1, max: 4 }), (rows, gap) => {
        const lines = formatTable(rows, { gap }).split('\n').slice(0, -1);
        expect(lines).toHaveLength(rows.length);
        // the reference: column i starts after the widest cells of the columns before it and their
        // gaps (cli-table3 gives a column of empty cells a width of 1)
        const widths = rows[0]!.map((_, i) => Math.max(1, ...rows.map((r) => r[i]!.length)));
        rows.forEach((row, r) => {
          const expected = row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]! + gap))).join('').trimEnd();
          expect(lines[r]).toBe(expected);
        });
      }),
    );
  });

  it('rejects an unknown option and a bad gap', () => {
    expect(() => formatTable([['a']], { indnet: '  ' } as TableOptions)).toThrow(new CliError('formatTable: unknown option `indnet` (did you mean `indent`?)'));
    expect(() => formatTable([['a']], { gap: -1 })).toThrow(CliError);
    expect(() => formatTable([['a']], { gap: 1.5 })).toThrow('formatTable: gap must be a non-negative integer, got 1.5');
  });
});
