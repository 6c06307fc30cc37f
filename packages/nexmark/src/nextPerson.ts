import { nextInt } from './eventRandom';
import type { Person } from './model';
import { AVG_PERSON_BYTE_SIZE, FIRST_PERSON_ID } from './modelConstants';
import { CREDIT_CARD_GROUPS, CREDIT_CARD_POOL, EMAIL_COUNT, EMAIL_OFFSETS, EMAIL_POOL, PERSON_NAMES, US_CITIES, US_STATES } from './modelStrings';
import { nextExtra } from './nextString';

/**
 * The person that person event `n` creates, as the model's `PersonGenerator.nextPerson`; the
 * event's random generator must already be seeded. O(1), allocates the object and three slices.
 *
 * @param lastPerson - `lastBase0PersonId(n)`: the new person's id before `FIRST_PERSON_ID`
 * @param time - the event time
 */
export function nextPerson(lastPerson: number, time: number): Person {
  const name = PERSON_NAMES[nextInt(PERSON_NAMES.length)]!;
  const email = nextInt(EMAIL_COUNT);
  const emailAddress = EMAIL_POOL.substring(EMAIL_OFFSETS[email]!, EMAIL_OFFSETS[email + 1]!);
  const card = nextInt(CREDIT_CARD_GROUPS - 3) * 5;
  const creditCard = CREDIT_CARD_POOL.substring(card, card + 19);
  const city = US_CITIES[nextInt(US_CITIES.length)]!;
  const state = US_STATES[nextInt(US_STATES.length)]!;
  const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
  return {
    type: 'person',
    id: lastPerson + FIRST_PERSON_ID,
    name,
    emailAddress,
    creditCard,
    city,
    state,
    dateTime: time,
    extra: nextExtra(size, AVG_PERSON_BYTE_SIZE),
  };
}
