// <stream-figure figure="stations"></stream-figure>: one figure of "Stations in the Stream" for
// embedding in any page. One module script:
//
//   <script type="module" src="https://example.org/stations/js/stream-figure.js"></script>
//   <stream-figure figure="input"></stream-figure>
//   <stream-figure figure="stations"></stream-figure>
//   <stream-figure figure="deletion"></stream-figure>
//   <stream-figure figure="verdicts"></stream-figure>
//
// Names (FIGURE_NAMES below): the live figures (input, gallery, pipeline, microcircuit, stations,
// stream, lesions, lab), the ten experiment figures by their experiments' names, `verdicts`
// (Table 1) and `variants` (every claim on every variant, under each one's usage index). Live figures on one page share one drawing and one model (js/embed-group.js): the
// first with an input panel owns the paper, the others follow it; `separate` gives a figure its
// own. An experiment figure fetches only its own results file, the table only the verdicts, the
// variants table only the results' index.
//
// The host API: the attributes figure, station and separate are reflected as properties (a
// change rebuilds the figure); data-ready="true" and a `ready` event once the figure is drawn,
// data-error="true" and a message in its status line when it cannot be; and on every live
// figure an `answerchange` event (detail: {stream, hierarchy}, each {kind, behaviour,
// recognised}) whenever the answer in words changes, the latest also as the `answer` property.
//
// Everything lives in the element's shadow root (styles too, loaded from beside this file); the
// module defines no global but the element itself, and fetches nothing outside its own folder.

import { App } from './app.js';
import { FIGURES } from './figures/index.js';
import { mountInputPanel } from './figures/inputpanel.js';
import { EXPERIMENTS } from './names.js';
import { h } from './dom.js';
import { joinGroup, leaveGroup, showStatus, watchAnswer } from './embed-group.js';
import { watchNear, whenNear } from './visibility.js';

/** Every name a figure can be embedded by. */
export const FIGURE_NAMES = [...Object.keys(FIGURES), ...EXPERIMENTS, 'verdicts', 'variants'];

const STYLES = ['../css/base.css', '../css/figures.css', '../css/lab.css', './stream-figure.css'].map((p) => new URL(p, import.meta.url).href);
const EXPERIMENT_STYLES = [new URL('../css/experiments.css', import.meta.url).href];

/** The kind of figure a name is: a live figure, an experiment, the verdict table, the variants table, or none. */
function kindOf(name) {
  if (Object.hasOwn(FIGURES, name)) return 'live';
  if (EXPERIMENTS.includes(name)) return 'experiment';
  if (name === 'verdicts' || name === 'variants') return name;
  return null;
}

class StreamFigure extends HTMLElement {
  static observedAttributes = ['figure', 'station', 'separate'];

  /** @type {ShadowRoot | null} */
  #shadow = null;
  /** the figures this element added to an App, to take out again when it is rebuilt */
  #added = [];
  /** @type {App | null} */
  #app = null;
  /** @type {(() => void)[]} */
  #stops = [];
  #built = false;
  #rebuildQueued = false;
  #ownAnswer = null;

  get figure() {
    return this.getAttribute('figure') || 'stations';
  }

  set figure(v) {
    this.setAttribute('figure', String(v));
  }

  get station() {
    return this.getAttribute('station');
  }

  set station(v) {
    if (v === null || v === undefined) this.removeAttribute('station');
    else this.setAttribute('station', String(v));
  }

  get separate() {
    return this.hasAttribute('separate');
  }

  set separate(v) {
    this.toggleAttribute('separate', Boolean(v));
  }

  /** The latest answer in words ({stream, hierarchy}) of a live figure, or null. */
  get answer() {
    return this.#ownAnswer;
  }

