// Only what is near the viewport works (issue 15): figures far from the viewport are not built
// at load, a figure out of view is not redrawn by a stroke and is brought up to date when it
// comes back, every figure still shows its caption and summary when scrolled to, the
// experiment figures fetch only their own results, and every data-result hook is filled.
// Behaviour only: nothing here is timed.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WWW, drawStroke, frames, loadReady, pageFor, showEach, startAll } from './harness.mjs';

const HAVE_RESULTS = existsSync(join(WWW, 'data', 'results', 'index.json'));
/** How many seeds the results file is over (0 without one). */
const SEEDS = HAVE_RESULTS ? JSON.parse(readFileSync(join(WWW, 'data', 'results.json'), 'utf8')).seeds?.length ?? 1 : 0;
const STROKE = [[0.2, 0.3], [0.5, 0.8], [0.8, 0.3]];
/** Live figures that print a text summary of what they show ([data-role="summary"]). */
const WITH_SUMMARY = ['pipeline', 'microcircuit', 'stations', 'stream', 'lesions'];

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.stop();
});

/** Load and wait for data-ready only: no scrolling (loadReady scrolls through the page). */
async function loadTop(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
  await frames(page, 3);
}

/** A hash of what a figure shows: its canvases and its text summary. */
async function figureHash(page, id) {
  const s = await page.evaluate((sel) => {
    const fig = document.querySelector(sel);
    return [...fig.querySelectorAll('canvas')].map((c) => c.toDataURL()).join('|') +
      [...fig.querySelectorAll('[data-role="summary"]')].map((e) => e.textContent).join('|');
  }, `#${id}`);
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

/** Count the core's draw calls by the figure whose canvas they draw into. */
function countDraws(page) {
  return page.evaluate(async () => {
    const { Viewer } = await import('./pkg/ventral_stream.js');
    window.__draws = {};
    for (const name of ['draw_station', 'draw_input', 'draw_lgn']) {
      const real = Viewer.prototype[name];
      Viewer.prototype[name] = function counted(...args) {
        const canvas = args.find((a) => a instanceof HTMLCanvasElement);
        const id = canvas?.closest('figure[id]')?.id ?? '?';
        window.__draws[id] = (window.__draws[id] ?? 0) + 1;
        return real.apply(this, args);
      };
    }
  });
}

test('far figures are not built at load; the experiment figures fetch only their own results', async (t) => {
  const { page, problems } = await pageFor(t, env);
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await loadTop(page, env.url);
  await page.waitForTimeout(500);
  const far = await page.evaluate(() => ({
    lesions: document.querySelector('#fig-lesions .figure-body').childElementCount,
    stations: document.querySelector('#fig-stations .figure-body').childElementCount,
    deletion: document.querySelector('#fig-deletion').dataset.state,
    input: document.querySelector('#fig-input .figure-body').childElementCount,
  }));
  assert.ok(far.input > 0, 'the input panel is built at once');
  assert.equal(far.lesions, 0, 'a figure far below is not built');
  assert.equal(far.stations, 0, 'the stations figure, far below, is not built');
  assert.equal(far.deletion, 'waiting', 'a far experiment figure waits');
  assert.ok(!requested.some((p) => p.endsWith('/data/results.json')), 'the whole results file is never fetched');
  assert.ok(!requested.includes('/data/results/receptive-fields.json'), 'the receptive-field maps are not fetched before the reader comes near');

  await showEach(page, '#fig-receptive-fields');
  assert.ok(requested.includes('/data/results/receptive-fields.json'), 'they are fetched when the figure comes near');
  assert.ok(!requested.includes('/data/results/tuning.json'), 'but not the results of figures far from it');
  assert.deepEqual(problems, []);
});

test('a figure out of view is not redrawn by a stroke, and is up to date when it comes back', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url); // every figure built and drawn, then back at the top
  await countDraws(page);
  const before = await figureHash(page, 'fig-stations');

  await drawStroke(page, STROKE);
  await frames(page, 3);
  const draws = await page.evaluate(() => window.__draws);
  assert.ok(draws['fig-input'] > 0, 'the input panel, in view, follows the stroke');
  assert.equal(draws['fig-stations'] ?? 0, 0, 'the stations figure, far below, is not drawn');
  assert.equal(await page.locator('#fig-stations').getAttribute('data-stale'), 'true', 'and is marked stale');
  assert.equal(await figureHash(page, 'fig-stations'), before, 'its canvases still show the old input');

  // Scrolled back: drawn from the latest run, once.
  await page.evaluate(() => {
    window.__draws = {};
  });
  await showEach(page, '#fig-stations');
  const back = await page.evaluate(() => window.__draws['fig-stations'] ?? 0);
  assert.ok(back > 0, 'it is drawn when it comes back');
  assert.equal(await page.locator('#fig-stations').getAttribute('data-stale'), null);
  const drawn = await figureHash(page, 'fig-stations');
  assert.notEqual(drawn, before, 'it now shows the stroke');

  // Up to date: what it shows is what a fresh draw of the same run shows (the test hook runs
  // the model again on the same paper and draws every figure near the viewport).
  await page.locator('#fig-stations').scrollIntoViewIfNeeded();
  await frames(page, 2);
  await page.evaluate(() => {
    document.documentElement.setAttribute('data-test-hooks', '');
    document.dispatchEvent(new CustomEvent('stations-test', { detail: { action: 'frames', n: 1 } }));
  });
  assert.equal(await figureHash(page, 'fig-stations'), drawn, 'a fresh run draws the same picture');
  assert.deepEqual(problems, []);
});

