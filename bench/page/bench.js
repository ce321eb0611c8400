// The in-browser half of ./build.sh bench. The driver (bench/bench.mjs) opens this page once
// per suite and calls window.runSuite(name, options); each suite loads only its own runtime,
// checks its outputs against the native reference, then times it.
//
// Served from the repository root, so every URL here is absolute from there.

const GEN = '/bench/generated/';
const NM = '/bench/node_modules/';
const STATIONS = ['V1', 'V2', 'V4', 'IT'];
const SIDES = [32, 16, 8, 4];
const D = 32;

async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

async function shared() {
  const [lgn, rgba, reference] = await Promise.all([
    fetchBytes(GEN + 'lgn.f32').then((b) => new Float32Array(b)),
    fetchBytes(GEN + 'input.rgba').then((b) => new Uint8Array(b)),
    fetch(GEN + 'reference.json').then((r) => r.json()),
  ]);
  return { lgn, rgba, reference };
}

/**
 * Largest |a − b| over two equally long arrays, and the largest |a − b| / (1 + |b|): absolute
 * below 1, relative above (a hierarchy's stream reaches 20, where float32 steps are 2e-6 and
 * sums in another order differ by more than 1e-4). Infinity when the lengths differ.
 */
function maxErr(a, b) {
  if (a.length !== b.length) return { abs: Infinity, scaled: Infinity };
  let abs = 0;
  let scaled = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= abs)) abs = d; // NaN counts as a failure too
    const r = d / (1 + Math.abs(b[i]));
    if (!(r <= scaled)) scaled = r;
  }
  return { abs, scaled };
}

/** The check record for one runtime and wiring: logits and the four L5 maps. */
function check(got, want, tolerance) {
  const { abs, scaled } = maxErr(got, want);
  return { max_abs: abs, max_scaled: scaled, ok: scaled <= tolerance, values: want.length };
}

// Warm-ups are counted and timed: at least `warmup` runs and WARM_MS of running, so that V8's
// background TurboFan compilation (tier-up from Liftoff) has finished even on a busy machine.
const WARM_MS = 1000;

function timeSync(fn, warmup, runs) {
  const w0 = performance.now();
  for (let i = 0; i < warmup || performance.now() - w0 < WARM_MS; i++) fn();
  const samples = new Array(runs);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples[i] = performance.now() - t0;
  }
  return samples;
}

/** NCHW [1, c, s, s] → NHWC, the core's layout. */
function toNHWC(x, c, s) {
  const out = new Float32Array(x.length);
  for (let ch = 0; ch < c; ch++) {
    for (let p = 0; p < s * s; p++) out[p * c + ch] = x[ch * s * s + p];
  }
  return out;
}

/** NHWC [s, s, c] → NCHW. */
function toNCHW(x, c, s) {
  const out = new Float32Array(x.length);
  for (let p = 0; p < s * s; p++) {
    for (let ch = 0; ch < c; ch++) out[ch * s * s + p] = x[p * c + ch];
  }
  return out;
}

/** A safetensors file → { name: {shape, values: Float32Array} }, I8 decoded as i8 · scale. */
export function readSafetensors(buf) {
  const n = Number(new DataView(buf).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 8, n)));
  const base = 8 + n;
  const raw = {};
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    raw[name] = { ...t, bytes: buf.slice(base + t.data_offsets[0], base + t.data_offsets[1]) };
  }
  const out = {};
  for (const [name, t] of Object.entries(raw)) {
    if (name.endsWith('.scale')) continue;
    let values;
    if (t.dtype === 'F32') values = new Float32Array(t.bytes);
    else if (t.dtype === 'I8') {
      const scale = new Float32Array(raw[`${name}.scale`].bytes)[0];
      // An i8 times an f32 is exact in a double, so storing it rounds once: the f32 product.
      values = Float32Array.from(new Int8Array(t.bytes), (v) => v * scale);
    } else throw new Error(`${name}: dtype ${t.dtype}`);
    out[name] = { shape: t.shape, values };
  }
  return { tensors: out, metadata: header.__metadata__ ?? {} };
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.append(s);
  });
}

// ---------------------------------------------------------------------------------------------
// Our core: the harness's forward-only build (bench/pkg), the page's module (www/pkg), the
// simd128 peak and the 3×3 convolutions alone.

