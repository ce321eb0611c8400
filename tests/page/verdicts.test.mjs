// Verdicts and intervals on the page, on made-up inputs (never the shipped numbers):
// - the verdict module writes, for every claim and every word, that word (with its own sign and
//   border style), the sentence claims.js wrote for that word and no other, and the numbers the
//   verdict came from;
// - an experiment figure given a multi-seed results file draws one interval mark per number the
//   summary has an estimate for, and one untrained mark per number the control has; its caption
//   says how many seeds; the article's verdict for that claim shows the file's word; axe-core
//   finds nothing serious in the figure or the verdict, light or dark;
// - a figure given an older file (no summary, no controls) still draws, without intervals.

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

/** Serve `files` ({name: object}) as data/results/NAME.json, with an index naming them (and `extra` keys). */
async function serveResults(page, files, extra = {}) {
  await page.route(RESULTS_RE, (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop().replace(/\.json$/, '');
    const value = name === 'index' ? { experiments: Object.keys(files), ...extra } : files[name];
    if (value === undefined) return route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found\n' });
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(value) });
  });
}

/** A made-up estimate over `n` seeds around `mean`. */
function est(mean, n = 3, half = 0.05) {
  return { mean, ci: [mean - half, mean + half], per_seed: Array.from({ length: n }, (_, i) => mean + (i - (n - 1) / 2) * half / n) };
}

/** A made-up lesion output (seed 1's shape, a few keys) and a multi-seed file around it. */
const LESION_EXAMPLE = {
  experiment: 'lesion', seed: 1, size: 'full', chance: 0.1,
  stream: {
    none: 0.9,
    zero: { none: 0.9, V1: 0.6, V2: 0.5, mean_one_removed: 0.55, mean_two_removed: 0.3 },
    bypass: { none: 0.9, V1: 0.6, V2: 0.5, mean_one_removed: 0.55, mean_two_removed: 0.3 },
  },
  hierarchy: {
    none: 0.95,
    zero: { none: 0.95, V1: 0.1, V2: 0.1, mean_one_removed: 0.1, mean_two_removed: 0.1 },
    bypass: { none: 0.95, V1: 0.4, V2: 0.5, mean_one_removed: 0.45, mean_two_removed: 0.3 },
  },
};
function lesionFile(word) {
  return {
    seeds: [1, 2, 3], size: 'full', claim: 'LE',
    verdict: { claim: 'LE', says: 'made-up claim', measure: 'made-up measure', word, excess: est(0.031, 3, 0.019), effect: est(0.5), null: est(0.47, 3, 0), untrained: est(-0.002, 3, 0.008), smallest_effect: 0.02, rule: 'made-up rule' },
    example: LESION_EXAMPLE,
    // Five numbers drawn as bars have an estimate: bypassed none, V1 and V2 of the stream, none and V1 of the
    // hierarchy (the intact `none` beside the kinds is quoted in the sentence, not drawn).
    summary: {
      stream: { none: est(0.88), bypass: { none: est(0.88), V1: est(0.58), V2: est(0.52), mean_one_removed: est(0.55) } },
      hierarchy: { none: est(0.94), bypass: { none: est(0.94), V1: est(0.42) } },
    },
    // Two have an untrained control.
    untrained: { summary: { stream: { bypass: { none: est(0.1) } }, hierarchy: { bypass: { none: est(0.11) } } } },
  };
}

