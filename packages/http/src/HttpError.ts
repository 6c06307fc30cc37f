/** What went wrong, for {@link HttpError}. */
export type HttpErrorCode =
  /** An option or argument is not valid (an unknown option key included). */
  | 'INVALID_ARGUMENT'
  /** The server could not listen (the port is taken, the host cannot be bound). */
  | 'LISTEN'
  /** A query of a store is malformed (answered with 400). */
  | 'BAD_QUERY'
  /** No store of that name (answered with 404). */
  | 'UNKNOWN_STORE';

/**
 * The one error class of `@weir/http`: every failure it reports carries a {@link HttpErrorCode}
 * and, when it wraps another error, that error as `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await serveJob(job, { port: 9464, colour: 'blue' } as never);
 * } catch (err) {
 *   if (err instanceof HttpError && err.code === 'INVALID_ARGUMENT') console.error(err.message);
 * }
 * ```
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly code: HttpErrorCode,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}
