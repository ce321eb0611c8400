// P2: does a station's variability come from all the stations before it? What electrodes would
// record: the extra R² of units of L5_j from units of every earlier station beyond those of
// station j−1, with the positive control (station j−1 bypassed) beside it; the share of each L5's
// variance from each noise source, and the L5 variance for every on/off combination of them.

import { h } from '../dom.js';
import { WIRING_BAR_LEGEND, barChart, dataTable, extent, legend, statsLegend } from '../charts.js';
import { Marks } from './interval.js';
import { STATIONS, WIRINGS } from '../names.js';
import { fixed, pct, sig, signedFixed } from './format.js';
import { sideBySide } from './frame.js';

/** @typedef {import('../types/generated/variability/Output').Output} Output */
/** @template T @typedef {import('../types/results').Path<T>} Path */
/** @typedef {import('../types/results').Station} Station */
/** @typedef {import('../names.js').Wiring} Wiring */
/** The stations whose L5 the electrodes target: the keys of a model's recordings that are not means. @typedef {Exclude<keyof Output['electrodes']['stream'], `mean_${string}`>} Target */

const SOURCES = ['exp-src-1', 'exp-src-2', 'exp-src-3', 'exp-src-4'];

/** The wirings as the output names them (names.js lists them as plain strings), and every model
 * the electrodes record: both wirings and the positive control. */
const RECORDED = /** @type {const} */ ([...WIRINGS, 'positive_control']);

/** The targets (every station with two before it: V4 and IT) and the numbers of units per
 * electrode the core records. */
const TARGETS = /** @type {Target[]} */ (STATIONS.slice(2));
const UNITS = /** @type {const} */ ([16, 64]);

/**
 * A path of the paired difference below `electrodes`: the difference tree pairs the wirings
 * wherever they sit, and WiringPathOf knows only a pair at the root. The path is checked against
 * one wiring's recordings and handed on untyped.
 * @param {Path<Output['electrodes']['stream']>} path @returns {any}
 */
const electrodesDifference = (path) => `electrodes.${path}`;

/** The sum of each row's shares, over both wirings: noise from several sources need not add up
 * to exactly 100 % (finite trials, and the ReLUs between stations). @param {Output} r */
function rowSums(r) {
  return WIRINGS.flatMap((w) => Object.values(r[w].share_by_source).map((v) => v.reduce((a, b) => a + Math.max(0, b), 0)));
}

/** One horizontal stacked bar per station: the share of its L5 variance from each source. The
 * axis reaches past 100 % when a row adds up to more, so no bar spills out of its chart.
 * @param {Output} r @param {Wiring} w @param {readonly Station[]} stations @param {number} full */
function shares(r, w, stations, full) {
  const share = r[w].share_by_source;
  const rowH = 22;
  const left = 30;
  const width = 220;
  const right = width - 8;
  const top = 4;
  const unit = (right - left) / full; // px for 100 %
  const svg = h('svg:svg', { viewBox: `0 0 ${width} ${top + stations.length * rowH + 18}`, class: 'exp-chart', role: 'img', 'aria-label': `${w}: share of each station's L5 variance produced by each noise source alone` });
  stations.forEach((s, j) => {
    const y = top + j * rowH;
    svg.append(h('svg:text', { x: left - 4, y: y + 14, class: 'exp-text exp-tick', 'text-anchor': 'end' }, s));
    let x = left;
    share[s].forEach((v, k) => {
      const wdt = Math.max(0, v) * unit;
      svg.append(h('svg:rect', { x: x.toFixed(1), y: y + 3, width: wdt.toFixed(1), height: rowH - 6, class: `exp-seg ${SOURCES[k]}` }));
      if (wdt > 22) svg.append(h('svg:text', { x: (x + wdt / 2).toFixed(1), y: y + 15, class: 'exp-text exp-small exp-seg-label', 'text-anchor': 'middle' }, `${Math.round(v * 100)}`));
      x += wdt;
    });
    svg.append(h('svg:rect', { x: left, y: y + 3, width: unit.toFixed(1), height: rowH - 6, class: 'exp-seg-frame' }));
  });
  const yb = top + stations.length * rowH + 12;
  svg.append(h('svg:text', { x: left, y: yb, class: 'exp-text exp-tick', 'text-anchor': 'start' }, '0 %'));
  svg.append(h('svg:text', { x: (left + unit).toFixed(1), y: yb, class: 'exp-text exp-tick', 'text-anchor': full > 1.1 ? 'middle' : 'end' }, '100 %'));
  return svg;
}

