// Shared by the marble tests: a TestScheduler that compares with jest's deep equality
// (asymmetric matchers such as expect.objectContaining work inside expected values and errors).
import { TestScheduler } from 'rxjs/testing';

export function newTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
}
