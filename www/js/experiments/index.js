// Hydrates every experiment placeholder in the article,
//   <figure id="fig-EXP" class="experiment" data-experiment="EXP"></figure>,
// from the committed results (www/data/results/EXP.json), with a "Run in your browser"
// button that reruns it live in a Web Worker; and fills every <span data-result="EXP.path">
// the prose quotes from the same results, and every <div data-verdict="EXP"> with that
// claim's computed verdict and the sentence its word chooses. Imported once by the page's main module.
//
// Each placeholder is built when it first comes near the viewport, and only then fetches and
// parses its own experiment's file: a reader who never scrolls to the receptive fields never
// loads their maps. data-state on a placeholder says where it is: waiting (far), loading, then
// what mountExperiment sets (file, none, error, live…).

import { fillResult } from './format.js';
import { fillVerdict } from './verdict.js';
import { hatchDefs, loadFigure, loadIndex, loadResult, mountExperiment } from './frame.js';
import { whenNear } from '../visibility.js';
import { EXPERIMENTS as IDS } from '../names.js';

/** In a task of its own, so that building several figures after one scroll never adds up to a long task. */
function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function mountWhenNear(fig, id) {
  await whenNear(fig);
  fig.dataset.state = 'loading';
  const [spec, state] = await Promise.all([loadFigure(id), loadResult(id)]);
  await nextTask();
  mountExperiment(fig, spec, state);
}

/** The hooks of one paragraph (or list item) are filled together, when it comes near. */
async function fillWhenNear(block, hooks) {
  await whenNear(block);
  for (const el of hooks) fillResult(el, (await loadResult(el.dataset.result.split('.')[0])).results);
}

/** A claim's verdict in the article (<div data-verdict="EXP">), filled when it comes near. */
async function verdictWhenNear(el) {
  await whenNear(el);
  const id = el.dataset.verdict;
  fillVerdict(el, (await loadResult(id)).results?.[id] ?? null);
}

let hydrated = false;

/**
 * Watches every placeholder and data-result hook under `root` (once), and says on <html>
 * (data-experiments: ready, no-results or error) whether there are results to draw from.
 */
export function hydrateExperiments(root = document) {
  if (hydrated) return;
  hydrated = true;
  if (!document.getElementById('exp-hatch')) document.body.append(hatchDefs());
  loadIndex().then((index) => {
    document.documentElement.dataset.experiments = index.names ? 'ready' : 'no-results';
  });
  for (const fig of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('[data-experiment]'))) {
    const id = fig.dataset.experiment;
    if (!IDS.includes(id) || (fig.dataset.state && fig.dataset.state !== 'waiting')) continue;
    fig.dataset.state = 'waiting';
    mountWhenNear(fig, id).catch((err) => {
      console.error(`The experiment figure ${id} could not be set up`, err);
      fig.dataset.state = 'error';
    });
  }
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('[data-verdict]'))) {
    verdictWhenNear(el).catch((err) => console.error('A verdict could not be filled', err));
  }
  const blocks = new Map();
  for (const el of root.querySelectorAll('[data-result]')) {
    const block = el.closest('p, li') ?? el;
    blocks.set(block, [...(blocks.get(block) ?? []), el]);
  }
  for (const [block, hooks] of blocks) {
    fillWhenNear(block, hooks).catch((err) => console.error('A data-result hook could not be filled', err));
  }
}

try {
  hydrateExperiments();
} catch (err) {
  console.error('The experiment figures could not be set up', err);
  document.documentElement.dataset.experiments = 'error';
}
