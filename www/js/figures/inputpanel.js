// The input panel: the paper (draw with mouse, pen or finger; undo, clear), presets, upload or
// drop an image, the webcam; and what the retina sends (the 64×64 adapted image and the eight
// LGN channels). Every source is painted into the paper, which is the one thing the model reads.

import { h, uid } from '../dom.js';
import { DrawingInput } from '../input.js';
import { PRESET_KINDS, PRESET_LABELS } from '../names.js';
import { buildAnswer } from '../answer.js';

/** The largest side an uploaded image keeps: bigger ones are decoded downscaled. */
const MAX_SIDE = 1024;
/** Files larger than this are not read at all. */
const MAX_BYTES = 64 * 1024 * 1024;
/**
 * The most pixels (width × height) an image may declare: larger ones are refused from their
 * header, before anything is decoded. The command line's limit (issue 22; its input::MAX_PIXELS,
 * 2²⁶ = 8192 × 8192, which every phone's full-resolution photo passes).
 */
export const MAX_PIXELS = 67_108_864;

/** The reader's sentence for an image over MAX_PIXELS. */
export function tooLarge(name, width, height) {
  return `${name} was not read: too large: ${width}×${height}, at most ${MAX_PIXELS.toLocaleString('en-GB')} pixels.`;
}

/**
 * The pixel size an image file's header declares (PNG, JPEG, GIF, WebP, BMP), its format, or
 * null when the bytes are not one of these formats. Only the first bytes are read.
 * @param {Uint8Array} b
 */
export function imageHeader(b) {
  const u16be = (o) => (b[o] << 8) | b[o + 1];
  const u16le = (o) => b[o] | (b[o + 1] << 8);
  const u24le = (o) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
  const u32be = (o) => ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
  const u32le = (o) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + ((b[o + 3] << 24) >>> 0);
  const ascii = (o, n) => String.fromCharCode(...b.subarray(o, o + n));
  if (b.length >= 24 && b[0] === 0x89 && ascii(1, 3) === 'PNG') return { format: 'PNG', width: u32be(16), height: u32be(20) };
  if (b.length >= 10 && ascii(0, 4) === 'GIF8') return { format: 'GIF', width: u16le(6), height: u16le(8) };
  if (b.length >= 26 && ascii(0, 2) === 'BM') return { format: 'BMP', width: Math.abs(u32le(18) | 0), height: Math.abs(u32le(22) | 0) };
  if (b.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    const kind = ascii(12, 4);
    if (kind === 'VP8 ') return { format: 'WebP', width: u16le(26) & 0x3fff, height: u16le(28) & 0x3fff };
    if (kind === 'VP8L') {
      const v = u32le(21);
      return { format: 'WebP', width: (v & 0x3fff) + 1, height: ((v >>> 14) & 0x3fff) + 1 };
    }
    if (kind === 'VP8X') return { format: 'WebP', width: u24le(24) + 1, height: u24le(27) + 1 };
    return { format: 'WebP', width: 0, height: 0 };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    // JPEG: walk the markers to the first start-of-frame.
    let o = 2;
    while (o + 9 < b.length) {
      if (b[o] !== 0xff) return { format: 'JPEG', width: 0, height: 0 };
      const marker = b[o + 1];
      if (marker === 0xff) {
        o += 1;
        continue;
      }
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { format: 'JPEG', width: u16be(o + 7), height: u16be(o + 5) };
      }
      o += 2 + u16be(o + 2);
    }
    return { format: 'JPEG', width: 0, height: 0 };
  }
  return null;
}

/**
 * Decode an image file into something no larger than MAX_SIDE a side: when the header says it
 * is bigger, createImageBitmap downscales it while decoding; otherwise a bitmap that turns out
 * too big is drawn into a bounded canvas. Throws an Error whose message is for the reader.
 * @param {File} file
 * @returns {Promise<{image: CanvasImageSource, width: number, height: number, original: {width: number, height: number}}>}
 */