/** Says how far the rows are from adding up to 100 %, and why, when it shows. V1's row has a
 * single source, so its distance from 100 % is the sampling error alone (two sets of trials).
 * @param {Output} r @param {number[]} sums */
function sumsNote(r, sums) {
  if (!sums.length) return null;
  const lo = Math.min(...sums);
  const hi = Math.max(...sums);
  if (hi - 1 < 0.02 && 1 - lo < 0.02) return null;
  const v1 = WIRINGS.filter((w) => Number.isFinite(r[w].share_by_source.V1[0])).map((w) => `${pct(r[w].share_by_source.V1[0], 1)} (${w})`);
  const v1Said = v1.length ? ` V1’s row has a single source: its ${v1.join(' and ')} ${v1.length > 1 ? 'differ' : 'differs'} from 100 % by sampling error alone, as its two variances come from separate sets of trials.` : '';
  return h('p', { class: 'exp-note', 'data-role': 'shares-note' },
    `The rows add up to between ${pct(lo)} and ${pct(hi)}, not 100 % (the frame marks 100 %).${v1Said} The deeper rows differ more. The likely cause is the ReLUs between stations: through them, the variances from different sources do not simply add.`);
}

export default /** @satisfies {import('../types/results').Figure<Output>} */ ({
  name: 'variability',
  title: 'Variability adds up (prediction 2)',
  look: 'How much more of the trial-to-trial noise of units in a station’s layer 5 the units recorded in all earlier stations explain than those recorded in the station just before it. The post expects more in the stream than in the hierarchy.',
  how: 'Noise enters L2/3 of every station over repeated trials of the same sketch. Top: 64 units of station j’s L5 are the target; k units of the L2/3 and k of the write of station j−1 the base regressors; k units of the L2/3 and of the write of each earlier station the extra ones (k = 16 or 64, all at one site of the visual field: what electrodes record, never the whole stream). The bar is the extra R² (cross-validated); the stream and the hierarchy see the same noise and the same units, so their difference is paired, and it is the verdict’s measure at k = 64. The positive control (grey) is the stream with station j−1 bypassed, so all its variability comes past it. Below: the share of each L5’s variance that each station’s noise makes on its own.',
  render(r, ctx) {
    const m = ctx?.marks ?? new Marks(r);
    const cats = TARGETS.flatMap((s) => UNITS.map((k) => ({ s, k })));
    const paths = (/** @type {(typeof RECORDED)[number]} */ w) => cats.map(({ s, k }) => /** @type {const} */ (`electrodes.${w}.${s}.${k}.extra_r2`));
    const marks = [...WIRINGS.map((w) => ({ cls: `exp-${w}`, ...m.series(paths(w)) })),
      { cls: 'exp-neutral', ...m.series(paths('positive_control')) }];
    const vals = marks.flatMap((ser) => [...ser.values, ...ser.ci.flat(), ...ser.control].filter((v) => v !== null && v !== undefined));
    const [lo, hi] = extent(vals, [0, 0.1, -0.1]);
    const sums = rowSums(r);
    const full = Math.max(1, ...sums);
    const chart = h('div', {},
      legend([...WIRING_BAR_LEGEND, { cls: 'exp-neutral', label: 'positive control: station j−1 bypassed', kind: 'bar' }, ...statsLegend(m, { control: WIRINGS.some((w) => m.hasControl(paths(w))) })]),
      h('div', { class: 'exp-narrow' },
        barChart({
          label: 'Extra R² of units of L5 at V4 and IT from units of every earlier station beyond those of the previous station, with 16 and 64 units an electrode, stream, hierarchy and the positive control',
          categories: cats.map(({ s, k }) => `${s}, k=${k}`),
          series: marks,
          y: [lo * 1.2, hi * 1.25],
          valueFormat: (v) => signedFixed(v, 2),
          yTitle: 'extra R²',
          width: 320,
          height: 160,
        })),
      h('p', { class: 'exp-note' }, `Under each bar: the target station and k, the units recorded at each earlier station’s L2/3 and at its write (${m.value('electrodes.trials') ?? '?'} trials of ${m.value('electrodes.stimuli') ?? '?'} sketches).`),
      h('p', { class: 'exp-subhead' }, `Share of each L5’s variance from each noise source alone (%)${m.hasIntervals ? `, seed ${r.seed ?? 1}` : ''}`),
      legend(STATIONS.map((s, k) => ({ cls: SOURCES[k], label: `noise in ${s}`, kind: 'swatch' }))),
      sideBySide(shares(r, 'stream', STATIONS, full), shares(r, 'hierarchy', STATIONS, full)),
      sumsNote(r, sums),
      varianceDetails(r));
    const diff = m.sayDifference(electrodesDifference('mean_64'), (v) => signedFixed(v, 3));
    const sentence = `${m.lead}, the units of all stations before j−1 add ${m.say('electrodes.stream.mean_64', (v) => signedFixed(v))} to the R² of 64 units of L5_j in the stream and ${m.say('electrodes.hierarchy.mean_64', (v) => signedFixed(v))} in the hierarchy (mean over V4 and IT, 64 units an electrode${diff ? `; paired ${diff}` : ''}); with 16 units, ${m.say('electrodes.stream.mean_16', (v) => signedFixed(v))} and ${m.say('electrodes.hierarchy.mean_16', (v) => signedFixed(v))}. The positive control, the stream with station j−1 bypassed, gives ${m.say('electrodes.positive_control.mean_64', (v) => signedFixed(v))}.`;
    const tables = [
      dataTable('Extra R² beyond the previous station’s units, by target and units an electrode', ['L5 of, k', ...[...WIRINGS, 'positive control'].flatMap((w) => [`${w}: base`, `${w}: with earlier`, `${w}: extra`])],
        cats.map(({ s, k }) => [`${s}, ${k}`, ...RECORDED.flatMap((w) => {
          const p = /** @type {const} */ (`electrodes.${w}.${s}.${k}`);
          return [m.say(`${p}.base_r2`, fixed), m.say(`${p}.all_r2`, fixed), m.say(`${p}.extra_r2`, (v) => signedFixed(v))];
        })])),
      ...WIRINGS.map((w) => dataTable(`${w}: share of each L5’s variance from each noise source alone`, ['L5 of', ...STATIONS.map((s) => `noise in ${s}`)],
        STATIONS.map((s) => [s, ...STATIONS.map((_, k) => pct(r[w].share_by_source[s][k]))]))),
    ];
    return { chart, sentence, tables };
  },
});

/** Every noise combination's L5 variance, in a table the reader can open. @param {Output} r */
function varianceDetails(r) {
  const keys = Object.keys(r.stream.l5_variance).sort((a, b) => (a === 'none' ? -1 : b === 'none' ? 1 : a.split('+').length - b.split('+').length || a.localeCompare(b)));
  if (!keys.length) return null;
  return h('details', { class: 'exp-details' },
    h('summary', {}, 'L5 variance for all 16 combinations of noise sources'),
    h('div', { class: 'exp-scroll', tabindex: 0, role: 'region', 'aria-label': 'L5 variance table' },
      dataTable('Trial-to-trial variance of each station’s L5, by where the noise enters', ['noise in', ...WIRINGS.flatMap((w) => STATIONS.map((s) => `${w === 'stream' ? 'S' : 'H'} ${s}`))],
        keys.map((k) => [k, ...WIRINGS.flatMap((w) => (r[w].l5_variance[k] ?? []).map((v) => sig(v, 2)))]), true),
      h('p', { class: 'exp-note' }, 'S: stream, H: hierarchy. Variance averaged over units and stimuli, in squared stream units.')));
}
