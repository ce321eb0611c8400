// Numbers in words: how the figures and the article's data-result hooks print a value, chosen
// from what its path says it is (an accuracy is a percentage, a correlation two decimals).

import { STATIONS } from '../names.js';
import { isMultiSeed } from './interval.js';

const NBSP = '\u2009';
const MINUS = '\u2212';

export function pct(v, digits = 0) {
  if (!Number.isFinite(v)) return '–';
  return `${(v * 100).toFixed(digits)}${NBSP}%`;
}

export function fixed(v, digits = 2) {
  if (!Number.isFinite(v)) return '–';
  const s = v.toFixed(digits);
  return s.startsWith('-') ? MINUS + s.slice(1) : s;
}

export function signedFixed(v, digits = 2) {
  if (!Number.isFinite(v)) return '–';
  const s = fixed(v, digits);
  return v > 0 && Number(s) !== 0 ? `+${s}` : s;
}

/** A sensible number of significant digits for a magnitude (3.66, 0.0483, 198). */
export function sig(v, n = 2) {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const digits = Math.max(0, n - 1 - Math.floor(Math.log10(a)));
  return fixed(v, Math.min(digits, 4));
}

export function degrees(v) {
  return Number.isFinite(v) ? `${Math.round(v)}°` : '–';
}

/**
 * The value at a dotted path; numeric segments index arrays, station names index `stations`.
 * In a multi-seed results file ({example, summary, …}) the path is one of seed 1's output
 * (`example`): the estimate over seeds at the same path of `summary` ({mean, ci, per_seed})
 * is returned where there is one, else seed 1's value.
 */
export function lookup(results, path) {
  const [exp, ...rest] = path.split('.');
  const file = results?.[exp];
  if (isMultiSeed(file)) {
    const e = walk(file.summary, rest, file.example);
    if (e && typeof e === 'object' && Number.isFinite(e.mean) && Array.isArray(e.ci)) return e;
    return walk(file.example, rest, file.example);
  }
  return walk(file, rest, file);
}

function walk(tree, rest, named) {
  let v = tree;
  const stations = named?.stations && Array.isArray(named.stations) && typeof named.stations[0] === 'string' ? named.stations : STATIONS;
  for (const p of rest) {
    if (v === null || v === undefined) return undefined;
    if (Array.isArray(v)) {
      const i = /^\d+$/.test(p) ? Number(p) : stations.indexOf(p);
      v = i >= 0 ? v[i] : undefined;
    } else {
      v = v[p];
    }
  }
  return v;
}

/** How to print the value at `path` (or as `format` says: percent, fixed:N, signed:N, int, deg). */
export function formatValue(v, path, format) {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.map((x) => formatValue(x, path, format)).join(', ');
  // An estimate over seeds: its mean and 95 % interval.
  if (v && typeof v === 'object' && Number.isFinite(v.mean) && Array.isArray(v.ci)) {
    return `${formatValue(v.mean, path, format)} [${formatValue(v.ci[0], path, format)}, ${formatValue(v.ci[1], path, format)}]`;
  }
  if (!Number.isFinite(v)) return '–';
  if (format) {
    const [kind, arg] = format.split(':');
    const d = arg === undefined ? undefined : Number(arg);
    if (kind === 'percent') return pct(v, d ?? 0);
    if (kind === 'fixed') return fixed(v, d ?? 2);
    if (kind === 'signed') return signedFixed(v, d ?? 2);
    if (kind === 'int') return String(Math.round(v));
    if (kind === 'deg') return degrees(v);
  }
  const [exp] = path.split('.');
  const last = path.split('.').pop();
  if (/(^|_)(n|units_responding|single_category_units|steps|batch|width|banks|seed|possible_patterns|possible_kernels|null_draws|permutations|training_images|n_inputs|n_per_half|unit|channel)$/.test(last)) return String(Math.round(v));
  if (/bandwidth|_deg(\.|$)/.test(path)) return degrees(v);
  if (/accuracy|fraction|share|chance|simple_fraction/.test(path) || exp === 'edge-probe' || exp === 'lesion' || (exp === 'degradation' && /^(plain|residual)\./.test(path.slice(exp.length + 1)))) {
    return pct(v, Math.abs(v) < 0.1 && v !== 0 ? 1 : 0);
  }
  // z-scores against a null: one decimal, signed.
  if (/(^|\.)(mean_z_\w+|z\.\d+\.\d+)$/.test(path)) return signedFixed(v, 1);
  if (/extra_r2|delta|cosine|mean$|median$|min$/.test(path)) return signedFixed(v, 2);
  if (/r2|reliability|sparseness|lifetime|population|circular_variance|f1_f0|correlation|strength/.test(path)) return fixed(v, 2);
  if (Number.isInteger(v)) return String(v);
  return sig(v, 2);
}

/** Fills one [data-result] element from `results` (null: there are none); true if it found its value. */
export function fillResult(el, results) {
  const path = el.dataset.result;
  const v = results ? lookup(results, path) : undefined;
  if (v === undefined || v === null) {
    el.textContent = results ? '(not in the results file)' : '(no results file yet)';
    el.dataset.resultState = 'missing';
    return false;
  }
  el.textContent = formatValue(v, path, el.dataset.format);
  el.dataset.resultState = 'filled';
  return true;
}

/** Fills every [data-result] in `root` from `results`; returns how many it filled. */
export function fillResults(root, results) {
  let n = 0;
  for (const el of root.querySelectorAll('[data-result]')) if (fillResult(el, results)) n += 1;
  return n;
}

/** "the stream" / "the hierarchy". */
export function wiringName(w) {
  return w === 'stream' ? 'the stream' : 'the hierarchy';
}

/** Compare two numbers in words: "higher than", "lower than", "about the same as". */
export function compare(a, b, tolerance) {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return 'not comparable with';
  if (Math.abs(a - b) <= tolerance) return 'about the same as';
  return a > b ? 'higher than' : 'lower than';
}
