// Small SVG and canvas charts, shared by the experiment figures and the lab. Every chart is
// drawn from numbers only; colours come from classes in css/experiments.css (the page's CSP forbids style
// attributes), so light and dark schemes and the stream/hierarchy marks live in one place.
// Stream is always a solid line with round markers (or a filled bar); hierarchy a dashed
// line with square markers (or an outlined, hatched bar): told apart by more than hue.

import { h } from './dom.js';


const FONT = 11;

export function scale([d0, d1], [r0, r1]) {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

function s(tag, attrs, ...children) {
  return h(`svg:${tag}`, attrs, ...children);
}

function text(x, y, str, cls = 'exp-text', anchor = 'middle', extra = {}) {
  return s('text', { x: round(x), y: round(y), class: cls, 'text-anchor': anchor, ...extra }, str);
}

function round(v) {
  return Math.round(v * 10) / 10;
}

/** Nice tick values covering [lo, hi]. */
export function ticks(lo, hi, count = 4) {
  const span = hi - lo || 1;
  const step0 = span / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((m) => m >= step0) ?? step0;
  const out = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) out.push(Math.abs(v) < 1e-12 ? 0 : v);
  return out;
}

/** The extent of finite numbers, optionally including fixed values. */
export function extent(values, include = []) {
  const v = [...values, ...include].filter(Number.isFinite);
  if (!v.length) return [0, 1];
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  return [lo, hi];
}

/**
 * A frame with a y axis: returns {svg, y(v), plot: {left, right, top, bottom}}.
 * opts: {width, height, y: [lo, hi], yTicks, yFormat, yTitle, title, label, left}
 */
function axes(opts) {
  const width = opts.width ?? 240;
  const height = opts.height ?? 160;
  const left = opts.left ?? 34;
  const top = opts.title ? 20 : 8;
  const bottom = height - (opts.bottomSpace ?? 22);
  const right = width - 6;
  const [lo, hi] = opts.y;
  const y = scale([lo, hi], [bottom, top]);
  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: `exp-chart ${opts.cls ?? ''}`.trim(),
    role: 'img',
    'aria-label': opts.label ?? opts.title ?? 'chart',
  });
  if (opts.title) svg.append(text(left, 12, opts.title, 'exp-text exp-panel-title', 'start'));
  const fmt = opts.yFormat ?? ((v) => String(+v.toFixed(2)));
  for (const t of opts.yTicks ?? ticks(lo, hi)) {
    svg.append(s('line', { x1: left, x2: right, y1: round(y(t)), y2: round(y(t)), class: t === 0 ? 'exp-zero' : 'exp-grid' }));
    svg.append(text(left - 4, y(t) + FONT / 3, fmt(t), 'exp-text exp-tick', 'end'));
  }
  if (opts.yTitle) {
    svg.append(text(10, (top + bottom) / 2, opts.yTitle, 'exp-text exp-axis-title', 'middle', { transform: `rotate(-90 10 ${round((top + bottom) / 2)})` }));
  }
  return { svg, y, plot: { left, right, top, bottom, width, height } };
}

function chanceLine(svg, y, plot, chance, label = 'chance') {
  if (!Number.isFinite(chance)) return;
  svg.append(s('line', { x1: plot.left, x2: plot.right, y1: round(y(chance)), y2: round(y(chance)), class: 'exp-chance' }));
  svg.append(text(plot.right - 2, y(chance) - 3, label, 'exp-text exp-chance-label', 'end'));
}

/** A capped error bar from pixel p0 to p1 along y (along x when `across`), at `at` on the other axis. */
function errorBar(svg, at, p0, p1, cls, across = false) {
  if (!Number.isFinite(p0) || !Number.isFinite(p1)) return;
  const cap = 3;
  const [a, b] = [Math.min(p0, p1), Math.max(p0, p1)];
  const g = s('g', { class: `exp-ci ${cls}`, 'data-mark': 'ci' });
  if (across) {
    g.append(s('line', { x1: round(a), x2: round(b), y1: round(at), y2: round(at) }),
      s('line', { x1: round(a), x2: round(a), y1: round(at - cap), y2: round(at + cap) }),
      s('line', { x1: round(b), x2: round(b), y1: round(at - cap), y2: round(at + cap) }));
  } else {
    g.append(s('line', { x1: round(at), x2: round(at), y1: round(a), y2: round(b) }),
      s('line', { x1: round(at - cap), x2: round(at + cap), y1: round(a), y2: round(a) }),
      s('line', { x1: round(at - cap), x2: round(at + cap), y1: round(b), y2: round(b) }));
  }
  svg.append(g);
}

