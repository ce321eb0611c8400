// The article keeps the model the reader made the page's own in the lab ("Use as the page's
// model") across reloads: its weights go into the browser's storage (js/lab/store.js, on this
// machine only), the page opens with them, and the mark on every figure says so. Going back to
// the shipped model, or loading any other weights file, forgets it.

import { openStore } from './lab/store.js';

const html = document.documentElement;

/**
 * Load the kept model, if there is one, into `app` (started), then follow its changes.
 * Resolves to what it loaded (a sentence), or '' when the page draws the shipped model.
 * @param {import('./app.js').App} app
 */
export async function keepPageModel(app) {
  const store = await openStore();
  let restoring = false;
  app.addEventListener('modelchange', () => {
    if (restoring) return;
    const from = [...app.weightsFrom];
    const keep = from.length > 0 && from.every(([, f]) => f.keep);
    const model = keep
      ? { slots: from.map(([wiring, f]) => ({ wiring, label: f.label, bytes: app.weights.get(wiring) })), saved: Date.now() }
      : null;
    store.setPageModel(model).then(
      // What the page will open with next time: the reader's model ('kept') or the shipped one.
      () => (html.dataset.pageModel = keep ? 'kept' : 'shipped'),
      (err) => console.warn('The page’s model could not be kept in this browser', err),
    );
  });

  let kept = null;
  try {
    kept = await store.pageModel();
  } catch (err) {
    console.warn('The kept model could not be read', err);
  }
  if (!kept?.slots?.length) return '';
  restoring = true;
  try {
    for (const s of kept.slots) app.loadWeights(s.wiring, s.bytes, { label: s.label, keep: true });
    html.dataset.pageModel = 'kept';
    return `The page draws your model from the lab, kept in this browser (${kept.slots.map((s) => s.wiring).join(' and ')}).`;
  } catch (err) {
    // A kept file the core no longer reads (a newer page): back to the shipped model, and forget it.
    app.useShippedWeights();
    await store.setPageModel(null).catch(() => {});
    return `Your kept model could not be loaded (${err?.message ?? err}); the page draws the shipped model.`;
  } finally {
    restoring = false;
  }
}
