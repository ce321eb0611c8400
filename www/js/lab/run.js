// The page's side of one training run: its worker (js/lab/worker.js), what it has sent so far,
// and pause, resume and cancel. Time left is the time spent running so far (pauses left out)
// per step, times the steps left.
//
// Events: 'tick' (a few more steps), 'look' (held-out accuracy and pictures), 'warning' (a
// picture the core could not make; training goes on), 'state'
// (running, paused, done, cancelled, error).

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
    this.message = '';
    /** @type {string[]} views the core could not make (training goes on without them) */
    this.warnings = [];
    this.activeMs = 0;
    this.since = 0;
    /** true once the worker says it has stopped for a pause (no step follows until resume) */
    this.held = false;
    /** @type {Worker | null} */
    this.worker = null;
  }

  start() {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.worker.addEventListener('message', (e) => this.#receive(e.data));
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.#fail(e.message || 'the training worker failed to start');
    });
    this.worker.postMessage({ type: 'start', config: this.config, look: this.look });
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
      this.heldOut.push({ step: m.step, category: m.held_out.category, orientation: m.held_out.orientation });
      this.latest = { step: m.step, filters: m.filters, fields: m.fields, shares: m.shares };
      if (!this.firstShares && m.shares?.length) this.firstShares = { step: m.step, shares: m.shares };
      this.dispatchEvent(new Event('look'));
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
