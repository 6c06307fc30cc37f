// /query/<operator>?key=… on the workers of a partitioned job: two jobs stand in for workers 0 and
// 1 of 2 (4 partitions, 128 key groups), each fed only the clicks whose key's partition it owns
// (as partitionOfKey routes them). Each answers the keys it owns, with their windows, and answers
// 421 naming the other worker for the other's keys; /status says what each owns.
import { ownershipOf, partitionOfKey } from '@weir/partition';
import { serveJob, HttpError, type JobServer, type JobStatus } from '../index';
import { clickJob, clicks } from './jobFixture';

async function get(server: JobServer, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as unknown };
}

const LAYOUT = { partitions: 4, keyGroups: 128 };
const workerOf = (page: string): number => (ownershipOf(0, 2, LAYOUT).partitions.includes(partitionOfKey(page, LAYOUT)) ? 0 : 1);
// the fixture's five pages renamed so that three fall on worker 0 and two on worker 1 (as partitionOfKey routes them)
const candidates = Array.from({ length: 64 }, (_, i) => `/page/${i}`);
const PAGES = [...candidates.filter((p) => workerOf(p) === 0).slice(0, 3), ...candidates.filter((p) => workerOf(p) === 1).slice(0, 2)];

describe('serveJob with the partition option', () => {
  it('answers the keys this worker owns and points to the owner for the others', async () => {
    const input = clicks(400).map((c) => ({ ...c, page: PAGES[Number(c.page.slice(1))]! }));
    const ownerOfPage = new Map(PAGES.map((p) => [p, workerOf(p)]));
    expect(PAGES).toHaveLength(5);
    expect(PAGES.map((p) => ownerOfPage.get(p))).toEqual([0, 0, 0, 1, 1]);

    const servers: JobServer[] = [];
    const workers = await Promise.all(
      [0, 1].map(async (worker) => {
        const mine = input.filter((c) => ownerOfPage.get(c.page) === worker);
        const pauseAt = mine.length - 10; // windows open, the job mid-run
        const { job, at, run } = await clickJob(mine, [pauseAt]);
        return { worker, job, pause: at(pauseAt), run };
      }),
    );
    const dones = workers.map((w) => w.run());
    try {
      for (const w of workers) {
        await w.pause.reached;
        servers[w.worker] = await serveJob(w.job, { port: 0, partition: { worker: w.worker, workers: 2, ...LAYOUT, urlOf: (i) => servers[i]!.url } });
      }
      for (const w of workers) {
        const server = servers[w.worker]!;
        const own = ownershipOf(w.worker, 2, LAYOUT);
        const status = (await get(server, '/status')).body as JobStatus;
        expect(status.worker).toEqual({ index: w.worker, workers: 2, partitions: [...own.partitions], keyGroups: { start: own.keyGroups.start, end: own.keyGroups.end } });
        for (const page of PAGES) {
          const r = await get(server, `/query/views?key=${encodeURIComponent(page)}`);
          const owner = ownerOfPage.get(page)!;
          if (owner === w.worker) {
            expect([page, r.status]).toEqual([page, 200]);
            const body = r.body as { keyGroup: number; worker: number; answer: { windows: unknown[] } };
            expect(body.worker).toBe(w.worker);
            expect(own.keyGroups.contains(body.keyGroup)).toBe(true);
            expect(body.answer.windows.length).toBeGreaterThan(0); // it holds the key's state
          } else {
            expect([page, r.status]).toEqual([page, 421]);
            const body = r.body as { error: string; operator: string; key: string; keyGroup: number; owner: { worker: number; url: string } };
            expect(body).toMatchObject({ operator: 'views', key: page, owner: { worker: owner, url: servers[owner]!.url } });
            expect(own.keyGroups.contains(body.keyGroup)).toBe(false);
            expect(ownershipOf(owner, 2, LAYOUT).keyGroups.contains(body.keyGroup)).toBe(true);
            expect(body.error).toContain(`worker ${owner} at ${servers[owner]!.url}`);
            // and the owner answers it
            expect((await get(servers[owner]!, `/query/views?key=${encodeURIComponent(page)}`)).status).toBe(200);
          }
        }
      }
      // without urlOf the owner is named by its index only
      const bare = await serveJob(workers[0]!.job, { port: 0, partition: { worker: 0, workers: 2, partitions: 4 } });
      try {
        const theirs = PAGES.find((p) => ownerOfPage.get(p) === 1)!;
        const r = await get(bare, `/query/views?key=${encodeURIComponent(theirs)}`);
        expect(r.status).toBe(421);
        expect((r.body as { owner: unknown }).owner).toEqual({ worker: 1 });
        expect((await get(bare, '/status')).body).not.toHaveProperty('worker.url');
      } finally {
        await bare.close();
      }
      // without the option: no worker in /status, no keyGroup in an answer
      const plain = await serveJob(workers[0]!.job, { port: 0 });
      try {
        expect((await get(plain, '/status')).body).not.toHaveProperty('worker');
        expect((await get(plain, `/query/views?key=${encodeURIComponent(PAGES[0]!)}`)).body).not.toHaveProperty('keyGroup');
      } finally {
        await plain.close();
      }
    } finally {
      for (const w of workers) w.pause.go();
      await Promise.all(dones);
      await Promise.all(servers.map((s) => s.close()));
    }
  }, 30_000);

  it('checks the option: unknown keys and bad values are INVALID_ARGUMENT', async () => {
    const { job } = await clickJob(clicks(10), []);
    const cases: [unknown, RegExp][] = [
      [{ worker: 0, workers: 2, partitions: 4, worekrs: 2 }, /unknown option `worekrs` \(did you mean `workers`\?\)/],
      [{ worker: 2, workers: 2, partitions: 4 }, /worker index must be an integer in \[0, 2\)/],
      [{ worker: 0, workers: 5, partitions: 4 }, /number of workers must be an integer in \[1, 4\]/],
      [{ worker: 0, workers: 1, partitions: 4, keyGroups: 0 }, /key groups must be an integer/],
      [{ worker: 0, workers: 1, partitions: 4, urlOf: 'http://x' }, /`urlOf` must be a function/],
      [{ worker: -1, workers: 1, partitions: 1 }, /worker index/],
      ['worker 0', /expected \{ worker, workers, partitions/],
    ];
    for (const [partition, message] of cases) {
      const err: unknown = await serveJob(job, { port: 0, partition: partition as never }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).code).toBe('INVALID_ARGUMENT');
      expect((err as HttpError).message).toMatch(message);
      expect((err as HttpError).message).toMatch(/^serveJob: option `partition`/);
    }
  });
});