test('the verdict module gives every claim its sentence for each word, the word\'s mark and the numbers', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await serveResults(page, {});
  await page.goto(env.url, { waitUntil: 'load' });
  const out = await page.evaluate(async () => {
    const { CLAIMS, JUDGED_WORDS: WORDS, notJudgedSentence } = await import('./js/experiments/claims.js');
    const { renderVerdict, fillVerdict } = await import('./js/experiments/verdict.js');
    const e = (mean, lo, hi) => ({ mean, ci: [lo, hi], per_seed: [mean, mean, mean, mean, mean] });
    const rows = [];
    for (const c of CLAIMS) {
      for (const word of WORDS) {
        // An interval across zero: the cause each claim's own "inconclusive" sentence names.
        const el = renderVerdict({ claim: c.id, says: 's', measure: 'stream − hierarchy', word, excess: word === 'inconclusive' ? e(0.031, -0.012, 0.074) : e(0.031, 0.012, 0.05), effect: e(0.5, 0.49, 0.51), null: e(0.469, 0.469, 0.469), untrained: word === 'built in' ? e(0.02, 0.01, 0.03) : null, smallest_effect: 0.02, positive_control: { word: 'supported', effect: e(0.08, 0.07, 0.09) }, rule: 'the rule' });
        document.body.append(el);
        const badge = el.querySelector('[data-role="verdict-word"]');
        rows.push({
          id: c.id, word,
          shown: el.querySelector('[data-role="verdict-sentence"]')?.textContent ?? '',
          wrote: c.sentences[word],
          others: WORDS.filter((w) => w !== word).map((w) => c.sentences[w]),
          badgeWord: badge.dataset.word,
          badgeText: badge.textContent,
          border: getComputedStyle(badge).borderTopStyle,
          numbers: el.querySelector('[data-role="verdict-numbers"]').textContent,
          rule: el.querySelector('details')?.textContent ?? '',
        });
        el.remove();
      }
    }
    const box = document.createElement('div');
    const filled = fillVerdict(box, { example: {} });
    const none = box.textContent;
    const unknown = renderVerdict({ claim: 'P1', word: 'proven', excess: e(1, 0, 2), smallest_effect: 0.02 });
    const unjudged = renderVerdict({ claim: 'P2', word: 'not judged', reason: 'its positive control has not been run', excess: e(0.031, 0.012, 0.05), positive_control: null, rule: 'the rule' });
    document.body.append(unjudged);
    const notJudged = {
      shown: unjudged.querySelector('[data-role="verdict-sentence"]')?.textContent ?? '',
      expected: notJudgedSentence('its positive control has not been run'),
      positive: unjudged.querySelector('[data-role="verdict-positive"]')?.textContent ?? '',
      border: getComputedStyle(unjudged.querySelector('[data-role="verdict-word"]')).borderTopStyle,
    };
    unjudged.remove();
    // An inconclusive interval above zero (its mean short of the SESOI, its top past it) says so
    // in one sentence for every claim, not "the seeds disagree".
    const { NEAR_THE_LINE } = await import('./js/experiments/claims.js');
    const near = CLAIMS.map((c) => renderVerdict({ claim: c.id, word: 'inconclusive', excess: e(0.019, 0.012, 0.026), smallest_effect: 0.02 })
      .querySelector('[data-role="verdict-sentence"]')?.textContent ?? '');
    const nearWanted = NEAR_THE_LINE;
    const { CLAIM_IDS, EXPERIMENTS } = await import('./js/names.js');
    return {
      rows, claims: CLAIMS.map((c) => c.id), experiments: CLAIMS.map((c) => c.experiment), CLAIM_IDS, EXPERIMENTS,
      filled, none, notJudged, near, nearWanted, unknown: { text: unknown.textContent, word: unknown.querySelector('[data-role="verdict-word"]').dataset.word },
    };
  });
  // One entry per experiment of the registry (names.js, checked against the core by tests/names.rs), in its order.
  assert.deepEqual(out.experiments, out.EXPERIMENTS, 'claims.js has one entry per experiment, in the registry\'s order');
  assert.deepEqual(out.claims, out.CLAIM_IDS, 'each under its claim\'s id');
  assert.equal(out.rows.length, 5 * out.CLAIM_IDS.length);
  for (const r of out.rows) {
    assert.ok(r.wrote && r.wrote.length > 40, `${r.id} has a sentence for "${r.word}"`);
    assert.equal(r.shown, r.wrote, `${r.id} "${r.word}" shows its own sentence`);
    assert.ok(!r.others.includes(r.shown), `${r.id}: "${r.word}" has a sentence no other word has`);
    assert.equal(r.badgeWord, r.word);
    assert.ok(r.badgeText.includes(r.word), `the word "${r.word}" is written, not only coloured`);
    assert.match(r.numbers, r.word === 'inconclusive' ? /effect − null 0\.031 \[−0\.012, 0\.074\] over 5 seeds/ : /effect − null 0\.031 \[0\.012, 0\.050\] over 5 seeds/);
    assert.match(r.numbers, r.word === 'built in' ? /untrained 0\.020 \[0\.010, 0\.030\]/ : /no untrained control/);
    assert.match(r.numbers, /smallest effect of interest 0\.020/);
    assert.match(r.rule, /Positive control: supported, effect − null 0\.080/);
    assert.match(r.rule, /the rule/);
  }
  // Each word has a border style of its own (so it does not rest on colour alone).
  const styles = new Map(out.rows.filter((r) => r.id === 'P1').map((r) => [r.word, r.border]));
  assert.equal(new Set(styles.values()).size, 5, `border styles ${JSON.stringify([...styles])}`);
  // "not judged" says why, in the one sentence all claims share, and that no positive control ran.
  assert.equal(out.notJudged.shown, out.notJudged.expected);
  assert.match(out.notJudged.shown, /its positive control has not been run/);
  assert.match(out.notJudged.positive, /not run/);
  assert.ok(!styles.has('not judged') && !Array.from(styles.values()).includes(out.notJudged.border), 'not judged looks like no judged word');
  assert.equal(out.filled, false);
  assert.match(out.none, /no computed verdict/);
  assert.match(out.unknown.text, /unknown word “proven”/);
  assert.equal(out.unknown.word, 'inconclusive', 'an unknown word is not dressed as a known one');
  for (const shown of out.near) assert.equal(shown, out.nearWanted, 'an inconclusive interval above zero is said to be near the line');
  assert.deepEqual(problems, []);
});

