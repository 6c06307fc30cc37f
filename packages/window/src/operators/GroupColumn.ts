// Internal: one column of a group table (its keys, or its accumulators), kept in a Float64Array
// while every value is a number and in an array once one is not.
//
// A million groups counted by a number key are two columns of a million numbers. In arrays they
// are two 10 MiB blocks of tagged slots that every major collection marks (half the old generation
// of such a job: docs/architecture.md §5.8, "What the collector sees"); in Float64Arrays they are
// bytes the collector never reads. A Float64Array holds every number exactly (-0 and NaN
// included). The first value that is no number moves the column to an array for good (O(n) once).

/** A growable column of values, numbers unboxed. Reads and writes O(1); a push O(1) amortised. */
export class GroupColumn<T> {
  private nums = new Float64Array(16);
  /** Every value, once one of them is not a number (then `nums` is no longer used). */
  private values: T[] | undefined;
  private n = 0;

  /** How many values the column holds. */
  get length(): number {
    return this.n;
  }

  /** Value `i` (`0 <= i < length`). */
  at(i: number): T {
    return this.values === undefined ? (this.nums[i] as T) : (this.values[i] as T);
  }

  /** Replaces value `i` (`0 <= i < length`). */
  set(i: number, value: T): void {
    if (this.values === undefined) {
      if (typeof value === 'number') {
        this.nums[i] = value;
        return;
      }
      this.spill();
    }
    this.values![i] = value;
  }

  /** Appends a value; returns its index. */
  push(value: T): number {
    const i = this.n;
    if (this.values === undefined && typeof value === 'number') {
      if (i === this.nums.length) {
        const grown = new Float64Array(2 * i);
        grown.set(this.nums);
        this.nums = grown;
      }
      this.nums[i] = value;
    } else {
      if (this.values === undefined) this.spill();
      this.values!.push(value);
    }
    this.n = i + 1;
    return i;
  }

  /** Moves the numbers into an array, where values of any kind can follow. */
  private spill(): void {
    const values = new Array<T>(this.n);
    for (let i = 0; i < this.n; i++) values[i] = this.nums[i] as T;
    this.values = values;
    this.nums = new Float64Array(0);
  }
}
