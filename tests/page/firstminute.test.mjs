// A newcomer's first minute (issue 25), on a desktop (1280×900) and a phone (390×844, touch):
// the whole text is there at load (innerText holds every paragraph); the opening picture is one
// both wirings recognise; drawing a triangle puts both wirings' answers inside the viewport,
// without scrolling away from the paper; the first link to the verdict table lands on it, with
// one row per claim; every "Figure N" the text refers to exists, links to the figure numbered N,
// and every top-level figure's caption begins with its number; and the words of all the
// captions together stay under a budget (printed, so a change can be compared).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FIGURES, drawStroke, frames, pageFor, screenshotPath, showEach, startAll, testHook } from './harness.mjs';
import { CLAIMS } from '../../www/js/experiments/claims.js';

const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true },
};
const TRIANGLE = [[0.5, 0.2], [0.82, 0.78], [0.18, 0.78], [0.5, 0.2]];
/** Words over every figure caption on the page, all figures built (issue 25: under 1,600). */
const CAPTION_WORD_BUDGET = 1600;

let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.stop();
});

/** Load and wait for the first model run only: no scrolling. */
async function loadTop(page) {
  await page.goto(env.url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
  await frames(page, 3);
}

/** Is the element's box wholly inside the viewport? */
function inView(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return { ok: false, why: `no ${sel}` };
    const r = el.getBoundingClientRect();
    const ok = r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
    return { ok, why: `${sel}: top ${Math.round(r.top)}, bottom ${Math.round(r.bottom)}, viewport ${innerWidth}×${innerHeight}` };
  }, selector);
}

for (const [name, options] of Object.entries(VIEWPORTS)) {
  test(`${name}: the text is all there, the opening picture is recognised, a triangle is answered in view, the verdict table is one link away`, async (t) => {
    const { page, problems } = await pageFor(t, env, options);
    await loadTop(page);

    // Every paragraph of the article is in innerText at load (nothing held back until scrolled to).
    const text = await page.evaluate(() => {
      const norm = (s) => s.replace(/\s+/g, ' ').trim();
      const all = norm(document.body.innerText);
      const paragraphs = [...document.querySelectorAll('main p')]
        .filter((p) => !p.closest('figure, details, .visually-hidden') && norm(p.textContent).length > 0);
      const missing = paragraphs
        .map((p) => norm(p.textContent).slice(0, 50))
        .filter((start) => !all.includes(start));
      return { paragraphs: paragraphs.length, missing, words: all.split(' ').length };
    });
    assert.ok(text.paragraphs > 40, `the article has its paragraphs (${text.paragraphs})`);
    assert.deepEqual(text.missing, [], 'every paragraph is in innerText at load');
    t.diagnostic(`innerText at load: ${text.words} words, ${text.paragraphs} paragraphs`);

    // The opening picture: a preset both wirings recognise, as that preset's own kind.
    const opening = await testHook(page, { action: 'retina' });
    assert.equal(opening.source.kind, 'preset', 'the page opens on a preset');
    const preset = opening.source.name;
    for (const w of ['stream', 'hierarchy']) {
      assert.equal(opening[w].recognised, true, `the ${w} recognises the opening ${preset}`);
      assert.equal(opening[w].category, preset, `the ${w} names the opening ${preset}`);
    }

    // Draw a triangle: both answers stand under the paper, inside the viewport, with no scrolling.
    await drawStroke(page, TRIANGLE);
    await frames(page, 3);
    const scrolledBefore = await page.evaluate(() => scrollY);
    for (const sel of ['canvas[data-role="input"]', '[data-wiring-answer="stream"]', '[data-wiring-answer="hierarchy"]']) {
      const v = await inView(page, sel);
      assert.ok(v.ok, `${sel} in view: ${v.why}`);
    }
    const answers = await page.$$eval('[data-role="answer"] [data-wiring-answer]', (rows) => rows.map((r) => ({
      wiring: r.dataset.wiringAnswer,
      text: r.textContent,
      recognised: r.dataset.recognised,
    })));
    assert.equal(answers.length, 2);
    for (const a of answers) {
      assert.ok(!a.text.includes('…') && a.text.length > 12, `${a.wiring} answers: “${a.text}”`);
      // No share beside a refusal.
      if (a.recognised === 'false') assert.doesNotMatch(a.text, /%/, `${a.wiring}: no percentage beside a refusal`);
    }
    assert.equal(await page.evaluate(() => scrollY), scrolledBefore, 'the answer did not move the page');
    await page.screenshot({ path: screenshotPath(`firstminute-${name}-answer.png`) });

    // The first link to the verdict table lands on it, and it has one row per claim, filled.
    const first = page.locator('a[href="#verdicts"]').first();
    await first.scrollIntoViewIfNeeded();
    await first.click();
    await page.waitForFunction(() => document.querySelector('table[data-role="verdicts"]')?.dataset.state === 'filled', null, { timeout: 30_000 });
    const table = await page.evaluate(() => {
      const el = document.querySelector('table[data-role="verdicts"]');
      const r = el.getBoundingClientRect();
      return {
        top: r.top,
        claims: [...el.querySelectorAll('tr[data-claim]')].map((tr) => tr.dataset.claim),
        words: [...el.querySelectorAll('tr[data-claim]')].map((tr) => (tr.querySelector('[data-role="verdict-word"], [data-role="verdict-missing"]') ? '' : `${tr.dataset.claim}: ${tr.textContent.slice(0, 80)}`)),
        wordsElsewhere: [...document.querySelectorAll('[data-role="verdict-word"]')].filter((w) => !el.contains(w)).length,
      };
    });
    assert.ok(table.top >= -1 && table.top < VIEWPORTS[name].viewport.height / 2, `the table is at the top of the screen (${table.top})`);
    assert.deepEqual(table.claims, CLAIMS.map((c) => c.id), 'one row per claim, in the article’s order');
    assert.deepEqual(table.words.filter(Boolean), [], 'every row has its word, or says the results have none');
    assert.equal(table.wordsElsewhere, 0, 'the verdict words are printed in the table only');
    await page.screenshot({ path: screenshotPath(`firstminute-${name}-verdicts.png`) });
    assert.deepEqual(problems, []);
  });
}

