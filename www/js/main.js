// Wiring the page together: the drawing feeds the one capture path, the model runs at most
// once per animation frame, and the station views draw the result.

import { DrawingInput } from './input.js';
import { StationViews, WIRINGS } from './render.js';
import { loadViewer } from './model.js';

const figure = document.querySelector('[data-figure="stations"]');
const statusLine = figure.querySelector('[data-role="status"]');
const announcer = figure.querySelector('[data-role="announce"]');

const paper = new DrawingInput(figure.querySelector('canvas[data-role="input"]'), {
  undoButton: figure.querySelector('[data-action="undo"]'),
  clearButton: figure.querySelector('[data-action="clear"]'),
});
const views = new StationViews(figure);

let viewer = null;
let source = paper.canvas; // what the model looks at: later also presets, uploads, webcam frames
let frameRequested = false;
let lastSummary = null;

function setStatus(text, kind = 'info') {
  statusLine.textContent = text;
  statusLine.dataset.kind = kind;
}

/**
 * The single capture path: every input (a canvas or an ImageData) goes through here into the
 * core, which runs both wirings; the result is drawn at once.
 * @param {HTMLCanvasElement | ImageData} from
 */
function capture(from) {
  if (typeof ImageData !== 'undefined' && from instanceof ImageData) viewer.capture_image_data(from);
  else viewer.capture_canvas(from);
  const summary = viewer.run();
  views.draw(viewer, summary);
  lastSummary = summary;
  return summary;
}

/** Ask for a model run on the next animation frame; many requests in one frame make one run. */
function requestRun() {
  if (!viewer || frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    try {
      capture(source);
    } catch (err) {
      fail('The model could not run on this input', err);
    }
  });
}

/** A short text summary for screen readers, said when a stroke ends (not on every frame). */
function announce() {
  if (!lastSummary) return;
  announcer.textContent = WIRINGS.map((w) => {
    const r = lastSummary[w];
    return r ? `${w}: sees ${r.category} (${Math.round(r.probability * 100)} percent), ${r.behaviour}.` : '';
  }).join(' ');
}

function fail(message, err) {
  console.error(message, err);
  setStatus(`${message}: ${err?.message ?? err}`, 'error');
  document.documentElement.dataset.error = 'true';
}

paper.addEventListener('drawingchange', (e) => {
  requestRun();
  if (e.detail?.reason !== 'draw') requestAnimationFrame(() => requestAnimationFrame(announce));
});

document.addEventListener('keydown', (e) => {
  const t = e.target;
  const editing = t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  if (!editing && (e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'z') {
    e.preventDefault();
    paper.undo();
  }
});

async function start() {
  setStatus('Loading the model…');
  try {
    viewer = await loadViewer();
  } catch (err) {
    fail('The model could not be loaded', err);
    return;
  }
  try {
    capture(source);
  } catch (err) {
    fail('The model could not run', err);
    return;
  }
  setStatus('');
  document.documentElement.dataset.ready = 'true';
}

start();
