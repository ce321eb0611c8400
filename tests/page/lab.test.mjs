// The lab (js/lab/): a short run in a worker shows falling loss, pauses, resumes and is
// cancelled; a finished run becomes the page's model (a figure changes and carries the "Your
// model" mark) and the page goes back to the shipped one; the download loads back through the
// weights loader; the configuration comes back from the URL; the page keeps drawing while two
// workers train. Screenshots of the lab mid-training at desktop and phone width.
//
// The reader's work is kept (issue 22): a paused run is downloadable, offered back after a
// reload and resumed where it stopped, to the very model a run never paused makes; leaving the
// page while a run trains asks first; Train again keeps the previous run to return to; the
// page's model chosen in the lab survives a reload, and the way back to the shipped model too.
// A finished run of a variant shows its usage index and P3's measure (issue 24), kept too.
// Screenshot of the lab offering a run back after a reload (light and dark).
//
// Training runs the core's Trainer from the lab module, www/pkg-lab (./build.sh build hooks).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { drawStroke, frames, pageFor, screenshotPath, showEach, startAll, until, WWW } from './harness.mjs';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LIVE = ['fig-input', 'fig-gallery', 'fig-pipeline', 'fig-microcircuit', 'fig-stations', 'fig-stream', 'fig-lesions', 'fig-lab'];
const BODY = '#fig-lab .figure-body';
/** Long tests: a real training run on a busy machine. */
const SLOW = { timeout: 5 * 60_000 };
const SLOWER = { timeout: 10 * 60_000 };
const RUN_TIMEOUT = 180_000;

let env;
before(async () => {
  env = await startAll({ root: WWW });
});
after(async () => {
  await env?.stop();
});

/** Open the page (with `hash`; null: reload it as it is), wait for it, and bring the lab into view until it is built. */
async function openLab(page, hash = '') {
  if (hash === null) await page.reload({ waitUntil: 'load' });
  else await page.goto(`${env.url}${hash}`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
  await page.locator('#fig-lab').scrollIntoViewIfNeeded();
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.lab, BODY, { timeout: 30_000 });
}

const labState = (page) => page.evaluate((sel) => document.querySelector(sel).dataset.lab, BODY);
const runSteps = (page) => page.$$eval(`${BODY} .lab-run`, (els) => els.map((e) => Number(e.dataset.step ?? 0)));
const waitState = (page, state, timeout = RUN_TIMEOUT) =>
  page.waitForFunction(([sel, s]) => document.querySelector(sel).dataset.lab === s, [BODY, state], { timeout });
const waitSteps = (page, atLeast, timeout = RUN_TIMEOUT) =>
  page.waitForFunction(([sel, n]) => {
    const runs = [...document.querySelectorAll(`${sel} .lab-run`)];
    return runs.length > 0 && runs.every((e) => Number(e.dataset.step ?? 0) >= n);
  }, [BODY, atLeast], { timeout });

