import { distance } from 'fastest-levenshtein';

/**
 * Every key of an options type `O`, each mapped to `true`: the shape of the list of keys that
 * {@link optionKeys} takes. Writing the list as an object literal of this type makes the
 * compiler check it against the options interface: a key the interface lacks, or an option the
 * list forgets, is a type error.
 */
export type OptionKeyList<O> = { readonly [K in keyof O]-?: true };

/**
 * The keys of an options interface, as the array {@link checkOptionKeys} takes, checked by the
 * compiler to be exactly the interface's keys (see {@link OptionKeyList}). Call it once, at
 * module level.
 *
 * @typeParam O - the options interface
 * @param keys - every option of `O`, each set to `true`
 * @returns the keys, in the order written (ties between equally near suggestions go to the first)
 *
 * @example
 * ```ts
 * interface RetryOptions { readonly attempts: number; readonly delayMs?: number }
 * const RETRY_KEYS = optionKeys<RetryOptions>({ attempts: true, delayMs: true }); // ['attempts', 'delayMs']
 * ```
 */
export function optionKeys<O>(keys: OptionKeyList<O>): readonly string[] {
  return Object.freeze(Object.keys(keys));
}

/**
 * The valid key a misspelled one most likely meant, or `undefined` when none is close.
 *
 * Closeness is the Levenshtein distance ignoring case (so `allowedlateness` finds
 * `allowedLateness`), accepted up to half the longer key's length, at least 2 (so `zone` finds
 * `timeZone`, while `foo` suggests nothing rather than an unrelated key). Among equally close
 * keys the one also closest with case counted wins, then the first listed. Cost: O(k * n * m)
 * for k valid keys of length up to m and a key of length n; option lists are short.
 *
 * @param key - the unknown key
 * @param validKeys - the keys the function takes
 */
export function nearestOptionKey(key: string, validKeys: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  let bestExact = Number.POSITIVE_INFINITY;
  for (const candidate of validKeys) {
    const score = distance(lower, candidate.toLowerCase());
    if (score > Math.max(2, Math.floor(Math.max(key.length, candidate.length) / 2))) continue;
    const exact = distance(key, candidate);
    if (score < bestScore || (score === bestScore && exact < bestExact)) {
      best = candidate;
      bestScore = score;
      bestExact = exact;
    }
  }
  return best;
}

/**
 * Rejects an options object holding a key the function does not take, so that a misspelled
 * option (`allowedLatenes: 5`, `zone: 'UTC'`) fails where it is written instead of being ignored
 * while the function runs with the default. JavaScript callers and objects built at run time
 * get no help from the type checker; this is the check at run time.
 *
 * The first unknown own enumerable string key (symbol keys are ignored) is reported through
 * `toError`, with a message naming `where`, the key, and the nearest valid key when one is close
 * (see {@link nearestOptionKey}), else the list of valid keys:
 *
 *     tumblingWindow: unknown option `allowedLatenes` (did you mean `allowedLateness`?)
 *     withEventTime: unknown option `foo`; the options are `maxOutOfOrderness`, `idleTimeout`, ...
 *
 * A key present with the value `undefined` counts: it is still a misspelling. Anything that is not
 * a non-null object passes unchecked: the caller's own checks report a missing options object.
 * The error is the caller's: each package passes a factory for its own typed error class, so the
 * error's class and code are those of the package the user called.
 *
 * Cost: O(number of keys) for valid options (one hash-set look-up per key, after building the set
 * once per call, O(number of valid keys)); the suggestion is computed only on failure.
 *
 * @param where - the function or constructor checked, as the message should name it
 * @param options - the options object as the caller passed it
 * @param validKeys - every key the function takes (from {@link optionKeys}, ideally)
 * @param toError - builds the error to throw from the message and the unknown key
 * @throws what `toError` returns, for the first unknown key
 *
 * @example
 * ```ts
 * const RETRY_KEYS = optionKeys<RetryOptions>({ attempts: true, delayMs: true });
 * function retry(options: RetryOptions): void {
 *   checkOptionKeys('retry', options, RETRY_KEYS, (message) => new MyError('INVALID_ARGUMENT', message));
 *   // retry({ attempts: 3, delay: 10 }) throws "retry: unknown option `delay` (did you mean `delayMs`?)"
 * }
 * ```
 */
export function checkOptionKeys(
  where: string,
  options: unknown,
  validKeys: readonly string[],
  toError: (message: string, key: string) => Error,
): void {
  if (typeof options !== 'object' || options === null) return;
  let valid: Set<string> | undefined;
  for (const key of Object.keys(options)) {
    valid ??= new Set(validKeys);
    if (valid.has(key)) continue;
    const nearest = nearestOptionKey(key, validKeys);
    const hint =
      nearest !== undefined
        ? ` (did you mean \`${nearest}\`?)`
        : `; the options are ${validKeys.map((k) => `\`${k}\``).join(', ')}`;
    throw toError(`${where}: unknown option \`${key}\`${hint}`, key);
  }
}
