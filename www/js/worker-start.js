// Starting a module worker from one of this folder's scripts, also when a page on another origin
// embeds them. A browser starts a worker only from a script of the page's own origin, so there
// the worker is a one-line module of the page's origin (a blob) that imports the real one,
// fetched with CORS like the module scripts themselves; its relative imports resolve against
// its own address, in this folder. (A host page's Content-Security-Policy must then allow
// blob: workers: worker-src, or script-src when it has none.)

/**
 * @param {URL} url  the worker module, new URL('./worker.js', import.meta.url)
 * @returns {Worker}
 */
export function startModuleWorker(url) {
  if (url.origin === location.origin) return new Worker(url, { type: 'module' });
  const src = URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};\n`], { type: 'text/javascript' }));
  try {
    return new Worker(src, { type: 'module' });
  } finally {
    // The worker holds what it needs once it is constructed.
    URL.revokeObjectURL(src);
  }
}