/** The untrained control's mark: a hollow diamond, whatever the wiring (told apart by shape, not hue). */
function controlMark(cls, x, y, r = 3.6, key = false) {
  const pts = [[x, y - r], [x + r, y], [x, y + r], [x - r, y]].map((p) => p.map(round).join(',')).join(' ');
  return s('polygon', { points: pts, class: `exp-untrained ${cls}`, ...(key ? {} : { 'data-mark': 'untrained' }) });
}

/** Clamp v into the domain [lo, hi] (either order). */
function clamp(v, [lo, hi]) {
  return Math.max(Math.min(lo, hi), Math.min(Math.max(lo, hi), v));
}

/**
 * A series' intervals (ser.ci[i] = [lo, hi] or null) and untrained marks (ser.control[i] = a
 * number or null), clamped to the value axis' `domain`. place.at(i): where mark i sits across
 * the value axis; place.v(value): where a value sits along it; `across`: the value axis is x.
 */
function extras(svg, ser, n, place, domain, across = false) {
  for (let i = 0; i < n; i++) {
    const c = ser.ci?.[i];
    const at = place.at(i);
    if (c && Number.isFinite(at)) errorBar(svg, at, place.v(clamp(c[0], domain)), place.v(clamp(c[1], domain)), ser.cls, across);
  }
  for (let i = 0; i < n; i++) {
    const u = ser.control?.[i];
    const at = place.at(i);
    if (!Number.isFinite(u) || !Number.isFinite(at)) continue;
    const pv = place.v(clamp(u, domain));
    svg.append(across ? controlMark(ser.cls, pv, at) : controlMark(ser.cls, at, pv));
  }
}

function marker(cls, x, y, r = 3) {
  if (cls.includes('hierarchy') || cls.includes('plain')) {
    return s('rect', { x: round(x - r), y: round(y - r), width: 2 * r, height: 2 * r, class: `exp-marker ${cls}` });
  }
  return s('circle', { cx: round(x), cy: round(y), r, class: `exp-marker ${cls}` });
}

/**
 * Lines over categories: series [{cls, values, label}] (null values leave gaps).
 * opts as axes, plus xLabels, chance, markers (default true).
 */
export function lineChart(opts) {
  const { svg, y, plot } = axes(opts);
  const n = opts.xLabels.length;
  const pad = opts.xPad ?? 14;
  const x = scale([0, Math.max(1, n - 1)], [plot.left + pad, plot.right - pad]);
  const every = Math.max(1, Math.ceil(n / (opts.maxXLabels ?? 12)));
  opts.xLabels.forEach((lab, i) => {
    if (i % every === 0 || i === n - 1) svg.append(text(x(i), plot.bottom + 14, lab, 'exp-text exp-tick'));
  });
  if (opts.xTitle) svg.append(text((plot.left + plot.right) / 2, plot.height - 1, opts.xTitle, 'exp-text exp-axis-title'));
  chanceLine(svg, y, plot, opts.chance, opts.chanceLabel);
  // Shaded bands (ser.band[i] = [lo, hi] or null) under all lines: an interval along a curve.
  for (const ser of opts.series) {
    if (!ser.band) continue;
    let run = [];
    const flush = () => {
      if (run.length > 1) {
        const upper = run.map(([i, , hi]) => `${round(x(i))},${round(y(clamp(hi, opts.y)))}`);
        const lower = run.map(([i, lo]) => `${round(x(i))},${round(y(clamp(lo, opts.y)))}`).reverse();
        svg.append(s('polygon', { points: [...upper, ...lower].join(' '), class: `exp-band ${ser.cls}`, 'data-mark': 'ci' }));
      }
      run = [];
    };
    ser.band.forEach((b, i) => (b && b.every(Number.isFinite) ? run.push([i, b[0], b[1]]) : flush()));
    flush();
  }
  for (const ser of opts.series) {
    const pts = ser.values.map((v, i) => (Number.isFinite(v) ? [x(i), y(v)] : null));
    let run = [];
    const flush = () => {
      if (run.length > 1) svg.append(s('polyline', { points: run.map((p) => p.map(round).join(',')).join(' '), class: `exp-line ${ser.cls}` }));
      run = [];
    };
    for (const p of pts) {
      if (p) run.push(p);
      else flush();
    }
    flush();
    if (opts.markers !== false) for (const p of pts) if (p) svg.append(marker(ser.cls, p[0], p[1]));
    // Series side by side are nudged apart so that their error bars do not hide each other.
    const k = opts.series.indexOf(ser);
    const nudge = (k - (opts.series.length - 1) / 2) * 3;
    extras(svg, ser, n, { at: (i) => x(i) + nudge, v: y }, opts.y);
  }
  return svg;
}

