// One set of figures around one model: a Viewer, one input (the paper canvas), the lesion
// switches, and a list of figures that draw each model run. The article page has one App for
// all its figures; each embedded <stream-figure> has its own.
//
// The single capture path: whatever the input (strokes, a preset, an upload, a webcam frame),
// it is painted into the paper, and the model reads the paper's modelCanvas() (the picture at
// its own size, letterboxed by the core), at most once per animation frame. Each run draws only
// the figures near the viewport; the others are marked stale (data-stale on their element) and
// drawn when they come back. Webcam frames' answers are steadied over frames (answer.js).

import { loadViewer, newViewer, wasmMemoryBytes } from './model.js';
import { SteadyAnswer, answerWithProbability } from './answer.js';
import { WIRINGS } from './names.js';

/**
 * True for an error that means the core itself broke (a Rust panic is a WebAssembly trap, a
 * RuntimeError; the Viewer that panicked is then left borrowed, and any later call on it throws
 * wasm-bindgen's "recursive use" error), as opposed to an ordinary Error the core returns.
 */
export function isWasmFault(err) {
  if (typeof WebAssembly === 'object' && err instanceof WebAssembly.RuntimeError) return true;
  return /recursive use of an object|unreachable|null pointer passed to rust/i.test(String(err?.message ?? ''));
}

/**
 * A figure is anything with update(summary, app): called after every model run while it is near
 * the viewport, and once more when it comes back after runs it missed.
 * @typedef {{update: (summary: any, app: App) => void, reset?: () => void, tick?: () => void}} Figure
 */

export class App extends EventTarget {
  constructor() {
    super();
    /** @type {any} the wasm Viewer */
    this.viewer = null;
    /** @type {import('./input.js').DrawingInput | null} */
    this.paper = null;
    /** @type {Figure[]} */
    this.figures = [];
    /** figure → {el, near, stale}: el (or null: always drawn) shows whether it is near the viewport */
    this.placement = new Map();
    this.summary = null;
    this.categories = [];
    /** The post's behaviour for each category, from the core (Viewer.behaviours). */
    this.behaviours = [];
    /** lesions, as a Set of "wiring.station" */
    this.lesions = new Set();
    /** what the input is, for the URL and the summaries: {kind: 'draw'|'preset'|'upload'|'webcam', name?, variant?} */
    this.source = { kind: 'draw' };
    this.frameRequested = false;
    this.errorSink = (message, err) => console.error(message, err);
    /** a short notice that is not an error (e.g. the model recovered from a fault) */
    this.noticeSink = (message) => console.warn(message);
    /** the weights loaded into each wiring, to load again into a fresh Viewer */
    this.weights = new Map();
    /**
     * what each loaded wiring's weights are, for the reader ("mine.safetensors", a lab run);
     * keep: the reader made them the page's model in the lab, to be kept across reloads
     * @type {Map<string, {label: string, keep: boolean}>}
     */
    this.weightsFrom = new Map();
    /** how many times a fresh Viewer replaced one that broke */
    this.recoveries = 0;
    this.recentFaults = [];
    /** smooths the open-set answer over webcam frames */
    this.steadyAnswer = new SteadyAnswer();
  }

  /** The size of the model's WebAssembly memory, in bytes (for the soak test). */
  get wasmMemoryBytes() {
    return wasmMemoryBytes();
  }

  /**
   * Call fn(viewer); if the core faults (a Rust panic), drop that Viewer, make a fresh one with
   * the same lesions and weights, redraw, and return undefined. Ordinary errors are thrown.
   */
  withViewer(fn) {
    if (!this.viewer) return undefined;
    try {
      return fn(this.viewer);
    } catch (err) {
      if (!isWasmFault(err)) throw err;
      this.recover(err);
      this.runNow();
      return undefined;
    }
  }

