// The preset gallery: samples of every kind of stimulus the model was trained on (the ten
// sketch categories, bars and gratings at several orientations) and the white noise used to map
// receptive fields. Choosing one makes it the input.

import { h } from '../dom.js';
import { PRESET_KINDS } from '../names.js';
import { yieldToBrowser } from '../schedule.js';

const VARIANTS = 4;

/**
 * @param {HTMLElement} root
 * @param {any} app
 * @param {{ onPick?: (name: string, variant: number) => void }} [options]
 */
export function mountGallery(root, app, options = {}) {
  const { onPick } = options;
  const grid = h('div', { class: 'gallery', 'data-role': 'gallery' });
  const status = h('p', { class: 'help', 'data-role': 'gallery-status' }, 'Loading samples…');
  root.append(grid, status);
  let built = false;
  /** One row of samples: the core makes each picture, so the rows are built one task at a time. */
  const buildRow = (a, name) => {
    const buttons = [];
    for (let v = 0; v < VARIANTS; v++) {
      let rgba;
      try {
        rgba = a.viewer.preset(name, v);
      } catch {
        continue;
      }
      const c = h('canvas', { width: 64, height: 64, 'aria-hidden': 'true' });
      c.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba), 64, 64), 0, 0);
      const b = h('button', { type: 'button', class: 'thumb', 'data-preset': `${name}:${v}`, 'aria-label': `Use ${name} sample ${v + 1} as the input` }, c);
      b.addEventListener('click', () => {
        a.loadPreset(name, v);
        onPick?.(name, v);
      });
      buttons.push(b);
    }
    grid.append(h('div', { class: 'gallery-row', role: 'group', 'aria-label': name },
      h('span', { class: 'gallery-name' }, name === 'noise' ? 'white noise' : name), h('div', { class: 'thumbs' }, buttons)));
  };
  return {
    update(summary, a) {
      if (built) return;
      built = true;
      const kinds = [...a.categories, ...PRESET_KINDS];
      grid.setAttribute('aria-busy', 'true');
      (async () => {
        for (const name of kinds) {
          buildRow(a, name);
          await yieldToBrowser();
        }
        status.textContent = `${kinds.length} kinds of stimulus, ${VARIANTS} samples each. Choose one to make it the input.`;
      })()
        .catch((err) => a.errorSink('The gallery could not be built', err))
        .finally(() => grid.removeAttribute('aria-busy'));
    },
  };
}
