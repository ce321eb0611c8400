// The page's side of one training run: its worker (js/lab/worker.js), what it has sent so far,
// and pause, resume and cancel. Time left is the time spent running so far (pauses left out)
// per step, times the steps left.
//
// Events: 'tick' (a few more steps), 'look' (held-out accuracy and pictures), 'warning' (a
// picture the core could not make; training goes on), 'checkpoint' (the worker sent the weights
// and optimiser state of a step: what a kept run resumes from), 'state'
// (running, paused, done, cancelled, error), 'use' (measuring the finished model's use of its
// stream went on, or ended: `use`, `useProgress`, `useError`).
//
// A run can be rebuilt from what the lab kept of it (LabRun.restore): a finished one as it
// ended, one that was paused or interrupted as paused at its last checkpoint, from which
// resume() starts a worker that goes on exactly where the run stopped.

import { startModuleWorker } from '../worker-start.js';
import { normalise } from './config.js';

export class LabRun extends EventTarget {
  /**
   * @param {import('./config.js').LabConfig} config
   * @param {{look?: number}} [opts] how often, in steps, the worker evaluates and sends pictures
   */
  constructor(config, { look = Math.max(5, Math.round(config.steps / 15)) } = {}) {
    super();
    this.config = config;
    this.look = look;
    this.state = 'starting';
    /** @type {{step: number, loss: number}[]} */
    this.ticks = [];
    /** @type {{step: number, category: number, orientation: number}[]} */
    this.heldOut = [];
    /** the latest pictures: {filters, fields, shares, step} */
    this.latest = null;
    /** the decision's shares at the first look, to show how they shift */
    this.firstShares = null;
    this.step = 0;
    /** @type {Uint8Array | null} the trained model, a safetensors file, once done */
    this.weights = null;
    /** @type {{step: number, weights: Uint8Array, optimiser: Uint8Array} | null} the latest the worker saved */
    this.checkpoint = null;
    this.message = '';
    /** @type {string[]} views the core could not make (training goes on without them) */
    this.warnings = [];
    this.activeMs = 0;
    this.since = 0;
    /** true once the worker says it has stopped for a pause (no step follows until resume) */
    this.held = false;
    /** @type {Worker | null} */
    this.worker = null;
    /** the finished model's usage index and P3's measure (src/lab.rs, StreamUse), once measured */
    this.use = null;
    /** measuring: 0..1, or null when not measuring */
    this.useProgress = null;
    this.useError = '';
    /** @type {Worker | null} the measuring worker */
    this.useWorker = null;
  }

  /**
   * A run as the lab kept it (js/lab/store.js): finished, or paused at its last checkpoint.
   * @param {import('./store.js').KeptRun} kept
   */
  static restore(kept) {
    // (a run kept before the lab had variants has none in its settings: the shipped one)
    const run = new LabRun(normalise(kept.config));
    Object.assign(run, {
      ticks: kept.ticks ?? [], heldOut: kept.heldOut ?? [], latest: kept.latest ?? null,
      firstShares: kept.firstShares ?? null, warnings: kept.warnings ?? [], activeMs: kept.activeMs ?? 0,
      use: kept.use ?? null,
    });
    if (kept.state === 'done' && kept.weights) {
      run.state = 'done';
      run.weights = kept.weights;
      run.step = kept.step;
    } else {
      // Paused, or running when the page closed: it goes on from the last checkpoint.
      run.state = 'paused';
      run.held = true;
      run.checkpoint = kept.weights && kept.optimiser ? { step: kept.step, weights: kept.weights, optimiser: kept.optimiser } : null;
      run.step = run.checkpoint?.step ?? 0;
      // Steps past the checkpoint were never saved: the curve goes back to it.
      run.ticks = run.ticks.filter((t) => t.step <= run.step);
      run.heldOut = run.heldOut.filter((t) => t.step <= run.step);
    }
    return run;
  }

  /** What the lab keeps of this run. @returns {import('./store.js').KeptRun} */
  toKept() {
    const ms = this.activeMs + (this.state === 'running' ? performance.now() - this.since : 0);
    const finished = this.state === 'done';
    return {
      config: this.config, state: this.state, step: finished ? this.step : (this.checkpoint?.step ?? 0),
      ticks: this.ticks, heldOut: this.heldOut, latest: this.latest, firstShares: this.firstShares,
      activeMs: ms, warnings: this.warnings,
      weights: finished ? this.weights : (this.checkpoint?.weights ?? null),
      optimiser: finished ? null : (this.checkpoint?.optimiser ?? null),
      use: finished ? this.use : null,
    };
  }