/** A hash of every canvas and summary of the given figures, each brought up to date first. */
async function figureHash(page, id) {
  await showEach(page, `#${id}`);
  const text = await page.evaluate((sel) => [...document.querySelectorAll(`${sel} canvas`)].map((c) => c.toDataURL()).join('|') +
    [...document.querySelectorAll(`${sel} [data-role="summary"]`)].map((e) => e.textContent).join('|'), `#${id}`);
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** A page with a short run trained to the end, the stations figure's hash with the shipped
 * model, and the lab back in view. */
async function trainedBesideShipped(t, steps) {
  const { page, problems } = await pageFor(t, env);
  await trainShort(page, { steps });
  const shipped = await figureHash(page, 'fig-stations');
  await page.locator('#fig-lab').scrollIntoViewIfNeeded();
  return { page, problems, shipped };
}

/** Train a short run to the end (or `both` wirings) and return the page. */
async function trainShort(page, { steps = 30, both = false } = {}) {
  await openLab(page, `#lab-steps=${steps}`);
  await page.click(`${BODY} [data-action="${both ? 'lab-train-both' : 'lab-train'}"]`);
  await waitState(page, 'done');
}

test('the lab’s code is fetched only when its figure comes near, and no worker starts before Train', async (t) => {
  const { page, problems } = await pageFor(t, env);
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(env.url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
  await frames(page, 5);
  assert.ok(!requested.includes('/js/lab/lab.js'), 'the lab is far below: its code is not fetched');
  await page.locator('#fig-lab').scrollIntoViewIfNeeded();
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.lab, BODY, { timeout: 30_000 });
  assert.ok(requested.includes('/js/lab/lab.js'), 'it is fetched when the figure comes near');
  assert.ok(!requested.includes('/js/lab/worker.js'), 'no training worker before the reader presses Train');
  // Every control has a label.
  const unlabelled = await page.$$eval(`${BODY} select, ${BODY} input`, (els) => els.filter((e) => !e.labels?.length).map((e) => e.outerHTML));
  assert.deepEqual(unlabelled, []);
  assert.deepEqual(problems, []);
});

test('the configuration is restored from the URL, and changes to it are written back', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await openLab(page, '#lab-wiring=hierarchy&lab-d=8&lab-edge=off&lab-pressure=l1&lab-strength=0.001&lab-steps=120&lab-seed=7&lab-variant=layerscale');
  const values = await page.evaluate((sel) => Object.fromEntries(
    [...document.querySelectorAll(`${sel} [data-control^="lab-"]`)].map((e) => [e.dataset.control, e.type === 'checkbox' ? e.checked : e.value])), BODY);
  assert.deepEqual(values, {
    'lab-wiring': 'hierarchy', 'lab-variant': 'layerscale', 'lab-width': '8', 'lab-edge': false, 'lab-pressure': 'l1',
    'lab-strength': '0.001', 'lab-steps': '120', 'lab-seed': '7',
  });
  await page.selectOption(`${BODY} [data-control="lab-width"]`, '16');
  await until(async () => new URL(page.url()).hash.includes('lab-d=16'), { what: 'the new width in the URL' });
  // A preset changes only what it names, and lands in the URL too.
  await page.click(`${BODY} [data-action="lab-preset-narrow"]`);
  await until(async () => new URL(page.url()).hash.includes('lab-d=8'), { what: 'the preset in the URL' });
  await page.click(`${BODY} [data-action="lab-preset-edge-off"]`);
  assert.equal(await page.isChecked(`${BODY} [data-control="lab-edge"]`), false);
  assert.equal(await page.inputValue(`${BODY} [data-control="lab-wiring"]`), 'hierarchy', 'a preset leaves the wiring alone');
  await page.click(`${BODY} [data-action="lab-preset-prenorm-sd"]`);
  assert.equal(await page.inputValue(`${BODY} [data-control="lab-variant"]`), 'prenorm+stochastic-depth');
  await until(async () => new URL(page.url()).hash.includes('lab-variant=prenorm%2Bstochastic-depth'), { what: 'the variant in the URL' });
  // Garbage falls back to the defaults instead of breaking the lab.
  const p2 = (await pageFor(t, env)).page;
  await openLab(p2, '#lab-d=7&lab-steps=abc&lab-pressure=<b>');
  assert.equal(await p2.inputValue(`${BODY} [data-control="lab-width"]`), '32');
  assert.equal(await p2.inputValue(`${BODY} [data-control="lab-steps"]`), '300');
  assert.equal(await p2.inputValue(`${BODY} [data-control="lab-pressure"]`), 'none');
  assert.deepEqual(problems, []);
});

