// P1: is edge orientation decodable all along layer 5? Probe accuracy per station and layer,
// stream against hierarchy; with the edge task off (natively trained controls) from the file.

import { h } from '../dom.js';
import { WIRING_LEGEND, dataTable, legend, lineChart, panel, statsLegend } from './charts.js';
import { Marks } from './interval.js';
import { CELL_LAYERS as LAYERS, LAYER_LABELS, STATIONS, WIRINGS } from '../names.js';
import { pct } from './format.js';


/** The three layers' panels; `m` gives each mark its interval and control, `prefix` where in the results it sits. */
function panels(m, prefix, chance, label) {
  return h('div', { class: 'exp-multiples exp-three' },
    LAYERS.map((l) => panel(null, lineChart({
      title: LAYER_LABELS[l],
      label: `${label}: probe accuracy in ${LAYER_LABELS[l]} at V1, V2, V4 and IT`,
      xLabels: STATIONS,
      series: WIRINGS.map((w) => ({ cls: `exp-${w}`, ...m.series(STATIONS.map((s) => `${prefix}${w}.${s}.${l}`)) })),
      y: [0, 1],
      yTicks: [0, 0.25, 0.5, 0.75, 1],
      yFormat: (v) => `${Math.round(v * 100)}`,
      left: 26,
      width: 170,
      height: 140,
      chance,
    }))));
}

function tables(m, r, prefix, caption) {
  return WIRINGS.filter((w) => r?.[w]).map((w) => dataTable(`${caption}, ${w}: probe accuracy (chance 12.5 %)`, ['station', 'L4', 'L2/3', 'L5'],
    STATIONS.map((s) => [s, ...LAYERS.map((l) => m.say(`${prefix}${w}.${s}.${l}`, pct))])));
}

/** Probe accuracy differences in points. */
const points = (v) => (Number.isFinite(v) ? `${v > 0 ? '+' : v < 0 ? '\u2212' : ''}${Math.abs(v * 100).toFixed(1)} points` : '–');

export default {
  name: 'edge-probe',
  title: 'Edges all along layer 5 (prediction 1)',
  look: 'A cross-validated linear probe reads the orientation of an edge (8 bins, chance 12.5 %, the grey line) from L4, L2/3 and L5 of every station. The post predicts that in a stream edges stay decodable in L5 all the way to IT when they matter to the task; a hierarchy may keep them too, so look for a difference of degree.',
  render(r, ctx) {
    const m = ctx.marks ?? new Marks(r);
    const chance = r.chance ?? 0.125;
    const live = r.edge_task_off;
    const hasOff = (o) => o && (o.stream || o.hierarchy);
    // A live run has no edge-off models: their numbers come from the results file (seed 1, no interval).
    const offFromFile = !hasOff(live) && hasOff(ctx.file?.edge_task_off);
    const off = hasOff(live) ? live : offFromFile ? ctx.file.edge_task_off : null;
    const mOff = offFromFile ? new Marks(ctx.file) : m;
    const paths = WIRINGS.flatMap((w) => STATIONS.flatMap((s) => LAYERS.map((l) => `${w}.${s}.${l}`)));
    const chart = h('div', {},
      legend([...WIRING_LEGEND, ...statsLegend(m, { control: m.hasControl(paths) })]),
      h('p', { class: 'exp-subhead' }, 'Edge task on (the shipped models)'),
      panels(m, '', chance, 'Edge task on'),
      off
        ? [h('p', { class: 'exp-subhead' }, `Edge task off (control models trained without the orientation loss${offFromFile ? '; from the results file, seed 1, as these models are not in the browser' : ''})`), panels(mOff, 'edge_task_off.', chance, 'Edge task off')]
        : h('p', { class: 'exp-note' }, 'Edge task off: the control models are trained natively and are not in the browser; their numbers appear here once the results file has them.'));
    let sentence = `${m.lead} the stream’s IT L5 decodes edge orientation at ${m.say('stream.IT.l5', pct)}, the hierarchy’s at ${m.say('hierarchy.IT.l5', pct)}`;
    const diff = m.sayDifference('IT.l5', points);
    sentence += diff ? ` (paired ${diff})` : '';
    sentence += `; at V1 L5 they are at ${m.say('stream.V1.l5', pct)} and ${m.say('hierarchy.V1.l5', pct)}.`;
    if (off) sentence += ` With the edge task off, IT L5 is at ${mOff.say('edge_task_off.stream.IT.l5', pct)} (stream) and ${mOff.say('edge_task_off.hierarchy.IT.l5', pct)} (hierarchy).`;
    const untrained = WIRINGS.map((w) => m.untrained(`${w}.IT.l5`));
    if (untrained.some((v) => v !== null)) sentence += ` Untrained models: ${pct(untrained[0] ?? NaN)} and ${pct(untrained[1] ?? NaN)}.`;
    const retina = WIRINGS.map((w) => m.retina(`${w}.IT.l5`));
    if (retina.some((v) => v !== null)) sentence += ` With a retina of centre–surround cells only (no hand-built edge cells): ${pct(retina[0] ?? NaN)} (stream) and ${pct(retina[1] ?? NaN)} (hierarchy).`;
    return { chart, sentence, tables: [...tables(m, r, '', 'Edge task on'), ...(off ? tables(mOff, { ...off }, 'edge_task_off.', 'Edge task off') : [])] };
  },
};
