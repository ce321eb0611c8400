// Every claim on every variant of the model (issue 24): claims down, variants across, and above
// each variant's column its usage index, the preregistered measure of whether its stream wiring
// uses the stream as a residual stream. So a reader sees which claims follow from a stream in
// use and which follow from none. Read from the results' index.json (`variants`, `usage`,
// `primary`, `seeds_by_variant`, `by_variant`, written by `ventral-stream by-variant`); nothing
// here is typed by hand, and a results file without the variants leaves the table empty and
// says why.

import { h } from './dom.js';
import { CLAIMS } from './experiments/claims.js';
import { estimateText, wordBadge } from './experiments/verdict.js';
import { isEstimate } from './experiments/interval.js';
import { loadIndex } from './experiments/frame.js';
import { rowId } from './verdicts-table.js';
import { whenNear } from './visibility.js';
import { componentLabel, componentNames, metText } from './usage.js';

/** "stochastic-depth" and "prenorm+layerscale" as a reader reads them. */
export function variantLabel(name) {
  return name.split('+').join(' + ');
}

/**
 * A small bar of one component on 0–1: the mean as a bar, its interval as a whisker and the
 * plan's threshold as a tick (values outside 0–1 are drawn at the edge; the text gives them).
 */
function meter(e, threshold) {
  const W = 64;
  const H = 10;
  const x = (/** @type {number} */ v) => (Math.min(1, Math.max(0, v)) * W).toFixed(1);
  return h('svg:svg', { class: 'usage-meter', viewBox: `0 0 ${W} ${H}`, width: W, height: H, 'aria-hidden': 'true' },
    h('svg:rect', { class: 'usage-track', x: 0, y: 3, width: W, height: 4 }),
    h('svg:rect', { class: 'usage-bar', x: 0, y: 3, width: x(e.mean), height: 4 }),
    h('svg:line', { class: 'usage-ci', x1: x(e.ci[0]), x2: x(e.ci[1]), y1: 5, y2: 5 }),
    Number.isFinite(threshold) ? h('svg:line', { class: 'usage-threshold', x1: x(threshold), x2: x(threshold), y1: 0, y2: H }) : null);
}

/** One usage cell: bar, mean [interval], and whether the plan's threshold is met, in words. */
function usageCell(summary, component, label) {
  const e = summary?.components?.[component];
  if (!isEstimate(e)) return h('td', { 'data-label': label }, h('span', { class: 'verdict-missing' }, 'not measured'));
  const met = Boolean(summary.meets?.[component]);
  const t = summary.thresholds?.[component];
  return h('td', { 'data-label': label, 'data-component': component, 'data-met': String(met) },
    meter(e, t?.value),
    h('span', { class: 'usage-value' }, estimateText(e, 2)),
    h('span', { class: 'usage-met' }, metText(met, t?.value, t?.at_most)));
}

/**
 * Builds the table from the index: a column per variant, the usage rows in the head and one row
 * per claim. Returns false (and leaves the table empty) when the index judges no variant.
 * @param {HTMLTableElement} table
 * @param {{variants?: string[] | null, usage?: Record<string, any> | null, primary?: string | null,
 *   byVariant?: Record<string, Record<string, any>> | null, seedsByVariant?: Record<string, number[]> | null,
 *   hierarchyTwins?: Record<string, {bypass_retention?: any}> | null,
 *   columnRetention?: Record<string, {stream?: any, hierarchy?: any}> | null}} index
 * @param {{linkRows?: boolean}} [opts]  link each claim to its row in Table 1 (not when embedded alone)
 */
