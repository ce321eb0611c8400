// GA: representation overloading in the gated variant (Sezener et al. 2021). How many kernels
// each unit selects (one per context), and one unit's effective kernel under four
// kinds of input, with how alike those kernels are.

import { h } from '../dom.js';
import { dataTable, diverging, heatmap, legend, panel, signedImage, statsLegend, stripChart } from '../charts.js';
import { Marks } from './interval.js';
import { fixed, pct } from './format.js';

/** The 3×3 kernel summed over input channels (index (ky*3+kx)*C + c). */
function spatial(kernel, channels) {
  return Array.from({ length: 9 }, (_, p) => {
    let s = 0;
    for (let c = 0; c < channels; c++) s += kernel[p * channels + c] ?? 0;
    return s;
  });
}

/** @typedef {import('../types/generated/gating/Output').Output} Output */

export default /** @satisfies {import('../types/results').Figure<Output>} */ ({
  name: 'gating',
  title: 'One cell, several roles (representation overloading)',
  look: 'How many of its weight sets a unit of the gated model uses across different kinds of input: one means a single role, more means the input switches what the cell computes.',
  how: 'In the gated variant each L2/3 unit holds several banks of weights, and fixed random hyperplanes over the input’s statistics select exactly one of them per context, as Sezener et al. do. Left: how many distinct kernels each unit selects over held-out sketches, edges and noise (dots: units; tick: the mean per unit). Right: the unit that uses the most, its effective 3×3 kernel (summed over input channels) under four inputs, and how alike those kernels are. This is the gated model only, not the two wirings.',
  render(r, ctx) {
    const marks = ctx?.marks ?? new Marks(r);
    const stations = r.stations;
    const meanPath = (/** @type {number} */ i) => /** @type {const} */ (`stations.${i}.mean_kernels_used`);
    const possible = r.possible_kernels;
    const ex = r.example;
    const [ky, , channels] = ex.kernel_shape;
    const conds = ex.conditions;
    const chart = h('div', {},
      h('div', { class: 'exp-multiples exp-two' },
        panel(null, stripChart({
          title: 'kernels used per unit',
          label: `Number of distinct kernels each L2/3 unit selects over the inputs, per station (of ${possible} possible)`,
          rows: stations.map((s, i) => ({ label: s.station, cls: 'exp-gated', values: s.kernels_used ?? s.patterns, median: marks.value(meanPath(i)), ci: marks.ci(meanPath(i)), control: marks.untrained(meanPath(i)) })),
          x: [0, possible],
          tickFormat: (v) => String(v),
          xTitle: `kernels used (of ${possible})`,
          width: 220,
          left: 34,
        })),
        panel(null,
          h('p', { class: 'exp-panel-heading' }, `${ex.station} L2/3 unit ${ex.unit}: effective kernel under`),
          h('div', { class: 'exp-kernels' },
            conds.map((c) => h('figure', { class: 'exp-kernel' },
              signedImage(spatial(c.kernel, channels), ky, `Effective kernel for ${c.input}, summed over ${channels} input channels`, 'exp-image exp-kernel-image'),
              h('figcaption', {}, c.input, h('br'), h('span', { class: 'exp-banks' }, `selects kernel ${c.banks_open.map((b, i) => (b ? i + 1 : null)).filter(Boolean).join(', ') || 'none'}`))))),
          heatmap({
            label: 'Correlation between the effective kernels under the four inputs',
            rows: conds.map((c) => c.input.replace('a sketch ', '').replace('(tiger)', 'tiger')),
            cols: conds.map((c) => c.input.replace('a sketch ', '').replace('(tiger)', 'tiger')),
            values: ex.kernel_correlation,
            range: [-1, 1],
            colour: (t) => diverging(t),
            cell: 32,
            left: 110,
            top: 70,
            format: (v) => fixed(v, 2),
          }))),
      legend([{ cls: 'exp-gated', label: `a unit of the gated model${marks.hasIntervals ? `, seed ${r.seed ?? 1}` : ''}`, kind: 'line' }, { cls: 'exp-median', label: marks.hasIntervals ? `mean kernels per unit, mean over ${marks.n} seeds` : 'mean kernels per unit', kind: 'swatch' },
        ...statsLegend(marks, { control: stations.some((_, i) => marks.untrained(meanPath(i)) !== null) })]));
    const corr = ex.kernel_correlation;
    const silent = conds.map((c) => !c.banks_open.some(Boolean));
    let minC = Infinity;
    let pair = null;
    corr.forEach((row, i) => row.forEach((v, j) => {
      if (j > i && !silent[i] && !silent[j] && v < minC) {
        minC = v;
        pair = [i, j];
      }
    }));
    const off = conds.filter((_, i) => silent[i]).map((c) => c.input);
    const share = (/** @type {number} */ i) => marks.say(`stations.${i}.mean_top_kernel_share`, (v) => pct(v));
    let sentence = `${marks.lead} each unit selects ${stations.map((s, i) => `${marks.say(meanPath(i), (v) => fixed(v, 1))} (${s.station})`).join(', ')} distinct kernels on average over the inputs, of ${possible} possible, and its most used kernel serves ${stations.map((s, i) => `${share(i)} (${s.station})`).join(', ')} of them.`;
    const untrained = stations.map((_, i) => marks.untrained(meanPath(i)));
    if (untrained.some((v) => v !== null)) sentence += ` Untrained, with the same fixed gates: ${stations.map((s, i) => `${fixed(untrained[i], 1)} (${s.station})`).join(', ')}, so whatever of the count the untrained model matches comes from the gates and the inputs, not from learning.`;
    if (pair) sentence += ` The example unit’s kernels for ${conds[pair[0]].input} and ${conds[pair[1]].input} correlate at ${fixed(minC)}, its least alike pair${marks.hasIntervals ? ` (seed ${r.seed ?? 1})` : ''}.`;
    const tables = [
      dataTable('Kernels selected per unit', ['station', 'mean kernels used per unit', 'most used kernel’s share', 'mean correlation between its kernels', 'units'], stations.map((s, i) => [s.station, marks.say(meanPath(i), fixed), marks.say(`stations.${i}.mean_top_kernel_share`, (v) => pct(v)), marks.say(`stations.${i}.mean_kernel_correlation`, fixed), (s.kernels_used ?? s.patterns ?? []).length])),
      dataTable(`Correlation of the example unit's effective kernels`, ['input', ...conds.map((c) => c.input)], conds.map((c, i) => [c.input, ...(corr[i] ?? []).map((v) => fixed(v))])),
    ];
    return { chart, sentence, tables };
  },
});
