// Shared setup for the page tests: the static server (tools/serve.mjs, with the page's
// Content-Security-Policy) and the system Chromium driven by playwright-core.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../tools/chromium.mjs';
import { CSP, startServer } from '../../tools/serve.mjs';

export { CHROMIUM_ARGS, chromiumPath };

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '../..');
export const WWW = join(ROOT, 'www');
export const SCREENSHOTS = join(here, 'screenshots');

/**
 * Start the server (with CSP) on `root` (default www/) and the browser. Call the returned
 * stop() when done.
 */
export async function startAll({ args = [], root = WWW } = {}) {
  if (!existsSync(join(WWW, 'pkg', 'ventral_stream.js'))) {
    throw new Error('www/pkg is missing: run ./build.sh build first');
  }
  const server = await startServer({ root, port: 0, csp: true });
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS, ...args] });
  return {
    url: server.url,
    origin: new URL(server.url).origin,
    browser,
    async stop() {
      await browser.close().catch(() => {});
      await server.close();
    },
  };
}

/**
 * A new page that records every console error, page error, CSP violation and request to
 * another origin in `problems`.
 */
export async function openPage(env, contextOptions = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    const u = req.url();
    if (new URL(u).origin !== env.origin) problems.push(`request to another origin: ${u}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { context, page, problems };
}

/**
 * A browser of its own whose camera is Chromium's fake device, granted to the page's origin;
 * it closes when the test ends, pass or fail. The device films a moving test pattern, or with
 * `video` (a .y4m file) plays that file's frames over and over.
 */
export async function cameraPage(t, env, video) {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      ...(video ? [`--use-file-for-fake-video-capture=${video}`] : []),
    ],
  });
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['camera'], { origin: env.origin });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return { browser, context, page, errors };
}

/** Turns the webcam on and waits until its frames reach the retina (the input view changes). */
export async function startWebcam(page) {
  const view = () => page.evaluate(() => document.querySelector('#fig-input canvas[data-view="input"]').toDataURL());
  const before = await view();
  await page.click('[data-action="webcam"]');
  await page.waitForFunction(() => document.querySelector('[data-action="webcam"]').getAttribute('aria-pressed') === 'true', null, { timeout: 15_000 });
  await until(async () => (await view()) !== before, { timeout: 20_000, what: 'webcam frames to reach the retina' });
}

/** Runs one action of main.js's test hook (README, "Test hooks") and returns its answer. */
export function testHook(page, detail) {
  return page.evaluate((d) => {
    document.documentElement.setAttribute('data-test-hooks', '');
    const e = new CustomEvent('stations-test', { detail: { ...d } });
    document.dispatchEvent(e);
    return e.detail.result;
  }, detail);
}

/** openPage for one test (node:test's `t`): the context closes when the test ends, pass or fail. */
export async function pageFor(t, env, contextOptions = {}) {
  const opened = await openPage(env, contextOptions);
  t.after(() => opened.context.close());
  return opened;
}

/**
 * Load the page and wait for data-ready="true" (or fail with the page's own error line), and
 * for the experiment figures, where the page has any, to be hydrated.
 */
export async function loadReady(page, url, timeout = 60_000) {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(
    () => document.documentElement.dataset.ready === 'true' || document.documentElement.dataset.error === 'true',
    null,
    { timeout },
  );
  const state = await page.evaluate(() => ({
    ready: document.documentElement.dataset.ready,
    status: document.querySelector('[data-role="status"]')?.textContent ?? '',
  }));
  if (state.ready !== 'true') throw new Error(`page did not become ready: ${state.status}`);
  // The experiment figures hydrate from the results file after data-ready; tests that look at
  // the whole page (layout, axe, keyboard) must see them.
  await page.waitForFunction(
    () => !document.querySelector('[data-experiment]') || document.documentElement.dataset.experiments,
    null,
    { timeout },
  );
  // Figures are built when they first come near the viewport: scroll to each once, so that
  // every figure is built, then back to where the page was.
  await showEach(page, FIGURES);
}

/** What the page builds as it comes near the viewport (www/js/visibility.js). */
export const FIGURES = 'figure[data-figure], figure[data-experiment], [data-role="weights"]';

/**
 * Scroll each element matching `selector` into view in turn and wait until it is built and
 * drawn from the latest model run (no data-stale: figures far from the viewport are not
 * redrawn); then scroll back. What was drawn stays until the next run.
 */
export async function showEach(page, selector, timeout = 30_000) {
  await page.evaluate(async ({ sel, timeout }) => {
    const [x, y] = [scrollX, scrollY];
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const current = (el) =>
      !el.dataset.stale && !el.querySelector('[aria-busy="true"]') &&
      (el.matches('[data-experiment]')
        ? !['waiting', 'loading'].includes(el.dataset.state ?? 'waiting')
        : (el.querySelector('.figure-body') ?? el).childElementCount > 0);
    for (const el of document.querySelectorAll(sel)) {
      el.scrollIntoView({ block: 'center' });
      const t0 = performance.now();
      while (!current(el)) {
        if (performance.now() - t0 > timeout) throw new Error(`${el.id || sel} was not drawn when scrolled into view`);
        await frame();
      }
    }
    scrollTo(x, y);
    await frame();
  }, { sel: selector, timeout });
}

/** Wait until the page has painted two more animation frames (a scheduled model run has happened). */
export function frames(page, n = 2) {
  return page.evaluate(
    (count) =>
      new Promise((done) => {
        const step = (left) => (left === 0 ? done() : requestAnimationFrame(() => step(left - 1)));
        step(count);
      }),
    n,
  );
}

/**
 * Every station canvas of both wirings, as { "stream/V1/l4": hash of its PNG data URL, ... },
 * plus the retina views ("view/input", "view/lgn").
 */
export async function snapshotViews(page) {
  await showEach(page, 'figure:has([data-wiring]), figure:has(canvas[data-view])');
  const urls = await page.evaluate(() => {
    const out = {};
    for (const section of document.querySelectorAll('[data-wiring]')) {
      for (const view of section.querySelectorAll('[data-station]')) {
        view.querySelectorAll('canvas').forEach((c, i) => {
          const layer = c.closest('[data-layer]')?.dataset.layer ?? String(i);
          out[`${section.dataset.wiring}/${view.dataset.station}/${layer}`] = c.toDataURL();
        });
      }
    }
    for (const c of document.querySelectorAll('canvas[data-view]')) out[`view/${c.dataset.view}`] = c.toDataURL();
    return out;
  });
  return Object.fromEntries(
    Object.entries(urls).map(([k, url]) => [k, createHash('sha256').update(url).digest('hex').slice(0, 16)]),
  );
}

/** Draw one stroke with synthetic pointer (mouse) events across the input canvas (or `paper`). */
export async function drawStroke(page, points, paper = page.locator('canvas[data-role="input"]')) {
  await paper.scrollIntoViewIfNeeded();
  const box = await paper.boundingBox();
  if (!box) throw new Error('the input canvas is not visible');
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
  await page.mouse.up();
}

/**
 * Draw one stroke with real touch input (DevTools protocol touch events, so Chromium makes
 * pointer events of pointerType "touch" from them). The context needs hasTouch: true.
 */
export async function touchStroke(page, points) {
  const paper = page.locator('canvas[data-role="input"]');
  await paper.scrollIntoViewIfNeeded();
  const box = await paper.boundingBox();
  if (!box) throw new Error('the input canvas is not visible');
  const cdp = await page.context().newCDPSession(page);
  const at = ([x, y]) => ({ x: box.x + x * box.width, y: box.y + y * box.height, id: 1 });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(points[0])] });
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    for (let s = 1; s <= 4; s++) {
      const t = s / 4;
      await cdp.send('Input.dispatchTouchEvent', {
        type: 'touchMove',
        touchPoints: [at([x0 + (x1 - x0) * t, y0 + (y1 - y0) * t])],
      });
    }
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

/**
 * Wait until `check()` (async, in node) returns something truthy, and return it; fail with
 * `what` after `timeout` ms. For conditions on values computed in node (canvas hashes).
 */
export async function until(check, { timeout = 30_000, what = 'the condition' } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Serve the experiments' worker as one that reports progress (every 20 ms, up to 0.9) and
 * never finishes, so that a run can be cancelled at a known point. Returns the undo.
 */
export async function stallWorker(page) {
  const pattern = '**/js/worker.js';
  await page.route(pattern, (route) => route.fulfill({
    status: 200,
    headers: { 'Content-Type': 'text/javascript', 'Content-Security-Policy': CSP },
    body: `self.addEventListener('message', () => {
      let fraction = 0;
      setInterval(() => {
        fraction = Math.min(0.9, fraction + 0.01);
        self.postMessage({ type: 'progress', fraction });
      }, 20);
    });`,
  }));
  return () => page.unroute(pattern);
}

export function screenshotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, name);
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations within `selectors` (evaluated through DevTools, so the CSP is untouched). */
export async function seriousAxe(page, selectors) {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (include) => {
    const r = await window.axe.run({ include: include.map((s) => [s]) }, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  }, selectors);
}
