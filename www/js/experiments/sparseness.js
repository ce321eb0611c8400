// SP: no grandmother cells. Treves–Rolls lifetime and population sparseness per station and
// layer, and how many of the ten categories drive each unit.

import { h } from '../dom.js';
import { WIRING_BAR_LEGEND, WIRING_LEGEND, barChart, dataTable, legend, lineChart, panel, statsLegend } from '../charts.js';
import { Marks } from './interval.js';
import { LAYER_LABELS, RATE_LAYERS, STATIONS, WIRINGS } from '../names.js';
import { fixed } from './format.js';

/** @typedef {import('../types/generated/sparseness/Output').Output} Output */
/** @typedef {import('../types/results').PathOf<Output>} OutputPath */
/** @typedef {import('../names.js').Wiring} Wiring */
/** @typedef {keyof import('../types/generated/sparseness/Layers').Layers} Layer */
/** @typedef {(typeof STATIONS)[number]} Station */


// L5 is signed: its units are measured rectified, the positive part a reading cell sees.
const LAYERS = /** @type {Layer[]} */ ([...RATE_LAYERS, 'l5']).map((l) => /** @type {const} */ ([l, l === 'l5' ? `${LAYER_LABELS[l]} (rectified)` : LAYER_LABELS[l]]));

export default /** @satisfies {import('../types/results').Figure<Output>} */ ({
  name: 'sparseness',
  title: 'Grandmother cells or a combinatorial code?',
  look: 'How selective single units are at each station, and how many of the ten categories drive each IT unit: a code of grandmother cells would pile up at one category.',
  how: 'Treves–Rolls sparseness of single units’ responses to held-out sketches (0: every unit answers everything, 1: one unit, one stimulus): lifetime (one unit across stimuli) and population (one stimulus across units). A unit is one channel at one position of a grid over the map, not a channel averaged over its map, which would make early stations with large maps look dense by averaging alone; those pooled numbers are in the table, labelled pooled. Last: for IT L2/3, how many of the ten categories drive each unit to at least half its best response. A grandmother-cell code would pile up at 1.',
  render(r, ctx) {
    const marks = ctx?.marks ?? new Marks(r);
    /** @typedef {'lifetime' | 'population'} Measure */
    const paths = (/** @type {Wiring} */ w, /** @type {Measure} */ m, /** @type {Layer} */ l) => STATIONS.map((s) => /** @type {const} */ (`${w}.${s}.${l}.${m}`));
    const control = WIRINGS.some((w) => LAYERS.some(([l]) => marks.hasControl(paths(w, 'lifetime', l))));
    const measure = (/** @type {Measure} */ m, /** @type {Layer} */ l, /** @type {string} */ label) => panel(null, lineChart({
      title: label,
      label: `${label} at V1, V2, V4 and IT`,
      xLabels: STATIONS,
      series: WIRINGS.map((w) => ({ cls: `exp-${w}`, ...marks.series(paths(w, m, l)) })),
      y: [0, 1],
      yTicks: [0, 0.5, 1],
      left: 26,
      width: 170,
      height: 130,
    }));
    const hist = (/** @type {Wiring} */ w) => r[w].IT.l23.histogram;
    const cats = Array.from({ length: Math.max(hist('stream').length, hist('hierarchy').length, 10) }, (_, i) => String(i + 1));
    const hmax = Math.max(1, ...WIRINGS.flatMap((w) => cats.map((_, i) => marks.ci(`${w}.IT.l23.histogram.${i}`)?.[1] ?? hist(w)[i] ?? 0)));
    const chart = h('div', {},
      legend([...WIRING_LEGEND, ...statsLegend(marks, { control })]),
      h('div', { class: 'exp-multiples exp-two' },
        LAYERS.flatMap(([l, name]) => [measure('lifetime', l, `lifetime, ${name}`), measure('population', l, `population, ${name}`)])),
      h('p', { class: 'exp-subhead' }, 'IT L2/3: number of units driven by n categories'),
      legend(WIRING_BAR_LEGEND),
      h('div', { class: 'exp-narrow' }, barChart({
        label: 'Histogram of the number of categories driving each IT L2/3 unit, stream and hierarchy',
        categories: cats,
        series: WIRINGS.map((w) => ({ cls: `exp-${w}`, values: cats.map((_, i) => marks.value(`${w}.IT.l23.histogram.${i}`) ?? hist(w)[i] ?? 0), ci: cats.map((_, i) => marks.ci(`${w}.IT.l23.histogram.${i}`)) })),
        y: [0, hmax * 1.1],
        xTitle: 'categories driving the unit',
        yTitle: 'units',
        width: 300,
        height: 150,
        bottomSpace: 30,
      })));
    const it = (/** @type {Wiring} */ w) => r[w].IT.l23;
    const say = (/** @type {Wiring} */ w, /** @type {Station} */ s, /** @type {'categories_per_unit' | 'lifetime'} */ k, d = 2) => marks.say(`${w}.${s}.l23.${k}`, (v) => fixed(v, d));
    const sentence = `${marks.lead} an IT L2/3 unit is driven by ${say('stream', 'IT', 'categories_per_unit', 1)} of ${cats.length} categories on average in the stream and ${say('hierarchy', 'IT', 'categories_per_unit', 1)} in the hierarchy; ${it('stream').single_category_units} of ${it('stream').units_responding} stream units and ${it('hierarchy').single_category_units} of ${it('hierarchy').units_responding} hierarchy units answer a single category${marks.hasIntervals ? ` (seed ${r.seed ?? 1})` : ''}. Lifetime sparseness of L2/3 goes from ${say('stream', 'V1', 'lifetime')} at V1 to ${say('stream', 'IT', 'lifetime')} at IT in the stream, and from ${say('hierarchy', 'V1', 'lifetime')} to ${say('hierarchy', 'IT', 'lifetime')} in the hierarchy.`;
    const l5 = (/** @type {Wiring} */ w, /** @type {Station} */ s) => marks.say(`${w}.${s}.l5.lifetime`, (v) => fixed(v, 2));
    let claimSentence = ` The claim reads layer 5 (rectified), in the post’s direction: its lifetime sparseness goes from ${l5('stream', 'V1')} at V1 to ${l5('stream', 'IT')} at IT in the stream, and from ${l5('hierarchy', 'V1')} to ${l5('hierarchy', 'IT')} in the hierarchy.`;
    if (Number.isFinite(marks.value('positive_control.lifetime'))) claimSentence += ` Positive control: with IT’s write replaced by a one-hot code of the category on ten channels (grandmother-like units), the same code measures ${marks.say('positive_control.lifetime', (v) => fixed(v, 2))} at IT; a unit that answers one of ten balanced categories alone scores about 0.9 on this measure, which is as sparse as ten balanced categories allow.`;
    const units = r.stream.V1.l23.units;
    const pooled = (/** @type {Wiring} */ w, /** @type {Station} */ st) => m2(marks, `${w}.${st}.l23.pooled.lifetime`);
    const sentenceAll = `${sentence}${claimSentence} Each figure is over ${units} single units per station and layer. Pooled instead (each channel averaged over its map, not a single unit), L2/3 lifetime sparseness goes from ${pooled('stream', 'V1')} at V1 to ${pooled('stream', 'IT')} at IT in the stream.`;
    const tables = WIRINGS.map((w) => dataTable(`${w}: sparseness of single units, categories per unit, and the pooled (channel-averaged) sparseness`, ['station and layer', 'units', 'lifetime', 'population', 'categories per unit', 'single-category units', 'pooled lifetime', 'pooled population'],
      STATIONS.flatMap((s) => LAYERS.map(([l, name]) => {
        const v = r[w][s][l];
        return [`${s} ${name}`, v.units, marks.say(`${w}.${s}.${l}.lifetime`, fixed), marks.say(`${w}.${s}.${l}.population`, fixed), marks.say(`${w}.${s}.${l}.categories_per_unit`, (x) => fixed(x, 1)), `${v.single_category_units} of ${v.units_responding}`, m2(marks, `${w}.${s}.${l}.pooled.lifetime`), m2(marks, `${w}.${s}.${l}.pooled.population`)];
      }))));
    return { chart, sentence: sentenceAll, tables };
  },
});

/**
 * A number at `path` with its interval, two decimals.
 * @param {Marks<Output>} marks @param {OutputPath} path
 */
function m2(marks, path) {
  return marks.say(path, (v) => fixed(v, 2));
}
