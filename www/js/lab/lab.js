// The lab: the reader sets up a training run of the full model (or two: stream and hierarchy
// side by side, same seed and so the same data), watches it learn, and can make the result
// the page's model or download it. Loaded by js/lab/mount.js when the figure comes near the
// viewport; nothing trains until the reader presses Train.
//
// The reader's work is kept: each session (one press of Train) is saved in this browser as it
// trains (js/lab/store.js; a checkpoint every few seconds, on pause and at the end), listed
// under the form (js/lab/kept.js), and offered back after a reload, to resume or reopen.
// Training again keeps the previous session in that list; leaving the page while a run trains
// or before it is saved asks first.

import { h } from '../dom.js';
import { PRESETS, describe, sameConfig } from './config.js';
import { buildControls } from './controls.js';
import { drawCurves } from './curves.js';
import { keptList, sessionWhat, sessionWhere } from './kept.js';
import { fieldCanvases, filterCanvas, sharesList } from './pictures.js';
import { useView } from './use.js';
import { LabRun, formatSeconds } from './run.js';
import { modelSwitch } from './model-switch.js';
import { openStore, sessionId } from './store.js';
import { hasLabConfig, readLabConfig, writeLabConfig } from './url.js';

/** How many sessions the browser keeps; the oldest beyond it makes room for a new one. */
export const KEEP = 6;

/**
 * @param {HTMLElement} root  the figure's body
 * @param {any} app
 * @param {{url?: boolean}} [opts] url: keep the configuration in the address (the article; not an embed)
 */
