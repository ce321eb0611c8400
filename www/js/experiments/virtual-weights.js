// VW: what each station's L4 reads of what each earlier station wrote: the size of the
// virtual weight W_out·W_in, readers × writers, for both wirings; and, in the stream, the size
// of each path's contribution to the behaviour.

import { h } from '../dom.js';
import { barChart, dataTable, diverging, heatmap, legend, statsLegend } from '../charts.js';
import { Marks } from './interval.js';
import { WIRINGS } from '../names.js';
import { fixed, sig, signedFixed } from './format.js';
import { sideBySide } from './frame.js';

/** @typedef {import('../types/generated/virtual-weights/Output').Output} Output */
/** @typedef {import('../names.js').Wiring} Wiring */


/** The path of reader `i`'s read of writer `j` in one of the wiring's [reader][writer] matrices. */
const cellPath = (/** @type {Wiring} */ w, /** @type {'strength' | 'z' | 'null_mean' | 'null_sd'} */ matrix, /** @type {number} */ i, /** @type {number} */ j) => /** @type {const} */ (`${w}.${matrix}.${i}.${j}`);

/** The path of the stream's path `i`'s contribution to the behaviour. */
const contributionPath = (/** @type {number} */ i) => /** @type {const} */ (`stream.mean_abs_contribution.${i}`);

/** @param {Output} r @param {Wiring} w @param {number[]} range @param {Marks<Output>} marks */
function matrixFor(r, w, range, marks) {
  const m = r[w];
  return heatmap({
    label: `Virtual weight strength, ${w}: rows are readers (${r.readers.join(', ')}), columns writers (${r.writers.join(', ')}); outlined cells are paths the network uses`,
    rows: r.readers,
    cols: r.writers.map((x) => (x === 'thalamic input' ? 'input' : x)),
    values: m.strength.map((row, i) => row.map((v, j) => marks.value(cellPath(w, 'strength', i, j)) ?? v)),
    ci: (i, j) => marks.ci(cellPath(w, 'strength', i, j)),
    control: (i, j) => marks.untrained(cellPath(w, 'strength', i, j)),
    range,
    marked: (i, j) => m.used_by_the_network[i]?.[j] === true,
    dim: (i, j) => m.used_by_the_network[i]?.[j] === false,
    colTitle: 'writer',
    cell: 30,
    left: 62,
    top: 44,
  });
}

/**
 * The z of each trained strength against the rotation null, readers × writers (defined for k ≤ j).
 * @param {Output} r @param {Wiring} w @param {number[]} range @param {Marks<Output>} marks
 */
function zMapFor(r, w, range, marks) {
  const z = r[w].z;
  return heatmap({
    label: `z against the rotation null, ${w}: rows are readers (${r.readers.join(', ')}), columns writers; blank where the reader comes before the writer`,
    rows: r.readers,
    cols: r.writers.map((x) => (x === 'thalamic input' ? 'input' : x)),
    values: z.map((row, i) => row.map((v, j) => (Number.isFinite(v) ? marks.value(cellPath(w, 'z', i, j)) ?? v : null))),
    ci: (i, j) => marks.ci(cellPath(w, 'z', i, j)),
    control: (i, j) => marks.untrained(cellPath(w, 'z', i, j)),
    range,
    colour: (t) => diverging(t),
    marked: (i, j) => r[w].used_by_the_network[i]?.[j] === true,
    colTitle: 'writer',
    cell: 30,
    left: 62,
    top: 44,
    format: (v) => fixed(v, 1),
  });
}

