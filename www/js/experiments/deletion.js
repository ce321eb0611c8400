// P3: does L5 delete part of its input? The verdict's measure first: the fraction of the leading
// thalamic directions whose retained gain through each station falls below 0.5, against directions
// orthogonal to them, with the positive control (writes built to cancel half of them) beside it
// and the cosine of each write with its thalamic component against the same image shifted.
// Reported beside it: δ against the thalamic component D^k·s₀ (the fraction
// of it a station's write cancels) beside a shuffled-pair null, the cosine of read and write
// directions beside the chance rate, and the edge direction's amplitude over the stream's size.
// Where the results file has them, the verdict's measure on the other trainings of the pair
// (narrow streams, edge task off) as one row each beside the shipped models'.

import { h } from '../dom.js';
import { WIRING_BAR_LEGEND, barChart, dataTable, extent, hbarChart, legend, lineChart, panel, statsLegend } from '../charts.js';
import { conditionsFor } from './claims.js';
import { estimateText } from './verdict.js';
import { Marks } from './interval.js';
import { STATIONS, WIRINGS } from '../names.js';
import { fixed, pct, sig, signedFixed } from './format.js';

/** @typedef {import('../types/generated/deletion/Output').Output} Output */
/** @typedef {import('../names.js').Wiring} Wiring */


/**
 * The verdict's measure per station: stream, positive control, and the null as a band.
 * @param {Marks<Output>} m
 */
function cancelledChart(m) {
  /** @typedef {'thalamic' | 'positive_control'} Root */
  const paths = (/** @type {Root} */ root, /** @type {'fraction_cancelled' | 'null_fraction_cancelled'} */ key) =>
    STATIONS.map((_, k) => /** @type {const} */ (`${root}.${key}.${k}`));
  const band = (/** @type {Root} */ root) => paths(root, 'null_fraction_cancelled').map((p) => {
    const v = m.value(p);
    return m.ci(p) ?? (Number.isFinite(v) ? [v, v] : null);
  });
  return barChart({
    label: 'Fraction of the leading thalamic directions whose retained gain through each station is below 0.5, in the stream and in the positive control, with the null of orthogonal directions',
    categories: STATIONS,
    series: [{ cls: 'exp-stream', ...m.series(paths('thalamic', 'fraction_cancelled')), band: band('thalamic') },
      { cls: 'exp-neutral', ...m.series(paths('positive_control', 'fraction_cancelled')), band: band('positive_control') }],
    y: [0, 1],
    yFormat: (v) => pct(v),
    width: 220,
    height: 160,
  });
}

/**
 * The cosine of each write with the thalamic component it meets, and with the same image's shifted.
 * @param {Marks<Output>} m
 */
function cosineChart(m) {
  const line = (/** @type {'cosine' | 'cosine_shifted'} */ key, /** @type {string} */ cls) =>
    ({ cls, ...m.series(STATIONS.map((_, k) => /** @type {const} */ (`thalamic.${key}.${k}`))) });
  const series = [line('cosine', 'exp-stream'), line('cosine_shifted', 'exp-neutral')];
  const [lo, hi] = extent(series.flatMap((x) => x.values).filter(Number.isFinite), [0]);
  return lineChart({
    label: 'Cosine of each station’s write in the stream with the thalamic component it meets, and with that of the same image shifted by 4 pixels',
    xLabels: STATIONS,
    series,
    y: [Math.min(lo, -0.1), Math.max(hi, 0.1)],
    yFormat: (v) => fixed(v, 2),
    width: 220,
    height: 160,
  });
}

/**
 * The P3 verdict's effect − null (the stream's δ against D^k·s₀ above its null, mean over the
 * stations) for the shipped pair and each other training the file has: [{key, label, v}].
 */
