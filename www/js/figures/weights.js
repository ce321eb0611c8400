// Load another safetensors weights file, by URL (same origin: the page makes no other request)
// or from a file on the reader's machine. A bad file is reported in words, and the model keeps
// working with the weights it had.

import { h, uid } from '../dom.js';
import { WIRINGS } from '../names.js';

/**
 * The largest weights file read. The shipped files (I8) are 50,742 to 92,094 bytes; stored as
 * F32 (`ventral-stream init` without --quantize) stream is 187,424 and gated 345,656 bytes. A
 * file over 1,000,000 bytes cannot be one of these models, and is refused before it is read.
 */
export const MAX_WEIGHTS_BYTES = 1_000_000;
const inBytes = (n) => `${n.toLocaleString('en-GB')} bytes`;

export function mountWeights(root, app) {
  const id = uid('weights');
  const wiring = h('select', { id: `${id}-wiring`, 'data-control': 'weights-wiring' },
    WIRINGS.map((w) => h('option', { value: w }, w)));
  const url = h('input', { type: 'text', id: `${id}-url`, 'data-control': 'weights-url', placeholder: 'weights/my-stream.safetensors', spellcheck: 'false', autocomplete: 'off' });
  const loadUrl = h('button', { type: 'button', 'data-action': 'weights-load-url' }, 'Load from URL');
  const file = h('input', { type: 'file', accept: '.safetensors,application/octet-stream', id: `${id}-file`, class: 'file-input', 'data-control': 'weights-file' });
  const fileLabel = h('label', { for: `${id}-file`, class: 'button-like' }, 'Choose a file');
  const progress = h('progress', { max: '1', value: '0', hidden: true, 'aria-label': 'Loading the weights' });
  const status = h('p', { class: 'input-message', 'data-role': 'weights-status', role: 'status' });
  root.append(
    h('div', { class: 'controls' },
      h('label', { for: `${id}-wiring`, class: 'control-label' }, 'Wiring'), wiring),
    h('div', { class: 'controls' },
      h('label', { for: `${id}-url`, class: 'control-label' }, 'URL'), url, loadUrl),
    h('div', { class: 'controls' }, file, fileLabel, progress),
    status);

  const say = (text, kind = 'info') => {
    status.textContent = text;
    status.dataset.kind = kind;
  };
  const tooBig = (from, size) =>
    say(`${from} was not loaded: it is ${inBytes(size)}, more than the ${inBytes(MAX_WEIGHTS_BYTES)} a weights file for these models can take. The ${wiring.value} wiring keeps its weights.`, 'error');
  const use = (bytes, from) => {
    try {
      // The figures then carry a mark with a way back to the shipped model (js/model-mark.js).
      app.loadWeights(wiring.value, bytes, { label: from });
      say(`Loaded ${from} into the ${wiring.value} wiring.`);
    } catch (err) {
      say(`${from} was not loaded: ${err?.message ?? err}. The ${wiring.value} wiring keeps its weights.`, 'error');
    }
  };
  loadUrl.addEventListener('click', async () => {
    const u = url.value.trim();
    if (!u) return say('Type the address of a .safetensors file first.', 'error');
    let target;
    try {
      target = new URL(u, location.href);
    } catch {
      return say('That is not an address.', 'error');
    }
    if (target.origin !== location.origin) return say('Only files from this page’s own site can be loaded (the page makes no request elsewhere).', 'error');
    progress.hidden = false;
    progress.value = 0;
    try {
      const res = await fetch(target);
      if (!res.ok) throw new Error(`the server answered ${res.status}`);
      const total = Number(res.headers.get('content-length')) || 0;
      const name = target.pathname.split('/').pop() || 'the file';
      if (total > MAX_WEIGHTS_BYTES) {
        await res.body?.cancel();
        return tooBig(name, total);
      }
      const reader = res.body.getReader();
      const chunks = [];
      let got = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        got += value.length;
        if (got > MAX_WEIGHTS_BYTES) {
          // (no or a false Content-Length: stop reading at the cap)
          await reader.cancel();
          return tooBig(name, got);
        }
        if (total) progress.value = got / total;
      }
      const bytes = new Uint8Array(got);
      let o = 0;
      for (const c of chunks) {
        bytes.set(c, o);
        o += c.length;
      }
      use(bytes, name);
    } catch (err) {
      say(`Could not fetch ${u}: ${err?.message ?? err}`, 'error');
    } finally {
      progress.hidden = true;
    }
  });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    file.value = '';
    if (!f) return;
    if (f.size > MAX_WEIGHTS_BYTES) return tooBig(f.name, f.size);
    use(new Uint8Array(await f.arrayBuffer()), f.name);
  });
  return { update() {} };
}
