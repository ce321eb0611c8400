// P3: does L5 delete part of its input? δ (the fraction of its input a station's write
// cancels), the cosine of read and write directions, and the edge direction's amplitude.

import { h } from '../dom.js';
import { WIRING_BAR_LEGEND, barChart, dataTable, extent, legend, lineChart, panel, statsLegend } from './charts.js';
import { Marks } from './interval.js';
import { STATIONS, WIRINGS } from '../names.js';
import { fixed, pct, sig, signedFixed } from './format.js';

export default {
  name: 'deletion',
  title: 'Does layer 5 delete? (prediction 3)',
  look: 'Left: δ, the fraction of what arrives at a station that its write cancels, averaged over held-out sketches (above zero: the write deletes part of its input; below zero: it amplifies it). Right: how much of the input’s edge direction is left in each L5, relative to the thalamic input (log scale; in the hierarchy the basis is not shared, so it is only a reference).',
  render(r, ctx) {
    const m = ctx?.marks ?? new Marks(r);
    const deltaPaths = (w) => STATIONS.map((_, k) => `${w}.delta.${k}.mean`);
    const delta = WIRINGS.map((w) => ({ cls: `exp-${w}`, ...m.series(deltaPaths(w)) }));
    const all = delta.flatMap((ser) => [...ser.values, ...ser.ci.flat(), ...ser.control].filter((v) => v !== null));
    const [lo, hi] = extent(all, [0]);
    // Amplitudes on a log scale: the interval and the control are logged with the mark.
    const log = (v) => (Number.isFinite(v) && v > 0 ? Math.log10(v) : NaN);
    const amp = WIRINGS.map((w) => {
      const ser = m.series(STATIONS.map((_, k) => `${w}.edge_amplitude.${k}`));
      return {
        cls: `exp-${w}`,
        values: ser.values.map(log),
        ci: ser.ci.map((c) => (c && c[0] > 0 ? [log(c[0]), log(c[1])] : null)),
        control: ser.control.map((v) => (v === null ? null : log(v))),
      };
    });
    const [alo, ahi] = extent(amp.flatMap((ser) => ser.values), [0]);
    const control = WIRINGS.some((w) => m.hasControl(deltaPaths(w)));
    const chart = h('div', {},
      h('div', { class: 'exp-legends' }, legend([...WIRING_BAR_LEGEND, ...statsLegend(m, { control })])),
      h('div', { class: 'exp-multiples exp-two' },
        panel(null, barChart({
          title: 'δ, mean over sketches',
          label: 'Mean delta per station, stream and hierarchy',
          categories: STATIONS,
          series: delta,
          y: [Math.min(lo * 1.15, -0.1), Math.max(hi * 1.15, 0.1)],
          yFormat: (v) => fixed(v, 1),
          width: 220,
          height: 160,
        })),
        panel(null, lineChart({
          title: 'edge amplitude (× input)',
          label: 'Amplitude of the input edge direction at each L5 relative to the thalamic input, log scale',
          xLabels: STATIONS,
          series: amp,
          y: [Math.floor(alo), Math.ceil(ahi)],
          yTicks: Array.from({ length: Math.ceil(ahi) - Math.floor(alo) + 1 }, (_, i) => Math.floor(alo) + i),
          yFormat: (v) => sig(10 ** v, 1),
          width: 220,
          height: 160,
        }))),
      h('p', { class: 'exp-note' }, 'Lines: stream solid with round markers, hierarchy dashed with square markers.'));
    const cancelling = (w) => STATIONS.filter((_, k) => m.value(`${w}.delta.${k}.mean`) > 0);
    const list = (a) => (a.length ? `at ${a.join(', ')}` : 'at no station');
    const cosMin = Math.min(...(r.stream?.read_write_cosine ?? []).map((c) => c.min));
    const sentence = `${m.lead} the mean δ is above zero (the write cancels part of its input) ${list(cancelling('stream'))} in the stream and ${list(cancelling('hierarchy'))} in the hierarchy; at IT it is ${m.say('stream.delta.3.mean', (v) => signedFixed(v))} in the stream (cancelling on ${pct(m.value('stream.delta.3.fraction_cancelling'))} of sketches) and ${m.say('hierarchy.delta.3.mean', (v) => signedFixed(v))} in the hierarchy. The stream’s most opposed read–write pair has cosine ${fixed(cosMin)}${m.hasIntervals ? ` (seed ${r.seed ?? 1})` : ''}.`;
    const tables = WIRINGS.map((w) => dataTable(`${w}: deletion measures per station`, ['station', 'mean δ', 'median δ', 'sketches cancelling', 'mean read–write cosine', 'most negative cosine', 'pairs below −0.5', 'edge amplitude'],
      STATIONS.map((s, k) => {
        const d = r[w]?.delta?.[k] ?? {};
        const c = r[w]?.read_write_cosine?.[k] ?? {};
        return [s, m.say(`${w}.delta.${k}.mean`, (v) => signedFixed(v)), signedFixed(d.median), pct(d.fraction_cancelling), signedFixed(c.mean, 3), signedFixed(c.min), pct(c.fraction_below_minus_half, 1), m.say(`${w}.edge_amplitude.${k}`, (v) => sig(v))];
      })));
    return { chart, sentence, tables };
  },
};