  connectedCallback() {
    if (!this.#built) this.#build();
  }

  disconnectedCallback() {
    // Moved within the page: connectedCallback follows at once and finds it built.
    queueMicrotask(() => {
      if (!this.isConnected) this.#teardown();
    });
  }

  attributeChangedCallback(_name, before, after) {
    if (!this.#built || before === after || this.#rebuildQueued) return;
    this.#rebuildQueued = true;
    queueMicrotask(() => {
      this.#rebuildQueued = false;
      this.#teardown();
      if (this.isConnected) this.#build();
    });
  }

  #teardown() {
    leaveGroup(this);
    for (const f of this.#added) this.#app?.remove(f);
    for (const stop of this.#stops) stop();
    this.#added = [];
    this.#stops = [];
    this.#app = null;
    this.#built = false;
    this.#shadow?.replaceChildren();
    delete this.dataset.ready;
    delete this.dataset.error;
    delete this.dataset.paper;
  }

  #build() {
    this.#built = true;
    this.#shadow ??= this.attachShadow({ mode: 'open' });
    const name = this.figure;
    const kind = kindOf(name);
    // Live figures draw charts too (the stations figure's input-carried curve).
    const styles = [...STYLES, ...EXPERIMENT_STYLES];
    this.#shadow.replaceChildren(...styles.map((href) => h('link', { rel: 'stylesheet', href })));
    const status = h('p', { class: 'status', 'data-role': 'status', role: 'status' });
    if (!kind) {
      status.textContent = `No figure called “${name}”. Try one of: ${FIGURE_NAMES.join(', ')}.`;
      this.#shadow.append(status);
      this.dataset.error = 'true';
      return;
    }
    const failed = (/** @type {any} */ err) => showStatus(this, `This figure could not be built: ${err?.message ?? err}`, 'error');
    if (kind === 'experiment') this.#buildExperiment(name, status).catch(failed);
    else if (kind === 'verdicts') this.#buildVerdicts(status).catch(failed);
    else if (kind === 'variants') this.#buildVariants(status).catch(failed);
    else if (this.separate) this.#buildLive(name, status, { app: this.#separateApp(), owner: true, start: true });
    else {
      status.textContent = 'Loading the model…';
      this.#shadow.append(status);
      joinGroup({
        element: this,
        name,
        build: (group, owner) => {
          status.remove();
          this.dataset.paper = owner ? 'owner' : 'follower';
          this.#ownAnswer = group.answer;
          // A figure that takes the paper over from a removed owner brings a fresh paper: run on it.
          const takingOver = owner && group.started !== null;
          this.#buildLive(name, status, { app: group.app, owner, start: false, side: group.ownerSide(this) });
          if (takingOver) group.app.requestRun();
          this.#whenStarted(group.start(), status);
        },
      });
    }
  }

  /** A figure that says `separate`: its own App (its own Viewer and paper) and its own answer. */
  #separateApp() {
    const app = new App();
    app.errorSink = (message, err) => showStatus(this, `${message}: ${err?.message ?? err}`, 'error');
    app.noticeSink = (message) => showStatus(this, message, 'notice');
    watchAnswer(app, (answer) => this.dispatchEvent(new CustomEvent('answerchange', { detail: answer })));
    return app;
  }

  /**
   * A live figure: the input panel if it owns the paper, then its own body, drawn by `app` while
   * the element is near the viewport.
   */
  #buildLive(name, status, { app, owner, start, side = null }) {
    const spec = FIGURES[name];
    this.#app = app;
    const inputBody = h('div', { class: 'figure-body' });
    const body = h('div', { class: 'figure-body' });
    // A follower with no panel of its own points to the one it follows.
    const follow = !owner && side ? h('p', { class: 'embed-follow' }, h('a', { href: '#', 'data-action': 'to-input' }, `Draw in the figure ${side}`)) : null;
    follow?.querySelector('a')?.addEventListener('click', (e) => {
      e.preventDefault();
      const ownerEl = /** @type {HTMLElement | null} */ (document.querySelector('stream-figure[data-paper="owner"]'));
      ownerEl?.scrollIntoView({ behavior: 'smooth', block: 'center' });
      const paper = /** @type {HTMLCanvasElement | null | undefined} */ (ownerEl?.shadowRoot?.querySelector('canvas[data-role="input"]'));
      paper?.focus({ preventScroll: true });
    });
    const caption = h('figcaption', { class: 'caption' }, h('strong', {}, `${spec.title}.`), ` ${spec.caption}`);
    const hasBody = Boolean(spec.mount);
    this.#shadow?.append(h('figure', { class: 'figure embedded', 'data-figure': name }, follow, owner ? inputBody : null, hasBody ? body : null, caption, status));
    const figures = [];
    if (owner) figures.push(mountInputPanel(inputBody, app, { compact: name !== 'input' }));
    if (hasBody) figures.push(spec.mount(body, app, { station: this.station || undefined }));
    for (const f of figures) {
      app.add(f, { el: this, near: false });
      this.#stops.push(watchNear(this, (near) => app.setNear(f, near)));
    }
    this.#added = figures;
    this.#keepAnswer();
    if (start) {
      status.textContent = 'Loading the model…';
      this.#whenStarted(app.start(), status);
    }
  }

