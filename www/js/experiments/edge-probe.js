// P1: is edge orientation decodable all along layer 5? Probe accuracy per station and layer,
// stream against hierarchy; with the edge task off (natively trained controls) from the file.

import { h } from '../dom.js';
import { WIRING_LEGEND, dataTable, legend, lineChart, panel } from './charts.js';
import { CELL_LAYERS as LAYERS, LAYER_LABELS, STATIONS, WIRINGS } from '../names.js';
import { pct } from './format.js';


function panels(r, chance, label) {
  return h('div', { class: 'exp-multiples exp-three' },
    LAYERS.map((l) => panel(null, lineChart({
      title: LAYER_LABELS[l],
      label: `${label}: probe accuracy in ${LAYER_LABELS[l]} at V1, V2, V4 and IT`,
      xLabels: STATIONS,
      series: WIRINGS.map((w) => ({ cls: `exp-${w}`, values: STATIONS.map((s) => r?.[w]?.[s]?.[l]) })),
      y: [0, 1],
      yTicks: [0, 0.25, 0.5, 0.75, 1],
      yFormat: (v) => `${Math.round(v * 100)}`,
      left: 26,
      width: 170,
      height: 140,
      chance,
    }))));
}

function tables(r, caption) {
  return WIRINGS.filter((w) => r?.[w]).map((w) => dataTable(`${caption}, ${w}: probe accuracy (chance 12.5 %)`, ['station', 'L4', 'L2/3', 'L5'],
    STATIONS.map((s) => [s, ...LAYERS.map((l) => pct(r[w][s]?.[l]))])));
}

function degree(a, b) {
  const d = a - b;
  if (!Number.isFinite(d)) return '';
  if (Math.abs(d) < 0.03) return 'about the same';
  return `${d > 0 ? 'the stream' : 'the hierarchy'} higher by ${Math.round(Math.abs(d) * 100)} points`;
}

export default {
  name: 'edge-probe',
  title: 'Edges all along layer 5 (prediction 1)',
  look: 'A cross-validated linear probe reads the orientation of an edge (8 bins, chance 12.5 %, the grey line) from L4, L2/3 and L5 of every station. The post predicts that in a stream edges stay decodable in L5 all the way to IT when they matter to the task; a hierarchy may keep them too, so look for a difference of degree.',
  render(r, ctx) {
    const chance = r.chance ?? 0.125;
    const live = r.edge_task_off;
    const hasOff = (o) => o && (o.stream || o.hierarchy);
    const off = hasOff(live) ? live : hasOff(ctx.file?.edge_task_off) ? ctx.file.edge_task_off : null;
    const offFromFile = off && off !== live;
    const chart = h('div', {},
      legend(WIRING_LEGEND),
      h('p', { class: 'exp-subhead' }, 'Edge task on (the shipped models)'),
      panels(r, chance, 'Edge task on'),
      off
        ? [h('p', { class: 'exp-subhead' }, `Edge task off (control models trained without the orientation loss${offFromFile ? '; from the results file, as these models are not in the browser' : ''})`), panels(off, chance, 'Edge task off')]
        : h('p', { class: 'exp-note' }, 'Edge task off: the control models are trained natively and are not in the browser; their numbers appear here once the results file has them.'));
    const s = r.stream?.IT?.l5;
    const hh = r.hierarchy?.IT?.l5;
    let sentence = `In this run the stream’s IT L5 decodes edge orientation at ${pct(s)}, the hierarchy’s at ${pct(hh)} (${degree(s, hh)}); at V1 L5 they are at ${pct(r.stream?.V1?.l5)} and ${pct(r.hierarchy?.V1?.l5)}.`;
    if (off) sentence += ` With the edge task off, IT L5 is at ${pct(off.stream?.IT?.l5)} (stream) and ${pct(off.hierarchy?.IT?.l5)} (hierarchy).`;
    return { chart, sentence, tables: [...tables(r, 'Edge task on'), ...(off ? tables(off, 'Edge task off') : [])] };
  },
};
