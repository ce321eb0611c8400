// A finished run becomes the page's model: its weights go into the page's Viewer (the same
// App.loadWeights the "Your own weights" loader uses), so every live figure draws it, and
// js/model-mark.js marks each one, in words, with a button back to the shipped model. In the
// article, js/kept-model.js keeps it across reloads. And a run's model, finished or as far as it
// has been saved, downloads as the safetensors file the loader and the command line read.

import { h } from '../dom.js';
import { watchModel } from '../model-mark.js';
import { describe, fileName } from './config.js';

/** The page's wirings a trained model can stand in for (the page draws stream and hierarchy). */
const SLOT = { stream: 'stream', hierarchy: 'hierarchy', gated: 'stream' };

/**
 * @param {HTMLElement} root  the lab's body (its root node is the page, or an embed's shadow root)
 * @param {any} app  the App whose Viewer the figures draw
 * @param {(text: string, kind?: string) => void} say
 * @param {{keep?: boolean}} [opts] keep: the page keeps the model across reloads (the article)
 */
export function modelSwitch(root, app, say, { keep = false } = {}) {
  watchModel(app, /** @type {Document | ShadowRoot} */ (root.getRootNode()));

  /**
   * Load the finished runs' weights into the page's Viewer; false (and a sentence) if the core refuses.
   * @param {import('./run.js').LabRun[]} runs
   */
  function use(runs) {
    const loaded = [];
    try {
      for (const run of runs) {
        app.loadWeights(SLOT[run.config.wiring], run.weights, { label: `your lab run (${describe(run.config)})`, keep });
        loaded.push(run);
      }
    } catch (err) {
      if (loaded.length) app.useShippedWeights();
      say(`The trained model could not become the page’s model: ${err?.message ?? err}. The page keeps the shipped model.`, 'error');
      return false;
    }
    say(`Every live figure now draws your model (${runs.map((r) => r.config.wiring).join(' and ')}).`);
    return true;
  }

  /**
   * Save one run's model as a safetensors file: the finished model, or the last one kept.
   * @param {import('./run.js').LabRun} run
   */
  function download(run) {
    const saved = run.savedWeights;
    if (!saved) return say('Nothing of this run has been saved yet; try again in a few seconds.', 'error');
    const blob = new Blob([/** @type {BlobPart} */ (saved.bytes)], { type: 'application/octet-stream' });
    const a = h('a', { href: URL.createObjectURL(blob), download: fileName(run.config, saved.step), hidden: true });
    root.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  return { use, download, get inUse() { return app.weightsFrom.size > 0; } };
}
