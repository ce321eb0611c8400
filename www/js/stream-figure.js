// <stream-figure figure="stations"></stream-figure>: one live figure of "Stations in the
// Stream", with its own input and its own model, for embedding in any page. One module script:
//
//   <script type="module" src="https://example.org/stations/js/stream-figure.js"></script>
//   <stream-figure figure="microcircuit"></stream-figure>
//
// Figures: input, pipeline, microcircuit, stations, stream, lesions, gallery, lab. Optional
// attribute station="V1|V2|V4|IT" for the microcircuit. Everything lives in the element's
// shadow root (styles too, loaded from beside this file); the module defines no global but
// the element itself, and fetches nothing outside its own directory tree.

import { App } from './app.js';
import { FIGURES } from './figures/index.js';
import { mountInputPanel } from './figures/inputpanel.js';
import { h } from './dom.js';

const STYLES = ['../css/base.css', '../css/figures.css', '../css/lab.css', './stream-figure.css'].map((p) => new URL(p, import.meta.url).href);

class StreamFigure extends HTMLElement {
  #started = false;

  connectedCallback() {
    if (this.#started) return;
    this.#started = true;
    const name = this.getAttribute('figure') || 'stations';
    // Own names only: "__proto__" or "toString" are not figures.
    const spec = Object.hasOwn(FIGURES, name) ? FIGURES[name] : null;
    const shadow = this.attachShadow({ mode: 'open' });
    for (const href of STYLES) shadow.append(h('link', { rel: 'stylesheet', href }));
    const status = h('p', { class: 'status', 'data-role': 'status', role: 'status' });
    if (!spec) {
      status.textContent = `No figure called “${name}”. Try one of: ${Object.keys(FIGURES).join(', ')}.`;
      shadow.append(status);
      this.dataset.error = 'true';
      return;
    }
    const inputBody = h('div', { class: 'figure-body' });
    const body = h('div', { class: 'figure-body' });
    const caption = h('figcaption', { class: 'caption' }, h('strong', {}, `${spec.title}.`), ` ${spec.caption}`);
    shadow.append(h('figure', { class: 'figure embedded', 'data-figure': name }, inputBody, spec.mount ? body : null, caption, status));
    const app = new App();
    app.errorSink = (message, err) => {
      status.textContent = `${message}: ${err?.message ?? err}`;
      status.dataset.kind = 'error';
      status.dataset.error = 'true';
      this.dataset.error = 'true';
    };
    app.noticeSink = (message) => {
      status.textContent = message;
      status.dataset.kind = 'notice';
    };
    app.add(mountInputPanel(inputBody, app, { compact: name !== 'input' }));
    if (spec.mount) app.add(spec.mount(body, app, { station: this.getAttribute('station') || undefined }));
    status.textContent = 'Loading the model…';
    app.start().then(
      () => {
        status.textContent = '';
        this.dataset.ready = 'true';
        this.dispatchEvent(new Event('ready'));
      },
      (err) => app.errorSink('The model could not be loaded', err),
    );
  }
}

if (!customElements.get('stream-figure')) customElements.define('stream-figure', StreamFigure);
