// How the model the reader trained uses its stream (issue 24, item 5): the article's usage
// index on it, each component against the threshold the article fixed before training its own
// variants, and P3's deletion measure, so a reader can answer the article's questions ("would a
// narrow stream delete?") with a model of their own. The numbers come from the core
// (src/lab.rs, stream_use), measured in a worker once the run is done.

import { h } from '../dom.js';
import { STATIONS } from '../names.js';
import { fixed } from '../experiments/format.js';
import { componentLabel, metText } from '../usage.js';

/**
 * The elements that show a run's measures, or where measuring them is.
 * @param {{state: string, use: any, useProgress: number | null, useError: string, heldOut: {category: number}[]}} run
 * @returns {(HTMLElement | string)[]}
 */
export function useView(run) {
  if (run.useError) return [h('p', { class: 'lab-note', 'data-role': 'use-error' }, `It could not be measured: ${run.useError}`)];
  if (run.useProgress !== null && !run.use) {
    return [h('p', { class: 'lab-note' }, 'Measuring, on held-out sketches… ',
      h('progress', { max: '1', value: String(run.useProgress), 'aria-label': 'Measuring how the model uses its stream' }))];
  }
  const use = run.use;
  if (!use) {
    return [h('p', { class: 'lab-note' }, run.state === 'done'
      ? 'Not measured yet.'
      : 'Measured once the run is done: the usage index that chose the article’s test bed, and prediction 3’s deletion.')];
  }
  const out = [];
  const accuracy = run.heldOut.at(-1)?.category;
  // A ratio of accuracies says nothing about a model that is at chance whatever is removed.
  const atChance = Number.isFinite(accuracy) && accuracy < 0.3
    ? ` This model names only ${Math.round(accuracy * 100)} % of held-out sketches (chance is 10 %): what it keeps with a station bypassed says little until it has learned more.`
    : '';
  if (use.usage) {
    /** @type {{component: string, value: number, threshold: number, at_most: boolean, met: boolean}[]} */
    const lines = use.usage;
    out.push(h('ul', { class: 'lab-use-list', 'data-role': 'usage' }, lines.map((l) => h('li', { 'data-component': l.component, 'data-met': String(l.met) },
      `${componentLabel(l.component)}: `, h('strong', {}, fixed(l.value, 2)), ` ${metText(l.met, l.threshold, l.at_most)}`))));
    out.push(h('p', { class: 'lab-note', 'data-role': 'usage-count' },
      `${lines.filter((l) => l.met).length} of ${lines.length} met, on ${use.images} held-out sketches. The thresholds are the ones the article fixed before training its variants; a single model near one may fall on the other side of it with another seed.${atChance}`));
  } else {
    out.push(h('ul', { class: 'lab-use-list', 'data-role': 'usage' },
      h('li', { 'data-component': 'bypass_retention' }, 'Accuracy kept with one station bypassed (fraction of intact): ', h('strong', {}, fixed(use.bypass_retention, 2)))));
    out.push(h('p', { class: 'lab-note', 'data-role': 'usage-count' }, `The rest of the usage index and prediction 3’s deletion measure read a stream, which a hierarchy does not have.${atChance}`));
  }
  const p3 = use.deletion;
  if (p3) {
    const per = (/** @type {number[]} */ v) => STATIONS.map((s, i) => `${s} ${fixed(v[i], 2)}`).join(', ');
    out.push(h('p', { 'data-role': 'deletion' },
      h('strong', {}, 'Deletion (prediction 3). '),
      `Share of the ${p3.directions} leading thalamic directions each station’s write cancels (gain below 0.5), over ${p3.sketches} sketches: ${per(p3.fraction_cancelled)}; mean ${fixed(p3.fraction, 2)}. `,
      `For as many directions outside the thalamic input (the null): ${per(p3.null_fraction_cancelled)}; mean ${fixed(p3.null_fraction, 2)}.`));
  }
  return out;
}
