// The key query of window operators (job.view().query(name), served as /query/<operator>): at any
// point of a run, a key's open windows and running results equal a reference computed over the
// records read so far, even with a write-back cache far smaller than the state (the store lags).
import fc from 'fast-check';
import { InMemoryStore, type KeyPart } from '@weir/state';
import { record, watermark, type CheckpointHook, type OperatorQuery, type StreamElement } from '@weir/stream';
import { WindowError, count, hoppingWindow, sessionWindow, tumblingWindow, type OpenWindow, type WindowKeyState } from '@weir/window';
import { Driver } from './driver';

interface Ev {
  readonly k: string;
}
const KEYS = ['a', 'b', 'c'] as const;

/** A hook that keeps the query each operator offers when it registers. */
function queryHook(): { hook: CheckpointHook; queries: Map<string, OperatorQuery> } {
  const queries = new Map<string, OperatorQuery>();
  const hook: CheckpointHook = {
    register: (name, _metrics, query) => {
      if (query !== undefined) queries.set(name, query);
    },
    snapshotTaken: () => undefined,
  };
  return { hook, queries };
}

type Kind = 'tumbling' | 'hopping' | 'session';
const SIZE = 10;
const SLIDE = 4;
const GAP = 5;

/**
 * The reference: every open window of each key with its count, moved record by record and
 * watermark by watermark (allowedLateness 0, emit 'watermark': a window goes when the watermark
 * reaches end - 1; a record at or below the watermark is late; sessions merge when they overlap,
 * not when they only touch).
 */
class Reference {
  readonly open = new Map<string, OpenWindow<number>[]>();
  wm = Number.NEGATIVE_INFINITY;
  constructor(private readonly kind: Kind) {}

  record(k: string, ts: number): void {
    if (ts <= this.wm) return;
    const list = this.open.get(k) ?? [];
    if (this.kind === 'session') {
      let start = ts;
      let end = ts + GAP;
      let n = 1;
      const rest: OpenWindow<number>[] = [];
      for (const s of list) {
        if (s.start < end && start < s.end) {
          start = Math.min(start, s.start);
          end = Math.max(end, s.end);
          n += s.result;
        } else rest.push(s);
      }
      rest.push({ start, end, result: n, fired: false });
      this.open.set(k, rest);
      return;
    }
    const size = SIZE;
    const slide = this.kind === 'tumbling' ? SIZE : SLIDE;
    for (let s = Math.floor(ts / slide) * slide; s > ts - size; s -= slide) {
      const i = list.findIndex((w) => w.start === s);
      if (i < 0) list.push({ start: s, end: s + size, result: 1, fired: false });
      else list[i] = { ...list[i]!, result: list[i]!.result + 1 };
    }
    this.open.set(k, list);
  }

  watermark(wm: number): void {
    if (wm <= this.wm) return;
    this.wm = wm;
    for (const [k, list] of this.open) this.open.set(k, list.filter((w) => w.end - 1 > wm));
  }

  answer(k: string): OpenWindow<number>[] {
    return [...(this.open.get(k) ?? [])].sort((a, b) => a.start - b.start || a.end - b.end);
  }
}

function operator(kind: Kind, hook: CheckpointHook, cacheSize: number) {
  const common = { name: 'w', key: (e: Ev) => e.k, aggregate: count<Ev>(), store: new InMemoryStore(), checkpoint: hook, cacheSize };
  if (kind === 'tumbling') return tumblingWindow<Ev, string, number, number>({ ...common, size: SIZE });
  if (kind === 'hopping') return hoppingWindow<Ev, string, number, number>({ ...common, size: SIZE, slide: SLIDE });
  return sessionWindow<Ev, string, number, number>({ ...common, gap: GAP });
}

const element = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constantFrom(...KEYS), ts: fc.integer({ min: 0, max: 80 }) }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 80 }).map((wm) => ({ wm })) },
);

describe.each<Kind>(['tumbling', 'hopping', 'session'])('%s window key query', (kind) => {
  it.each([0, 2, 16_384])('after every element, each key\'s open windows equal the reference (cacheSize %d)', (cacheSize) => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 60 }), (elements) => {
        const { hook, queries } = queryHook();
        const d = new Driver<Ev, unknown>(operator(kind, hook, cacheSize));
        const query = queries.get('w');
        expect(query?.kind).toBe('windows');
        const ref = new Reference(kind);
        for (const el of elements) {
          if ('wm' in el) {
            d.push(watermark(el.wm));
            ref.watermark(el.wm);
          } else {
            d.push(record({ k: el.k }, el.ts) as StreamElement<Ev>);
            ref.record(el.k, el.ts);
          }
          for (const k of KEYS) {
            const got = query!.query(k) as WindowKeyState<number>;
            expect(got.kind).toBe('windows');
            expect(got.key).toBe(k);
            expect(got.watermark).toBe(ref.wm);
            expect(got.windows).toEqual(ref.answer(k));
          }
        }
        d.stop();
      }),
      { numRuns: 60 },
    );
  });
});

describe('window key query', () => {
  it('answers an unknown key with no windows, and refuses a key the operator cannot hold with INVALID_KEY', () => {
    const { hook, queries } = queryHook();
    const d = new Driver<Ev, unknown>(operator('tumbling', hook, 2));
    d.push(record({ k: 'a' }, 3) as StreamElement<Ev>);
    const query = queries.get('w')!;
    expect((query.query('zz') as WindowKeyState<number>).windows).toEqual([]);
    expect((query.query('a') as WindowKeyState<number>).windows).toEqual([{ start: 0, end: 10, result: 1, fired: false }]);
    let thrown: unknown;
    try {
      query.query(1.5 as unknown as KeyPart);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(WindowError);
    expect((thrown as WindowError).code).toBe('INVALID_KEY');
    d.stop();
  });

  it('shows a fired window kept for late records as fired, with its updated result', () => {
    const { hook, queries } = queryHook();
    const op = tumblingWindow<Ev, string, number, number>({ name: 'w', key: (e) => e.k, aggregate: count<Ev>(), store: new InMemoryStore(), checkpoint: hook, size: 10, allowedLateness: 5 });
    const d = new Driver<Ev, unknown>(op);
    d.push(record({ k: 'a' }, 3) as StreamElement<Ev>);
    d.push(watermark(9)); // fires [0, 10), kept until 9 + 5
    d.push(record({ k: 'a' }, 6) as StreamElement<Ev>); // behind the watermark but within the allowed lateness (late at or below 9 - 5)
    expect((queries.get('w')!.query('a') as WindowKeyState<number>).windows).toEqual([{ start: 0, end: 10, result: 2, fired: true }]);
    d.push(watermark(14));
    expect((queries.get('w')!.query('a') as WindowKeyState<number>).windows).toEqual([]);
    d.stop();
  });
});
