// The lab's learning curves, in SVG: training loss, and held-out accuracy for the category and
// the orientation, against the step. Each wiring has its own mark as well as its own colour
// (stream: solid line, round markers; hierarchy: dashed, square; gated: dotted, triangle), and
// a legend in words. Colours come from classes in css/lab.css (the CSP forbids style attributes).

import { h } from '../dom.js';
import { extent, scale, ticks } from '../charts.js';

const W = 260;
const H = 150;
const PAD = { left: 40, right: 16, top: 10, bottom: 30 };

const s = (tag, attrs, ...children) => h(`svg:${tag}`, attrs, ...children);
const r1 = (v) => Math.round(v * 10) / 10;

/** One marker of a wiring's shape at (x, y). */
function marker(wiring, x, y) {
  const cls = `lab-marker lab-${wiring}`;
  if (wiring === 'hierarchy') return s('rect', { x: r1(x - 3), y: r1(y - 3), width: 6, height: 6, class: cls });
  if (wiring === 'gated') return s('path', { d: `M${r1(x)} ${r1(y - 4)}L${r1(x + 4)} ${r1(y + 3)}L${r1(x - 4)} ${r1(y + 3)}Z`, class: cls });
  return s('circle', { cx: r1(x), cy: r1(y), r: 3.2, class: cls });
}

/**
 * One panel: a line per series, markers on at most ~8 points of each, labelled axes.
 * @param {{title: string, yTitle: string, steps: number, y?: [number, number],
 *          series: {wiring: string, points: {step: number, value: number}[]}[], percent?: boolean}} o
 */
export function curvePanel(o) {
  const values = o.series.flatMap((sr) => sr.points.map((p) => p.value));
  const [lo, hi] = o.y ?? extent(values, [0]);
  const x = scale([0, o.steps], [PAD.left, W - PAD.right]);
  const y = scale([lo, hi], [H - PAD.bottom, PAD.top]);
  const fmt = (v) => (o.percent ? `${Math.round(v * 100)}` : String(Math.round(v * 100) / 100));
  const grid = [];
  for (const t of ticks(lo, hi, 4)) {
    grid.push(s('line', { x1: PAD.left, x2: W - PAD.right, y1: r1(y(t)), y2: r1(y(t)), class: 'lab-gridline' }));
    grid.push(s('text', { x: PAD.left - 4, y: r1(y(t) + 3.5), class: 'lab-tick', 'text-anchor': 'end' }, fmt(t)));
  }
  for (const t of ticks(0, o.steps, 4)) {
    grid.push(s('text', { x: r1(x(t)), y: H - PAD.bottom + 12, class: 'lab-tick', 'text-anchor': 'middle' }, String(t)));
  }
  const lines = o.series.map((sr) => {
    const pts = sr.points.filter((p) => Number.isFinite(p.value));
    const every = Math.max(1, Math.ceil(pts.length / 8));
    return s('g', { 'data-wiring': sr.wiring },
      pts.length > 1 ? s('polyline', { points: pts.map((p) => `${r1(x(p.step))},${r1(y(p.value))}`).join(' '), class: `lab-line lab-${sr.wiring}` }) : null,
      pts.filter((_, i) => i % every === 0 || i === pts.length - 1).map((p) => marker(sr.wiring, x(p.step), y(p.value))));
  });
  return s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'lab-chart', role: 'img', 'aria-label': o.title },
    s('title', {}, o.title),
    grid,
    s('line', { x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: H - PAD.bottom, class: 'lab-axis' }),
    s('line', { x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom, class: 'lab-axis' }),
    s('text', { x: r1((PAD.left + W - PAD.right) / 2), y: H - 3, class: 'lab-axis-title', 'text-anchor': 'middle' }, 'training step'),
    s('text', { x: 10, y: r1((PAD.top + H - PAD.bottom) / 2), class: 'lab-axis-title', 'text-anchor': 'middle', transform: `rotate(-90 10 ${r1((PAD.top + H - PAD.bottom) / 2)})` }, o.yTitle),
    lines);
}

