// RF: reliable receptive fields early, a sparse code late. Reliability of the spike-triggered
// average over two independent white-noise sets per station and layer, and each layer's most
// reliable unit's map.

import { h } from '../dom.js';
import { WIRING_LEGEND, dataTable, legend, lineChart, panel, signedImage } from './charts.js';
import { CELL_LAYERS as LAYERS, LAYER_LABELS, STATIONS, WIRINGS } from '../names.js';
import { fixed } from './format.js';
import { sideBySide } from './frame.js';


function maps(r, w) {
  const side = r.sta_side ?? 16;
  return h('div', { class: 'exp-sta-grid', role: 'group', 'aria-label': `${w}: the most reliable unit's spike-triggered average in each layer` },
    h('span', {}), LAYERS.map((l) => h('span', { class: 'exp-sta-head' }, LAYER_LABELS[l])),
    STATIONS.map((s) => [
      h('span', { class: 'exp-sta-head' }, s),
      LAYERS.map((l) => {
        const e = r[w]?.[s]?.[l]?.example;
        return e?.sta
          ? signedImage(e.sta, side, `${w} ${s} ${LAYER_LABELS[l]}, channel ${e.channel}: spike-triggered average`, 'exp-image exp-sta')
          : h('span', { class: 'exp-sta-none' }, '–');
      }),
    ]));
}

export default {
  name: 'receptive-fields',
  title: 'Receptive fields: reliable early, sparse late',
  look: 'White-noise reverse correlation: the spike-triggered average of the centre unit of every channel, measured twice on independent noise. Reliability is the correlation of the two (1: the same map twice, 0: no stable map). The post expects reliable fields early and, later, a code that single maps do not describe. Below, each layer’s most reliable unit (blue darker, red lighter than average).',
  render(r) {
    const chart = h('div', {},
      legend(WIRING_LEGEND),
      h('div', { class: 'exp-multiples exp-three' },
        LAYERS.map((l) => panel(null, lineChart({
          title: LAYER_LABELS[l],
          label: `Receptive-field reliability in ${LAYER_LABELS[l]} at V1, V2, V4 and IT`,
          xLabels: STATIONS,
          series: WIRINGS.map((w) => ({ cls: `exp-${w}`, values: STATIONS.map((s) => r[w]?.[s]?.[l]?.reliability) })),
          y: [-0.1, 1],
          yTicks: [0, 0.5, 1],
          left: 26,
          width: 170,
          height: 130,
        })))),
      h('p', { class: 'exp-subhead' }, 'The most reliable unit’s map (first noise set), per station and layer'),
      sideBySide(maps(r, 'stream'), maps(r, 'hierarchy')));
    const rel = (w, s, l) => r[w]?.[s]?.[l]?.reliability;
    const sentence = `In this run V1 L4 fields have a reliability of ${fixed(rel('stream', 'V1', 'l4'))} in the stream and ${fixed(rel('hierarchy', 'V1', 'l4'))} in the hierarchy; by IT L2/3 it is ${fixed(rel('stream', 'IT', 'l23'))} and ${fixed(rel('hierarchy', 'IT', 'l23'))}${rel('stream', 'IT', 'l23') < rel('stream', 'V1', 'l4') && rel('hierarchy', 'IT', 'l23') < rel('hierarchy', 'V1', 'l4') ? ': reliability falls along the stream in both wirings' : ''}. With ${r.n_per_half ?? '?'} noise frames per half, small values are near the noise floor.`;
    const tables = WIRINGS.map((w) => dataTable(`${w}: receptive-field reliability (units responding)`, ['station', 'L4', 'L2/3', 'L5'],
      STATIONS.map((s) => [s, ...LAYERS.map((l) => `${fixed(rel(w, s, l))} (${r[w]?.[s]?.[l]?.units_responding ?? 0})`)])));
    return { chart, sentence, tables };
  },
};
