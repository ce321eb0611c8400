// P2: does a station's variability come from all the stations before it? Extra R² of L5_j
// beyond station j−1, the share of each L5's variance from each noise source, and the L5
// variance for every on/off combination of the four noise sources.

import { h } from '../dom.js';
import { WIRING_BAR_LEGEND, barChart, dataTable, extent, legend, statsLegend } from '../charts.js';
import { Marks } from './interval.js';
import { STATIONS, WIRINGS } from '../names.js';
import { fixed, pct, sig, signedFixed } from './format.js';
import { sideBySide } from './frame.js';

const SOURCES = ['exp-src-1', 'exp-src-2', 'exp-src-3', 'exp-src-4'];

/** The regressor definitions the core runs, as it names them. */
const DEFS = [
  { key: 'l23', label: 'L2/3', says: 'station j−1’s L2/3 (what it writes)' },
  { key: 'l5', label: 'L5', says: 'station j−1’s L5 (the stream as it leaves it)' },
];

/** The sum of each row's shares, over both wirings: noise from several sources need not add up
 * to exactly 100 % (finite trials, and the ReLUs between stations). */
function rowSums(r) {
  return WIRINGS.flatMap((w) => Object.values(r[w]?.share_by_source ?? {}).map((v) => v.reduce((a, b) => a + Math.max(0, b), 0)));
}

/** One horizontal stacked bar per station: the share of its L5 variance from each source. The
 * axis reaches past 100 % when a row adds up to more, so no bar spills out of its chart. */