/**
 * Grouped vertical bars: categories (x labels), series [{cls, values}], a zero baseline.
 * opts as axes, plus chance, valueFormat (labels above bars, optional).
 */
export function barChart(opts) {
  const { svg, y, plot } = axes(opts);
  const n = opts.categories.length;
  const band = (plot.right - plot.left) / n;
  const k = opts.series.length;
  const bw = Math.min(22, (band * 0.8) / k);
  const y0 = y(Math.max(opts.y[0], Math.min(opts.y[1], 0)));
  opts.categories.forEach((lab, i) => {
    const cx = plot.left + band * (i + 0.5);
    svg.append(text(cx, plot.bottom + 14, lab, 'exp-text exp-tick'));
    opts.series.forEach((ser, j) => {
      const v = ser.values[i];
      const bx = cx - (k * bw) / 2 + j * bw;
      if (!Number.isFinite(v)) {
        svg.append(text(bx + bw / 2, y0 - 3, '–', 'exp-text exp-tick'));
        return;
      }
      const yv = y(Math.max(opts.y[0], Math.min(opts.y[1], v)));
      // A null's range ([lo, hi] per category), drawn behind the bar a little wider than it.
      const nb = ser.band?.[i];
      if (nb && nb.every(Number.isFinite)) {
        const [b0, b1] = nb.map((b) => y(Math.max(opts.y[0], Math.min(opts.y[1], b))));
        svg.append(s('rect', { x: round(bx - 1), y: round(Math.min(b0, b1)), width: round(bw + 2), height: round(Math.max(1, Math.abs(b1 - b0))), class: 'exp-null-band' }));
      }
      svg.append(s('rect', { x: round(bx + 1), y: round(Math.min(yv, y0)), width: round(bw - 2), height: round(Math.max(0.5, Math.abs(y0 - yv))), class: `exp-bar ${ser.cls}` }));
      if (opts.valueFormat && !ser.ci?.[i]) svg.append(text(bx + bw / 2, (v >= 0 ? yv - 3 : yv + FONT), opts.valueFormat(v), 'exp-text exp-value'));
    });
  });
  opts.series.forEach((ser, j) => {
    const at = (i) => plot.left + band * (i + 0.5) - (k * bw) / 2 + j * bw + bw / 2;
    // Over a filled bar the interval is drawn in the text colour, so that it shows on the bar.
    extras(svg, { ...ser, cls: `${ser.cls} exp-bar-ci` }, n, { at, v: y }, opts.y);
  });
  if (opts.xTitle) svg.append(text((plot.left + plot.right) / 2, plot.height - 1, opts.xTitle, 'exp-text exp-axis-title'));
  chanceLine(svg, y, plot, opts.chance, opts.chanceLabel);
  return svg;
}

/**
 * Horizontal grouped bars, one row per label (reads well on a phone): rows [label],
 * series [{cls, values}], x: [lo, hi], chance, valueFormat.
 */