function trainings(verdict) {
  if (!verdict || typeof verdict !== 'object') return [];
  const rows = [{ key: 'trained', label: 'shipped', v: verdict }];
  for (const c of conditionsFor('P3')) {
    const v = verdict.conditions?.[c.key];
    if (v?.excess) rows.push({ key: c.key, label: c.short, v });
  }
  return rows;
}

/** The verdict's measure across trainings as horizontal bars with intervals, untrained marks and the smallest effect of interest. */
function trainingsChart(rows) {
  const values = rows.map((r) => r.v.excess?.mean ?? NaN);
  const ci = rows.map((r) => (Array.isArray(r.v.excess?.ci) ? r.v.excess.ci : null));
  const control = rows.map((r) => (Number.isFinite(r.v.untrained?.mean) ? r.v.untrained.mean : null));
  const margin = rows[0].v.smallest_effect;
  const [lo, hi] = extent([...values, ...ci.flat(), ...control].filter((v) => v !== null), [0, Number.isFinite(margin) ? margin : 0]);
  const pad = 0.1 * (hi - lo || 1);
  return hbarChart({
    label: 'The deletion verdict’s measure, the fraction of thalamic directions the stream cancels above its null, averaged over the stations, for the shipped models and each other training, with intervals, untrained controls and the smallest effect of interest',
    rows: rows.map((r) => r.label),
    series: [{ cls: 'exp-stream', values, ci, control }],
    x: [lo - pad, hi + pad],
    chance: margin,
    tickFormat: (v) => fixed(v, 2),
    left: 84,
    width: 340,
  });
}

