// Every claim on every variant (issue 24), on made-up results (never the shipped numbers):
// - without the variants in index.json the figure stays empty and its status line says why;
// - with them, one column per variant in the index's order, the usage index above each column
//   (each component's mean and interval, met or not against the threshold the file carries, the
//   hierarchy twin's bypass beside the stream's, and the count met), one row per claim with the word the file gives and its paired effect, "not
//   run" where a variant has no word, and the test bed marked;
// - axe-core finds nothing serious in it, light or dark; at a phone's width the table scrolls
//   inside its box and the page does not; embedded alone it draws the same table.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pageFor, screenshotPath, seriousAxe, startAll } from './harness.mjs';

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.stop();
});

const RESULTS_RE = /\/data\/results\/[^/]+\.json$/;

async function serveIndex(page, extra) {
  await page.route(RESULTS_RE, (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop();
    if (name !== 'index.json') return route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found\n' });
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ experiments: [], ...extra }) });
  });
}

const est = (mean, half = 0.05) => ({ mean, ci: [mean - half, mean + half], per_seed: [mean - half, mean, mean + half] });
const thresholds = {
  bypass_retention: { value: 0.8, at_most: false },
  early_share: { value: 0.2, at_most: false },
  early_write_readback: { value: 0.25, at_most: false },
  skip_to_write_cost: { value: 0.5, at_most: false },
};
const summary = (variant, [b, e, r, s], seeds) => {
  const components = { bypass_retention: est(b), early_share: est(e), early_write_readback: est(r), skip_to_write_cost: est(s) };
  const meets = Object.fromEntries(Object.entries(components).map(([k, v]) => [k, v.mean >= thresholds[k].value]));
  return { variant, seeds, parameters: 1000, components, meets, thresholds, met: Object.values(meets).filter(Boolean).length };
};
const SEEDS5 = [1, 2, 3, 4, 5];
const SEEDS10 = [...SEEDS5, 6, 7, 8, 9, 10];
const MADE_UP = {
  variants: ['shipped', 'prenorm', 'prenorm+stochastic-depth', 'columns'],
  usage: {
    shipped: summary('shipped', [0.3, 0.05, 0.1, 0.15], SEEDS5),
    prenorm: summary('prenorm', [0.4, 0.1, 0.3, 0.2], SEEDS5),
    'prenorm+stochastic-depth': summary('prenorm+stochastic-depth', [0.88, 0.1, 0.3, 0.81], SEEDS10),
    columns: summary('columns', [0.35, 0.05, 0.1, 0.2], SEEDS5),
  },
  column_retention: { columns: { stream: est(0.9), hierarchy: est(0.55) } },
  hierarchy_twins: { shipped: { bypass_retention: est(0.25) }, 'prenorm+stochastic-depth': { bypass_retention: est(0.6) } },
  primary: 'prenorm+stochastic-depth',
  seeds_by_variant: { shipped: SEEDS5, 'prenorm+stochastic-depth': SEEDS10 },
  by_variant: {
    shipped: { P1: { word: 'absent', paired: est(0.001, 0.002) }, LE: { word: 'inconclusive', paired: est(0.2) } },
    'prenorm+stochastic-depth': { P1: { word: 'supported', paired: est(0.12, 0.03) }, LE: { word: 'not judged', paired: null } },
  },
};

async function shown(page) {
  await page.locator('figure[data-role="variants-figure"]').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => ['filled', 'empty'].includes(document.querySelector('figure[data-role="variants-figure"]')?.dataset.state ?? ''), null, { timeout: 60_000 });
  return page.evaluate(() => {
    const fig = document.querySelector('figure[data-role="variants-figure"]');
    const table = fig.querySelector('table[data-role="variants"]');
    const row = (sel) => [...table.querySelectorAll(`${sel} > td`)].map((td) => td.textContent.trim());
    return {
      state: fig.dataset.state,
      status: fig.querySelector('[data-role="variants-status"]').textContent,
      number: fig.dataset.number,
      caption: fig.querySelector('figcaption').textContent,
      columns: [...table.querySelectorAll('thead tr:first-child th')].map((th) => th.textContent),
      primary: [...table.querySelectorAll('thead tr:first-child th[data-primary]')].map((th) => th.dataset.variant),
      bypass: row('tr[data-role="usage-row"][data-component="bypass_retention"]'),
      met: [...table.querySelectorAll('tr[data-role="usage-row"][data-component="bypass_retention"] > td')].map((td) => td.dataset.met),
      count: row('tr[data-role="usage-count"]'),
      twin: row('tr[data-role="usage-twin"]'),
      columnKept: row('tr[data-role="column-retention"]'),
      afterBypass: table.querySelector('tr[data-component="bypass_retention"]:not([data-role="usage-twin"])')?.nextElementSibling?.dataset.role ?? null,
      usageSeeds: row('tr[data-role="usage-seeds"]'),
      wordSeeds: row('tr[data-role="word-seeds"]'),
      claims: [...table.querySelectorAll('tbody tr[data-claim]')].map((r) => r.dataset.claim),
      p1: [...table.querySelectorAll('tr[data-claim="P1"] > td')].map((td) => [td.dataset.word, td.textContent]),
      le: [...table.querySelectorAll('tr[data-claim="LE"] > td')].map((td) => td.dataset.word),
      link: table.querySelector('tr[data-claim="P1"] th a')?.getAttribute('href') ?? null,
      claimIds: [...document.querySelectorAll('table[data-role="verdicts"] tr[data-claim]')].map((r) => r.dataset.claim),
    };
  });
}

