// TU: does V1 look like V1? Circular variance, orientation bandwidth and F1/F0 of V1 units
// (L4 and L2/3) beside the published macaque summaries, and example tuning curves.

import { h } from '../dom.js';
import { dataTable, hbarChart, legend, lineChart, panel, statsLegend, stripChart } from '../charts.js';
import { Marks } from './interval.js';
import { LAYER_LABELS, RATE_LAYERS, WIRINGS } from '../names.js';
import { degrees, fixed, pct } from './format.js';
import { sideBySide } from './frame.js';

/** @typedef {import('../types/generated/tuning/Output').Output} Output */
/** @typedef {import('../types/generated/tuning/Published').Published} Published */
/** @typedef {import('../names.js').Wiring} Wiring */
/** @typedef {'l4' | 'l23'} RateLayer */
/** @typedef {{ w: Wiring, l: RateLayer, label: string, cls: string }} Row */

const LAYERS = /** @type {RateLayer[]} */ (RATE_LAYERS).map((l) => /** @type {const} */ ([l, LAYER_LABELS[l]]));
const MEASURES = [
  { key: /** @type {const} */ ('circular_variance'), title: 'circular variance', x: [0, 1], fmt: (v) => String(+v.toFixed(2)), note: 'sharp 0 … flat 1' },
  { key: /** @type {const} */ ('bandwidth_deg'), title: 'bandwidth (°)', x: [0, 90], fmt: (v) => `${v}`, note: 'half-width at 1/√2 of peak' },
  { key: /** @type {const} */ ('f1_f0'), title: 'F1/F0', x: [0, 2], fmt: (v) => String(+v.toFixed(2)), note: 'simple > 1 > complex' },
];

/** The path of a wiring's and layer's similarity to the published distribution of `property`. */
const similarityPath = (/** @type {Wiring} */ w, /** @type {RateLayer} */ l, /** @type {string} */ property) => /** @type {const} */ (`${w}.${l}.macaque_similarity.${property}.similarity`);

/** Circular variance of a tuning curve over 180°. */
function circularVariance(curve) {
  let re = 0;
  let im = 0;
  let total = 0;
  curve.forEach((v, i) => {
    const a = (2 * Math.PI * i) / curve.length;
    re += v * Math.cos(a);
    im += v * Math.sin(a);
    total += v;
  });
  return total > 0 ? 1 - Math.hypot(re, im) / total : 1;
}

/**
 * The similarity of each wiring's and layer's units to one published distribution (1: the same
 * distribution, 0: as far as any can be), as bars with their interval: over seeds where the file
 * has them, else the run's own bootstrap over units.
 * @param {Output} r @param {Marks<Output>} marks @param {Row[]} rows @param {Published} prop
 */
function similarityChart(r, marks, rows, prop) {
  const path = (/** @type {Row} */ row) => similarityPath(row.w, row.l, prop.property);
  const own = (/** @type {Row} */ row) => r[row.w][row.l].macaque_similarity[prop.property]?.ci ?? null;
  return hbarChart({
    label: `Similarity of V1 units' ${prop.property.replace(/_/g, ' ')} to macaque V1, by wiring and layer`,
    rows: rows.map((row) => row.label),
    series: [{
      cls: 'exp-neutral-bar',
      values: rows.map((row) => marks.value(path(row))),
      ci: rows.map((row) => marks.ci(path(row)) ?? (marks.hasIntervals ? null : own(row))),
      control: rows.map((row) => marks.untrained(path(row))),
    }],
    x: [0, 1],
    tickFormat: (v) => String(v),
    valueFormat: (v) => fixed(v, 2),
    xTitle: 'similarity (1 − KS, scaled)',
    width: 240,
    left: 70,
  });
}

/** @param {Output} r @param {Wiring} w */
function curves(r, w) {
  const all = r[w].l4.curves.map((c) => ({ ...c, cv: circularVariance(c.curve) }));
  const pick = all.sort((a, b) => a.cv - b.cv).slice(0, 3);
  const n = pick[0]?.curve.length ?? 12;
  const step = 180 / n;
  return lineChart({
    label: `${w}: the three most selective V1 L4 units' tuning curves, normalised to their peak`,
    xLabels: Array.from({ length: n }, (_, i) => `${Math.round(i * step)}`),
    maxXLabels: 4,
    series: pick.map((c, i) => {
      const max = Math.max(...c.curve) || 1;
      return { cls: `exp-${w} exp-curve-${i}`, values: c.curve.map((v) => v / max) };
    }),
    y: [0, 1],
    yTicks: [0, 0.5, 1],
    markers: false,
    xTitle: 'orientation (°)',
    width: 200,
    height: 120,
    left: 24,
    bottomSpace: 30,
  });
}

