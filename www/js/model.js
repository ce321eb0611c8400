// Loading the core: the WebAssembly module built by wasm-pack into www/pkg/.
// Everything the page knows about the model goes through the Viewers this makes.
//
// Before anything is fetched, the browser is asked whether it can compile a tiny module that
// uses one 128-bit SIMD instruction (the core is built with simd128): if it cannot, loading
// fails at once with a message that says why, instead of a cryptic compile error.

import { startModuleWorker } from './worker-start.js';

/** (module (func (result v128) i32.const 0 i32x4.splat)) */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x11, 0x0b, // code: i32.const 0; i32x4.splat
]);

/** Why this browser cannot run the core, or null if it can. */
export function unsupportedReason() {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    return 'this browser does not run WebAssembly (or it is turned off), which the model needs';
  }
  let simd = false;
  try {
    simd = WebAssembly.validate(SIMD_PROBE);
  } catch {
    simd = false;
  }
  if (!simd) return 'this browser runs WebAssembly but not its 128-bit SIMD instructions, which the model needs (any current Chrome, Firefox, Safari or Edge has them)';
  return null;
}

let ready = null;
/** the glue module (Viewer class) and the wasm exports, once loaded */
let loaded = null;

async function load() {
  const reason = unsupportedReason();
  if (reason) throw new Error(reason);
  // The wasm is fetched at once, while the glue loads, and compiled as it downloads.
  const compiled = compileStreaming(new URL('../pkg/ventral_stream_bg.wasm', import.meta.url));
  compiled.catch(() => {}); // reported below, with the glue's failure if both fail
  // Imported here, not statically, so that a missing or broken glue file is reported like any
  // other loading failure instead of stopping the page's own script.
  const glue = await import('../pkg/ventral_stream.js');
  const module = await compiled;
  const warm = warmUp(module);
  const exports = await glue.default({ module_or_path: module });
  await warm;
  loaded = { glue, exports };
  return loaded;
}

/**
 * Compile the module while it downloads (WebAssembly.compileStreaming, which needs the server to
 * say application/wasm; from the whole bytes otherwise).
 */
async function compileStreaming(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url.pathname} could not be fetched (HTTP ${res.status})`);
  if (typeof WebAssembly.compileStreaming === 'function' && res.headers.get('Content-Type') === 'application/wasm') {
    return WebAssembly.compileStreaming(res);
  }
  return WebAssembly.compile(await res.arrayBuffer());
}

/**
 * Let a worker run the model until its code is compiled and optimised (js/warm-worker.js), so
 * that the page's own first runs are not long tasks. Best effort: without workers, or when the
 * worker fails or takes longer than a few seconds, the page goes on and warms up by itself.
 */
function warmUp(module) {
  if (typeof Worker !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    let worker;
    const done = () => {
      clearTimeout(timer);
      worker?.terminate();
      resolve();
    };
    const timer = setTimeout(done, 4000);
    try {
      worker = startModuleWorker(new URL('./warm-worker.js', import.meta.url));
      worker.addEventListener('message', done);
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        done();
      });
      worker.postMessage({ module });
    } catch {
      done();
    }
  });
}

/** Load the module once (relative to this file, so it works from any page) and make a Viewer. */
export async function loadViewer() {
  ready ??= load();
  try {
    await ready;
  } catch (err) {
    ready = null; // a later call may try again
    throw err;
  }
  return new loaded.glue.Viewer();
}

/** A fresh Viewer, now (the module must have loaded): used to recover from a panic. */
export function newViewer() {
  if (!loaded) throw new Error('the model has not loaded');
  return new loaded.glue.Viewer();
}

/** The size of the module's linear memory in bytes (0 before it has loaded). */
export function wasmMemoryBytes() {
  return loaded?.exports?.memory?.buffer?.byteLength ?? 0;
}
