import { filterRecords, flatMapRecords } from '@weir/stream';
import { aggregate, tumblingWindow } from '@weir/window';
import type { Auction, NexmarkEvent, Person } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';

/** A person who opened an auction in the window they registered in (q8's rows). */
export interface NewUser {
  readonly id: number;
  readonly name: string;
  /** The window's start. */
  readonly starttime: number;
}

const SIZE = 10_000;

/** Per person and window: the name if they registered in it, whether they opened an auction. */
type Seen = [name: string | null, auctions: number];

const newUser = aggregate<Person | Auction, Seen, Seen>({
  name: 'newUser',
  create: () => [null, 0],
  add: (acc, e) => {
    if (e.type === 'person') acc[0] = e.name;
    else acc[1]++;
    return acc;
  },
  merge: (a, b) => [a[0] ?? b[0], a[1] + b[1]],
  result: (acc) => acc,
});

/**
 * Nexmark q8, monitor new users: persons who registered and opened an auction in the same 10 s
 * tumbling window.
 *
 * ```sql
 * SELECT P.id, P.name, P.starttime FROM (
 *   SELECT id, name, window_start AS starttime, window_end AS endtime
 *   FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
 *   GROUP BY id, name, window_start, window_end) P
 * JOIN (SELECT seller, window_start AS starttime, window_end AS endtime
 *   FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
 *   GROUP BY seller, window_start, window_end) A
 * ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime
 * ```
 *
 * A windowed equi-join on the window is one {@link tumblingWindow} over both streams keyed by
 * person (a person's id, an auction's seller) that notes whether each side was seen. O(1) per
 * event.
 *
 * @example
 * ```ts
 * events$.pipe(q8.build(ctx)); // { id: 1042, name: 'Sarah Shultz', starttime }, ...
 * ```
 */
export const q8: NexmarkQuery<NewUser> = {
  name: 'q8',
  description: 'new users: persons who open an auction in the 10 s window they registered in',
  deviation: '',
  build: (ctx) => (events$) =>
    events$.pipe(
      filterRecords((e: NexmarkEvent): e is Person | Auction => e.type !== 'bid'),
      tumblingWindow({
        name: 'q8.window',
        store: ctx.store('q8.window'),
        checkpoint: ctx.checkpoint,
        cacheSize: ctx.cacheSize,
        size: SIZE,
        key: (e) => (e.type === 'person' ? e.id : e.seller),
        aggregate: newUser,
      }),
      flatMapRecords((r) => {
        const [name, auctions] = r.value;
        return name !== null && auctions > 0 ? [{ id: r.key, name, starttime: r.start }] : [];
      }),
    ),
};
