// P1: is edge orientation decodable all along layer 5? Probe accuracy per station and layer,
// stream against hierarchy; with the edge task off (natively trained controls) from the file.
// The verdict's condition, the retina control with the edge task on, from the file: V1 L5's
// decoder carried along L5 against its untrained retina control, the positive control (the
// stream with V2, V4 and IT bypassed) beside it, and the low-capacity probes.

import { h } from '../dom.js';
import { WIRING_LEGEND, dataTable, legend, lineChart, panel, statsLegend } from '../charts.js';
import { Marks } from './interval.js';
import { CELL_LAYERS as LAYERS, LAYER_LABELS, STATIONS, WIRINGS } from '../names.js';
import { pct } from './format.js';

/** @typedef {import('../types/generated/edge-probe/Output').Output} Output */
/** @template T @typedef {import('../types/results').Path<T>} Path */
/** @typedef {import('../types/results').Station} Station */
/** @typedef {import('../names.js').Wiring} Wiring */
/** @typedef {keyof Output['stream']['V1']} CellLayer */
/** Where a probe's numbers sit: the models themselves, or the pair trained with the edge task off. @typedef {'' | 'edge_task_off.'} Prefix */

const CELLS = /** @type {readonly CellLayer[]} */ (LAYERS);

/**
 * One small chart of probe accuracy along the stations: `key(w, s)` is where a wiring's value at
 * a station sits in the results.
 * @param {Marks<Output>} m
 * @param {(w: Wiring, s: Station) => Path<Output>} key
 * @param {number} chance @param {string} title @param {string} label
 */
function probeChart(m, key, chance, title, label) {
  return panel(null, lineChart({
    title,
    label,
    xLabels: STATIONS,
    series: WIRINGS.map((w) => ({ cls: `exp-${w}`, ...m.series(STATIONS.map((s) => key(w, s))) })),
    y: [0, 1],
    yTicks: [0, 0.25, 0.5, 0.75, 1],
    yFormat: (v) => `${Math.round(v * 100)}`,
    left: 26,
    width: 170,
    height: 140,
    chance,
  }));
}

/**
 * The three layers' panels and V1's L5 decoder applied unchanged at each later L5 (does the same
 * code carry the edge on?), in one grid so none stretches alone; `m` gives each mark its interval
 * and control, `prefix` where in the results it sits.
 * @param {Marks<Output>} m @param {Prefix} prefix @param {number} chance @param {string} label
 */
function panels(m, prefix, chance, label) {
  return h('div', { class: 'exp-multiples exp-three' },
    CELLS.map((l) => probeChart(m, (w, s) => `${prefix}${w}.${s}.${l}`, chance, LAYER_LABELS[l],
      `${label}: probe accuracy in ${LAYER_LABELS[l]} at V1, V2, V4 and IT`)),
    probeChart(m, (w, s) => `${prefix}v1_decoder.${w}.${s}.l5`, chance, 'V1 L5’s decoder',
      `${label}: accuracy of the probe trained at V1 L5, applied unchanged to L5 at V2, V4 and IT`));
}

/**
 * The ceiling, the probe on the model's own input (LGN and s₀), and V1's decoder carried on, in words.
 * @param {Marks<Output>} m @param {Prefix} prefix
 */
function ceilingSaid(m, prefix) {
  const c = (/** @type {Wiring} */ w, /** @type {keyof Output['ceiling']['stream']} */ k) => m.say(`${prefix}ceiling.${w}.${k}`, pct);
  if (!Number.isFinite(m.value(`${prefix}ceiling.stream.lgn`))) return '';
  return ` The ceiling, the probe on the input itself, is ${c('stream', 'lgn')} on the LGN and ${c('stream', 's0')} on s₀ (stream models; hierarchy ${c('hierarchy', 'lgn')} and ${c('hierarchy', 's0')}). V1 L5’s decoder applied unchanged at V2, V4 and IT L5 averages ${m.say(`${prefix}v1_decoder.stream.later_l5`, pct)} in the stream and ${m.say(`${prefix}v1_decoder.hierarchy.later_l5`, pct)} in the hierarchy.`;
}

/**
 * The probe's tables: per station and layer for each wiring `r` has, then the ceiling and V1's decoder.
 * @param {Marks<Output>} m @param {Pick<Output['edge_task_off'], Wiring>} r @param {Prefix} prefix @param {string} caption
 */
function tables(m, r, prefix, caption) {
  return WIRINGS.filter((w) => r[w]).map((w) => dataTable(`${caption}, ${w}: probe accuracy (chance 12.5 %)`, ['station', 'L4', 'L2/3', 'L5'],
    STATIONS.map((s) => [s, ...CELLS.map((l) => m.say(`${prefix}${w}.${s}.${l}`, pct))])))
    .concat(dataTable(`${caption}: the ceiling (probe on the input) and V1 L5’s decoder carried to later L5s`, ['wiring', 'LGN', 's₀', ...STATIONS.map((s) => `V1 decoder at ${s} L5`), 'mean after V1'],
      WIRINGS.map((w) => [w, m.say(`${prefix}ceiling.${w}.lgn`, pct), m.say(`${prefix}ceiling.${w}.s0`, pct), ...STATIONS.map((s) => m.say(`${prefix}v1_decoder.${w}.${s}.l5`, pct)), m.say(`${prefix}v1_decoder.${w}.later_l5`, pct)])));
}