  /** Replace a broken Viewer with a fresh one, lesions and loaded weights reapplied. */
  recover(err) {
    const now = performance.now();
    this.recentFaults = this.recentFaults.filter((t) => now - t < 5000);
    this.recentFaults.push(now);
    if (this.recentFaults.length > 5) {
      // Faulting again and again: stop trying rather than spin.
      this.viewer = null;
      throw new Error(`the model keeps failing (${err?.message ?? err}); reload the page`);
    }
    console.warn('The model failed and is being restarted', err);
    const old = this.viewer;
    this.viewer = null;
    try {
      old?.free?.();
    } catch {
      // a Viewer that panicked may still be borrowed; it is simply dropped
    }
    const fresh = newViewer();
    for (const [wiring, bytes] of this.weights) {
      try {
        fresh.load_weights(wiring, bytes);
      } catch {
        this.weights.delete(wiring);
        this.weightsFrom.delete(wiring);
      }
    }
    for (const key of this.lesions) {
      const [wiring, station] = key.split('.');
      fresh.set_lesion(wiring, station, true);
    }
    this.viewer = fresh;
    this.recoveries += 1;
    this.noticeSink(`The model hit an internal error (${err?.message ?? err}) and was restarted; your input, lesions and weights are kept.`);
    this.dispatchEvent(new CustomEvent('recovered', { detail: { error: err } }));
  }

  /**
   * @param {Figure} figure
   * @param {{el?: Element | null, near?: boolean}} [where] the figure's element, and whether it
   *   is near the viewport now; a figure without an element is always drawn (an embed)
   */
  add(figure, { el = null, near = true } = {}) {
    this.figures.push(figure);
    this.placement.set(figure, { el, near, stale: false });
    if (this.summary) this.#drawOrMark(figure);
    return figure;
  }

  /** Stop drawing a figure (its embedded element was removed or rebuilt). */
  remove(figure) {
    this.figures = this.figures.filter((f) => f !== figure);
    this.placement.delete(figure);
  }

  /** The figure came near the viewport (drawn now if it missed a run) or left it. */
  setNear(figure, near) {
    const p = this.placement.get(figure);
    if (!p) return;
    p.near = near;
    if (!near || !p.stale || !this.summary || !this.viewer) return;
    try {
      this.withViewer(() => this.#drawOrMark(figure));
    } catch (err) {
      this.errorSink('A figure could not be drawn', err);
    }
  }

  /** True when the figure was drawn from the latest run. */
  isCurrent(figure) {
    return !this.placement.get(figure)?.stale;
  }

  /** Load the model; run it on the paper at once unless the caller has more to set up first. */
  async start({ run = true } = {}) {
    this.viewer = await loadViewer();
    const cats = this.viewer.categories();
    this.categories = Array.isArray(cats) ? cats : [];
    this.behaviours = this.viewer.behaviours();
    for (const key of this.lesions) this.#applyLesion(key, true);
    if (run) this.runNow();
  }

  /** Run the model on the paper now and draw every figure. */
  runNow() {
    if (!this.viewer || !this.paper) return null;
    try {
      return this.#runOnce();
    } catch (err) {
      if (!isWasmFault(err)) throw err;
      this.recover(err);
      return this.#runOnce();
    }
  }

  /**
   * One frame of the live path, for tests and long sessions: let each figure that has a live
   * source (the webcam) paint its next frame into the paper, then capture, run and draw.
   */
  frame() {
    for (const f of this.figures) f.tick?.();
    return this.runNow();
  }

  #runOnce() {
    this.viewer.capture_canvas(this.paper.modelCanvas());
    const summary = this.viewer.run();
    if (this.source.kind === 'webcam') {
      for (const w of WIRINGS) this.steadyAnswer.steady(w, summary[w], summary.categories, this.behaviours);
    } else {
      this.steadyAnswer.reset();
    }
    this.summary = summary;
    for (const f of this.figures) this.#drawOrMark(f);
    this.dispatchEvent(new CustomEvent('run', { detail: summary }));
    return summary;
  }

