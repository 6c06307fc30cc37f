// Test and benchmark data: clicks spread over P partitions by page, as a producer using
// partitionOfKey would publish them.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { partitionOfKey } from '../partitionOfKey';

/** One click: a page (the key), its event time and a running number. */
export interface Click {
  readonly page: string;
  readonly time: number;
  readonly n: number;
}

/** Options of {@link partitionedClicks}. */
export interface PartitionedClicksOptions {
  readonly partitions: number;
  readonly keyGroups?: number;
  /** Clicks per partition. */
  readonly perPartition: number;
  /** Distinct pages in all. */
  readonly pages: number;
  /** Event time advances by this many ms per click of a partition (plus up to `jitter` ms out of order). */
  readonly step?: number;
  readonly jitter?: number;
  readonly seed?: number;
}

/** A small seeded generator (mulberry32): the same seed gives the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The pages each partition carries: page `page-i` goes to `partitionOfKey('page-i')`. */
export function pagesByPartition(o: Pick<PartitionedClicksOptions, 'partitions' | 'keyGroups' | 'pages'>): string[][] {
  const out: string[][] = Array.from({ length: o.partitions }, () => []);
  for (let i = 0; i < o.pages; i++) {
    const page = `page-${i}`;
    out[partitionOfKey(page, { partitions: o.partitions, ...(o.keyGroups !== undefined ? { keyGroups: o.keyGroups } : {}) })]!.push(page);
  }
  return out;
}

/**
 * Click `i` of partition `p` (deterministic): a page the partition carries, at time
 * `i * step + jitter`, so a partition's clicks are out of order by less than `jitter` ms.
 */
export function clickOf(p: number, i: number, pages: readonly string[], rnd: () => number, step: number, jitter: number): Click {
  const page = pages[Math.floor(rnd() * pages.length)]!;
  return { page, time: i * step + Math.floor(rnd() * jitter), n: p * 1e9 + i };
}

/** Writes one JSON Lines file per partition, `dir/clicks-<p>.jsonl`; returns their paths. */
export async function writePartitionedClicks(dir: string, o: PartitionedClicksOptions): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true });
  const pages = pagesByPartition(o);
  const paths: string[] = [];
  for (let p = 0; p < o.partitions; p++) {
    const rnd = random((o.seed ?? 1) * 1000 + p);
    const lines: string[] = [];
    if (pages[p]!.length > 0) for (let i = 0; i < o.perPartition; i++) lines.push(JSON.stringify(clickOf(p, i, pages[p]!, rnd, o.step ?? 10, o.jitter ?? 50)));
    const path = join(dir, `clicks-${p}.jsonl`);
    await fs.writeFile(path, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    paths.push(path);
  }
  return paths;
}