/** The legend: each wiring's mark drawn small, with its name in words. */
export function curveLegend(wirings) {
  return h('ul', { class: 'lab-legend', 'aria-label': 'Legend' },
    wirings.map((w) => h('li', {},
      s('svg', { viewBox: '0 0 26 10', width: 26, height: 10, 'aria-hidden': 'true' },
        s('line', { x1: 1, x2: 25, y1: 5, y2: 5, class: `lab-line lab-${w}` }), marker(w, 13, 5)),
      ` ${w}${w === 'stream' ? ' (solid, round)' : w === 'hierarchy' ? ' (dashed, square)' : ' (dotted, triangle)'}`)));
}

/**
 * The curves in words, for screen readers (and tests): one row per look, with the mean training
 * loss over the steps since the row before and the held-out accuracies.
 * @param {import('./run.js').LabRun[]} runs
 */
function curveTable(runs) {
  const rows = [];
  for (const r of runs) {
    let from = 0;
    for (const p of r.heldOut) {
      const losses = r.ticks.filter((t) => t.step > from && t.step <= p.step).map((t) => t.loss);
      from = p.step;
      const loss = losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : NaN;
      rows.push(h('tr', { 'data-wiring': r.config.wiring, 'data-step': p.step, 'data-loss': Number.isFinite(loss) ? loss.toFixed(4) : '' },
        h('td', {}, r.config.wiring), h('td', {}, String(p.step)),
        h('td', {}, Number.isFinite(loss) ? loss.toFixed(3) : '–'),
        h('td', {}, `${Math.round(p.category * 100)} %`), h('td', {}, `${Math.round(p.orientation * 100)} %`)));
    }
  }
  // (in a hidden box: a table does not shrink to the 1 px of .visually-hidden itself)
  return h('div', { class: 'visually-hidden' }, h('table', { 'data-role': 'curve-table' },
    h('caption', {}, 'Learning curves: mean training loss since the previous row, and held-out accuracy'),
    h('thead', {}, h('tr', {}, ['wiring', 'step', 'training loss', 'category accuracy', 'orientation accuracy'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows)));
}

/**
 * Redraw the three panels into `root` from the runs (each a js/lab/run.js LabRun).
 * @param {HTMLElement} root
 * @param {import('./run.js').LabRun[]} runs
 */
export function drawCurves(root, runs) {
  if (!runs.length) return;
  const steps = Math.max(...runs.map((r) => r.config.steps));
  const series = (pick) => runs.map((r) => ({ wiring: r.config.wiring, points: pick(r) }));
  root.replaceChildren(
    curveLegend(runs.map((r) => r.config.wiring)),
    h('div', { class: 'lab-charts' },
      h('figure', { 'data-role': 'loss-curve' },
        curvePanel({ title: 'Training loss', yTitle: 'loss', steps, series: series((r) => r.ticks.map((t) => ({ step: t.step, value: t.loss }))) }),
        h('figcaption', {}, 'Training loss')),
      h('figure', { 'data-role': 'category-curve' },
        curvePanel({ title: 'Held-out category accuracy (percent)', yTitle: 'accuracy, %', steps, y: [0, 1], percent: true, series: series((r) => r.heldOut.map((p) => ({ step: p.step, value: p.category }))) }),
        h('figcaption', {}, 'Held-out accuracy: category (chance 10 %)')),
      h('figure', { 'data-role': 'orientation-curve' },
        curvePanel({ title: 'Held-out orientation accuracy (percent)', yTitle: 'accuracy, %', steps, y: [0, 1], percent: true, series: series((r) => r.heldOut.map((p) => ({ step: p.step, value: p.orientation }))) }),
        h('figcaption', {}, 'Held-out accuracy: orientation (chance 12.5 %)'))),
    curveTable(runs));
}
