#!/usr/bin/env node
// ./build.sh bench: our core against TensorFlow.js (wasm backend) and ONNX Runtime Web (wasm),
// all in one headless Chromium run, on the same input and the same weights, outputs checked
// equal before any time is trusted. build.sh builds what this needs first:
//   www/pkg           the page's module            (./build.sh build)
//   bench/pkg         the forward-only wasm build  (bench/core, wasm-bindgen, wasm-opt)
//   bench/target/release/stream-bench              (bench/core, native)
//   bench/generated/{stream,hierarchy}.onnx        (bench/make_onnx.py)
//
//   node bench/bench.mjs [--warmup 20] [--runs 200] [--train-runs N] [--lab-runs 20] [--cold 10]
//                        [--suites native,ours,tfjs,ort,threads2,frame,visible,train,labrun,cold,embed,lighthouse]
//                        [--lighthouse-runs 3] [--out FILE]
//                        [--js-flags '--no-liftoff']   (V8 flags of the warm runs' browser)
//
// Prints a table and writes bench/results/latest.json. Exits 1 when an output check failed.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../tools/chromium.mjs';
import { startServer } from '../tools/serve.mjs';
import { embedReport, embedSuite } from './embed.mjs';
import { headline as lighthouseHeadline, measure as lighthouseMeasure, report as lighthouseReport } from './lighthouse.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const GEN = join(HERE, 'generated');
// Every output within 1e-4 of the native reference: absolutely below 1, relatively above.
const TOLERANCE = 1e-4;

function parseArgs(argv) {
  const o = {
    warmup: 20,
    runs: 200,
    trainRuns: null,
    labRuns: 20,
    cold: 10,
    suites: ['native', 'ours', 'tfjs', 'ort', 'threads2', 'frame', 'visible', 'train', 'labrun', 'cold', 'embed', 'lighthouse'],
    lighthouseRuns: 3,
    out: join(HERE, 'results', 'latest.json'),
    jsFlags: '--no-liftoff',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const int = () => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 1) throw new Error(`${a} needs a positive integer`);
      return v;
    };
    if (a === '--warmup') o.warmup = int();
    else if (a === '--runs') o.runs = int();
    else if (a === '--train-runs') o.trainRuns = int();
    else if (a === '--lab-runs') o.labRuns = int();
    else if (a === '--cold') o.cold = int();
    else if (a === '--suites') o.suites = value().split(',');
    else if (a === '--lighthouse-runs') o.lighthouseRuns = int();
    else if (a === '--out') o.out = resolve(value());
    else if (a === '--js-flags') o.jsFlags = value();
    else if (a === '-h' || a === '--help') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 14).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  o.trainRuns ??= o.runs;
  return o;
}

// ---------------------------------------------------------------------------------------------
// Statistics

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const rank = (q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  return {
    runs: s.length,
    median_ms: s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2,
    p90_ms: rank(0.9),
    min_ms: s[0],
    mean_ms: s.reduce((a, b) => a + b, 0) / s.length,
  };
}

// ---------------------------------------------------------------------------------------------
// The servers: the repository root for the benchmark page (peers' wasm files come from
// bench/node_modules), and www/ with the page's CSP for the page itself. Both send the
// cross-origin-isolation headers so that performance.now() has 5 µs resolution instead of
// 100 µs (every runtime is still held to one thread).

async function isolatedServer(opts) {
  const s = await startServer({ host: '127.0.0.1', port: 0, ...opts });
  s.server.prependListener('request', (_req, res) => {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  });
  return s;
}

async function openPage(browser, origin) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) {
      problems.push(`request to another origin: ${r.url()}`);
    }
  });
  return { context, page, problems };
}

async function runSuite(browser, server, name, options) {
  const { context, page, problems } = await openPage(browser, server.url.replace(/\/$/, ''));
  try {
    await page.goto(new URL('bench/page/index.html', server.url).href);
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60_000 });
    const result = await page.evaluate(([n, o]) => window.runSuite(n, o), [name, options]);
    result.problems = problems;
    return result;
  } catch (err) {
    return { error: `${err.message}`.split('\n')[0], problems, samples: {}, checks: {}, info: {} };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The whole frame in the page, and the cold start of the page.

/** Wait for the page's data-ready (30 s at most); throw with the page's own errors if not. */
async function waitReady(page, problems) {
  try {
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30_000 });
  } catch {
    const status = await page.evaluate(() => document.querySelector('[data-role="status"]')?.textContent ?? '').catch(() => '');
    throw new Error(`the page did not become ready in 30 s${status ? ` (status: ${status})` : ''}${problems.length ? `: ${problems.join('; ')}` : ''}`);
  }
}

/**
 * The lab's default run as a reader starts it: the article in a browser with default flags,
 * the lab figure's controls as the page sets them, Train pressed, timed in the page from the
 * click to the figure's data-lab="done" (the model trained and evaluated on held-out data).
 */
