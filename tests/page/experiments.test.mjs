// The experiment figures: every placeholder <figure data-experiment> is drawn from the
// results file (or says there is none yet); "Run in your browser" runs an experiment in a Web
// Worker with a progress bar and draws the live result; Cancel stops a long run and leaves the
// page responsive; the degradation figure trains its networks live and its curves grow. No
// console error, no request to another origin. Screenshots of every figure at desktop and
// phone width, light and dark, go to tests/page/screenshots/experiments-*.png.
//
// EXPERIMENTS_RESULTS=path/to/results.json serves that file as www/data/results/*.json (to try
// the figures before the committed file exists).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WWW, drawStroke, frames, loadReady, openPage, screenshotPath, snapshotViews, stallWorker, startAll } from './harness.mjs';

const NAMES = ['edge-probe', 'variability', 'deletion', 'receptive-fields', 'sparseness', 'tuning', 'lesion', 'degradation', 'virtual-weights', 'gating'];
const RESULTS_OVERRIDE = process.env.EXPERIMENTS_RESULTS;
const HAVE_RESULTS = Boolean(RESULTS_OVERRIDE) || existsSync(join(WWW, 'data', 'results', 'index.json'));
// The page reads data/results/index.json and one data/results/NAME.json per experiment figure.
const RESULTS_RE = /\/data\/results\/[^/]+\.json$/;

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.stop();
});