export async function decodeBounded(file) {
  const name = file.name || 'That file';
  if (file.size === 0) throw new Error(`${name} is empty, so it could not be read as an image.`);
  if (file.size > MAX_BYTES) throw new Error(`${name} is too large to read (${Math.round(file.size / 1048576)} MB; the limit is ${MAX_BYTES / 1048576} MB).`);
  const head = new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer());
  const header = imageHeader(head);
  if (!header && !/^image\/svg/.test(file.type)) {
    throw new Error(`${name} could not be read as an image: it is not a PNG, JPEG, GIF, WebP or BMP file.`);
  }
  const declared = header && header.width > 0 && header.height > 0 ? header : null;
  if (declared && declared.width * declared.height > MAX_PIXELS) throw new Error(tooLarge(name, declared.width, declared.height));
  let bitmap;
  try {
    if (declared && Math.max(declared.width, declared.height) > MAX_SIDE) {
      const k = MAX_SIDE / Math.max(declared.width, declared.height);
      bitmap = await createImageBitmap(file, {
        resizeWidth: Math.max(1, Math.round(declared.width * k)),
        resizeHeight: Math.max(1, Math.round(declared.height * k)),
        resizeQuality: 'medium',
      });
    } else {
      bitmap = await createImageBitmap(file);
    }
  } catch (err) {
    throw new Error(`${name} could not be read as an image: the ${header?.format ?? 'image'} data is damaged or cut short (${err?.message ?? err}).`);
  }
  // A size the header did not tell (an SVG, a JPEG whose frame header lies past the bytes read).
  if (!declared && bitmap.width * bitmap.height > MAX_PIXELS) {
    bitmap.close();
    throw new Error(tooLarge(name, bitmap.width, bitmap.height));
  }
  const original = declared ? { width: declared.width, height: declared.height } : { width: bitmap.width, height: bitmap.height };
  if (Math.max(bitmap.width, bitmap.height) <= MAX_SIDE) return { image: bitmap, width: bitmap.width, height: bitmap.height, original };
  const k = MAX_SIDE / Math.max(bitmap.width, bitmap.height);
  const c = document.createElement('canvas');
  c.width = Math.max(1, Math.round(bitmap.width * k));
  c.height = Math.max(1, Math.round(bitmap.height * k));
  c.getContext('2d').drawImage(bitmap, 0, 0, c.width, c.height);
  bitmap.close();
  return { image: c, width: c.width, height: c.height, original };
}

/** True when every pixel of the canvas has the same colour (nothing for the model to see). */
function isUniform(canvas, ctx) {
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const words = new Uint32Array(data.buffer, data.byteOffset, data.byteLength >> 2);
  const first = words[0];
  for (let i = 1; i < words.length; i++) if (words[i] !== first) return false;
  return true;
}

/**
 * @param {HTMLElement} root  an empty container
 * @param {import('../app.js').App} app
 * @param {{compact?: boolean}} [opts]  compact: no retina views (for embeds of other figures)
 */
