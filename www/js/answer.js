// What a wiring answers, in words, and the webcam's steadying of it (issue 12).
//
// The core decides whether a picture is one of the ten kinds it knows (summary.recognised: its
// open-set score at or below the threshold stored with the weights). Every figure that names a
// category says it through answerWords(), so a picture of none of the kinds reads the same
// everywhere: "none of the ten kinds I know; closest: a cube".

import { article } from './dom.js';

/** "a tiger", or "none of the ten kinds I know; closest: a cube". */
export function answerWords(r) {
  const cat = r?.category ?? '?';
  const named = `${article(cat)} ${cat}`;
  return r?.recognised === false ? `none of the ten kinds I know; closest: ${named}` : named;
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
