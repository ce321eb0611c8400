// The input panel: the paper (draw with mouse, pen or finger; undo, clear), presets, upload or
// drop an image, the webcam; and what the retina sends (the 64×64 adapted image and the eight
// LGN channels). Every source is painted into the paper, which is the one thing the model reads.

import { h, uid } from '../dom.js';
import { DrawingInput } from '../input.js';
import { PRESET_KINDS } from '../app.js';

const KIND_LABELS = { bars: 'bars (edges)', grating: 'grating', noise: 'white noise' };

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

  const inputView = h('canvas', { class: 'map', 'data-view': 'input', width: 1, height: 1, role: 'img', 'aria-label': 'The 64 by 64 light-adapted image the retina sees' });
  const lgnView = h('canvas', { class: 'map', 'data-view': 'lgn', width: 1, height: 1, role: 'img', 'aria-label': 'The eight LGN channels, 32 by 32 each: ON and OFF centre-surround at two scales, and four oriented edge channels' });

  root.append(
    h('div', { class: compact ? 'input-row compact' : 'input-row' },
      h('div', { class: 'panel input-panel' },
        h('h3', { class: 'panel-title', id: `${id}-title` }, 'Your input'),
        paperCanvas,
        h('p', { class: 'help', id: `${id}-help` }, 'Draw with a mouse, pen or finger, or drop an image here. Every figure follows.'),
        h('div', { class: 'buttons' }, undo, clear),
        h('div', { class: 'sources' },
          h('label', { for: `${id}-preset`, class: 'control-label' }, 'Preset'),
          h('div', { class: 'buttons' }, presetSelect, another),
          h('div', { class: 'buttons' }, fileInput, fileLabel, camButton),
        ),
        message,
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

  // ---- presets: every category, bars, gratings, noise ----
  let variant = 0;
  const fillPresets = () => {
    if (presetSelect.options.length > 1) return;
    const cats = h('optgroup', { label: 'Sketches (the categories)' },
      app.categories.map((c) => h('option', { value: c }, c)));
    const kinds = h('optgroup', { label: 'Test stimuli' },
      PRESET_KINDS.map((k) => h('option', { value: k }, KIND_LABELS[k])));
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
    try {
      const bitmap = await createImageBitmap(file);
      stopCamera(false);
      app.source = { kind: 'upload' };
      paper.setBackground(bitmap, { width: bitmap.width, height: bitmap.height });
      presetSelect.value = '';
      another.disabled = true;
      say(`Showing ${file.name || 'your image'} (${bitmap.width}×${bitmap.height}); it stays on this machine.`);
    } catch {
      say(`${file.name || 'That file'} could not be read as an image.`, 'error');
    }
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
    if (!md?.getUserMedia) {
      say('This browser offers no camera to this page (a camera needs https or localhost).', 'error');
      return;
    }
    say('Asking for the camera…');
    try {
      stream = await md.getUserMedia({ video: { width: { ideal: 320 }, height: { ideal: 240 } }, audio: false });
    } catch (err) {
      stream = null;
      const name = err?.name ?? '';
      if (name === 'NotAllowedError' || name === 'SecurityError') say('The camera was refused. Drawing, presets and uploads still work.', 'error');
      else if (name === 'NotFoundError' || name === 'OverconstrainedError') say('No camera was found. Drawing, presets and uploads still work.', 'error');
      else say(`The camera could not start (${err?.message ?? name}).`, 'error');
      return;
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
      if (video.videoWidth > 0) paper.setBackground(video, { width: video.videoWidth, height: video.videoHeight, record: false });
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
    update(summary, a) {
      fillPresets();
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
