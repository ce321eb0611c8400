// Lesion switches: remove any station, in either wiring, and watch the behaviour and its
// decomposition. The switches are shared by every figure (and kept in the URL). A removed
// station is bypassed (it passes its input on unchanged). Beside the reader's one picture, each
// wiring's accuracy on the held-out sketches with the same stations bypassed, read from the
// lesion experiment's results (seed 1, the shipped weights): one picture can mislead either way.

import { h, percent, uid } from '../dom.js';
import { STATIONS, WIRINGS } from '../names.js';
import { answerWithProbability } from '../answer.js';
import { createDecomposition } from './decomposition.js';
import { loadResult } from '../experiments/frame.js';

/**
 * The held-out accuracy of `wiring` with `off` bypassed in the lesion results' seed-1 example
 * ("none", "V2", "V1+V4": the file has every single station and every pair), or undefined.
 */
export function heldOutAccuracy(example, wiring, off) {
  const table = example?.[wiring]?.bypass;
  const v = table?.[off.length ? off.join('+') : 'none'];
  return Number.isFinite(v) ? v : undefined;
}

export function mountLesions(root, app) {
  const id = uid('lesion');
  const switches = [];
  const results = {};
  const groups = WIRINGS.map((w) => {
    const verdict = h('p', { class: 'lesion-verdict', 'data-role': 'lesion-verdict', 'data-for': w });
    const accuracy = h('p', { class: 'lesion-accuracy', 'data-role': 'lesion-accuracy', 'data-for': w });
    results[w] = { verdict, accuracy };
    return h('fieldset', { class: 'switches', 'data-switches': w },
      h('legend', {}, `${w === 'stream' ? 'Stream' : 'Hierarchy'}: remove a station`),
      STATIONS.map((st) => {
        const input = h('input', { type: 'checkbox', role: 'switch', id: `${id}-${w}-${st}`, 'data-lesion': `${w}.${st}` });
        input.addEventListener('change', () => app.setLesion(w, st, input.checked));
        switches.push({ input, w, st });
        return h('label', { class: 'switch', for: `${id}-${w}-${st}` }, input, h('span', { class: 'switch-track', 'aria-hidden': 'true' }), ` ${st}`);
      }),
      verdict, accuracy);
  });
  /** The lesion experiment's seed-1 output, once loaded (null: no results file). */
  let example;
  let last = null;
  loadResult('lesion').then((file) => {
    example = file.results?.lesion?.example ?? null;
    if (last) last();
  }).catch(() => {
    example = null;
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
      const showAccuracy = () => {
        for (const w of WIRINGS) {
          const off = STATIONS.filter((st) => a.isLesioned(w, st));
          const acc = heldOutAccuracy(example, w, off);
          results[w].accuracy.textContent = example === undefined
            ? ''
            : acc === undefined
              ? (example ? 'Held-out sketches: the results cover one or two stations removed, not more.' : '')
              : `Held-out sketches, ${off.length ? `${off.join(' and ')} bypassed` : 'intact'}: ${percent(acc)} right (chance 10\u2009%).`;
        }
      };
      last = showAccuracy;
      showAccuracy();
      for (const w of WIRINGS) {
        const r = summary[w];
        const off = STATIONS.filter((st) => a.isLesioned(w, st));
        results[w].verdict.textContent = `Your picture: sees ${answerWithProbability(r)} → ${r.behaviour}`;
        results[w].verdict.dataset.recognised = String(r.recognised !== false);
        parts.push(`${w} wiring${off.length ? ` without ${off.join(', ')}` : ', intact'}: sees ${answerWithProbability(r)}.`);
      }
      summaryLine.textContent = `${parts.join(' ')} ${decomp.update(summary)}`;
    },
  };
}
