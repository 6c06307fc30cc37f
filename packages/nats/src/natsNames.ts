// Internal: what @weir/nats accepts as a stream name and as a token of a subject.

/** A stream name: no spaces, dots, wildcards or slashes (nats-server's rule, and a file name). */
export const STREAM_NAME = /^[^\s.*>/\\]+$/;

/** One token of a subject without wildcards. */
export const SUBJECT_TOKEN = /^[^\s.*>]+$/;

/** Whether `subject` is a subject without wildcards: tokens separated by dots. */
export function isLiteralSubject(subject: unknown): subject is string {
  return typeof subject === 'string' && subject.split('.').every((t) => SUBJECT_TOKEN.test(t));
}
