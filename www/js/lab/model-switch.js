// A finished run becomes the page's model: its weights go into the page's Viewer (the same
// App.loadWeights the "Your own weights" loader uses), so every live figure draws it; each live
// figure then carries a mark in words, "Your model", with a button back to the shipped model.
// And the trained model downloads as the safetensors file the loader and the command line read.

import { h } from '../dom.js';
import { describe, fileName } from './config.js';

/** The page's wirings a trained model can stand in for (the page draws stream and hierarchy). */
const SLOT = { stream: 'stream', hierarchy: 'hierarchy', gated: 'stream' };

/**
 * @param {HTMLElement} root  the lab's body (its root node is the page, or an embed's shadow root)
 * @param {any} app  the App whose Viewer the figures draw
 * @param {(text: string, kind?: string) => void} say
 */
export function modelSwitch(root, app, say) {
  const marks = new Set();

  function unmark() {
    for (const m of marks) m.remove();
    marks.clear();
  }

  function mark(text) {
    unmark();
    const scope = /** @type {Document | ShadowRoot} */ (root.getRootNode());
    for (const fig of scope.querySelectorAll('figure[data-figure]')) {
      const back = h('button', { type: 'button', 'data-action': 'shipped-model' }, 'Back to the shipped model');
      back.addEventListener('click', () => useShipped());
      const m = h('p', { class: 'model-mark', 'data-role': 'model-mark' }, h('strong', {}, 'Your model: '), text, ' ', back);
      fig.prepend(m);
      marks.add(m);
    }
  }

  /** Load the finished runs' weights into the page's Viewer; false (and a sentence) if the core refuses. */
  function use(runs) {
    const loaded = [];
    try {
      for (const run of runs) {
        app.loadWeights(SLOT[run.config.wiring], run.weights);
        loaded.push(run);
      }
    } catch (err) {
      if (loaded.length) useShipped(false);
      say(`The trained model could not become the page’s model: ${err?.message ?? err}. The page keeps the shipped model.`, 'error');
      return false;
    }
    mark(runs.map((r) => describe(r.config)).join('; '));
    say(`Every live figure now draws your model (${runs.map((r) => r.config.wiring).join(' and ')}).`);
    return true;
  }

  function useShipped(announce = true) {
    app.useShippedWeights();
    unmark();
    if (announce) say('Every live figure draws the shipped model again.');
  }

  /** Save one run's model as a safetensors file. */
  function download(run) {
    const blob = new Blob([run.weights], { type: 'application/octet-stream' });
    const a = h('a', { href: URL.createObjectURL(blob), download: fileName(run.config), hidden: true });
    root.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  return { use, useShipped, download, get inUse() { return marks.size > 0; } };
}
