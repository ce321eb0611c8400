// Which parts of the page are near the viewport. A figure far from it is neither built nor
// redrawn: one IntersectionObserver for the whole page tells each watcher when its element
// comes within a screen of the viewport and when it leaves again.

/** How far beyond the viewport an element counts as near: one screen above and below. */
export const NEAR_MARGIN = '100% 0px 100% 0px';

/** element → the callbacks watching it */
const watchers = new Map();
let observer = null;

function observe(el) {
  if (typeof IntersectionObserver !== 'function') return false;
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) for (const cb of watchers.get(e.target) ?? []) cb(e.isIntersecting);
    },
    { rootMargin: NEAR_MARGIN },
  );
  observer.observe(el);
  return true;
}

/**
 * Call onChange(true) when `el` comes near the viewport and onChange(false) when it leaves.
 * Without IntersectionObserver everything counts as near, at once. Returns a function that stops
 * watching.
 * @param {Element} el
 * @param {(near: boolean) => void} onChange
 */
export function watchNear(el, onChange) {
  const list = watchers.get(el);
  if (list) list.push(onChange);
  else {
    watchers.set(el, [onChange]);
    if (!observe(el)) queueMicrotask(() => onChange(true));
  }
  return () => {
    const l = watchers.get(el)?.filter((cb) => cb !== onChange) ?? [];
    if (l.length) watchers.set(el, l);
    else {
      watchers.delete(el);
      observer?.unobserve(el);
    }
  };
}

/** Resolves the first time `el` comes near the viewport. */
export function whenNear(el) {
  return new Promise((resolve) => {
    const stop = watchNear(el, (near) => {
      if (!near) return;
      stop();
      resolve();
    });
  });
}
