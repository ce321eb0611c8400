// One set of figures around one model: a Viewer, one input (the paper canvas), the lesion
// switches, and a list of figures that draw each model run. The article page has one App for
// all its figures; each embedded <stream-figure> has its own.
//
// The single capture path: whatever the input (strokes, a preset, an upload, a webcam frame),
// it is painted into the paper canvas, and the model reads that canvas, at most once per
// animation frame.

import { loadViewer } from './model.js';

export const WIRINGS = ['stream', 'hierarchy'];
export const STATIONS = ['V1', 'V2', 'V4', 'IT'];
export const PRESET_KINDS = ['bars', 'grating', 'noise'];

/**
 * A figure is anything with update(summary, app): called after every model run.
 * @typedef {{update: (summary: any, app: App) => void, reset?: () => void}} Figure
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
    this.summary = null;
    this.categories = [];
    /** lesions, as a Set of "wiring.station" */
    this.lesions = new Set();
    /** what the input is, for the URL and the summaries: {kind: 'draw'|'preset'|'upload'|'webcam', name?, variant?} */
    this.source = { kind: 'draw' };
    this.frameRequested = false;
    this.errorSink = (message, err) => console.error(message, err);
  }

  /** @param {Figure} figure */
  add(figure) {
    this.figures.push(figure);
    if (this.summary) this.#drawOne(figure);
    return figure;
  }

  async start() {
    this.viewer = await loadViewer();
    const cats = this.viewer.categories();
    this.categories = Array.isArray(cats) ? cats : [];
    for (const key of this.lesions) this.#applyLesion(key, true);
    this.runNow();
  }

  /** Run the model on the paper now and draw every figure. */
  runNow() {
    if (!this.viewer || !this.paper) return null;
    this.viewer.capture_canvas(this.paper.canvas);
    const summary = this.viewer.run();
    this.summary = summary;
    for (const f of this.figures) this.#drawOne(f);
    this.dispatchEvent(new CustomEvent('run', { detail: summary }));
    return summary;
  }

  #drawOne(f) {
    try {
      f.update(this.summary, this);
    } catch (err) {
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
    const rgba = this.viewer.preset(name, variant);
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
    this.viewer.set_lesion(wiring, station, on);
  }

  /** Replace one wiring's weights (throws the core's Error, with its message, on a bad file). */
  loadWeights(wiring, bytes) {
    this.viewer.load_weights(wiring, bytes);
    this.requestRun();
  }

  #changed() {
    this.dispatchEvent(new Event('statechange'));
  }
}

/** A sentence for each wiring: what it sees and what it does. */
export function behaviourSentence(summary, wiring) {
  const r = summary?.[wiring];
  if (!r) return '';
  return `The ${wiring} wiring sees ${/^[aeiou]/i.test(r.category) ? 'an' : 'a'} ${r.category} (${Math.round(
    r.probability * 100,
  )} percent) and so: ${r.behaviour}.`;
}
