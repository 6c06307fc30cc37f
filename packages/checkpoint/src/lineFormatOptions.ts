import { describeValue } from '@weir/state';
import { CheckpointError } from './CheckpointError';

/** The line format and durability options the JSON Lines sinks share, checked. */
export interface LineFormat<T> {
  readonly serialize: ((value: T) => string) | undefined;
  readonly fields: readonly string[] | undefined;
  readonly fsync: boolean;
}

/**
 * Internal: checks a JSON Lines sink's `serialize` (a function), `fields` (distinct strings, not
 * with `serialize`) and `fsync` (a boolean, default `true`); throws `CheckpointError`
 * `INVALID_ARGUMENT` naming the sink, its directory and the offending value.
 */
export function lineFormatOptions<T>(
  kind: string,
  dir: string,
  options: { readonly serialize?: (value: T) => string; readonly fields?: readonly string[]; readonly fsync?: boolean },
): LineFormat<T> {
  const { serialize, fields } = options;
  if (serialize !== undefined && typeof serialize !== 'function') {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind} (${dir}): option \`serialize\` must be a function value => string, got ${describeValue(serialize)}`);
  }
  if (fields !== undefined && (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string') || new Set(fields).size !== fields.length || serialize !== undefined)) {
    throw new CheckpointError(
      'INVALID_ARGUMENT',
      `${kind} (${dir}): option \`fields\` must be an array of distinct strings, without \`serialize\`, got ${describeValue(fields)}${serialize !== undefined ? ' with serialize' : ''}`,
    );
  }
  const fsync = options.fsync ?? true;
  if (typeof fsync !== 'boolean') {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind} (${dir}): option \`fsync\` must be a boolean, got ${describeValue(options.fsync)}`);
  }
  return { serialize, fields, fsync };
}
