// The live page served at `/`: one self-contained HTML document (inline CSS and script, no
// request but its own polls of `status`). Its script is the source text of the pure functions
// of chartData.ts and renderView.ts (so what the tests check in Node is what the browser runs)
// and a few lines that poll, keep the last samples and redraw.
import { CHART_DATA_FUNCTIONS } from './chartData';
import { RENDER_VIEW_FUNCTIONS } from './renderView';

/** How many `/status` samples the page keeps (one a second: the charts show the last two minutes). */
const KEEP_SAMPLES = 120;
/** How often the page polls `/status`, ms. */
const POLL_MS = 1_000;

const STYLE = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6472; --line: #d9dde3; --ok: #1a7f37; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px 20px; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
h1 span { font-size: 13px; font-weight: 600; padding: 1px 8px; border-radius: 10px; vertical-align: middle; }
h1 .ok { color: #fff; background: var(--ok); }
h1 .off { color: #fff; background: var(--muted); }
h2 { font-size: 15px; margin: 12px 0 6px; }
.facts, .note, #meta { color: var(--muted); margin: 0 0 10px; }
#problem { color: var(--bad); font-weight: 600; }
#problem:empty { display: none; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.chart { margin: 0; padding: 8px; border: 1px solid var(--line); border-radius: 6px; }
.chart figcaption { font-weight: 600; margin-bottom: 4px; }
.chart svg { display: block; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .tick { fill: var(--muted); font-size: 10px; }
.chart .series { fill: none; stroke-width: 1.8; stroke-linejoin: round; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px; color: var(--muted); max-width: 350px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
.tables { display: flex; flex-wrap: wrap; gap: 0 28px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin-bottom: 6px; }
th, td { padding: 3px 10px 3px 0; text-align: right; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { font-weight: 600; color: var(--muted); }
th:first-child, td:first-child { text-align: left; }
`;

const CLIENT = `
(function () {
  var params = new URLSearchParams(location.hash.replace(/^#/, ''));
  var token = params.get('token');
  var samples = [];
  var view = document.getElementById('view');
  var meta = document.getElementById('meta');
  var problem = document.getElementById('problem');
  function poll() {
    fetch('status', { headers: token ? { authorization: 'Bearer ' + token } : {}, cache: 'no-store' })
      .then(function (res) {
        if (res.ok) return res.json();
        return res.text().then(function (text) { throw new Error('/status answered ' + res.status + ': ' + text); });
      })
      .then(function (status) {
        samples.push(status);
        if (samples.length > ${KEEP_SAMPLES}) samples.shift();
        view.innerHTML = renderView(samples, chartData(samples));
        meta.textContent = 'updated ' + new Date().toLocaleTimeString() + ' · polling /status every ${POLL_MS / 1000} s · ' + samples.length + ' samples';
        problem.textContent = '';
      })
      .catch(function (err) {
        problem.textContent = 'cannot read /status: ' + (err && err.message ? err.message : String(err)) +
          (token === null ? ' (if the job has a token, open this page as .../#token=<token>)' : '');
      })
      .finally(function () { setTimeout(poll, ${POLL_MS}); });
  }
  poll();
})();
`;

let page: string | undefined;

/**
 * The live page, served at `/`: one HTML document with inline CSS and script and nothing else to
 * load. In the browser it polls `status` (relative to the page, so `/status`) every second,
 * keeps the last 120 samples and redraws charts of records/s per source and per operator and
 * of watermark lag (inline SVG), and tables of sources, operators with their late records,
 * stores and recent checkpoints.
 *
 * The page holds no data of the job. When the server has a token, open the page as
 * `http://127.0.0.1:9464/#token=<token>`: the script sends it as `Authorization: Bearer
 * <token>` with each poll (a fragment never leaves the browser: it is in no request line,
 * server log or `Referer`).
 *
 * Built once (about 20 KB) and cached.
 *
 * @example
 * ```ts
 * res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(livePage());
 * ```
 */
export function livePage(): string {
  if (page !== undefined) return page;
  const functions = [...CHART_DATA_FUNCTIONS, ...RENDER_VIEW_FUNCTIONS].map((f) => String(f)).join('\n');
  // `</` inside a script element could close it early; `<\/` is the same text to JavaScript.
  const script = `"use strict";\n${functions}\n${CLIENT}`.replace(/<\//g, '<\\/');
  page =
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>weir job</title>' +
    `<style>${STYLE}</style></head><body>` +
    '<p id="problem" role="alert"></p>' +
    '<main id="view"><p class="note">waiting for the first /status…</p></main>' +
    '<p id="meta"></p>' +
    '<noscript>This page draws its charts with JavaScript; without it, read /status (JSON) or /metrics.</noscript>' +
    `<script>${script}</script></body></html>\n`;
  return page;
}

/** The script of the live page, for tests that run it outside a browser. */
export function livePageScript(): string {
  const html = livePage();
  return html.slice(html.indexOf('<script>') + '<script>'.length, html.lastIndexOf('</script>'));
}
