// Seeds, intervals and controls for every experiment figure, from one place.
//
// A results file (www/data/results/NAME.json) holds one experiment over several seeds:
//   {seeds, size, verdict, example, summary, stream_minus_hierarchy, untrained, retina_control}
// where `example` is seed 1's output (what a live run in the browser returns too), `summary` the
// same tree with every number replaced by an estimate E = {mean, ci: [lo, hi], per_seed}, and
// `untrained` / `retina_control` the summaries of the controls. A figure asks this module for the
// number at a path of `example` ("stream.IT.l5", "stream.delta.V1.mean") and gets, wherever
// the file has them, the interval over seeds and the untrained control's mean at the same path.
// Older or partial files (no summary, no controls) simply give no interval: figures draw what
// there is.

import { stationIndex } from '../names.js';

/** @template T @typedef {import('../types/results').PathOf<T>} PathOf */
/** @template T @typedef {import('../types/results').WiringPathOf<T>} WiringPathOf */

/**
 * The value at `path` in `tree`: a dotted string or an array of keys; a numeric key or a station
 * name indexes an array (station names by the tree's own `stations` list when it has one).
 * @param {any} tree
 * @param {string | (string | number)[]} path
 */
export function at(tree, path) {
  const keys = Array.isArray(path) ? path : String(path).split('.');
  let v = tree;
  for (const key of keys) {
    if (v === null || v === undefined) return undefined;
    if (Array.isArray(v)) {
      const k = String(key);
      const i = /^\d+$/.test(k) ? Number(k) : stationIndex(k);
      v = i >= 0 ? v[i] : undefined;
    } else if (typeof v === 'object') {
      v = v[key];
    } else {
      return undefined;
    }
  }
  return v;
}

/** Is `v` an estimate over seeds, {mean, ci: [lo, hi], per_seed}? */
export function isEstimate(v) {
  return Boolean(v) && typeof v === 'object' && Number.isFinite(v.mean) && Array.isArray(v.ci) && v.ci.length === 2;
}

/**
 * The file is in the multi-seed shape: a list of seeds and seed 1's output under `example`.
 * (Both, since one experiment's own output, gating's, has a key `example` of its own.)
 */
export function isMultiSeed(file) {
  return Boolean(file) && typeof file === 'object' && Array.isArray(file.seeds) && Boolean(file.example) && typeof file.example === 'object';
}

/**
 * What one drawing of a figure reads its numbers from. `result` is the output being drawn
 * (seed 1's `example`, or a live run); `file` the whole multi-seed results file, or null for a
 * live run (one seed: no interval, no control). `T` is the experiment's output type, so tsc
 * checks each path a figure asks for against it (www/js/types/results.d.ts).
 * @template [T=any]
 */
export class Marks {
  /** @param {T} result @param {any} [file] */
  constructor(result, file = null) {
    this.result = result;
    this.file = isMultiSeed(file) ? file : null;
    /** How many seeds the intervals are over (0: none, a single run). */
    this.n = Array.isArray(this.file?.seeds) ? this.file.seeds.length : 0;
  }

  /**
   * The estimate over seeds at `path` of the summary (or of a control's summary), or null.
   * @param {PathOf<T> | WiringPathOf<T>} path
   */
  estimate(path, tree = this.file?.summary) {
    const e = at(tree, path);
    return isEstimate(e) ? e : null;
  }

  /**
   * The number a figure draws at `path`: the mean over seeds where the summary has it (the
   * caption says "mean and 95 % interval over N seeds"), else the drawn output's own value.
   * @param {PathOf<T>} path
   */
  value(path) {
    const e = this.estimate(path);
    if (e) return e.mean;
    const v = at(this.result, path);
    return typeof v === 'number' ? v : undefined;
  }

  /** The 95 % interval over seeds at `path`, or null. @param {PathOf<T>} path */
  ci(path) {
    const e = this.estimate(path);
    return e && e.ci.every(Number.isFinite) ? /** @type {[number, number]} */ (e.ci) : null;
  }

  /** The untrained control's mean at `path`, or null. @param {PathOf<T>} path */
  untrained(path) {
    return this.estimate(path, this.file?.untrained?.summary)?.mean ?? null;
  }

  /**
   * The retina control's mean at `path`, or null (edge probe, receptive fields and tuning only).
   * @param {PathOf<T>} path
   */
  retina(path) {
    return this.estimate(path, this.file?.retina_control?.summary)?.mean ?? null;
  }

  /**
   * The paired stream − hierarchy difference at `path` (a path inside one wiring's tree), or null.
   * @param {WiringPathOf<T>} path
   */
  difference(path) {
    return this.estimate(path, this.file?.stream_minus_hierarchy);
  }

  /**
   * Everything a chart series needs for a list of paths: {values, ci, control}, each one entry
   * per path (null where the file has nothing).
   * @param {PathOf<T>[]} paths
   */
  series(paths) {
    return {
      values: paths.map((p) => this.value(p)),
      ci: paths.map((p) => this.ci(p)),
      control: paths.map((p) => this.untrained(p)),
    };
  }

  /** True when some path of `paths` has an untrained control (so the legend should name it). @param {PathOf<T>[]} paths */
  hasControl(paths) {
    return paths.some((p) => this.untrained(p) !== null);
  }

  /**
   * The number at `path` in words, with its interval when there is one: "97 % [95 %, 99 %]".
   * @param {PathOf<T>} path @param {(v: number) => string} fmt
   */
  say(path, fmt) {
    const c = this.ci(path);
    const v = fmt(this.value(path));
    return c ? `${v} [${fmt(c[0])}, ${fmt(c[1])}]` : v;
  }

  /**
   * The paired stream − hierarchy difference at `path` in words, or '' when the file has none.
   * @param {WiringPathOf<T>} path @param {(v: number) => string} fmt
   */
  sayDifference(path, fmt) {
    const d = this.difference(path);
    return d ? `stream − hierarchy ${fmt(d.mean)} [${fmt(d.ci[0])}, ${fmt(d.ci[1])}]` : '';
  }

  /** How a figure's sentence begins: what its numbers are. */
  get lead() {
    return this.hasIntervals ? `Over ${this.n} seeds (mean [95\u2009% interval])` : 'In this run';
  }

  /** True when the figure draws intervals at all. */
  get hasIntervals() {
    return this.n > 0 && Boolean(this.file?.summary);
  }
}

/** "over 5 seeds", "over 1 seed". */
export function overSeeds(n) {
  return `over ${n} seed${n === 1 ? '' : 's'}`;
}
