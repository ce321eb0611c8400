// Start-up work in pieces: between pieces the browser gets a turn (input, rendering), so that
// no piece becomes a long task that blocks the page.

/** scheduler.yield where there is one (the rest of the work keeps its place), else a macrotask. */
export function yieldToBrowser() {
  const s = globalThis.scheduler;
  if (typeof s?.yield === 'function') return s.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Resolves after the browser has rendered the next frame (a task queued from requestAnimationFrame runs after it). */
export function afterNextPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
