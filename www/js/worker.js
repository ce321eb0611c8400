// The Web Worker that runs the experiments, so that the page never freezes. It is a module
// worker: new Worker(new URL('./worker.js', import.meta.url), {type: 'module'}).
//
// While it runs an experiment the worker is busy and reads no messages, so the page cancels a
// run by terminating the worker (and starts a fresh one for the next run).
//
// Messages in:
//   {type: 'run', name, seed, size}          one experiment (run_experiment in the core)
//   {type: 'train', seed, depths, steps}     the degradation networks, trained live
// Messages out:
//   {type: 'progress', fraction}             0..1, at most about every 1 %
//   {type: 'result', result, seconds}        the experiment's JSON (as a plain object)
//   {type: 'curves', step, points}           training: points = [{key, depth, residual, loss, error}]
//   {type: 'error', message}

// The lab module (www/pkg-lab): the page's own module has no experiments in it, so that
// opening the article downloads only what draws it.
import init, { run_experiment, DegradationTrainer } from '../pkg-lab/ventral_stream_lab.js';

const ready = init({ module_or_path: new URL('../pkg-lab/ventral_stream_lab_bg.wasm', import.meta.url) });

function post(message) {
  self.postMessage(message);
}

/** A progress callback that posts at most one message per percent (and the last one). */
function progressPoster() {
  let last = -1;
  return (fraction) => {
    const f = Number(fraction);
    if (f >= 1 || f - last >= 0.01) {
      last = f;
      post({ type: 'progress', fraction: f });
    }
    return true;
  };
}

function runOne({ name, seed, size }) {
  const start = performance.now();
  const result = run_experiment(name, seed >>> 0, size, progressPoster());
  post({ type: 'progress', fraction: 1 });
  post({ type: 'result', result, seconds: (performance.now() - start) / 1000 });
}

/**
 * Plain and residual networks of each depth, one step each in turn, so every curve grows
 * together. The final training error is the mean over the last fifth of the steps, as in the
 * native experiment.
 */
function train({ seed, depths, steps }) {
  const start = performance.now();
  const nets = [];
  for (const depth of depths) {
    for (const residual of [false, true]) {
      nets.push({ key: `${residual ? 'residual' : 'plain'}-${depth}`, depth, residual, trainer: new DegradationTrainer(depth, residual, seed >>> 0), errors: [] });
    }
  }
  for (let step = 0; step < steps; step++) {
    const points = [];
    for (const n of nets) {
      const [loss, error] = n.trainer.step();
      n.errors.push(error);
      points.push({ key: n.key, depth: n.depth, residual: n.residual, loss, error });
    }
    post({ type: 'curves', step: step + 1, points });
    post({ type: 'progress', fraction: (step + 1) / steps });
  }
  const tail = Math.max(1, Math.floor(steps / 5));
  const final = { plain: {}, residual: {} };
  for (const n of nets) {
    const last = n.errors.slice(n.errors.length - tail);
    final[n.residual ? 'residual' : 'plain'][String(n.depth)] = last.reduce((a, b) => a + b, 0) / last.length;
    n.trainer.free?.();
  }
  post({ type: 'result', result: { depths, steps, ...final, live: true }, seconds: (performance.now() - start) / 1000 });
}

self.addEventListener('message', async (event) => {
  const msg = event.data ?? {};
  try {
    await ready;
    if (msg.type === 'run') runOne(msg);
    else if (msg.type === 'train') train(msg);
    else throw new Error(`unknown message ${JSON.stringify(msg.type)}`);
  } catch (err) {
    post({ type: 'error', message: String(err?.message ?? err) });
  }
});
