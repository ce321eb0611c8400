// LE: a stream is an ensemble of paths. Category accuracy with no station, each station and
// each pair of stations removed, both wirings.

import { h } from '../dom.js';
import { WIRING_BAR_LEGEND, dataTable, hbarChart, legend, statsLegend } from './charts.js';
import { Marks } from './interval.js';
import { STATIONS, WIRINGS } from '../names.js';
import { pct } from './format.js';

/** The result's keys, as the core names them: none removed, each station, each pair ('V1+V2'). */
const SETS = ['none', ...STATIONS, ...STATIONS.flatMap((a, i) => STATIONS.slice(i + 1).map((b) => `${a}+${b}`))];

export default {
  name: 'lesion',
  title: 'Remove stations (an ensemble of paths)',
  look: 'Category accuracy on held-out sketches with no station, each station, and each pair of stations removed (chance 10 %, the grey line). If a stream is an ensemble of paths (Veit et al. 2016), removing a station should hurt it less than cutting a level out of a hierarchy.',
  render(r, ctx) {
    const m = ctx?.marks ?? new Marks(r);
    const rows = SETS.filter((k) => WIRINGS.some((w) => Number.isFinite(r[w]?.[k])));
    const paths = (w) => rows.map((k) => `${w}.${k}`);
    const chart = h('div', {},
      legend([...WIRING_BAR_LEGEND, ...statsLegend(m, { control: WIRINGS.some((w) => m.hasControl(paths(w))) })]),
      hbarChart({
        label: 'Accuracy with stations removed, stream and hierarchy',
        rows: rows.map((k) => (k === 'none' ? 'intact' : `−${k.replace('+', ' −')}`)),
        series: WIRINGS.map((w) => ({ cls: `exp-${w}`, ...m.series(paths(w)) })),
        x: [0, 1],
        tickFormat: (v) => `${Math.round(v * 100)} %`,
        valueFormat: (v) => `${Math.round(v * 100)}`,
        chance: r.chance ?? 0.1,
        xTitle: 'category accuracy',
        left: 62,
      }));
    const say = (path) => m.say(path, pct);
    const chance = r.chance ?? 0.1;
    const sentence = `${m.lead} both start at ${say('stream.none')} (stream) and ${say('hierarchy.none')} (hierarchy) intact. With one station removed the stream averages ${say('stream.mean_one_removed')} and the hierarchy ${say('hierarchy.mean_one_removed')}; with two, ${say('stream.mean_two_removed')} and ${say('hierarchy.mean_two_removed')} (chance ${pct(chance)}).`;
    const diff = m.sayDifference('mean_one_removed', (v) => `${v > 0 ? '+' : v < 0 ? '\u2212' : ''}${Math.abs(v * 100).toFixed(1)} points`);
    const sentenceAll = diff ? `${sentence} Paired over seeds, one station removed: ${diff}.` : sentence;
    const table = dataTable('Category accuracy with stations removed', ['removed', ...WIRINGS],
      [...rows.map((k) => [k, say(`stream.${k}`), say(`hierarchy.${k}`)]),
        ['mean, one removed', say('stream.mean_one_removed'), say('hierarchy.mean_one_removed')],
        ['mean, two removed', say('stream.mean_two_removed'), say('hierarchy.mean_two_removed')]]);
    return { chart, sentence: sentenceAll, tables: [table] };
  },
};
