// The article's live figures: each renders and follows the input; presets, an uploaded PNG and
// a fake webcam go through the one capture path; lesion switches change the behaviour's
// decomposition; the state lands in the URL; keyboard-only use reaches every control; the
// <stream-figure> snippet and embed.html work in a plain page of their own. Screenshots of each
// figure go to tests/page/screenshots/.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cameraPage, drawStroke, frames, loadReady, pageFor, screenshotPath, showEach, startAll, startWebcam } from './harness.mjs';
import { greyPng } from './png.mjs';
import { EXPERIMENTS } from '../../www/js/names.js';

const LIVE = ['fig-input', 'fig-gallery', 'fig-pipeline', 'fig-microcircuit', 'fig-stations', 'fig-stream', 'fig-lesions'];
const STROKE = [[0.2, 0.2], [0.8, 0.8], [0.8, 0.2], [0.2, 0.8]];

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.stop();
});

/** Hash of every canvas of each live figure: { 'fig-stream': 'abc…', … } (each brought up to date first). */
async function figureHashes(page, ids = LIVE) {
  await showEach(page, ids.map((id) => `#${id}`).join(', '));
  const urls = await page.evaluate((list) => Object.fromEntries(list.map((id) => [
    id, [...document.querySelectorAll(`#${id} canvas`)].map((c) => c.toDataURL()).join('|') +
      [...document.querySelectorAll(`#${id} [data-role="summary"]`)].map((e) => e.textContent).join('|'),
  ])), ids);
  return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, createHash('sha256').update(v).digest('hex').slice(0, 16)]));
}

/** The stream decomposition of the lesion figure: { direct: v, V1: v, … }. */
function decomposition(page, fig = '#fig-lesions') {
  return page.evaluate((sel) => Object.fromEntries(
    [...document.querySelectorAll(`${sel} [data-role="decomposition"] li`)].map((li) => [li.dataset.path, Number(li.dataset.value)]),
  ), fig);
}

test('every figure renders, with a caption, and the experiment placeholders are in place; screenshots', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  await page.selectOption('select[data-control="preset"]', 'house');
  await frames(page, 3);
  for (const id of LIVE) {
    const fig = page.locator(`figure#${id}`);
    assert.equal(await fig.count(), 1, `${id} exists`);
    const info = await fig.evaluate((el) => ({
      caption: el.querySelector('figcaption.caption')?.textContent ?? '',
      canvases: [...el.querySelectorAll('canvas')].filter((c) => c.width > 1).length + el.querySelectorAll('[data-role="decomposition"] li').length,
      height: el.getBoundingClientRect().height,
    }));
    assert.ok(info.caption.length > 40, `${id} has a caption that says what to look for`);
    assert.ok(info.canvases > 0, `${id} draws something`);
    assert.ok(info.height > 100, `${id} takes room`);
    await fig.scrollIntoViewIfNeeded();
    await fig.screenshot({ path: screenshotPath(`figure-${id}.png`) });
  }
  for (const exp of EXPERIMENTS) {
    const n = await page.locator(`figure#fig-${exp}.experiment[data-experiment="${exp}"]`).count();
    assert.equal(n, 1, `placeholder for ${exp}`);
  }
  const summaries = await page.$$eval('[data-role="summary"]', (els) => els.map((e) => e.textContent));
  assert.ok(summaries.length >= 5 && summaries.every((t) => t.length > 20), 'each figure has a text summary');
  const refs = await page.$$eval('a.cite', (as) => as.map((a) => a.getAttribute('href')));
  for (const r of new Set(refs)) assert.equal(await page.locator(r).count(), 1, `citation ${r} has a bibliography entry`);
  assert.deepEqual(problems, []);
});

test('drawing updates every live figure', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  await frames(page);
  const before = await figureHashes(page);
  await drawStroke(page, STROKE);
  await frames(page, 3);
  const afterDraw = await figureHashes(page);
  const unchanged = LIVE.filter((id) => id !== 'fig-gallery' && before[id] === afterDraw[id]);
  assert.deepEqual(unchanged, [], 'every live figure follows the drawing');
  assert.deepEqual(problems, []);
});

