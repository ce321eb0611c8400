// Drawing a model summary into the figure: the retina/LGN views, and for each wiring its
// behaviour and its four station views (L4, L2/3, L5 maps with their mean and max).
//
// The core draws the maps itself (Viewer.draw_station / draw_input / draw_lgn size the canvas
// and paint the tiles); this module only finds the canvases and writes the text.

import { CELL_LAYERS, LAYER_LABELS, STATIONS, WIRINGS } from './names.js';
import { answerWords } from './answer.js';

function percent(p) {
  if (!Number.isFinite(p)) return '–';
  return `${Math.round(p * 100)}\u2009%`;
}

function number(x) {
  if (!Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  return a !== 0 && (a < 0.01 || a >= 1000) ? x.toExponential(1) : x.toFixed(2);
}

/** The views of one figure: found once, drawn every frame. */
export class StationViews {
  /** @param {Element} root the element holding the retina views and the [data-wiring] sections */
  constructor(root) {
    this.root = root;
    /** @type {HTMLCanvasElement | null} */
    this.inputView = root.querySelector('canvas[data-view="input"]');
    /** @type {HTMLCanvasElement | null} */
    this.lgnView = root.querySelector('canvas[data-view="lgn"]');
    this.wirings = WIRINGS.map((wiring) => {
      const section = root.querySelector(`[data-wiring="${wiring}"]`);
      if (!section) throw new Error(`no [data-wiring="${wiring}"] in the figure`);
      return {
        wiring,
        behaviour: section.querySelector('[data-role="behaviour"]'),
        category: section.querySelector('[data-role="category"]'),
        probability: section.querySelector('[data-role="probability"]'),
        action: section.querySelector('[data-role="action"]'),
        probs: section.querySelector('[data-role="probs"]'),
        bars: null,
        stations: STATIONS.map((station) => {
          const view = section.querySelector(`[data-station="${station}"]`);
          if (!view) throw new Error(`no [data-station="${station}"] in the ${wiring} wiring`);
          return {
            station,
            layers: CELL_LAYERS.map((layer) => {
              const fig = view.querySelector(`[data-layer="${layer}"]`);
              return {
                layer,
                canvas: fig?.querySelector('canvas'),
                stats: fig?.querySelector('[data-role="stats"]'),
              };
            }).filter((l) => l.canvas),
          };
        }),
      };
    });
  }

  /**
   * Draw everything for one model run.
   * @param {import('../pkg/ventral_stream.js').Viewer} viewer
   * @param {any} summary what viewer.run() returned
   */
  draw(viewer, summary) {
    if (this.inputView) viewer.draw_input(this.inputView);
    if (this.lgnView) viewer.draw_lgn(this.lgnView);
    for (const w of this.wirings) {
      const result = summary[w.wiring];
      if (!result) continue;
      this.#behaviour(w, result, summary.categories);
      result.stations.forEach((s, i) => {
        const view = w.stations.find((v) => v.station === s.name) ?? w.stations[i];
        if (!view) return;
        for (const { layer, canvas, stats } of view.layers) {
          viewer.draw_station(w.wiring, view.station, layer, canvas);
          const st = s[layer];
          if (stats && st) stats.textContent = `mean ${number(st.mean)} · max ${number(st.max)}`;
          if (st && canvas.dataset.shape !== String(st.shape)) {
            canvas.dataset.shape = String(st.shape);
            const [c, h, wd] = st.shape;
            canvas.setAttribute(
              'aria-label',
              `${view.station} ${LAYER_LABELS[layer]} activity, ${w.wiring} wiring: ${c} channel maps of ${h} by ${wd}`,
            );
          }
        }
      });
    }
  }

  #behaviour(w, result, categories) {
    const cat = result.category ?? '?';
    w.category.textContent = answerWords(result);
    if (w.behaviour) w.behaviour.dataset.recognised = String(result.recognised !== false);
    // No share beside a refusal: it would read as confidence in a kind the model just declined.
    w.probability.textContent = result.recognised === false ? '' : `(${percent(result.probability)})`;
    w.action.textContent = result.behaviour ?? '';
    if (!w.probs || !Array.isArray(categories) || !result.probs) return;
    if (!w.bars || w.bars.length !== categories.length) w.bars = this.#buildBars(w.probs, categories);
    const top = categories.indexOf(cat);
    w.bars.forEach(({ li, bar, value }, i) => {
      const p = result.probs[i] ?? 0;
      bar.style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
      value.textContent = percent(p);
      li.classList.toggle('top', i === top);
    });
  }

  #buildBars(list, categories) {
    list.replaceChildren();
    return categories.map((name) => {
      const li = document.createElement('li');
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = name;
      const track = document.createElement('span');
      track.className = 'bar-track';
      track.setAttribute('aria-hidden', 'true');
      const bar = document.createElement('span');
      bar.className = 'bar';
      track.append(bar);
      const value = document.createElement('span');
      value.className = 'value';
      li.append(label, track, value);
      list.append(li);
      return { li, bar, value };
    });
  }
}