export function fillVariantsTable(table, index, { linkRows = true } = {}) {
  const { variants, usage, primary, byVariant, seedsByVariant, hierarchyTwins, columnRetention } = index;
  if (!variants?.length || !usage) return false;
  const primaryMark = (/** @type {string} */ v) => (v === primary ? 'true' : null);
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Variant'),
    variants.map((v) => h('th', { scope: 'col', 'data-variant': v, 'data-primary': primaryMark(v) },
      variantLabel(v),
      v === primary ? h('span', { class: 'variant-tag', 'data-role': 'primary-tag' }, 'test bed') : null)));
  const usageRows = componentNames(Object.values(usage)).map((c) => h('tr', { 'data-role': 'usage-row', 'data-component': c },
    h('th', { scope: 'row' }, componentLabel(c)),
    variants.map((v) => usageCell(usage[v], c, `${variantLabel(v)}: ${componentLabel(c)}`))));
  // The one component defined in both wirings, for the hierarchy twin (no threshold: the index
  // is the stream's); beside the stream's bypass row.
  const twinTitle = 'The same, in the hierarchy twin';
  const twins = hierarchyTwins && Object.keys(hierarchyTwins).length
    ? h('tr', { 'data-role': 'usage-twin', 'data-component': 'bypass_retention' }, h('th', { scope: 'row' }, twinTitle),
      variants.map((v) => {
        const e = hierarchyTwins[v]?.bypass_retention;
        return h('td', { 'data-label': `${variantLabel(v)}: ${twinTitle.toLowerCase()}` },
          isEstimate(e) ? [meter(e, NaN), h('span', { class: 'usage-value' }, estimateText(e, 2))] : h('span', { class: 'verdict-missing' }, 'not measured'));
      }))
    : null;
  const bypassAt = usageRows.findIndex((r) => r.dataset.component === 'bypass_retention');
  if (twins) usageRows.splice(bypassAt + 1, 0, twins);
  // What columns were added for, beside the index and not in it: does an area survive losing
  // one of its columns? Only where some variant has columns.
  const columnTitle = 'Accuracy kept with one column silenced (not in the index)';
  if (columnRetention && Object.keys(columnRetention).length) {
    usageRows.push(h('tr', { 'data-role': 'column-retention' }, h('th', { scope: 'row' }, columnTitle),
      variants.map((v) => {
        const c = columnRetention[v];
        const label = `${variantLabel(v)}: accuracy kept with one column silenced, stream and hierarchy`;
        return h('td', { 'data-label': label }, isEstimate(c?.stream) && isEstimate(c?.hierarchy)
          ? [h('span', { class: 'usage-value' }, `stream ${estimateText(c.stream, 2)}`),
            h('span', { class: 'usage-value' }, `hierarchy ${estimateText(c.hierarchy, 2)}`)]
          : h('span', { class: 'verdict-missing' }, 'no columns'));
      })));
  }
  const count = h('tr', { 'data-role': 'usage-count' }, h('th', { scope: 'row' }, 'Usage components met'),
    variants.map((v) => {
      const u = usage[v];
      const of = Object.keys(u?.components ?? {}).length;
      return h('td', { 'data-variant': v, 'data-label': `${variantLabel(v)}: usage components met` },
        u ? `${u.met} of ${of}` : 'not measured');
    }));
  const seedRow = (/** @type {string} */ role, /** @type {string} */ title, /** @type {(v: string) => number} */ n) =>
    h('tr', { 'data-role': role }, h('th', { scope: 'row' }, title),
      variants.map((v) => h('td', { 'data-label': `${variantLabel(v)}: ${title.toLowerCase()}` }, String(n(v)))));
  const seeds = [
    seedRow('usage-seeds', 'Seeds in the usage index', (v) => usage[v]?.seeds?.length ?? 0),
    seedRow('word-seeds', 'Seeds behind the words', (v) => seedsByVariant?.[v]?.length ?? 0),
  ];
  const body = CLAIMS.map((c) => h('tr', { 'data-claim': c.id },
    h('th', { scope: 'row' }, linkRows ? h('a', { href: `#${rowId(c.id)}` }, c.title) : c.title),
    variants.map((v) => {
      const verdict = byVariant?.[v]?.[c.id];
      const label = `${variantLabel(v)}: ${c.title}`;
      if (!verdict?.word) {
        return h('td', { 'data-variant': v, 'data-word': '', 'data-label': label, 'data-primary': primaryMark(v) },
          h('span', { class: 'verdict-missing' }, 'not run'));
      }
      return h('td', { 'data-variant': v, 'data-word': verdict.word, 'data-label': label, 'data-primary': primaryMark(v) },
        wordBadge(verdict.word),
        isEstimate(verdict.paired) ? h('span', { class: 'verdict-detail' }, `s − h ${estimateText(verdict.paired, 3)}`) : null);
    })));
  table.tHead?.remove();
  table.createTHead().append(head, ...usageRows, count, ...seeds);
  (table.tBodies[0] ?? table.createTBody()).replaceChildren(...body);
  return true;
}

/**
 * Fills the figure when it first comes near the viewport; until then, and when the results
 * judge no variant, its status line says what is there.
 * @param {HTMLElement} figure  holds table[data-role="variants"] and [data-role="variants-status"]
 * @param {{linkRows?: boolean}} [opts]
 */
export function mountVariantsTable(figure, opts = {}) {
  const table = /** @type {HTMLTableElement | null} */ (figure.querySelector('table[data-role="variants"]'));
  const status = figure.querySelector('[data-role="variants-status"]');
  if (!table) return Promise.resolve();
  return whenNear(figure).then(async () => {
    const filled = fillVariantsTable(table, await loadIndex(), opts);
    figure.dataset.state = filled ? 'filled' : 'empty';
    status?.replaceChildren(...(filled ? [] : [
      'The results this page loaded do not judge the variants yet: ',
      h('code', {}, './build.sh experiments'),
      ' adds them once each variant’s stream and hierarchy are trained on enough seeds.']));
  }).catch((err) => {
    figure.dataset.state = 'error';
    if (status) status.textContent = 'The variants’ results could not be read.';
    console.error('The variants table could not be filled', err);
  });
}