/** Scroll to one experiment figure and wait until it is drawn (or has said why not). */
async function drawn(page, name) {
  const fig = page.locator(`figure[data-experiment="${name}"]`);
  await fig.scrollIntoViewIfNeeded();
  await page.waitForFunction((n) => ['file', 'none', 'error'].includes(document.querySelector(`figure[data-experiment="${n}"]`)?.dataset.state), name, { timeout: 30_000 });
  return fig.evaluate((f) => ({
    state: f.dataset.state,
    bars: f.querySelectorAll('.exp-body .exp-bar').length,
    ci: f.querySelectorAll('.exp-body [data-mark="ci"]').length,
    untrained: f.querySelectorAll('.exp-body [data-mark="untrained"]').length,
    source: f.querySelector('[data-role="source"]').textContent,
    sentence: f.querySelector('[data-role="sentence"]').textContent,
    // The word itself is printed once, in the table of verdicts; the figure links to its row.
    verdict: f.querySelector('[data-role="verdict-link"]')?.getAttribute('href') ?? null,
  }));
}

test('a figure given a results file with intervals draws them and the untrained control; the article shows the computed word', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await serveResults(page, { lesion: lesionFile('absent') });
  await page.goto(env.url, { waitUntil: 'load' });
  const fig = await drawn(page, 'lesion');
  assert.equal(fig.state, 'file');
  assert.ok(fig.bars >= 6, `${fig.bars} bars`);
  assert.equal(fig.ci, 5, 'one interval per number the summary has an estimate for');
  assert.equal(fig.untrained, 2, 'one untrained mark per number the control has');
  assert.match(fig.source, /mean and 95\u2009% interval over 3 seeds/);
  assert.match(fig.sentence, /Over 3 seeds/);
  assert.match(fig.sentence, /88\u2009% \[83\u2009%, 93\u2009%\]/, 'the sentence quotes the mean over seeds and its interval');
  assert.equal(fig.verdict, '#verdict-LE');
  // The error bar spans the interval: its ends sit where the axis puts 0.83 and 0.93.
  const span = await page.evaluate(() => {
    const f = document.querySelector('figure[data-experiment="lesion"]');
    const g = f.querySelector('.exp-body [data-mark="ci"]');
    const xs = [...g.querySelectorAll('line')].flatMap((l) => [Number(l.getAttribute('x1')), Number(l.getAttribute('x2'))]);
    const ticks = [...f.querySelectorAll('.exp-body text.exp-tick')].filter((t) => /^\d+ %$/.test(t.textContent)).map((t) => [parseFloat(t.textContent) / 100, Number(t.getAttribute('x'))]);
    return { lo: Math.min(...xs), hi: Math.max(...xs), ticks };
  });
  const [[v0, x0], [v1, x1]] = [span.ticks[0], span.ticks[span.ticks.length - 1]];
  const px = (v) => x0 + ((v - v0) / (v1 - v0)) * (x1 - x0);
  assert.ok(Math.abs(span.lo - px(0.83)) < 1 && Math.abs(span.hi - px(0.93)) < 1, `error bar ${span.lo}–${span.hi}, expected ${px(0.83)}–${px(0.93)}`);

  // The article's verdict for the claim, in its row of the table: the word from the file and
  // the sentence for that word (its first sentence shown, the rest under the row's disclosure).
  const article = page.locator('tr[data-claim="LE"]');
  await article.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelector('tr[data-claim="LE"]')?.dataset.word, null, { timeout: 30_000 });
  const said = await article.evaluate(async (el) => {
    const { CLAIMS } = await import('./js/experiments/claims.js');
    return { word: el.dataset.word, badge: el.querySelector('[data-role="verdict-word"]')?.dataset.word, sentence: el.querySelector('[data-role="verdict-sentence"]')?.textContent, text: el.textContent.replace(/\s+/g, ' '), expected: CLAIMS.find((c) => c.id === 'LE').sentences.absent };
  });
  assert.equal(said.word, 'absent');
  assert.equal(said.badge, 'absent');
  assert.ok(said.sentence && said.expected.startsWith(said.sentence), `the row begins the sentence for its word: “${said.sentence}”`);
  assert.ok(said.text.includes(said.expected.slice(said.sentence.length).trim()), 'and holds the rest of it');
  assert.deepEqual(await seriousAxe(page, ['figure[data-experiment="lesion"]', 'table[data-role="verdicts"]']), []);
  assert.deepEqual(problems, []);
});

