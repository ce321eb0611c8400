// The lab: the reader sets up a training run of the full model (or two: stream and hierarchy
// side by side, same seed and so the same data), watches it learn, and can make the result
// the page's model or download it. Loaded by js/lab/mount.js when the figure comes near the
// viewport; nothing trains until the reader presses Train.

import { h } from '../dom.js';
import { PRESETS, describe, sameConfig } from './config.js';
import { buildControls } from './controls.js';
import { drawCurves } from './curves.js';
import { fieldCanvases, filterCanvas, sharesList } from './pictures.js';
import { LabRun, formatSeconds } from './run.js';
import { modelSwitch } from './model-switch.js';
import { hasLabConfig, readLabConfig, writeLabConfig } from './url.js';

/**
 * @param {HTMLElement} root  the figure's body
 * @param {any} app
 * @param {{url?: boolean}} [opts] url: keep the configuration in the address (the article; not an embed)
 */
export async function mountLab(root, app, { url = root.getRootNode() === document } = {}) {
  const ui = buildControls(root);
  const status = h('p', { class: 'input-message lab-status', 'data-role': 'lab-status', role: 'status' });
  const runsBox = h('div', { class: 'lab-runs', 'data-role': 'lab-runs' });
  const curves = h('div', { class: 'lab-curves', 'data-role': 'lab-curves' });
  const after = h('div', { class: 'controls lab-after', role: 'group', 'aria-label': 'The trained model', hidden: true });
  const summary = h('p', { class: 'visually-hidden', 'data-role': 'summary' }, 'The lab: no run yet. Choose the settings and press Train.');
  root.append(status, runsBox, curves, after, summary);

  const say = (text, kind = 'info') => {
    status.textContent = text;
    status.dataset.kind = kind;
  };
  const switcher = modelSwitch(root, app, say);

  ui.set(readLabConfig());
  const remember = () => {
    if (url) writeLabConfig(ui.get());
  };
  ui.form.addEventListener('change', remember);
  for (const b of ui.presets) {
    b.addEventListener('click', () => {
      ui.set({ ...ui.get(), ...PRESETS[b.dataset.presetKey].set });
      remember();
      say(`Preset: ${PRESETS[b.dataset.presetKey].label}. Press Train to run it.`);
    });
  }

  root.dataset.lab = 'idle';

  /** @type {LabRun[]} */
  let runs = [];
  /** one view per run: its progress, pictures and shares */
  const views = new Map();

  function viewFor(run) {
    const progress = h('progress', { max: '1', value: '0', 'aria-label': `Training the ${run.config.wiring} wiring` });
    const left = h('span', { class: 'lab-left', 'data-role': 'time-left' });
    const filters = h('div', { class: 'lab-pics', 'data-role': 'v1-filters-box' });
    const fields = h('div', { class: 'lab-pics', 'data-role': 'fields-box' });
    const shares = h('div', { 'data-role': 'shares-box' });
    const warnings = h('p', { class: 'lab-note', 'data-role': 'lab-warnings' });
    const el = h('section', { class: 'lab-run', 'data-wiring': run.config.wiring, 'data-state': run.state, 'aria-label': `Run: ${describe(run.config)}` },
      h('h3', { class: 'wiring-title' }, run.config.wiring),
      h('p', { class: 'lab-config' }, describe(run.config)),
      h('div', { class: 'lab-progress' }, progress, left),
      h('h4', { class: 'lab-subhead' }, 'V1’s reads from the eight LGN channels'),
      h('p', { class: 'lab-note' }, 'One tile per V1 unit: centre–surround channels above, edge channels below.'),
      filters,
      h('h4', { class: 'lab-subhead' }, 'A few L2/3 receptive fields (V1, then V2)'),
      fields,
      h('h4', { class: 'lab-subhead' }, 'Share of the decision'),
      shares,
      warnings);
    const v = { el, progress, left, filters, fields, shares, warnings };
    views.set(run, v);
    return v;
  }

  function drawRun(run) {
    const v = views.get(run);
    v.el.dataset.state = run.state;
    v.el.dataset.step = String(run.step);
    v.el.dataset.held = String(run.held);
    v.progress.value = run.fraction;
    const left = run.state === 'running' ? formatSeconds(run.secondsLeft) : '';
    v.left.textContent = `step ${run.step} of ${run.config.steps}${left ? `, ${left} left` : ''}${run.state === 'paused' ? ' (paused)' : ''}`;
  }

  function drawLook(run) {
    const v = views.get(run);
    const l = run.latest;
    if (!l) return;
    if (l.filters.length) v.filters.replaceChildren(filterCanvas(l.filters, `V1's read filters of the ${run.config.wiring} wiring at step ${l.step}`));
    v.fields.replaceChildren(...l.fields.flatMap((f) => fieldCanvases(f.station, f.images)));
    if (l.shares) v.shares.replaceChildren(sharesList(l.shares, run.firstShares?.step < l.step ? run.firstShares : null));
  }

  // Curves at most once a frame, however many ticks arrive.
  let curvesQueued = false;
  function queueCurves() {
    if (curvesQueued) return;
    curvesQueued = true;
    requestAnimationFrame(() => {
      curvesQueued = false;
      drawCurves(curves, runs);
    });
  }

  function overall() {
    if (runs.some((r) => r.state === 'running' || r.state === 'starting')) return 'running';
    if (runs.some((r) => r.state === 'paused')) return 'paused';
    if (runs.length && runs.every((r) => r.state === 'done')) return 'done';
    if (runs.some((r) => r.state === 'error')) return 'error';
    if (runs.some((r) => r.state === 'cancelled')) return 'cancelled';
    return 'idle';
  }

  // The time left ticks down between messages too, while a run goes on (and only then).
  let clock = 0;
  function onState() {
    const state = overall();
    root.dataset.lab = state;
    const active = state === 'running' || state === 'paused';
    if (active && !clock) clock = setInterval(() => runs.forEach(drawRun), 1000);
    if (!active && clock) {
      clearInterval(clock);
      clock = 0;
    }
    ui.lock(active);
    ui.train.disabled = active;
    ui.trainBoth.disabled = active;
    ui.pause.disabled = state !== 'running';
    ui.resume.disabled = state !== 'paused';
    ui.cancel.disabled = !active;
    for (const r of runs) drawRun(r);
    const failed = runs.find((r) => r.state === 'error');
    if (state === 'done') {
      showAfter();
      const last = runs.map((r) => `${r.config.wiring}: loss ${r.ticks.at(-1)?.loss.toFixed(3) ?? '–'}, held-out category ${Math.round((r.heldOut.at(-1)?.category ?? NaN) * 100)} %`).join('; ');
      say(`Done. ${last}.`);
      summary.textContent = `The lab trained ${runs.map((r) => describe(r.config)).join(' and ')}. ${last}.`;
    } else if (failed) {
      for (const r of runs) r.cancel();
      say(`The run stopped: ${failed.message}.`, 'error');
    } else if (state === 'cancelled') {
      say('Cancelled. Nothing was kept; change the settings or train again.');
    } else if (state === 'paused') {
      say('Paused. Resume goes on from the same step.');
    } else if (state === 'running') {
      say(`Training ${runs.map((r) => r.config.wiring).join(' and ')} in ${runs.length === 1 ? 'a worker' : 'two workers, one each, on the same seed and data'}…`);
    }
  }

  function showAfter() {
    const use = h('button', { type: 'button', 'data-action': 'lab-use' }, 'Use as the page’s model');
    use.addEventListener('click', () => switcher.use(runs));
    const downloads = runs.map((r) => {
      const b = h('button', { type: 'button', 'data-action': 'lab-download', 'data-wiring': r.config.wiring }, `Download ${r.config.wiring} (.safetensors)`);
      b.addEventListener('click', () => switcher.download(r));
      return b;
    });
    after.replaceChildren(use, ...downloads);
    after.hidden = false;
  }

  function start(configs) {
    for (const r of runs) r.cancel();
    runs = configs.map((c) => new LabRun(c));
    views.clear();
    after.replaceChildren();
    after.hidden = true;
    runsBox.replaceChildren(...runs.map((r) => viewFor(r).el));
    runsBox.dataset.count = String(runs.length);
    curves.replaceChildren();
    for (const r of runs) {
      r.addEventListener('tick', () => {
        drawRun(r);
        queueCurves();
      });
      r.addEventListener('look', () => {
        drawLook(r);
        queueCurves();
      });
      r.addEventListener('warning', () => {
        views.get(r).warnings.textContent = r.warnings.join(' ');
      });
      r.addEventListener('state', onState);
      r.start();
    }
  }

  ui.train.addEventListener('click', () => {
    remember();
    start([ui.get()]);
  });
  ui.trainBoth.addEventListener('click', () => {
    remember();
    const c = ui.get();
    // Same seed, so the two workers draw the same images in the same order.
    start([{ ...c, wiring: 'stream' }, { ...c, wiring: 'hierarchy' }]);
  });
  ui.pause.addEventListener('click', () => runs.forEach((r) => r.pause()));
  ui.resume.addEventListener('click', () => runs.forEach((r) => r.resume()));
  ui.cancel.addEventListener('click', () => runs.forEach((r) => r.cancel()));


  if (url && hasLabConfig() && !sameConfig(ui.get(), readLabConfig(''))) say(`Settings from the link: ${describe(ui.get())}. Press Train to run them.`);
  return { update() {} };
}
