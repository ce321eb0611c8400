// The names the page shares with the core, in the core's order, one list each: import them
// from here, never spell a list out again. The core's own lists are the typed ids of
// src/names.rs, src/stimuli/mod.rs and the experiment registry (src/experiments/mod.rs). This file is checked against them rather than
// generated from them, so the page keeps needing no build step of its own: tests/names.rs
// (a native test) reads this file and fails, naming the list, when the two drift apart.

/** The wirings the page shows side by side, as the wasm Viewer holds them (the core's third, 'gated', is not shown). */
export const WIRINGS = /** @type {const} */ (['stream', 'hierarchy']);

/** @typedef {typeof WIRINGS[number]} Wiring One of the two wirings, a key of every paired result. */

/** Every wiring the core knows (the lab trains all three). */
export const ALL_WIRINGS = /** @type {const} */ (['stream', 'hierarchy', 'gated']);

/** The stations, in the order the image travels. */
export const STATIONS = /** @type {const} */ (['V1', 'V2', 'V4', 'IT']);

/** The position of a station named by any string in STATIONS, or −1 (STATIONS is typed by its names). */
export function stationIndex(/** @type {string} */ name) {
  return /** @type {readonly string[]} */ (STATIONS).indexOf(name);
}

/** The side of each station's maps, in the same order (each pools its input 2×2 but V1). */
export const STATION_SIDES = [32, 16, 8, 4];

/** Every layer a Viewer can draw: L4's and L2/3's rates, what L5 writes, and the stream after the station (L5). */
export const LAYERS = ['l4', 'l23', 'write', 'l5'];

/** A station's column in the figures and the experiments: L4, L2/3 and L5 (no write). */
export const CELL_LAYERS = ['l4', 'l23', 'l5'];

/** The layers of firing rates. */
export const RATE_LAYERS = ['l4', 'l23'];

/** How the page writes each layer. */
export const LAYER_LABELS = { l4: 'L4', l23: 'L2/3', write: 'L5 write', l5: 'L5' };

/** The widths d of the stream a model can have (the lab trains each). */
export const WIDTHS = [8, 16, 32];

/** The pictures the core draws besides the sketch categories (a preset's kind). */
export const PRESET_KINDS = ['bars', 'grating', 'noise'];

/** How the page writes each preset kind. */
export const PRESET_LABELS = { bars: 'bars (edges)', grating: 'grating', noise: 'white noise' };

/** The experiments, in the article's order (the core's registry); each has its figure module js/experiments/ID.js. */
export const EXPERIMENTS = ['edge-probe', 'variability', 'deletion', 'receptive-fields', 'sparseness', 'tuning', 'lesion', 'degradation', 'virtual-weights', 'gating'];

/** The claim of the post each experiment tests, in the same order: the id its verdict carries. */
export const CLAIM_IDS = ['P1', 'P2', 'P3', 'RF', 'SP', 'TU', 'LE', 'DG', 'VW', 'GA'];

/** The model's variants (src/variant.rs, Variant::ALL), in the order the article shows them. */
export const VARIANTS = /** @type {const} */ (['shipped', 'prenorm', 'layerscale', 'prenorm+layerscale', 'columns', 'stochastic-depth', 'prenorm+stochastic-depth']);
