// The lab figure's entry in js/figures/index.js. Small on purpose: the page imports it at
// start-up, but the lab's own code (js/lab/lab.js and what it imports) is fetched only when
// mount() is called, which the page does when the figure first comes near the viewport.

import { h } from '../dom.js';

/**
 * Mount the lab into `root` (synchronously, as every figure is); its code loads now, in the
 * background. Returns the Figure the App draws (the lab follows no input, so update does nothing).
 */
export function mountLab(root, app) {
  const loading = h('p', { class: 'input-message', 'data-role': 'lab-loading' }, 'Loading the lab…');
  root.append(loading);
  import('./lab.js')
    .then((m) => m.mountLab(root, app))
    .then(() => loading.remove())
    .catch((err) => {
      loading.textContent = `The lab could not be loaded: ${err?.message ?? err}`;
      loading.dataset.kind = 'error';
    });
  return { update() {} };
}
