import { nextInt } from './eventRandom';
import { NUM_ACTIVE_PEOPLE, PERSON_ID_LEAD, PERSON_PROPORTION, TOTAL_PROPORTION } from './modelConstants';

/**
 * The id (counted from 0, i.e. before adding `FIRST_PERSON_ID`) of the last person created at or
 * before event number `n`: the person `n` creates if `n` is a person event. Exactly the model's
 * `PersonGenerator.lastBase0PersonId`. It is -1 for no event (event 0 is always a person). O(1).
 *
 * @param n - an event number (a non-negative safe integer)
 *
 * @example
 * ```ts
 * lastBase0PersonId(0);   // 0  (event 0 creates person 1000)
 * lastBase0PersonId(49);  // 0
 * lastBase0PersonId(50);  // 1
 * ```
 */
export function lastBase0PersonId(n: number): number {
  let offset = n % TOTAL_PROPORTION;
  const epoch = (n - offset) / TOTAL_PROPORTION;
  // about to generate an auction or a bid: go back to the last person of this epoch
  if (offset >= PERSON_PROPORTION) offset = PERSON_PROPORTION - 1;
  return epoch * PERSON_PROPORTION + offset;
}

/**
 * A random person (base 0) for an auction's seller or a bid's bidder, as the model's
 * `nextBase0PersonId`: uniform over the `NUM_ACTIVE_PEOPLE` most recent people plus
 * `PERSON_ID_LEAD` ids not yet created. Draws one random number. O(1).
 *
 * @param lastPerson - `lastBase0PersonId(n)` of the event being generated
 */
export function nextBase0PersonId(lastPerson: number): number {
  const numPeople = lastPerson + 1;
  const activePeople = Math.min(numPeople, NUM_ACTIVE_PEOPLE);
  return numPeople - activePeople + nextInt(activePeople + PERSON_ID_LEAD);
}
