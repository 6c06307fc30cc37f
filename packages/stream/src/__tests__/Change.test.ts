import fc from 'fast-check';
import { applyChanges, insertRow, retractRow } from '../index';

describe('applyChanges', () => {
  it('keeps what was inserted and not retracted, with multiplicities', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 40 }), fc.array(fc.boolean(), { maxLength: 40 }), (rows, drop) => {
        const changes = rows.map(insertRow);
        const kept = new Map<number, number>();
        rows.forEach((r, i) => {
          if (drop[i]) changes.push(retractRow(r));
          else kept.set(r, (kept.get(r) ?? 0) + 1);
        });
        const got = applyChanges(changes, String);
        expect(new Map([...got.values()].map((v) => [v.row, v.count]))).toEqual(kept);
      }),
    );
  });

  it('refuses a retraction of a row not in the result, naming it', () => {
    expect(() => applyChanges([insertRow('a'), retractRow('b')], (r) => r)).toThrow(/not in the result: b/);
  });
});