export default /** @satisfies {import('../types/results').Figure<Output>} */ ({
  name: 'tuning',
  title: 'Does V1 look like V1?',
  look: 'Our first station’s orientation and spatial-frequency tuning beside published macaque V1: the nearer the similarity bars come to one, the more V1-like the station.',
  how: 'Gratings at evenly spaced orientations (the sentence says how many), eight phases and nine spatial frequencies half an octave apart (the 64-pixel image taken as 2° wide, so 0.5 to 8 cycles per degree), shown to every V1 channel at a 4×4 grid of positions inside the map (a grating is the same everywhere, so a channel’s units are one filter again: the power counts channels). Top: each dot is a unit, each tick a median. Below: how alike our units’ preferred orientations and peak spatial frequencies are to the published macaque V1 distributions (De Valois et al. 1982, as Marques et al. 2021 bin them), as 1 minus the Kolmogorov–Smirnov distance scaled to the largest it could be: 1 is the same distribution, 0 as far as any can be.',
  render(r, ctx) {
    const marks = ctx?.marks ?? new Marks(r);
    /** @type {Row[]} */
    const rows = WIRINGS.flatMap((w) => LAYERS.map(([l, name]) => ({ w, l, label: `${w === 'stream' ? 'stream' : 'hier.'} ${name}`, cls: `exp-${w}` })));
    // Empty in the browser's build, which carries no published data.
    const props = r.macaque_v1.published;
    const medianPath = (/** @type {Row} */ row, /** @type {typeof MEASURES[number]['key']} */ key) => /** @type {const} */ (`${row.w}.${row.l}.${key}.median`);
    const medianPaths = rows.flatMap((row) => MEASURES.map((m) => medianPath(row, m.key)));
    const chart = h('div', {},
      legend([{ cls: 'exp-stream', label: 'stream (round)', kind: 'line' }, { cls: 'exp-hierarchy', label: 'hierarchy (square)', kind: 'line' }, { cls: 'exp-median', label: marks.hasIntervals ? 'median (mean over seeds)' : 'median', kind: 'swatch' },
        ...statsLegend(marks, { control: marks.hasControl(medianPaths) })]),
      h('div', { class: 'exp-multiples exp-three exp-strips' },
        MEASURES.map((m) => h('div', { class: 'exp-panel' },
          stripChart({
            title: m.title,
            label: `${m.title} of V1 units, by wiring and layer`,
            rows: rows.map((row) => {
              const path = medianPath(row, m.key);
              return { label: row.label, cls: row.cls, values: r[row.w][row.l][m.key].values, median: marks.value(path), ci: marks.ci(path), control: marks.untrained(path) };
            }),
            x: m.x,
            tickFormat: m.fmt,
            width: 220,
            left: 70,
          })))),
      props.length ? h('p', { class: 'exp-subhead' }, 'Similarity to macaque V1 (bars; error bars: 95 % interval)') : null,
      props.length ? h('div', { class: 'exp-multiples exp-two' }, props.map((p) => panel(`${p.property.replace(/_/g, ' ')}${p.unit ? ` (${p.unit})` : ''}`, similarityChart(r, marks, rows, p)))) : null,
      h('p', { class: 'exp-note' }, `Not compared: ${r.macaque_v1.missing}.`),
      h('p', { class: 'exp-subhead' }, 'The three most selective V1 L4 units (tuning curves, normalised)'),
      sideBySide(curves(r, 'stream'), curves(r, 'hierarchy')),
      null);
    /** L4's number at `k` in wiring `w`, in words. */
    const say = (/** @type {Wiring} */ w, /** @type {'circular_variance.median' | 'bandwidth_deg.median' | 'f1_f0.simple_fraction'} */ k, /** @type {(v: number) => string} */ fmt) => marks.say(`${w}.l4.${k}`, fmt);
    const n = r.orientations;
    let sentence = `${marks.lead} the median circular variance of V1 L4 is ${say('stream', 'circular_variance.median', fixed)} in the stream and ${say('hierarchy', 'circular_variance.median', fixed)} in the hierarchy; the median bandwidth is ${say('stream', 'bandwidth_deg.median', degrees)} and ${say('hierarchy', 'bandwidth_deg.median', degrees)}; ${say('stream', 'f1_f0.simple_fraction', pct)} of stream L4 units and ${say('hierarchy', 'f1_f0.simple_fraction', pct)} of hierarchy L4 units are simple (F1/F0 > 1), from gratings at ${n} orientations (every ${+(180 / n).toFixed(1)}°).`;
    const retina = WIRINGS.map((w) => marks.retina(/** @type {const} */ (`${w}.l4.circular_variance.median`)));
    if (retina.some((v) => v !== null)) sentence += ` With a retina of centre–surround cells only, the median circular variance of V1 L4 is ${fixed(retina[0] ?? NaN)} (stream) and ${fixed(retina[1] ?? NaN)} (hierarchy).`;
    if (props.length) {
      const sim = (/** @type {Wiring} */ w, /** @type {Published} */ p) => `${marks.say(similarityPath(w, 'l23', p.property), (v) => fixed(v, 2))} (${w}, ${r[w].l23.macaque_similarity[p.property]?.units ?? '?'} units)`;
      sentence += ` Against the published macaque V1 distributions (1: the same distribution), V1 L2/3’s ${props.map((p) => `${p.property.replace(/_/g, ' ')} scores ${WIRINGS.map((w) => sim(w, p)).join(' and ')} against ${r.stream.l23.macaque_similarity[p.property]?.published_cells ?? '?'} published cells`).join('; ')}.`;
    }
    const score = (/** @type {'mean' | 'stream' | 'hierarchy' | 'uniform_null'} */ k) => marks.say(`score.${k}`, (v) => fixed(v, 2));
    if (Number.isFinite(marks.value('score.mean'))) {
      sentence += ` The claim scores V1 L2/3, mean over the two properties and both wirings: ${score('mean')} (stream ${score('stream')}, hierarchy ${score('hierarchy')}) against ${score('uniform_null')} for as many units drawn uniformly over each property’s range.`;
      if (Number.isFinite(marks.value('positive_control.score'))) sentence += ` Positive control: a bank of Gabor filters drawn from the published distributions (envelopes from Ringach 2002), as many as the model’s responsive channels, scores ${marks.say('positive_control.score', (v) => fixed(v, 2))} by the same code against ${marks.say('positive_control.uniform_null', (v) => fixed(v, 2))} for its uniform draw.`;
      const pw = r.power?.stream.peak_spatial_frequency;
      if (Number.isFinite(pw?.smallest_detectable_similarity_drop)) sentence += ` With ${pw.independent_units} independent units (the stream’s responsive channels), the test detects only a drop in similarity of ${fixed(pw.smallest_detectable_similarity_drop, 2)} or more in peak spatial frequency (two-sample KS at α = 0.05).`;
    }
    sentence += ` The gratings span ${r.sf_cpd[0]} to ${r.sf_cpd[1]} cycles per degree.`;
    /** @type {HTMLElement[]} */
    const tables = [dataTable('V1 tuning: medians by wiring and layer', ['wiring and layer', 'units', 'circular variance', 'bandwidth', 'F1/F0', 'simple cells'],
      rows.map((row) => {
        const p = /** @type {const} */ (`${row.w}.${row.l}`);
        return [`${row.w} ${row.l === 'l4' ? 'L4' : 'L2/3'}`, r[row.w][row.l].units_responding, marks.say(`${p}.circular_variance.median`, fixed), marks.say(`${p}.bandwidth_deg.median`, degrees), marks.say(`${p}.f1_f0.median`, fixed), marks.say(`${p}.f1_f0.simple_fraction`, pct)];
      }))];
    if (props.length) {
      tables.push(dataTable('Similarity to the published macaque V1 distributions', ['wiring and layer', ...props.map((p) => p.property.replace(/_/g, ' '))],
        rows.map((row) => [row.label, ...props.map((p) => {
          const q = r[row.w][row.l].macaque_similarity[p.property];
          return `${marks.say(similarityPath(row.w, row.l, p.property), (v) => fixed(v, 2))} (${q?.units ?? '?'} units, ${q?.published_cells ?? '?'} published cells)`;
        })])));
    }
    return { chart, sentence, tables };
  },
});
