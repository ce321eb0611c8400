// What forms inside the model as it trains, drawn as the lab receives it: V1's read filters
// seen from the eight LGN channels, a few L2/3 receptive fields, and the share of the decision
// each station writes. Blue below zero, red above, on one symmetric scale per picture.

import { h } from '../dom.js';
import { STATIONS } from '../names.js';
import { diverging, signedImage } from '../charts.js';

/** The LGN's eight channels, laid out as the input panel shows them: centre-surround above, edges below. */
const LGN_COLS = 4;
const LGN_ROWS = 2;

/**
 * V1's read filters (8 × M, row-major: row = LGN channel, column = V1 unit) as M small 4×2
 * tiles, one per V1 unit, on one canvas (one pixel a weight, a pixel of gap between tiles; the
 * stylesheet scales it up with crisp pixels).
 * @param {Float32Array | number[]} w
 */
export function filterCanvas(w, label) {
  const m = Math.floor(w.length / 8);
  const cols = Math.min(8, Math.max(1, m));
  const rows = Math.max(1, Math.ceil(m / cols));
  const width = cols * (LGN_COLS + 1) - 1;
  const height = rows * (LGN_ROWS + 1) - 1;
  const canvas = h('canvas', { width, height, class: 'lab-filters', role: 'img', 'aria-label': label, 'data-role': 'v1-filters' });
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  max ||= 1;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(width, height);
  for (let unit = 0; unit < m; unit++) {
    const ox = (unit % cols) * (LGN_COLS + 1);
    const oy = Math.floor(unit / cols) * (LGN_ROWS + 1);
    for (let ch = 0; ch < 8; ch++) {
      const px = ox + (ch % LGN_COLS);
      const py = oy + Math.floor(ch / LGN_COLS);
      const [r, g, b] = diverging(0.5 + (0.5 * w[ch * m + unit]) / max);
      img.data.set([r, g, b, 255], 4 * (py * width + px));
    }
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

/** A few L2/3 receptive fields of one station: count × 64 × 64, one canvas each. */
export function fieldCanvases(station, images) {
  const side = 64;
  const n = Math.floor(images.length / (side * side));
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(signedImage(images.subarray(i * side * side, (i + 1) * side * side), side, `Receptive field of ${station} L2/3 unit ${i + 1}`, 'lab-field'));
  }
  return out;
}

export const SHARE_NAMES = ['thalamic', ...STATIONS];

/**
 * The share of the decision each writer makes (thalamic input, V1 … IT), as bars with their
 * values in words, and what each was at the first look (`start`, {step, shares}) so the shift
 * shows; the hierarchy has no shares (only IT reaches its decision).
 * @param {Float32Array | number[]} shares
 * @param {{step: number, shares: Float32Array | number[]} | null} [start]
 */
export function sharesList(shares, start = null) {
  if (!shares?.length) {
    return h('p', { class: 'lab-note', 'data-role': 'shares' }, 'No split: in the hierarchy only IT’s write reaches the decision.');
  }
  const max = Math.max(...Array.from(shares, (v) => Math.abs(v))) || 1;
  return h('ol', { class: 'lab-shares', 'data-role': 'shares' },
    SHARE_NAMES.map((name, i) => {
      const v = shares[i] ?? 0;
      const bar = h('span', { class: `lab-share-bar${v < 0 ? ' negative' : ''}` });
      // Width through the CSSOM (the CSP forbids style attributes).
      bar.style.width = `${Math.round((100 * Math.abs(v)) / max)}%`;
      return h('li', { 'data-station': name, 'data-value': v.toFixed(4) },
        h('span', { class: 'lab-share-name' }, name),
        h('span', { class: 'lab-share-track' }, bar),
        h('span', { class: 'lab-share-value' }, `${Math.round(v * 100)} %`),
        start?.shares?.length ? h('span', { class: 'lab-share-was' }, `${Math.round((start.shares[i] ?? 0) * 100)} % at step ${start.step}`) : null);
    }));
}