/** Without a results file the page asks for it once and gets a 404: expected, not a problem. */
function realProblems(problems) {
  // (Any other missing file still shows up as "HTTP 404: its URL".)
  return problems.filter((p) => !/\/data\/results\//.test(p) && !/status of 404/.test(p));
}

async function open(contextOptions = {}, { results = 'default' } = {}) {
  const o = await openPage(env, contextOptions);
  if (results === 'missing') {
    await o.page.route(RESULTS_RE, (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found\n' }));
  } else if (RESULTS_OVERRIDE) {
    // The whole file, served as the page reads it: split per experiment.
    const all = JSON.parse(readFileSync(RESULTS_OVERRIDE, 'utf8'));
    await o.page.route(RESULTS_RE, (route) => {
      const file = new URL(route.request().url()).pathname.split('/').pop().replace(/\.json$/, '');
      const value = file === 'index' ? { experiments: Object.keys(all) } : all[file];
      if (value === undefined) return route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found\n' });
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(value) });
    });
  }
  return o;
}

async function experimentsReady(page) {
  await page.waitForFunction(() => ['ready', 'no-results', 'error'].includes(document.documentElement.dataset.experiments), null, { timeout: 30_000 });
  return page.evaluate(() => document.documentElement.dataset.experiments);
}

function figure(page, name) {
  return page.locator(`figure[data-experiment="${name}"]`);
}

test('every experiment figure is drawn from the results file, or says there is none yet', async () => {
  const { context, page, problems } = await open();
  try {
    await loadReady(page, env.url);
    const state = await experimentsReady(page);
    assert.equal(state, HAVE_RESULTS ? 'ready' : 'no-results');
    const figs = await page.evaluate(() => [...document.querySelectorAll('figure[data-experiment]')].map((f) => ({
      name: f.dataset.experiment,
      state: f.dataset.state,
      drawn: f.querySelectorAll('.exp-body svg, .exp-body canvas').length,
      missing: Boolean(f.querySelector('[data-role="missing"]')),
      sentence: f.querySelector('[data-role="sentence"]')?.textContent ?? '',
      tables: f.querySelectorAll('[data-role="summary"] table').length,
      run: Boolean(f.querySelector('button[data-action="run"]')),
      labelled: Boolean(f.getAttribute('aria-labelledby') && document.getElementById(f.getAttribute('aria-labelledby'))),
      styleAttrs: f.querySelectorAll('[style]').length,
    })));
    assert.deepEqual(figs.map((f) => f.name).sort(), [...NAMES].sort(), 'one figure per experiment');
    for (const f of figs) {
      assert.ok(f.run, `${f.name} has a run button`);
      assert.ok(f.labelled, `${f.name} is labelled by its caption`);
      if (HAVE_RESULTS) {
        assert.equal(f.state, 'file', `${f.name} is drawn from the file`);
        assert.ok(f.drawn > 0, `${f.name} draws a chart`);
        // One seed's output: "In this run"; a multi-seed file: "Over N seeds".
        assert.match(f.sentence, /In this run|Over \d+ seeds/, `${f.name} says how it came out`);
        assert.ok(f.tables > 0, `${f.name} has a text summary`);
      } else {
        assert.equal(f.state, 'none', `${f.name} says there is no results file`);
        assert.ok(f.missing, `${f.name} shows the message`);
      }
    }
    assert.deepEqual(realProblems(problems), []);
  } finally {
    await context.close();
  }
});

test('without a results file every figure and every data-result hook says so', async () => {
  const { context, page, problems } = await open({}, { results: 'missing' });
  try {
    await loadReady(page, env.url);
    assert.equal(await experimentsReady(page), 'no-results');
    const msgs = await page.locator('figure[data-experiment] [data-role="missing"]').count();
    assert.equal(msgs, NAMES.length);
    const text = await page.locator('figure[data-experiment="lesion"] [data-role="missing"]').textContent();
    assert.match(text, /No results file yet/);
    // The number formatting and the hooks, on a made-up results object.
    const filled = await page.evaluate(async () => {
      const { fillResults } = await import('./js/experiments/format.js');
      const root = document.createElement('div');
      for (const p of ['lesion.stream.none', 'variability.stream.r2.IT.extra_r2', 'deletion.stream.delta.IT.mean', 'tuning.stream.l4.bandwidth_deg.median', 'edge-probe.nothing.here']) {
        const s = document.createElement('span');
        s.dataset.result = p;
        root.append(s);
      }
      fillResults(root, {
        lesion: { stream: { none: 0.934 } },
        variability: { stream: { r2: { IT: { extra_r2: 0.0512 } } } },
        deletion: { stations: ['V1', 'V2', 'V4', 'IT'], stream: { delta: [{}, {}, {}, { mean: -0.0922 }] } },
        tuning: { stream: { l4: { bandwidth_deg: { median: 27.5 } } } },
      });
      const none = document.createElement('span');
      none.dataset.result = 'lesion.stream.none';
      const box = document.createElement('div');
      box.append(none);
      fillResults(box, null);
      return [...root.children].map((s) => s.textContent).concat(none.textContent);
    });
    assert.deepEqual(filled, ['93\u2009%', '+0.05', '\u22120.09', '28°', '(not in the results file)', '(no results file yet)']);
    assert.deepEqual(realProblems(problems), []);
  } finally {
    await context.close();
  }
});

test('"Run in your browser" runs virtual-weights in a worker: the progress bar reaches the end and the figure shows the live run', async () => {
  const { context, page, problems } = await open();
  try {
    await loadReady(page, env.url);
    await experimentsReady(page);
    const fig = figure(page, 'virtual-weights');
    await fig.scrollIntoViewIfNeeded();
    await fig.locator('input[data-role="seed"]').fill('3');
    await fig.locator('button[data-action="run"]').click();
    await page.waitForFunction(() => document.querySelector('figure[data-experiment="virtual-weights"]').dataset.origin === 'live', null, { timeout: 120_000 });
    const after = await page.evaluate(() => {
      const f = document.querySelector('figure[data-experiment="virtual-weights"]');
      const p = f.querySelector('progress');
      return {
        progress: p.value,
        max: p.max,
        label: f.querySelector('[data-role="progress-label"]').textContent,
        source: f.querySelector('[data-role="source"]').textContent,
        sentence: f.querySelector('[data-role="sentence"]').textContent,
        svgs: f.querySelectorAll('.exp-body svg').length,
        runEnabled: !f.querySelector('button[data-action="run"]').disabled,
        cancelHidden: f.querySelector('button[data-action="cancel"]').hidden,
      };
    });
    assert.equal(after.progress, after.max, 'the progress bar reached the end');
    assert.match(after.label, /100/);
    assert.match(after.source, /Live run in your browser: one seed \(seed 3\), quick size/);
    assert.match(after.sentence, /In this run/);
    assert.ok(after.svgs > 0);
    assert.ok(after.runEnabled && after.cancelHidden, 'the controls are back to idle');
    await fig.screenshot({ path: screenshotPath('experiments-virtual-weights-live.png') });
    assert.deepEqual(realProblems(problems), []);
  } finally {
    await context.close();
  }
});

test('Cancel stops a run (receptive-fields) mid-way and the page stays responsive', async () => {
  const { context, page, problems } = await open();
  try {
    await loadReady(page, env.url);
    await experimentsReady(page);
    const fig = figure(page, 'receptive-fields');
    const before = await fig.getAttribute('data-state');
    await fig.scrollIntoViewIfNeeded();
    // The worker reports progress every 20 ms and never finishes: Cancel lands mid-run, always.
    await stallWorker(page);
    await fig.locator('button[data-action="run"]').click();
    await page.waitForFunction(() => document.querySelector('figure[data-experiment="receptive-fields"] progress').value > 0, null, { timeout: 60_000 });
    const cancel = fig.locator('button[data-action="cancel"]');
    assert.equal(await cancel.isVisible(), true);
    await cancel.click();
    await page.waitForFunction(() => document.querySelector('figure[data-experiment="receptive-fields"]').dataset.running === 'false');
    assert.match(await fig.locator('[data-role="status"]').textContent(), /Cancelled/);
    assert.equal(await fig.getAttribute('data-state'), before, 'the figure is back to what it showed');
    assert.equal(await fig.locator('button[data-action="run"]').isEnabled(), true);
    // Focus went back to the run button (keyboard users keep their place).
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.action), 'run');
    // No more progress arrives: the worker is gone (alive, it would post 25 times in this wait).
    const p1 = await page.evaluate(() => document.querySelector('figure[data-experiment="receptive-fields"] progress').value);
    await page.waitForTimeout(500);
    const p2 = await page.evaluate(() => document.querySelector('figure[data-experiment="receptive-fields"] progress').value);
    assert.equal(p2, p1);
    // Drawing still updates the stations.
    await frames(page);
    const blank = await snapshotViews(page);
    await drawStroke(page, [[0.25, 0.3], [0.5, 0.7], [0.75, 0.3]]);
    await frames(page, 3);
    const drawn = await snapshotViews(page);
    const changed = Object.keys(blank).filter((k) => blank[k] !== drawn[k]);
    assert.ok(changed.length > 0, 'the station views change after a cancelled run');
    assert.deepEqual(realProblems(problems), []);
  } finally {
    await context.close();
  }
});