/**
 * Marks over the retina control's seeds, with the untrained retina control as their control, or
 * null when the file has no retina control (a live run, or a file from before it). `file` is the
 * whole results file (a Marks' `file`), not its example.
 * @param {any} file @returns {Marks<Output> | null}
 */
function retinaMarks(file) {
  const rc = file?.retina_control;
  if (!rc?.summary || !Array.isArray(file?.seeds)) return null;
  return new Marks(/** @type {Output} */ (null), { seeds: file.seeds, example: {}, summary: rc.summary, stream_minus_hierarchy: rc.stream_minus_hierarchy, untrained: file.untrained_retina ?? null });
}

/** The retina control's panels: V1 L5's decoder along L5 with the positive control beside it,
 * and the probes on the leading principal components of IT's L5.
 * @param {Marks<Output>} mr @param {number} chance @param {typeof COMPONENTS} components */
function retinaPanels(mr, chance, components) {
  const decoder = panel(null, lineChart({
    title: 'V1 L5’s decoder along L5',
    label: 'Retina control, edge task on: accuracy of the probe trained at V1 L5, applied unchanged to L5 at V1, V2, V4 and IT, in the stream, the hierarchy and the positive control (the stream with V2, V4 and IT bypassed)',
    xLabels: STATIONS,
    series: [...WIRINGS.map((w) => ({ cls: `exp-${w}`, ...mr.series(STATIONS.map((s) => /** @type {const} */ (`v1_decoder.${w}.${s}.l5`))) })),
      { cls: 'exp-neutral', ...mr.series(STATIONS.map((s) => /** @type {const} */ (`positive_control.v1_decoder.${s}.l5`))) }],
    y: [0, 1], yTicks: [0, 0.25, 0.5, 0.75, 1], yFormat: (v) => `${Math.round(v * 100)}`,
    left: 26, width: 200, height: 140, chance,
  }));
  const pcs = panel(null, lineChart({
    title: 'IT L5 on its leading components',
    label: 'Retina control, edge task on: probe accuracy on the 1, 2, 4 and 8 leading principal components of IT’s L5, stream and hierarchy',
    xLabels: components.map(String),
    xTitle: 'principal components',
    series: WIRINGS.map((w) => ({ cls: `exp-${w}`, ...mr.series(components.map((c) => /** @type {const} */ (`components.${w}.IT.${c}`))) })),
    y: [0, 1], yTicks: [0, 0.25, 0.5, 0.75, 1], yFormat: (v) => `${Math.round(v * 100)}`,
    left: 26, width: 200, height: 140, chance,
  }));
  return h('div', { class: 'exp-multiples exp-two' }, decoder, pcs);
}

/** The numbers of leading principal components the core probes (COMPONENTS in edge_probe.rs). */
const COMPONENTS = /** @type {const} */ ([1, 2, 4, 8]);

/**
 * A path of the retina control's paired difference below `v1_decoder`: the difference tree
 * pairs the wirings wherever they sit, and WiringPathOf knows only a pair at the root. The
 * path is checked against one wiring's decoder and handed on untyped.
 * @param {Path<Output['v1_decoder']['stream']>} path @returns {any}
 */
const v1DecoderDifference = (path) => `v1_decoder.${path}`;

/** Probe accuracy differences in points. @param {number} v */
const points = (v) => (Number.isFinite(v) ? `${v > 0 ? '+' : v < 0 ? '\u2212' : ''}${Math.abs(v * 100).toFixed(1)} points` : '–');

