// The behaviour's decomposition: in the stream wiring the category logit is exactly a sum of
// paths (the direct thalamic path, each station's write, a bias), because everything after the
// stream is linear. Drawn as signed bars for one category (the winner, unless the reader picks).

import { h, signed } from '../dom.js';
import { STATIONS, stationIndex } from '../names.js';

const PATHS = [
  ['direct', 'thalamic input (direct path)'],
  ...STATIONS.map((s) => [s, `${s} write`]),
  ['bias', 'bias'],
];

export function createDecomposition(app, idPrefix) {
  let picked = ''; // '' follows the winning category
  const select = h('select', { id: `${idPrefix}-cat`, 'data-control': 'decomposition-category' },
    h('option', { value: '' }, 'the winning category'));
  const list = h('ol', { class: 'decomp', 'data-role': 'decomposition', 'aria-label': 'Contribution of each path to the category score' });
  const total = h('p', { class: 'decomp-total', 'data-role': 'decomposition-total' });
  const el = h('div', { class: 'decomp-box' },
    h('div', { class: 'controls' }, h('label', { for: `${idPrefix}-cat`, class: 'control-label' }, 'Score of'), select),
    list, total);
  select.addEventListener('change', () => {
    picked = select.value;
    if (app.summary) api.update(app.summary);
  });
  const rows = PATHS.map(([key, label]) => {
    const neg = h('span', { class: 'decomp-neg' }, h('span', { class: 'bar' }));
    const pos = h('span', { class: 'decomp-pos' }, h('span', { class: 'bar' }));
    const value = h('span', { class: 'value' });
    const li = h('li', { 'data-path': key }, h('span', { class: 'label' }, label), h('span', { class: 'decomp-track', 'aria-hidden': 'true' }, neg, pos), value);
    list.append(li);
    return { key, li, neg: /** @type {HTMLElement} */ (neg.firstChild), pos: /** @type {HTMLElement} */ (pos.firstChild), value };
  });
  const api = {
    el,
    /** @returns {string} a sentence saying what the bars show */
    update(summary) {
      if (select.options.length === 1 && summary.categories) {
        select.append(...summary.categories.map((c) => h('option', { value: c }, c)));
      }
      const r = summary.stream;
      const c = r.contributions;
      if (!c) return '';
      const cat = picked || r.category;
      const i = Math.max(0, summary.categories.indexOf(cat));
      const vals = rows.map((row) => c[row.key]?.[i] ?? 0);
      const scale = Math.max(1e-6, ...vals.map(Math.abs));
      rows.forEach((row, j) => {
        const v = vals[j];
        row.li.dataset.value = String(v);
        row.pos.style.width = `${v > 0 ? (50 * v) / scale * 2 : 0}%`;
        row.neg.style.width = `${v < 0 ? (-50 * v) / scale * 2 : 0}%`;
        row.value.textContent = signed(v);
        row.li.classList.toggle('lesioned', stationIndex(row.key) >= 0 && app.isLesioned('stream', row.key));
      });
      const sum = vals.reduce((a, b) => a + b, 0);
      const closest = !picked && r.recognised === false ? ' It recognises none of the ten kinds; this is the closest.' : '';
      total.textContent = `Sum: ${signed(sum)} = the score (logit) of “${cat}”, ${signed(r.logits[i])}.${closest}`;
      const biggest = rows.slice(0, 1 + STATIONS.length).map((row, j) => [row, vals[j]]).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))[0];
      return `The score of ${cat} in the stream wiring is ${signed(sum)}; the largest part comes from the ${PATHS.find((p) => p[0] === biggest[0].key)[1]} (${signed(biggest[1])}).`;
    },
  };
  return api;
}