async function labRunSuite(browser, www) {
  const { context, page, problems } = await openPage(browser, www.url.replace(/\/$/, ''));
  try {
    await page.goto(www.url);
    await waitReady(page, problems);
    await page.locator('#fig-lab').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('#fig-lab .figure-body')?.dataset.lab === 'idle', null, { timeout: 60_000 });
    const config = await page.evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll('#fig-lab [data-control]')].map((e) => [e.dataset.control, e.type === 'checkbox' ? e.checked : e.value]),
      ),
    );
    const ms = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const body = document.querySelector('#fig-lab .figure-body');
          const t0 = performance.now();
          const watch = new MutationObserver(() => {
            if (body.dataset.lab === 'done') {
              watch.disconnect();
              resolve(performance.now() - t0);
            } else if (body.dataset.lab === 'error') {
              watch.disconnect();
              reject(new Error(body.textContent.trim().slice(0, 200)));
            }
          });
          watch.observe(body, { attributes: true, attributeFilter: ['data-lab'] });
          document.querySelector('#fig-lab [data-action="lab-train"]').click();
        }),
    );
    return { samples: { lab_run: [ms] }, config, problems, checks: {}, info: {} };
  } catch (err) {
    return { error: `${err.message}`.split('\n')[0], problems, samples: {}, checks: {}, info: {} };
  } finally {
    await context.close();
  }
}

/** In the page: capture its input canvas, run both wirings, draw every view; timed. */
async function frameSuite(browser, www, { warmup, runs }) {
  const { context, page, problems } = await openPage(browser, www.url.replace(/\/$/, ''));
  try {
    await page.goto(www.url);
    await waitReady(page, problems);
    // The page builds a figure when it first comes near the viewport.
    await page.evaluate(() => document.querySelector('[data-figure="stations"]')?.scrollIntoView());
    await page.waitForFunction(() => document.querySelector('[data-figure="stations"] [data-wiring]'), null, { timeout: 30_000 });
    const result = await page.evaluate(
      async ({ warmup, runs }) => {
        const mod = await import('/pkg/ventral_stream.js');
        await mod.default({ module_or_path: '/pkg/ventral_stream_bg.wasm' });
        const viewer = new mod.Viewer();
        const paper = document.querySelector('canvas[data-role="input"]');
        if (!paper) throw new Error('no canvas[data-role="input"] on the page');
        // Draw something on the page's canvas so every view has content.
        const g = paper.getContext('2d');
        g.save();
        g.lineWidth = Math.max(2, paper.width / 24);
        g.lineCap = 'round';
        g.strokeStyle = '#000';
        g.beginPath();
        g.moveTo(paper.width * 0.2, paper.height * 0.8);
        g.lineTo(paper.width * 0.5, paper.height * 0.2);
        g.lineTo(paper.width * 0.8, paper.height * 0.8);
        g.closePath();
        g.stroke();
        g.restore();
        // The page's own drawing code when it is there (www/js/render.js), else every hook.
        let draw;
        let how;
        const figure = document.querySelector('[data-figure="stations"]') ?? document;
        try {
          const render = await import('/js/render.js');
          const views = new render.StationViews(figure);
          draw = (summary) => views.draw(viewer, summary);
          how = 'www/js/render.js StationViews.draw';
        } catch (e) {
          const targets = [];
          for (const section of document.querySelectorAll('[data-wiring]')) {
            for (const view of section.querySelectorAll('[data-station]')) {
              for (const fig of view.querySelectorAll('[data-layer]')) {
                const c = fig.querySelector('canvas') ?? (fig.tagName === 'CANVAS' ? fig : null);
                if (c) targets.push([section.dataset.wiring, view.dataset.station, fig.dataset.layer, c]);
              }
            }
          }
          const input = document.querySelector('canvas[data-view="input"]');
          const lgn = document.querySelector('canvas[data-view="lgn"]');
          draw = () => {
            if (input) viewer.draw_input(input);
            if (lgn) viewer.draw_lgn(lgn);
            for (const [w, s, l, c] of targets) viewer.draw_station(w, s, l, c);
          };
          how = `the stable hooks (${targets.length} station canvases; render.js: ${e.message})`;
        }
        const frame = () => {
          viewer.capture_canvas(paper);
          draw(viewer.run());
        };
        const canvases = document.querySelectorAll('[data-wiring] [data-station] canvas').length;
        // Warm-ups counted and timed (V8's tier-up must have finished; see bench/page/bench.js).
        const w0 = performance.now();
        for (let i = 0; i < warmup || performance.now() - w0 < 1000; i++) frame();
        // Its parts, apart: the capture, the two wirings (with the retina and summaries), the drawing.
        const parts = { capture: [], run: [], draw: [] };
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          viewer.capture_canvas(paper);
          const t1 = performance.now();
          const summary = viewer.run();
          const t2 = performance.now();
          draw(summary);
          const t3 = performance.now();
          parts.capture.push(t1 - t0);
          parts.run.push(t2 - t1);
          parts.draw.push(t3 - t2);
        }
        const samples = [];
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          frame();
          samples.push(performance.now() - t0);
        }
        // One frame to the next paint: the work, then the browser's style, layout and paint.
        const painted = [];
        for (let i = 0; i < Math.min(runs, 60); i++) {
          painted.push(
            await new Promise((done) =>
              requestAnimationFrame(() => {
                const t0 = performance.now();
                frame();
                // A task queued from rAF runs after the frame has been rendered.
                const ch = new MessageChannel();
                ch.port1.onmessage = () => done(performance.now() - t0);
                requestAnimationFrame(() => ch.port2.postMessage(0));
              }),
            ),
          );
        }
        viewer.free();
        return {
          samples: { frame: samples, ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [`frame_${k}`, v])) },
          info: { how, station_canvases: canvases, paper: [paper.width, paper.height], crossOriginIsolated },
          painted,
        };
      },
      { warmup, runs },
    );
    result.problems = problems;
    return result;
  } catch (err) {
    return { error: `${err.message}`.split('\n')[0], problems, samples: {}, info: {} };
  } finally {
    await context.close();
  }
}