test('the verdict and the interval marks pass axe-core in the dark scheme too', async (t) => {
  const { page, problems } = await pageFor(t, env, { colorScheme: 'dark' });
  await serveResults(page, { lesion: lesionFile('built in') });
  await page.goto(env.url, { waitUntil: 'load' });
  await drawn(page, 'lesion');
  await page.locator('tr[data-claim="LE"]').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelector('tr[data-claim="LE"]')?.dataset.word === 'built in', null, { timeout: 30_000 });
  assert.deepEqual(await seriousAxe(page, ['figure[data-experiment="lesion"]', 'table[data-role="verdicts"]']), []);
  assert.deepEqual(problems, []);
});

test('a figure given an older results file (one output, no summary, no controls) still draws, without intervals', async (t) => {
  const { page, problems } = await pageFor(t, env);
  // Gating's own output has a key `example` (its example unit): it must not pass for a multi-seed file.
  const gating = {
    experiment: 'gating', seed: 1, size: 'full', possible_kernels: 4,
    stations: [{ station: 'V1', kernels_used: [1, 2, 3, 2], mean_kernels_used: 2.25, mean_top_kernel_share: 0.6 }],
    example: { station: 'V1', unit: 0, kernel_shape: [3, 3, 1], conditions: [{ input: 'a', banks_open: [true, false], kernel: [1, 0, -1, 1, 0, -1, 1, 0, -1] }], kernel_correlation: [[1]] },
  };
  await serveResults(page, { gating, lesion: LESION_EXAMPLE, 'edge-probe': { seeds: [1], example: { experiment: 'edge-probe', seed: 1, size: 'full', chance: 0.125, stream: { V1: { l4: 0.9, l23: 0.8, l5: 0.7 } }, hierarchy: { V1: { l4: 0.9, l23: 0.8, l5: 0.6 } } } } });
  await page.goto(env.url, { waitUntil: 'load' });
  const old = await drawn(page, 'lesion');
  assert.equal(old.state, 'file');
  assert.ok(old.bars >= 6);
  assert.equal(old.ci, 0);
  assert.equal(old.untrained, 0);
  assert.match(old.source, /one seed \(seed 1\); no interval/);
  assert.equal(old.verdict, null, 'no verdict where the file has none');
  const edge = await drawn(page, 'edge-probe');
  assert.equal(edge.state, 'file', 'a multi-seed file with only part of its keys draws what is there');
  assert.equal(edge.ci, 0);
  const svgs = await page.locator('figure[data-experiment="edge-probe"] .exp-body svg').count();
  assert.ok(svgs >= 3);
  const gated = await drawn(page, 'gating');
  assert.equal(gated.state, 'file');
  assert.match(gated.sentence, /In this run each unit selects 2\.3 \(V1\)/, 'drawn from the output itself, not from its example unit');
  assert.deepEqual(problems, []);
});

