// P3: does L5 delete part of its input? δ (the fraction of its input a station's write
// cancels), the cosine of read and write directions, and the edge direction's amplitude.

import { h } from '../dom.js';
import { WIRING_BAR_LEGEND, WIRING_LEGEND, barChart, dataTable, extent, legend, lineChart, panel } from './charts.js';
import { STATIONS, WIRINGS } from '../names.js';
import { fixed, pct, sig, signedFixed } from './format.js';

export default {
  name: 'deletion',
  title: 'Does layer 5 delete? (prediction 3)',
  look: 'Left: δ, the fraction of what arrives at a station that its write cancels, averaged over held-out sketches (above zero: the write deletes part of its input; below zero: it amplifies it). Right: how much of the input’s edge direction is left in each L5, relative to the thalamic input (log scale; in the hierarchy the basis is not shared, so it is only a reference).',
  render(r) {
    const delta = (w) => STATIONS.map((_, k) => r[w]?.delta?.[k]?.mean);
    const all = WIRINGS.flatMap(delta);
    const [lo, hi] = extent(all, [0]);
    const amp = (w) => (r[w]?.edge_amplitude ?? []).map((v) => (v > 0 ? Math.log10(v) : NaN));
    const [alo, ahi] = extent(WIRINGS.flatMap(amp), [0]);
    const chart = h('div', {},
      h('div', { class: 'exp-legends' }, legend(WIRING_BAR_LEGEND)),
      h('div', { class: 'exp-multiples exp-two' },
        panel(null, barChart({
          title: 'δ, mean over sketches',
          label: 'Mean delta per station, stream and hierarchy',
          categories: STATIONS,
          series: WIRINGS.map((w) => ({ cls: `exp-${w}`, values: delta(w) })),
          y: [Math.min(lo * 1.15, -0.1), Math.max(hi * 1.15, 0.1)],
          yFormat: (v) => fixed(v, 1),
          width: 220,
          height: 160,
        })),
        panel(null, lineChart({
          title: 'edge amplitude (× input)',
          label: 'Amplitude of the input edge direction at each L5 relative to the thalamic input, log scale',
          xLabels: STATIONS,
          series: WIRINGS.map((w) => ({ cls: `exp-${w}`, values: amp(w) })),
          y: [Math.floor(alo), Math.ceil(ahi)],
          yTicks: Array.from({ length: Math.ceil(ahi) - Math.floor(alo) + 1 }, (_, i) => Math.floor(alo) + i),
          yFormat: (v) => sig(10 ** v, 1),
          width: 220,
          height: 160,
        }))),
      h('p', { class: 'exp-note' }, 'Lines: stream solid with round markers, hierarchy dashed with square markers.'));
    const cancelling = (w) => STATIONS.filter((_, k) => r[w]?.delta?.[k]?.mean > 0);
    const list = (a) => (a.length ? `at ${a.join(', ')}` : 'at no station');
    const sentence = `In this run the stream’s writes cancel part of their input on average ${list(cancelling('stream'))} (δ at IT ${signedFixed(r.stream?.delta?.[3]?.mean)}, cancelling on ${pct(r.stream?.delta?.[3]?.fraction_cancelling)} of sketches), the hierarchy’s ${list(cancelling('hierarchy'))} (δ at IT ${signedFixed(r.hierarchy?.delta?.[3]?.mean)}). Read and write directions are nearly orthogonal on average (the stream’s most opposed pair has cosine ${fixed(Math.min(...(r.stream?.read_write_cosine ?? []).map((c) => c.min)))}).`;
    const tables = WIRINGS.map((w) => dataTable(`${w}: deletion measures per station`, ['station', 'mean δ', 'median δ', 'sketches cancelling', 'mean read–write cosine', 'most negative cosine', 'pairs below −0.5', 'edge amplitude'],
      STATIONS.map((s, k) => {
        const d = r[w]?.delta?.[k] ?? {};
        const c = r[w]?.read_write_cosine?.[k] ?? {};
        return [s, signedFixed(d.mean), signedFixed(d.median), pct(d.fraction_cancelling), signedFixed(c.mean, 3), signedFixed(c.min), pct(c.fraction_below_minus_half, 1), sig(r[w]?.edge_amplitude?.[k])];
      })));
    return { chart, sentence, tables };
  },
};
