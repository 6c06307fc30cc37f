import { KeyWriter } from './KeyWriter';
import { encodeString } from './keyCodec';
import { checkKeyGroups, murmur3 } from './keyGroupOf';
import type { KeyPart } from './keyPart';

/**
 * The first two bytes of every operator-scoped key of a key-grouped operator (its meta entry,
 * timers, barrier log): `FF FF`, above every key group (at most 32,768 of them, written as a
 * big-endian `u16`), so that operator-scoped entries sort after all keyed state and one key
 * group stays one contiguous byte range of the store (docs/architecture.md §4.2).
 */
export const OPERATOR_SCOPE = 0xffff;

/**
 * The key space of one operator instance in a shared store (docs/architecture.md §3.3): every
 * key holds the operator's name as a tuple string component `P`, then a one-byte section tag, so
 * operators sharing a store never see each other's keys and each section is one prefix scan.
 * Subclasses add the layouts of their sections, building keys with the reusable
 * {@link OperatorKeys.writer}.
 *
 * **Key groups.** Made with a number of key groups (docs/architecture.md §6), the key space is
 * split in two:
 * - *keyed* entries (state of one key: a window's accumulator, a session, a join row) start with
 *   the key's group as a big-endian `u16`: `u16(kg) P tag ...` ({@link keyedWriter}), so one key
 *   group is one contiguous byte range of the whole store, whatever operators share it, and a
 *   rescale moves it with one range scan (`sliceKeyGroups`);
 * - *operator-scoped* entries (the meta entry, timers, logs) start with `FF FF`:
 *   `FF FF P tag ...` ({@link section}, {@link scopedWriter}), after every key group.
 *
 * Without key groups (the default, for operators that have not adopted them) every key is
 * `P tag ...`. Either way the components after the tag start at {@link componentsAt}.
 *
 * @example
 * ```ts
 * class CounterKeys extends OperatorKeys {
 *   count(key: string): Uint8Array {
 *     const w = this.keyedWriter(this.keyGroupOf(key), 0x01);
 *     return w.string(key).finish();
 *   }
 * }
 * const keys = new CounterKeys('clicks-per-page', 128);
 * store.put(keys.count('home'), value);  // under u16(kg) P 01 str("home")
 * store.get(keys.section(0x00));         // the meta entry, under FF FF P 00
 * ```
 */
export class OperatorKeys {
  /** The encoded operator name `P`. */
  readonly prefix: Uint8Array;
  /** The number of key groups, or `undefined` for the layout without them. */
  readonly keyGroups: number | undefined;
  /** Where the components after the section tag start in every key: O(1) to decode from. */
  readonly componentsAt: number;
  /** A writer for building keys (copy what you keep: `finish()` does). */
  protected readonly writer = new KeyWriter(64);
  /** The bytes before the section tag of an operator-scoped key: `FF FF P`, or `P`. */
  private readonly scope: Uint8Array;
  private readonly hashWriter = new KeyWriter(32);

  /**
   * @param name - the operator's stable name
   * @param keyGroups - the job's number of key groups (an integer in [1, 32768]), or `undefined`
   *   for keys without them
   * @throws StateError `INVALID_ARGUMENT` for a bad number of key groups
   */
  constructor(name: string, keyGroups?: number) {
    this.prefix = encodeString(name);
    if (keyGroups !== undefined) checkKeyGroups(keyGroups, `OperatorKeys '${name}'`);
    this.keyGroups = keyGroups;
    const grouped = keyGroups !== undefined ? 2 : 0;
    this.componentsAt = grouped + this.prefix.length + 1;
    this.scope = new Uint8Array(grouped + this.prefix.length);
    if (grouped) this.scope[0] = this.scope[1] = 0xff;
    this.scope.set(this.prefix, grouped);
  }

  /**
   * The key of a one-entry operator-scoped section, or the prefix of every key in the operator-
   * scoped section `tag`: `FF FF P tag` (`P tag` without key groups). O(name length).
   */
  section(tag: number): Uint8Array {
    return this.scopedWriter(tag).finish();
  }

  /**
   * The prefix of key group `kg`'s entries in the keyed section `tag`: `u16(kg) P tag` (`P tag`
   * without key groups, whatever `kg`). A keyed section is one prefix scan per key group.
   * O(name length).
   */
  keyedSection(kg: number, tag: number): Uint8Array {
    return this.keyedWriter(kg, tag).finish();
  }

  /**
   * The key group of a key part (a group or join key): {@link keyGroupOf} of its encoded bytes,
   * or 0 without key groups. O(key length), no allocation once the scratch buffer has grown.
   */
  keyGroupOf(part: KeyPart): number {
    if (this.keyGroups === undefined) return 0;
    const bytes = this.hashWriter.reset().part(part).view();
    return murmur3(bytes) % this.keyGroups;
  }

  /**
   * The key group a keyed key of this operator is filed under (its first two bytes), or 0
   * without key groups. O(1).
   */
  keyGroupOfKey(key: Uint8Array): number {
    return this.keyGroups === undefined ? 0 : (key[0]! << 8) | key[1]!;
  }

  /** {@link writer}, reset and holding the start of an operator-scoped key: `FF FF P tag`. */
  protected scopedWriter(tag: number): KeyWriter {
    return this.writer.reset().raw(this.scope).byte(tag);
  }

  /** {@link writer}, reset and holding the start of a keyed key: `u16(kg) P tag` (`P tag` without key groups). */
  protected keyedWriter(kg: number, tag: number): KeyWriter {
    const w = this.writer.reset();
    if (this.keyGroups !== undefined) w.byte(kg >>> 8).byte(kg & 0xff);
    return w.raw(this.prefix).byte(tag);
  }

  /**
   * Files the keyed key just built in {@link writer} under the group of its key part, which the
   * writer holds from byte `partAt` to `partEnd`: writes the group into the key's first two bytes
   * (the caller started it with `keyedWriter(0, tag)`). So a key part is encoded once, for the
   * key and for its hash. Returns the writer's view. O(key part length).
   */
  protected fileUnderKeyGroup(partAt: number, partEnd: number): Uint8Array {
    return this.placeUnderKeyGroup(partAt, partEnd).view();
  }

  /**
   * {@link fileUnderKeyGroup} without the view: returns the writer, whose `buffer` holds the key
   * in its first `length` bytes (copy it out; valid until the next key is built). O(key part length).
   */
  protected placeUnderKeyGroup(partAt: number, partEnd: number): KeyWriter {
    const w = this.writer;
    if (this.keyGroups !== undefined) {
      const buf = w.buffer;
      const kg = murmur3(buf, partAt, partEnd) % this.keyGroups;
      buf[0] = kg >>> 8;
      buf[1] = kg & 0xff;
    }
    return w;
  }
}