test('every preset goes through the capture path, and the gallery picks one', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  const options = await page.$$eval('select[data-control="preset"] option', (os) => os.map((o) => o.value).filter(Boolean));
  for (const kind of ['bars', 'grating', 'noise', 'tiger', 'grandmother']) assert.ok(options.includes(kind), `preset ${kind}`);
  assert.ok(options.length >= 13, `${options.length} presets`);
  const seen = new Set();
  for (const name of options) {
    await page.selectOption('select[data-control="preset"]', name);
    await frames(page, 2);
    const h = (await figureHashes(page, ['fig-input']))['fig-input'];
    assert.ok(!seen.has(h), `preset ${name} changes the retina`);
    seen.add(h);
  }
  // "Another" gives another sample.
  const one = (await figureHashes(page, ['fig-input']))['fig-input'];
  await page.click('[data-action="preset-next"]');
  await frames(page, 2);
  assert.notEqual((await figureHashes(page, ['fig-input']))['fig-input'], one);
  // The URL keeps the preset.
  await page.waitForFunction(() => location.hash.includes('input=preset'));
  // The gallery: a thumbnail for every kind.
  const thumbs = await page.$$eval('[data-preset]', (bs) => bs.map((b) => b.dataset.preset.split(':')[0]));
  for (const name of options) assert.ok(thumbs.includes(name), `gallery shows ${name}`);
  await page.click('[data-preset="tiger:1"]');
  await frames(page, 2);
  const cat = await page.locator('[data-wiring="stream"] [data-role="category"]').textContent();
  assert.ok(cat.length > 0);
  assert.deepEqual(problems, []);
});

test('an uploaded PNG goes through the capture path', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  const before = await figureHashes(page, ['fig-input', 'fig-stations']);
  const carriedOf = () => page.locator('#fig-stations [data-role="carried"]').evaluate((el) => ({ ...el.dataset, text: el.textContent }));
  const carriedBefore = await carriedOf();
  const file = greyPng(120, 80, (y) => Buffer.from(Array.from({ length: 120 }, (_, x) => (Math.hypot(x - 60, y - 40) < 25 ? 0 : 255))));
  await page.setInputFiles('input[data-control="upload"]', { name: 'disc.png', mimeType: 'image/png', buffer: file });
  await page.waitForFunction(() => /disc\.png/.test(document.querySelector('[data-role="input-message"]').textContent));
  await frames(page, 3);
  const afterUpload = await figureHashes(page, ['fig-input', 'fig-stations']);
  assert.notEqual(afterUpload['fig-input'], before['fig-input']);
  assert.notEqual(afterUpload['fig-stations'], before['fig-stations']);
  // Under the maps, how much of this input each wiring's L5 still carries: four cosines each,
  // and a sentence that says them as percentages.
  const carried = await carriedOf();
  assert.notEqual(carried.stream, carriedBefore.stream, 'a new picture, new cosines');
  for (const w of ['stream', 'hierarchy']) {
    const values = carried[w].split(',').map(Number);
    assert.equal(values.length, 4, `${w}: ${carried[w]}`);
    assert.ok(values.every((v) => v >= -1 && v <= 1), `${w}: ${carried[w]}`);
  }
  assert.match(carried.text, /IT’s layer 5 still carries −?\d+ % of the input in the stream and −?\d+ % in the hierarchy/);
  // A file that is not an image is reported, and nothing breaks.
  await page.setInputFiles('input[data-control="upload"]', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a png') });
  await page.waitForFunction(() => /could not be read/.test(document.querySelector('[data-role="input-message"]').textContent));
  assert.deepEqual(problems, []);
});

