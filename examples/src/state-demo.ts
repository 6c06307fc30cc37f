// A small job on @weir/state alone (the see window-job and join-job for full jobs): count page views
// per page per minute from a generated click stream, keep the counts in an InMemoryStore under
// order-preserving keys, "crash" halfway, restore from the last checkpoint's bytes and finish.
// The result is checked against a run that never crashed.
import { InMemoryStore, StateSnapshot, decodeTuple, encodeTuple, getTyped, update } from '@weir/state';

interface Click {
  page: string;
  ts: number;
}

const PAGES = ['/home', '/search', '/product', '/cart', '/checkout'];
const START = Date.UTC(2026, 10, 24, 9, 0, 0);

function* clicks(count: number, seed = 42): Generator<Click> {
  let s = seed;
  const next = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  for (let i = 0; i < count; i++) {
    yield { page: PAGES[Math.floor(next() ** 2 * PAGES.length)]!, ts: START + Math.floor((i / count) * 5 * 60_000) };
  }
}

const minuteOf = (ts: number): number => ts - (ts % 60_000);

/** Runs the job over `input`, checkpointing every `every` records; `crashAt` simulates a crash. */
function run(input: Click[], every: number, crashAt?: number): InMemoryStore {
  let store = new InMemoryStore();
  let checkpoint = { offset: 0, bytes: store.snapshot().encode() };
  let offset = 0;
  while (offset < input.length) {
    if (offset === crashAt) {
      console.log(`  crash at record ${offset}; restoring checkpoint taken at record ${checkpoint.offset}`);
      store = new InMemoryStore();
      store.restore(StateSnapshot.decode(checkpoint.bytes));
      offset = checkpoint.offset;
      crashAt = undefined;
      continue;
    }
    const click = input[offset]!;
    update<number>(store, encodeTuple([minuteOf(click.ts), click.page]), (n) => (n ?? 0) + 1);
    offset++;
    if (offset % every === 0) checkpoint = { offset, bytes: store.snapshot().encode() };
  }
  return store;
}

const input = [...clicks(200_000)];
console.log(`weir state demo: ${input.length.toLocaleString('en')} clicks, page views per page per minute`);
const started = performance.now();
const recovered = run(input, 25_000, 130_000);
const elapsed = performance.now() - started;
const reference = run(input, 25_000);

const rows: string[][] = [];
for (const [key, value] of recovered.prefixScan(new Uint8Array(0))) {
  const [minute, page] = decodeTuple(key) as [number, string];
  rows.push([new Date(minute).toISOString().slice(11, 16), page, String(getTyped<number>(recovered, key))]);
  if (value.length === 0) throw new Error('empty count');
}
const widths = [5, 9, 6];
console.log(`\n  ${['minute', 'page', 'views'].map((h, i) => h.padEnd(widths[i]! + 2)).join('')}`);
for (const r of rows) console.log(`  ${r.map((c, i) => c.padEnd(widths[i]! + 2)).join('')}`);

const same = Buffer.from(recovered.snapshot().encode()).equals(Buffer.from(reference.snapshot().encode()));
console.log(`\n  ${recovered.len()} counters, ${recovered.sizeBytes()} bytes of state, ${(input.length / (elapsed / 1000) / 1e6).toFixed(2)}M records/s`);
console.log(`  recovered run equals uninterrupted run: ${same ? 'yes' : 'NO'}`);
if (!same) process.exit(1);
