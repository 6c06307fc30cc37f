import { table } from '../common/table';

describe('table', () => {
  it('underlines the header, right-aligns number columns with thousands separators, left-aligns the rest', () => {
    expect(
      table(
        ['result', 'rows', 'files'],
        [
          ['page views', 86_400, 'out/views/'],
          ['sessions', 5, 'out/sessions/'],
        ],
      ),
    ).toBe(['  result         rows   files', '  ----------   ------   -------------', '  page views   86,400   out/views/', '  sessions          5   out/sessions/'].join('\n'));
  });

  it('a column mixing numbers and text is left-aligned', () => {
    expect(table(['k', 'v'], [['a', 1], ['b', '-']], '')).toBe(['k   v', '-   -', 'a   1', 'b   -'].join('\n'));
  });
});
