// The article page: one App (one model, one input) for every live figure on the page. The
// figures are the elements with [data-figure]; the input panel is [data-figure="input"].
// The state of the input and of the lesion switches is kept in the URL's fragment.

// The experiment figures (js/experiments/), loaded on their own so that a failure there cannot stop the page.
import('./experiments/index.js').catch((err) => console.error('The experiment figures could not be loaded', err));
import { App } from './app.js';
import { FIGURES } from './figures/index.js';
import { mountInputPanel } from './figures/inputpanel.js';
import { mountWeights } from './figures/weights.js';
import { installCards } from './cards.js';
import { applyState, readState, writeState } from './urlstate.js';

const app = new App();
const html = document.documentElement;
const statusLine = document.querySelector('[data-role="status"]');
const announcer = document.querySelector('[data-role="announce"]');

function setStatus(text, kind = 'info') {
  if (!statusLine) return;
  statusLine.textContent = text;
  statusLine.dataset.kind = kind;
}

function fail(message, err) {
  console.error(message, err);
  setStatus(`${message}: ${err?.message ?? err}`, 'error');
  html.dataset.error = 'true';
}
app.errorSink = fail;

// Number the figures and write their captions (what to look for).
let n = 0;
for (const fig of document.querySelectorAll('figure[data-figure]')) {
  const spec = FIGURES[fig.dataset.figure];
  const cap = fig.querySelector('figcaption.caption');
  n += 1;
  if (spec && cap && !cap.textContent.trim()) {
    const strong = document.createElement('strong');
    strong.textContent = `Figure ${n}. ${spec.title}.`;
    cap.append(strong, ` ${spec.caption}`);
  }
}

const inputRoot = document.querySelector('[data-figure="input"] .figure-body');
// The input panel is drawn first, so its presets menu exists before any other figure runs.
app.add(mountInputPanel(inputRoot, app));
for (const fig of document.querySelectorAll('figure[data-figure]')) {
  const name = fig.dataset.figure;
  if (name === 'input') {
    continue;
  }
  const spec = FIGURES[name];
  const body = fig.querySelector('.figure-body');
  if (!spec?.mount || !body) continue;
  app.add(spec.mount(body, app));
}
const weightsRoot = document.querySelector('[data-role="weights"]');
if (weightsRoot) mountWeights(weightsRoot, app);

/** A short text summary for screen readers, said when a change is complete (not on every frame). */
let announceTimer = 0;
function announce() {
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => {
    const s = app.summary;
    if (!s || !announcer) return;
    announcer.textContent = ['stream', 'hierarchy']
      .map((w) => `${w}: sees ${s[w].category} (${Math.round(s[w].probability * 100)} percent), ${s[w].behaviour}.`)
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
    await app.start();
    applyState(app, readState());
    app.runNow();
  } catch (err) {
    fail('The model could not be loaded', err);
    return;
  }
  setStatus('');
  html.dataset.ready = 'true';
}

start();