export function hbarChart(opts) {
  const rowH = opts.rowHeight ?? 20;
  const k = opts.series.length;
  const width = opts.width ?? 320;
  const left = opts.left ?? 64;
  const top = 8;
  const height = top + opts.rows.length * rowH + 24;
  const right = width - 34;
  const x = scale(opts.x, [left, right]);
  const bottom = top + opts.rows.length * rowH;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'exp-chart', role: 'img', 'aria-label': opts.label ?? 'chart' });
  for (const t of ticks(...opts.x, 4)) {
    svg.append(s('line', { x1: round(x(t)), x2: round(x(t)), y1: top, y2: bottom, class: t === 0 ? 'exp-zero' : 'exp-grid' }));
    svg.append(text(x(t), bottom + 12, (opts.tickFormat ?? String)(t), 'exp-text exp-tick'));
  }
  if (opts.xTitle) svg.append(text((left + right) / 2, height - 1, opts.xTitle, 'exp-text exp-axis-title'));
  const bh = (rowH - 4) / k;
  opts.rows.forEach((lab, i) => {
    const ry = top + i * rowH;
    svg.append(text(left - 4, ry + rowH / 2 + FONT / 3, lab, 'exp-text exp-tick', 'end'));
    opts.series.forEach((ser, j) => {
      const v = ser.values[i];
      if (!Number.isFinite(v)) return;
      const x0 = x(Math.max(opts.x[0], 0));
      const xv = x(Math.max(opts.x[0], Math.min(opts.x[1], v)));
      const by = ry + 2 + j * bh;
      svg.append(s('rect', { x: round(Math.min(x0, xv)), y: round(by + 0.5), width: round(Math.max(0.5, Math.abs(xv - x0))), height: round(bh - 1), class: `exp-bar ${ser.cls}` }));
      const c = ser.ci?.[i];
      const labelAt = c ? x(Math.max(opts.x[0], Math.min(opts.x[1], Math.max(v, c[1])))) : xv;
      if (opts.valueFormat) svg.append(text(labelAt + 4, by + bh / 2 + FONT / 3 - 1, opts.valueFormat(v), 'exp-text exp-value exp-small', 'start'));
    });
  });
  opts.series.forEach((ser, j) => {
    const at = (i) => top + i * rowH + 2 + j * bh + bh / 2;
    extras(svg, { ...ser, cls: `${ser.cls} exp-bar-ci` }, opts.rows.length, { at, v: x }, opts.x, true);
  });
  if (Number.isFinite(opts.chance)) {
    svg.append(s('line', { x1: round(x(opts.chance)), x2: round(x(opts.chance)), y1: top - 4, y2: bottom, class: 'exp-chance' }));
  }
  return svg;
}

/**
 * Dots for a distribution per row (strip plot) with a median tick: rows [{label, cls, values}],
 * x: [lo, hi], reference (optional vertical line at a value, with a label).
 */
export function stripChart(opts) {
  const rowH = 18;
  const width = opts.width ?? 240;
  const left = opts.left ?? 86;
  const top = opts.title ? 20 : 6;
  const bottom = top + opts.rows.length * rowH;
  const height = bottom + 26;
  const right = width - 8;
  const x = scale(opts.x, [left, right]);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'exp-chart', role: 'img', 'aria-label': opts.label ?? opts.title ?? 'chart' });
  if (opts.title) svg.append(text(4, 12, opts.title, 'exp-text exp-panel-title', 'start'));
  for (const t of ticks(...opts.x, 4)) {
    svg.append(s('line', { x1: round(x(t)), x2: round(x(t)), y1: top, y2: bottom, class: 'exp-grid' }));
    svg.append(text(x(t), bottom + 12, (opts.tickFormat ?? String)(t), 'exp-text exp-tick'));
  }
  if (opts.xTitle) svg.append(text((left + right) / 2, height - 1, opts.xTitle, 'exp-text exp-axis-title'));
  opts.rows.forEach((row, i) => {
    const cy = top + i * rowH + rowH / 2;
    svg.append(text(left - 6, cy + FONT / 3, row.label, 'exp-text exp-tick', 'end'));
    const vals = row.values.filter(Number.isFinite);
    vals.forEach((v, j) => {
      const jitter = ((j * 7919) % 11) / 10 - 0.5;
      svg.append(marker(row.cls, x(Math.max(opts.x[0], Math.min(opts.x[1], v))), cy + jitter * 7, 2.2));
    });
    const m = Number.isFinite(row.median) ? row.median : vals.length ? median(vals) : NaN;
    if (Number.isFinite(m)) {
      svg.append(s('line', { x1: round(x(clamp(m, opts.x))), x2: round(x(clamp(m, opts.x))), y1: cy - 8, y2: cy + 8, class: 'exp-median' }));
    }
    extras(svg, { cls: row.cls, ci: [row.ci], control: [row.control] }, 1, { at: () => cy - 7, v: x }, opts.x, true);
  });
  return svg;
}

