// The frame every experiment figure shares: the figure drawn from the committed results
// (www/data/results/NAME.json, one file per experiment, and index.json naming them, written by
// the native experiments command beside www/data/results.json), a "Run in your browser" button
// that runs the experiment live in a Web Worker with a seed, a progress bar, Cancel, a caption
// written from the numbers, and a text summary for screen readers.

import { h, uid } from '../dom.js';
import { pct } from './format.js';
import { Marks, isMultiSeed, overSeeds } from './interval.js';
import { claimFor } from './claims.js';
import { startModuleWorker } from '../worker-start.js';

const RESULTS_DIR = new URL('../../data/results/', import.meta.url);

/** A JSON object from the results directory: {value} or {value: null, reason}. */
async function fetchJson(file) {
  try {
    const res = await fetch(new URL(file, RESULTS_DIR), { cache: 'no-cache' });
    if (!res.ok) return { value: null, reason: res.status === 404 ? 'missing' : `HTTP ${res.status}` };
    const value = await res.json();
    if (!value || typeof value !== 'object') return { value: null, reason: 'not a JSON object' };
    return { value };
  } catch (err) {
    return { value: null, reason: String(err?.message ?? err) };
  }
}

/**
 * One experiment's figure module, js/experiments/ID.js, imported when its figure is first
 * needed: the ids come from the one list of them (names.js), so adding an experiment means
 * adding its id there and its module here.
 * @param {string} id
 */
export async function loadFigure(id) {
  const m = await import(`./${id}.js`);
  if (m.default?.name !== id) throw new Error(`js/experiments/${id}.js names itself ${m.default?.name}`);
  return m.default;
}

/**
 * The hatching that marks the hierarchy's bars (a pattern the stylesheet colours), to put once
 * in each document or shadow root that holds experiment figures (url(#exp-hatch) resolves there).
 */
export function hatchDefs() {
  return h('svg:svg', { class: 'exp-defs', width: 0, height: 0, 'aria-hidden': 'true', focusable: 'false' },
    h('svg:defs', {},
      h('svg:pattern', { id: 'exp-hatch', patternUnits: 'userSpaceOnUse', width: 5, height: 5, patternTransform: 'rotate(45)' },
        h('svg:rect', { x: 0, y: 0, width: 5, height: 5, class: 'exp-hatch-bg' }),
        h('svg:line', { x1: 1, y1: 0, x2: 1, y2: 5, class: 'exp-hatch-line' }))));
}

let indexPromise = null;
const resultPromises = new Map();

/**
 * Which experiments the results hold (index.json, a few hundred bytes), loaded once:
 * {names: Set} or {names: null, reason} when there are no results yet or they cannot be read.
 * Once the variants are judged (issue 24) it also names the primary test bed and holds each
 * variant's words by claim id (`by_variant`), the variants' names in the article's order, each
 * one's usage index (`usage`), its hierarchy twin's bypass retention (`hierarchy_twins`), a
 * columns variant's accuracy with one column silenced (`column_retention`, beside the index) and
 * the seeds its words were judged on; otherwise these are null.
 */
export function loadIndex() {
  indexPromise ??= fetchJson('index.json').then(({ value, reason }) =>
    Array.isArray(value?.experiments)
      ? {
        names: new Set(value.experiments),
        verdicts: typeof value.verdicts === 'string' ? value.verdicts : null,
        primary: typeof value.primary === 'string' ? value.primary : null,
        byVariant: value.by_variant && typeof value.by_variant === 'object' ? value.by_variant : null,
        variants: Array.isArray(value.variants) ? value.variants.filter((v) => typeof v === 'string') : null,
        usage: value.usage && typeof value.usage === 'object' ? value.usage : null,
        hierarchyTwins: value.hierarchy_twins && typeof value.hierarchy_twins === 'object' ? value.hierarchy_twins : null,
        columnRetention: value.column_retention && typeof value.column_retention === 'object' ? value.column_retention : null,
        seedsByVariant: value.seeds_by_variant && typeof value.seeds_by_variant === 'object' ? value.seeds_by_variant : null,
      }
      : { names: null, verdicts: null, primary: null, byVariant: null, variants: null, usage: null, hierarchyTwins: null, columnRetention: null, seedsByVariant: null, reason: reason ?? 'no list of experiments' });
  return indexPromise;
}

let verdictsPromise = null;

