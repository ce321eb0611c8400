// Loading the core: the WebAssembly module built by wasm-pack into www/pkg/.
// Everything the page knows about the model goes through the Viewer this returns.

import init, { Viewer } from '../pkg/ventral_stream.js';

let ready = null;

/** Load the module once and make a Viewer (which holds the weights for both wirings). */
export async function loadViewer() {
  ready ??= init();
  await ready;
  return new Viewer();
}
