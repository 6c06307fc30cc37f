import fc from 'fast-check';
import { GroupColumn } from '../../operators/GroupColumn';

// A column must read back exactly what a plain array would, whatever mix of numbers (including
// -0, NaN, doubles and values past int32) and other values is pushed and set, and in any order.
describe('GroupColumn', () => {
  const value = fc.oneof(
    { weight: 6, arbitrary: fc.double() },
    { weight: 3, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(-0, NaN, 2 ** 53, -(2 ** 40)) },
    { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constant(null), fc.record({ n: fc.integer() }), fc.bigInt()) },
  );
  const op = fc.oneof(
    fc.record({ push: value }),
    fc.record({ set: fc.nat(), to: value }),
  );

  it('reads back what an array holds after any pushes and sets', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const column = new GroupColumn<unknown>();
        const model: unknown[] = [];
        for (const o of ops) {
          if ('push' in o) expect(column.push(o.push)).toBe(model.push(o.push) - 1);
          else if (model.length > 0) {
            const i = o.set % model.length;
            column.set(i, o.to);
            model[i] = o.to;
          }
          expect(column.length).toBe(model.length);
        }
        for (let i = 0; i < model.length; i++) expect(Object.is(column.at(i), model[i])).toBe(true);
      }),
    );
  });

  it('keeps the same object, not a copy, once it holds objects', () => {
    const column = new GroupColumn<unknown>();
    column.push(1);
    const acc = { n: 1 };
    column.push(acc);
    expect(column.at(1)).toBe(acc);
    expect(column.at(0)).toBe(1);
  });

  it('grows past its first capacity with numbers only', () => {
    const column = new GroupColumn<number>();
    for (let i = 0; i < 1000; i++) column.push(i * 1.5);
    column.set(999, -0);
    expect(column.length).toBe(1000);
    expect(column.at(500)).toBe(750);
    expect(Object.is(column.at(999), -0)).toBe(true);
  });
});
