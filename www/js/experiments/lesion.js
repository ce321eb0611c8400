// LE: a stream is an ensemble of paths. Category accuracy with no station, each station and
// each pair of stations removed, both wirings, by three kinds of removal: zero (the station
// writes nothing), bypass (the station passes its pooled input on: the fair lesion of a
// hierarchy) and, in the stream only, skip removed (the station's write replaces the stream).
// The verdict reads the retention under the bypass, with its positive control (a stream of the
// direct path alone) beside it.

import { h } from '../dom.js';
import { WIRING_BAR_LEGEND, dataTable, hbarChart, legend, panel, statsLegend } from '../charts.js';
import { Marks } from './interval.js';
import { STATIONS, WIRINGS } from '../names.js';
import { pct } from './format.js';

/** @typedef {import('../types/generated/lesion/Output').Output} Output */
/** @typedef {import('../names.js').Wiring} Wiring */


/** The result's keys, as the core names them: none removed, each station, each pair ('V1+V2'). */
const SETS = /** @type {const} */ (['none', ...STATIONS, 'V1+V2', 'V1+V4', 'V1+IT', 'V2+V4', 'V2+IT', 'V4+IT']);

/** The kinds of removal, as the core names them, and what each is in words. */
const KINDS = /** @type {const} */ ([
  { key: 'zero', title: 'zeroed: the station writes nothing' },
  { key: 'bypass', title: 'bypassed: the station passes its input on' },
  { key: 'skip_removed', title: 'skip removed (stream only): the write replaces the stream' },
]);

const points = (v) => `${v > 0 ? '+' : v < 0 ? '\u2212' : ''}${Math.abs(v * 100).toFixed(1)} points`;

export default /** @satisfies {import('../types/results').Figure<Output>} */ ({
  name: 'lesion',
  title: 'Remove stations (an ensemble of paths)',
  look: 'Accuracy on held-out sketches with stations removed. Compare the bypassed rows: if the stream is an ensemble of paths, losing a station costs it less than it costs the hierarchy.',
  how: 'Category accuracy on held-out sketches with no station, each station, and each pair of stations removed (chance 10 %, the grey line), removed in three ways. Zeroed: the station writes nothing; in the hierarchy every later station then sees a constant, so it is at chance by construction. Bypassed: the station passes its pooled input on unchanged, the fair lesion of a hierarchy (Veit et al. 2016 removed a block by letting the signal bypass it); in the stream bypassing is zeroing, the same numbers. Skip removed: the stream’s station keeps its write but loses the skip around it, as in a hierarchy. If a stream is an ensemble of paths, a bypassed stream station should hurt less than a bypassed hierarchy level.',
  render(r, ctx) {
    const m = ctx?.marks ?? new Marks(r);
    const chance = r.chance;
    /** @typedef {(typeof KINDS)[number]['key']} Kind */
    // Every wiring is zeroed and bypassed; only the stream has a skip to remove.
    const has = (/** @type {Wiring} */ w, /** @type {Kind} */ kind) => Boolean(r[w][kind]);
    const rows = SETS;
    const kinds = KINDS.filter(({ key }) => WIRINGS.some((w) => has(w, key)));
    const paths = (/** @type {Wiring} */ w, /** @type {Kind} */ kind) => rows.map((k) => /** @type {const} */ (`${w}.${kind}.${k}`));
    const control = kinds.some(({ key }) => WIRINGS.some((w) => has(w, key) && m.hasControl(paths(w, key))));
    const chart = h('div', {},
      legend([...WIRING_BAR_LEGEND, ...statsLegend(m, { control })]),
      h('div', { class: `exp-multiples ${kinds.length === 3 ? 'exp-three' : 'exp-two'}` },
        kinds.map(({ key, title }) => panel(title, hbarChart({
          label: `Accuracy with stations ${title}`,
          rows: rows.map((k) => (k === 'none' ? 'intact' : `−${k.replace('+', ' −')}`)),
          series: WIRINGS.filter((w) => has(w, key)).map((w) => ({ cls: `exp-${w}`, ...m.series(paths(w, key)) })),
          x: [0, 1],
          tickFormat: (v) => `${Math.round(v * 100)} %`,
          valueFormat: (v) => `${Math.round(v * 100)}`,
          chance,
          xTitle: 'category accuracy',
          width: 240,
          left: 62,
        })))));
    const say = (/** @type {import('../types/results').PathOf<Output>} */ path) => m.say(path, pct);
    const mean = (/** @type {Wiring} */ w, /** @type {Kind} */ kind, /** @type {'one' | 'two'} */ n) => (has(w, kind) ? say(`${w}.${kind}.mean_${n}_removed`) : 'not run');
    let sentence = `${m.lead} the stream is at ${say('stream.none')} intact and the hierarchy at ${say('hierarchy.none')}. With one station bypassed the stream averages ${mean('stream', 'bypass', 'one')} and the hierarchy ${mean('hierarchy', 'bypass', 'one')}; with two, ${mean('stream', 'bypass', 'two')} and ${mean('hierarchy', 'bypass', 'two')}. Zeroed, the hierarchy falls to ${mean('hierarchy', 'zero', 'one')} (chance ${pct(chance)}), which its wiring forces and so says nothing about paths.`;
    if (has('stream', 'skip_removed')) sentence += ` Removing the stream’s skip around one station leaves it ${mean('stream', 'skip_removed', 'one')}.`;
    const diff = m.sayDifference('bypass.mean_one_removed', points);
    if (diff) sentence += ` Paired over seeds, one station bypassed: ${diff}.`;
    const ratio = (v) => (Number.isFinite(v) ? v.toFixed(2) : '–');
    const kept = m.sayDifference('bypass.retention', ratio);
    sentence += ` On each wiring’s own terms, the accuracy retained with one station bypassed, as a fraction of the intact accuracy, is ${m.say('stream.bypass.retention', ratio)} in the stream and ${m.say('hierarchy.bypass.retention', ratio)} in the hierarchy${kept ? ` (paired ${kept})` : ''}; Veit et al.’s ResNets keep most of theirs. The positive control, a stream whose stations write nothing (the direct path alone), retains ${m.say('positive_control.retention', ratio)}.`;
    const tables = kinds.map(({ key, title }) => {
      const ws = WIRINGS.filter((w) => has(w, key));
      return dataTable(`Category accuracy with stations ${title}`, ['removed', ...ws],
        [...rows.map((k) => [k, ...ws.map((w) => say(`${w}.${key}.${k}`))]),
          ['mean, one removed', ...ws.map((w) => say(`${w}.${key}.mean_one_removed`))],
          ['mean, two removed', ...ws.map((w) => say(`${w}.${key}.mean_two_removed`))],
          ['retained, one removed', ...ws.map((w) => m.say(`${w}.${key}.retention`, (v) => (Number.isFinite(v) ? v.toFixed(3) : '–')))]]);
    });
    return { chart, sentence, tables };
  },
});
