// Internal: the checks a snapshot makes of a SnapshotSource as it reads it.
import { StateError } from './StateError';
import { compareBytes } from './bytes';
import { describeValue } from './describeValue';

/**
 * Checks, entry by entry, that a {@link SnapshotSource} keeps its promises: byte arrays, keys
 * strictly increasing, as many entries and bytes as it announced. Throws `StateError` with
 * `code` (`SERIALIZATION` while encoding, `CORRUPTION` while restoring) naming `where`.
 */
export class SourceCheck {
  private previous: Uint8Array | undefined;
  private count = 0;
  private bytes = 0;

  constructor(
    private readonly where: string,
    private readonly code: 'SERIALIZATION' | 'CORRUPTION',
    private readonly len: number,
    private readonly sizeBytes: number,
  ) {}

  /** Checks the next entry. O(key length). */
  entry(key: unknown, value: unknown): void {
    if (!(key instanceof Uint8Array) || !(value instanceof Uint8Array)) {
      throw new StateError(this.code, `${this.where}: the snapshot's source yielded ${describeValue(key)} => ${describeValue(value)} as entry ${this.count}, not two Uint8Arrays`);
    }
    if (this.previous !== undefined && compareBytes(this.previous, key) >= 0) {
      throw new StateError(this.code, `${this.where}: the snapshot's source yielded entry ${this.count} out of key order`);
    }
    this.previous = key;
    this.bytes += key.length + value.length;
    if (++this.count > this.len || this.bytes > this.sizeBytes) this.fail();
  }

  /** Checks that the entries added up to what the source announced. */
  end(): void {
    if (this.count !== this.len || this.bytes !== this.sizeBytes) this.fail();
  }

  private fail(): never {
    throw new StateError(
      this.code,
      `${this.where}: the snapshot's source announced ${this.len} entries of ${this.sizeBytes} bytes, but its entries do not add up to that (${this.count} entries of ${this.bytes} bytes read)`,
    );
  }
}
