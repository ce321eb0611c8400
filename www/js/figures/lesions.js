// Lesion switches: remove any station's write, in either wiring, and watch the behaviour and
// its decomposition. The switches are shared by every figure (and kept in the URL).

import { h, uid, percent } from '../dom.js';
import { STATIONS, WIRINGS } from '../names.js';
import { answerWords } from '../answer.js';
import { createDecomposition } from './decomposition.js';

export function mountLesions(root, app) {
  const id = uid('lesion');
  const switches = [];
  const results = {};
  const groups = WIRINGS.map((w) => {
    const verdict = h('p', { class: 'lesion-verdict', 'data-role': 'lesion-verdict', 'data-for': w });
    results[w] = verdict;
    return h('fieldset', { class: 'switches', 'data-switches': w },
      h('legend', {}, `${w === 'stream' ? 'Stream' : 'Hierarchy'}: remove a station`),
      STATIONS.map((st) => {
        const input = h('input', { type: 'checkbox', role: 'switch', id: `${id}-${w}-${st}`, 'data-lesion': `${w}.${st}` });
        input.addEventListener('change', () => app.setLesion(w, st, input.checked));
        switches.push({ input, w, st });
        return h('label', { class: 'switch', for: `${id}-${w}-${st}` }, input, h('span', { class: 'switch-track', 'aria-hidden': 'true' }), ` ${st}`);
      }),
      verdict);
  });
  const decomp = createDecomposition(app, id);
  const summaryLine = h('p', { class: 'visually-hidden', 'data-role': 'summary' });
  const reset = h('button', { type: 'button', 'data-action': 'lesion-reset' }, 'Restore all');
  reset.addEventListener('click', () => {
    for (const s of switches) if (app.isLesioned(s.w, s.st)) app.setLesion(s.w, s.st, false);
  });
  root.append(h('div', { class: 'lesion-layout' }, h('div', {}, groups, reset), decomp.el), summaryLine);
  return {
    update(summary, a) {
      for (const s of switches) s.input.checked = a.isLesioned(s.w, s.st);
      const parts = [];
      for (const w of WIRINGS) {
        const r = summary[w];
        const off = STATIONS.filter((st) => a.isLesioned(w, st));
        results[w].textContent = `sees ${answerWords(r)} (${percent(r.probability)}) → ${r.behaviour}`;
        results[w].dataset.recognised = String(r.recognised !== false);
        parts.push(`${w} wiring${off.length ? ` without ${off.join(', ')}` : ', intact'}: sees ${answerWords(r)} (${percent(r.probability)}).`);
      }
      summaryLine.textContent = `${parts.join(' ')} ${decomp.update(summary)}`;
    },
  };
}
