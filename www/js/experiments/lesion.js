// LE: a stream is an ensemble of paths. Category accuracy with no station, each station and
// each pair of stations removed, both wirings.

import { h } from '../dom.js';
import { WIRING_BAR_LEGEND, dataTable, hbarChart, legend } from './charts.js';
import { STATIONS, WIRINGS } from '../names.js';
import { pct } from './format.js';

/** The result's keys, as the core names them: none removed, each station, each pair ('V1+V2'). */
const SETS = ['none', ...STATIONS, ...STATIONS.flatMap((a, i) => STATIONS.slice(i + 1).map((b) => `${a}+${b}`))];

export default {
  name: 'lesion',
  title: 'Remove stations (an ensemble of paths)',
  look: 'Category accuracy on held-out sketches with no station, each station, and each pair of stations removed (chance 10 %, the grey line). If a stream is an ensemble of paths (Veit et al. 2016), removing a station should hurt it less than cutting a level out of a hierarchy.',
  render(r) {
    const rows = SETS.filter((k) => WIRINGS.some((w) => Number.isFinite(r[w]?.[k])));
    const chart = h('div', {},
      legend(WIRING_BAR_LEGEND),
      hbarChart({
        label: 'Accuracy with stations removed, stream and hierarchy',
        rows: rows.map((k) => (k === 'none' ? 'intact' : `−${k.replace('+', ' −')}`)),
        series: WIRINGS.map((w) => ({ cls: `exp-${w}`, values: rows.map((k) => r[w]?.[k]) })),
        x: [0, 1],
        tickFormat: (v) => `${Math.round(v * 100)} %`,
        valueFormat: (v) => `${Math.round(v * 100)}`,
        chance: r.chance ?? 0.1,
        xTitle: 'category accuracy',
        left: 62,
      }));
    const one = (w) => r[w]?.mean_one_removed;
    const two = (w) => r[w]?.mean_two_removed;
    const chance = r.chance ?? 0.1;
    const verdict = one('stream') - one('hierarchy') > 0.02
      ? 'the stream degrades more gracefully'
      : one('hierarchy') - one('stream') > 0.02
        ? 'the hierarchy degrades more gracefully, against the prediction'
        : 'the two degrade alike';
    const sentence = `In this run both start at ${pct(r.stream?.none)} (stream) and ${pct(r.hierarchy?.none)} (hierarchy) intact. With one station removed the stream averages ${pct(one('stream'))} and the hierarchy ${pct(one('hierarchy'))}; with two, ${pct(two('stream'))} and ${pct(two('hierarchy'))} (chance ${pct(chance)}): ${verdict}.`;
    const table = dataTable('Category accuracy with stations removed', ['removed', ...WIRINGS],
      [...rows.map((k) => [k, pct(r.stream?.[k]), pct(r.hierarchy?.[k])]),
        ['mean, one removed', pct(one('stream')), pct(one('hierarchy'))],
        ['mean, two removed', pct(two('stream')), pct(two('hierarchy'))]]);
    return { chart, sentence, tables: [table] };
  },
};
