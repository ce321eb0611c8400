// The hierarchy as a pipeline of stations: retina → LGN → V1 → V2 → V4 → IT → behaviour, each
// drawn on the current input, in the wiring the reader picks.

import { h } from '../dom.js';
import { STATIONS, WIRINGS } from '../names.js';
import { answerWithProbability } from '../answer.js';

const WHAT = {
  V1: 'edges, in the textbook',
  V2: 'flat shapes',
  V4: 'objects',
  IT: 'faces, whole things',
};

export function mountPipeline(root, app) {
  let wiring = 'stream';
  const name = `${root.id || 'pipeline'}-wiring`;
  const radios = WIRINGS.map((w) =>
    h('label', { class: 'choice' },
      h('input', { type: 'radio', name, value: w, checked: w === wiring, 'data-control': 'pipeline-wiring' }), ' ', w));
  const picker = h('fieldset', { class: 'choices' }, h('legend', {}, 'Wiring'), radios);
  picker.addEventListener('change', (e) => {
    wiring = /** @type {HTMLInputElement} */ (e.target).value;
    app.summary && this_.update(app.summary, app);
  });
  const stage = (label, what, canvas) =>
    h('li', { class: 'stage' },
      h('span', { class: 'stage-name' }, label),
      canvas,
      h('span', { class: 'stage-what' }, what));
  const input = h('canvas', { class: 'map', role: 'img', 'aria-label': 'The image the retina sees', width: 1, height: 1 });
  const lgn = h('canvas', { class: 'map', role: 'img', 'aria-label': 'The eight LGN channels', width: 1, height: 1 });
  const stations = STATIONS.map((st) =>
    h('canvas', { class: 'map', role: 'img', 'aria-label': `${st} L5 (what it passes on)`, width: 1, height: 1, 'data-stage': st }));
  const verdict = h('strong', { 'data-role': 'pipeline-category' }, '…');
  const action = h('strong', { 'data-role': 'pipeline-action' }, '…');
  const summaryLine = h('p', { class: 'visually-hidden', 'data-role': 'summary' });
  root.append(
    picker,
    h('ol', { class: 'pipeline', 'aria-label': 'The stations in order' },
      stage('Retina', 'spots of light', input),
      stage('LGN', 'centre–surround, edges', lgn),
      STATIONS.map((st, i) => stage(st, WHAT[st], stations[i])),
      h('li', { class: 'stage stage-behaviour' },
        h('span', { class: 'stage-name' }, 'Behaviour'),
        h('span', { class: 'stage-verdict' }, 'sees ', verdict, h('br'), '→ ', action))),
    summaryLine,
  );
  const this_ = {
    update(summary, a) {
      a.viewer.draw_input(input);
      a.viewer.draw_lgn(lgn);
      STATIONS.forEach((st, i) => a.viewer.draw_station(wiring, st, 'l5', stations[i]));
      const r = summary[wiring];
      verdict.textContent = answerWithProbability(r);
      verdict.dataset.recognised = String(r.recognised !== false);
      action.textContent = r.behaviour;
      summaryLine.textContent = `Pipeline, ${wiring} wiring: the input passes the retina, the LGN and V1, V2, V4 and IT; at the end the model sees ${answerWithProbability(r)}, and so: ${r.behaviour}.`;
    },
  };
  return this_;
}
