// The article page: one App (one model, one input) for every live figure on the page. The
// figures are the elements with [data-figure]; the input panel is [data-figure="input"].
// The state of the input and of the lesion switches is kept in the URL's fragment.
//
// Start-up comes in pieces that yield to the browser: the input panel and the model first;
// every other figure is built when it first comes near the viewport, and drawn only while it
// is near (js/visibility.js).

import { App } from './app.js';
import { WIRINGS } from './names.js';
import { answerWithProbability } from './answer.js';
import { FIGURES } from './figures/index.js';
import { mountInputPanel } from './figures/inputpanel.js';
import { mountWeights } from './figures/weights.js';
import { installCards } from './cards.js';
import { keepPageModel } from './kept-model.js';
import { watchModel } from './model-mark.js';
import { applyState, readState, writeState } from './urlstate.js';
import { watchNear } from './visibility.js';
import { afterNextPaint, yieldToBrowser } from './schedule.js';

/**
 * The picture the article opens with: a tiger, the post's own example (see a tiger, run away),
 * so the first screen already shows the behaviour the post talks about, and a sample that both
 * shipped wirings recognise with room to spare (open-set scores near −17 against cut-offs near
 * −10.4; samples 1, 2 and 4 are refused by the hierarchy), so the two answers agree and the
 * station views and the decomposition have a real answer to explain. A page test
 * (firstminute.test.mjs) checks it against the shipped weights.
 */
const FIRST_PRESET = { name: 'tiger', variant: 5 };

const app = new App();
// Whenever the page draws a model other than the shipped one, every figure says so.
watchModel(app, document);
const html = document.documentElement;
const statusLine = /** @type {HTMLElement | null} */ (document.querySelector('[data-role="status"]'));
const announcer = /** @type {HTMLElement | null} */ (document.querySelector('[data-role="announce"]'));

function setStatus(text, kind = 'info') {
  if (!statusLine) return;
  statusLine.textContent = text;
  statusLine.dataset.kind = kind;
  if (kind === 'error') statusLine.dataset.error = 'true';
  else delete statusLine.dataset.error;
}

function fail(message, err) {
  console.error(message, err);
  setStatus(`${message}: ${err?.message ?? err}`, 'error');
  html.dataset.error = 'true';
}
app.errorSink = fail;
let noticeTimer = 0;
app.noticeSink = (message) => {
  setStatus(message, 'notice');
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    if (statusLine?.dataset.kind === 'notice') setStatus('');
  }, 10_000);
};

// Number every top-level figure in reading order (the experiment figures read their number from
// data-number when they are built) and write the live figures' captions (what to look for).
// The text refers to figures by these numbers, typed in index.html; a page test checks they agree.
let n = 0;
for (const fig of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('main figure[id^="fig-"]'))) {
  if (fig.parentElement?.closest('figure')) continue;
  n += 1;
  fig.dataset.number = String(n);
  const spec = FIGURES[fig.dataset.figure];
  const cap = fig.querySelector('figcaption.caption');
  if (spec && cap && !cap.textContent.trim()) {
    const strong = document.createElement('strong');
    strong.textContent = `Figure ${n}. ${spec.title}.`;
    cap.append(strong, ` ${spec.caption}`);
  }
}

// The experiment figures (js/experiments/, loaded later) are placeholders until they come near:
// give them their room now, in the first layout, rather than moving the page later.
for (const fig of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('figure[data-experiment]:empty'))) fig.dataset.state = 'waiting';

const inputFigure = /** @type {HTMLElement} */ (document.querySelector('figure[data-figure="input"]'));
// The input panel is built first, before the first paint (it is on the first screen, and would
// move the page if it came later), so its paper and presets menu exist before any other figure.
const inputPanel = app.add(mountInputPanel(inputFigure.querySelector('.figure-body'), app), { el: inputFigure, near: false });
watchNear(inputFigure, (near) => app.setNear(inputPanel, near));

// A turn for the browser between the pieces of start-up (this module awaits at its top level).
await yieldToBrowser();

/**
 * Build `mount()` the first time `el` comes near the viewport, as a task of its own; from then
 * on it is drawn only while near.
 */
function mountWhenNear(el, mount) {
  let figure = null;
  let near = false;
  watchNear(el, (isNear) => {
    near = isNear;
    if (figure) app.setNear(figure, near);
    else if (near) {
      figure = 'pending';
      // A task of its own: a scroll that brings several figures near builds them one by one.
      setTimeout(() => {
        try {
          figure = app.add(mount(), { el, near });
        } catch (err) {
          fail('A figure could not be built', err);
        }
      }, 0);
    }
  });
}

for (const fig of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('figure[data-figure]'))) {
  const spec = FIGURES[fig.dataset.figure];
  const body = fig.querySelector('.figure-body');
  if (fig === inputFigure || !spec?.mount || !body) continue;
  mountWhenNear(fig, () => spec.mount(body, app));
}
const weightsRoot = document.querySelector('[data-role="weights"]');
if (weightsRoot) mountWhenNear(weightsRoot, () => mountWeights(weightsRoot, app));