test('a fake webcam goes through the capture path; a refused camera is explained', async (t) => {
  const { browser, context, page, errors } = await cameraPage(t, env);
  await loadReady(page, env.url);
  // Webcam frames reach the retina (startWebcam fails on a timeout when they do not).
  await startWebcam(page);
  // The camera's picture is not blank paper, so the input panel does not say it is.
  await page.waitForFunction(() => document.querySelector('[data-role="input-note"]').dataset.blank === 'false', null, { timeout: 10_000 });
  await page.click('[data-action="webcam"]');
  assert.equal(await page.locator('[data-action="webcam"]').getAttribute('aria-pressed'), 'false');
  assert.deepEqual(errors, []);
  await context.close();

  // Without the permission: a clear message, and the page keeps working.
  const denied = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p2 = await denied.newPage();
  await p2.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
  });
  await loadReady(p2, env.url);
  await p2.click('[data-action="webcam"]');
  await p2.waitForFunction(() => /refused/.test(document.querySelector('[data-role="input-message"]').textContent));
  await denied.close();
});

test('lesion switches change the behaviour’s decomposition, and are kept in the URL', async (t) => {
  const { context, page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  await page.selectOption('select[data-control="preset"]', 'house');
  await frames(page, 2);
  const intact = await decomposition(page);
  assert.ok(Math.abs(intact.V2) > 0, 'V2 contributes when intact');
  await page.locator('#fig-lesions label.switch:has(input[data-lesion="stream.V2"])').click();
  await frames(page, 3);
  const lesioned = await decomposition(page);
  assert.equal(lesioned.V2, 0, 'a removed station contributes nothing');
  assert.notDeepEqual(lesioned, intact);
  await page.waitForFunction(() => location.hash.includes('lesion=stream.V2'));
  // Reloading the shared URL brings the same view back.
  const url = page.url();
  const p2 = await context.newPage();
  await loadReady(p2, url);
  await frames(p2, 2);
  assert.equal(await p2.locator('input[data-lesion="stream.V2"]').isChecked(), true);
  assert.equal(await p2.locator('select[data-control="preset"]').inputValue(), 'house');
  assert.deepEqual(await decomposition(p2), lesioned);
  await p2.close();
  assert.deepEqual(problems, []);
});

test('a bad weights file is reported and the page keeps working', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  await page.setInputFiles('input[data-control="weights-file"]', { name: 'broken.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from([1, 2, 3, 4, 5]) });
  await page.waitForFunction(() => /not loaded/.test(document.querySelector('[data-role="weights-status"]').textContent));
  const before = await figureHashes(page, ['fig-stations']);
  await drawStroke(page, STROKE);
  await frames(page, 3);
  assert.notEqual((await figureHashes(page, ['fig-stations']))['fig-stations'], before['fig-stations']);
  assert.deepEqual(problems, []);
});

test('keyboard alone reaches every control, with a visible focus', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.experiments), 'ready');
  const controls = await page.$$eval(
    'button:not([disabled]), select, input, summary, [tabindex="0"], a[href]',
    // In a radio group Tab reaches the chosen radio, and the arrow keys the others. What a
    // closed <details> holds is reached once its (listed) summary opens it. A control the layout
    // does not show at this width (the wiring switch, for narrow figures only) has no box.
    (els) => els.filter((e) => !e.closest('[hidden]') && e.getClientRects().length > 0 && !(e.type === 'radio' && !e.checked)
      && !(e.closest('details:not([open])') && e.tagName !== 'SUMMARY')).map((e) => {
      e.dataset.kb = e.dataset.kb || Math.random().toString(36).slice(2);
      return e.dataset.kb;
    }),
  );
  const reached = new Set();
  const noRing = [];
  // Tab until the focus comes back round to the first control it reached.
  let start = null;
  for (let i = 0; i < controls.length * 2 + 40; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      const s = getComputedStyle(el);
      const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
      // inputs hidden behind a styled label or switch show the ring on their sibling
      const sib = el.nextElementSibling ? getComputedStyle(el.nextElementSibling) : null;
      const sibRing = sib && sib.outlineStyle !== 'none' && parseFloat(sib.outlineWidth) >= 2;
      return { kb: el.dataset.kb, ring: ring || sibRing, tag: el.tagName, desc: el.outerHTML.slice(0, 80) };
    });
    if (f.kb && f.kb === start) break;
    start ??= f.kb;
    if (f.kb) reached.add(f.kb);
    if (f.kb && !f.ring) noRing.push(f.desc);
  }
  // Nothing listed may have been replaced while tabbing (that would hide a miss).
  const detached = await page.$$eval('[data-kb]', (els, all) => all.length - els.filter((e) => all.includes(e.dataset.kb)).length, controls);
  assert.equal(detached, 0, 'the listed controls stay in the page');
  const missed = controls.filter((k) => !reached.has(k));
  const missedDesc = await page.$$eval('[data-kb]', (els, m) => els.filter((e) => m.includes(e.dataset.kb)).map((e) => e.outerHTML.slice(0, 100)), missed);
  assert.deepEqual(missedDesc, [], 'every control is reached by Tab');
  assert.deepEqual([...new Set(noRing)], [], 'every focused control shows a ring');

  // The unit inspector works from the keyboard.
  await page.locator('#fig-microcircuit canvas[data-inspect="l23"]').focus();
  const first = await page.locator('#fig-microcircuit [data-role="unit"]').textContent();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('PageDown');
  const second = await page.locator('#fig-microcircuit [data-role="unit"]').textContent();
  assert.notEqual(second, first);
  assert.match(second, /channel 2/);
  assert.deepEqual(problems, []);
});

