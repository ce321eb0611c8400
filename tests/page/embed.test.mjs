// Embeds a blogger can build a post from (issue 27). The release tarball (tools/dist.sh) is
// installed into an empty folder and served from one origin; its example post
// (examples/post.html, with its one script address pointed at that origin, as a blogger who
// copies it does) is served from another. The post embeds an input, the stations figure, one
// experiment figure and the verdict table: they share one paper and one model, one drawing
// changes every live figure, the host page hears the answer through `answerchange`, each
// evidence figure fetches only its own file, and no request leaves the two origins.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, drawStroke, frames, ROOT, screenshotPath } from './harness.mjs';
import { startServer } from '../../tools/serve.mjs';

const NAME = 'stations-in-the-stream';
/** The figures the example post embeds, in its order. */
const POST_FIGURES = ['input', 'stations', 'deletion', 'verdicts'];

let dir;
let pkgServer;
let blogServer;
let browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'embed-test-'));
  const out = join(dir, 'out');
  execFileSync('bash', [join(ROOT, 'tools/dist.sh'), out], { stdio: ['ignore', 'ignore', 'inherit'] });
  const [tgz] = readdirSync(out);
  const site = join(dir, 'site');
  mkdirSync(site);
  writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'my-site', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(out, tgz)], { cwd: site, stdio: ['ignore', 'ignore', 'inherit'] });
  const installed = join(site, 'node_modules', NAME);
  // The package's origin, with the page's policy and the CORS header a cross-origin embed needs.
  pkgServer = await startServer({ root: installed, port: 0, csp: true });
  pkgServer.server.prependListener('request', (_req, res) => res.setHeader('Access-Control-Allow-Origin', '*'));
  // The blog's origin: the example post, copied, its script address pointed at the package.
  const blog = join(dir, 'blog');
  mkdirSync(blog);
  const post = readFileSync(join(installed, 'examples', 'post.html'), 'utf8');
  const moduleSrc = 'src="../js/stream-figure.js"';
  assert.equal(post.split(moduleSrc).length, 2, 'the example post has one script address to change');
  writeFileSync(join(blog, 'post.html'), post.replace(moduleSrc, `src="${pkgServer.url}js/stream-figure.js"`));
  for (const f of ['post.js', 'post.css']) copyFileSync(join(installed, 'examples', f), join(blog, f));
  // A blog has its own icon (the browser asks for /favicon.ico).
  copyFileSync(join(installed, 'favicon.svg'), join(blog, 'favicon.ico'));
  writeFileSync(join(blog, 'separate.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Two papers</title>
<script type="module" src="${pkgServer.url}js/stream-figure.js"></script></head><body>
<stream-figure figure="stream"></stream-figure>
<stream-figure figure="microcircuit" station="V1"></stream-figure>
<stream-figure figure="lesions" separate></stream-figure></body></html>`);
  blogServer = await startServer({ root: blog, port: 0 });
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  await pkgServer?.close();
  await blogServer?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every live figure's canvases, as one string per element (its pixels, in PNG data URLs). */
function drawings(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('stream-figure')].map((el) => [
    el.getAttribute('figure'),
    [...(el.shadowRoot?.querySelectorAll('canvas') ?? [])].map((c) => c.toDataURL()).join('|'),
  ])));
}

test('the example post, served from a second origin, shares one drawing among its figures and fetches nothing else', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  t.after(() => context.close());
  const page = await context.newPage();
  const origins = [new URL(pkgServer.url).origin, new URL(blogServer.url).origin];
  const problems = [];
  /** @type {{url: string, bytes: number}[]} */
  const fetched = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!origins.includes(new URL(r.url()).origin)) problems.push(`request outside the two origins: ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  page.on('requestfinished', async (r) => {
    fetched.push({ url: r.url(), bytes: (await r.sizes()).responseBodySize });
  });

  await page.goto(`${blogServer.url}post.html`);
  // Each figure is built when it comes near: scroll to each, then wait for all to be drawn.
  for (const name of POST_FIGURES) await page.locator(`stream-figure[figure="${name}"]`).scrollIntoViewIfNeeded();
  await page.waitForFunction(() => [...document.querySelectorAll('stream-figure')].every((e) => e.dataset.ready === 'true' || e.dataset.error === 'true'), null, { timeout: 90_000 });
  const states = await page.evaluate(() => [...document.querySelectorAll('stream-figure')].map((e) =>
    [e.getAttribute('figure'), e.dataset.ready ?? e.shadowRoot?.querySelector('[data-role="status"]')?.textContent]));
  assert.deepEqual(states, POST_FIGURES.map((n) => [n, 'true']), 'every figure is drawn');

  // One paper: the input figure owns it, the stations figure follows with a link up to it.
  const papers = await page.evaluate(() => [...document.querySelectorAll('stream-figure')].map((e) => [
    e.getAttribute('figure'), e.dataset.paper ?? null, e.shadowRoot?.querySelectorAll('canvas[data-role="input"]').length ?? 0,
    e.shadowRoot?.querySelector('[data-action="to-input"]')?.textContent ?? null,
  ]));
  assert.deepEqual(papers, [
    ['input', 'owner', 1, null],
    ['stations', 'follower', 0, 'Draw in the figure above'],
    ['deletion', null, 0, null],
    ['verdicts', null, 0, null],
  ]);

  // The host page heard the first answer (examples/post.js writes it into its own sentence).
  const reading = page.locator('[data-role="reading"]');
  assert.match(await reading.textContent(), /^The stream wiring sees .+; the hierarchy sees .+\.$/);
  const answer = await page.evaluate(() => /** @type {any} */ (document.querySelector('stream-figure[figure="input"]')).answer);
  assert.deepEqual(Object.keys(answer), ['stream', 'hierarchy']);
  for (const w of ['stream', 'hierarchy']) assert.deepEqual(Object.keys(answer[w]).sort(), ['behaviour', 'kind', 'recognised']);

  // The link scrolls back to the paper.
  await page.locator('stream-figure[figure="stations"]').locator('[data-action="to-input"]').click();
  await page.waitForFunction(() => {
    const r = document.querySelector('stream-figure[figure="input"]').getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight;
  }, null, { timeout: 10_000 });

  // Draw once, on the one paper: every live figure follows.
  const before = await drawings(page);
  const paper = page.locator('stream-figure[figure="input"]').locator('canvas[data-role="input"]');
  await drawStroke(page, [[0.25, 0.2], [0.75, 0.5], [0.25, 0.8], [0.25, 0.2]], paper);
  await page.locator('stream-figure[figure="stations"]').scrollIntoViewIfNeeded();
  await frames(page, 3);
  const afterDraw = await drawings(page);
  for (const name of ['input', 'stations']) assert.notEqual(afterDraw[name], before[name], `the ${name} figure follows the drawing`);
  assert.ok(afterDraw.deletion.length > 0 || (await page.evaluate(() => Boolean(document.querySelector('stream-figure[figure="deletion"]').shadowRoot.querySelector('svg .exp-bar, svg rect, svg path')))), 'the experiment figure is drawn');
  // The experiment figure has its colours in the shadow root (no :root there: css/experiments.css sets them on :host too).
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.querySelector('stream-figure[figure="deletion"]').shadowRoot.querySelector('figure')).getPropertyValue('--exp-stream').trim()), '', 'the experiment colours reach the shadow root');
  assert.equal(await page.evaluate(() => document.querySelector('stream-figure[figure="verdicts"]').shadowRoot.querySelectorAll('tr[data-claim][data-word]:not([data-word=""])').length), 10, 'the table has every verdict');
  const sentence = await reading.textContent();
  const now = await page.evaluate(() => /** @type {any} */ (document.querySelector('stream-figure[figure="input"]')).answer);
  const said = (w) => (now[w].recognised ? `a ${now[w].kind}, and so: ${now[w].behaviour}` : 'none of the kinds it knows');
  assert.equal(sentence, `The stream wiring sees ${said('stream')}; the hierarchy sees ${said('hierarchy')}.`, 'the host page follows the answer');

  // One wasm module for the page; of the results, the index, the experiment's own file and the verdicts.
  await page.locator('stream-figure[figure="input"]').scrollIntoViewIfNeeded();
  await frames(page, 2);
  const paths = fetched.map((f) => new URL(f.url).pathname);
  assert.equal(paths.filter((p) => p.endsWith('/ventral_stream_bg.wasm')).length, 1, 'the page wasm, once');
  assert.deepEqual(paths.filter((p) => p.includes('/data/')).sort(), ['/data/results/deletion.json', '/data/results/index.json', '/data/results/verdicts.json']);
  assert.ok(!paths.some((p) => p.includes('pkg-lab')), 'the lab module is not loaded');
  await page.screenshot({ path: screenshotPath('embed-post.png'), fullPage: true });
  // What the post downloaded, for the README (bytes as served, uncompressed).
  const total = fetched.reduce((s, f) => s + f.bytes, 0);
  t.diagnostic(`downloaded ${fetched.length} files, ${total} bytes: ${fetched.map((f) => `${new URL(f.url).pathname} ${f.bytes}`).join(', ')}`);

  // "Run in your browser" starts its worker from the other origin too (js/worker-start.js).
  const deletion = page.locator('stream-figure[figure="deletion"]');
  await deletion.locator('[data-action="run"]').click();
  await page.waitForFunction(() => {
    const fig = document.querySelector('stream-figure[figure="deletion"]').shadowRoot.querySelector('figure');
    return fig.querySelector('progress').value > 0 || fig.dataset.origin === 'live' || /failed/.test(fig.querySelector('[data-role="status"]').textContent);
  }, null, { timeout: 120_000 });
  assert.doesNotMatch(await deletion.locator('figure [data-role="status"]').textContent(), /failed/);
  if (await deletion.locator('[data-action="cancel"]').isVisible()) await deletion.locator('[data-action="cancel"]').click();
  assert.deepEqual(problems, []);
});