test('embed.html#figure=lab builds the lab in its own shadow root, with its settings from the link', async (t) => {
  const { page, problems } = await pageFor(t, env, { viewport: { width: 700, height: 900 } });
  await page.goto(`${env.url}embed.html#figure=lab&lab-d=16`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
  const body = page.locator('stream-figure figure[data-figure="lab"] .figure-body').last();
  await until(async () => (await body.getAttribute('data-lab')) ?? false, { what: 'the embedded lab to be built' });
  assert.equal(await body.locator('[data-control="lab-width"]').inputValue(), '16');
  assert.equal(await body.getAttribute('data-lab'), 'idle');
  assert.deepEqual(problems, []);
});

test('a short run shows falling loss, pauses, resumes, finishes; another is cancelled', { ...SLOW }, async (t) => {
  const { page, problems } = await pageFor(t, env);
  await openLab(page, '#lab-steps=40');
  assert.equal(await page.locator(`${BODY} .lab-run`).count(), 0, 'nothing trains before the reader asks');
  await page.click(`${BODY} [data-action="lab-train"]`);
  await waitSteps(page, 2);
  await page.click(`${BODY} [data-action="lab-pause"]`);
  assert.equal(await labState(page), 'paused');
  // A chunk in flight may still land; once the worker says it holds, the step stays put.
  await page.waitForFunction((sel) => document.querySelector(`${sel} .lab-run`).dataset.held === 'true', BODY, { timeout: RUN_TIMEOUT });
  const held = await runSteps(page);
  await frames(page, 30);
  assert.deepEqual(await runSteps(page), held, 'no steps while paused');
  assert.ok(held[0] < 40, 'paused before the end');
  await page.click(`${BODY} [data-action="lab-resume"]`);
  await waitState(page, 'done');
  assert.deepEqual(await runSteps(page), [40]);
  const rows = await page.$$eval(`${BODY} [data-role="curve-table"] tbody tr[data-loss]:not([data-loss=""])`, (trs) => trs.map((r) => Number(r.dataset.loss)));
  assert.ok(rows.length >= 2, `${rows.length} rows of the loss curve`);
  assert.ok(rows.at(-1) < rows[0], `the loss falls: ${rows[0]} at the start, ${rows.at(-1)} at the end`);
  assert.equal(await page.locator(`${BODY} [data-role="loss-curve"] polyline`).count(), 1, 'the loss curve is drawn');
  assert.ok(await page.locator(`${BODY} canvas[data-role="v1-filters"]`).count() >= 1, 'V1 filters are drawn');
  assert.ok(await page.locator(`${BODY} canvas.lab-field`).count() >= 1, 'L2/3 fields are drawn');
  assert.equal(await page.locator(`${BODY} [data-role="shares"]`).count(), 1, 'the decision shares are shown');

  // Cancel: a longer run stops where it is and goes no further.
  await page.fill(`${BODY} [data-control="lab-steps"]`, '2000');
  await page.click(`${BODY} [data-action="lab-train"]`);
  await waitSteps(page, 1);
  await page.click(`${BODY} [data-action="lab-cancel"]`);
  assert.equal(await labState(page), 'cancelled');
  const stopped = await runSteps(page);
  await frames(page, 30);
  assert.deepEqual(await runSteps(page), stopped, 'no steps after Cancel');
  assert.ok(stopped[0] < 2000);
  assert.equal(await page.locator(`${BODY} [data-action="lab-use"]:visible`).count(), 0, 'a cancelled run offers no model');
  assert.deepEqual(problems, []);
});

test('a finished run becomes the page’s model (a figure changes, every live figure is marked), then back to the shipped one', { ...SLOW }, async (t) => {
  const { page, problems, shipped } = await trainedBesideShipped(t, 30);
  await page.click(`${BODY} [data-action="lab-use"]`);
  await frames(page, 3);
  const yours = await figureHash(page, 'fig-stations');
  assert.notEqual(yours, shipped, 'the stations figure draws the trained model');
  for (const id of LIVE) {
    const mark = await page.locator(`#${id} [data-role="model-mark"]`).textContent();
    assert.match(mark ?? '', /Your model/, `${id} carries the mark`);
  }
  await page.locator('#fig-stations').scrollIntoViewIfNeeded();
  await page.locator('#fig-stations').screenshot({ path: screenshotPath('lab-your-model-mark.png') });
  await page.locator('#fig-stations [data-action="shipped-model"]').click();
  assert.equal(await page.locator('[data-role="model-mark"]').count(), 0, 'the marks are gone');
  await frames(page, 3);
  assert.equal(await figureHash(page, 'fig-stations'), shipped, 'the shipped model is drawn again');
  assert.deepEqual(problems, []);
});

test('the downloaded model loads back through the weights loader', { ...SLOW }, async (t) => {
  const { page, problems, shipped } = await trainedBesideShipped(t, 20);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`${BODY} [data-action="lab-download"][data-wiring="stream"]`),
  ]);
  assert.match(download.suggestedFilename(), /^lab-stream-d32-20steps-seed1\.safetensors$/);
  const bytes = readFileSync(await download.path());
  // safetensors: an 8-byte little-endian header length, then a JSON header.
  const headerLength = Number(bytes.readBigUInt64LE(0));
  assert.ok(headerLength > 2 && headerLength < bytes.length);
  assert.equal(String.fromCharCode(bytes[8]), '{');
  await showEach(page, '[data-role="weights"]');
  await page.selectOption('[data-control="weights-wiring"]', 'stream');
  await page.setInputFiles('[data-control="weights-file"]', { name: 'mine.safetensors', mimeType: 'application/octet-stream', buffer: bytes });
  await until(async () => /Loaded/.test(await page.textContent('[data-role="weights-status"]')), { what: 'the loader to say Loaded' });
  await frames(page, 3);
  assert.notEqual(await figureHash(page, 'fig-stations'), shipped, 'the loaded file changes the figure');
  // A file loaded by hand is marked as well, beside the loader too, with the way back.
  for (const where of ['#fig-stations', '[data-role="weights"]']) {
    assert.match(await page.locator(`${where} [data-role="model-mark"]`).textContent(), /Your model: the stream wiring is mine\.safetensors\.\s/, where);
  }
  await page.click('[data-role="weights"] [data-action="shipped-model"]');
  assert.equal(await page.locator('[data-role="model-mark"]').count(), 0, 'the marks are gone');
  await frames(page, 3);
  assert.equal(await figureHash(page, 'fig-stations'), shipped, 'the shipped model is drawn again');
  assert.deepEqual(problems, []);
});