export default /** @satisfies {import('../types/results').Figure<Output>} */ ({
  name: 'deletion',
  title: 'Does layer 5 delete? (prediction 3)',
  look: 'Above zero, a station’s write cancels part of the thalamic input that reaches it; below zero, it adds to it. Compare each station’s mark with the grey band, what a write paired with another sketch’s input gives.',
  how: 'Left: δ against the thalamic component, the fraction of the pooled thalamic input Dᵏ·s₀ reaching a station that its write cancels, averaged over held-out sketches (above zero: the write deletes part of it; below zero: it amplifies it). The grey band is the shuffled-pair null: the same δ with each write paired with another sketch’s input. Right: how much of the input’s edge direction is left in each L5, divided by how much the whole stream has grown there, relative to the thalamic input (log scale; in the hierarchy the basis is not shared, so it is only a reference).',
  render(r, ctx) {
    const m = ctx?.marks ?? new Marks(r);
    const deltaPaths = (/** @type {Wiring} */ w) => STATIONS.map((_, k) => /** @type {const} */ (`${w}.delta_thalamic.${k}.mean`));
    // The null's mean, as a band over its seeds' interval where the file has one.
    const nullBand = (/** @type {Wiring} */ w) => STATIONS.map((_, k) => {
      const p = /** @type {const} */ (`${w}.delta_thalamic.${k}.null_mean`);
      const v = m.value(p);
      return m.ci(p) ?? (Number.isFinite(v) ? [v, v] : null);
    });
    const delta = WIRINGS.map((w) => ({ cls: `exp-${w}`, ...m.series(deltaPaths(w)), band: nullBand(w) }));
    const all = delta.flatMap((ser) => [...ser.values, ...ser.ci.flat(), ...ser.control, ...ser.band.flat()].filter((v) => v !== null && v !== undefined));
    const [lo, hi] = extent(all, [0]);
    // Amplitudes on a log scale: the interval and the control are logged with the mark.
    const log = (v) => (Number.isFinite(v) && v > 0 ? Math.log10(v) : NaN);
    const amp = WIRINGS.map((w) => {
      const ser = m.series(STATIONS.map((_, k) => /** @type {const} */ (`${w}.edge_amplitude_normalised.${k}`)));
      return {
        cls: `exp-${w}`,
        values: ser.values.map(log),
        ci: ser.ci.map((c) => (c && c[0] > 0 ? [log(c[0]), log(c[1])] : null)),
        control: ser.control.map((v) => (v === null ? null : log(v))),
      };
    });
    const [alo, ahi] = extent(amp.flatMap((ser) => ser.values), [0]);
    const control = WIRINGS.some((w) => m.hasControl(deltaPaths(w)));
    // Only from the results file: a live run is one seed of the shipped models.
    const others = m.file ? trainings(m.file.verdict) : [];
    const chart = h('div', {},
      legend([{ cls: 'exp-stream', label: 'stream', kind: 'bar' }, { cls: 'exp-neutral', label: 'positive control: writes that cancel half the thalamic directions (bars); the same image shifted by 4 px (line)', kind: 'bar' }, { cls: 'exp-null-band', label: 'orthogonal directions (grey band)', kind: 'swatch' }]),
      h('div', { class: 'exp-multiples exp-two' },
        panel('thalamic directions cancelled (gain < 0.5)', cancelledChart(m)),
        panel('cosine of write and thalamic component', cosineChart(m))),
      h('p', { class: 'exp-subhead' }, 'Reported beside the verdict: δ and the edge direction'),
      h('div', { class: 'exp-legends' }, legend([...WIRING_BAR_LEGEND, ...statsLegend(m, { control }), { cls: 'exp-null-band', label: 'shuffled-pair null (grey band)', kind: 'swatch' }])),
      h('div', { class: 'exp-multiples exp-two' },
        panel('δ against Dᵏ·s₀, mean over sketches', barChart({
          label: 'Mean delta against the thalamic component per station, stream and hierarchy, with the shuffled-pair null',
          categories: STATIONS,
          series: delta,
          y: [Math.min(lo * 1.15, -0.1), Math.max(hi * 1.15, 0.1)],
          yFormat: (v) => fixed(v, 1),
          width: 220,
          height: 160,
        })),
        panel('edge amplitude ÷ stream growth', lineChart({
          label: 'Amplitude of the input edge direction at each L5 over the stream size there, relative to the thalamic input, log scale',
          xLabels: STATIONS,
          series: amp,
          y: [Math.floor(alo), Math.ceil(ahi)],
          yTicks: Array.from({ length: Math.ceil(ahi) - Math.floor(alo) + 1 }, (_, i) => Math.floor(alo) + i),
          yFormat: (v) => sig(10 ** v, 1),
          width: 220,
          height: 160,
        }))),
      h('p', { class: 'exp-note' }, 'Lines: stream solid with round markers, hierarchy dashed with square markers.'),
      others.length > 1
        ? h('div', { class: 'exp-trainings', 'data-role': 'trainings' },
          panel('The verdict’s measure by training (shipped and edge task off: d = 32): the fraction of thalamic directions the stream cancels above its null, mean over stations; dotted line: the smallest effect of interest, where the positive control gives one', trainingsChart(others)))
        : null);
    const above = (/** @type {Wiring} */ w) => STATIONS.filter((_, k) => m.value(`${w}.delta_thalamic.${k}.above_null`) > 0);
    const list = (a) => (a.length ? `at ${a.join(', ')}` : 'at no station');
    const chance = r.cosine_chance_below_minus_half;
    const below = (/** @type {Wiring} */ w) => m.say(`${w}.read_write_cosine.3.fraction_below_minus_half`, (v) => pct(v, 2));
    const cancelled = `${m.lead}, the stream cancels (retained gain below 0.5) ${m.say('thalamic.fraction', pct)} of its ${m.value('thalamic.directions')} leading thalamic directions, mean over stations and sketches, against ${m.say('thalamic.null_fraction', pct)} of directions orthogonal to them; the positive control, whose writes cancel half of them by construction, gives ${m.say('positive_control.fraction', pct)} against ${m.say('positive_control.null_fraction', pct)}. Each write’s cosine with the thalamic component it meets is ${m.say('thalamic.cosine.3', (v) => signedFixed(v, 3))} at IT, and ${m.say('thalamic.cosine_shifted.3', (v) => signedFixed(v, 3))} with the same image shifted. `;
    const sentence = `${cancelled}${m.lead} δ against the thalamic component lies above its shuffled-pair null ${list(above('stream'))} in the stream and ${list(above('hierarchy'))} in the hierarchy; at IT it is ${m.say('stream.delta_thalamic.3.mean', (v) => signedFixed(v))} in the stream (null ${signedFixed(m.value('stream.delta_thalamic.3.null_mean'))}, cancelling on ${pct(m.value('stream.delta_thalamic.3.fraction_cancelling'))} of sketches) and ${m.say('hierarchy.delta_thalamic.3.mean', (v) => signedFixed(v))} in the hierarchy (null ${signedFixed(m.value('hierarchy.delta_thalamic.3.null_mean'))}). At IT, ${below('stream')} of the stream’s read–write pairs have cosine below −0.5, where random directions of the stream’s width give ${pct(chance, 2)}. The edge direction, over the stream’s growth, is ${m.say('stream.edge_amplitude_normalised.3', (v) => sig(v))} of the input’s at IT.${others.length > 1 ? ` The verdict’s measure (the fraction cancelled above its null, mean over stations) by training: ${others.map((o) => `${o.label} ${estimateText(o.v.excess)}`).join(', ')}.` : ''}`;
    const tables = WIRINGS.map((w) => dataTable(`${w}: deletion measures per station`, ['station', 'mean δ (thalamic)', 'median δ', 'sketches cancelling', 'null mean', 'above null', 'δ (whole stream)', 'mean read–write cosine', 'pairs below −0.5 (chance)', 'stream size', 'edge amplitude ÷ growth'],
      STATIONS.map((s, k) => {
        const d = r[w].delta_thalamic[k];
        const c = r[w].read_write_cosine[k];
        return [s, m.say(`${w}.delta_thalamic.${k}.mean`, (v) => signedFixed(v)), signedFixed(d.median), pct(d.fraction_cancelling), signedFixed(m.value(`${w}.delta_thalamic.${k}.null_mean`)), m.say(`${w}.delta_thalamic.${k}.above_null`, (v) => signedFixed(v)), m.say(`${w}.delta.${k}.mean`, (v) => signedFixed(v)), signedFixed(c.mean, 3), `${m.say(`${w}.read_write_cosine.${k}.fraction_below_minus_half`, (v) => pct(v, 2))} (${pct(chance, 2)})`, m.say(`${w}.stream_size.${k}`, (v) => sig(v)), m.say(`${w}.edge_amplitude_normalised.${k}`, (v) => sig(v))];
      })));
    tables.unshift(dataTable('Thalamic directions cancelled per station (stream)', ['station', 'cancelled', 'orthogonal (null)', 'mean retained gain', 'positive control', 'its null', 'cosine', 'cosine, shifted'],
      STATIONS.map((s, k) => [s, m.say(`thalamic.fraction_cancelled.${k}`, pct), m.say(`thalamic.null_fraction_cancelled.${k}`, pct), m.say(`thalamic.mean_gain.${k}`, (v) => fixed(v, 2)), m.say(`positive_control.fraction_cancelled.${k}`, pct), m.say(`positive_control.null_fraction_cancelled.${k}`, pct), m.say(`thalamic.cosine.${k}`, (v) => signedFixed(v, 3)), m.say(`thalamic.cosine_shifted.${k}`, (v) => signedFixed(v, 3))])));
    if (others.length > 1) {
      tables.push(dataTable('The deletion verdict by training', ['training', 'fraction cancelled above null, mean over stations [95 % interval]', 'untrained, same width', 'word'],
        others.map((o) => [o.label, estimateText(o.v.excess), estimateText(o.v.untrained), o.v.word ?? '–'])));
    }
    return { chart, sentence, tables };
  },
});
