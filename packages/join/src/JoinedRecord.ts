/**
 * One output row of a join: the left and the right value. The side a row lacks (the unmatched
 * side of an outer row; the right side of semi and anti joins) is `undefined`.
 *
 * Event time of the record that carries it: see each operator (for matches, the later of the two
 * sides' timestamps).
 *
 * @example
 * ```ts
 * { left: { orderId: 7, amount: 30 }, right: { paymentFor: 7, paid: 30 } }   // a match
 * { left: { orderId: 8, amount: 12 }, right: undefined }                       // an unpaid order
 * ```
 */
export interface JoinedRecord<L, R> {
  /** The left (piped) input's value. */
  readonly left: L;
  /** The right (argument) input's value. */
  readonly right: R;
}
