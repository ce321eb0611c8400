// The view's state in the URL's fragment, so that a view can be shared:
//   #input=preset:tiger:2&strokes=…&lesion=stream.V2,hierarchy.V4
// Strokes are quantised to 1/4096 of the side, two base64url characters a coordinate,
// strokes separated by "~". Uploads and webcam frames are not put in the URL (they stay on
// the reader's machine).

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/**
 * The most points a link holds: what encodeStrokes writes at most, and what a link is read to.
 * A long drawing fits: the ten hand-drawn test pictures on one paper make 36 strokes, 1,094 points.
 */
export const MAX_POINTS = 1500;

function encodeStrokes(strokes) {
  let budget = MAX_POINTS;
  const out = [];
  for (const points of strokes) {
    let s = '';
    let last = null;
    for (const [x, y] of points) {
      if (budget <= 0) break;
      if (last && Math.hypot(x - last[0], y - last[1]) < 0.004) continue;
      last = [x, y];
      budget -= 1;
      for (const v of [x, y]) {
        const q = Math.max(0, Math.min(4095, Math.round(v * 4095)));
        s += B64[q >> 6] + B64[q & 63];
      }
    }
    if (s) out.push(s);
  }
  return out.join('~');
}

/** The strokes of a link, at most MAX_POINTS points in all; `cut` says there were more. */
function decodeStrokes(text) {
  const strokes = [];
  let left = MAX_POINTS;
  let cut = false;
  for (const s of text.split('~')) {
    const points = [];
    for (let i = 0; i + 3 < s.length; i += 4) {
      const q = (j) => (B64.indexOf(s[i + j]) << 6) | B64.indexOf(s[i + j + 1]);
      const x = q(0) / 4095;
      const y = q(2) / 4095;
      if (!(Number.isFinite(x) && Number.isFinite(y) && x >= 0 && y >= 0)) continue;
      if (left === 0) {
        cut = true;
        break;
      }
      points.push([x, y]);
      left -= 1;
    }
    if (points.length) strokes.push(points);
    if (cut) break;
  }
  return { strokes, cut };
}

export function readState(hash = location.hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const state = { figure: p.get('figure'), preset: null, strokes: [], strokesCut: false, lesions: [] };
  const input = p.get('input');
  if (input?.startsWith('preset:')) {
    const [, name, v] = input.split(':');
    state.preset = { name, variant: Math.max(0, parseInt(v, 10) || 0) };
  }
  if (p.get('strokes')) ({ strokes: state.strokes, cut: state.strokesCut } = decodeStrokes(p.get('strokes')));
  const lesion = p.get('lesion');
  if (lesion) state.lesions = lesion.split(',').filter((k) => /^(stream|hierarchy)\.(V1|V2|V4|IT)$/.test(k));
  return state;
}

/** The fragment for the app's current state (other keys, like figure=, are kept). */
export function writeState(app) {
  const p = new URLSearchParams(location.hash.replace(/^#/, ''));
  for (const k of ['input', 'strokes', 'lesion']) p.delete(k);
  if (app.source.kind === 'preset') p.set('input', `preset:${app.source.name}:${app.source.variant}`);
  const strokes = app.paper?.getStrokes() ?? [];
  if (strokes.length && app.source.kind !== 'upload' && app.source.kind !== 'webcam') p.set('strokes', encodeStrokes(strokes));
  if (app.lesions.size) p.set('lesion', [...app.lesions].sort().join(','));
  const text = p.toString();
  const url = `${location.pathname}${location.search}${text ? `#${text}` : ''}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
}

/**
 * A name from a link as it may be shown: invisible, control and direction-changing characters
 * (which could make the sentence around it read otherwise) as "�", and at most 40 characters.
 */
export function shownName(name) {
  const clean = String(name).replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g, '\ufffd');
  const chars = [...clean];
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : clean;
}

/** Apply a state read from the URL to an app that has started. */
export function applyState(app, state) {
  for (const key of state.lesions) {
    const [w, s] = key.split('.');
    app.setLesion(w, s, true);
  }
  if (state.preset) {
    try {
      app.loadPreset(state.preset.name, state.preset.variant);
    } catch {
      // An unknown preset in a shared link: said, and the paper starts blank.
      app.noticeSink(`This link asks for a preset called “${shownName(state.preset.name)}”, which this page does not have; the paper starts blank.`);
    }
  }
  if (state.strokes.length) app.paper.setStrokes(state.strokes);
  if (state.strokesCut) {
    app.noticeSink(`The drawing in this link has more than ${MAX_POINTS} points (more than this page ever writes); only the first ${MAX_POINTS} are shown.`);
  }
}