test('a figure scrolled into view draws the current input (the same as a fresh page with that input)', async (t) => {
  const { context, page, problems } = await pageFor(t, env);
  await loadTop(page, env.url);
  await page.selectOption('select[data-control="preset"]', 'house');
  await frames(page, 2);
  await page.waitForFunction(() => location.hash.includes('input=preset'));
  for (const id of ['fig-stations', 'fig-stream', 'fig-lesions']) {
    assert.equal(await page.evaluate((sel) => document.querySelector(sel).childElementCount, `#${id} .figure-body`), 0, `${id} not built yet`);
  }
  await showEach(page, '#fig-stations, #fig-stream, #fig-lesions');
  const here = {};
  for (const id of ['fig-stations', 'fig-stream', 'fig-lesions']) here[id] = await figureHash(page, id);

  const p2 = await context.newPage();
  await loadReady(p2, page.url());
  await showEach(p2, '#fig-stations, #fig-stream, #fig-lesions');
  for (const id of ['fig-stations', 'fig-stream', 'fig-lesions']) {
    assert.equal(await figureHash(p2, id), here[id], `${id} shows the house, as a fresh page with the house does`);
  }
  assert.match(await page.locator('#fig-stations [data-role="summary"]').textContent(), /wiring sees/);
  await p2.close();
  assert.deepEqual(problems, []);
});

test('a burst of pointer events with every figure in view draws each canvas at most once a frame', async (t) => {
  // A viewport as tall as the page: everything is near.
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height: Math.min(height + 100, 16_000) });
  await frames(page, 3);
  await showEach(page, 'figure[data-figure]');
  const result = await page.evaluate(async () => {
    const { Viewer } = await import('./pkg/ventral_stream.js');
    const real = Viewer.prototype.draw_station;
    const perCanvas = new Map();
    Viewer.prototype.draw_station = function counted(w, s, l, canvas) {
      perCanvas.set(canvas, (perCanvas.get(canvas) ?? 0) + 1);
      return real.call(this, w, s, l, canvas);
    };
    const c = document.querySelector('canvas[data-role="input"]');
    const r = c.getBoundingClientRect();
    let frameCount = 0;
    let counting = true;
    const tick = () => {
      frameCount++;
      if (counting) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const ev = (type, i) => new PointerEvent(type, {
      pointerId: 3, pointerType: 'mouse', isPrimary: true, bubbles: true, cancelable: true, button: 0, buttons: 1,
      clientX: r.left + r.width * (0.2 + 0.6 * (i / 200)), clientY: r.top + r.height * (0.5 + 0.3 * Math.sin(i / 15)),
    });
    c.dispatchEvent(ev('pointerdown', 0));
    for (let i = 1; i <= 200; i++) c.dispatchEvent(ev('pointermove', i));
    c.dispatchEvent(ev('pointerup', 200));
    await new Promise((d) => requestAnimationFrame(() => requestAnimationFrame(d)));
    counting = false;
    const figures = new Set([...perCanvas.keys()].map((k) => k.closest('figure[id]')?.id));
    return { frameCount, max: Math.max(0, ...perCanvas.values()), canvases: perCanvas.size, figures: [...figures] };
  });
  for (const id of ['fig-pipeline', 'fig-microcircuit', 'fig-stations', 'fig-stream']) {
    assert.ok(result.figures.includes(id), `${id}, in view, follows the stroke`);
  }
  assert.ok(result.max >= 1);
  assert.ok(result.max <= result.frameCount + 1, `a canvas drawn ${result.max} times in ${result.frameCount} frames`);
  assert.ok(result.max < 20, `202 pointer events drew a canvas ${result.max} times, not once per event`);
  assert.deepEqual(problems, []);
});

