import { KeyWriter } from './KeyWriter';
import { encodeString } from './keyCodec';

/**
 * The key space of one operator instance in a shared store (docs/architecture.md §3.3): every
 * key starts with the operator's name as a tuple string component, then a one-byte section tag,
 * so operators sharing a store never see each other's keys and each section is one prefix scan.
 * Subclasses add the layouts of their sections, building keys with the reusable
 * {@link OperatorKeys.writer}.
 *
 * @example
 * ```ts
 * class CounterKeys extends OperatorKeys {
 *   count(key: string): Uint8Array {
 *     return this.writer.reset().raw(this.prefix).byte(0x01).string(key).finish();
 *   }
 * }
 * const keys = new CounterKeys('clicks-per-page');
 * store.prefixScan(keys.section(0x01)); // every count of this operator
 * ```
 */
export class OperatorKeys {
  /** The encoded operator name every key starts with. */
  readonly prefix: Uint8Array;
  /** A writer for building keys (copy what you keep: `finish()` does). */
  protected readonly writer = new KeyWriter(64);

  /** @param name - the operator's stable name */
  constructor(name: string) {
    this.prefix = encodeString(name);
  }

  /** The key of a one-entry section, or the prefix of every key in the section `tag`. O(name length). */
  section(tag: number): Uint8Array {
    return this.writer.reset().raw(this.prefix).byte(tag).finish();
  }
}