  /** Draw a figure that is near the viewport; mark one that is not as stale. */
  #drawOrMark(f) {
    const p = this.placement.get(f);
    if (p && !p.near) {
      if (!p.stale) {
        p.stale = true;
        p.el?.setAttribute('data-stale', 'true');
      }
      return;
    }
    if (p?.stale) {
      p.stale = false;
      p.el?.removeAttribute('data-stale');
    }
    try {
      f.update(this.summary, this);
    } catch (err) {
      if (isWasmFault(err)) throw err;
      this.errorSink('A figure could not be drawn', err);
    }
  }

  /** Ask for a run on the next animation frame; many asks in one frame make one run. */
  requestRun() {
    if (!this.viewer || this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      try {
        this.runNow();
      } catch (err) {
        this.errorSink('The model could not run on this input', err);
      }
    });
  }

  setPaper(paper) {
    this.paper = paper;
    paper.addEventListener('drawingchange', (e) => {
      const reason = e.detail?.reason;
      if (reason === 'draw' || reason === 'stroke' || reason === 'clear') {
        if (this.source.kind !== 'draw' && !paper.background) this.source = { kind: 'draw' };
        else if (reason !== 'draw' && this.source.kind === 'preset') this.source = { ...this.source, strokes: true };
      }
      this.requestRun();
      if (reason !== 'draw' && reason !== 'live') this.#changed();
    });
  }

  /** Paint a preset (64×64 from the core) into the paper: it then goes the same way as a drawing. */
  loadPreset(name, variant = 0) {
    if (!this.viewer || !this.paper) return false;
    const rgba = this.withViewer((v) => v.preset(name, variant));
    if (!rgba) return false;
    const img = new ImageData(new Uint8ClampedArray(rgba), 64, 64);
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 64;
    c.getContext('2d').putImageData(img, 0, 0);
    this.source = { kind: 'preset', name, variant };
    this.paper.setBackground(c, { smooth: false });
    return true;
  }

  isLesioned(wiring, station) {
    return this.lesions.has(`${wiring}.${station}`);
  }

  setLesion(wiring, station, on) {
    const key = `${wiring}.${station}`;
    if (on) this.lesions.add(key);
    else this.lesions.delete(key);
    if (this.viewer) this.#applyLesion(key, on);
    this.requestRun();
    this.#changed();
  }

  #applyLesion(key, on) {
    const [wiring, station] = key.split('.');
    this.withViewer((v) => v.set_lesion(wiring, station, on));
  }

  /**
   * Replace one wiring's weights (throws the core's Error, with its message, on a bad file).
   * Fires 'modelchange' (js/model-mark.js marks the figures, js/kept-model.js keeps a lab model).
   * @param {string} wiring
   * @param {Uint8Array} bytes
   * @param {{label?: string, keep?: boolean}} [from]
   */
  loadWeights(wiring, bytes, { label = 'a weights file', keep = false } = {}) {
    this.viewer.load_weights(wiring, bytes);
    this.weights.set(wiring, bytes);
    this.weightsFrom.set(wiring, { label, keep });
    this.requestRun();
    this.dispatchEvent(new Event('modelchange'));
  }

  /**
   * Back to the weights compiled into the module (for every wiring): a fresh Viewer with the
   * same lesions; weights loaded from a file or the lab are forgotten.
   */
  useShippedWeights() {
    const old = this.viewer;
    this.viewer = newViewer();
    try {
      old?.free?.();
    } catch {
      // a Viewer still borrowed is simply dropped
    }
    this.weights.clear();
    this.weightsFrom.clear();
    for (const key of this.lesions) this.#applyLesion(key, true);
    this.requestRun();
    this.dispatchEvent(new Event('modelchange'));
  }

  #changed() {
    this.dispatchEvent(new Event('statechange'));
  }
}

/** A sentence for each wiring: what it sees and what it does. */
export function behaviourSentence(summary, wiring) {
  const r = summary?.[wiring];
  if (!r) return '';
  return `The ${wiring} wiring sees ${answerWithProbability(r)} and so: ${r.behaviour}.`;
}