  /**
   * Measure how the finished model uses its stream, in a worker of its own (seconds). Nothing
   * happens before the run is done, while it is measured already, or once measured.
   */
  measureUse() {
    if (this.state !== 'done' || !this.weights || this.use || this.useWorker) return;
    const worker = startModuleWorker(new URL('./worker.js', import.meta.url));
    this.useWorker = worker;
    this.useProgress = 0;
    this.useError = '';
    const end = (/** @type {string} */ error) => {
      worker.terminate();
      this.useWorker = null;
      this.useProgress = null;
      this.useError = error;
      this.dispatchEvent(new Event('use'));
    };
    worker.addEventListener('message', (e) => {
      const m = e.data ?? {};
      if (m.type === 'use-progress') {
        this.useProgress = m.fraction;
        this.dispatchEvent(new Event('use'));
      } else if (m.type === 'use') {
        this.use = m.use;
        end('');
      } else if (m.type === 'error') end(m.message);
    });
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      end(e.message || 'the measuring worker failed to start');
    });
    // A copy: the run keeps its weights.
    worker.postMessage({ type: 'measure', weights: this.weights.slice() });
    this.dispatchEvent(new Event('use'));
  }

  /** Stop measuring (the run on show changed). */
  stopMeasuring() {
    this.useWorker?.terminate();
    this.useWorker = null;
    this.useProgress = null;
  }

  /** The model as far as it has been saved: {step, bytes} (the finished model once done), or null. */
  get savedWeights() {
    if (this.state === 'done' && this.weights) return { step: this.step, bytes: this.weights };
    return this.checkpoint ? { step: this.checkpoint.step, bytes: this.checkpoint.weights } : null;
  }

  start() {
    this.worker = startModuleWorker(new URL('./worker.js', import.meta.url));
    this.worker.addEventListener('message', (e) => this.#receive(e.data));
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.#fail(e.message || 'the training worker failed to start');
    });
    const from = this.checkpoint && this.checkpoint.step > 0 ? { weights: this.checkpoint.weights, optimiser: this.checkpoint.optimiser } : null;
    this.worker.postMessage({ type: 'start', config: this.config, look: this.look, resume: from });
    this.held = false;
    this.since = performance.now();
    this.#set('running');
    return this;
  }

  pause() {
    if (this.state !== 'running') return;
    this.worker?.postMessage({ type: 'pause' });
    this.activeMs += performance.now() - this.since;
    this.#set('paused');
  }

  resume() {
    if (this.state !== 'paused') return;
    // A run restored from the browser's storage has no worker yet: one starts from its checkpoint.
    if (!this.worker) return void this.start();
    this.worker?.postMessage({ type: 'resume' });
    this.since = performance.now();
    this.#set('running');
  }

  /** Stop at once: the worker is terminated mid-chunk (it reads no message while it computes). */
  cancel() {
    if (!this.active) return;
    this.#stopWorker();
    this.#set('cancelled');
  }

  get active() {
    return this.state === 'running' || this.state === 'paused' || this.state === 'starting';
  }

  get fraction() {
    return this.config.steps ? this.step / this.config.steps : 0;
  }

  /** Seconds left at the pace so far, or null before the first steps. */
  get secondsLeft() {
    if (!this.step) return null;
    const ms = this.activeMs + (this.state === 'running' ? performance.now() - this.since : 0);
    return ((ms / this.step) * (this.config.steps - this.step)) / 1000;
  }

  #receive(m) {
    if (!this.active) return;
    if (m.type === 'tick') {
      this.step = m.step;
      this.ticks.push({ step: m.step, loss: m.loss });
      this.dispatchEvent(new Event('tick'));
    } else if (m.type === 'look') {
      // A resumed run looks again at the step it stopped at: one point a step.
      if (this.heldOut.at(-1)?.step === m.step) this.heldOut.pop();
      this.heldOut.push({ step: m.step, category: m.held_out.category, orientation: m.held_out.orientation });
      this.latest = { step: m.step, filters: m.filters, fields: m.fields, shares: m.shares };
      if (!this.firstShares && m.shares?.length) this.firstShares = { step: m.step, shares: m.shares };
      this.dispatchEvent(new Event('look'));
    } else if (m.type === 'checkpoint') {
      this.checkpoint = { step: m.step, weights: m.weights, optimiser: m.optimiser };
      this.dispatchEvent(new Event('checkpoint'));
    } else if (m.type === 'done') {
      this.step = m.step;
      this.weights = m.weights;
      this.activeMs += performance.now() - this.since;
      this.#stopWorker();
      this.#set('done');
    } else if (m.type === 'paused' || m.type === 'resumed') {
      this.held = m.type === 'paused';
      this.dispatchEvent(new Event('tick'));
    } else if (m.type === 'warning') {
      this.warnings.push(m.message);
      this.dispatchEvent(new Event('warning'));
    } else if (m.type === 'error') {
      this.#fail(m.message);
    }
  }

  #fail(message) {
    this.#stopWorker();
    this.message = message;
    this.#set('error');
  }

  #stopWorker() {
    this.worker?.terminate();
    this.worker = null;
  }

  #set(state) {
    this.state = state;
    this.dispatchEvent(new Event('state'));
  }
}

/** "about 1 min 20 s" / "about 12 s" / "under a second". */
export function formatSeconds(s) {
  if (s === null || !Number.isFinite(s)) return '';
  if (s < 1) return 'under a second';
  const r = Math.round(s);
  if (r < 60) return `about ${r} s`;
  return `about ${Math.floor(r / 60)} min ${String(r % 60).padStart(2, '0')} s`;
}
