// RF: reliable receptive fields early, a sparse code late. Reliability of the spike-triggered
// average over two independent white-noise sets per station and layer, and each layer's most
// reliable unit's map.

import { h } from '../dom.js';
import { WIRING_LEGEND, dataTable, legend, lineChart, panel, signedImage, statsLegend } from '../charts.js';
import { Marks } from './interval.js';
import { CELL_LAYERS as LAYERS, LAYER_LABELS, STATIONS, WIRINGS } from '../names.js';
import { fixed } from './format.js';
import { sideBySide } from './frame.js';

/** @typedef {import('../types/generated/receptive-fields/Output').Output} Output */
/** @typedef {import('../names.js').Wiring} Wiring */
/** @typedef {keyof Output['stream']['V1']} CellLayer */
/** @typedef {import('../types/results').Station} Station */

const CELLS = /** @type {readonly CellLayer[]} */ (LAYERS);

/**
 * A square crop of a side×side map around its support: every pixel at least `frac` of the
 * largest magnitude, padded by one pixel. A V1 field covers a few pixels of a 16×16 map, and
 * drawn whole it is a speck in a grey square. Returns {values, side}.
 */
export function cropToSupport(values, side, frac = 0.2) {
  const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  if (!(max > 0)) return { values, side };
  let [y0, y1, x0, x1] = [side, -1, side, -1];
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (Math.abs(values[y * side + x]) < frac * max) continue;
      y0 = Math.min(y0, y); y1 = Math.max(y1, y); x0 = Math.min(x0, x); x1 = Math.max(x1, x);
    }
  }
  const n = Math.min(side, Math.max(3, y1 - y0 + 3, x1 - x0 + 3));
  const top = Math.max(0, Math.min(side - n, Math.round((y0 + y1) / 2 - (n - 1) / 2)));
  const left = Math.max(0, Math.min(side - n, Math.round((x0 + x1) / 2 - (n - 1) / 2)));
  const out = [];
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) out.push(values[(top + y) * side + left + x]);
  return { values: out, side: n };
}

/** @param {Output} r @param {Wiring} w */
function maps(r, w) {
  const side = r.sta_side;
  return h('div', { class: 'exp-sta-grid', role: 'group', 'aria-label': `${w}: the most reliable unit's spike-triggered average in each layer` },
    h('span', {}), CELLS.map((l) => h('span', { class: 'exp-sta-head' }, LAYER_LABELS[l])),
    STATIONS.map((s) => [
      h('span', { class: 'exp-sta-head' }, s),
      CELLS.map((l) => {
        const e = r[w][s][l].example;
        if (!e) return h('span', { class: 'exp-sta-none' }, '–');
        const crop = cropToSupport(e.sta, side);
        return signedImage(crop.values, crop.side, `${w} ${s} ${LAYER_LABELS[l]}, channel ${e.channel}: spike-triggered average, the ${crop.side}×${crop.side} pixels around its support`, 'exp-image exp-sta');
      }),
    ]));
}

export default /** @satisfies {import('../types/results').Figure<Output>} */ ({
  name: 'receptive-fields',
  title: 'Receptive fields: reliable early, sparse late?',
  look: 'How well two independent maps of the same unit agree, station by station: the post expects stable maps early in the stream and unstable ones late.',
  how: 'White-noise reverse correlation: the spike-triggered average of the centre unit of every channel, measured twice on independent noise. Reliability is the correlation of the two (1: the same map twice, 0: no stable map). The post expects reliable fields early and, later, a code that single maps do not describe. Below, each layer’s most reliable unit (blue darker, red lighter than average).',
  render(r, ctx) {
    const m = ctx?.marks ?? new Marks(r);
    const paths = (/** @type {Wiring} */ w, /** @type {CellLayer} */ l) => STATIONS.map((s) => /** @type {const} */ (`${w}.${s}.${l}.reliability`));
    const control = WIRINGS.some((w) => CELLS.some((l) => m.hasControl(paths(w, l))));
    const chart = h('div', {},
      legend([...WIRING_LEGEND, ...statsLegend(m, { control })]),
      h('div', { class: 'exp-multiples exp-three' },
        CELLS.map((l) => panel(null, lineChart({
          title: LAYER_LABELS[l],
          label: `Receptive-field reliability in ${LAYER_LABELS[l]} at V1, V2, V4 and IT`,
          xLabels: STATIONS,
          series: WIRINGS.map((w) => ({ cls: `exp-${w}`, ...m.series(paths(w, l)) })),
          y: [-0.1, 1],
          yTicks: [0, 0.5, 1],
          left: 26,
          width: 170,
          height: 130,
        })))),
      h('p', { class: 'exp-subhead' }, `The most reliable unit’s map (first noise set), cropped to where it responds, per station and layer${m.hasIntervals ? `, seed ${r.seed ?? 1}` : ''}`),
      sideBySide(maps(r, 'stream'), maps(r, 'hierarchy')));
    const say = (/** @type {Wiring} */ w, /** @type {Station} */ s, /** @type {CellLayer} */ l) => m.say(`${w}.${s}.${l}.reliability`, fixed);
    let sentence = `${m.lead} V1 L4 fields have a reliability of ${say('stream', 'V1', 'l4')} in the stream and ${say('hierarchy', 'V1', 'l4')} in the hierarchy; by IT L2/3 it is ${say('stream', 'IT', 'l23')} and ${say('hierarchy', 'IT', 'l23')}. With ${r.n_per_half} noise frames per half, small values are near the noise floor.`;
    const fall = m.sayDifference('IT.l5.reliability', fixed);
    sentence += ` The claim reads layer 5: from ${say('stream', 'V1', 'l5')} at V1 to ${say('stream', 'IT', 'l5')} at IT in the stream, and from ${say('hierarchy', 'V1', 'l5')} to ${say('hierarchy', 'IT', 'l5')} in the hierarchy${fall ? ` (IT, ${fall})` : ''}.`;
    if (Number.isFinite(m.value('positive_control.reliability'))) sentence += ` Positive control: with IT’s layer 5 replaced by IT’s write to an independent noise image (cells that do not bind to the input), the same code measures a reliability of ${m.say('positive_control.reliability', fixed)} at IT.`;
    const untrained = WIRINGS.map((w) => m.untrained(`${w}.V1.l4.reliability`));
    if (untrained.some((v) => v !== null)) sentence += ` Untrained models, V1 L4: ${fixed(untrained[0] ?? NaN)} and ${fixed(untrained[1] ?? NaN)}.`;
    const retina = WIRINGS.map((w) => m.retina(`${w}.V1.l4.reliability`));
    if (retina.some((v) => v !== null)) sentence += ` Retina control (centre–surround LGN only), V1 L4: ${fixed(retina[0] ?? NaN)} and ${fixed(retina[1] ?? NaN)}.`;
    const tables = WIRINGS.map((w) => dataTable(`${w}: receptive-field reliability (units responding)`, ['station', 'L4', 'L2/3', 'L5'],
      STATIONS.map((s) => [s, ...CELLS.map((l) => `${say(w, s, l)} (${r[w][s][l].units_responding})`)])));
    return { chart, sentence, tables };
  },
});
