// The stream as a stack of writes: the thalamic input enters, each station writes into the
// stream (signed: blue below baseline, red above), and L5 after each station holds the running
// sum; beside it, the behaviour decomposed into what each write contributed.

import { h, uid } from '../dom.js';
import { STATIONS } from '../names.js';
import { createDecomposition } from './decomposition.js';

export function mountStream(root, app) {
  const id = uid('stack');
  const canvas = (label) => h('canvas', { class: 'map', width: 1, height: 1, role: 'img', 'aria-label': label });
  const lgn = canvas('The thalamic input (LGN channels) that enters the stream');
  const rows = STATIONS.map((st) => ({
    st,
    write: canvas(`${st} write into the stream`),
    l5: canvas(`The stream after ${st}`),
    mark: h('span', { class: 'lesion-mark', hidden: true }, ' (removed)'),
  }));
  const decomp = createDecomposition(app, id);
  const summaryLine = h('p', { class: 'visually-hidden', 'data-role': 'summary' });
  root.append(
    h('div', { class: 'stack-layout' },
      h('ol', { class: 'stack', 'aria-label': 'The stream, one write after another' },
        h('li', { class: 'stack-row stack-head' },
          h('span', { class: 'stack-name' }, 'Thalamic input'),
          h('div', { class: 'stack-maps' }, h('figure', { class: 'layer' }, lgn, h('figcaption', {}, 'LGN, embedded into the stream')))),
        rows.map((r) => h('li', { class: 'stack-row', 'data-stack': r.st },
          h('span', { class: 'stack-name' }, h('span', { 'aria-hidden': 'true' }, '+ '), r.st, r.mark),
          h('div', { class: 'stack-maps' },
            h('figure', { class: 'layer' }, r.write, h('figcaption', {}, `${r.st} writes`)),
            h('figure', { class: 'layer' }, r.l5, h('figcaption', {}, `= stream after ${r.st}`)))))),
      decomp.el),
    summaryLine,
  );
  return {
    update(summary, a) {
      a.viewer.draw_lgn(lgn);
      for (const r of rows) {
        a.viewer.draw_station('stream', r.st, 'write', r.write);
        a.viewer.draw_station('stream', r.st, 'l5', r.l5);
        r.mark.hidden = !a.isLesioned('stream', r.st);
      }
      summaryLine.textContent = `Stack of writes, stream wiring. ${decomp.update(summary)}`;
    },
  };
}