test('while two workers train, the input panel still draws; screenshots mid-training (desktop, phone, dark)', { ...SLOW }, async (t) => {
  const { page, problems } = await pageFor(t, env);
  await openLab(page, '#lab-steps=2000');
  await page.click(`${BODY} [data-action="lab-train-both"]`);
  assert.deepEqual(await page.$$eval(`${BODY} .lab-run`, (els) => els.map((e) => e.dataset.wiring)), ['stream', 'hierarchy']);
  await waitSteps(page, 1);
  await page.waitForSelector(`${BODY} canvas[data-role="v1-filters"]`, { timeout: RUN_TIMEOUT });
  await page.waitForFunction((sel) => document.querySelectorAll(`${sel} [data-role="loss-curve"] polyline`).length === 2, BODY, { timeout: RUN_TIMEOUT });
  await frames(page, 3);
  await page.locator('#fig-lab').screenshot({ path: screenshotPath('lab-training-desktop.png') });
  // (through the DevTools protocol, not as a <script>, so the page's CSP is untouched)
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run('#fig-lab', { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const serious = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], 'axe finds no serious violation in the lab mid-training');
  if (found.length) console.log('axe, lab, minor:', JSON.stringify(found));
  const view = () => page.evaluate(() => document.querySelector('#fig-input canvas[data-view="input"]').toDataURL());
  const before = await view();
  const stepsBefore = await runSteps(page);
  await drawStroke(page, [[0.15, 0.5], [0.85, 0.5], [0.5, 0.1]]);
  await frames(page, 3);
  assert.notEqual(await view(), before, 'the input panel drew the stroke');
  assert.equal(await labState(page), 'running', 'while the workers were training');
  await page.locator('#fig-lab').scrollIntoViewIfNeeded();
  await waitSteps(page, Math.max(...stepsBefore) + 1);
  await page.click(`${BODY} [data-action="lab-cancel"]`);

  // Phone width, dark scheme: the lab fits the screen.
  const phone = (await pageFor(t, env, { viewport: { width: 375, height: 800 }, colorScheme: 'dark', isMobile: true, hasTouch: true })).page;
  await openLab(phone, '#lab-steps=2000');
  await phone.click(`${BODY} [data-action="lab-train"]`);
  await waitSteps(phone, 1);
  await phone.waitForSelector(`${BODY} canvas[data-role="v1-filters"]`, { timeout: RUN_TIMEOUT });
  await phone.waitForSelector(`${BODY} [data-role="loss-curve"] polyline`, { timeout: RUN_TIMEOUT });
  await phone.locator('#fig-lab').scrollIntoViewIfNeeded();
  await frames(phone, 3);
  await phone.locator('#fig-lab').screenshot({ path: screenshotPath('lab-training-phone.png') });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
  await phone.click(`${BODY} [data-action="lab-cancel"]`);
  assert.deepEqual(problems, []);
});

// ---- the reader's work is kept (issue 22) ----

const KEPT = `${BODY} [data-role="lab-kept"]`;
/** The kept list's rows: {status, text} each. */
const keptRows = (page) => page.$$eval(`${KEPT} li`, (lis) => lis.map((li) => ({ status: li.dataset.status, text: li.textContent })));
/** Wait until every save the lab queued has reached the browser's storage. */
const waitKept = (page) => page.waitForFunction((sel) => document.querySelector(sel).dataset.keep === 'saved', BODY, { timeout: RUN_TIMEOUT });

