import type { OperatorFunction } from 'rxjs';
import type { StreamElement } from '@weir/stream';
import type { NexmarkEvent } from './model';
import type { QueryContext } from './QueryContext';

/**
 * One Nexmark query written on weir's public API: an operator from the event stream (records of
 * {@link NexmarkEvent} with watermarks and barriers) to the query's result stream.
 *
 * @typeParam R - the result rows
 *
 * @example
 * ```ts
 * const out$ = events$.pipe(q5.build({ store: () => new InMemoryStore() }));
 * ```
 */
export interface NexmarkQuery<R> {
  /** `'q0'`, `'q1'`, ... */
  readonly name: string;
  /** What the query computes, in one line. */
  readonly description: string;
  /**
   * How weir's version differs from the published SQL, if at all (features weir lacks, and what
   * the query does instead). Empty when it computes exactly the published result.
   */
  readonly deviation: string;
  /** Builds the query's pipeline; the stateful operators get their stores from `ctx`. */
  build(ctx: QueryContext): OperatorFunction<StreamElement<NexmarkEvent>, StreamElement<R>>;
}