/**
 * The page's own frame (its test hook: the live path's capture, run, and drawing of every
 * figure near the viewport), timed in the page: with only the first screen in view (1280×900
 * at the top), and with every figure in view (a viewport as tall as the page).
 */
async function visibleSuite(browser, www, { warmup, runs }) {
  const { context, page, problems } = await openPage(browser, www.url.replace(/\/$/, ''));
  const timeFrames = () => page.evaluate(({ warmup, runs }) => {
    const html = document.documentElement;
    html.setAttribute('data-test-hooks', '');
    const frame = () => document.dispatchEvent(new CustomEvent('stations-test', { detail: { action: 'frames', n: 1 } }));
    const w0 = performance.now();
    for (let i = 0; i < warmup || performance.now() - w0 < 1000; i++) frame();
    const samples = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      frame();
      samples.push(performance.now() - t0);
    }
    const figures = [...document.querySelectorAll('figure[data-figure]')];
    return { samples, drawn: figures.filter((f) => f.querySelector('.figure-body')?.childElementCount && !f.dataset.stale).map((f) => f.id) };
  }, { warmup, runs });
  try {
    await page.goto(www.url);
    await waitReady(page, problems);
    // Let the figures near the first screen be built.
    await page.waitForTimeout(500);
    const firstScreen = await timeFrames();
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: 1280, height: Math.min(height, 16_000) });
    await page.waitForFunction(() => [...document.querySelectorAll('figure[data-figure] .figure-body')].every((b) => b.childElementCount > 0), null, { timeout: 30_000 });
    const all = await timeFrames();
    return {
      samples: { frame_first_screen: firstScreen.samples, frame_all_visible: all.samples },
      info: { first_screen_figures: firstScreen.drawn, all_visible_figures: all.drawn, tall_viewport: Math.min(height, 16_000) },
      problems,
    };
  } catch (err) {
    return { error: `${err.message}`.split('\n')[0], problems, samples: {}, info: {} };
  } finally {
    await context.close();
  }
}

/** Navigation → data-ready, each in a fresh context (empty cache). */
async function coldSuite(browser, www, n) {
  const loads = [];
  const problems = [];
  for (let i = 0; i < n; i++) {
    const { context, page, problems: p } = await openPage(browser, www.url.replace(/\/$/, ''));
    await page.addInitScript(() => {
      // The init script runs before <html> exists: watch the document for the attribute.
      new MutationObserver(() => {
        if (document.documentElement?.dataset.ready === 'true' && window.__readyAt === undefined) {
          window.__readyAt = performance.now();
        }
      }).observe(document, { attributes: true, subtree: true, childList: true, attributeFilter: ['data-ready'] });
    });
    try {
      await page.goto(www.url);
      await waitReady(page, p);
      await page.waitForFunction(() => window.__readyAt !== undefined, null, { timeout: 5_000 });
      loads.push(await page.evaluate(() => ({
        ready_ms: window.__readyAt ?? null,
        dom_content_loaded_ms: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? null,
      })));
    } catch (err) {
      // A page that does not load once will not load the next time either.
      return { error: err.message.split('\n')[0], loads, problems };
    } finally {
      await context.close();
    }
    problems.push(...p);
  }
  return { loads, problems };
}

// ---------------------------------------------------------------------------------------------

function fmt(x, digits = 3) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return x >= 100 ? x.toFixed(1) : x.toPrecision(digits);
}

