// The page loads under its Content-Security-Policy, becomes ready, and a stroke drawn with
// pointer events changes every station view of both wirings; undo and clear bring the
// blank-paper picture back. No console error, no page error, no request to another origin.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { drawStroke, frames, loadReady, pageFor, snapshotViews, startAll, touchStroke } from './harness.mjs';
import { CELL_LAYERS as LAYERS, STATIONS, WIRINGS } from '../../www/js/names.js';

const STROKE = [[0.25, 0.3], [0.5, 0.7], [0.75, 0.3], [0.7, 0.75]];

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.stop();
});

test('the page becomes ready, with the stable hooks in place', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  const hooks = await page.evaluate(() => ({
    input: document.querySelectorAll('canvas[data-role="input"]').length,
    views: [...document.querySelectorAll('[data-wiring] [data-station]')].map(
      (v) => `${v.closest('[data-wiring]').dataset.wiring}/${v.dataset.station}`,
    ),
    inputSize: (() => {
      const c = document.querySelector('canvas[data-role="input"]');
      return [c.width, c.height];
    })(),
    touchAction: getComputedStyle(document.querySelector('canvas[data-role="input"]')).touchAction,
  }));
  assert.equal(hooks.input, 1);
  assert.deepEqual(
    hooks.views.sort(),
    WIRINGS.flatMap((w) => STATIONS.map((s) => `${w}/${s}`)).sort(),
  );
  assert.equal(hooks.touchAction, 'none');
  assert.ok(hooks.inputSize[0] > 0 && hooks.inputSize[0] === hooks.inputSize[1]);
  const text = await page.locator('[data-wiring="stream"] [data-role="category"]').textContent();
  assert.ok(text && text !== '…', 'the stream wiring names a category');
  assert.deepEqual(problems, []);
});

test('a stroke changes every station view of both wirings; undo and clear restore the blank picture', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  // The page opens on a picture (issue 12); Clear gives the blank paper.
  await page.locator('[data-action="clear"]').click();
  await frames(page);
  const blank = await snapshotViews(page);
  const keys = WIRINGS.flatMap((w) => STATIONS.flatMap((s) => LAYERS.map((l) => `${w}/${s}/${l}`)));
  for (const k of keys) assert.ok(blank[k], `view ${k} exists`);

  await drawStroke(page, STROKE);
  await frames(page, 3);
  const drawn = await snapshotViews(page);
  const unchanged = keys.filter((k) => drawn[k] === blank[k]);
  assert.deepEqual(unchanged, [], 'every station view changes when the reader draws');
  assert.notEqual(drawn['view/input'], blank['view/input'], 'the retina view changes');
  assert.notEqual(drawn['view/lgn'], blank['view/lgn'], 'the LGN view changes');

  const ink = await page.evaluate(() => {
    const c = document.querySelector('canvas[data-role="input"]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let dark = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++;
    return dark / (c.width * c.height);
  });
  assert.ok(ink > 0.01 && ink < 0.3, `the stroke left ink on the paper (${ink})`);
  assert.equal(await page.locator('[data-action="undo"]').isEnabled(), true);
  assert.equal(await page.locator('[data-action="clear"]').isEnabled(), true);

  await page.locator('[data-action="undo"]').click();
  await frames(page, 3);
  const undone = await snapshotViews(page);
  for (const k of keys) assert.equal(undone[k], blank[k], `undo restores ${k}`);
  // One more undo would bring back the opening picture.
  assert.equal(await page.locator('[data-action="undo"]').isEnabled(), true);

  await drawStroke(page, STROKE);
  await frames(page, 3);
  const redrawn = await snapshotViews(page);
  await page.locator('[data-action="clear"]').click();
  await frames(page, 3);
  const cleared = await snapshotViews(page);
  for (const k of keys) assert.equal(cleared[k], blank[k], `clear restores ${k}`);

  // Ctrl+Z undoes the clear: the stroke is back.
  await page.keyboard.press('Control+z');
  await frames(page, 3);
  const back = await snapshotViews(page);
  for (const k of keys) assert.equal(back[k], redrawn[k], `undoing the clear brings ${k} back`);

  assert.deepEqual(problems, []);
});

test('a finger draws on a phone without scrolling the page, and every station view changes', async (t) => {
  const { page, problems } = await pageFor(t, env, {
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    hasTouch: true,
    isMobile: true,
  });
  await loadReady(page, env.url);
  await page.locator('canvas[data-role="input"]').scrollIntoViewIfNeeded();
  await page.locator('[data-action="clear"]').tap();
  await frames(page);
  const blank = await snapshotViews(page);
  const scrollBefore = await page.evaluate(() => window.scrollY);
  // A mostly vertical stroke: without touch-action: none it would scroll the page.
  await touchStroke(page, [[0.5, 0.15], [0.45, 0.5], [0.55, 0.85]]);
  await frames(page, 3);
  const scrollAfter = await page.evaluate(() => window.scrollY);
  assert.equal(scrollAfter, scrollBefore, 'the page did not scroll while drawing');
  const drawn = await snapshotViews(page);
  const keys = WIRINGS.flatMap((w) => STATIONS.flatMap((s) => LAYERS.map((l) => `${w}/${s}/${l}`)));
  const unchanged = keys.filter((k) => drawn[k] === blank[k]);
  assert.deepEqual(unchanged, [], 'every station view changes when a finger draws');
  assert.deepEqual(problems, []);
});

test('drawing runs the model at most once per animation frame', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadReady(page, env.url);
  await page.evaluate(async () => {
    // Count runs and frames while a long stroke is drawn in one burst of pointer events.
    const { Viewer } = await import('./pkg/ventral_stream.js');
    const run = Viewer.prototype.run;
    window.__runs = 0;
    Viewer.prototype.run = function patched() {
      window.__runs++;
      return run.call(this);
    };
  });
  const frameCount = await page.evaluate(async () => {
    const c = document.querySelector('canvas[data-role="input"]');
    const r = c.getBoundingClientRect();
    let frames = 0;
    let counting = true;
    const tick = () => {
      frames++;
      if (counting) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const ev = (type, i) =>
      new PointerEvent(type, {
        pointerId: 7, pointerType: 'pen', isPrimary: true, bubbles: true, cancelable: true, button: 0, buttons: 1,
        clientX: r.left + r.width * (0.2 + 0.6 * (i / 200)), clientY: r.top + r.height * (0.5 + 0.3 * Math.sin(i / 20)),
      });
    c.dispatchEvent(ev('pointerdown', 0));
    for (let i = 1; i <= 200; i++) c.dispatchEvent(ev('pointermove', i));
    c.dispatchEvent(ev('pointerup', 200));
    await new Promise((d) => requestAnimationFrame(() => requestAnimationFrame(d)));
    counting = false;
    return frames;
  });
  const runs = await page.evaluate(() => window.__runs);
  assert.ok(runs >= 1, 'the model ran after the stroke');
  assert.ok(runs <= frameCount + 1, `${runs} runs in ${frameCount} frames`);
  assert.ok(runs < 20, `202 pointer events made ${runs} runs, not one per event`);
  assert.deepEqual(problems, []);
});
