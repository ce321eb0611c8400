// The bottom line: one table of every claim's verdict, generated from the results files and
// never typed (table[data-role="verdicts"], one tr[data-claim="ID"] per claim in claims.js).
// Each row: the claim (linked to its figure), where it comes from, whether it separates the two
// wirings (from the paired stream − hierarchy effect, where the results carry one), the word,
// and one line of why (the first sentence claims.js wrote for that word). The numbers, the rule
// and any other trainings of the pair sit under a disclosure in the same row. With the variants
// table (variants-table.js, the same words on every variant) it is the only place on the page
// that prints the words.

import { h } from './dom.js';
import { CLAIMS, conditionsFor, notJudgedSentence, sentenceFor } from './experiments/claims.js';
import { estimateText, numbersText, positiveText, wordBadge } from './experiments/verdict.js';
import { isEstimate } from './experiments/interval.js';
import { loadIndex, loadVerdicts } from './experiments/frame.js';
import { whenNear } from './visibility.js';

/** The row's id, the target of the link under each experiment figure. */
export function rowId(claimId) {
  return `verdict-${claimId}`;
}

/** "The interval … excludes 0" as the one sentence a paired effect gives, or "not measured". */
export function separatesText(paired) {
  if (!isEstimate(paired)) return { word: 'not measured', detail: '' };
  const [lo, hi] = paired.ci;
  const apart = lo > 0 || hi < 0;
  return {
    word: apart ? `yes, stream ${paired.mean > 0 ? 'higher' : 'lower'}` : 'no',
    detail: `stream − hierarchy ${estimateText(paired)}`,
  };
}

/**
 * The first sentence of a text: up to the first full stop that ends the text or is followed by
 * a capital (so "He et al. describe" does not end one).
 */
export function firstSentence(text) {
  const m = /^.*?[.!?](?=\s+[A-Z“‘(]|$)/s.exec(text);
  return m ? m[0] : text;
}

function fill(row, v) {
  const cells = row.cells;
  if (!v || typeof v !== 'object') {
    cells[3].replaceChildren(h('span', { class: 'verdict-missing', 'data-role': 'verdict-missing' }, 'no verdict in the results yet'));
    row.dataset.word = '';
    return;
  }
  row.dataset.word = v.word ?? '';
  const sep = separatesText(v.paired);
  cells[2].replaceChildren(h('span', { 'data-role': 'separates' }, sep.word, sep.detail ? h('span', { class: 'verdict-detail' }, sep.detail) : null));
  cells[3].replaceChildren(wordBadge(v.word));
  const sentence = sentenceFor(v.claim, v.word, v.reason, v.excess);
  const first = firstSentence(sentence);
  const rest = sentence.slice(first.length).trim();
  const given = v.conditions && typeof v.conditions === 'object' ? v.conditions : {};
  const conditions = conditionsFor(v.claim).filter((c) => given[c.key]);
  cells[4].replaceChildren(
    h('span', { 'data-role': 'verdict-sentence' }, first || 'The page has no sentence for this word.'),
    h('details', { class: 'verdict-more' },
      h('summary', {}, 'Numbers and rule'),
      rest ? h('p', {}, rest) : null,
      v.says ? h('p', {}, h('strong', {}, 'Claim: '), v.says) : null,
      h('p', { class: 'verdict-numbers', 'data-role': 'verdict-numbers' }, numbersText(v)),
      conditions.length
        ? h('ul', { 'data-role': 'verdict-conditions' }, conditions.map((c) => {
          const cv = given[c.key];
          return h('li', { 'data-condition': c.key, 'data-word': cv.word ?? '' }, `${c.label}: `, wordBadge(cv.word), ' ',
            h('span', { 'data-role': 'verdict-sentence' }, cv.word === 'not judged' ? notJudgedSentence(cv.reason) : (c.sentences[cv.word] ?? '')), ' ',
            h('span', { 'data-role': 'verdict-numbers' }, numbersText(cv, { measure: false })));
        }))
        : null,
      h('p', { 'data-role': 'verdict-positive' }, h('strong', {}, 'Positive control: '), positiveText(v)),
      v.smallest_effect_rule ? h('p', {}, h('strong', {}, 'Smallest effect of interest: '), v.smallest_effect_rule) : null,
      h('p', {}, v.rule ?? 'The results file gives no rule.')));
}

/**
 * The word on the primary test bed, the variant the usage index chose (issue 24), as a column
 * after the shipped model's, once the results judge the variants and the choice is another
 * model than the shipped one. A claim the variant's file does not judge says so.
 * @param {HTMLTableElement} table
 * @param {{c: {id: string}, row: HTMLTableRowElement}[]} rows
 * @param {{primary?: string | null, byVariant?: Record<string, Record<string, {word?: string}>> | null}} index
 */
function addPrimary(table, rows, { primary, byVariant }) {
  const words = primary && primary !== 'shipped' ? byVariant?.[primary] : null;
  if (!words || table.querySelector('[data-role="primary-head"]')) return;
  const label = `On the test bed (${primary})`;
  const head = table.tHead?.rows[0];
  head?.cells[3]?.after(h('th', { scope: 'col', 'data-role': 'primary-head' }, label));
  for (const { c, row } of rows) {
    const word = words[c.id]?.word;
    row.cells[3].after(h('td', { 'data-role': 'primary-word', 'data-label': label, 'data-word': word ?? '' },
      word ? wordBadge(word) : h('span', { class: 'verdict-missing' }, 'not run on this variant')));
  }
}

/**
 * Fills the table's body with one row per claim (at once, from claims.js) and each row's verdict
 * when the table first comes near the viewport (from the release's verdicts file, or each
 * experiment's results file). Resolves once the rows are filled. Embedded alone, the table has
 * no figures to link to (figureOf gives none).
 * @param {HTMLTableElement} table
 * @param {{figureOf?: (experiment: string) => HTMLElement | null}} [opts]
 */
export function mountVerdictTable(table, { figureOf = (id) => document.getElementById(`fig-${id}`) } = {}) {
  const body = table.tBodies[0] ?? table.createTBody();
  const rows = CLAIMS.map((c) => {
    const fig = figureOf(c.experiment);
    const n = fig?.dataset.number;
    const row = h('tr', { id: rowId(c.id), 'data-claim': c.id },
      h('th', { scope: 'row' }, c.title, n ? h('span', { class: 'verdict-fig' }, ' ', h('a', { href: `#${fig.id}`, class: 'fig-ref' }, `Figure ${n}`)) : null),
      h('td', { 'data-role': 'origin', 'data-label': 'From' }, c.origin),
      h('td', { 'data-label': 'Separates the wirings' }, '…'),
      h('td', { 'data-label': 'Verdict' }, '…'),
      h('td', { 'data-label': 'Why' }, ''));
    return { c, row };
  });
  body.replaceChildren(...rows.map((r) => r.row));
  return whenNear(table).then(async () => {
    const verdictOf = await loadVerdicts();
    await Promise.all(rows.map(async ({ c, row }) => fill(row, await verdictOf(c.experiment))));
    addPrimary(table, rows, await loadIndex());
  }).then(() => {
    table.dataset.state = 'filled';
  }).catch((err) => console.error('The verdict table could not be filled', err));
}