export function median(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Viridis-like sequential ramp (colour-blind safe), t in [0, 1] → "rgb(…)". */
const SEQ = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
/** Blue–white–red diverging ramp (ColorBrewer RdBu), as the core's maps. */
const DIV = [[33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43]];

function ramp(stops, t) {
  const u = (Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0.5) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const f = u - i;
  return stops[i].map((a, c) => Math.round(a + f * (stops[i + 1][c] - a)));
}

export function sequential(t) {
  return ramp(SEQ, t);
}

export function diverging(t) {
  return ramp(DIV, t);
}

export function rgb([r, g, b]) {
  return `rgb(${r},${g},${b})`;
}

/** Light text on dark cells, dark text on light ones. */
export function inkFor([r, g, b]) {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 140 ? 'exp-ink-dark' : 'exp-ink-light';
}

/**
 * A signed map (values row-major, side × side) as a small canvas, symmetric diverging scale
 * (blue below zero, red above). The canvas is scaled up by CSS with crisp pixels.
 */
export function signedImage(values, side, label, cls = 'exp-image') {
  const canvas = h('canvas', { width: side, height: side, class: cls, role: 'img', 'aria-label': label });
  const ctx = canvas.getContext('2d');
  const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  const img = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const [r, g, b] = diverging(0.5 + 0.5 * (values[i] ?? 0) / max);
    img.data.set([r, g, b, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

/**
 * A heat map of a matrix (rows × cols, null cells left blank) with the value written in each
 * cell. opts: {rows, cols, values, range: [lo, hi], marked(i, j) → bool (outlined), dim(i, j),
 * format, rowTitle, colTitle, label}.
 */
export function heatmap(opts) {
  const cell = opts.cell ?? 34;
  const left = opts.left ?? 70;
  const top = opts.top ?? 52;
  const width = left + opts.cols.length * cell + (opts.right ?? 40);
  const height = top + opts.rows.length * cell + 6;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'exp-chart exp-heatmap', role: 'img', 'aria-label': opts.label ?? 'heat map' });
  if (opts.title) svg.append(text(4, 12, opts.title, 'exp-text exp-panel-title', 'start'));
  if (opts.colTitle) svg.append(text(left + (opts.cols.length * cell) / 2, opts.title ? 26 : 12, opts.colTitle, 'exp-text exp-axis-title'));
  opts.cols.forEach((c, j) => {
    const cx = left + j * cell + cell / 2;
    svg.append(text(cx, top - 6, c, 'exp-text exp-tick exp-small', 'start', { transform: `rotate(-35 ${round(cx)} ${top - 6})` }));
  });
  const t = scale(opts.range ?? [0, 1], [0, 1]);
  const fmt = opts.format ?? ((v) => v.toFixed(2));
  opts.rows.forEach((r, i) => {
    svg.append(text(left - 4, top + i * cell + cell / 2 + FONT / 3, r, 'exp-text exp-tick', 'end'));
    opts.cols.forEach((_, j) => {
      const v = opts.values[i]?.[j];
      const x = left + j * cell;
      const y = top + i * cell;
      if (!Number.isFinite(v)) {
        svg.append(s('rect', { x: x + 1, y: y + 1, width: cell - 2, height: cell - 2, class: 'exp-cell-empty' }));
        return;
      }
      const colour = (opts.colour ?? sequential)(t(v));
      const dim = opts.dim?.(i, j);
      const rect = s('rect', { x: x + 1, y: y + 1, width: cell - 2, height: cell - 2, fill: rgb(colour), class: `exp-cell${dim ? ' exp-cell-dim' : ''}` });
      svg.append(rect);
      if (opts.marked?.(i, j)) svg.append(s('rect', { x: x + 2.5, y: y + 2.5, width: cell - 5, height: cell - 5, class: 'exp-cell-mark' }));
      const c = opts.ci?.(i, j);
      const ink = dim ? 'exp-ink-muted' : inkFor(colour);
      svg.append(text(x + cell / 2, y + cell / 2 + FONT / 3 - (c ? 4 : 1), fmt(v), `exp-text exp-small ${ink}`));
      if (c) {
        const half = (c[1] - c[0]) / 2;
        svg.append(text(x + cell / 2, y + cell / 2 + FONT / 3 + 6, `±${fmt(half)}`, `exp-text exp-tiny ${ink}`, 'middle', { 'data-mark': 'ci' }));
      }
      const u = opts.control?.(i, j);
      if (c || Number.isFinite(u)) {
        const said = [`${fmt(v)}`, c ? `95 % interval ${fmt(c[0])} to ${fmt(c[1])}` : null, Number.isFinite(u) ? `untrained ${fmt(u)}` : null].filter(Boolean).join('; ');
        rect.append(s('title', {}, said));
      }
    });
  });
  return svg;
}

/** A legend: items [{cls, label, kind: 'line' | 'bar' | 'swatch', fill?}]. */
export function legend(items) {
  return h('ul', { class: 'exp-legend' },
    items.map((it) => h('li', {},
      s('svg', { viewBox: '0 0 26 12', class: 'exp-key', 'aria-hidden': 'true' },
        it.kind === 'bar'
          ? s('rect', { x: 3, y: 1, width: 20, height: 10, class: `exp-bar ${it.cls}` })
          : it.kind === 'ci'
            ? s('g', { class: `exp-ci ${it.cls}` }, s('line', { x1: 13, x2: 13, y1: 1, y2: 11 }), s('line', { x1: 10, x2: 16, y1: 1, y2: 1 }), s('line', { x1: 10, x2: 16, y1: 11, y2: 11 }))
            : it.kind === 'untrained'
              ? controlMark(it.cls, 13, 6, 4.4, true)
              : it.kind === 'swatch'
            ? s('rect', { x: 3, y: 1, width: 20, height: 10, class: `exp-swatch ${it.cls}`, ...(it.fill ? { fill: it.fill } : {}) })
            : [s('line', { x1: 1, x2: 25, y1: 6, y2: 6, class: `exp-line ${it.cls}` }), marker(it.cls, 13, 6, 3)]),
      ` ${it.label}`)));
}

export const WIRING_LEGEND = [
  { cls: 'exp-stream', label: 'stream (solid, round)', kind: 'line' },
  { cls: 'exp-hierarchy', label: 'hierarchy (dashed, square)', kind: 'line' },
];

/**
 * The legend entries for what the multi-seed file adds: the interval (when the figure draws
 * any) and the untrained control (when it has one). `marks` is an interval.js Marks.
 */
export function statsLegend(marks, { control = true } = {}) {
  const items = [];
  if (marks.hasIntervals) items.push({ cls: 'exp-neutral', label: `95 % interval over ${marks.n} seeds`, kind: 'ci' });
  if (control) items.push({ cls: 'exp-neutral', label: 'untrained control (hollow diamond)', kind: 'untrained' });
  return items;
}

export const WIRING_BAR_LEGEND = [
  { cls: 'exp-stream', label: 'stream (filled)', kind: 'bar' },
  { cls: 'exp-hierarchy', label: 'hierarchy (hatched)', kind: 'bar' },
];

/**
 * A table with the figure's numbers: in the frame's summary (visually hidden as a whole, as a
 * table cannot be shrunk below its content) for screen readers, or shown.
 * rows: arrays of cells (strings or numbers).
 */
export function dataTable(caption, headers, rows, visible = false) {
  return h('table', { class: visible ? 'exp-table exp-table-shown' : 'exp-table' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, String(c)) : h('td', {}, String(c))))))));
}

/** A titled panel wrapper (a small multiple). */
export function panel(title, ...children) {
  return h('div', { class: 'exp-panel' }, title ? h('p', { class: 'exp-panel-heading' }, title) : null, ...children);
}