export function mountInputPanel(root, app, { compact = false } = {}) {
  const id = uid('input');
  const paperCanvas = h('canvas', {
    'data-role': 'input', class: 'paper', width: 256, height: 256, role: 'img', tabindex: '-1',
    'aria-labelledby': `${id}-title`, 'aria-describedby': `${id}-help`,
  }, 'Drawing surface');
  const undo = h('button', { type: 'button', 'data-action': 'undo', 'aria-label': 'Undo the last change', disabled: true }, 'Undo');
  const clear = h('button', { type: 'button', 'data-action': 'clear', 'aria-label': 'Clear the input', disabled: true }, 'Clear');

  const presetSelect = h('select', { 'data-control': 'preset', id: `${id}-preset` },
    h('option', { value: '' }, 'Choose a stimulus…'));
  const another = h('button', { type: 'button', 'data-action': 'preset-next', disabled: true, 'aria-label': 'Another sample of this stimulus' }, 'Another');
  const fileInput = h('input', { type: 'file', accept: 'image/*', 'data-control': 'upload', id: `${id}-file`, class: 'file-input' });
  const fileLabel = h('label', { for: `${id}-file`, class: 'button-like' }, 'Upload an image');
  const camButton = h('button', { type: 'button', 'data-action': 'webcam', 'aria-pressed': 'false' }, 'Use the webcam');
  const message = h('p', { class: 'input-message', 'data-role': 'input-message', role: 'status' });
  const note = h('p', { class: 'input-message', 'data-role': 'input-note' });

  // The model's answer sits directly under the paper, so it is in view while the reader draws.
  const answer = buildAnswer();
  const inputView = h('canvas', { class: 'map', 'data-view': 'input', width: 1, height: 1, role: 'img', 'aria-label': 'The 64 by 64 light-adapted image the retina sees' });
  const lgnView = h('canvas', { class: 'map', 'data-view': 'lgn', width: 1, height: 1, role: 'img', 'aria-label': 'The eight LGN channels, 32 by 32 each: ON and OFF centre-surround at two scales, and four oriented edge channels' });

  root.append(
    h('div', { class: compact ? 'input-row compact' : 'input-row' },
      h('div', { class: 'panel input-panel' },
        h('h3', { class: 'panel-title', id: `${id}-title` }, 'Your input'),
        paperCanvas,
        answer.el,
        h('p', { class: 'help', id: `${id}-help` }, 'Draw with a mouse, pen or finger, or drop an image here. Every figure follows.'),
        h('div', { class: 'buttons' }, undo, clear),
        h('div', { class: 'sources' },
          h('label', { for: `${id}-preset`, class: 'control-label' }, 'Preset'),
          h('div', { class: 'buttons' }, presetSelect, another),
          h('div', { class: 'buttons' }, fileInput, fileLabel, camButton),
        ),
        message,
        note,
      ),
      compact ? null : h('div', { class: 'panel retina-panel' },
        h('h3', { class: 'panel-title' }, 'What the retina sends'),
        h('div', { class: 'retina-views' },
          h('figure', { class: 'layer' }, inputView,
            h('figcaption', {}, h('span', { class: 'layer-name' }, 'Retina'), ' ', h('span', { class: 'layer-what' }, '64×64, light adapted'))),
          h('figure', { class: 'layer' }, lgnView,
            h('figcaption', {}, h('span', { class: 'layer-name' }, 'LGN'), ' ', h('span', { class: 'layer-what' },
              '8 channels, 32×32: ON and OFF at two scales (top row), edge cells at 0°, 45°, 90°, 135° (bottom row)'))),
        ),
      ),
    ),
  );

  const paper = new DrawingInput(paperCanvas, { undoButton: undo, clearButton: clear });
  app.setPaper(paper);

  const say = (text, kind = 'info') => {
    message.textContent = text;
    message.dataset.kind = kind;
  };

  // An empty or one-colour picture gives every station nothing to do: say so, once it is settled.
  const checkBlank = () => {
    let blank = false;
    try {
      blank = isUniform(paper.canvas, paper.ctx);
    } catch {
      blank = false;
    }
    note.dataset.blank = String(blank);
    note.textContent = blank
      ? 'The input is blank (one flat colour everywhere), so there is no edge for the retina to report and every station rests. Draw something, choose a preset or upload an image.'
      : '';
  };
  paper.addEventListener('drawingchange', (/** @type {CustomEvent} */ e) => {
    const reason = e.detail?.reason;
    // A live frame is checked only while the note says blank: the webcam starts on empty paper,
    // and its first frame must take the note away.
    if (reason !== 'draw' && (reason !== 'live' || note.dataset.blank === 'true')) checkBlank();
  });
  checkBlank();

  // ---- presets: every category, bars, gratings, noise ----
  let variant = 0;
  const fillPresets = () => {
    if (presetSelect.options.length > 1) return;
    const cats = h('optgroup', { label: 'Sketches (the categories)' },
      app.categories.map((c) => h('option', { value: c }, c)));
    const kinds = h('optgroup', { label: 'Test stimuli' },
      PRESET_KINDS.map((k) => h('option', { value: k }, PRESET_LABELS[k])));
    presetSelect.append(cats, kinds);
  };
  const usePreset = (name, v) => {
    if (!name) return;
    try {
      stopCamera(false);
      app.loadPreset(name, v);
      presetSelect.value = name;
      another.disabled = false;
      say(`Showing ${name === 'noise' ? 'white noise' : name}, sample ${v + 1}.`);
    } catch (err) {
      say(`That preset could not be made: ${err?.message ?? err}`, 'error');
    }
  };
  presetSelect.addEventListener('change', () => {
    variant = 0;
    usePreset(presetSelect.value, variant);
  });
  another.addEventListener('click', () => {
    variant += 1;
    usePreset(presetSelect.value, variant);
  });

  // ---- upload and drop ----
  const useFile = async (file) => {
    if (!file) return;
    let decoded;
    try {
      decoded = await decodeBounded(file);
    } catch (err) {
      say(String(err?.message ?? `${file.name || 'That file'} could not be read as an image.`), 'error');
      return;
    }
    const { image, width, height, original } = decoded;
    stopCamera(false);
    app.source = { kind: 'upload' };
    presetSelect.value = '';
    another.disabled = true;
    const size = `${original.width}×${original.height}`;
    const notes = [];
    if (width !== original.width || height !== original.height) notes.push(`scaled down to ${width}×${height}`);
    if (Math.max(original.width, original.height) < 16) notes.push('a very small image, stretched to fill the retina');
    say(`Showing ${file.name || 'your image'} (${size}${notes.length ? `, ${notes.join('; ')}` : ''}); it stays on this machine.`);
    paper.setBackground(image, { width, height });
  };
  fileInput.addEventListener('change', () => {
    useFile(fileInput.files?.[0]);
    fileInput.value = '';
  });
  paperCanvas.addEventListener('dragover', (e) => {
    e.preventDefault();
    paperCanvas.classList.add('dropping');
  });
  paperCanvas.addEventListener('dragleave', () => paperCanvas.classList.remove('dropping'));
  paperCanvas.addEventListener('drop', (e) => {
    e.preventDefault();
    paperCanvas.classList.remove('dropping');
    useFile(e.dataTransfer?.files?.[0]);
  });

  // ---- webcam: frames are painted into the paper, live; stopping keeps the last frame ----
  let stream = null;
  let video = null;
  let frameLoop = 0;
  let starting = false;
  /** Paint the webcam's current frame into the paper (live: not kept in the undo history). */
  const paintFrame = () => {
    if (video && video.videoWidth > 0) paper.setBackground(video, { width: video.videoWidth, height: video.videoHeight, record: false });
  };
  const stopCamera = (keep = true) => {
    if (!stream) return;
    cancelAnimationFrame(frameLoop);
    if (keep && video && video.videoWidth > 0) {
      const still = document.createElement('canvas');
      still.width = video.videoWidth;
      still.height = video.videoHeight;
      still.getContext('2d').drawImage(video, 0, 0);
      paper.setBackground(still);
    }
    for (const t of stream.getTracks()) t.stop();
    stream = null;
    video = null;
    camButton.setAttribute('aria-pressed', 'false');
    camButton.textContent = 'Use the webcam';
  };
  const startCamera = async () => {
    const md = navigator.mediaDevices;
    if (starting) return;
    if (!md?.getUserMedia) {
      say('This browser offers no camera to this page (a camera needs https or localhost).', 'error');
      return;
    }
    say('Asking for the camera…');
    starting = true;
    try {
      stream = await md.getUserMedia({ video: { width: { ideal: 320 }, height: { ideal: 240 } }, audio: false });
    } catch (err) {
      stream = null;
      starting = false;
      const name = err?.name ?? '';
      if (name === 'NotAllowedError' || name === 'SecurityError') say('The camera was refused. Drawing, presets and uploads still work.', 'error');
      else if (name === 'NotFoundError' || name === 'OverconstrainedError') say('No camera was found. Drawing, presets and uploads still work.', 'error');
      else say(`The camera could not start (${err?.message ?? name}).`, 'error');
      return;
    }
    starting = false;
    const mine = stream;
    // Unplugged, or stopped by the system: keep the last frame and say what happened.
    for (const track of mine.getVideoTracks()) {
      track.addEventListener('ended', () => {
        if (stream !== mine) return;
        stopCamera(true);
        say('The camera stopped (was it unplugged, or taken by another program?). The last frame is kept; drawing, presets and uploads still work.', 'error');
      });
    }
    video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    try {
      await video.play();
    } catch {
      // some browsers play muted video without being asked; frames are checked below
    }
    app.source = { kind: 'webcam' };
    presetSelect.value = '';
    another.disabled = true;
    camButton.setAttribute('aria-pressed', 'true');
    camButton.textContent = 'Stop the webcam';
    say('The webcam is live; its frames never leave this machine. Stop it to keep the last frame.');
    const tick = () => {
      if (!video) return;
      paintFrame();
      frameLoop = requestAnimationFrame(tick);
    };
    paper.setBackground(blankLike(), { record: true });
    tick();
  };
  const blankLike = () => {
    const c = document.createElement('canvas');
    c.width = 4;
    c.height = 4;
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 4, 4);
    return c;
  };
  camButton.addEventListener('click', () => (stream ? stopCamera(true) : startCamera()));

  return {
    paper,
    usePreset,
    useFile,
    stopCamera,
    /** the live path's next frame (the soak test drives it through App.frame) */
    tick: paintFrame,
    update(summary, a) {
      fillPresets();
      answer.update(summary);
      const want = a.source.kind === 'preset' ? a.source.name : '';
      if (presetSelect.value !== want) {
        presetSelect.value = want;
        another.disabled = !want;
        if (want) variant = a.source.variant ?? 0;
      }
      if (!compact) {
        a.viewer.draw_input(inputView);
        a.viewer.draw_lgn(lgnView);
      }
    },
  };
}