  /** Keeps the `answer` property current from this element's own answerchange events. */
  #keepAnswer() {
    const onAnswer = (/** @type {Event} */ e) => {
      this.#ownAnswer = /** @type {CustomEvent} */ (e).detail;
    };
    this.addEventListener('answerchange', onAnswer);
    this.#stops.push(() => this.removeEventListener('answerchange', onAnswer));
  }

  #whenStarted(started, status) {
    started.then(
      () => {
        if (status.dataset.kind !== 'error' && status.dataset.kind !== 'notice') status.textContent = '';
        this.#ready();
      },
      (err) => showStatus(this, `The model could not be loaded: ${err?.message ?? err}`, 'error'),
    );
  }

  #ready() {
    this.dataset.ready = 'true';
    this.dispatchEvent(new Event('ready'));
  }

  /** An experiment figure: built, and its results file fetched, when it first comes near. */
  async #buildExperiment(name, status) {
    const { hatchDefs, loadFigure, loadResult, mountExperiment } = await import('./experiments/frame.js');
    const fig = h('figure', { class: 'figure embedded experiment', 'data-experiment': name, 'data-state': 'waiting' });
    this.#shadow?.append(hatchDefs(), fig, status);
    await whenNear(this);
    if (!fig.isConnected) return;
    fig.dataset.state = 'loading';
    const [spec, state] = await Promise.all([loadFigure(name), loadResult(name)]);
    if (!fig.isConnected) return;
    mountExperiment(fig, spec, state);
    this.#ready();
  }

  /** Table 1: one row per claim, filled from the verdicts when it first comes near. */
  async #buildVerdicts(status) {
    const { mountVerdictTable } = await import('./verdicts-table.js');
    const table = h('table', { class: 'verdicts', 'data-role': 'verdicts' },
      h('caption', {}, 'The verdicts: each claim of the post, where it comes from, whether it separates the two wirings, and the verdict computed from the results.'),
      h('thead', {}, h('tr', {}, ['Claim', 'From', 'Separates the wirings?', 'Verdict', 'Why'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody'));
    const key = h('p', { class: 'verdicts-key' }, h('em', {}, 'From'), ': a prediction or a postdiction made by the post; background, a machine-learning result the post retells; a model check, a test that the model’s first station is like V1 at all.');
    this.#shadow?.append(h('div', { class: 'figure embedded table-scroll', 'data-figure': 'verdicts' }, table), key, status);
    await mountVerdictTable(table, { figureOf: () => null });
    if (table.dataset.state === 'filled') this.#ready();
    else showStatus(this, 'The verdicts could not be read.', 'error');
  }

  /** Every claim on every variant, under each variant's usage index (the article's figure). */
  async #buildVariants(status) {
    const { mountVariantsTable } = await import('./variants-table.js');
    const figure = h('figure', { class: 'figure embedded variants-figure', 'data-figure': 'variants' },
      h('div', { class: 'table-scroll' },
        h('table', { class: 'variants', 'data-role': 'variants' },
          h('caption', {}, 'Every claim of the post on every variant of the model, under each variant’s usage index (whether its stream wiring uses the stream), with the word the preregistered rule computed.'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Variant'))), h('tbody'))),
      h('p', { class: 'status', 'data-role': 'variants-status', role: 'status' }));
    this.#shadow?.append(figure, status);
    await mountVariantsTable(figure, { linkRows: false });
    if (figure.dataset.state === 'error') showStatus(this, 'The variants’ results could not be read.', 'error');
    else this.#ready();
  }
}

if (!customElements.get('stream-figure')) customElements.define('stream-figure', StreamFigure);
