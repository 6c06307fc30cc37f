import { ownershipOf, resolveLayout, type Ownership } from '@weir/partition';
import { KeyWriter, checkOptionKeys, describeValue, keyGroupOf, messageOf, optionKeys, type KeyPart } from '@weir/state';
import { HttpError } from './HttpError';

/**
 * The `partition` option of `serveJob`: which worker of a partitioned job (`@weir/partition`,
 * docs/architecture.md §10) this server answers for. With it, `/query/<operator>?key=K` answers a
 * key whose group another worker owns with 421 naming that worker, and `/status` gives the
 * worker's index, partitions and key groups. In a worker opened by `workerFromEnv`:
 * `{ worker: w.ownership.worker, workers: w.ownership.workers, partitions: w.layout.partitions, keyGroups: w.layout.keyGroups }`.
 */
export interface ServePartitionOptions {
  /** This worker's index, an integer in [0, workers). */
  readonly worker: number;
  /** How many workers share the job, an integer in [1, partitions]. */
  readonly workers: number;
  /** The job's number of input partitions, an integer in [1, keyGroups]. */
  readonly partitions: number;
  /** The job's number of key groups (as the operators were given); default 128. */
  readonly keyGroups?: number;
  /** The URL of worker `worker`'s server (`http://host:port`), named in a 421 answer; when absent only the index is named. */
  readonly urlOf?: (worker: number) => string;
}

const KEYS = optionKeys<ServePartitionOptions>({ worker: true, workers: true, partitions: true, keyGroups: true, urlOf: true });

/** The owner of a key's group, as a 421 answer names it. */
export interface KeyOwner {
  readonly worker: number;
  readonly url?: string;
}

/**
 * Internal: the ownership of every worker of a partitioned job, computed once by `serveJob`, and
 * the key group of a queried key, computed exactly as the keyed operators and `partitionOfKey`
 * compute it (`keyGroupOf` over the key encoded as one tuple component).
 */
export class PartitionRouting {
  private readonly writer = new KeyWriter(64);

  private constructor(
    /** This worker's ownership. */
    readonly own: Ownership,
    private readonly all: readonly Ownership[],
    private readonly keyGroupCount: number,
    private readonly urlOf: ((worker: number) => string) | undefined,
  ) {}

  /** Checks the option (unknown keys and bad values are `HttpError` `INVALID_ARGUMENT`). O(workers + partitions). */
  static of(options: ServePartitionOptions): PartitionRouting {
    const bad = (message: string): HttpError => new HttpError('INVALID_ARGUMENT', `serveJob: option \`partition\`: ${message}`);
    if (typeof options !== 'object' || options === null) throw bad(`expected { worker, workers, partitions, keyGroups?, urlOf? }, got ${describeValue(options)}`);
    checkOptionKeys('serveJob: option `partition`', options, KEYS, (message) => new HttpError('INVALID_ARGUMENT', message));
    if (options.urlOf !== undefined && typeof options.urlOf !== 'function') throw bad(`\`urlOf\` must be a function (worker) => url, got ${describeValue(options.urlOf)}`);
    let all: Ownership[];
    try {
      const layout = resolveLayout({ partitions: options.partitions, keyGroups: options.keyGroups }, 'serveJob');
      const own = ownershipOf(options.worker, options.workers, layout);
      all = Array.from({ length: own.workers }, (_, w) => (w === own.worker ? own : ownershipOf(w, own.workers, layout)));
    } catch (err) {
      throw new HttpError('INVALID_ARGUMENT', `serveJob: option \`partition\` ${describeValue(options)} is not a worker of a layout: ${messageOf(err)}`, { cause: err });
    }
    const own = all[options.worker]!;
    const keyGroupCount = all[all.length - 1]!.keyGroups.end;
    return new PartitionRouting(own, all, keyGroupCount, options.urlOf);
  }

  /** The key group of `key`. O(key length). */
  keyGroupOf(key: KeyPart): number {
    return keyGroupOf(this.writer.reset().part(key).view(), this.keyGroupCount);
  }

  /** Whether this worker owns `keyGroup`. O(1). */
  owns(keyGroup: number): boolean {
    return this.own.keyGroups.contains(keyGroup);
  }

  /** The worker owning `keyGroup`, with its URL when `urlOf` gives one. O(workers). */
  ownerOf(keyGroup: number): KeyOwner {
    const worker = this.all.findIndex((o) => o.keyGroups.contains(keyGroup));
    if (this.urlOf === undefined) return { worker };
    let url: string;
    try {
      url = this.urlOf(worker);
    } catch (err) {
      throw new HttpError('INVALID_ARGUMENT', `serveJob: option \`partition\`: urlOf(${worker}) threw: ${messageOf(err)}`, { cause: err });
    }
    if (typeof url !== 'string') throw new HttpError('INVALID_ARGUMENT', `serveJob: option \`partition\`: urlOf(${worker}) must return a string, got ${describeValue(url)}`);
    return { worker, url };
  }
}
