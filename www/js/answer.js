// What a wiring answers, in words, and the webcam's steadying of it (issue 12).
//
// The core decides whether a picture is one of the ten kinds it knows (summary.recognised: its
// open-set score at or below the threshold stored with the weights). Every figure that names a
// category says it through answerWords(), so a picture of none of the kinds reads the same
// everywhere: "none of the ten kinds I know; closest: a cube".

import { article, h, percent } from './dom.js';
import { WIRINGS } from './names.js';

/** "a tiger", or "none of the ten kinds I know; closest: a cube". */
export function answerWords(r) {
  const cat = r?.category ?? '?';
  const named = `${article(cat)} ${cat}`;
  return r?.recognised === false ? `none of the ten kinds I know; closest: ${named}` : named;
}

/**
 * answerWords with the probability of the kind named, "a tiger (97 %)", but never beside a
 * refusal: the softmax of a picture of none of the kinds still sums to one, so its largest
 * share says nothing about how sure the model is.
 */
export function answerWithProbability(r) {
  return r?.recognised === false ? answerWords(r) : `${answerWords(r)} (${percent(r?.probability)})`;
}

/**
 * The gauge's scale, in units of the open-set score (energy; lower means more familiar): it
 * runs from SPAN_SURE below the cut-off to SPAN_UNSURE above it, clamped at both ends. Training
 * pushed other pictures' energy up towards −6 (the weights' energy_margins), about 4 above the
 * shipped cut-offs near −10.4, and presets of the ten kinds sit between −12 and −36: the bar
 * spans the refusals' side and the nearer part of the sketches', and fills up beyond it.
 */
export const SPAN_SURE = 14;
export const SPAN_UNSURE = 6;

/** Where a score sits on the gauge, 0 (at or past SPAN_UNSURE above the cut-off) to 1 (sure). */
export function gaugeFraction(score, threshold) {
  const f = (threshold + SPAN_UNSURE - score) / (SPAN_SURE + SPAN_UNSURE);
  return Math.max(0, Math.min(1, f));
}

/**
 * The answer beside the drawing ([data-role="answer"]): for each wiring its kind, its
 * behaviour, and how familiar the picture is, drawn as a bar against the cut-off that decides
 * "one of the ten kinds". The words are for everyone; the bar is hidden from screen readers,
 * which hear the same thing from the page's announcer.
 */
export function buildAnswer() {
  const rows = new Map();
  const el = h('div', { class: 'answer', 'data-role': 'answer' },
    WIRINGS.map((w) => {
      const kind = h('strong', { class: 'answer-kind', 'data-role': 'answer-kind' }, '…');
      const prob = h('span', { class: 'answer-prob', 'data-role': 'answer-probability' });
      const action = h('span', { class: 'answer-action', 'data-role': 'answer-action' });
      const fill = h('span', { class: 'gauge-fill' });
      const cut = h('span', { class: 'gauge-cut' });
      const gauge = h('span', { class: 'gauge', 'aria-hidden': 'true' }, fill, cut);
      const row = h('p', { class: 'answer-row', 'data-wiring-answer': w },
        h('span', { class: 'answer-wiring' }, w === 'stream' ? 'Stream' : 'Hierarchy'),
        h('span', { class: 'answer-text' }, kind, prob, ' ', h('span', { 'aria-hidden': 'true' }, '→ '), action),
        gauge);
      rows.set(w, { row, kind, prob, action, fill, cut, gauge });
      return row;
    }),
    h('p', { class: 'answer-key' },
      'Bar: how familiar the picture looks; past the line it is one of the ten kinds.'));
  return {
    el,
    update(summary) {
      for (const [w, r] of rows) {
        const a = summary?.[w];
        if (!a) continue;
        const known = a.recognised !== false;
        r.row.dataset.recognised = String(known);
        r.kind.textContent = known ? `${article(a.category)} ${a.category}` : 'none of the ten kinds I know';
        r.prob.textContent = known ? ` (${percent(a.probability)})` : `; closest: ${article(a.category)} ${a.category}`;
        r.action.textContent = a.behaviour ?? '';
        const hasCut = Number.isFinite(a.threshold) && Number.isFinite(a.score);
        r.gauge.hidden = !hasCut;
        if (hasCut) {
          r.fill.style.width = `${(100 * gaugeFraction(a.score, a.threshold)).toFixed(1)}%`;
          r.cut.style.left = `${(100 * gaugeFraction(a.threshold, a.threshold)).toFixed(1)}%`;
          const name = a.score_name ?? 'energy';
          r.gauge.title = `open-set score (${name}) ${a.score.toFixed(2)}; cut-off ${a.threshold.toFixed(2)} (lower is more familiar)`;
        }
      }
    },
  };
}

/**
 * Webcam frames: the raw answer can flip from frame to frame as noise moves the score across
 * the threshold. SteadyAnswer smooths each wiring's score and probabilities over frames with an
 * exponential moving average (weight ALPHA for the new frame, so about 1/ALPHA frames of
 * memory), and decides "recognised" with hysteresis: it turns on only when the smoothed score
 * is BAND below the threshold and off only when it is BAND above. Between the two it keeps its
 * last answer. The category shown is the smoothed probabilities' largest, with hysteresis too:
 * another kind takes over only when its smoothed probability is CATEGORY_BAND above the shown
 * one's (near-ties between the closest kinds of a picture that is none of them would flicker).
 */
export const ALPHA = 0.1;
export const BAND = 0.5;
export const CATEGORY_BAND = 0.15;

export class SteadyAnswer {
  constructor() {
    this.state = new Map();
  }

  reset() {
    this.state.clear();
  }

  /**
   * Replace one wiring's summary fields in place with their steadied values. `categories` and
   * `behaviours` are the core's lists (Viewer.categories, Viewer.behaviours), in logit order.
   */
  steady(wiring, r, categories, behaviours) {
    if (!r || !Array.isArray(r.probs) || !Number.isFinite(r.score)) return r;
    let s = this.state.get(wiring);
    if (!s || s.probs.length !== r.probs.length) {
      s = { score: r.score, probs: r.probs.slice(), recognised: r.recognised };
      this.state.set(wiring, s);
    } else {
      s.score += ALPHA * (r.score - s.score);
      s.probs = s.probs.map((p, i) => p + ALPHA * (r.probs[i] - p));
      if (Number.isFinite(r.threshold)) {
        if (s.recognised && s.score > r.threshold + BAND) s.recognised = false;
        else if (!s.recognised && s.score < r.threshold - BAND) s.recognised = true;
      } else {
        s.recognised = true;
      }
    }
    let best = 0;
    s.probs.forEach((p, i) => {
      if (p > s.probs[best]) best = i;
    });
    if (s.shown === undefined || s.probs[best] > s.probs[s.shown] + CATEGORY_BAND) s.shown = best;
    best = s.shown;
    r.score = s.score;
    r.probs = s.probs.slice();
    r.probability = s.probs[best];
    r.category = categories?.[best] ?? r.category;
    r.recognised = s.recognised;
    r.behaviour = s.recognised ? behaviours?.[best] ?? 'keep looking' : 'keep looking';
    return r;
  }
}
