// Issue 7, long sessions: 10,000 frames of the live path (capture, run, draw every figure),
// half from drawing and half from the (fake) webcam, with a few experiment runs among them.
// After a warm-up, neither the WebAssembly memory nor the JS heap (after a garbage
// collection) may keep growing. The figures are printed with console.log.
//
// SOAK_FRAMES=n runs a shorter soak (for a quick check); the default is 10,000.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadReady, pageFor, startAll } from './harness.mjs';

const FRAMES = Number(process.env.SOAK_FRAMES) || 10_000;
const WARMUP = Math.round(FRAMES / 10);
const BATCH = 200;
const MB = 1024 * 1024;

let env;
before(async () => {
  env = await startAll({ args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
});
after(async () => {
  await env?.stop();
});

/** n frames through the page's own test hook (no global): each moves the pen first when drawing. */
function runFrames(page, n, drawing, offset) {
  return page.evaluate(({ n, drawing, offset }) => {
    const html = document.documentElement;
    html.setAttribute('data-test-hooks', '');
    const paper = document.querySelector('canvas[data-role="input"]');
    const r = paper.getBoundingClientRect();
    const at = (i) => {
      const t = (offset + i) * 0.11;
      return { clientX: r.left + r.width * (0.5 + 0.4 * Math.sin(t)), clientY: r.top + r.height * (0.5 + 0.4 * Math.cos(1.3 * t)) };
    };
    const fire = (type, i) => paper.dispatchEvent(new PointerEvent(type, { pointerId: 7, pointerType: 'mouse', button: 0, buttons: type === 'pointerup' ? 0 : 1, bubbles: true, cancelable: true, ...at(i) }));
    let done = 0;
    for (let i = 0; i < n; i++) {
      if (drawing) {
        const k = (offset + i) % 40; // a stroke every 40 frames; the paper is cleared every 10 strokes
        if (k === 0) {
          if ((offset + i) % 400 === 0) document.querySelector('[data-action="clear"]').click();
          fire('pointerdown', i);
        } else if (k === 39) fire('pointerup', i);
        else fire('pointermove', i);
      }
      const e = new CustomEvent('stations-test', { detail: { action: 'frames', n: 1 } });
      document.dispatchEvent(e);
      done += e.detail.result.frames;
    }
    return done;
  }, { n, drawing, offset });
}

async function measure(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => {
    document.documentElement.setAttribute('data-test-hooks', '');
    const e = new CustomEvent('stations-test', { detail: { action: 'memory' } });
    document.dispatchEvent(e);
    return e.detail.result.wasmBytes;
  });
  return { wasm, heap: heap.usedSize };
}
const fmt = (m) => `wasm ${(m.wasm / MB).toFixed(2)} MiB, JS heap ${(m.heap / MB).toFixed(2)} MiB`;

async function runExperiment(page, name) {
  const sel = `figure[data-experiment="${name}"]`;
  await page.locator(`${sel} button[data-action="run"]`).click();
  await page.waitForFunction((s) => document.querySelector(s).dataset.running === 'true', sel);
  await page.waitForFunction((s) => document.querySelector(s).dataset.running === 'false', sel, { timeout: 120_000 });
}

test(`soak: ${FRAMES} frames of drawing and webcam, and experiment runs, without memory growth`, { timeout: 10 * 60_000 }, async (t) => {
  const { context, page, problems } = await pageFor(t, env);
  await context.grantPermissions(['camera'], { origin: env.origin });
  await loadReady(page, env.url);
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const start = await measure(page, cdp);
  const t0 = Date.now();
  let frames = 0;
  const half = Math.floor(FRAMES / 2);

  // Drawing: warm-up first, then the rest of the first half.
  frames += await runFrames(page, WARMUP, true, frames);
  const warm = await measure(page, cdp);
  while (frames < half) frames += await runFrames(page, Math.min(BATCH, half - frames), true, frames);
  const midDraw = await measure(page, cdp);

  // A few experiment runs (each in a fresh worker).
  await runExperiment(page, 'virtual-weights');
  await runExperiment(page, 'virtual-weights');
  await runExperiment(page, 'gating');

  // The webcam: each frame paints the camera's current picture into the paper.
  await page.click('[data-action="webcam"]');
  await page.waitForFunction(() => document.querySelector('[data-action="webcam"]').getAttribute('aria-pressed') === 'true', null, { timeout: 20_000 });
  const webcamWarm = half + WARMUP;
  while (frames < webcamWarm) frames += await runFrames(page, Math.min(BATCH, webcamWarm - frames), false, frames);
  const midCam = await measure(page, cdp);
  while (frames < FRAMES) frames += await runFrames(page, Math.min(BATCH, FRAMES - frames), false, frames);
  await page.click('[data-action="webcam"]');
  const end = await measure(page, cdp);
  const seconds = (Date.now() - t0) / 1000;

  console.log(`soak: ${frames} frames (${half} drawing, ${frames - half} webcam) and 3 experiment runs in ${seconds.toFixed(0)} s (${((seconds * 1000) / frames).toFixed(1)} ms a frame)`);
  console.log(`soak: at start             ${fmt(start)}`);
  console.log(`soak: after ${WARMUP} frames warm-up ${fmt(warm)}`);
  console.log(`soak: after ${half} frames   ${fmt(midDraw)}`);
  console.log(`soak: experiments, ${WARMUP} webcam frames ${fmt(midCam)}`);
  console.log(`soak: at the end           ${fmt(end)}`);

  assert.equal(frames, FRAMES);
  // WebAssembly memory never shrinks: any growth after warm-up is memory kept for good.
  assert.ok(end.wasm <= warm.wasm, `wasm memory grew after warm-up: ${warm.wasm} -> ${end.wasm}`);
  // The JS heap after a collection: allow noise (compiled code, caches), not growth with frames.
  assert.ok(end.heap <= warm.heap + 4 * MB, `JS heap grew after warm-up: ${fmt(warm)} -> ${fmt(end)}`);
  // Drawing frames, and webcam frames once the camera is warm, add nothing that stays.
  assert.ok(midDraw.heap <= warm.heap + MB, `JS heap grew while drawing: ${fmt(warm)} -> ${fmt(midDraw)}`);
  assert.ok(end.heap <= midCam.heap + MB, `JS heap grew with webcam frames: ${fmt(midCam)} -> ${fmt(end)}`);
  assert.deepEqual(problems, []);
});