async function suiteOurs({ warmup, runs, tolerance, light = false }) {
  const { lgn, rgba, reference } = await shared();
  const t0 = performance.now();
  const mod = await import('/bench/pkg/stream_bench.js');
  await mod.default({ module_or_path: '/bench/pkg/stream_bench_bg.wasm' });
  const bench = new mod.Bench();
  const initMs = performance.now() - t0;

  const result = { init_ms: initMs, samples: {}, checks: {}, info: {} };
  // The wasm retina against the native one: the same LGN from the same bytes.
  result.checks.lgn = check(bench.lgn_from_rgba(rgba, 64, 64), lgn, tolerance);
  bench.set_lgn(lgn);
  for (const wiring of ['stream', 'hierarchy']) {
    const f0 = performance.now();
    bench.forward(wiring);
    result.info[`first_${wiring}_ms`] = performance.now() - f0;
    result.checks[wiring] = check(bench.outputs(), reference.wirings[wiring].outputs, tolerance);
    result.info[`flops_${wiring}`] = bench.flops(wiring)[0];
  }
  // Timed later, interleaved with the peers (suiteForward).
  result.timed = { stream: () => bench.forward('stream'), hierarchy: () => bench.forward('hierarchy') };
  // Beside the two-thread peers (the threads2 suite) only the forward pass is wanted.
  if (light) return result;
  // The fixed preprocessing, for scale: RGBA → letterbox, adapt, retina, LGN.
  result.samples.lgn = timeSync(() => bench.lgn_from_rgba(rgba, 64, 64), warmup, runs);

  // The 3×3 convolutions alone (bias and ReLU fused, as the forward pass runs them), per station, then all four.
  bench.forward('stream');
  const convFlops = STATIONS.map((_, k) => bench.conv_only('stream', k, 1));
  for (let k = 0; k < 4; k++) {
    result.samples[`conv_${STATIONS[k]}`] = timeSync(() => bench.conv_only('stream', k, 1), warmup, runs);
    result.info[`conv_flops_${STATIONS[k]}`] = convFlops[k];
  }

  // simd128 peak: 12 independent f32x4 mul+add chains; the best of many timed calls.
  const iters = 1 << 21;
  const perIter = mod.simd_peak_flops_per_iter();
  mod.simd_peak(1000);
  let best = 0;
  const peaks = [];
  for (let i = 0; i < 40; i++) {
    const p0 = performance.now();
    mod.simd_peak(iters);
    const ms = performance.now() - p0;
    const gflops = (iters * perIter) / (ms * 1e6);
    peaks.push(gflops);
    best = Math.max(best, gflops);
  }
  result.info.simd_peak_gflops = best;
  result.info.simd_peak_median_gflops = peaks.sort((a, b) => a - b)[peaks.length >> 1];

  // The page's own module: the whole API call (retina, both wirings, summaries), and the
  // forward pass alone if the core exports it.
  const www = await import('/www/pkg/ventral_stream.js');
  await www.default({ module_or_path: '/www/pkg/ventral_stream_bg.wasm' });
  const viewer = new www.Viewer();
  viewer.capture_rgba(rgba, 64, 64);
  const summary = viewer.run();
  result.checks.viewer_logits_stream = check(
    Float32Array.from(summary.stream.logits),
    reference.wirings.stream.outputs.slice(0, 10),
    tolerance,
  );
  result.checks.viewer_logits_hierarchy = check(
    Float32Array.from(summary.hierarchy.logits),
    reference.wirings.hierarchy.outputs.slice(0, 10),
    tolerance,
  );
  result.samples.viewer_capture_run = timeSync(() => {
    viewer.capture_rgba(rgba, 64, 64);
    viewer.run();
  }, warmup, runs);
  result.info.viewer_forward_only = typeof viewer.forward_only === 'function';
  if (result.info.viewer_forward_only) {
    // Requested of the core: Viewer.forward_only(wiring) → the category logits of the
    // current capture, with no retina (cached at capture) and no summaries.
    viewer.capture_rgba(rgba, 64, 64);
    for (const wiring of ['stream', 'hierarchy']) {
      const logits = viewer.forward_only(wiring);
      result.checks[`viewer_forward_${wiring}`] = check(
        Float32Array.from(logits ?? []),
        reference.wirings[wiring].outputs.slice(0, 10),
        tolerance,
      );
    }
    for (const wiring of ['stream', 'hierarchy']) {
      result.samples[`viewer_forward_${wiring}`] = timeSync(() => viewer.forward_only(wiring), warmup, runs);
    }
  }
  viewer.free();
  return result;
}