/** Problems, without the fetches a reload cut short (an experiment figure's results file in flight). */
const afterReloads = (problems) => problems.filter((p) => !/^request failed: .* net::ERR_ABORTED$/.test(p));

/** A safetensors file's JSON header (parsed) and its data bytes. */
function parseSafetensors(buf) {
  const n = Number(buf.readBigUInt64LE(0));
  return { header: JSON.parse(buf.subarray(8, 8 + n).toString('utf8')), data: buf.subarray(8 + n) };
}

/** Click a download button and return the file's name and bytes. */
async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

/** Load a safetensors file into the stream wiring through the page's weights loader; its status line. */
async function loadThroughLoader(page, bytes, name) {
  await showEach(page, '[data-role="weights"]');
  await page.selectOption('[data-control="weights-wiring"]', 'stream');
  await page.setInputFiles('[data-control="weights-file"]', { name, mimeType: 'application/octet-stream', buffer: bytes });
  await until(async () => (await page.textContent('[data-role="weights-status"]')).includes(name), { what: `the loader to answer for ${name}` });
  return page.textContent('[data-role="weights-status"]');
}

test('a paused run downloads, is offered back after a reload, and resumes to the model an unpaused run makes', { ...SLOWER }, async (t) => {
  const { page, problems } = await pageFor(t, env);
  await openLab(page, '#lab-steps=40');
  await page.click(`${BODY} [data-action="lab-train"]`);
  await waitSteps(page, 3);
  await page.click(`${BODY} [data-action="lab-pause"]`);
  await page.waitForFunction((sel) => document.querySelector(`${sel} .lab-run`).dataset.held === 'true', BODY, { timeout: RUN_TIMEOUT });
  const [paused] = await runSteps(page);
  assert.ok(paused >= 3 && paused < 40, `paused at step ${paused}`);
  // The state at the pause comes back from the worker (its download button says so) and is kept.
  await page.waitForSelector(`${BODY} [data-action="lab-download"][data-step="${paused}"]`, { timeout: RUN_TIMEOUT });
  await waitKept(page);
  // Download while paused: the model as at the pause, a file the core loads.
  const partial = await download(page, `${BODY} [data-action="lab-download"][data-wiring="stream"]`);
  assert.equal(partial.name, `lab-stream-d32-${paused}of40steps-seed1.safetensors`);
  assert.match(await loadThroughLoader(page, partial.bytes, 'paused.safetensors'), /^Loaded paused\.safetensors/);
  const curveRows = await page.locator(`${BODY} [data-role="curve-table"] tbody tr`).count();

  // Reload: the run is offered back, paused where it stopped.
  await openLab(page, null);
  await page.waitForSelector(`${KEPT}:not([hidden]) li[data-status="paused"]`, { timeout: 30_000 });
  const rows = await keptRows(page);
  assert.equal(rows.length, 1, JSON.stringify(rows));
  assert.match(rows[0].text, new RegExp(`stream, d = 32, .*40 steps, seed 1.*paused at step ${paused} of 40`));
  assert.match(await page.textContent(`${BODY} [data-role="lab-status"]`), /A run is kept in this browser from before \(1 not finished\)/);
  await page.locator('#fig-lab').scrollIntoViewIfNeeded();
  await frames(page, 3);
  await page.locator(`${BODY} .lab-form`).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.locator('#fig-lab').screenshot({ path: screenshotPath('lab-restore.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await frames(page, 3);
  await page.locator('#fig-lab').screenshot({ path: screenshotPath('lab-restore-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  // Resume: it goes on from the step it was paused at (its curve kept), not from the start.
  await page.evaluate((sel) => {
    const seen = (window.__labSteps = []);
    new MutationObserver((records) => records.forEach((r) => seen.push(Number(r.target.dataset.step))))
      .observe(document.querySelector(sel), { subtree: true, attributeFilter: ['data-step'] });
  }, BODY);
  await page.click(`${KEPT} [data-action="lab-kept-resume"]`);
  assert.ok(await page.locator(`${BODY} [data-role="curve-table"] tbody tr`).count() >= Math.min(curveRows, 2), 'its curve comes back');
  assert.equal(await page.locator(`${KEPT} li`).count(), 0, 'the run on show is not listed again');
  await waitState(page, 'done');
  assert.deepEqual(await runSteps(page), [40]);
  const seen = await page.evaluate(() => window.__labSteps);
  assert.equal(seen[0], paused, 'the run comes back at its step');
  assert.ok(Math.min(...seen) === paused, `no step before ${paused} after resuming: ${seen.slice(0, 5)}`);
  const resumed = await download(page, `${BODY} [data-action="lab-download"][data-wiring="stream"]`);
  assert.equal(resumed.name, 'lab-stream-d32-40steps-seed1.safetensors');

  // The same settings trained without a pause: the same file, byte for byte.
  await page.click(`${BODY} [data-action="lab-train"]`);
  await waitState(page, 'done');
  const straight = await download(page, `${BODY} [data-action="lab-download"][data-wiring="stream"]`);
  // (the header's metadata is a map whose order may differ; its contents and every tensor may not)
  assert.deepEqual(parseSafetensors(resumed.bytes), parseSafetensors(straight.bytes), 'a resumed run ends where a run never paused ends');
  assert.deepEqual(afterReloads(problems), []);
});

test('leaving the page while a run trains asks first; once it is paused and kept, it does not', { ...SLOW }, async (t) => {
  const { page, problems } = await pageFor(t, env);
  await openLab(page, '#lab-steps=2000');
  assert.equal(await page.evaluate((sel) => document.querySelector(sel).dataset.leaveWarning ?? 'false', BODY), 'false', 'nothing to lose before Train');
  await page.click(`${BODY} [data-action="lab-train"]`);
  await waitSteps(page, 1);
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    d.dismiss().catch(() => {});
  });
  // Closing the tab runs beforeunload; the reader is asked, and stays.
  await page.close({ runBeforeUnload: true });
  await until(async () => dialogs.length > 0, { what: 'the leave-page question' });
  assert.deepEqual(dialogs, ['beforeunload']);
  assert.equal(page.isClosed(), false, 'the page stayed');
  assert.equal(await labState(page), 'running');
  // Paused and saved: nothing is lost by leaving (the run is offered back next time).
  await page.click(`${BODY} [data-action="lab-pause"]`);
  await page.waitForFunction((sel) => document.querySelector(`${sel} .lab-run`).dataset.held === 'true', BODY, { timeout: RUN_TIMEOUT });
  await waitKept(page);
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.leaveWarning === 'false', BODY);
  await page.close({ runBeforeUnload: true });
  await until(async () => page.isClosed(), { what: 'the page to close without asking' });
  assert.deepEqual(dialogs, ['beforeunload'], 'no second question');
  assert.deepEqual(problems, []);
});

test('Train again keeps the previous run; reopened, it becomes the page’s model, which survives a reload until the reader goes back', { ...SLOWER }, async (t) => {
  const { page, problems, shipped } = await trainedBesideShipped(t, 20);
  await waitKept(page);
  // Train again, with another seed: the first run waits in the list.
  await page.fill(`${BODY} [data-control="lab-seed"]`, '2');
  await page.click(`${BODY} [data-action="lab-train"]`);
  await waitState(page, 'done');
  await waitKept(page);
  let rows = await keptRows(page);
  assert.equal(rows.length, 1, JSON.stringify(rows));
  assert.equal(rows[0].status, 'done');
  assert.match(rows[0].text, /seed 1.*finished: 20 steps/);
  // Back to it: reopened as it ended, with its model's buttons.
  await page.click(`${KEPT} [data-action="lab-kept-reopen"]`);
  assert.equal(await labState(page), 'done');
  assert.match(await page.textContent(`${BODY} .lab-run .lab-config`), /seed 1/);
  await page.waitForFunction((sel) => /seed 2/.test(document.querySelector(`${sel} li`)?.textContent ?? ''), KEPT);
  await page.click(`${BODY} [data-action="lab-use"]`);
  await frames(page, 3);
  const yours = await figureHash(page, 'fig-stations');
  assert.notEqual(yours, shipped, 'the stations figure draws the reopened run');
  await page.waitForFunction(() => document.documentElement.dataset.pageModel === 'kept');

  // Reload: the page opens with the reader's model, and says so on every live figure.
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
  for (const id of LIVE) {
    const mark = await page.locator(`#${id} [data-role="model-mark"]`).textContent();
    assert.match(mark ?? '', /Your model: the stream wiring is your lab run \(stream, d = 32, .*seed 1\)\. It is kept in this browser/, `${id} carries the mark`);
  }
  assert.equal(await figureHash(page, 'fig-stations'), yours, 'the same model as before the reload');
  // Back to the shipped model: from now on, after a reload too.
  await page.locator('#fig-stations [data-action="shipped-model"]').click();
  assert.equal(await page.locator('[data-role="model-mark"]').count(), 0, 'the marks are gone');
  await frames(page, 3);
  assert.equal(await figureHash(page, 'fig-stations'), shipped, 'the shipped model is drawn again');
  await page.waitForFunction(() => document.documentElement.dataset.pageModel === 'shipped');
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
  await frames(page, 3);
  assert.equal(await page.locator('[data-role="model-mark"]').count(), 0, 'no mark after a reload');
  assert.equal(await figureHash(page, 'fig-stations'), shipped);
  // Delete: gone from the list, and after a reload.
  await openLab(page, null);
  // (the list is drawn once the store has answered)
  await page.waitForFunction((sel) => document.querySelectorAll(`${sel} li`).length === 2, KEPT);
  await page.click(`${KEPT} li:first-child [data-action="lab-kept-delete"]`);
  await waitKept(page);
  await page.waitForFunction((sel) => document.querySelectorAll(`${sel} li`).length === 1, KEPT);
  await openLab(page, null);
  await page.waitForSelector(`${KEPT}:not([hidden]) li`);
  assert.equal((await keptRows(page)).length, 1);
  assert.deepEqual(afterReloads(problems), []);
});

test('a finished run of a variant shows how it uses its stream and whether it deletes, kept across a reload', { ...SLOWER }, async (t) => {
  const { page, problems } = await pageFor(t, env);
  // Columns: the variant whose L2/3 differs in kind (a grouped convolution in the wasm kernels).
  await openLab(page, '#lab-steps=20&lab-d=8&lab-variant=columns');
  assert.equal(await page.inputValue(`${BODY} [data-control="lab-variant"]`), 'columns');
  await page.click(`${BODY} [data-action="lab-train-both"]`);
  await waitState(page, 'done');
  assert.match(await page.textContent(`${BODY} .lab-run .lab-config`), /stream, d = 8, .*two columns per area/);
  const measured = `${BODY} .lab-run [data-role="use-box"][data-state="measured"]`;
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 2, measured, { timeout: RUN_TIMEOUT });
  const shown = () => page.$$eval(`${BODY} .lab-run`, (runs) => runs.map((r) => ({
    wiring: r.dataset.wiring,
    usage: [...r.querySelectorAll('[data-role="usage"] li')].map((li) => [li.dataset.component, li.dataset.met ?? null]),
    count: r.querySelector('[data-role="usage-count"]')?.textContent ?? '',
    deletion: r.querySelector('[data-role="deletion"]')?.textContent ?? null,
  })));
  const first = await shown();
  const stream = first.find((r) => r.wiring === 'stream');
  const hierarchy = first.find((r) => r.wiring === 'hierarchy');
  assert.deepEqual(stream.usage.map(([c]) => c), ['bypass_retention', 'early_share', 'early_write_readback', 'skip_to_write_cost']);
  assert.ok(stream.usage.every(([, met]) => met === 'true' || met === 'false'));
  assert.match(stream.count, /^[0-4] of 4 met, on 256 held-out sketches\./);
  // d = 8: four thalamic directions; a share for each station, and the null beside them.
  assert.match(stream.deletion, /^Deletion \(prediction 3\)\. Share of the 4 leading thalamic directions .*: V1 \d\.\d\d, V2 \d\.\d\d, V4 \d\.\d\d, IT \d\.\d\d; mean \d\.\d\d\. For as many directions outside the thalamic input \(the null\)/);
  assert.deepEqual(hierarchy.usage.map(([c]) => c), ['bypass_retention']);
  assert.equal(hierarchy.deletion, null);
  assert.match(hierarchy.count, /a hierarchy does not have/);
  await page.locator(`${BODY} .lab-run[data-wiring="stream"] [data-role="use-box"]`).screenshot({ path: screenshotPath('lab-use.png') });
  await waitKept(page);

  // Reload: reopened, the runs show the same measures at once, without measuring again.
  await openLab(page, null);
  await page.waitForSelector(`${KEPT}:not([hidden]) li[data-status="done"]`, { timeout: 30_000 });
  await page.click(`${KEPT} [data-action="lab-kept-reopen"]`);
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 2, measured, { timeout: 5_000 });
  assert.deepEqual(await shown(), first);
  assert.deepEqual(afterReloads(problems), []);
});