test('without the variants in the results the figure is empty and says why; with them, every claim on every variant under its usage index', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await serveIndex(page, {});
  await page.goto(env.url, { waitUntil: 'load' });
  const empty = await shown(page);
  assert.equal(empty.state, 'empty');
  assert.match(empty.status, /do not judge the variants yet: \.\/build\.sh experiments adds them/);
  assert.deepEqual(empty.claims, [], 'no rows without results');
  assert.match(empty.caption, new RegExp(`^Figure ${empty.number}\\. Every claim on every variant\\.`), 'the typed number is the figure\'s');

  await page.unroute(RESULTS_RE);
  await serveIndex(page, MADE_UP);
  await page.reload({ waitUntil: 'load' });
  const s = await shown(page);
  assert.equal(s.state, 'filled');
  assert.equal(s.status, '');
  assert.deepEqual(s.columns, ['Variant', 'shipped', 'prenorm', 'prenorm + stochastic-depthtest bed', 'columns']);
  assert.deepEqual(s.primary, ['prenorm+stochastic-depth']);
  assert.deepEqual(s.bypass, ['0.30 [0.25, 0.35]✗ not met (≥ 0.8)', '0.40 [0.35, 0.45]✗ not met (≥ 0.8)', '0.88 [0.83, 0.93]✓ met (≥ 0.8)', '0.35 [0.30, 0.40]✗ not met (≥ 0.8)']);
  assert.deepEqual(s.met, ['false', 'false', 'true', 'false']);
  assert.deepEqual(s.count, ['0 of 4', '1 of 4', '3 of 4', '0 of 4']);
  assert.deepEqual(s.twin, ['0.25 [0.20, 0.30]', 'not measured', '0.60 [0.55, 0.65]', 'not measured'], 'the hierarchy twins\' bypass, where measured');
  assert.deepEqual(s.columnKept, ['no columns', 'no columns', 'no columns', 'stream 0.90 [0.85, 0.95]hierarchy 0.55 [0.50, 0.60]'], 'one column silenced, beside the index');
  assert.equal(s.afterBypass, 'usage-twin', 'beside the stream\'s bypass row');
  assert.deepEqual(s.usageSeeds, ['5', '5', '10', '5']);
  assert.deepEqual(s.wordSeeds, ['5', '0', '10', '0'], 'a variant without claims\' results has no seeds behind words');
  assert.deepEqual(s.claims, s.claimIds, 'one row per claim, in Table 1\'s order');
  assert.deepEqual(s.p1, [
    ['absent', '∅ absents − h 0.001 [−0.001, 0.003]'],
    ['', 'not run'],
    ['supported', '✓ supporteds − h 0.120 [0.090, 0.150]'],
    ['', 'not run'],
  ]);
  assert.deepEqual(s.le, ['inconclusive', '', 'not judged', '']);
  assert.equal(s.link, '#verdict-P1', 'each claim links to its row in Table 1');
  await page.locator('figure[data-role="variants-figure"] .table-scroll').screenshot({ path: screenshotPath('variants-light.png') });

  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    assert.deepEqual(await seriousAxe(page, ['figure[data-role="variants-figure"]']), [], `axe, ${colorScheme}`);
  }
  await page.locator('figure[data-role="variants-figure"] .table-scroll').screenshot({ path: screenshotPath('variants-dark.png') });
  assert.deepEqual(problems, []);
});

test('at a phone\'s width the variants table scrolls in its box, not the page; embedded alone it draws the same table', async (t) => {
  const { page, problems } = await pageFor(t, env, { viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true });
  await serveIndex(page, MADE_UP);
  await page.goto(env.url, { waitUntil: 'load' });
  const s = await shown(page);
  assert.equal(s.state, 'filled');
  const widths = await page.evaluate(() => {
    const box = document.querySelector('figure[data-role="variants-figure"] .table-scroll');
    return { page: document.documentElement.scrollWidth, viewport: innerWidth, box: box.clientWidth, table: box.scrollWidth };
  });
  assert.ok(widths.page <= widths.viewport, `the page does not scroll sideways (${widths.page} > ${widths.viewport})`);
  assert.ok(widths.table > widths.box, 'the table is wider than a phone and scrolls in its box');
  await page.locator('figure[data-role="variants-figure"] .table-scroll').screenshot({ path: screenshotPath('variants-phone.png') });

  await page.goto(new URL('embed.html#figure=variants', env.url).href, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
  const embedded = await page.evaluate(() => {
    const root = document.querySelector('stream-figure').shadowRoot;
    return {
      state: root.querySelector('figure[data-figure="variants"]')?.dataset.state,
      columns: [...root.querySelectorAll('table[data-role="variants"] thead tr:first-child th')].map((th) => th.dataset.variant ?? th.textContent),
      rows: root.querySelectorAll('tbody tr[data-claim]').length,
      links: root.querySelectorAll('tbody th a').length,
    };
  });
  assert.deepEqual(embedded, { state: 'filled', columns: ['Variant', 'shipped', 'prenorm', 'prenorm+stochastic-depth', 'columns'], rows: s.claims.length, links: 0 });
  assert.deepEqual(problems, []);
});
