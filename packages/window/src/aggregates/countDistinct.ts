import { describeValue, messageOf, optionKeys } from '@weir/state';
import { checkWindowOptionKeys } from '../checkWindowOptionKeys';
import { WindowError } from '../WindowError';
import type { Aggregate } from './Aggregate';
import { AggregationError } from './AggregationError';
import { countDistinctCodec } from './countDistinctCodec';
import { selectorOf } from './selectorOf';

/**
 * The accumulator of {@link countDistinct}: the set of distinct values seen, as a plain object
 * whose keys are the values tagged by type (`s` + a string, `n` + a number, `b` + a bigint, `T` /
 * `F` for booleans), and `n`, its number of keys (so `result` is O(1)).
 */
export interface CountDistinctAccumulator {
  n: number;
  seen: Record<string, 1>;
}

/** Options of {@link countDistinct}. */
export interface CountDistinctOptions<T> {
  /**
   * Counts only the records it returns true for (SQL `COUNT(DISTINCT x) FILTER (WHERE ...)`);
   * the others are ignored. Default: every record.
   */
  readonly filter?: (value: T) => boolean;
}

const KEYS = optionKeys<CountDistinctOptions<unknown>>({ filter: true });

/** The tagged set member of a value, `undefined` for SQL NULL (null, undefined); throws for the rest. */
function memberOf(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'number':
      // String(-0) is '0': -0 and 0 are one value, as in a Set (SameValueZero); so are NaNs
      return `n${value}`;
    case 'bigint':
      return `b${value}`;
    case 'boolean':
      return value ? 'T' : 'F';
    case 'undefined':
      return undefined;
    default:
      if (value === null) return undefined;
      throw new AggregationError(
        'countDistinct',
        `countDistinct: expected a string, number, bigint or boolean to count (null and undefined are skipped), got ${describeValue(value)}`,
        value,
      );
  }
}


/**
 * The number of distinct values per window (SQL `COUNT(DISTINCT x)`): of the record itself, or of
 * what `selector` returns for it, counting only the records `options.filter` keeps (SQL
 * `COUNT(DISTINCT x) FILTER (WHERE ...)`). Values are strings, numbers, bigints or booleans,
 * compared as a `Set` does (`0` and `-0` are one value, `1` and `1n` two); `null` and `undefined`
 * are skipped, as SQL skips NULL. Usable by every window operator, including session windows and
 * the panes of hopping windows: `merge` is the union of the two sets.
 *
 * The accumulator is the set itself ({@link CountDistinctAccumulator}, plain data): exact, with no
 * estimation, and its cost grows with the number of distinct values d of a window: O(d) memory,
 * O(d) to encode and decode (the members' UTF-8 text, each after its length, checked on decode)
 * at every store write, barrier and restore.
 * `add` O(1) expected; `merge` O(|b|), `b` folded into `a` (`b` itself returned when `a` is empty,
 * never mutated); `result` O(1). For windows of many millions of distinct values, an
 * approximate sketch would be the cheaper choice; none is built in.
 *
 * @param selector - the value to count for a record (default: the record)
 * @param options - `filter`, see {@link CountDistinctOptions}; unknown keys are an error
 * @throws `WindowError` `INVALID_ARGUMENT` for a selector or filter that is not a function, or an
 *   unknown option; {@link AggregationError} from `add` for an object, array, function or symbol
 *   value, or when the filter throws (with it as `cause`)
 *
 * @example
 * ```ts
 * tumblingWindow({ size: 86_400_000, key: () => 'all', store,
 *   aggregate: countDistinct((b: Bid) => b.bidder, { filter: (b) => b.price < 10_000 }) });
 * const agg = countDistinct<string>();
 * agg.result(agg.add(agg.add(agg.create(), 'a', 1), 'a', 2)); // 1
 * ```
 */
export function countDistinct<T>(selector?: (value: T) => unknown, options?: CountDistinctOptions<T>): Aggregate<T, CountDistinctAccumulator, number> {
  const pick = selectorOf<T, unknown>('countDistinct', selector);
  if (options !== undefined) checkWindowOptionKeys('countDistinct', options, KEYS);
  const filter = options?.filter;
  if (filter !== undefined && typeof filter !== 'function') {
    throw new WindowError('INVALID_ARGUMENT', `countDistinct: option \`filter\` must be a function (record -> boolean), got ${describeValue(filter)}`, filter);
  }
  return Object.freeze({
    name: 'countDistinct',
    create: (): CountDistinctAccumulator => ({ n: 0, seen: {} }),
    add(acc: CountDistinctAccumulator, value: T): CountDistinctAccumulator {
      if (filter !== undefined) {
        let keep: boolean;
        try {
          keep = filter(value);
        } catch (err) {
          throw new AggregationError('countDistinct', `countDistinct: \`filter\` threw for ${describeValue(value)}: ${messageOf(err)}`, value, { cause: err });
        }
        if (!keep) return acc;
      }
      const member = memberOf(pick(value));
      if (member !== undefined && acc.seen[member] === undefined) {
        acc.seen[member] = 1;
        acc.n++;
      }
      return acc;
    },
    merge(a: CountDistinctAccumulator, b: CountDistinctAccumulator): CountDistinctAccumulator {
      // `b` is never mutated (a pane's accumulator is merged into each of its windows): returned
      // as is only when `a` is empty
      if (a.n === 0) return b;
      for (const member in b.seen) {
        if (a.seen[member] === undefined) {
          a.seen[member] = 1;
          a.n++;
        }
      }
      return a;
    },
    result: (acc: CountDistinctAccumulator): number => acc.n,
    codec: countDistinctCodec,
  });
}
