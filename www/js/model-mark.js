// While the page draws any model other than the shipped one (a lab run made the page's model,
// a weights file loaded by URL or upload, a lab model kept from an earlier visit), every live
// figure and the weights loader carry a mark that says which, in words, with a button back to
// the shipped model. Follows the App's 'modelchange' events; one watcher per App.

import { h } from './dom.js';

/** The places a mark goes: the live figures and the weights loader. */
const MARKED = 'figure[data-figure], [data-role="weights"]';

/** @type {WeakSet<object>} */
const watched = new WeakSet();

/**
 * Mark the figures in `scope` whenever `app` draws another model (and now, if it does).
 * @param {import('./app.js').App} app
 * @param {Document | ShadowRoot} scope
 */
export function watchModel(app, scope) {
  if (watched.has(app)) return;
  watched.add(app);
  /** @type {HTMLElement[]} */
  let marks = [];

  const redraw = () => {
    for (const m of marks) m.remove();
    marks = [];
    if (!app.weightsFrom.size) return;
    const text = whose(app.weightsFrom);
    for (const place of scope.querySelectorAll(MARKED)) {
      const back = h('button', { type: 'button', 'data-action': 'shipped-model' }, 'Back to the shipped model');
      back.addEventListener('click', () => app.useShippedWeights());
      const m = h('p', { class: 'model-mark', 'data-role': 'model-mark' }, h('strong', {}, 'Your model: '), text, ' ', back);
      place.prepend(m);
      marks.push(m);
    }
  };
  app.addEventListener('modelchange', redraw);
  redraw();
}

/**
 * "the stream wiring is mine.safetensors; the hierarchy wiring is …", and whether it is kept.
 * @param {Map<string, {label: string, keep: boolean}>} from
 */
export function whose(from) {
  const parts = [...from].map(([wiring, f]) => `the ${wiring} wiring is ${f.label}`);
  const kept = [...from.values()].every((f) => f.keep);
  return `${parts.join('; ')}${kept ? '. It is kept in this browser, and the page opens with it until you go back.' : '.'}`;
}