function table(rows, columns) {
  const cells = rows.map((r) => columns.map(([, get]) => String(get(r))));
  const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (vals) => vals.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(columns.map(([h]) => h)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const want = new Set(o.suites);
  const loadBefore = os.loadavg();
  const started = new Date();
  const out = {
    when: started.toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? '?',
      cores: os.cpus().length,
      load_before: loadBefore,
    },
    settings: { warmup: o.warmup, runs: o.runs, train_runs: o.trainRuns, lab_runs: o.labRuns, tolerance: TOLERANCE },
    checks: {},
    rows: [],
    cold: {},
    notes: [],
  };
  let failed = false;

  // Native: also (re)writes the shared input, LGN and reference outputs the browser uses.
  // Only the suites of the page itself (frame, visible, cold, embed, lighthouse) run without it.
  let native = null;
  let flops = null;
  let convFlops = null;
  if (['native', 'ours', 'tfjs', 'ort', 'threads2', 'train'].some((n) => want.has(n))) {
    const nativeBin = join(HERE, 'target', 'release', 'stream-bench');
    if (!existsSync(nativeBin)) throw new Error(`${nativeBin} is missing: run ./build.sh bench`);
    console.log('==> bench: native (bench/target/release/stream-bench)');
    const nat = spawnSync(nativeBin, ['--out', GEN, '--warmup', String(o.warmup), '--runs', String(o.runs), '--train-runs', String(o.labRuns)], { stdio: 'inherit' });
    if (nat.status !== 0) throw new Error('the native benchmark failed');
    const reference = JSON.parse(readFileSync(join(GEN, 'reference.json'), 'utf8'));
    native = JSON.parse(readFileSync(join(GEN, 'native.json'), 'utf8'));
    flops = reference.wirings.stream.flops;
    convFlops = reference.wirings.stream.conv_flops;
    out.flops = { forward: flops, conv3x3: convFlops, note: 'multiply-adds × 2 of the 1×1 maps, 3×3 convolutions and heads; pooling left out' };
    for (const f of ['stream.onnx', 'hierarchy.onnx']) {
      if (!existsSync(join(GEN, f))) throw new Error(`bench/generated/${f} is missing: run ./build.sh bench`);
    }
  }

  const root = await isolatedServer({ root: ROOT });
  const www = await isolatedServer({ root: join(ROOT, 'www'), csp: true });
  // Warm runs: every wasm function compiled by TurboFan when the module is instantiated
  // (--no-liftoff), the same for all three runtimes. With V8's default dynamic tiering, the
  // optimising compile runs on background threads and, on a busy 2-core machine, was seen
  // to land seconds late: whole series then timed Liftoff code, 3× slower. The cold start is
  // measured in a browser with the default flags, as a reader's.
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_ARGS, `--js-flags=${o.jsFlags}`],
  });
  out.machine.chromium = browser.version();
  out.settings.warm_js_flags = o.jsFlags;
  const results = {};
  const opts = { warmup: o.warmup, runs: o.runs, tolerance: TOLERANCE };
  try {
    const runtimes = ['ours', 'tfjs', 'ort'].filter((n) => want.has(n));
    if (runtimes.length) {
      console.log(`==> bench: forward passes, interleaved (${runtimes.join(', ')})`);
      const r = await runSuite(browser, root, 'forward', { ...opts, runtimes });
      for (const n of runtimes) {
        results[n] = r.error ? { ...r } : { ...r.suites[n], crossOriginIsolated: r.crossOriginIsolated, problems: r.problems };
      }
    }
    if (want.has('threads2')) {
      // A page of its own: TF.js and ONNX Runtime set their thread counts once per page. Our
      // forward pass (one thread) is timed in it too, interleaved, for the ratio.
      console.log('==> bench: forward passes, TF.js and ONNX Runtime with two threads, ours with one (interleaved)');
      const r = await runSuite(browser, root, 'forward', { ...opts, runtimes: ['ours', 'tfjs', 'ort'], threads: 2, light: true });
      results.threads2 = r.error ? { ...r } : { suites: r.suites, samples: {}, checks: {}, info: r.info, crossOriginIsolated: r.crossOriginIsolated };
      if (!r.error) {
        for (const [n, x] of Object.entries(r.suites)) {
          if (x.error) results.threads2.checks[`${n}_error`] = { ok: false, error: x.error };
          for (const [k, c] of Object.entries(x.checks ?? {})) results.threads2.checks[`${n}_${k}`] = c;
        }
      }
    }
    if (want.has('train')) {
      console.log('==> bench: train');
      results.train = await runSuite(browser, root, 'train', { warmup: o.warmup, runs: o.trainRuns, labRuns: o.labRuns, depths: [1, 4, 12] });
    }
    if (want.has('frame')) {
      console.log('==> bench: frame (the page)');
      results.frame = await frameSuite(browser, www, opts);
    }
    if (want.has('visible')) {
      console.log('==> bench: the page\'s frame, first screen in view and every figure in view');
      results.visible = await visibleSuite(browser, www, opts);
    }
    // A reader's browser: default V8 flags, a fresh one per suite.
    const withPlainBrowser = async (work) => {
      const plain = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
      try {
        return await work(plain);
      } finally {
        await plain.close().catch(() => {});
      }
    };
    if (want.has('labrun')) {
      console.log('==> bench: the lab\'s default run in the page (default browser flags)');
      results.labrun = await withPlainBrowser((plain) => labRunSuite(plain, www));
    }
    if (want.has('cold')) {
      console.log('==> bench: cold start (the page, default browser flags)');
      await withPlainBrowser(async (plain) => {
        results.cold = await coldSuite(plain, www, o.cold);
        // Each runtime's load + instantiate + build and first forward, with default flags too.
        const runtimes = ['ours', 'tfjs', 'ort'].filter((n) => want.has(n));
        if (runtimes.length) {
          const r = await runSuite(plain, root, 'forward', { warmup: 1, runs: 1, blocks: 1, tolerance: TOLERANCE, runtimes });
          results.cold.runtimes = r.suites ?? {};
        }
      });
    }
    if (want.has('embed')) {
      console.log('==> bench: cold load of the example post, embedded from another origin (default browser flags)');
      results.embed = await withPlainBrowser((plain) => embedSuite(plain, o.cold)).catch((err) => ({ error: err.message.split('\n')[0] }));
    }
  } finally {
    await browser.close().catch(() => {});
    await root.close();
    await www.close();
  }
  // Lighthouse last, on its own (it starts its own Chromium for every run).
  if (want.has('lighthouse')) {
    console.log(`==> bench: Lighthouse, mobile and desktop presets, ${o.lighthouseRuns} runs each (bench/lighthouse.mjs)`);
    try {
      const lh = await lighthouseMeasure({ sites: { page: join(ROOT, 'www') }, runs: o.lighthouseRuns });
      out.lighthouse = lh.page;
      Object.assign(out, lighthouseHeadline(lh.page));
      out.lighthouse_report = lighthouseReport(lh);
    } catch (err) {
      out.checks.lighthouse = { ok: false, error: err.message.split('\n')[0] };
      console.log(`!! lighthouse: ${err.message}`);
      failed = true;
    }
  }
  out.machine.load_after = os.loadavg();

  // Checks first: a runtime whose outputs differ has no trusted time.
  const trusted = {};
  for (const [suite, r] of Object.entries(results)) {
    if (r.error) {
      out.checks[`${suite}`] = { ok: false, error: r.error };
      console.log(`!! ${suite}: ${r.error}`);
      failed = true;
      trusted[suite] = false;
      continue;
    }
    trusted[suite] = true;
    for (const [name, c] of Object.entries(r.checks ?? {})) {
      out.checks[`${suite}.${name}`] = c;
      if (!c.ok) {
        trusted[suite] = false;
        failed = true;
      }
    }
    if (r.problems?.length) out.notes.push(`${suite}: ${r.problems.join('; ')}`);
  }

  const peer = (w) => {
    const m = [results.tfjs, results.ort]
      .filter((r) => r && trusted[r === results.tfjs ? 'tfjs' : 'ort'] && r.samples?.[w])
      .map((r) => stats(r.samples[w]).median_ms);
    return m.length ? Math.min(...m) : null;
  };
  const row = (key, label, samples, { flop = null, wiring = null, trust = true } = {}) => {
    if (!samples?.length) return;
    const s = stats(samples);
    const fastest = wiring ? peer(wiring) : null;
    out.rows.push({
      key,
      label,
      ...s,
      gflops: flop ? flop / (s.median_ms * 1e6) : null,
      ratio_to_fastest_peer: fastest ? s.median_ms / fastest : null,
      trusted: trust,
    });
  };
  const ours = results.ours;
  if (ours && !ours.error) {
    row('ours_stream', 'ours, stream (wasm, forward only)', ours.samples.stream, { flop: flops, wiring: 'stream', trust: trusted.ours });
    row('ours_hierarchy', 'ours, hierarchy (wasm, forward only)', ours.samples.hierarchy, { flop: flops, wiring: 'hierarchy', trust: trusted.ours });
    if (ours.samples.viewer_forward_stream) {
      row('viewer_stream', 'ours, stream (www/pkg Viewer.forward_only)', ours.samples.viewer_forward_stream, { flop: flops, wiring: 'stream', trust: trusted.ours });
      row('viewer_hierarchy', 'ours, hierarchy (www/pkg Viewer.forward_only)', ours.samples.viewer_forward_hierarchy, { flop: flops, wiring: 'hierarchy', trust: trusted.ours });
    }
  }
  for (const [name, label] of [['tfjs', 'TF.js wasm (XNNPACK)'], ['ort', 'ONNX Runtime Web wasm']]) {
    const r = results[name];
    if (!r || r.error) continue;
    row(`${name}_stream`, `${label}, stream`, r.samples.stream, { flop: flops, wiring: 'stream', trust: trusted[name] });
    row(`${name}_hierarchy`, `${label}, hierarchy`, r.samples.hierarchy, { flop: flops, wiring: 'hierarchy', trust: trusted[name] });
  }
  if (want.has('native')) {
    row('native_stream', 'ours, stream (native, x86-64)', native.samples_ms.stream, { flop: flops, wiring: 'stream' });
    row('native_hierarchy', 'ours, hierarchy (native, x86-64)', native.samples_ms.hierarchy, { flop: flops, wiring: 'hierarchy' });
    row('native_lgn', 'native retina + LGN (64×64 → 32×32×8)', native.samples_ms.lgn);
  }
  if (ours && !ours.error) {
    row('ours_lgn', 'ours, retina + LGN in wasm (RGBA 64×64 → 32×32×8)', ours.samples.lgn, { trust: trusted.ours });
    row('viewer_capture_run', 'ours, Viewer capture_rgba + run (retina, both wirings, summaries)', ours.samples.viewer_capture_run, { flop: 2 * flops, trust: trusted.ours });
    for (const k of ['V1', 'V2', 'V4', 'IT']) {
      row(`conv_${k}`, `3×3 conv alone, ${k} (as in the forward pass)`, ours.samples[`conv_${k}`], { flop: ours.info[`conv_flops_${k}`], trust: trusted.ours });
    }
  }
  if (results.frame && !results.frame.error) {
    row('frame', 'whole frame in the page (capture, both wirings, every view drawn)', results.frame.samples.frame);
    row('frame_capture', '  of which capture_canvas (getImageData, letterbox, adapt)', results.frame.samples.frame_capture);
    row('frame_run', '  of which run() (retina, both wirings, summaries)', results.frame.samples.frame_run, { flop: 2 * flops });
    row('frame_draw', '  of which drawing every view', results.frame.samples.frame_draw);
    if (results.frame.painted?.length) row('frame_painted', 'whole frame to the next rendered frame (rAF → task after paint)', results.frame.painted);
  }
  if (results.visible && !results.visible.error) {
    row('frame_first_screen', 'the page\'s frame, only the first screen in view (1280×900, top)', results.visible.samples.frame_first_screen);
    row('frame_all_visible', 'the page\'s frame, every figure in view (viewport as tall as the page)', results.visible.samples.frame_all_visible);
  }
  const t2 = results.threads2;
  if (t2 && !t2.error) {
    const label = { ours: 'ours, one thread (wasm, beside the two-thread peers)', tfjs: 'TF.js wasm (XNNPACK), two threads', ort: 'ONNX Runtime Web wasm, two threads' };
    for (const [n, x] of Object.entries(t2.suites)) {
      if (x.error) continue;
      for (const wiring of ['stream', 'hierarchy']) {
        row(`${n}_threads2_${wiring}`, `${label[n]}, ${wiring}`, x.samples[wiring], { flop: flops, trust: trusted.threads2 });
      }
    }
  }
  if (results.train && !results.train.error) {
    for (const [name, s] of Object.entries(results.train.samples)) {
      if (name === 'lab_step') continue;
      row(`train_${name}`, `one training step, degradation net ${name.replace('_', ', ')} (batch 32)`, s, { trust: trusted.train });
    }
    row('train_step_wasm', 'one training step of the lab\'s stream (d 32, batch 32: data, forward, backward, Adam; www/pkg-lab Trainer, wasm)', results.train.samples.lab_step, { trust: trusted.train });
  }
  if (native?.samples_ms?.train_step) {
    row('train_step_native', 'the same training step natively (one thread, x86-64)', native.samples_ms.train_step);
  }
  if (native?.samples_ms?.train_step_threads2) {
    row('train_step_native_threads2', 'the same training step natively, the batch split over two threads (as ventral-stream train)', native.samples_ms.train_step_threads2);
  }
  if (results.labrun && !results.labrun.error) {
    const c = results.labrun.config;
    const what = c ? `${c['lab-wiring']}, d ${c['lab-width']}, ${c['lab-steps']} steps, seed ${c['lab-seed']}` : 'its default settings';
    row('lab_run', `the lab's default run in the page, Train to done (${what}; one run, a Worker, default browser flags)`, results.labrun.samples.lab_run);
  }

  // The simd128 peak and the convolutions' share of it.
  if (ours && !ours.error) {
    const peak = ours.info.simd_peak_gflops;
    const mhz = os.cpus()[0]?.speed ?? 0;
    const firstPrinciples = mhz ? (4 * 4 * mhz) / 1000 : null;
    const convRows = out.rows.filter((r) => r.key.startsWith('conv_'));
    const convMs = convRows.reduce((a, r) => a + r.median_ms, 0);
    const convGflops = convFlops / (convMs * 1e6);
    out.simd128 = {
      peak_gflops_measured: peak,
      peak_median_gflops: ours.info.simd_peak_median_gflops,
      how: 'measured: best of 40 calls of a wasm loop of 12 independent f32x4 chains acc = acc·m + a (one f32x4.mul and one f32x4.add per chain, 8 flops), 2^21 rounds, built from bench/core with simd128',
      first_principles_gflops: firstPrinciples,
      first_principles_how: `4 lanes × (2 f32x4.mul + 2 f32x4.add issued per cycle, as on a core with two FP multiply and two FP add pipes such as AMD Zen 4) × ${mhz} MHz (the clock the OS reports; a measured peak above this means the core runs faster, e.g. turbo)`,
      conv3x3_gflops: convGflops,
      conv3x3_fraction_of_peak: convGflops / peak,
      conv3x3_fraction_by_station: Object.fromEntries(convRows.map((r) => [r.key.slice(5), r.gflops / peak])),
    };
  }

  // Cold start, apart from the warm runs.
  const wasmPath = join(ROOT, 'www', 'pkg', 'ventral_stream_bg.wasm');
  const wasm = readFileSync(wasmPath);
  out.cold.wasm_raw_bytes = wasm.length;
  out.cold.wasm_gzip_bytes = gzipSync(wasm, { level: 9 }).length;
  if (results.cold?.loads?.length) {
    const ready = results.cold.loads.map((l) => l.ready_ms).filter(Number.isFinite);
    out.cold.navigation_to_ready = { ...stats(ready), loads: results.cold.loads.length, note: 'fresh browser context each (empty cache), served from 127.0.0.1' };
  }
  for (const name of ['ours', 'tfjs', 'ort']) {
    const r = results.cold?.runtimes?.[name];
    if (!r || r.error) continue;
    out.cold[name] = {
      init_ms: r.init_ms ?? null,
      first_stream_ms: r.info?.first_stream_ms ?? null,
      first_hierarchy_ms: r.info?.first_hierarchy_ms ?? null,
    };
  }
  out.runtimes = Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { info: r.info ?? {}, crossOriginIsolated: r.crossOriginIsolated, error: r.error ?? null }]));

  // The keys the issue names (medians in ms).
  const med = (key) => out.rows.find((r) => r.key === key && r.trusted)?.median_ms ?? null;
  Object.assign(out, {
    ours_source: med('viewer_stream') !== null
      ? 'www/pkg Viewer.forward_only (the page module)'
      : 'bench/core: the harness\'s wasm build of Model::forward (same code and flags as www/pkg)',
    ours_stream_ms: med('viewer_stream') ?? med('ours_stream'),
    ours_hierarchy_ms: med('viewer_hierarchy') ?? med('ours_hierarchy'),
    tfjs_wasm_ms: med('tfjs_stream'),
    tfjs_wasm_hierarchy_ms: med('tfjs_hierarchy'),
    ort_wasm_ms: med('ort_stream'),
    ort_wasm_hierarchy_ms: med('ort_hierarchy'),
    native_ms: med('native_stream'),
    native_hierarchy_ms: med('native_hierarchy'),
    frame_ms: med('frame'),
    frame_first_screen_ms: med('frame_first_screen'),
    frame_all_visible_ms: med('frame_all_visible'),
    train_step_ms: med('train_depth4_residual'),
    train_step_wasm_ms: med('train_step_wasm'),
    train_step_native_ms: med('train_step_native'),
    train_step_wasm_over_native: med('train_step_wasm') && med('train_step_native') ? med('train_step_wasm') / med('train_step_native') : null,
    train_step_native_threads2_ms: med('train_step_native_threads2'),
    lab_run_ms: med('lab_run'),
    tfjs_wasm_threads2_ms: med('tfjs_threads2_stream'),
    ort_wasm_threads2_ms: med('ort_threads2_stream'),
    ours_beside_threads2_ms: med('ours_threads2_stream'),
    wasm_raw_bytes: out.cold.wasm_raw_bytes,
    wasm_gzip_bytes: out.cold.wasm_gzip_bytes,
    cold_start_ms: out.cold.navigation_to_ready?.median_ms ?? null,
    embed_first_answer_ms: results.embed?.input_ready_median_ms ?? null,
    embed_all_figures_ms: results.embed?.all_ready_median_ms ?? null,
    embed_bytes: results.embed?.bytes_raw ?? null,
  });
  if (results.embed) out.embed = results.embed;

  // ------------------------------------------------------------------ the report
  const lines = [];
  lines.push(`Stations in the Stream: benchmark, ${out.when}`);
  lines.push(`${out.machine.cpu}, ${out.machine.cores} cores; ${out.machine.chromium}; load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${out.machine.load_after.map((x) => x.toFixed(2)).join(' ')}`);
  lines.push(`V8 flags of the warm runs: ${o.jsFlags || '(none)'}; ${o.warmup} warm-ups (and at least 1 s of them), then ${o.runs} runs (training: ${o.trainRuns}); one forward pass = ${(flops / 1e6).toFixed(2)} MFLOP (3×3 convs ${(convFlops / 1e6).toFixed(2)})`);
  lines.push('');
  lines.push(`Output checks (max |difference| against the native core, must be ≤ ${TOLERANCE}):`);
  for (const [k, c] of Object.entries(out.checks)) {
    lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${k.padEnd(34)} ${c.error ?? (c.max_abs !== undefined ? `max abs ${c.max_abs.toExponential(2)}, scaled ${c.max_scaled.toExponential(2)} over ${c.values} values` : `loss ${fmt(c.loss)}`)}`);
  }
  lines.push('');
  lines.push(table(out.rows, [
    ['warm runs', (r) => `${r.label}${r.trusted ? '' : ' [UNTRUSTED: outputs differ]'}`],
    ['median ms', (r) => fmt(r.median_ms)],
    ['p90 ms', (r) => fmt(r.p90_ms)],
    ['min ms', (r) => fmt(r.min_ms)],
    ['runs', (r) => r.runs],
    ['GFLOP/s', (r) => fmt(r.gflops)],
    ['× fastest peer', (r) => (r.ratio_to_fastest_peer ? `${r.ratio_to_fastest_peer.toFixed(2)}×` : '')],
  ]));
  if (out.simd128) {
    lines.push('');
    lines.push(`simd128 peak: ${fmt(out.simd128.peak_gflops_measured)} GFLOP/s (${out.simd128.how}).`);
    if (out.simd128.first_principles_gflops) lines.push(`From first principles: ${fmt(out.simd128.first_principles_gflops)} GFLOP/s = ${out.simd128.first_principles_how}.`);
    lines.push(`3×3 convolutions, all four stations: ${fmt(out.simd128.conv3x3_gflops)} GFLOP/s = ${(100 * out.simd128.conv3x3_fraction_of_peak).toFixed(1)} % of that peak (by station: ${Object.entries(out.simd128.conv3x3_fraction_by_station).map(([k, v]) => `${k} ${(100 * v).toFixed(1)} %`).join(', ')}).`);
  }
  // Machines of this kind differ up to 3× in speed: the lab's wall time means something only
  // beside the peak measured in the same run.
  const labRun = out.rows.find((r) => r.key === 'lab_run');
  if (labRun) {
    lines.push('');
    lines.push(`The lab's default run took ${(labRun.median_ms / 1000).toFixed(1)} s on this machine, whose simd128 peak measured ${out.simd128 ? `${fmt(out.simd128.peak_gflops_measured)} GFLOP/s in this run` : 'nothing (the ours suite did not run)'}.`);
  }
  const wasmStep = out.rows.find((r) => r.key === 'train_step_wasm');
  const nativeStep = out.rows.find((r) => r.key === 'train_step_native');
  if (wasmStep && nativeStep) {
    lines.push(`A training step in wasm takes ${(wasmStep.median_ms / nativeStep.median_ms).toFixed(2)}× the native one-thread step (target ≤ 1.5×).`);
  }
  lines.push('');
  lines.push('Cold start (apart from the warm runs):');
  lines.push(`  wasm www/pkg/ventral_stream_bg.wasm: ${out.cold.wasm_raw_bytes} bytes raw, ${out.cold.wasm_gzip_bytes} gzipped (level 9)`);
  if (out.cold.navigation_to_ready) {
    const c = out.cold.navigation_to_ready;
    lines.push(`  navigation → data-ready: median ${fmt(c.median_ms)} ms, p90 ${fmt(c.p90_ms)} ms over ${c.runs} loads (${c.note})`);
  }
  for (const name of ['ours', 'tfjs', 'ort']) {
    const c = out.cold[name];
    if (c) lines.push(`  ${name.padEnd(5)} (default flags) load + instantiate + build: ${fmt(c.init_ms)} ms; first forward: stream ${fmt(c.first_stream_ms)} ms, hierarchy ${fmt(c.first_hierarchy_ms)} ms`);
  }
  if (results.embed) lines.push(embedReport(results.embed));
  for (const name of ['tfjs', 'ort']) {
    const i = results[name]?.info;
    if (i?.wasm_files) lines.push(`  ${name.padEnd(5)} ${i.version ?? ''}: loaded ${i.wasm_files.join(', ') || 'no wasm file?'}; threads ${i.threads ?? '?'}${i.simd !== undefined ? `; SIMD ${i.simd}` : ''}`);
  }
  if (out.lighthouse_report) lines.push(`\nLighthouse (medians; simulated throttling; this machine's benchmarkIndex ${out.benchmarkIndex}):\n${out.lighthouse_report}`);
  const vis = results.visible?.info;
  if (vis?.first_screen_figures) lines.push(`\nThe page's frame drew ${vis.first_screen_figures.join(', ')} with the first screen in view, and ${vis.all_visible_figures.length} figures in a ${vis.tall_viewport} px tall viewport.`);
  const frameInfo = results.frame?.info;
  if (frameInfo?.how) lines.push(`\nThe frame: ${frameInfo.how}; ${frameInfo.station_canvases} station canvases; input canvas ${frameInfo.paper?.join('×')}.`);
  if (out.notes.length) lines.push(`\nNotes:\n  ${out.notes.join('\n  ')}`);
  const load = Math.max(...loadBefore.slice(0, 1), ...out.machine.load_after.slice(0, 1));
  if (load > out.machine.cores * 0.5) lines.push(`\nThe machine was busy (1-min load up to ${load.toFixed(2)} on ${out.machine.cores} cores): times are noisier and slower than on a quiet machine.`);
  const report = lines.join('\n');
  console.log(`\n${report}\n`);
  out.report = report;

  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`==> bench: wrote ${o.out}`);
  if (failed) {
    console.error('bench: an output check failed or a suite did not run: those times are not trusted');
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(`bench: ${err.stack ?? err}`);
  process.exit(1);
});