test('every figure shows its caption and its summary when scrolled to', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadTop(page, env.url);
  const ids = await page.$$eval('figure[data-figure], figure[data-experiment]', (els) => els.map((e) => e.id));
  for (const id of ids) {
    await showEach(page, `#${id}`);
    const info = await page.evaluate((sel) => {
      const fig = document.querySelector(sel);
      const cap = fig.querySelector(':scope > figcaption');
      return {
        live: fig.hasAttribute('data-figure'),
        name: fig.dataset.figure ?? fig.dataset.experiment,
        caption: cap?.textContent ?? '',
        labelled: document.getElementById(fig.getAttribute('aria-labelledby') ?? '') === cap,
        summary: [...fig.querySelectorAll('[data-role="summary"]')].map((e) => e.textContent).join(' '),
        sentence: fig.querySelector('[data-role="sentence"]')?.textContent ?? '',
        state: fig.dataset.state,
      };
    }, `#${id}`);
    assert.ok(info.caption.length > 40, `${id} has its caption`);
    assert.ok(info.labelled, `${id} is labelled by its caption`);
    if (info.live) {
      if (WITH_SUMMARY.includes(info.name)) assert.ok(info.summary.length > 20, `${id} has its text summary`);
    } else if (HAVE_RESULTS) {
      assert.equal(info.state, 'file', `${id} is drawn from the results`);
      // A file over several seeds gives means and intervals; one seed, that run's numbers.
      assert.match(info.sentence, SEEDS > 1 ? new RegExp(`^Over ${SEEDS} seeds \\(mean \\[95\u2009% interval\\]\\)`) : /^In this run/, `${id}'s caption says how it came out`);
      assert.ok(info.summary.length > 20, `${id} has its text summary`);
    } else {
      assert.equal(info.state, 'none', `${id} says there are no results yet`);
    }
  }
  assert.deepEqual(problems, []);
});

test('every span[data-result] in the prose is filled when the reader comes to it', { skip: !HAVE_RESULTS && 'no results committed' }, async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadTop(page, env.url);
  const before = await page.$$eval('span[data-result]', (els) => els.filter((e) => e.dataset.resultState).length);
  assert.equal(before, 0, 'nothing is filled far below the first screen');
  // Scroll to each hook in turn and wait until it is filled.
  const n = await page.$$eval('span[data-result]', (els) => els.length);
  for (let i = 0; i < n; i++) {
    await page.evaluate((k) => document.querySelectorAll('span[data-result]')[k].scrollIntoView({ block: 'center' }), i);
    await page.waitForFunction((k) => document.querySelectorAll('span[data-result]')[k].dataset.resultState, i, { timeout: 30_000 });
  }
  const spans = await page.$$eval('span[data-result]', (els) => els.map((e) => ({ path: e.dataset.result, state: e.dataset.resultState, text: e.textContent })));
  assert.ok(spans.length >= 20, `${spans.length} hooks`);
  const unfilled = spans.filter((s) => s.state !== 'filled' || !s.text.trim());
  assert.deepEqual(unfilled, [], 'every hook found its value');
  assert.deepEqual(problems, []);
});
