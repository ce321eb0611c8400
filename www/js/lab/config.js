// What the reader chooses for a training run in the lab, its defaults and presets, and the one
// rule that makes any half-valid configuration (from a form or from a link) a valid one.
// Pure: no DOM, so the URL state, the form and the worker all share it.

import { ALL_WIRINGS, VARIANTS, WIDTHS } from '../names.js';

/** The lab trains the pair the article compares and the gated variant. */
export const WIRINGS = ALL_WIRINGS;
export { VARIANTS, WIDTHS };
/** How each variant changes the way stations read and write the stream (src/variant.rs). */
export const VARIANT_LABELS = {
  shipped: 'as the page’s model',
  prenorm: 'normalised reads',
  layerscale: 'small write gains',
  'prenorm+layerscale': 'normalised reads, small write gains',
  columns: 'two columns per area',
  'stochastic-depth': 'stations dropped while training',
  'prenorm+stochastic-depth': 'normalised reads, stations dropped while training',
};
/** Pressure on the writes: none, an L1 penalty (sparse writes) or weight decay (small writes). */
export const PRESSURES = ['none', 'l1', 'decay'];
export const PRESSURE_LABELS = { none: 'none', l1: 'L1 on the writes', decay: 'weight decay' };
export const MAX_STEPS = 5000;
export const MIN_STEPS = 10;
export const MAX_SEED = 1_000_000;

/**
 * The Trainer's constructor takes exactly these fields.
 * @typedef {{wiring: string, width: number, edge_task: boolean, pressure: string, strength: number, steps: number, seed: number, variant: string}} LabConfig
 */

/**
 * A run short enough to watch: a few hundred steps of the full-width stream, edge task on.
 * @type {Readonly<LabConfig>}
 */
export const DEFAULTS = Object.freeze({
  wiring: 'stream',
  width: 32,
  edge_task: true,
  pressure: 'none',
  strength: 1e-4,
  steps: 300,
  seed: 1,
  variant: 'shipped',
});

/**
 * One click each: the settings the article says would test the post (a stream narrower than
 * what it must carry; a model never asked about edges), and the variant that came closest to
 * using its stream in the seed-1 screen. A preset changes only what it names.
 */
export const PRESETS = {
  narrow: { label: 'Narrow stream (d = 8)', set: { width: 8 } },
  'edge-off': { label: 'Edge task off', set: { edge_task: false } },
  'prenorm-sd': { label: 'Normalised reads, stations dropped', set: { variant: 'prenorm+stochastic-depth' } },
};

const clampInt = (v, lo, hi, fallback) => {
  const n = Math.round(Number(v));
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : fallback;
};

/**
 * A valid configuration from anything: unknown or out-of-range values fall back to the defaults.
 * @param {Record<string, any>} [raw]
 * @returns {LabConfig}
 */
export function normalise(raw = {}) {
  const c = { ...DEFAULTS };
  if (WIRINGS.includes(raw.wiring)) c.wiring = raw.wiring;
  const width = Number(raw.width);
  if (WIDTHS.includes(width)) c.width = width;
  if (typeof raw.edge_task === 'boolean') c.edge_task = raw.edge_task;
  if (PRESSURES.includes(raw.pressure)) c.pressure = raw.pressure;
  const strength = Number(raw.strength);
  if (Number.isFinite(strength) && strength >= 0 && strength <= 1) c.strength = strength;
  c.steps = clampInt(raw.steps, MIN_STEPS, MAX_STEPS, DEFAULTS.steps);
  c.seed = clampInt(raw.seed, 1, MAX_SEED, DEFAULTS.seed);
  if (VARIANTS.includes(raw.variant)) c.variant = raw.variant;
  return c;
}

export function sameConfig(a, b) {
  return Object.keys(DEFAULTS).every((k) => a[k] === b[k]);
}

/** A short description of a run, for marks, file names' readers and summaries. */
export function describe(c) {
  const parts = [`${c.wiring}`, `d = ${c.width}`, c.edge_task ? 'edge task on' : 'edge task off'];
  if (c.pressure !== 'none') parts.push(`${PRESSURE_LABELS[c.pressure]} ${c.strength}`);
  if (c.variant !== 'shipped') parts.push(VARIANT_LABELS[c.variant] ?? c.variant);
  parts.push(`${c.steps} steps`, `seed ${c.seed}`);
  return parts.join(', ');
}

/** The file name a trained model downloads as; a run not yet finished says how far it got. */
export function fileName(c, step = c.steps) {
  const pressure = c.pressure === 'none' ? '' : `-${c.pressure}${c.strength}`;
  const steps = step < c.steps ? `${step}of${c.steps}steps` : `${c.steps}steps`;
  const variant = c.variant === 'shipped' ? '' : `-${c.variant}`;
  return `lab-${c.wiring}${variant}-d${c.width}${c.edge_task ? '' : '-edge-off'}${pressure}-${steps}-seed${c.seed}.safetensors`;
}