// ---------------------------------------------------------------------------------------------
// TensorFlow.js, wasm backend (XNNPACK), one thread, SIMD.

/**
 * The model as TF.js ops, of the wiring and the variant the file names (src/variant.rs):
 * prenorm divides what each L4 and the readout read by one RMS per image; layerscale's gain is
 * folded into the write; columns split L2/3 into its columns' convolutions and join them (TF.js
 * has no grouped convolution); stochastic depth is already folded into the file's writes.
 */
export function tfjsModel(tf, w, wiring, variant = 'shipped') {
  const parts = new Set(variant.split('+'));
  const t = (name, shape) => tf.tensor(w[name].values, shape ?? w[name].shape, 'float32');
  const pw = (name, bias = true, gain = null) => {
    const [cin, cout] = w[`${name}.w`].shape;
    let values = w[`${name}.w`].values;
    let b = bias ? w[`${name}.b`].values : null;
    if (gain) {
      values = values.map((v, i) => Math.fround(v * gain[i % cout]));
      b = b.map((v, j) => Math.fround(v * gain[j]));
    }
    return { filter: tf.tensor(values, [1, 1, cin, cout], 'float32'), bias: b ? tf.tensor(b, [cout], 'float32') : null };
  };
  // Our kernel rows are (ky*3 + kx)*in + c_in: exactly TF's [ky, kx, in, out].
  const conv = (name) => {
    const [rows, cout] = w[`${name}.k`].shape;
    return { filter: t(`${name}.k`, [3, 3, rows / 9, cout]), bias: t(`${name}.b`) };
  };
  const columns = (n) => {
    const out = [];
    while (w[`${n}.compute.column${out.length}.k`]) out.push(conv(`${n}.compute.column${out.length}`));
    return out;
  };
  const model = {
    embed: pw('embed', false),
    stations: STATIONS.map((n) => ({
      read: pw(`${n}.read`),
      convs: parts.has('columns') ? columns(n) : [conv(`${n}.compute`)],
      write: pw(`${n}.write`, true, parts.has('layerscale') ? w[`${n}.write.gain`].values : null),
    })),
    category: { w: t('head.category.w'), b: t('head.category.b') },
    orientation: { w: t('head.orientation.w'), b: t('head.orientation.b') },
  };
  const residual = wiring !== 'hierarchy';
  // x / √(mean(x²) + ε) over positions and channels, one number per image (src/layers/rms.rs).
  const rms = (x) => (parts.has('prenorm') ? tf.div(x, tf.sqrt(tf.add(tf.mean(tf.square(x), [1, 2, 3], true), 1e-6))) : x);
  /** x: [1, 32, 32, 8] → { category, orientation, l5: [4 tensors] } */
  return (x) => {
    let s = tf.conv2d(x, model.embed.filter, 1, 'valid');
    const l5 = [];
    model.stations.forEach((st, k) => {
      const input = k === 0 ? s : tf.avgPool(s, 2, 2, 'valid');
      const a = tf.fused.conv2d({ x: rms(input), filter: st.read.filter, bias: st.read.bias, strides: 1, pad: 'valid', activation: 'relu' });
      const groups = st.convs.length > 1 ? tf.split(a, st.convs.length, 3) : [a];
      const hs = st.convs.map((c, i) => tf.fused.conv2d({ x: groups[i], filter: c.filter, bias: c.bias, strides: 1, pad: 'same', activation: 'relu' }));
      const h = hs.length > 1 ? tf.concat(hs, 3) : hs[0];
      const out = tf.fused.conv2d({ x: h, filter: st.write.filter, bias: st.write.bias, strides: 1, pad: 'valid' });
      s = residual ? tf.add(input, out) : out;
      l5.push(s);
    });
    const pooled = tf.mean(rms(s), [1, 2]);
    return {
      category: tf.fused.matMul({ a: pooled, b: model.category.w, bias: model.category.b }),
      orientation: tf.fused.matMul({ a: pooled, b: model.orientation.w, bias: model.orientation.b }),
      l5,
    };
  };
}