test('the degradation figure trains its networks live and its loss curves grow', async () => {
  const { context, page, problems } = await open();
  try {
    await loadReady(page, env.url);
    await experimentsReady(page);
    const fig = figure(page, 'degradation');
    await fig.scrollIntoViewIfNeeded();
    await fig.locator('button[data-action="run"]').click();
    const points = () => page.evaluate(() => {
      const holder = document.querySelector('figure[data-experiment="degradation"] [data-live="true"]');
      return {
        steps: Number(holder?.dataset.steps ?? 0),
        lines: [...(holder?.querySelectorAll('polyline') ?? [])].map((p) => p.getAttribute('points')),
      };
    });
    await page.waitForFunction(() => Number(document.querySelector('figure[data-experiment="degradation"] [data-live="true"]')?.dataset.steps ?? 0) >= 5, null, { timeout: 120_000 });
    const early = await points();
    await page.waitForFunction((n) => Number(document.querySelector('figure[data-experiment="degradation"] [data-live="true"]')?.dataset.steps ?? 0) >= n, early.steps + 10, { timeout: 120_000 });
    const later = await points();
    assert.ok(later.steps > early.steps);
    assert.equal(later.lines.length, 6, 'six curves: plain and residual at three depths');
    assert.notDeepEqual(later.lines, early.lines, 'the curves change as training goes');
    const longer = later.lines.every((l, i) => l.split(' ').length > (early.lines[i]?.split(' ').length ?? 0));
    assert.ok(longer, 'every curve grows');
    await fig.locator('button[data-action="cancel"]').click();
    await page.waitForFunction(() => document.querySelector('figure[data-experiment="degradation"]').dataset.running === 'false');
    // After the cancel: while it trains the figure redraws every step, and on a busy machine
    // it may never hold still for the two frames an element screenshot waits for.
    await fig.screenshot({ path: screenshotPath('experiments-degradation-partial.png') });
    assert.equal(await fig.getAttribute('data-state'), 'partial', 'the partial curves stay');
    assert.match(await fig.locator('[data-role="status"]').textContent(), /Cancelled/);
    assert.deepEqual(realProblems(problems), []);
  } finally {
    await context.close();
  }
});

