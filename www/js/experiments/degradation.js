// DG: deeper plain networks train worse (He et al. 2016, Fig. 1); residual ones should not.
// Final training error against depth (plain dashed, residual solid), the loss curves from the
// results file, and a live run that trains the small networks in the browser (in the worker)
// and draws their loss as it falls.

import { h } from '../dom.js';
import { dataTable, legend, lineChart, panel, statsLegend } from '../charts.js';
import { Marks } from './interval.js';
import { fixed, pct } from './format.js';

export const LIVE_DEPTHS = [1, 4, 12];
export const LIVE_STEPS = 150;
const SMOOTH = 0.15;

// One colour per depth whatever the run (quick: 1, 4, 12; full: 1, 2, 4, 8, 16).
const DEPTH_COLOUR = { 1: 0, 2: 1, 4: 2, 8: 3, 12: 4, 16: 4 };
const depthClass = (depths, d) => `exp-depth-${DEPTH_COLOUR[d] ?? Math.min(4, depths.indexOf(d))}`;

/** @typedef {import('../types/generated/degradation/Output').Output} Output */
/**
 * What the figure draws: an Output, or a live run, which the worker's `train` (www/js/worker.js)
 * returns with only the depths, steps and final errors, and `finish` below gives its batch and
 * every step's loss (`live_curves`); the file's other fields it lacks.
 * @typedef {Pick<Output, 'depths' | 'steps' | 'plain' | 'residual'> & Partial<Output> & { live?: boolean, live_curves?: Record<string, number[]> }} Drawn
 */

/** The path of a network's final training error, plain or residual, at depth `d`. */
const errorPath = (/** @type {'plain' | 'residual'} */ kind, /** @type {number} */ d) => /** @type {const} */ (`${kind}.${d}`);

/** @param {Drawn} r @param {Marks<Drawn>} [m] */
function errorChart(r, m = new Marks(r)) {
  const depths = r.depths;
  return lineChart({
    title: 'final training error',
    label: `Final training error against depth (${depths.join(', ')}), plain and residual`,
    xLabels: depths.map(String),
    series: [
      { cls: 'exp-plain', ...m.series(depths.map((d) => errorPath('plain', d))) },
      { cls: 'exp-residual', ...m.series(depths.map((d) => errorPath('residual', d))) },
    ],
    y: [0, 1],
    yTicks: [0, 0.25, 0.5, 0.75, 1],
    yFormat: (v) => `${Math.round(v * 100)}`,
    chance: 0.9,
    chanceLabel: 'chance (90 %)',
    xTitle: 'depth (stations)',
    width: 200,
    height: 160,
    left: 28,
    bottomSpace: 30,
  });
}

/**
 * Loss curves: curves = {"plain-4": [loss…]}; xs = the step of each point; total = axis length;
 * bands (optional) = {"plain-4": [[lo, hi] | null…]}, each curve's interval over seeds.
 */
function lossChart(curves, depths, xLabels, title, bands = {}) {
  const all = Object.values(curves).flat().filter(Number.isFinite);
  const hi = Math.max(2.4, ...all);
  const lo = all.length ? Math.max(0, Math.floor((Math.min(...all) - 0.1) * 5) / 5) : 0;
  const series = depths.flatMap((d) => ['plain', 'residual'].map((kind) => ({
    cls: `exp-${kind} ${depthClass(depths, d)}`,
    values: xLabels.map((_, i) => curves[`${kind}-${d}`]?.[i]),
    band: bands[`${kind}-${d}`],
  })));
  return lineChart({
    title,
    label: `${title}: training loss of plain and residual networks of depth ${depths.join(', ')}`,
    xLabels,
    maxXLabels: 4,
    series,
    y: [Math.min(lo, 2), Math.ceil(hi * 5) / 5],
    markers: false,
    xTitle: 'training step',
    width: 260,
    height: 160,
    left: 28,
    bottomSpace: 30,
  });
}

function keyFor(depths) {
  return legend([
    ...depths.map((d) => ({ cls: `exp-residual ${depthClass(depths, d)}`, label: `depth ${d}`, kind: 'swatch' })),
    { cls: 'exp-plain exp-neutral', label: 'plain (dashed, square)', kind: 'line' },
    { cls: 'exp-residual exp-neutral', label: 'residual (solid, round)', kind: 'line' },
  ]);
}

function smooth(values) {
  let m = null;
  return values.map((v) => (m = m === null ? v : m + SMOOTH * (v - m)));
}

/** @param {Drawn} r @param {Marks<Drawn>} [m] */
function describe(r, m = new Marks(r)) {
  const depths = r.depths;
  const deep = depths[depths.length - 1];
  const shallow = depths[0];
  const say = (/** @type {'plain' | 'residual'} */ kind, /** @type {number} */ d) => m.say(errorPath(kind, d), (v) => pct(v));
  const set = Number.isFinite(r.training_images) ? ` on its fixed training set of ${r.training_images} sketches` : '';
  const norm = typeof r.normalisation === 'string' ? ` Both kinds have the same normalisation (${r.normalisation}), so what fails is depth, not the signal’s scale.` : '';
  const frozen = Number.isFinite(m.value('plain_frozen_at_init.error'))
    ? ` Positive control: the deepest plain network frozen at initialisation ends at ${m.say('plain_frozen_at_init.error', (v) => pct(v))}, the error of a network that learns nothing.`
    : '';
  return `${m.lead} the training error${set} goes from ${say('plain', shallow)} at depth ${shallow} to ${say('plain', deep)} at depth ${deep} for plain networks, and from ${say('residual', shallow)} to ${say('residual', deep)} for residual ones.${norm}${frozen}`;
}

