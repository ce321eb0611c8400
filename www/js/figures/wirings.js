// Both wirings side by side on the same input: for each, the behaviour (category, probability,
// what the animal does) and the four stations' L4, L2/3 and L5 maps.

import { h } from '../dom.js';
import { behaviourSentence } from '../app.js';
import { legend, lineChart, WIRING_LEGEND } from '../charts.js';
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

/**
 * How much of the reader's input each L5 still carries, per wiring: the cosine of L5 with the
 * input pooled to its size (Viewer.input_carried), as a curve from V1 to IT and one sentence.
 * The L5 maps above look alike at IT in both wirings; this says by how much they are not.
 */
function carriedPanel() {
  const chart = h('div', { class: 'carried-chart' });
  const sentence = h('p', { class: 'carried-sentence', 'data-role': 'carried' });
  const panel = h('div', { class: 'carried', 'data-role': 'carried-panel' }, chart, legend(WIRING_LEGEND), sentence);
  const pct = (v) => `${Math.round(100 * v)} %`.replace('-', '−');
  return {
    panel,
    draw(viewer) {
      const carried = Object.fromEntries(WIRINGS.map((w) => [w, Array.from(viewer.input_carried(w))]));
      const all = WIRINGS.flatMap((w) => carried[w]);
      chart.replaceChildren(lineChart({
        width: 300, height: 164, bottomSpace: 34, y: [Math.min(0, ...all), 1], yTicks: [0, 0.5, 1],
        xLabels: STATIONS, xTitle: 'layer 5 of', yTitle: 'input carried',
        label: `Cosine of each station's layer 5 with the input pooled to its size: ${WIRINGS.map((w) => `${w} ${carried[w].map((v) => v.toFixed(2)).join(', ')}`).join('; ')}`,
        series: WIRINGS.map((w) => ({ cls: `exp-${w}`, values: carried[w] })),
      }));
      // The numbers on the element, for tests and for whoever embeds the figure.
      for (const w of WIRINGS) sentence.dataset[w] = carried[w].map((v) => v.toFixed(4)).join(',');
      const it = STATIONS.length - 1;
      sentence.textContent = `On your picture, IT’s layer 5 still carries ${pct(carried.stream[it])} of the input in the stream and ${pct(carried.hierarchy[it])} in the hierarchy (the cosine of the map with the input pooled to its size; 100 % would be the input itself).`;
    },
  };
}

export function mountWirings(root, app) {
  const prefix = root.id || 'wirings';
  const summaryLine = h('p', { class: 'visually-hidden', 'data-role': 'summary' });
  const pair = h('div', { class: 'wirings' }, WIRINGS.map((w) => buildWiring(w, prefix)));
  const carried = carriedPanel();
  root.append(wiringSwitch(pair), pair, carried.panel, summaryLine);
  const views = new StationViews(root);
  return {
    update(summary, a) {
      views.draw(a.viewer, summary);
      carried.draw(a.viewer);
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