test('a figure that says `separate` keeps its own paper and model; attributes are reflected and a change rebuilds the figure', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${blogServer.url}separate.html`);
  await page.waitForFunction(() => [...document.querySelectorAll('stream-figure')].every((e) => e.dataset.ready === 'true'), null, { timeout: 90_000 });
  const papers = await page.evaluate(() => [...document.querySelectorAll('stream-figure')].map((e) => [e.dataset.paper ?? null, e.shadowRoot.querySelectorAll('canvas[data-role="input"]').length]));
  // No input figure: the first figure owns the shared paper; `separate` has a paper of its own.
  assert.deepEqual(papers, [['owner', 1], ['follower', 0], [null, 1]]);
  const el = page.locator('stream-figure[figure="microcircuit"]');
  assert.deepEqual(await el.evaluate((e) => [e.figure, e.station, e.separate]), ['microcircuit', 'V1', false]);

  // Drawing on the shared paper changes its follower, not the separate figure.
  const before = await drawings(page);
  await drawStroke(page, [[0.2, 0.3], [0.8, 0.6]], page.locator('stream-figure[figure="stream"]').locator('canvas[data-role="input"]'));
  await el.scrollIntoViewIfNeeded();
  await frames(page, 3);
  const afterDraw = await drawings(page);
  assert.notEqual(afterDraw.microcircuit, before.microcircuit, 'the follower follows');
  assert.equal(afterDraw.lesions, before.lesions, 'the separate figure keeps its own paper');

  // A property sets its attribute, and the figure is built again for it.
  await el.evaluate((e) => {
    e.station = 'IT';
  });
  assert.equal(await el.getAttribute('station'), 'IT');
  await page.waitForFunction(() => document.querySelector('stream-figure[figure="microcircuit"]').dataset.ready === 'true', null, { timeout: 30_000 });
  assert.equal(await el.evaluate((e) => e.shadowRoot.querySelector('select[data-control="microcircuit-station"]').value), 'IT', 'rebuilt at the new station');
  await el.evaluate((e) => {
    e.separate = true;
  });
  assert.equal(await el.getAttribute('separate'), '');
  await page.waitForFunction(() => document.querySelector('stream-figure[figure="microcircuit"]').dataset.ready === 'true', null, { timeout: 30_000 });
  assert.equal(await el.evaluate((e) => e.shadowRoot.querySelectorAll('canvas[data-role="input"]').length), 1, 'separate now: a paper of its own');

  // The owner removed, the next figure built takes the paper over.
  await page.evaluate(() => {
    document.querySelector('stream-figure[figure="stream"]').remove();
    const next = document.createElement('stream-figure');
    next.setAttribute('figure', 'pipeline');
    document.body.append(next);
  });
  await page.waitForFunction(() => document.querySelector('stream-figure[figure="pipeline"]')?.dataset.ready === 'true', null, { timeout: 30_000 });
  assert.deepEqual(await page.evaluate(() => {
    const next = document.querySelector('stream-figure[figure="pipeline"]');
    return [next.dataset.paper, next.shadowRoot.querySelectorAll('canvas[data-role="input"]').length];
  }), ['owner', 1]);
  assert.deepEqual(problems, []);
});

test('embed.html frames an experiment figure and the verdict table by name', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1200 } });
  t.after(() => context.close());
  const problems = [];
  for (const [name, drawn] of [['gating', 'figure[data-experiment="gating"][data-state="file"]'], ['verdicts', 'tr[data-claim="GA"][data-word]']]) {
    // A page each: a link that differs only in its fragment would not load the page again.
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(`${pkgServer.url}embed.html#figure=${name}`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
    assert.equal(await page.locator('stream-figure').locator(drawn).count(), 1, `${name} is drawn`);
  }
  assert.deepEqual(problems, []);
});