export async function mountLab(root, app, { url = root.getRootNode() === document } = {}) {
  const ui = buildControls(root);
  const status = h('p', { class: 'input-message lab-status', 'data-role': 'lab-status', role: 'status' });
  const keptBox = h('div', { class: 'lab-kept-box' });
  const runsBox = h('div', { class: 'lab-runs', 'data-role': 'lab-runs' });
  const curves = h('div', { class: 'lab-curves', 'data-role': 'lab-curves' });
  const after = h('div', { class: 'controls lab-after', role: 'group', 'aria-label': 'The trained model', hidden: true });
  const summary = h('p', { class: 'visually-hidden', 'data-role': 'summary' }, 'The lab: no run yet. Choose the settings and press Train.');
  root.append(status, keptBox, runsBox, curves, after, summary);

  const say = (text, kind = 'info') => {
    status.textContent = text;
    status.dataset.kind = kind;
  };
  const switcher = modelSwitch(root, app, say, { keep: url });
  const store = await openStore();

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

  // (its buttons call reopen and keep, declared below)
  const kept = keptList(keptBox, {
    resume: (s) => reopen(s, { go: true }),
    reopen: (s) => reopen(s),
    remove: (s) => {
      keep(() => store.deleteSession(s.id));
      say(`Deleted the kept run: ${sessionWhat(s)}.`);
    },
  });


  /** @type {LabRun[]} */
  let runs = [];
  /** the session on show: its id in the store and when it began (null: none) */
  let session = null;
  /** one view per run: its progress, pictures and shares */
  const views = new Map();

  function viewFor(run) {
    const progress = h('progress', { max: '1', value: '0', 'aria-label': `Training the ${run.config.wiring} wiring` });
    const left = h('span', { class: 'lab-left', 'data-role': 'time-left' });
    const filters = h('div', { class: 'lab-pics', 'data-role': 'v1-filters-box' });
    const fields = h('div', { class: 'lab-pics', 'data-role': 'fields-box' });
    const shares = h('div', { 'data-role': 'shares-box' });
    const use = h('div', { class: 'lab-use', 'data-role': 'use-box', 'aria-live': 'polite' });
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
      h('h4', { class: 'lab-subhead' }, 'How it uses its stream, and whether it deletes'),
      use,
      warnings);
    const v = { el, progress, left, filters, fields, shares, use, warnings };
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

  /** The finished model's usage index and P3's measure, or where measuring them has got to. */
  function drawUse(run) {
    const box = views.get(run).use;
    box.dataset.state = run.use ? 'measured' : run.useProgress !== null ? 'measuring' : run.useError ? 'error' : 'waiting';
    box.replaceChildren(...useView(run));
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

  // ---- keeping the session in this browser ----

  /** Saves queued one after another; how many wait, for the leave-page warning. */
  let saving = Promise.resolve();
  let pending = 0;
  /** what the last save or deletion that went wrong said */
  let keepProblem = '';

  /** What is kept of the session on show, or null when there is nothing to keep. */
  function sessionRecord() {
    const state = overall();
    if (!session || !['running', 'paused', 'done'].includes(state)) return null;
    return { id: session.id, status: /** @type {'running' | 'paused' | 'done'} */ (state), created: session.created, saved: Date.now(), runs: runs.map((r) => r.toKept()) };
  }

  /** Queue `job` (a store call) after the ones before it; the list is drawn again after. */
  function keep(job) {
    pending += 1;
    armLeaveWarning();
    saving = saving.then(job).then(
      () => {
        keepProblem = '';
      },
      (err) => {
        keepProblem = `This browser did not keep the run (${err?.message ?? err}); download the model to keep it.`;
        say(keepProblem, 'error');
      },
    ).finally(() => {
      pending -= 1;
      root.dataset.keep = pending ? 'saving' : 'saved';
      armLeaveWarning();
      drawKept();
    });
    root.dataset.keep = 'saving';
    return saving;
  }

  function saveSession() {
    const record = sessionRecord();
    if (record) keep(() => store.putSession(record));
  }

  let aside = '';
  /** Make room: beyond KEEP sessions, the oldest (never the one on show) are dropped. */
  async function prune() {
    const all = await store.sessions();
    const old = all.filter((s) => s.id !== session?.id).slice(KEEP - 1);
    for (const s of old) await store.deleteSession(s.id);
    if (old.length) aside = `The oldest (${old.map(sessionWhat).join('; ')}) made room for the newest.`;
  }

  let drawQueued = false;
  async function drawKept() {
    if (drawQueued) return;
    drawQueued = true;
    await Promise.resolve();
    drawQueued = false;
    let sessions = [];
    try {
      sessions = (await store.sessions()).filter((s) => s.id !== session?.id);
    } catch (err) {
      keepProblem = `The runs kept in this browser could not be read (${err?.message ?? err}).`;
    }
    kept.show(sessions, { busy: overall() === 'running', lasting: store.lasting, aside });
  }

  // ---- leaving the page ----

  /** True while leaving would lose work: a run trains, a save is under way, or nothing lasts. */
  function atRisk() {
    const state = overall();
    if (state === 'running') return true;
    if (pending > 0) return true;
    // A pause whose state has not come back from the worker yet.
    if (runs.some((r) => r.state === 'paused' && (r.checkpoint?.step ?? 0) < r.step)) return true;
    return (!store.lasting || keepProblem !== '') && (state === 'paused' || state === 'done');
  }
  const onLeave = (/** @type {BeforeUnloadEvent} */ e) => {
    e.preventDefault();
    // (older browsers ask only when returnValue is set)
    e.returnValue = '';
  };
  let armed = false;
  // The listener is there only while it is needed: a page with one is kept out of the
  // back-forward cache by some browsers.
  function armLeaveWarning() {
    const want = atRisk();
    if (want === armed) return;
    armed = want;
    root.dataset.leaveWarning = String(want);
    if (want) window.addEventListener('beforeunload', onLeave);
    else window.removeEventListener('beforeunload', onLeave);
  }

  // ---- the runs on show ----

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
    // While paused the form is free: Train starts a new session and keeps the paused one.
    ui.lock(state === 'running');
    ui.train.disabled = state === 'running';
    ui.trainBoth.disabled = state === 'running';
    ui.pause.disabled = state !== 'running';
    ui.resume.disabled = state !== 'paused';
    ui.cancel.disabled = !active;
    for (const r of runs) drawRun(r);
    drawAfter();
    const failed = runs.find((r) => r.state === 'error');
    if (state === 'done') {
      const last = runs.map((r) => `${r.config.wiring}: loss ${r.ticks.at(-1)?.loss.toFixed(3) ?? '–'}, held-out category ${Math.round((r.heldOut.at(-1)?.category ?? NaN) * 100)} %`).join('; ');
      say(`Done. ${last}.`);
      summary.textContent = `The lab trained ${runs.map((r) => describe(r.config)).join(' and ')}. ${last}.`;
    } else if (failed) {
      for (const r of runs) r.cancel();
      say(`The run stopped: ${failed.message}.`, 'error');
    } else if (state === 'cancelled') {
      say('Cancelled. Nothing was kept; change the settings or train again.');
    } else if (state === 'paused') {
      const at = Math.min(...runs.map((r) => r.step));
      say(`Paused at step ${at} of ${runs[0].config.steps}. Resume goes on from the same step; it is kept in this browser${store.lasting ? ', also after a reload' : ' while the page is open'}.`);
    } else if (state === 'running') {
      say(`Training ${runs.map((r) => r.config.wiring).join(' and ')} in ${runs.length === 1 ? 'a worker' : 'two workers, one each, on the same seed and data'}…`);
    }
    armLeaveWarning();
    drawKept();
  }

  /** The model's buttons: a download for each run with something saved; Use once all are done. */
  function drawAfter() {
    const done = runs.length > 0 && runs.every((r) => r.state === 'done');
    const downloads = runs.filter((r) => r.savedWeights && r.state !== 'cancelled').map((r) => {
      const saved = r.savedWeights;
      const at = r.state === 'done' ? '' : ` as at step ${saved.step}`;
      const b = h('button', { type: 'button', 'data-action': 'lab-download', 'data-wiring': r.config.wiring, 'data-step': String(saved.step) }, `Download ${r.config.wiring}${at} (.safetensors)`);
      b.addEventListener('click', () => switcher.download(r));
      return b;
    });
    const use = done ? h('button', { type: 'button', 'data-action': 'lab-use' }, 'Use as the page’s model') : null;
    use?.addEventListener('click', () => switcher.use(runs));
    after.replaceChildren(...(use ? [use] : []), ...downloads);
    after.hidden = !use && downloads.length === 0;
  }

  /** Put `next` on show (new, or restored from the store) in place of the runs before. */
  function show(next, id, created) {
    // The runs before stop here (their events ignored from now); what was saved of them stays
    // in the list.
    const before = runs;
    runs = next;
    for (const r of before) {
      r.cancel();
      r.stopMeasuring();
    }
    session = { id, created };
    views.clear();
    runsBox.replaceChildren(...runs.map((r) => viewFor(r).el));
    runsBox.dataset.count = String(runs.length);
    curves.replaceChildren();
    for (const r of runs) {
      // Events of runs no longer on show are ignored.
      const mine = (fn) => () => runs.includes(r) && fn();
      r.addEventListener('tick', mine(() => {
        drawRun(r);
        queueCurves();
      }));
      r.addEventListener('look', mine(() => {
        drawLook(r);
        queueCurves();
      }));
      r.addEventListener('warning', mine(() => {
        views.get(r).warnings.textContent = r.warnings.join(' ');
      }));
      r.addEventListener('checkpoint', mine(() => {
        drawAfter();
        saveSession();
      }));
      r.addEventListener('state', mine(() => {
        onState();
        if (r.state === 'done') {
          saveSession();
          r.measureUse();
        }
        drawUse(r);
      }));
      r.addEventListener('use', mine(() => {
        drawUse(r);
        if (r.use) saveSession();
      }));
      // (a run restored from the store shows what it had; a finished one not yet measured,
      // reloaded while it was, is measured now)
      drawLook(r);
      drawUse(r);
      r.measureUse();
      views.get(r).warnings.textContent = r.warnings.join(' ');
    }
    queueCurves();
  }

  function start(configs) {
    show(configs.map((c) => new LabRun(c)), sessionId(), Date.now());
    for (const r of runs) r.start();
    onState();
    keep(prune);
  }

  /** Bring a kept session back: finished as it ended, paused at its last saved step. */
  function reopen(s, { go = false } = {}) {
    show(s.runs.map((k) => LabRun.restore(k)), s.id, s.created);
    ui.set(runs[0].config);
    onState();
    if (go) for (const r of runs) r.resume();
    else if (overall() === 'paused') say(`Reopened: ${sessionWhere(s)}. Resume goes on from there.`);
    else say(`Reopened: ${sessionWhat(s)}, ${sessionWhere(s)}.`);
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
  ui.cancel.addEventListener('click', () => {
    runs.forEach((r) => r.cancel());
    // Cancel throws the session away, from the list too.
    const id = session?.id;
    session = null;
    if (id) keep(() => store.deleteSession(id));
  });

  if (url && hasLabConfig() && !sameConfig(ui.get(), readLabConfig(''))) say(`Settings from the link: ${describe(ui.get())}. Press Train to run them.`);
  // What an earlier visit left: offered back.
  const before = await store.sessions().catch(() => []);
  if (before.length) {
    const open = before.filter((s) => s.status !== 'done').length;
    const offer = `${before.length === 1 ? 'A run is' : `${before.length} runs are`} kept in this browser from before${open ? ` (${open} not finished)` : ''}: resume or reopen ${before.length === 1 ? 'it' : 'one'} below.`;
    say(`${status.textContent} ${offer}`.trim());
  }
  await drawKept();
  return { update() {} };
}
