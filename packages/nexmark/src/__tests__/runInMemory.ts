// The in-memory run of a query the oracle tests share: one synchronous pipeline over the events
// (event time, no out-of-orderness), an InMemoryStore per store the query asks for.
import { from, lastValueFrom, tap, toArray } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import { values, withEventTime, type StreamElement } from '@weir/stream';
import { eventTime, type NexmarkEvent, type NexmarkQuery, type QueryContext } from '../index';

/** What {@link runInMemory} returns: the query's values, and the stores it made with their names. */
export interface InMemoryRun {
  readonly rows: unknown[];
  readonly stores: ReadonlyArray<readonly [string, InMemoryStore]>;
}

/** Runs `query` over `events` (`before` sees each element as it enters the query). */
export async function runInMemory(
  query: NexmarkQuery<unknown>,
  events: readonly NexmarkEvent[],
  ctx: Partial<QueryContext> = {},
  before?: (el: StreamElement<NexmarkEvent>) => void,
): Promise<InMemoryRun> {
  const stores: Array<[string, InMemoryStore]> = [];
  const store = (name: string): InMemoryStore => {
    const s = new InMemoryStore();
    stores.push([name, s]);
    return s;
  };
  const rows = await lastValueFrom(
    from(events).pipe(
      withEventTime(eventTime, { maxOutOfOrderness: 0 }),
      tap((el) => before?.(el)),
      query.build({ store, ...ctx }),
      values(),
      toArray(),
    ),
  );
  return { rows, stores };
}
