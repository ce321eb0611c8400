// One claim's verdict, as the results file states it (src/experiments/verdict.rs writes it):
//   {claim, says, measure, word, reason, excess: E, paired: E | null, effect: E, null: E,
//    untrained: E | null, positive_control: {word, effect: E, known: E | null, recovery} | null, smallest_effect: number | null,
//    smallest_effect_rule, rule,
//    conditions?: {KEY: the same for another training of the pair (P3: narrow streams, edge task off)}}
// with E = {mean, ci: [lo, hi], per_seed}. Written as: the word (a sign and a border style of
// its own, so it reads without colour), the numbers it came from, and the rule in a <details>.
// The article's sentence for the claim is chosen by the word (claims.js).

import { h } from '../dom.js';
import { WORDS, claimFor, conditionsFor, notJudgedSentence, sentenceFor } from './claims.js';
import { isEstimate, overSeeds } from './interval.js';
import { fixed } from './format.js';

/** A sign per word, beside the word itself. */
const SIGNS = { supported: '✓', 'built in': '≡', opposite: '↯', absent: '∅', inconclusive: '?', 'not judged': '–' };

/** Enough decimals to see a difference of a tenth of the smallest effect (at least 2, at most 4). */
function digitsFor(smallest) {
  return Number.isFinite(smallest) && smallest > 0 ? Math.min(4, Math.max(2, Math.ceil(-Math.log10(smallest)) + 1)) : 3;
}

/** "0.031 [0.012, 0.050]" for an estimate, or '–'. */
export function estimateText(e, digits = 3) {
  if (!isEstimate(e)) return '–';
  return `${fixed(e.mean, digits)} [${fixed(e.ci[0], digits)}, ${fixed(e.ci[1], digits)}]`;
}

/**
 * The numbers a verdict came from, in one sentence (without what the measure is, for a
 * condition whose measure its claim's verdict has just named).
 */
export function numbersText(v, { measure = true } = {}) {
  const d = digitsFor(v.smallest_effect);
  const n = v.excess?.per_seed?.length ?? 0;
  const what = isEstimate(v.paired) ? 'stream − hierarchy' : 'effect − null';
  const parts = [`${measure && v.measure ? `${v.measure}: ` : ''}${what} ${estimateText(v.excess, d)} ${overSeeds(n)}`];
  if (isEstimate(v.effect) && isEstimate(v.null)) parts.push(`effect ${estimateText(v.effect, d)}, null ${estimateText(v.null, d)}`);
  parts.push(isEstimate(v.untrained) ? `untrained ${estimateText(v.untrained, d)}` : 'no untrained control for this claim');
  if (Number.isFinite(v.smallest_effect)) parts.push(`smallest effect of interest ${fixed(v.smallest_effect, d)}`);
  return `${parts.join('; ')}.`;
}

/** The word as a badge. */
export function wordBadge(word) {
  const known = WORDS.includes(/** @type {any} */ (word));
  return h('span', { class: 'verdict-word', 'data-word': known ? word : 'inconclusive', 'data-role': 'verdict-word' },
    h('span', { 'aria-hidden': 'true' }, `${SIGNS[word] ?? '?'} `), known ? word : `unknown word “${word}”`);
}

/**
 * The verdicts of the claim on the other trainings of the pair, one line each: what the
 * training is, its word, the sentence that word chooses (not when compact) and its numbers.
 * Known conditions come in the article's order; one the page does not know still shows its word.
 */
