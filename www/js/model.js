// Loading the core: the WebAssembly module built by wasm-pack into www/pkg/.
// Everything the page knows about the model goes through the Viewer this returns.

import init, { Viewer } from '../pkg/ventral_stream.js';

let ready = null;

/** Load the module once (relative to this file, so it works from any page) and make a Viewer. */
export async function loadViewer() {
  ready ??= init({ module_or_path: new URL('../pkg/ventral_stream_bg.wasm', import.meta.url) });
  await ready;
  return new Viewer();
}