/**
 * Every experiment's verdict, for Table 1, from the one small file the release adds
 * (tools/dist.sh writes data/results/verdicts.json and names it in index.json) when there is one,
 * otherwise from each experiment's own file. Resolves to a function: id → its verdict or null.
 */
export function loadVerdicts() {
  verdictsPromise ??= loadIndex().then(async (index) => {
    if (index.verdicts) {
      const { value } = await fetchJson(index.verdicts);
      if (value) return (id) => Promise.resolve(value[id] ?? null);
    }
    return async (id) => (await loadResult(id)).results?.[id]?.verdict ?? null;
  });
  return verdictsPromise;
}

/**
 * One experiment's part of the results, loaded once, only when something needs it:
 * {results: {[name]: result}} (empty when the results have no entry for it) or
 * {results: null, reason}, the shape mountExperiment and fillResults take.
 */
export function loadResult(name) {
  if (!resultPromises.has(name)) {
    resultPromises.set(name, (async () => {
      const index = await loadIndex();
      if (!index.names) return { results: null, reason: index.reason };
      if (!index.names.has(name)) return { results: {} };
      const { value, reason } = await fetchJson(`${encodeURIComponent(name)}.json`);
      return value ? { results: { [name]: value } } : { results: null, reason: reason === 'missing' ? `${name}.json is missing` : reason };
    })());
  }
  return resultPromises.get(name);
}

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

/**
 * Starts a job in a fresh worker. The worker is terminated when the job ends or is cancelled
 * (a busy worker reads no messages, so terminating it is the only honest cancel).
 * @param {any} message  what the worker is asked to run
 * @param {{onProgress?: (p: any) => void, onMessage?: (m: any) => void}} [handlers]
 * @returns {{promise: Promise<{result: any, seconds: number}>, cancel: () => void}}
 */
export function startWorkerJob(message, { onProgress, onMessage } = {}) {
  const worker = startModuleWorker(new URL('../worker.js', import.meta.url));
  let done = false;
  let resolveJob;
  let rejectJob;
  const promise = new Promise((resolve, reject) => {
    resolveJob = resolve;
    rejectJob = reject;
  });
  const settle = (fn, value) => {
    if (done) return;
    done = true;
    worker.terminate();
    fn(value);
  };
  worker.addEventListener('message', (e) => {
    if (done) return;
    const m = e.data ?? {};
    if (m.type === 'progress') onProgress?.(m.fraction);
    else if (m.type === 'result') settle(resolveJob, m);
    else if (m.type === 'error') settle(rejectJob, new Error(m.message));
    else onMessage?.(m);
  });
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    settle(rejectJob, new Error(e.message || 'the worker could not start'));
  });
  worker.postMessage(message);
  return { promise, cancel: () => settle(rejectJob, new Cancelled()) };
}

/** Two panels side by side (stacked on a narrow screen), headed by the wiring's name. */
export function sideBySide(stream, hierarchy, { streamTitle = 'Stream', hierarchyTitle = 'Hierarchy' } = {}) {
  return h('div', { class: 'exp-pair' },
    h('div', { class: 'exp-wiring', 'data-wiring-panel': 'stream' }, h('p', { class: 'exp-wiring-title exp-stream-title' }, streamTitle), stream),
    h('div', { class: 'exp-wiring', 'data-wiring-panel': 'hierarchy' }, h('p', { class: 'exp-wiring-title exp-hierarchy-title' }, hierarchyTitle), hierarchy));
}

/**
 * Mounts one experiment figure into its placeholder.
 * spec: {name, title, look, render(result, ctx) → {chart, sentence, tables}, runLabel?, live?}
 * spec.live (optional): {message(seed), begin(body, ctx) → {onMessage(m), finish(result) → result}}
 */