function renderConditions(v, compact) {
  const given = v.conditions && typeof v.conditions === 'object' ? v.conditions : {};
  const known = conditionsFor(v.claim).filter((c) => given[c.key]);
  const unknown = Object.keys(given).filter((k) => !known.some((c) => c.key === k)).map((key) => ({ key, label: key, short: key, sentences: /** @type {Record<string, string>} */ ({}) }));
  const items = [...known, ...unknown].filter((c) => given[c.key] && typeof given[c.key] === 'object');
  if (!items.length) return null;
  return h('div', { class: 'verdict-conditions', 'data-role': 'verdict-conditions' },
    h('p', {}, 'The same claim, measure and rule on other trainings of the pair, each against untrained models of its own width:'),
    h('ul', {}, items.map((c) => {
      const cv = given[c.key];
      const sentence = compact ? '' : (cv.word === 'not judged' ? notJudgedSentence(cv.reason) : (c.sentences[cv.word] ?? ''));
      return h('li', { 'data-condition': c.key, 'data-word': cv.word ?? '' },
        h('span', { class: 'verdict-label' }, `${c.label}: `),
        wordBadge(cv.word),
        sentence ? ' ' : null,
        sentence ? h('span', { 'data-role': 'verdict-sentence' }, sentence) : null,
        ' ',
        h('span', { class: 'verdict-numbers', 'data-role': 'verdict-numbers' }, numbersText(cv, { measure: false })));
    })));
}

/**
 * The verdict as an element. compact: the word and numbers only (under a figure); otherwise
 * the article's sentence too.
 * @param {any} v  a verdict object from a results file
 * @param {{compact?: boolean}} [opts]
 */
export function renderVerdict(v, { compact = false } = {}) {
  const claim = claimFor(v.claim);
  const sentence = compact ? '' : sentenceFor(v.claim, v.word, v.reason, v.excess);
  return h('div', { class: 'verdict-block', 'data-claim': v.claim ?? '', 'data-word': v.word ?? '' },
    h('p', {},
      h('span', { class: 'verdict-label' }, `Verdict${v.claim ? ` (${v.claim}${claim ? `, ${claim.title}` : ''})` : ''}: `),
      wordBadge(v.word),
      sentence ? ' ' : null,
      sentence ? h('span', { 'data-role': 'verdict-sentence' }, sentence) : null),
    h('p', { class: 'verdict-numbers', 'data-role': 'verdict-numbers' }, numbersText(v)),
    renderConditions(v, compact),
    h('details', {},
      h('summary', {}, 'How the word is computed'),
      v.says ? h('p', {}, h('strong', {}, 'Claim: '), v.says) : null,
      h('p', { 'data-role': 'verdict-positive' }, h('strong', {}, 'Positive control: '), positiveText(v)),
      v.smallest_effect_rule ? h('p', {}, h('strong', {}, 'Smallest effect of interest: '), v.smallest_effect_rule) : null,
      h('p', {}, v.rule ?? 'The results file gives no rule.')));
}

/** The positive control's word and effect, or why there is none. */
export function positiveText(v) {
  const p = v.positive_control;
  if (!p || typeof p !== 'object') return 'not run: nothing yet shows that this measure can find the property, so the claim is not judged.';
  const digits = digitsFor(v.smallest_effect);
  const against = p.known && typeof p.known === 'object'
    ? ` Built to give ${estimateText(p.known, digits)} above its null, it must find at least ${Math.round((p.recovery ?? 0.5) * 100)} % of that.`
    : ' Its construction fixes no value, so only its direction is checked, not its size.';
  return `${p.word}, effect − null ${estimateText(p.effect, digits)} (a model built to have the property, measured by the same code).${against}`;
}

/**
 * Fills one article placeholder, <div data-verdict="EXPERIMENT">, from that experiment's
 * results file (null: there is none).
 */
export function fillVerdict(el, file) {
  const v = file?.verdict;
  if (!v || typeof v !== 'object') {
    el.replaceChildren(h('p', { class: 'verdict-missing', 'data-role': 'verdict-missing' },
      file ? 'The results file has no computed verdict for this claim yet.' : 'No results file yet: no verdict.'));
    el.dataset.word = '';
    return false;
  }
  el.replaceChildren(renderVerdict(v));
  el.dataset.word = v.word;
  return true;
}
