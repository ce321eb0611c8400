// Both wirings side by side on the same input: for each, the behaviour (category, probability,
// what the animal does) and the four stations' L4, L2/3 and L5 maps.

import { h } from '../dom.js';
import { behaviourSentence } from '../app.js';
import { CELL_LAYERS, LAYER_LABELS, STATION_SIDES, STATIONS, WIRINGS } from '../names.js';
import { StationViews } from '../render.js';

/** What each layer of a station's column does. */
const ROLES = { l4: 'reads the stream', l23: 'computes', l5: 'holds the stream' };
const BLURBS = {
  stream: 'Each station adds its write to the stream; L5 holds the thalamic input plus every earlier write.',
  hierarchy: 'Each station replaces the stream with its write; a level sees only the level below.',
};

export function buildWiring(wiring, idPrefix) {
  const title = `${idPrefix}-${wiring}-title`;
  return h('section', { class: 'wiring', 'data-wiring': wiring, 'aria-labelledby': title },
    h('h3', { id: title, class: 'wiring-title' }, wiring === 'stream' ? 'Stream' : 'Hierarchy'),
    h('p', { class: 'wiring-blurb' }, BLURBS[wiring]),
    h('div', { class: 'behaviour', 'data-role': 'behaviour' },
      h('p', { class: 'behaviour-line' },
        h('span', { class: 'behaviour-see' }, 'sees'), ' ',
        h('strong', { 'data-role': 'category' }, '…'), ' ',
        h('span', { 'data-role': 'probability', class: 'probability' }), ' ',
        h('span', { 'aria-hidden': 'true', class: 'arrow' }, '→'),
        h('span', { class: 'visually-hidden' }, ', so:'), ' ',
        h('strong', { 'data-role': 'action' }, '…')),
      h('ol', { class: 'probs', 'data-role': 'probs', 'aria-label': `Probability of each category, ${wiring}` })),
    STATIONS.map((st, k) => {
      const name = `${idPrefix}-${wiring}-${st}-name`;
      return h('div', { class: 'station', 'data-station': st, role: 'group', 'aria-labelledby': name },
        h('h4', { class: 'station-name', id: name }, st, ' ', h('span', { class: 'station-size' }, `${STATION_SIDES[k]}×${STATION_SIDES[k]}`),
          h('span', { class: 'lesion-mark', 'data-role': 'lesion-mark', hidden: true }, ' removed')),
        h('div', { class: 'layers' }, CELL_LAYERS.map((layer) =>
          h('figure', { class: 'layer', 'data-layer': layer },
            h('canvas', { class: 'map', width: 1, height: 1, role: 'img', 'aria-label': `${st} ${LAYER_LABELS[layer]} activity, ${wiring} wiring` }),
            h('figcaption', {}, h('span', { class: 'layer-name' }, LAYER_LABELS[layer]), ' ', h('span', { class: 'layer-what' }, ROLES[layer]), ' ',
              h('span', { class: 'layer-stats', 'data-role': 'stats' }))))));
    }));
}

/**
 * On a narrow figure the two wirings do not fit side by side, and stacked they are screens
 * apart: a switch shows one at a time in the same place, so flipping it compares them on the
 * same input. The stylesheet shows the switch only when the figure is narrow; wide, both show.
 */
function wiringSwitch(pair) {
  const buttons = WIRINGS.map((w) => h('button', { type: 'button', 'data-show-wiring': w, 'aria-pressed': String(w === WIRINGS[0]) }, w === 'stream' ? 'Stream' : 'Hierarchy'));
  const show = (w) => {
    pair.dataset.show = w;
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.showWiring === w));
  };
  for (const b of buttons) b.addEventListener('click', () => show(b.dataset.showWiring));
  show(WIRINGS[0]);
  return h('div', { class: 'wiring-switch', role: 'group', 'aria-label': 'Show one wiring' }, h('span', { class: 'control-label' }, 'Show'), buttons);
}

export function mountWirings(root, app) {
  const prefix = root.id || 'wirings';
  const summaryLine = h('p', { class: 'visually-hidden', 'data-role': 'summary' });
  const pair = h('div', { class: 'wirings' }, WIRINGS.map((w) => buildWiring(w, prefix)));
  root.append(wiringSwitch(pair), pair, summaryLine);
  const views = new StationViews(root);
  return {
    update(summary, a) {
      views.draw(a.viewer, summary);
      for (const w of WIRINGS) {
        for (const st of STATIONS) {
          const mark = root.querySelector(`[data-wiring="${w}"] [data-station="${st}"] [data-role="lesion-mark"]`);
          if (mark) mark.hidden = !a.isLesioned(w, st);
        }
      }
      summaryLine.textContent = WIRINGS.map((w) => behaviourSentence(summary, w)).join(' ');
    },
  };
}