async function suiteTfjs({ warmup, runs, tolerance, threads = 1 }) {
  const { lgn, reference } = await shared();
  const t0 = performance.now();
  // TF.js's threaded build sizes its worker pool once, as half the logical cores (it assumes
  // two per physical core; tensorflow/tfjs#4957): on a 2-core machine that is one worker, and
  // setThreadsCount(2) is silently capped at 1. Tell it of enough cores for the pool the row
  // names; the count it then reports is checked below.
  if (threads > 1 && (navigator.hardwareConcurrency ?? 1) < 2 * threads) {
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  }
  await loadScript(NM + '@tensorflow/tfjs-core/dist/tf-core.min.js');
  await loadScript(NM + '@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js');
  const tf = window.tf;
  tf.wasm.setWasmPaths(NM + '@tensorflow/tfjs-backend-wasm/dist/');
  // One thread unless asked for more (the threads2 suite): the bench page is cross-origin
  // isolated, so the threaded build (SharedArrayBuffer) can start.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
  if (threads > 1) tf.wasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('the TF.js wasm backend did not start');
  await tf.ready();
  const info = {
    version: tf.version_core,
    backend: tf.getBackend(),
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    threads: tf.wasm.getThreadsCount?.() ?? null,
  };
  if (!info.simd) throw new Error('TF.js wasm runs without SIMD');
  if ((info.threads ?? 1) !== threads) throw new Error(`TF.js wasm runs ${info.threads} threads, not ${threads}`);
  const result = { samples: {}, checks: {}, info };
  const x = tf.tensor(lgn, [1, 32, 32, 8], 'float32');
  for (const wiring of ['stream', 'hierarchy']) {
    const file = readSafetensors(await fetchBytes(`/weights/${wiring}.safetensors`));
    const forward = tfjsModel(tf, file.tensors, wiring, file.metadata.variant);
    result.info.variant = file.metadata.variant ?? 'shipped';
    if (wiring === 'stream') result.init_ms = performance.now() - t0;
    const f0 = performance.now();
    const out = tf.tidy(() => {
      const o = forward(x);
      return [o.category, o.orientation, ...o.l5];
    });
    const parts = out.map((t) => t.dataSync());
    result.info[`first_${wiring}_ms`] = performance.now() - f0;
    const flat = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      flat.set(p, at);
      at += p.length;
    }
    out.forEach((t) => t.dispose());
    result.checks[wiring] = check(flat, reference.wirings[wiring].outputs, tolerance);
    // Timed (later): the forward pass and reading the category logits back.
    result.timed ??= {};
    result.timed[wiring] = () => {
      const logits = tf.tidy(() => forward(x).category);
      logits.dataSync();
      logits.dispose();
    };
  }
  result.info.tensors_left = tf.memory().numTensors;
  return result;
}

// ---------------------------------------------------------------------------------------------
// ONNX Runtime Web, wasm execution provider, one thread.

async function suiteOrt({ warmup, runs, tolerance, threads = 1 }) {
  const { lgn, reference } = await shared();
  const t0 = performance.now();
  const ort = await import(NM + 'onnxruntime-web/dist/ort.wasm.min.mjs');
  ort.env.wasm.wasmPaths = NM + 'onnxruntime-web/dist/';
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false;
  const result = { samples: {}, checks: {}, info: { version: ort.env.versions?.web ?? null } };
  const input = new ort.Tensor('float32', toNCHW(lgn, 8, 32), [1, 8, 32, 32]);
  for (const wiring of ['stream', 'hierarchy']) {
    const bytes = new Uint8Array(await fetchBytes(`${GEN}${wiring}.onnx`));
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
    if (wiring === 'stream') result.init_ms = performance.now() - t0;
    const f0 = performance.now();
    const all = await session.run({ lgn: input });
    result.info[`first_${wiring}_ms`] = performance.now() - f0;
    const parts = [all.category.data, all.orientation.data];
    STATIONS.forEach((n, k) => parts.push(toNHWC(all[`l5_${n}`].data, D, SIDES[k])));
    const flat = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      flat.set(p, at);
      at += p.length;
    }
    result.checks[wiring] = check(flat, reference.wirings[wiring].outputs, tolerance);
    // Timed (later): the forward pass, fetching the category logits only.
    const feeds = { lgn: input };
    result.timed ??= {};
    result.timed[wiring] = () => session.run(feeds, ['category']);
    result.async = true;
  }
  result.info.threads = ort.env.wasm.numThreads;
  if (result.info.threads !== threads) throw new Error(`ONNX Runtime runs ${result.info.threads} threads, not ${threads}`);
  return result;
}