function shares(r, w, stations, full) {
  const share = r[w]?.share_by_source ?? {};
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
    (share[s] ?? []).forEach((v, k) => {
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
 * single source, so its distance from 100 % is the sampling error alone (two sets of trials). */
function sumsNote(r, sums) {
  if (!sums.length) return null;
  const lo = Math.min(...sums);
  const hi = Math.max(...sums);
  if (hi - 1 < 0.02 && 1 - lo < 0.02) return null;
  const v1 = WIRINGS.filter((w) => Number.isFinite(r[w]?.share_by_source?.V1?.[0])).map((w) => `${pct(r[w].share_by_source.V1[0], 1)} (${w})`);
  const v1Said = v1.length ? ` V1’s row has a single source: its ${v1.join(' and ')} ${v1.length > 1 ? 'differ' : 'differs'} from 100 % by sampling error alone, as its two variances come from separate sets of trials.` : '';
  return h('p', { class: 'exp-note', 'data-role': 'shares-note' },
    `The rows add up to between ${pct(lo)} and ${pct(hi)}, not 100 % (the frame marks 100 %).${v1Said} The deeper rows differ more. The likely cause is the ReLUs between stations: through them, the variances from different sources do not simply add.`);
}

export default {
  name: 'variability',
  title: 'Variability adds up (prediction 2)',
  look: 'How much more of a station’s layer-5 noise the earlier stations explain than the station just before it, against a permutation null (grey band). The post expects more than the null in the stream.',
  how: 'Noise enters L2/3 of chosen stations over repeated trials of the same sketch. Top: with noise only before station j−1, how much more of the fluctuations of station j’s L5 all earlier stations predict than station j−1 alone (extra R², cross-validated), with station j−1 read at its L2/3 or at its L5, against a permutation null (grey band). The post predicts extra R² above zero in the stream (variability also arrives directly) and about zero in a hierarchy. Below: the share of each L5’s variance that each station’s noise makes on its own.',
  render(r, ctx) {
    const m = ctx?.marks ?? new Marks(r);
    const targets = STATIONS.filter((s) => WIRINGS.some((w) => r[w]?.r2?.[s]));
    // The two definitions of "the preceding station": its L2/3 (in the stream its write reaches
    // L5_j through the skip, so extra R² > 0 there is partly the wiring) or its L5.
    const defs = DEFS.filter(({ key }) => WIRINGS.some((w) => targets.some((s) => r[w]?.r2?.[s]?.[key])));
    const cats = targets.flatMap((s) => defs.map((d) => ({ s, d })));
    const paths = (w) => cats.map(({ s, d }) => `${w}.r2.${s}.${d.key}.extra_r2`);
    const band = (w) => cats.map(({ s, d }) => {
      const lo = m.value(`${w}.r2.${s}.${d.key}.null.range.0`);
      const hi = m.value(`${w}.r2.${s}.${d.key}.null.range.1`);
      return Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : null;
    });
    const marks = WIRINGS.map((w) => ({ cls: `exp-${w}`, ...m.series(paths(w)), band: band(w) }));
    const vals = marks.flatMap((ser) => [...ser.values, ...ser.ci.flat(), ...ser.control, ...ser.band.flat()].filter((v) => v !== null && v !== undefined));
    const [lo, hi] = extent(vals, [0, 0.1, -0.1]);
    const sums = rowSums(r);
    const full = Math.max(1, ...sums);
    const chart = h('div', {},
      legend([...WIRING_BAR_LEGEND, ...statsLegend(m, { control: WIRINGS.some((w) => m.hasControl(paths(w))) }),
        ...(marks.some((ser) => ser.band.some(Boolean)) ? [{ cls: 'exp-null-band', label: 'permutation null: its range (grey band)', kind: 'swatch' }] : [])]),
      h('div', { class: 'exp-narrow' },
        barChart({
          label: 'Extra R² of L5 at V4 and IT beyond the previous station, read at its L2/3 and at its L5, stream and hierarchy, with the permutation null’s range',
          categories: cats.map(({ s, d }) => `${s} ← ${d.label}`),
          series: marks,
          y: [lo * 1.2, hi * 1.25],
          valueFormat: (v) => signedFixed(v, 2),
          yTitle: 'extra R²',
          width: 320,
          height: 160,
        })),
      h('p', { class: 'exp-note' }, `Under each bar: “IT ← L2/3” regresses IT’s L5 on ${DEFS[0].says}; “IT ← L5” on ${DEFS[1].says}. The grey band is where extra R² lands when the earlier stations’ trials are shuffled (${m.value('stream.r2.IT.l5.null.permutations') ?? '?'} permutations): a bar inside it is no more than the cost of extra regressors.`),
      h('p', { class: 'exp-subhead' }, `Share of each L5’s variance from each noise source alone (%)${m.hasIntervals ? `, seed ${r.seed ?? 1}` : ''}`),
      legend(STATIONS.map((s, k) => ({ cls: SOURCES[k], label: `noise in ${s}`, kind: 'swatch' }))),
      sideBySide(shares(r, 'stream', STATIONS, full), shares(r, 'hierarchy', STATIONS, full)),
      sumsNote(r, sums),
      varianceDetails(r));
    const said = (w, d) => `${m.say(`${w}.r2.IT.${d}.extra_r2`, (v) => signedFixed(v))} (null ${signedFixed(m.value(`${w}.r2.IT.${d}.null.mean`))}, above it by ${m.say(`${w}.r2.IT.${d}.extra_above_null`, (v) => signedFixed(v))})`;
    const diff = m.sayDifference('r2.IT.l5.extra_above_null', (v) => signedFixed(v, 3));
    const sentence = `${m.lead}, regressing IT’s L5 on V4’s L5, the extra R² of all earlier stations is ${said('stream', 'l5')} in the stream and ${said('hierarchy', 'l5')} in the hierarchy${diff ? ` (paired ${diff})` : ''}. On V4’s L2/3 instead, which in the stream reaches IT’s L5 through the skip, it is ${said('stream', 'l23')} and ${said('hierarchy', 'l23')}.`;
    const tables = [
      dataTable('Extra R² beyond the previous station, by regressor', ['L5 of, on', ...WIRINGS.flatMap((w) => [`${w}: previous`, `${w}: all earlier`, `${w}: extra`, `${w}: null mean [range]`])],
        cats.map(({ s, d }) => [`${s}, on ${d.label}`, ...WIRINGS.flatMap((w) => {
          const p = `${w}.r2.${s}.${d.key}`;
          const rg = [m.value(`${p}.null.range.0`), m.value(`${p}.null.range.1`)];
          return [m.say(`${p}.previous_station`, fixed), m.say(`${p}.all_earlier_stations`, fixed), m.say(`${p}.extra_r2`, (v) => signedFixed(v)), `${signedFixed(m.value(`${p}.null.mean`))} [${signedFixed(rg[0])}, ${signedFixed(rg[1])}]`];
        })])),
      ...WIRINGS.map((w) => dataTable(`${w}: share of each L5’s variance from each noise source alone`, ['L5 of', ...STATIONS.map((s) => `noise in ${s}`)],
        STATIONS.map((s) => [s, ...STATIONS.map((_, k) => pct(r[w]?.share_by_source?.[s]?.[k]))]))),
    ];
    return { chart, sentence, tables };
  },
};

/** Every noise combination's L5 variance, in a table the reader can open. */
function varianceDetails(r) {
  const keys = Object.keys(r.stream?.l5_variance ?? {}).sort((a, b) => (a === 'none' ? -1 : b === 'none' ? 1 : a.split('+').length - b.split('+').length || a.localeCompare(b)));
  if (!keys.length) return null;
  return h('details', { class: 'exp-details' },
    h('summary', {}, 'L5 variance for all 16 combinations of noise sources'),
    h('div', { class: 'exp-scroll', tabindex: 0, role: 'region', 'aria-label': 'L5 variance table' },
      dataTable('Trial-to-trial variance of each station’s L5, by where the noise enters', ['noise in', ...WIRINGS.flatMap((w) => STATIONS.map((s) => `${w === 'stream' ? 'S' : 'H'} ${s}`))],
        keys.map((k) => [k, ...WIRINGS.flatMap((w) => (r[w]?.l5_variance?.[k] ?? []).map((v) => sig(v, 2)))]), true),
      h('p', { class: 'exp-note' }, 'S: stream, H: hierarchy. Variance averaged over units and stimuli, in squared stream units.')));
}