export default /** @satisfies {import('../types/results').Figure<Output>} */ ({
  name: 'edge-probe',
  title: 'Edges all along layer 5 (prediction 1)',
  look: 'How well an edge’s orientation can be read out of each layer of each station, against chance (the grey line). The post expects the stream to keep edges readable in layer 5 up to IT when the task needs them; look for a difference of degree between the wirings.',
  how: 'A cross-validated linear probe reads the orientation of an edge (8 bins, chance 12.5 %, the grey line) from L4, L2/3 and L5 of every station; below each set, the probe trained at V1 L5 applied unchanged to later L5s (does the same code carry the edge on?). The sentence gives the ceiling, the probe on the model’s own input. The post predicts that in a stream edges stay decodable in L5 all the way to IT when they matter to the task; a hierarchy may keep them too, so look for a difference of degree.',
  render(r, ctx) {
    const m = ctx.marks ?? new Marks(r);
    const chance = r.chance;
    const live = r.edge_task_off;
    // An older or partial file may have no edge_task_off at all.
    const hasOff = (/** @type {Output['edge_task_off']} */ o) => o && (o.stream || o.hierarchy);
    // A live run has no edge-off models: their numbers come from the results file (seed 1, no interval).
    const offFromFile = !hasOff(live) && hasOff(ctx.file?.edge_task_off);
    const off = hasOff(live) ? live : offFromFile ? ctx.file.edge_task_off : null;
    const mOff = offFromFile ? new Marks(ctx.file) : m;
    const paths = WIRINGS.flatMap((w) => STATIONS.flatMap((s) => CELLS.map((l) => /** @type {const} */ (`${w}.${s}.${l}`))));
    const mr = retinaMarks(m.file);
    const chart = h('div', {},
      legend([...WIRING_LEGEND, ...statsLegend(m, { control: m.hasControl(paths) })]),
      mr
        ? [h('p', { class: 'exp-subhead' }, 'Retina control, edge task on (the verdict’s condition: no hand-built edge cells, so V1 learns orientation itself; controls: the untrained retina control)'),
          legend([{ cls: 'exp-neutral', label: 'positive control: the stream with V2, V4 and IT bypassed', kind: 'line' }]),
          retinaPanels(mr, chance, COMPONENTS)]
        : null,
      h('p', { class: 'exp-subhead' }, 'Edge task on (the shipped models)'),
      panels(m, '', chance, 'Edge task on'),
      off
        ? [h('p', { class: 'exp-subhead' }, `Edge task off (control models trained without the orientation loss${offFromFile ? '; from the results file, seed 1, as these models are not in the browser' : ''})`), panels(mOff, 'edge_task_off.', chance, 'Edge task off')]
        : h('p', { class: 'exp-note' }, 'Edge task off: the control models are trained natively and are not in the browser; their numbers appear here once the results file has them.'));
    // The lead (how many seeds) opens the sentence once, before whichever condition comes first.
    let sentence = `the stream’s IT L5 decodes edge orientation at ${m.say('stream.IT.l5', pct)}, the hierarchy’s at ${m.say('hierarchy.IT.l5', pct)}`;
    const diff = m.sayDifference('IT.l5', points);
    sentence += diff ? ` (paired ${diff})` : '';
    sentence += `; at V1 L5 they are at ${m.say('stream.V1.l5', pct)} and ${m.say('hierarchy.V1.l5', pct)}.`;
    sentence += ceilingSaid(m, '');
    if (off) sentence += ` With the edge task off, IT L5 is at ${mOff.say('edge_task_off.stream.IT.l5', pct)} (stream) and ${mOff.say('edge_task_off.hierarchy.IT.l5', pct)} (hierarchy), and V1 L5’s decoder carried on averages ${mOff.say('edge_task_off.v1_decoder.stream.later_l5', pct)} and ${mOff.say('edge_task_off.v1_decoder.hierarchy.later_l5', pct)}.`;
    const untrained = WIRINGS.map((w) => m.untrained(`${w}.IT.l5`));
    if (untrained.some((v) => v !== null)) sentence += ` Untrained models: ${pct(untrained[0] ?? NaN)} and ${pct(untrained[1] ?? NaN)}.`;
    const retina = WIRINGS.map((w) => m.retina(`${w}.IT.l5`));
    if (retina.some((v) => v !== null)) sentence += ` With a retina of centre–surround cells only (no hand-built edge cells): ${pct(retina[0] ?? NaN)} (stream) and ${pct(retina[1] ?? NaN)} (hierarchy).`;
    const retinaTables = [];
    if (mr) {
      const carried = mr.sayDifference(v1DecoderDifference('later_l5'), points);
      sentence = `${mr.lead}, on the retina control with the edge task on (the verdict’s condition), V1 L5’s decoder carried to V2, V4 and IT L5 averages ${mr.say('v1_decoder.stream.later_l5', pct)} in the stream and ${mr.say('v1_decoder.hierarchy.later_l5', pct)} in the hierarchy${carried ? ` (paired ${carried})` : ''}; the positive control, the stream with V2, V4 and IT bypassed, reads ${mr.say('positive_control.v1_decoder.later_l5', pct)}. With the shipped models, ${sentence}`;
      retinaTables.push(dataTable('Retina control, edge task on: V1 L5’s decoder at each L5 and the probes on IT L5’s leading principal components', ['model', ...STATIONS.map((s) => `V1 decoder at ${s}`), 'mean after V1', ...COMPONENTS.map((c) => `IT, ${c} PC`)],
        [...WIRINGS.map((w) => [w, ...STATIONS.map((s) => mr.say(`v1_decoder.${w}.${s}.l5`, pct)), mr.say(`v1_decoder.${w}.later_l5`, pct), ...COMPONENTS.map((c) => mr.say(`components.${w}.IT.${c}`, pct))]),
          ['positive control', ...STATIONS.map((s) => mr.say(`positive_control.v1_decoder.${s}.l5`, pct)), mr.say('positive_control.v1_decoder.later_l5', pct), ...COMPONENTS.map((c) => mr.say(`positive_control.components.IT.${c}`, pct))]]));
    } else {
      sentence = `${m.lead}, with the shipped models, ${sentence}`;
    }
    return { chart, sentence, tables: [...retinaTables, ...tables(m, r, '', 'Edge task on'), ...(off ? tables(mOff, { ...off }, 'edge_task_off.', 'Edge task off') : [])] };
  },
});