export default /** @satisfies {import('../types/results').Figure<Drawn> & { progressWord: string }} */ ({
  name: 'degradation',
  title: 'Do deeper plain networks train worse?',
  runLabel: 'Train in your browser',
  progressWord: 'Training',
  runHelp: `Trains six small networks (plain and residual, depths ${LIVE_DEPTHS.join(', ')}), one seed, for ${LIVE_STEPS} steps of 32 sketches each, one step of each in turn, in a background worker, and draws their loss as it falls.`,
  look: 'Compare the two kinds of network at the greatest depth: if depth alone makes training harder, the plain networks end with a higher training error than the residual ones.',
  how: 'Small networks of 1 to 16 stations, trained on the same sketches with the same budget; the only difference is the wiring: plain (each block replaces its input) or residual (each block adds to it). Each net sees one fixed training set again and again, and both kinds normalise every block’s input, so that what fails is depth, not signal scale. The first chart is the error on that training set at the end (mean and 95 % interval over seeds where the file has them), the second the loss as training goes.',
  render(r, ctx) {
    const m = ctx?.marks ?? new Marks(r);
    const depths = r.depths;
    let bands = {};
    let curves;
    let xLabels;
    let title;
    if (r.live_curves) {
      curves = Object.fromEntries(Object.entries(r.live_curves).map(([k, v]) => [k, smooth(v)]));
      xLabels = Array.from({ length: r.steps }, (_, i) => String(i + 1));
      title = 'loss, trained live (smoothed)';
    } else {
      curves = r.loss_curves_every_10_steps ?? {};
      const point = (/** @type {string} */ k, /** @type {number} */ i) => /** @type {const} */ (`loss_curves_every_10_steps.${k}.${i}`);
      // Each curve's mean and interval over seeds, where the file has them (arrays of ≤ 64 numbers).
      bands = Object.fromEntries(Object.keys(curves).map((k) => [k, curves[k].map((_, i) => m.ci(point(k, i)))]));
      curves = Object.fromEntries(Object.entries(curves).map(([k, v]) => [k, v.map((x, i) => m.value(point(k, i)) ?? x)]));
      const n = Math.max(0, ...Object.values(curves).map((c) => c.length));
      xLabels = Array.from({ length: n }, (_, i) => String((i + 1) * 10));
      title = 'loss (one batch every 10 steps)';
    }
    const control = m.hasControl(depths.flatMap((d) => [errorPath('plain', d), errorPath('residual', d)]));
    const chart = h('div', {},
      keyFor(depths),
      legend(statsLegend(m, { control })),
      h('div', { class: 'exp-multiples exp-two' }, panel(null, errorChart(r, m)), panel(null, h('div', { 'data-role': 'loss-chart' }, lossChart(curves, depths, xLabels, title, bands)))),
      ctx.origin === 'live' && ctx.file ? h('p', { class: 'exp-note' }, `The results file’s run (${ctx.file.size} size, ${ctx.file.steps} steps): ${describe(ctx.file).replace('In this run ', '')}`) : null);
    const tables = [dataTable('Training error at the end, on the fixed training set', ['depth', 'plain', 'residual'], depths.map((d) => [d, m.say(errorPath('plain', d), (v) => pct(v)), m.say(errorPath('residual', d), (v) => pct(v))]))];
    if (r.live_curves) {
      tables.push(dataTable('Live training: loss at the last step', ['network', 'loss'], Object.entries(r.live_curves).map(([k, v]) => [k, fixed(v[v.length - 1])])));
    }
    return { chart, sentence: `${describe(r, m)}${r.steps ? ` (${r.steps} steps of ${r.batch ?? 32}.)` : ''}`, tables };
  },
  live: {
    message: (seed) => ({ type: 'train', seed, depths: LIVE_DEPTHS, steps: LIVE_STEPS }),
    begin(body, ctx) {
      const curves = {};
      const errors = {};
      let steps = 0;
      let frame = 0;
      const xLabels = Array.from({ length: LIVE_STEPS }, (_, i) => String(i + 1));
      const holder = h('div', { 'data-role': 'loss-chart', 'data-live': 'true' });
      const counter = h('p', { class: 'exp-note', 'data-role': 'live-steps', 'aria-live': 'off' }, 'Starting the worker…');
      const draw = () => {
        frame = 0;
        const smoothed = Object.fromEntries(Object.entries(curves).map(([k, v]) => [k, smooth(v)]));
        holder.replaceChildren(lossChart(smoothed, LIVE_DEPTHS, xLabels, 'loss, training live (smoothed)'));
        holder.dataset.steps = String(steps);
        counter.textContent = `Step ${steps} of ${LIVE_STEPS} for each of the six networks.`;
      };
      body.replaceChildren(h('div', {}, keyFor(LIVE_DEPTHS),
        h('div', { class: 'exp-multiples exp-two' },
          ctx.file ? panel(null, errorChart(ctx.file)) : panel(null, h('p', { class: 'exp-note' }, 'Final errors appear when training ends.')),
          panel(null, holder)),
        counter));
      draw();
      return {
        onMessage(m) {
          if (m.type !== 'curves') return;
          steps = m.step;
          for (const p of m.points) {
            (curves[p.key] ??= []).push(p.loss);
            (errors[p.key] ??= []).push(p.error);
          }
          if (!frame) frame = requestAnimationFrame(draw);
        },
        finish(result) {
          if (frame) cancelAnimationFrame(frame);
          return { ...result, batch: 32, size: 'quick', seed: ctx.seed, live_curves: curves };
        },
        stop() {
          if (frame) cancelAnimationFrame(frame);
          if (!steps) return '';
          draw();
          counter.textContent = `Stopped after ${steps} of ${LIVE_STEPS} steps.`;
          return `the curves stop at step ${steps}.`;
        },
      };
    },
  },
});