/** A made-up deletion output of one wiring (seed 1's shape). */
function deletionWiring(above) {
  const station = (k) => ({ mean: 0.1 + above + 0.01 * k, median: 0.1, fraction_cancelling: 0.5, null_mean: 0.1, above_null: above + 0.01 * k });
  return {
    delta: [0, 1, 2, 3].map(() => ({ mean: -0.2, median: -0.2, fraction_cancelling: 0.3 })),
    delta_thalamic: [0, 1, 2, 3].map(station),
    read_write_cosine: [0, 1, 2, 3].map(() => ({ mean: 0, median: 0, min: -0.6, fraction_below_minus_half: 0.002 })),
    edge_amplitude: [1, 2, 3, 4], stream_size: [1, 2, 4, 8], edge_amplitude_normalised: [1, 1, 0.75, 0.5],
    stream_width: 32, cosine_chance_below_minus_half: 0.002,
  };
}

/** A made-up P3 verdict with the given word, excess around `mean`. */
function p3(word, mean, untrained) {
  return { claim: 'P3', says: 'made-up claim', measure: 'made-up measure', word, excess: est(mean, 5, 0.02), effect: est(0.1 + mean, 5), null: est(0.1, 5, 0), untrained: est(untrained, 5, 0.01), smallest_effect: 0.05, rule: 'made-up rule' };
}

