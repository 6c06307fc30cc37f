import { runInNewContext } from 'node:vm';
import type { JobStatus } from '../../JobStatus';
import { sampleJobStatus } from '../../testing';
import { chartData } from '../chartData';
import { livePage, livePageScript } from '../livePage';
import { renderView } from '../renderView';

describe('livePage', () => {
  it('is one document that loads nothing else', () => {
    const html = livePage();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });

  it('runs the same rendering in a bare context as in Node (the script needs no module)', () => {
    // Everything the page's script defines, evaluated with no require, exports or module binding;
    // only the final poll is kept from starting (no fetch or document here).
    const script = livePageScript().replace(/\(function \(\) \{\n  var params[\s\S]*$/, '');
    const samples: JobStatus[] = [0, 1, 2, 3].map(sampleJobStatus);
    const inPage = runInNewContext(`${script}\nrenderView(samples, chartData(samples));`, { samples }) as string;
    expect(inPage).toBe(renderView(samples, chartData(samples)));
    expect(inPage).toContain('data-points="3"');
  });

  it('polls status with the token from the fragment, and shows what went wrong', async () => {
    const requests: Array<{ url: string; headers: Record<string, string> }> = [];
    const elements: Record<string, { innerHTML: string; textContent: string }> = {
      view: { innerHTML: '', textContent: '' },
      meta: { innerHTML: '', textContent: '' },
      problem: { innerHTML: '', textContent: '' },
    };
    let answer: { ok: boolean; status: number; body: unknown } = { ok: true, status: 200, body: sampleJobStatus(0) };
    const timers: Array<() => void> = [];
    const context = {
      location: { hash: '#token=s3cret' },
      document: { getElementById: (id: string) => elements[id] },
      URLSearchParams,
      Date,
      setTimeout: (f: () => void) => timers.push(f),
      fetch: async (url: string, init: { headers: Record<string, string> }) => {
        requests.push({ url, headers: init.headers });
        const { ok, status, body } = answer;
        return { ok, status, json: async () => body, text: async () => String(body) };
      },
    };
    runInNewContext(livePageScript(), context);
    const settle = async (): Promise<void> => {
      while (timers.length === 0) await new Promise((r) => setImmediate(r));
    };
    await settle();
    expect(requests).toEqual([{ url: 'status', headers: { authorization: 'Bearer s3cret' } }]);
    expect(elements.view!.innerHTML).toContain('<h1>window-job');
    expect(elements.problem!.textContent).toBe('');
    answer = { ok: false, status: 401, body: 'a bearer token is required' };
    timers.shift()!();
    await settle();
    expect(elements.problem!.textContent).toBe('cannot read /status: /status answered 401: a bearer token is required');
    expect(elements.view!.innerHTML).toContain('<h1>window-job'); // the last view stays
  });
});
