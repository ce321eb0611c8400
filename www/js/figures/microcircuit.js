// One station's canonical microcircuit on the current input: what arrives, L4 (reads), L2/3
// (computes), the write, and L5 (arrival + write in the stream wiring; the write alone in the
// hierarchy). Hover or focus a unit of L4, L2/3 or L5 to see its receptive field (the gradient
// of its activity with respect to the LGN) and how strongly its station reads each earlier writer.

import { h, uid } from '../dom.js';
import { CELL_LAYERS, LAYER_LABELS, STATIONS, WIRINGS, stationIndex } from '../names.js';

const COLUMNS = 8; // the core tiles 32 channel maps in 8 columns, 1-px gaps

export function mountMicrocircuit(root, app, { station: initialStation = 'V1' } = {}) {
  const id = uid('mc');
  let wiring = 'stream';
  let station = stationIndex(initialStation) >= 0 ? initialStation : 'V1';
  /** the unit being inspected: {layer, c, y, x} */
  let unit = null;

  const stationSelect = h('select', { id: `${id}-station`, 'data-control': 'microcircuit-station' },
    STATIONS.map((s) => h('option', { value: s, selected: s === station }, s)));
  const wiringRadios = h('fieldset', { class: 'choices' }, h('legend', {}, 'Wiring'),
    WIRINGS.map((w) => h('label', { class: 'choice' },
      h('input', { type: 'radio', name: `${id}-wiring`, value: w, checked: w === wiring, 'data-control': 'microcircuit-wiring' }), ' ', w)));

  const canvas = (label) => h('canvas', { class: 'map', width: 1, height: 1, role: 'img', 'aria-label': label });
  const arriving = canvas('What arrives at the station');
  const arrivingLabel = h('span', { class: 'layer-what' });
  const layerCanvases = {};
  const unitCanvas = (layer) => {
    const c = h('canvas', {
      class: 'map inspectable', width: 1, height: 1, tabindex: '0', role: 'img', 'data-inspect': layer,
      'aria-label': `${LAYER_LABELS[layer]} units. Focus, then use the arrow keys to move between units and Page Up or Page Down to change channel; the receptive field is shown beside.`,
    });
    layerCanvases[layer] = c;
    return h('div', { class: 'inspect-wrap' }, c, h('span', { class: 'unit-marker', hidden: true, 'aria-hidden': 'true' }));
  };
  const write = canvas('The write: what L5 adds to the stream (signed)');
  const bypass = h('div', { class: 'bypass', 'data-role': 'bypass' },
    h('span', { class: 'bypass-label' }, 'the same input reaches L5 directly'));
  const cell = (title, what, body) => h('div', { class: 'mc-cell' }, h('span', { class: 'layer-name' }, title), body, h('span', { class: 'layer-what' }, what));

  const rfCanvas = h('canvas', { class: 'map rf', width: 1, height: 1, role: 'img', 'aria-label': 'Receptive field of the selected unit' });
  const unitLine = h('p', { class: 'unit-line', 'data-role': 'unit', 'aria-live': 'polite' }, 'Hover over or focus a unit of L4, L2/3 or L5.');
  const reads = h('ol', { class: 'reads', 'data-role': 'reads', 'aria-label': 'How strongly this station reads each earlier writer' });
  const summaryLine = h('p', { class: 'visually-hidden', 'data-role': 'summary' });

  root.append(
    h('div', { class: 'controls' }, h('label', { for: `${id}-station`, class: 'control-label' }, 'Station'), stationSelect, wiringRadios),
    h('div', { class: 'microcircuit' },
      bypass,
      h('div', { class: 'mc-row' },
        cell('Arriving', arrivingLabel, arriving),
        h('span', { class: 'mc-arrow', 'aria-hidden': 'true' }, '→'),
        cell('L4', 'reads', unitCanvas('l4')),
        h('span', { class: 'mc-arrow', 'aria-hidden': 'true' }, '→'),
        cell('L2/3', 'computes', unitCanvas('l23')),
        h('span', { class: 'mc-arrow', 'aria-hidden': 'true' }, '→'),
        cell('Write', 'signed', write),
        h('span', { class: 'mc-arrow', 'aria-hidden': 'true', 'data-role': 'plus' }, '+'),
        cell('L5', 'passes on', unitCanvas('l5')))),
    h('div', { class: 'inspector' },
      h('div', { class: 'rf-box' }, h('span', { class: 'layer-name' }, 'Receptive field'), rfCanvas,
        h('span', { class: 'layer-what' }, 'on the LGN, 32×32: red raises the unit, blue lowers it')),
      h('div', { class: 'reads-box' }, h('span', { class: 'layer-name' }, 'Reads from'), reads, unitLine)),
    summaryLine,
  );

  stationSelect.addEventListener('change', () => {
    station = stationSelect.value;
    unit = null;
    redraw();
  });
  wiringRadios.addEventListener('change', (e) => {
    wiring = /** @type {HTMLInputElement} */ (e.target).value;
    redraw();
  });

  const shapeOf = (layer) => app.summary?.[wiring]?.stations.find((s) => s.name === station)?.[layer]?.shape; // [side, side, channels]

  for (const [layer, c] of Object.entries(layerCanvases)) {
    // Hover with a mouse or pen; a tap with a finger (a touch has no hover, and a tap sends no move).
    const pick = (/** @type {PointerEvent} */ e) => {
      const shape = shapeOf(layer);
      if (!shape) return;
      const side = shape[0];
      const r = c.getBoundingClientRect();
      const px = Math.floor(((e.clientX - r.left) / r.width) * c.width);
      const py = Math.floor(((e.clientY - r.top) / r.height) * c.height);
      const tx = Math.floor(px / (side + 1));
      const ty = Math.floor(py / (side + 1));
      const x = px - tx * (side + 1);
      const y = py - ty * (side + 1);
      if (x >= side || y >= side) return; // on a gap
      const ch = ty * COLUMNS + tx;
      if (ch >= shape[2]) return;
      inspect({ layer, c: ch, y, x });
    };
    c.addEventListener('pointermove', pick);
    c.addEventListener('pointerdown', pick);
    c.addEventListener('focus', () => {
      if (!unit || unit.auto || unit.layer !== layer) {
        const side = shapeOf(layer)?.[0] ?? 1;
        inspect({ layer, c: 0, y: Math.floor(side / 2), x: Math.floor(side / 2) });
      }
    });
    c.addEventListener('keydown', (e) => {
      const shape = shapeOf(layer);
      if (!shape || !unit || unit.layer !== layer) return;
      const [side, , channels] = shape;
      const u = { ...unit };
      if (e.key === 'Enter' || e.key === ' ') {
        // Enter opens the card of the unit under the keyboard's cursor, as focus and hover do.
        e.preventDefault();
        inspect(u);
        return;
      }
      if (e.key === 'ArrowLeft') u.x = Math.max(0, u.x - 1);
      else if (e.key === 'ArrowRight') u.x = Math.min(side - 1, u.x + 1);
      else if (e.key === 'ArrowUp') u.y = Math.max(0, u.y - 1);
      else if (e.key === 'ArrowDown') u.y = Math.min(side - 1, u.y + 1);
      else if (e.key === 'PageUp') u.c = (u.c + channels - 1) % channels;
      else if (e.key === 'PageDown') u.c = (u.c + 1) % channels;
      else return;
      e.preventDefault();
      inspect(u);
    });
  }

  function inspect(u) {
    unit = { ...u, auto: false }; // the reader's choice: it stays until the station changes
    // Called from pointer and key events, outside a frame: a core fault here goes through the
    // app's recovery like one during a frame.
    app.withViewer(() => drawInspector());
  }

  function drawInspector() {
    const v = app.viewer;
    if (!v || !app.summary) return;
    for (const wrap of root.querySelectorAll('.unit-marker')) wrap.hidden = true;
    const values = v.reads_from(wiring, station);
    const writers = ['thalamic input', ...STATIONS.slice(0, stationIndex(station))];
    const max = Math.max(1e-9, ...values);
    reads.replaceChildren(...writers.map((name, i) => {
      const bar = h('span', { class: 'bar' });
      bar.style.width = `${(100 * (values[i] ?? 0)) / max}%`;
      return h('li', { 'data-writer': name },
        h('span', { class: 'label' }, name),
        h('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar),
        h('span', { class: 'value' }, (values[i] ?? 0).toFixed(2)));
    }));
    if (!unit || unit.auto) {
      // Until the reader picks a unit, show the most active one in L2/3, following the input.
      const [c, y, x, value] = v.strongest_unit(wiring, station, 'l23');
      unit = value > 0 ? { layer: 'l23', c, y, x, auto: true } : null;
    }
    if (!unit) {
      unitLine.textContent = 'Every L2/3 unit is silent on this input. Hover over or focus a unit of L4, L2/3 or L5.';
      return;
    }
    const shape = shapeOf(unit.layer);
    if (!shape) return;
    const [side, , channels] = shape;
    if (unit.c >= channels || unit.y >= side || unit.x >= side) {
      unit = { ...unit, c: 0, y: 0, x: 0 };
    }
    const peak = v.receptive_field(wiring, station, unit.layer, unit.c, unit.y, unit.x, rfCanvas);
    const c = layerCanvases[unit.layer];
    const marker = c.parentElement.querySelector('.unit-marker');
    const tx = (unit.c % COLUMNS) * (side + 1) + unit.x;
    const ty = Math.floor(unit.c / COLUMNS) * (side + 1) + unit.y;
    marker.hidden = false;
    marker.style.left = `${(100 * tx) / c.width}%`;
    marker.style.top = `${(100 * ty) / c.height}%`;
    marker.style.width = `${Math.max(0.8, 100 / c.width)}%`;
    marker.style.height = `${Math.max(0.8, 100 / c.height)}%`;
    unitLine.textContent = (unit.auto ? 'The most active unit (hover over or focus another): ' : '') +
      `${station} ${LAYER_LABELS[unit.layer]}, channel ${unit.c + 1}, row ${unit.y + 1}, column ${unit.x + 1}: ` +
      (peak > 0 ? `its receptive field peaks at ${peak.toPrecision(2)}.` : 'silent on this input, so it has no gradient here.');
  }

  function redraw() {
    const v = app.viewer;
    if (!v || !app.summary) return;
    const k = stationIndex(station);
    if (k === 0) {
      v.draw_lgn(arriving);
      arrivingLabel.textContent = 'the LGN (thalamic input)';
    } else {
      v.draw_station(wiring, STATIONS[k - 1], 'l5', arriving);
      arrivingLabel.textContent = wiring === 'stream' ? `the stream after ${STATIONS[k - 1]} (thalamic input + writes)` : `${STATIONS[k - 1]} L5 only`;
    }
    for (const layer of CELL_LAYERS) v.draw_station(wiring, station, layer, layerCanvases[layer]);
    v.draw_station(wiring, station, 'write', write);
    root.querySelector('.microcircuit').dataset.mode = wiring;
    bypass.querySelector('.bypass-label').textContent = wiring === 'stream'
      ? 'skip: what arrives also reaches L5 and is added to the write'
      : 'no skip: L5 holds only the write';
    const s = app.summary[wiring].stations[k];
    summaryLine.textContent = `${station} microcircuit, ${wiring} wiring: ${Math.round(s.l4.active * 100)} percent of L4 units and ${Math.round(s.l23.active * 100)} percent of L2/3 units are active; ` +
      (wiring === 'stream' ? 'L5 is what arrived plus the write.' : 'L5 is the write alone.');
    drawInspector();
  }

  return { update: () => redraw() };
}