test('the P3 paragraph and the deletion figure give each narrow or edge-off training in the file its own computed word', async (t) => {
  const { page, problems } = await pageFor(t, env);
  // The 8-wide stream and the edge-off pair are in the file, with words other than the main one; d = 16 is not.
  const verdict = { ...p3('absent', 0.001, 0.0), conditions: { narrow_d8: p3('supported', 0.2, 0.01), edge_off: p3('inconclusive', 0.04, 0.0) } };
  const example = { experiment: 'deletion', seed: 1, size: 'full', stations: ['V1', 'V2', 'V4', 'IT'], stream_width: 32, n: 1024, cosine_chance_below_minus_half: 0.002, stream: deletionWiring(0.001), hierarchy: deletionWiring(-0.5) };
  await serveResults(page, { deletion: { seeds: [1, 2, 3, 4, 5], size: 'full', claim: 'P3', verdict, example } });
  await page.goto(env.url, { waitUntil: 'load' });
  const article = page.locator('tr[data-claim="P3"]');
  await article.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelector('tr[data-claim="P3"]')?.dataset.word === 'absent', null, { timeout: 30_000 });
  const said = await article.evaluate(async (el) => {
    const { CONDITIONS } = await import('./js/experiments/claims.js');
    const { renderVerdict } = await import('./js/experiments/verdict.js');
    const rows = [...el.querySelectorAll('[data-role="verdict-conditions"] li')].map((li) => {
      const key = li.dataset.condition;
      const word = li.querySelector('[data-role="verdict-word"]').dataset.word;
      return { key, word, badge: li.querySelector('[data-role="verdict-word"]').textContent, sentence: li.querySelector('[data-role="verdict-sentence"]')?.textContent ?? '', expected: CONDITIONS.P3.find((c) => c.key === key)?.sentences[word], numbers: li.querySelector('[data-role="verdict-numbers"]').textContent };
    });
    const plain = renderVerdict({ claim: 'P3', word: 'supported', excess: { mean: 0.1, ci: [0.05, 0.15], per_seed: [0.1, 0.1, 0.1] }, smallest_effect: 0.05 });
    return { rows, main: el.querySelector('[data-role="verdict-sentence"]').textContent, mainExpected: (await import('./js/experiments/claims.js')).sentenceFor('P3', 'absent'), plain: plain.querySelector('[data-role="verdict-conditions"]') === null };
  });
  assert.ok(said.main && said.mainExpected.startsWith(said.main), 'the main verdict keeps its own word and sentence');
  assert.deepEqual(said.rows.map((r) => [r.key, r.word]), [['narrow_d8', 'supported'], ['edge_off', 'inconclusive']], 'one word per condition in the file, none for a condition it lacks');
  for (const r of said.rows) {
    assert.ok(r.badge.includes(r.word), `the word "${r.word}" is written for ${r.key}`);
    assert.ok(r.expected && r.sentence === r.expected, `${r.key} shows the sentence written for "${r.word}"`);
    assert.match(r.numbers, /effect − null .* over 5 seeds/);
  }
  assert.match(said.rows[0].numbers, /0\.200 \[0\.180, 0\.220\]/, 'the narrow stream’s own interval');
  assert.ok(said.plain, 'a verdict without conditions shows none');

  // The figure draws one row per training: the shipped pair, d = 8 and edge off, each with its interval and untrained mark.
  const fig = page.locator('figure[data-experiment="deletion"]');
  await fig.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelector('figure[data-experiment="deletion"]')?.dataset.state === 'file', null, { timeout: 30_000 });
  const drawnRows = await fig.evaluate((f) => {
    const panel = f.querySelector('[data-role="trainings"]');
    return panel && { bars: panel.querySelectorAll('.exp-bar').length, ci: panel.querySelectorAll('[data-mark="ci"]').length, untrained: panel.querySelectorAll('[data-mark="untrained"]').length, labels: [...panel.querySelectorAll('text.exp-tick')].map((t) => t.textContent), sentence: f.querySelector('[data-role="sentence"]').textContent };
  });
  assert.ok(drawnRows, 'the figure has the trainings panel');
  assert.equal(drawnRows.bars, 3);
  assert.equal(drawnRows.ci, 3);
  assert.equal(drawnRows.untrained, 3);
  assert.ok(['d = 8', 'edge task off'].every((l) => drawnRows.labels.includes(l)) && !drawnRows.labels.includes('d = 16'), drawnRows.labels.join('|'));
  assert.match(drawnRows.sentence, /d = 8 0\.200 \[0\.180, 0\.220\]/);
  assert.deepEqual(await seriousAxe(page, ['figure[data-experiment="deletion"]', 'table[data-role="verdicts"]']), []);
  assert.deepEqual(problems, []);
});

