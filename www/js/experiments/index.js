// Hydrates every experiment placeholder in the article,
//   <figure id="fig-EXP" class="experiment" data-experiment="EXP"></figure>,
// from the committed results file (www/data/results.json), with a "Run in your browser"
// button that reruns it live in a Web Worker; and fills every <span data-result="EXP.path">
// the prose quotes from the same file. Imported once by the page's main module.

import { h } from '../dom.js';
import { fillResults } from './format.js';
import { loadResults, mountExperiment } from './frame.js';
import { EXPERIMENTS as IDS } from '../names.js';

/**
 * Each experiment's figure, by its id: js/experiments/ID.js, loaded from the one list of ids
 * (names.js), so adding an experiment means adding its id there and its module here.
 * @type {Promise<Record<string, any>>}
 */
export const EXPERIMENTS = Promise.all(IDS.map((id) => import(`./${id}.js`))).then((modules) =>
  Object.fromEntries(modules.map((m, i) => {
    if (m.default?.name !== IDS[i]) throw new Error(`js/experiments/${IDS[i]}.js names itself ${m.default?.name}`);
    return [IDS[i], m.default];
  })));

/** The hatching that marks the hierarchy's bars (a pattern the stylesheet colours). */
function installDefs() {
  if (document.getElementById('exp-hatch')) return;
  const defs = h('svg:svg', { class: 'exp-defs', width: 0, height: 0, 'aria-hidden': 'true', focusable: 'false' },
    h('svg:defs', {},
      h('svg:pattern', { id: 'exp-hatch', patternUnits: 'userSpaceOnUse', width: 5, height: 5, patternTransform: 'rotate(45)' },
        h('svg:rect', { x: 0, y: 0, width: 5, height: 5, class: 'exp-hatch-bg' }),
        h('svg:line', { x1: 1, y1: 0, x2: 1, y2: 5, class: 'exp-hatch-line' }))));
  document.body.append(defs);
}

let hydrated = null;

/** Mounts every placeholder under `root` (once) and fills the data-result hooks. */
export function hydrateExperiments(root = document) {
  hydrated ??= (async () => {
    installDefs();
    const [specs, state] = await Promise.all([EXPERIMENTS, loadResults()]);
    fillResults(root, state.results);
    const mounted = {};
    const figures = /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('[data-experiment]'));
    for (const fig of figures) {
      const spec = specs[fig.dataset.experiment];
      if (!spec || fig.dataset.hydrated) continue;
      fig.dataset.hydrated = 'true';
      mounted[spec.name] = mountExperiment(fig, spec, state);
    }
    document.documentElement.dataset.experiments = state.results ? 'ready' : 'no-results';
    return mounted;
  })();
  return hydrated;
}

hydrateExperiments().catch((err) => {
  console.error('The experiment figures could not be set up', err);
  document.documentElement.dataset.experiments = 'error';
});