const VIEWS = [
  { tag: 'desktop', options: { viewport: { width: 1280, height: 900 } } },
  { tag: 'phone', options: { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } },
];

for (const view of VIEWS) {
  for (const scheme of ['light', 'dark']) {
    test(`screenshots of every experiment figure, ${view.tag}, ${scheme}; nothing overflows`, async () => {
      const { context, page, problems } = await open({ ...view.options, colorScheme: scheme });
      try {
        await loadReady(page, env.url);
        await experimentsReady(page);
        for (const name of NAMES) {
          const fig = figure(page, name);
          await fig.scrollIntoViewIfNeeded();
          await frames(page, 3);
          await page.waitForTimeout(150);
          // A clip of the full page, in document coordinates (element screenshots of a long
          // page in a mobile viewport can land on the wrong place).
          const box = await fig.evaluate((el) => {
            const r = el.getBoundingClientRect();
            return { x: Math.max(0, r.left + scrollX - 4), y: Math.max(0, r.top + scrollY - 4), width: r.width + 8, height: r.height + 8 };
          });
          await page.screenshot({ path: screenshotPath(`experiments-${name}-${view.tag}-${scheme}.png`), fullPage: true, clip: box, animations: 'disabled' });
        }
        const overflow = await page.evaluate(() => {
          const vw = document.documentElement.clientWidth;
          return [...document.querySelectorAll('figure[data-experiment]')]
            .filter((f) => f.getBoundingClientRect().right > vw + 1 || f.scrollWidth > f.clientWidth + 1)
            .map((f) => f.dataset.experiment);
        });
        assert.deepEqual(overflow, [], 'no experiment figure is wider than the screen');
        // Inside each chart: no bar, line or mark drawn past the edge of its SVG.
        const spilled = await page.evaluate(() => [...document.querySelectorAll('figure[data-experiment] svg[viewBox]')].flatMap((svg) => {
          const s = svg.getBoundingClientRect();
          return [...svg.querySelectorAll('rect, line, path, circle, polyline, polygon')].filter((e) => !e.closest('defs')).filter((e) => {
            const r = e.getBoundingClientRect();
            return Math.max(s.left - r.left, s.top - r.top, r.right - s.right, r.bottom - s.bottom) > 1;
          }).map((e) => `${svg.closest('figure').dataset.experiment}: ${e.outerHTML.slice(0, 80)}`);
        }));
        assert.deepEqual(spilled, [], 'every mark stays inside its chart');
        const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        assert.ok(widths[0] <= widths[1], `no horizontal scroll (${widths[0]} > ${widths[1]})`);
        assert.deepEqual(realProblems(problems), []);
      } finally {
        await context.close();
      }
    });
  }
}