test('the closing section is chosen by the pattern of words in Table 1, and follows the table on the page', async (t) => {
  const { page, problems } = await pageFor(t, env);
  await page.goto(env.url, { waitUntil: 'load' });
  const out = await page.evaluate(async () => {
    const { closingSentences } = await import('./js/closing.js');
    const { CLAIMS } = await import('./js/experiments/claims.js');
    const all = (w) => Object.fromEntries(CLAIMS.map((c) => [c.id, w]));
    const first = (words) => closingSentences(words)[0];
    return {
      unjudged: first(all('not judged')),
      supported: first(all('supported')),
      opposite: first({ ...all('absent'), P3: 'opposite', P1: 'supported' }),
      absent: first(all('absent')),
      some: first({ ...all('inconclusive'), P2: 'supported' }),
      open: first(all('inconclusive')),
      builtIn: closingSentences({ ...all('absent'), RF: 'built in' }),
      lengths: [closingSentences(all('not judged')).length, closingSentences(all('supported')).length],
    };
  });
  const firsts = [out.unjudged, out.supported, out.opposite, out.absent, out.some, out.open];
  assert.equal(new Set(firsts).size, firsts.length, 'each pattern opens with its own sentence');
  assert.match(out.unjudged, /cannot answer the post yet/);
  assert.match(out.supported, /All three of the post’s predictions hold/);
  assert.match(out.opposite, /goes against the post on deletion/);
  assert.match(out.opposite, /agrees on edges/);
  assert.match(out.absent, /None of the post’s three predictions shows/);
  assert.match(out.some, /variability holds/);
  assert.ok(out.builtIn.some((s) => /receptive fields, untrained models/.test(s)), 'a built-in word adds its sentence');
  assert.deepEqual(out.lengths, [2, 3], 'the usage caveat closes every pattern; supported postdictions add theirs');

  // On the page, once the table has its words, the section says what closingSentences says of them.
  await page.locator('table[data-role="verdicts"]').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelector('[data-role="closing"]')?.dataset.state === 'filled', null, { timeout: 60_000 });
  const shown = await page.evaluate(async () => {
    const { closingSentences } = await import('./js/closing.js');
    const words = Object.fromEntries([...document.querySelectorAll('tr[data-claim]')].map((r) => [r.dataset.claim, r.dataset.word ?? '']));
    return { paragraphs: [...document.querySelectorAll('[data-role="closing"] p')].map((p) => p.textContent), expected: closingSentences(words) };
  });
  assert.deepEqual(shown.paragraphs, shown.expected);
  assert.deepEqual(problems, []);
});

test('Table 1 gains the primary test bed\'s words once the results judge the variants, and not before', async (t) => {
  const { page, problems } = await pageFor(t, env);
  const verdict = (claim, word) => ({ claim, word, reason: '', rule: 'made up' });
  const files = { lesion: { seeds: [1, 2, 3], size: 'full', verdict: verdict('LE', 'inconclusive') } };
  const byVariant = { shipped: { LE: { word: 'inconclusive' } }, 'prenorm+stochastic-depth': { LE: { word: 'not judged' }, P1: { word: 'supported' } } };
  const table = async () => {
    await page.locator('table[data-role="verdicts"]').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('table[data-role="verdicts"]')?.dataset.state === 'filled', null, { timeout: 60_000 });
    return page.evaluate(() => ({
      head: document.querySelector('[data-role="primary-head"]')?.textContent ?? null,
      headers: [...document.querySelectorAll('table[data-role="verdicts"] thead th')].map((th) => th.textContent),
      cells: Object.fromEntries([...document.querySelectorAll('tr[data-claim]')].map((r) => {
        const cell = r.querySelector('[data-role="primary-word"]');
        return [r.dataset.claim, cell ? { word: cell.dataset.word, text: cell.textContent, after: cell.previousElementSibling?.dataset.label } : null];
      })),
    }));
  };

  // The usage index chose no variant (too few seeds): the table is as before.
  await serveResults(page, files, { primary: null, by_variant: byVariant });
  await page.goto(env.url, { waitUntil: 'load' });
  const before = await table();
  assert.equal(before.head, null);
  assert.ok(Object.values(before.cells).every((c) => c === null), 'no column without a primary');

  await page.unroute(RESULTS_RE);
  await serveResults(page, files, { primary: 'prenorm+stochastic-depth', by_variant: byVariant });
  await page.reload({ waitUntil: 'load' });
  const shown = await table();
  assert.equal(shown.head, 'On the test bed (prenorm+stochastic-depth)');
  assert.equal(shown.headers.indexOf(shown.head), shown.headers.indexOf('Verdict') + 1, 'beside the shipped model\'s word');
  assert.deepEqual(shown.cells.LE, { word: 'not judged', text: '– not judged', after: 'Verdict' });
  assert.equal(shown.cells.P1.word, 'supported');
  assert.equal(shown.cells.P2.text, 'not run on this variant', 'a claim the variant was not judged on says so');
  await page.locator('tr[data-claim="LE"]').screenshot({ path: screenshotPath('verdicts-primary.png') });
  assert.deepEqual(problems, []);
});