/** A short text summary for screen readers, said when a change is complete (not on every frame). */
let announceTimer = 0;
function announce() {
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => {
    const s = app.summary;
    if (!s || !announcer) return;
    announcer.textContent = WIRINGS
      .map((w) => `${w}: sees ${answerWithProbability(s[w])}, ${s[w].behaviour}.`)
      .join(' ');
  }, 400);
}

let urlTimer = 0;
app.addEventListener('statechange', () => {
  announce();
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => writeState(app), 250);
});

document.addEventListener('keydown', (e) => {
  const t = e.target;
  const editing = t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  if (!editing && (e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'z') {
    e.preventDefault();
    app.paper?.undo();
  }
});

installCards();

async function start() {
  setStatus('Loading the model…');
  try {
    // The first run waits for the state in the address: one run, of the right input.
    await app.start({ run: false });
  } catch (err) {
    fail('The model could not be loaded', err);
    return;
  }
  await yieldToBrowser();
  // A model the reader made the page's own in the lab, on an earlier visit.
  const kept = await keepPageModel(app).catch((err) => `The kept model could not be read (${err?.message ?? err}).`);
  if (kept) app.noticeSink(kept);
  try {
    const state = readState();
    applyState(app, state);
    // First contact: with no input in the address, the paper opens on a preset, so every figure
    // has something to show on the first screen (Clear gives the blank paper).
    if (!state.preset && !state.strokes.length) app.loadPreset(FIRST_PRESET.name, FIRST_PRESET.variant);
  } catch (err) {
    // A garbled link: say so, and start from blank paper.
    console.warn('The state in the address could not be used', err);
    setStatus('The view in this link could not be restored; starting from blank paper.', 'notice');
  }
  try {
    app.runNow();
  } catch (err) {
    fail('The model could not run on this input', err);
  }
  if (statusLine?.dataset.kind !== 'notice' && statusLine?.dataset.kind !== 'error') setStatus('');
  html.dataset.ready = 'true';
}

// A hook for the page tests, which adds no global: when <html> has data-test-hooks, a
// "stations-test" CustomEvent on the document runs one action synchronously and leaves its
// answer in event.detail.result.
//   {action: 'memory'}        {wasmBytes}
//   {action: 'frames', n}     n frames of the live path (webcam tick, capture, run, draw)
//   {action: 'panic'}         a deliberate Rust panic, then recovery; {recoveries}
//   {action: 'retina'}        the captured picture letterboxed to 64×64 luminance, where it came
//                             from, and each wiring's answer; {retina, source, stream, hierarchy}
document.addEventListener('stations-test', (e) => {
  if (!html.hasAttribute('data-test-hooks') || !(e instanceof CustomEvent) || !e.detail) return;
  const d = e.detail;
  if (d.action === 'memory') d.result = { wasmBytes: app.wasmMemoryBytes };
  else if (d.action === 'frames') {
    let done = 0;
    for (let i = 0; i < (d.n ?? 1); i++) {
      app.frame();
      done += 1;
    }
    d.result = { frames: done, wasmBytes: app.wasmMemoryBytes };
  } else if (d.action === 'retina') {
    const answer = (r) => ({ category: r.category, recognised: r.recognised, score: r.score, threshold: r.threshold });
    const s = app.runNow();
    d.result = { retina: Array.from(app.viewer.retina()), source: { ...app.source }, ...Object.fromEntries(WIRINGS.map((w) => [w, answer(s[w])])) };
  } else if (d.action === 'panic') {
    // Only a wasm built with the hooks feature (./build.sh build hooks) has the panic button.
    if (typeof app.viewer?.panic_for_test !== 'function') {
      d.result = { error: 'this wasm has no test hooks: build it with ./build.sh build hooks' };
      return;
    }
    app.withViewer((v) => v.panic_for_test());
    d.result = { recoveries: app.recoveries };
  }
});

// The model (a large download) once the text is on screen, so that it never holds up the
// first paint. Then the experiment figures (js/experiments/), whether or not the model loaded:
// they are drawn from the results file; loaded on their own so that a failure there cannot
// stop the page.
afterNextPaint().then(start).finally(() => {
  import('./experiments/index.js').catch((err) => console.error('The experiment figures could not be loaded', err));
  const table = /** @type {HTMLTableElement | null} */ (document.querySelector('table[data-role="verdicts"]'));
  if (table) {
    import('./verdicts-table.js')
      .then((m) => m.mountVerdictTable(table))
      .then(() => {
        const box = /** @type {HTMLElement | null} */ (document.querySelector('[data-role="closing"]'));
        if (box) return import('./closing.js').then((c) => c.mountClosing(box, table));
        return undefined;
      })
      .catch((err) => console.error('The verdict table could not be loaded', err));
  }
  const variants = /** @type {HTMLElement | null} */ (document.querySelector('figure[data-role="variants-figure"]'));
  if (variants) {
    import('./variants-table.js')
      .then((m) => m.mountVariantsTable(variants))
      .catch((err) => console.error('The variants table could not be loaded', err));
  }
});
