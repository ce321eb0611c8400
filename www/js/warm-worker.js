// Warms the model's code up off the main thread. The browser compiles WebAssembly lazily, one
// function at its first call, and optimises a function only after it has run for a while: so
// the page's first model runs would be slow, long tasks on a phone. The page compiles the
// module once and posts it here; runs in this worker compile and optimise the very code the
// page's instance then uses (a compiled module is shared between the threads).
//
// Message in: {module, budgetMs}. Message out: {type: 'warm', runs, lastMs} or {type: 'error', message}.

import init, { Viewer } from '../pkg/ventral_stream.js';

self.addEventListener('message', async (event) => {
  const { module, budgetMs = 1500 } = event.data ?? {};
  try {
    await init({ module_or_path: module });
    const viewer = new Viewer();
    const rgba = viewer.preset('house', 0);
    const start = performance.now();
    let runs = 0;
    let first = 0;
    let last = Infinity;
    // Until a run takes well under the first (optimised code has arrived), or the budget is spent.
    while (performance.now() - start < budgetMs && !(runs >= 3 && last < first / 3)) {
      const t0 = performance.now();
      viewer.capture_rgba(rgba, 64, 64);
      viewer.run();
      last = performance.now() - t0;
      if (runs === 0) first = last;
      runs += 1;
    }
    viewer.free();
    self.postMessage({ type: 'warm', runs, firstMs: first, lastMs: last });
  } catch (err) {
    self.postMessage({ type: 'error', message: String(err?.message ?? err) });
  }
});