const SNIPPET_PAGE = (origin) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A blog post</title></head>
<body><main><h1>My post</h1><p>Some text.</p>
<div id="narrow"><stream-figure figure="microcircuit"></stream-figure></div>
<stream-figure figure="lesions" separate></stream-figure>
<iframe title="A live figure" src="${origin}/embed.html#figure=stream" width="600" height="900"></iframe>
</main>
<script type="module" src="${origin}/js/stream-figure.js"></script>
</body></html>`;

test('the embed snippets work in a plain page of their own, with no globals leaked', async (t) => {
  const { context, page, problems } = await pageFor(t, env, { viewport: { width: 900, height: 900 } });
  await page.route(`${env.origin}/blog-post.html`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: SNIPPET_PAGE(env.origin) }));
  const globalsBefore = await (async () => {
    const p = await context.newPage();
    await p.goto(`${env.origin}/favicon.svg`);
    const g = await p.evaluate(() => Object.keys(window));
    await p.close();
    return g;
  })();
  await page.goto(`${env.origin}/blog-post.html`);
  await page.waitForFunction(() => [...document.querySelectorAll('stream-figure')].every((e) => e.dataset.ready === 'true'), null, { timeout: 30_000 });
  const frame = page.frameLocator('iframe');
  await frame.locator('html[data-ready="true"]').waitFor({ timeout: 30_000 });
  // A figure that says `separate` has its own input: drawing in the other leaves it as it was.
  const hashes = () => page.evaluate(() => [...document.querySelectorAll('stream-figure')].map((e) =>
    [...e.shadowRoot.querySelectorAll('canvas')].map((c) => c.toDataURL()).join('|').length + ':' +
    [...e.shadowRoot.querySelectorAll('canvas')].map((c) => c.toDataURL()).join('|').slice(-200)));
  const before = await hashes();
  const paper = page.locator('stream-figure[figure="microcircuit"] canvas[data-role="input"]');
  await drawStroke(page, [[0.2, 0.2], [0.8, 0.7]], paper);
  await frames(page, 3);
  const afterDraw = await hashes();
  assert.notEqual(afterDraw[0], before[0], 'the drawn-on figure changes');
  assert.equal(afterDraw[1], before[1], 'the other figure keeps its own input');
  // Sized to its container.
  const widths = await page.evaluate(() => {
    const el = document.querySelector('#narrow stream-figure');
    return [el.getBoundingClientRect().width, document.querySelector('#narrow').getBoundingClientRect().width];
  });
  assert.ok(Math.abs(widths[0] - widths[1]) < 1, 'the element fills its container');
  const globalsAfter = await page.evaluate(() => Object.keys(window));
  // (numeric keys are the page's own frames)
  const leaked = globalsAfter.filter((k) => !globalsBefore.includes(k) && !/^\d+$/.test(k));
  assert.deepEqual(leaked, [], 'no globals leaked');
  await page.screenshot({ path: screenshotPath('embed-snippet.png'), fullPage: true });
  assert.deepEqual(problems, []);
});
