/**
 * The message of anything thrown: an `Error`'s `message`, any other value as a string. For
 * wrapping a failure into a typed error whose message quotes it (keep the original as `cause`).
 * O(1) for errors.
 *
 * @example
 * ```ts
 * try {
 *   writeFileSync(file, bytes);
 * } catch (err) {
 *   throw new StateError('IO', `MyStore.flush: cannot write ${file}: ${messageOf(err)}`, { cause: err });
 * }
 * ```
 */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