export default /** @satisfies {import('../types/results').Figure<Output>} */ ({
  name: 'virtual-weights',
  title: 'Who reads from whom (virtual weights)',
  look: 'How strongly each station reads what each earlier one wrote, against a null of random rotations (0: what unrelated matrices give). A stream in use reads past the station just before it above the null.',
  how: 'Each cell is how strongly a reader (a station’s L4, or the behaviour) reads what a writer (the thalamic input or a station’s L5) wrote: the size of the product of their weight matrices, relative to theirs. Outlined cells are paths the network actually has; in the hierarchy a station only ever receives the one below, so the dimmed cells exist on paper only. Below: each strength as a z-score against a null that keeps each trained matrix’s singular values and draws its rotation at random (blue below the null, red above; 0 is what unrelated matrices of the same spectrum give).',
  render(r, ctx) {
    const marks = ctx?.marks ?? new Marks(r);
    const all = WIRINGS.flatMap((w) => r[w].strength.flat()).filter(Number.isFinite);
    const range = [Math.min(...all), Math.max(...all)];
    const contrib = r.stream.mean_abs_contribution;
    const zs = WIRINGS.flatMap((w) => r[w].z.flat()).filter(Number.isFinite).map(Math.abs);
    const zMax = Math.max(2, ...zs);
    // The raw strengths are about alike in every cell, as random matrices of this size give, so
    // the figure leads with each against its null; the raw matrix stays one click away.
    const raw = [
      sideBySide(matrixFor(r, 'stream', range, marks), matrixFor(r, 'hierarchy', range, marks)),
      legend([
        { cls: 'exp-cell-mark', label: 'outlined: a path the network uses', kind: 'swatch' },
        { cls: 'exp-cell-dim', label: 'dimmed: formed on paper, never used', kind: 'swatch', fill: 'rgb(59,82,139)' },
      ]),
    ];
    const chart = h('div', {},
      zs.length
        ? h('div', {},
          h('p', { class: 'exp-subhead' }, `Each read against the rotation null, as z (${r.null_draws} draws per matrix): 0 is what unrelated matrices give`),
          sideBySide(zMapFor(r, 'stream', [-zMax, zMax], marks), zMapFor(r, 'hierarchy', [-zMax, zMax], marks)),
          h('details', { class: 'exp-raw' }, h('summary', {}, 'The raw strengths, before the null'), raw))
        : raw,
      marks.hasIntervals ? h('p', { class: 'exp-note' }, `Each cell: the mean over ${marks.n} seeds and, below it, half the width of its 95 % interval (±); hover a cell for the interval${marks.file?.untrained ? ' and the untrained control' : ''}.`) : null,
      Array.isArray(contrib)
        ? h('div', { class: 'exp-narrow' },
          h('p', { class: 'exp-subhead' }, 'Stream: mean size of each path’s contribution to the category scores'),
          legend(statsLegend(marks, { control: marks.hasControl(contrib.map((_, i) => contributionPath(i))) })),
          barChart({
            label: `Mean absolute contribution to the category logits of each path in the stream: ${r.paths.join(', ')}`,
            categories: r.paths,
            series: [{ cls: 'exp-stream', ...marks.series(contrib.map((_, i) => contributionPath(i))) }],
            y: [0, Math.max(...contrib) * 1.15 || 1],
            valueFormat: (v) => sig(v, 2),
            width: 260,
            height: 140,
          }))
        : null);
    const beh = r.readers.length - 1;
    const cell = (/** @type {Wiring} */ w, /** @type {number} */ j) => cellPath(w, 'strength', beh, j);
    const sRow = r.writers.map((_, j) => marks.value(cell('stream', j)));
    const top = sRow.reduce((best, v, j) => (Number.isFinite(v) && v > sRow[best] ? j : best), 0);
    let sentence = `${marks.lead} the stream’s behaviour reads ${r.writers[top]} most strongly (${marks.say(cell('stream', top), fixed)}) and the thalamic input directly at ${marks.say(cell('stream', 0), fixed)}; the hierarchy’s behaviour can only read IT (${marks.say(cell('hierarchy', beh), fixed)}).`;
    if (zs.length) {
      const z = (/** @type {Wiring} */ w, /** @type {'adjacent' | 'skip'} */ k) => marks.say(`${w}.mean_z_${k}`, (v) => signedFixed(v, 1));
      const zd = marks.sayDifference('mean_z_skip', (v) => signedFixed(v, 1));
      sentence += ` Against the rotation null, a station reading the one just before it sits at mean z ${z('stream', 'adjacent')} in the stream and ${z('hierarchy', 'adjacent')} in the hierarchy; reading past it (the skip pairs, wired only in the stream) at ${z('stream', 'skip')} and ${z('hierarchy', 'skip')}${zd ? ` (paired ${zd})` : ''}.`;
    }
    sentence += ` Positive control: the same stream with every skipping read built aligned to the earlier writes reaches mean z ${marks.say('positive_control.mean_z_skip', (v) => signedFixed(v, 1))} over the skip pairs, measured by the same code.`;
    if (Array.isArray(contrib)) {
      const c = contrib.map((_, i) => marks.value(contributionPath(i)));
      const big = c.indexOf(Math.max(...c));
      sentence += ` On held-out sketches the largest contribution to the stream’s category scores comes from ${r.paths[big]} (${marks.say(contributionPath(big), (v) => sig(v))}), the direct path gives ${marks.say('stream.mean_abs_contribution.0', (v) => sig(v))}.`;
    }
    const tables = WIRINGS.map((w) => dataTable(`Virtual weight strength, ${w} (reader by writer; “unused” where the wiring has no such path)`, ['reader', ...r.writers],
      r.readers.map((rd, i) => [rd, ...r.writers.map((_, j) => {
        const v = r[w].strength[i]?.[j];
        if (!Number.isFinite(v)) return 'not defined';
        return `${marks.say(cellPath(w, 'strength', i, j), fixed)}${r[w].used_by_the_network[i]?.[j] ? '' : ' (unused)'}`;
      })])));
    if (zs.length) {
      tables.push(...WIRINGS.map((w) => dataTable(`z against the rotation null, ${w} (reader by writer): z, then the null’s mean ± sd`, ['reader', ...r.writers],
        r.readers.map((rd, i) => [rd, ...r.writers.map((_, j) => {
          const v = r[w].z[i]?.[j];
          if (!Number.isFinite(v)) return 'not defined';
          return `${marks.say(cellPath(w, 'z', i, j), (x) => signedFixed(x, 1))}; null ${sig(marks.value(cellPath(w, 'null_mean', i, j)), 2)} ± ${sig(marks.value(cellPath(w, 'null_sd', i, j)), 1)}`;
        })]))));
    }
    if (Array.isArray(contrib)) tables.push(dataTable('Stream: mean absolute contribution of each path to the category logits', ['path', 'contribution'], r.paths.map((p, i) => [p, sig(contrib[i])])));
    return { chart, sentence, tables };
  },
});