test('every figure is numbered, every number the text refers to exists and links to its figure, and the captions are short', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await loadTop(page);
  await showEach(page, FIGURES);
  const out = await page.evaluate(() => {
    const figures = [...document.querySelectorAll('main figure[id^="fig-"]')].filter((f) => !f.parentElement.closest('figure'));
    const captions = figures.map((f, i) => ({ id: f.id, n: i + 1, caption: f.querySelector(':scope > figcaption')?.textContent.trim() ?? '' }));
    const refs = [...document.querySelectorAll('main a.fig-ref')].map((a) => ({
      text: a.textContent.trim(),
      href: a.getAttribute('href'),
      target: figures.findIndex((f) => `#${f.id}` === a.getAttribute('href')) + 1,
    }));
    // "Figure N" anywhere in the prose, linked or not.
    const prose = [...document.querySelectorAll('main .prose')].map((p) => p.textContent).join(' ');
    const mentioned = [...prose.matchAll(/Figures? (\d+)(?:, (\d+))*(?: and (\d+))?/g)].flatMap((m) => m.slice(1).filter(Boolean).map(Number));
    const words = [...document.querySelectorAll('figcaption')].map((c) => c.textContent.trim().split(/\s+/).filter(Boolean).length);
    return { count: figures.length, captions, refs, mentioned, words: words.reduce((a, b) => a + b, 0), figcaptions: words.length };
  });
  for (const c of out.captions) assert.ok(c.caption.startsWith(`Figure ${c.n}.`), `${c.id}'s caption begins “Figure ${c.n}.”: “${c.caption.slice(0, 40)}”`);
  assert.ok(out.refs.length >= out.count - 2, `the text links to its figures (${out.refs.length} links, ${out.count} figures)`);
  for (const r of out.refs) assert.equal(r.text, `Figure ${r.target}`, `a link to ${r.href} says the number of the figure it points to`);
  for (const n of out.mentioned) assert.ok(n >= 1 && n <= out.count, `Figure ${n} exists (there are ${out.count})`);
  t.diagnostic(`caption words: ${out.words} over ${out.figcaptions} figcaptions (budget ${CAPTION_WORD_BUDGET})`);
  console.log(`caption words: ${out.words} over ${out.figcaptions} figcaptions`);
  assert.ok(out.words < CAPTION_WORD_BUDGET, `captions hold ${out.words} words, under ${CAPTION_WORD_BUDGET}`);
  assert.deepEqual(problems, []);
});
