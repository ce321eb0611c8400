// One training run of the full model, in a Web Worker of its own (the page's thread never
// trains). A module worker: new Worker(new URL('./worker.js', import.meta.url), {type: 'module'}).
//
// The run goes in chunks of a few steps; between chunks the worker yields, so it reads the
// page's messages: pause holds it after the current chunk, resume lets it go on. Cancel is
// the page terminating the worker.
//
// Messages in:
//   {type: 'start', config, look, resume}
//                                   config: js/lab/config.js; look: how often (in steps) to
//                                   evaluate and send the pictures; resume (or null):
//                                   {weights, optimiser} of a checkpoint to go on from
//   {type: 'pause'} / {type: 'resume'}
//   {type: 'measure', weights}      a finished model's usage index and P3's measure (stream_use)
//                                   in place of a run: a worker of its own, as long as it takes
// Messages out:
//   {type: 'tick', step, steps, loss, category_accuracy, orientation_accuracy, busyMs}
//   {type: 'look', step, held_out: {category, orientation}, filters, fields, shares}
//   {type: 'paused'} / {type: 'resumed'}         the worker has stopped (after its chunk) / goes on
//   {type: 'checkpoint', step, weights, optimiser} the state of a step (every CHECKPOINT_MS of
//                                               training, and on each pause): what resume takes
//   {type: 'done', step, weights}               weights: the safetensors bytes
//   {type: 'warning', message}                  one view failed (once); training goes on
//   {type: 'use-progress', fraction}            measuring: 0..1, at most about every 2 %
//   {type: 'use', use}                          the measures (src/lab.rs, StreamUse)
//   {type: 'error', message}

// The lab module (www/pkg-lab): the trainers live there, out of the module the page opens with.
import init, { Trainer, stream_use } from '../../pkg-lab/ventral_stream_lab.js';

/** How many held-out images each look evaluates, and how many L2/3 fields it draws per station. */
export const HELD_OUT = 64;
export const FIELDS = 4;
export const FIELD_STATIONS = ['V1', 'V2'];
/** How often, at most, the run's state goes to the page to be kept (and on every pause). */
export const CHECKPOINT_MS = 3000;

const ready = init({ module_or_path: new URL('../../pkg-lab/ventral_stream_lab_bg.wasm', import.meta.url) });

let paused = false;
let wake = null;
/** The run's Trainer once made (a pause saves its state). */
let trainer = null;

function post(message) {
  self.postMessage(message);
}

/** A turn for the message queue (pause, resume), then wait while paused. */
async function breathe() {
  await new Promise((resolve) => setTimeout(resolve, 0));
  while (paused) await new Promise((resolve) => (wake = resolve));
}

/**
 * Call one of the Trainer's views; if it fails, say so once and go on without it, so that a
 * picture the core cannot make never stops the training itself.
 */
const failed = new Set();
function view(name, fn, fallback) {
  try {
    return fn();
  } catch (err) {
    if (!failed.has(name)) post({ type: 'warning', message: `${name} could not be drawn: ${err?.message ?? err}` });
    failed.add(name);
    return fallback;
  }
}

/** What the reader watches form: held-out accuracy, V1's reads, a few L2/3 fields, the decision's split. */
function look(trainer, step) {
  const held = view('held-out accuracy', () => trainer.evaluate(HELD_OUT), { category: NaN, orientation: NaN });
  const filters = view('V1’s reads', () => trainer.v1_filters(), new Float32Array(0));
  const fields = FIELD_STATIONS.map((station) => ({ station, images: view(`${station}’s L2/3 fields`, () => trainer.l23_fields(station, FIELDS), new Float32Array(0)) }));
  const shares = view('the decision’s shares', () => trainer.decision_shares(), null);
  // Copied, not transferred: small, and a typed array from the core might view its memory.
  post({ type: 'look', step, held_out: { category: held.category, orientation: held.orientation }, filters, fields, shares });
}

/** The weights and optimiser state of the step the trainer is at, sent to be kept. */
function checkpoint() {
  const weights = trainer.weights();
  const optimiser = trainer.optimiser_state();
  self.postMessage({ type: 'checkpoint', step: trainer.step_count(), weights, optimiser }, { transfer: [weights.buffer, optimiser.buffer] });
}

async function train(config, every, resume) {
  await ready;
  trainer = resume ? Trainer.resume(config, resume.weights, resume.optimiser) : new Trainer(config);
  // A run that starts paused (the reader paused before the module was ready) is saved now.
  if (paused) checkpoint();
  let saved = performance.now();
  // Small chunks keep pause and the live pictures prompt; a tick per chunk keeps the curve smooth.
  const chunk = Math.max(1, Math.min(10, Math.round(config.steps / 100)));
  let nextLook = 0;
  for (;;) {
    const step = trainer.step_count();
    if (step >= nextLook || step >= config.steps) {
      look(trainer, step);
      nextLook = step + every;
    }
    if (step >= config.steps) break;
    // Before every chunk: so once 'paused' has gone out, no tick follows it until resume.
    await breathe();
    const t0 = performance.now();
    const r = trainer.step(chunk);
    post({
      type: 'tick', step: r.step, steps: r.steps, loss: r.loss,
      category_accuracy: r.category_accuracy, orientation_accuracy: r.orientation_accuracy,
      busyMs: performance.now() - t0,
    });
    if (performance.now() - saved >= CHECKPOINT_MS && trainer.step_count() < config.steps) {
      checkpoint();
      saved = performance.now();
    }
  }
  const weights = trainer.weights();
  post({ type: 'done', step: trainer.step_count(), weights });
  trainer.free();
  trainer = null;
}

/** How the finished model uses its stream: seconds of work, with progress as it goes. */
async function measure(weights) {
  await ready;
  let last = -1;
  const use = stream_use(weights, (f) => {
    if (f >= 1 || f - last >= 0.02) {
      last = f;
      post({ type: 'use-progress', fraction: f });
    }
    return true;
  });
  post({ type: 'use', use });
}

self.addEventListener('message', (event) => {
  const msg = event.data ?? {};
  if (msg.type === 'pause') {
    paused = true;
    post({ type: 'paused' });
    // Between chunks (a message is read only then): the state is that of the last tick.
    if (trainer) checkpoint();
  } else if (msg.type === 'resume') {
    paused = false;
    wake?.();
    wake = null;
    post({ type: 'resumed' });
  } else if (msg.type === 'measure') {
    measure(msg.weights).catch((err) => post({ type: 'error', message: String(err?.message ?? err) }));
  } else if (msg.type === 'start') {
    train(msg.config, Math.max(1, msg.look ?? 10), msg.resume ?? null).catch((err) => post({ type: 'error', message: String(err?.message ?? err) }));
  }
});