export function mountExperiment(fig, spec, fileState) {
  const id = uid(`exp-${spec.name}`);
  fig.classList.add('experiment');
  fig.dataset.state = 'loading';
  const body = h('div', { class: 'exp-body', 'data-role': 'chart', id: `${id}-body` });
  const summary = h('div', { class: 'exp-summary visually-hidden', id: `${id}-summary`, 'data-role': 'summary' });
  body.setAttribute('aria-describedby', summary.id);

  const seedInput = h('input', { type: 'number', id: `${id}-seed`, min: 0, max: 4294967295, step: 1, value: 1, inputmode: 'numeric', 'data-role': 'seed' });
  const runButton = h('button', { type: 'button', 'data-action': 'run', 'aria-describedby': `${id}-runhelp` }, spec.runLabel ?? 'Run in your browser');
  const cancelButton = h('button', { type: 'button', 'data-action': 'cancel', hidden: true }, 'Cancel');
  const fileButton = h('button', { type: 'button', 'data-action': 'show-file', hidden: true }, 'Show the results file');
  const progress = h('progress', { id: `${id}-progress`, max: 1, value: 0, 'data-role': 'progress' });
  const progressLabel = h('label', { for: progress.id, class: 'exp-progress-label', 'data-role': 'progress-label' }, '');
  const progressBox = h('div', { class: 'exp-progress', hidden: true }, progress, progressLabel);
  const status = h('p', { class: 'exp-status', role: 'status', 'data-role': 'status' });
  const controls = h('div', { class: 'exp-controls', role: 'group', 'aria-label': `Run “${spec.title}” in your browser` },
    h('label', { class: 'exp-seed', for: seedInput.id }, 'Seed ', seedInput),
    runButton, cancelButton, fileButton, progressBox,
    h('p', { class: 'exp-help', id: `${id}-runhelp` }, spec.runHelp ?? 'Runs the quick size of this experiment on one seed of the shipped weights, in a background worker: the page stays usable. Intervals over seeds come from the native runs in the results file only.'));
  const captionId = `${id}-caption`;
  const sentence = h('span', { class: 'exp-sentence', 'data-role': 'sentence' });
  const source = h('span', { class: 'exp-source', 'data-role': 'source' });
  // The caption says what to look for; how it was measured, the numbers, intervals and seeds
  // sit under a disclosure beside it, and the verdict lives in the article's table, one row a claim.
  const number = fig.dataset.number ? `Figure ${fig.dataset.number}. ` : '';
  const caption = h('figcaption', { class: 'exp-caption', id: captionId },
    h('strong', {}, `${number}${spec.title}${/[.?!]$/.test(spec.title) ? '' : '.'}`), ' ', spec.look);
  const numbers = h('details', { class: 'exp-numbers', 'data-role': 'numbers' },
    h('summary', {}, 'How it was measured, and the numbers'),
    spec.how ? h('p', {}, spec.how) : null,
    h('p', {}, sentence),
    h('p', {}, source));
  fig.setAttribute('aria-labelledby', captionId);
  const verdictBox = h('p', { class: 'exp-verdict', 'data-role': 'verdict' });
  fig.replaceChildren(body, controls, status, summary, caption, numbers, verdictBox);

  // The whole results file (seeds, summary, controls, verdict) and the one output a figure
  // draws from it: seed 1's `example` in the multi-seed shape, the file itself in the older one.
  const fileAll = fileState.results?.[spec.name] ?? null;
  const fileResult = isMultiSeed(fileAll) ? fileAll.example : fileAll;
  const claim = fileAll?.verdict ? claimFor(fileAll.verdict.claim ?? spec.name) : undefined;
  if (claim && document.querySelector('table[data-role="verdicts"]')) {
    verdictBox.replaceChildren(h('a', { href: `#verdict-${claim.id}`, 'data-role': 'verdict-link' }, `The verdict: “${claim.title}” in the table of verdicts`));
  } else verdictBox.hidden = true;
  let job = null;

  let last = null;

  function show(result, origin, extra = {}) {
    last = [result, origin, extra];
    // A live run is one seed: it gets no interval and no control.
    const marks = new Marks(result, origin === 'file' ? fileAll : null);
    const ctx = { origin, file: fileResult, marks, results: fileState.results, ...extra };
    let out;
    try {
      out = spec.render(result, ctx);
    } catch (err) {
      console.warn(`experiment ${spec.name}: cannot draw`, err);
      body.replaceChildren(h('p', { class: 'exp-message exp-error' }, `This figure could not be drawn from the ${origin === 'live' ? 'live run' : 'results file'}: ${err.message}`));
      sentence.textContent = '';
      summary.replaceChildren();
      fig.dataset.state = 'error';
      return;
    }
    body.replaceChildren(out.chart);
    sentence.textContent = out.sentence ?? '';
    summary.replaceChildren(...(out.tables ?? []));
    const seconds = Number.isFinite(extra.seconds) ? `, ${extra.seconds.toFixed(1)} s` : '';
    source.textContent = origin === 'live'
      ? `(Live run in your browser: one seed (seed ${result.seed ?? extra.seed}), ${result.size ?? 'quick'} size${seconds}; no interval.)`
      : marks.hasIntervals
        ? `(From the results file, ${fileAll.size ?? result.size ?? '?'} size: marks are the mean and 95\u2009% interval ${overSeeds(marks.n)} (seeds ${fileAll.seeds.join(', ')}); maps, curves and single units are seed ${result.seed ?? fileAll.seeds[0]}’s.)`
        : `(From the results file: ${result.size ?? '?'} size, one seed (seed ${result.seed ?? '?'}); no interval.)`;
    source.dataset.seeds = String(marks.n);
    fig.dataset.state = origin;
    fig.dataset.origin = origin;
    fileButton.hidden = !(origin === 'live' && fileResult);
  }

  function showMissing() {
    const why = fileState.results
      ? 'The results file has no entry for this experiment yet.'
      : fileState.reason === 'missing'
        ? 'No results file yet (data/results/ is made by the native experiments).'
        : `The results file could not be read (${fileState.reason}).`;
    body.replaceChildren(h('p', { class: 'exp-message', 'data-role': 'missing' }, why, ' Run the experiment in your browser to see it.'));
    sentence.textContent = '';
    source.textContent = '';
    summary.replaceChildren();
    fig.dataset.state = 'none';
  }

  function setRunning(on) {
    runButton.disabled = on;
    seedInput.disabled = on;
    cancelButton.hidden = !on;
    if (on) progressBox.hidden = false;
    fig.dataset.running = on ? 'true' : 'false';
    if (on) fileButton.hidden = true;
  }

  function setProgress(f) {
    progress.value = Math.max(0, Math.min(1, f));
    progressLabel.textContent = `${spec.progressWord ?? 'Running'}… ${pct(progress.value)}`;
  }

  async function run() {
    if (job) return;
    const seed = Math.max(0, Math.min(4294967295, Math.floor(Number(seedInput.value) || 0)));
    seedInput.value = String(seed);
    setRunning(true);
    setProgress(0);
    status.textContent = `${spec.progressWord ?? 'Running'} in your browser (seed ${seed})…`;
    const live = spec.live?.begin(body, { file: fileResult, seed });
    if (live) fig.dataset.state = 'running';
    const message = spec.live ? spec.live.message(seed) : { type: 'run', name: spec.name, seed, size: 'quick' };
    job = startWorkerJob(message, { onProgress: setProgress, onMessage: (m) => live?.onMessage(m) });
    try {
      const { result, seconds } = await job.promise;
      setProgress(1);
      progressLabel.textContent = 'Done: 100\u2009%';
      const final = live ? live.finish(result) : result;
      show(final, 'live', { seconds, seed });
      status.textContent = `Done in ${seconds.toFixed(1)} s: the figure now shows your run, one seed, without interval.`;
    } catch (err) {
      const cancelled = err instanceof Cancelled;
      if (cancelled) progressBox.hidden = true;
      if (!cancelled) console.warn(`experiment ${spec.name} failed`, err);
      const partial = live?.stop?.(cancelled ? 'cancelled' : 'failed');
      if (partial) {
        fig.dataset.state = 'partial';
        status.textContent = `${cancelled ? 'Cancelled' : `The run failed (${err.message})`}: ${partial}`;
        fileButton.hidden = !fileResult;
      } else {
        if (last) show(...last);
        else showMissing();
        status.textContent = cancelled
          ? `Cancelled. ${last ? `Showing the ${last[1] === 'live' ? 'last complete run' : 'results file'} again.` : ''}`
          : `The run failed: ${err.message}`;
      }
    } finally {
      job = null;
      const refocus = document.activeElement === cancelButton || document.activeElement === document.body;
      setRunning(false);
      if (refocus && fig.isConnected) runButton.focus();
    }
  }

  runButton.addEventListener('click', run);
  seedInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') run();
  });
  cancelButton.addEventListener('click', () => job?.cancel());
  fileButton.addEventListener('click', () => {
    if (fileResult) show(fileResult, 'file');
    status.textContent = 'Showing the results file.';
    runButton.focus();
  });

  if (fileResult) show(fileResult, 'file');
  else showMissing();
  return { run, cancel: () => job?.cancel(), show };
}
