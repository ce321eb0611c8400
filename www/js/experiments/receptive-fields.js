// RF: reliable receptive fields early, a sparse code late. Reliability of the spike-triggered
// average over two independent white-noise sets per station and layer, and each layer's most
// reliable unit's map.

import { h } from '../dom.js';
import { WIRING_LEGEND, dataTable, legend, lineChart, panel, signedImage, statsLegend } from '../charts.js';
import { Marks } from './interval.js';
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
  title: 'Receptive fields: reliable early, sparse late?',
  look: 'White-noise reverse correlation: the spike-triggered average of the centre unit of every channel, measured twice on independent noise. Reliability is the correlation of the two (1: the same map twice, 0: no stable map). The post expects reliable fields early and, later, a code that single maps do not describe. Below, each layer’s most reliable unit (blue darker, red lighter than average).',
  render(r, ctx) {
    const m = ctx?.marks ?? new Marks(r);
    const paths = (w, l) => STATIONS.map((s) => `${w}.${s}.${l}.reliability`);
    const control = WIRINGS.some((w) => LAYERS.some((l) => m.hasControl(paths(w, l))));
    const chart = h('div', {},
      legend([...WIRING_LEGEND, ...statsLegend(m, { control })]),
      h('div', { class: 'exp-multiples exp-three' },
        LAYERS.map((l) => panel(null, lineChart({
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
      h('p', { class: 'exp-subhead' }, `The most reliable unit’s map (first noise set), per station and layer${m.hasIntervals ? `, seed ${r.seed ?? 1}` : ''}`),
      sideBySide(maps(r, 'stream'), maps(r, 'hierarchy')));
    const rel = (w, s, l) => m.value(`${w}.${s}.${l}.reliability`);
    const say = (w, s, l) => m.say(`${w}.${s}.${l}.reliability`, fixed);
    let sentence = `${m.lead} V1 L4 fields have a reliability of ${say('stream', 'V1', 'l4')} in the stream and ${say('hierarchy', 'V1', 'l4')} in the hierarchy; by IT L2/3 it is ${say('stream', 'IT', 'l23')} and ${say('hierarchy', 'IT', 'l23')}. With ${r.n_per_half ?? '?'} noise frames per half, small values are near the noise floor.`;
    const untrained = WIRINGS.map((w) => m.untrained(`${w}.V1.l4.reliability`));
    if (untrained.some((v) => v !== null)) sentence += ` Untrained models, V1 L4: ${fixed(untrained[0] ?? NaN)} and ${fixed(untrained[1] ?? NaN)}.`;
    const retina = WIRINGS.map((w) => m.retina(`${w}.V1.l4.reliability`));
    if (retina.some((v) => v !== null)) sentence += ` Retina control (centre–surround LGN only), V1 L4: ${fixed(retina[0] ?? NaN)} and ${fixed(retina[1] ?? NaN)}.`;
    const tables = WIRINGS.map((w) => dataTable(`${w}: receptive-field reliability (units responding)`, ['station', 'L4', 'L2/3', 'L5'],
      STATIONS.map((s) => [s, ...LAYERS.map((l) => `${say(w, s, l)} (${r[w]?.[s]?.[l]?.units_responding ?? 0})`)])));
    return { chart, sentence, tables };
  },
};