// ---------------------------------------------------------------------------------------------
// One training step of the degradation experiment's small networks and of the lab's model
// (the lab module, www/pkg-lab, where the trainers live).

async function suiteTrain({ warmup, runs, depths, labRuns = 20 }) {
  const www = await import('/www/pkg-lab/ventral_stream_lab.js');
  await www.default({ module_or_path: '/www/pkg-lab/ventral_stream_lab_bg.wasm' });
  const result = { samples: {}, checks: {}, info: {} };
  for (const depth of depths) {
    for (const residual of [true, false]) {
      const trainer = new www.DegradationTrainer(depth, residual, 1);
      const name = `depth${depth}_${residual ? 'residual' : 'plain'}`;
      const first = trainer.step();
      result.checks[name] = { ok: first.every(Number.isFinite), loss: first[0], values: 2 };
      result.samples[name] = timeSync(() => trainer.step(), warmup, runs);
      result.info[`${name}_steps`] = trainer.steps_done();
      trainer.free();
    }
  }
  // One full training step of the lab's model (stream, d = 32, batch 32, one thread:
  // rendering the batch, forward, backward, Adam), as the page's lab runs it in a Worker;
  // the native harness times the same step (bench/core: train_config).
  const lab = new www.Trainer({ wiring: 'stream', width: 32, edge_task: true, pressure: 'none', strength: 0, steps: 1000000, seed: 1 });
  const first = lab.step(1);
  result.checks.lab_step = { ok: Number.isFinite(first.loss) && first.step === 1, loss: first.loss, values: 1 };
  result.samples.lab_step = timeSync(() => lab.step(1), 2, labRuns);
  result.info.lab_steps = lab.step_count();
  lab.free();
  return result;
}

/**
 * The forward passes of the runtimes named, in one page, timed in interleaved blocks so that
 * a busy machine slows them alike: after `warmup` runs of each, `blocks` rounds in which each
 * runtime and wiring does 2 untimed then runs/blocks timed runs (the order rotates each round).
 */
async function suiteForward({ runtimes, warmup, runs, blocks = 10, ...options }) {
  const prepare = { ours: suiteOurs, tfjs: suiteTfjs, ort: suiteOrt };
  const out = {};
  for (const name of runtimes) {
    try {
      out[name] = await prepare[name]({ warmup, runs, ...options });
    } catch (err) {
      out[name] = { error: `${err.message ?? err}`, samples: {}, checks: {}, info: {} };
    }
  }
  const jobs = [];
  for (const [name, r] of Object.entries(out)) {
    if (r.error) continue;
    for (const [wiring, fn] of Object.entries(r.timed)) jobs.push({ r, wiring, fn, async: !!r.async, samples: [] });
  }
  const once = async (job) => {
    const t0 = performance.now();
    if (job.async) await job.fn();
    else job.fn();
    return performance.now() - t0;
  };
  for (const job of jobs) {
    const w0 = performance.now();
    for (let i = 0; i < warmup || performance.now() - w0 < WARM_MS; i++) await once(job);
  }
  const per = Math.ceil(runs / blocks);
  for (let b = 0; b < blocks; b++) {
    for (let j = 0; j < jobs.length; j++) {
      const job = jobs[(j + b) % jobs.length];
      for (let i = 0; i < 2; i++) await once(job);
      for (let i = 0; i < per && job.samples.length < runs; i++) job.samples.push(await once(job));
    }
  }
  for (const job of jobs) job.r.samples[job.wiring] = job.samples;
  for (const r of Object.values(out)) {
    delete r.timed;
    delete r.async;
  }
  return { suites: out, samples: {}, checks: {}, info: { blocks, interleaved: jobs.length } };
}

const SUITES = { forward: suiteForward, train: suiteTrain };

window.runSuite = async (name, options) => {
  const suite = SUITES[name];
  if (!suite) throw new Error(`no suite ${name}`);
  const result = await suite(options);
  // Which wasm files this page loaded (all from 127.0.0.1): for the peers, the SIMD builds.
  result.info.wasm_files = performance
    .getEntriesByType('resource')
    .map((e) => new URL(e.name).pathname)
    .filter((p) => p.endsWith('.wasm'));
  result.crossOriginIsolated = self.crossOriginIsolated;
  result.userAgent = navigator.userAgent;
  return result;
};
window.benchReady = true;
