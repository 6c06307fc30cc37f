// Shared by the marble tests: a TestScheduler that compares with jest's deep equality
// (asymmetric matchers such as expect.objectContaining work inside expected values and errors).
import { TestScheduler } from 'rxjs/testing';

/**
 * What a record-level helper's error channel carries when its callback threw `cause`: a
 * StreamError `CALLBACK_FAILED` whose message matches `message` (operator, callback, record).
 */
export function callbackFailure(message: RegExp, cause: unknown): unknown {
  return expect.objectContaining({ name: 'StreamError', code: 'CALLBACK_FAILED', message: expect.stringMatching(message), cause });
}

export function newTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
}
