// The article's conclusion, chosen by the pattern of words in Table 1 (issue 25). Like the
// sentences in claims.js, every sentence here was written before the runs whose words pick it:
// the page only chooses. Nothing here knows which way a result went.

import { h } from './dom.js';
import { CLAIMS } from './experiments/claims.js';

/** The post's three predictions, and the claims it says are already known. */
const PREDICTIONS = CLAIMS.filter((c) => c.origin === 'prediction');
const POSTDICTIONS = CLAIMS.filter((c) => c.origin === 'postdiction');

/** "Edges, Variability and Deletion" from the claims' titles, without their "(prediction N)". */
function named(claims) {
  const names = claims.map((c) => c.title.replace(/\s*\(prediction \d\)$/, '').toLowerCase());
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * The closing paragraphs for a pattern of words.
 * @param {Record<string, string>} words  each claim's word by its id ('' where there is none)
 * @returns {string[]}
 */
export function closingSentences(words) {
  const word = (c) => words[c.id] ?? '';
  const having = (claims, w) => claims.filter((c) => word(c) === w);
  const judged = CLAIMS.filter((c) => word(c) && word(c) !== 'not judged');
  const out = [];
  if (!judged.length) {
    out.push('Our model cannot answer the post yet. For no claim has a measure shown, on a model built to have the property, that it can find it, so no verdict is drawn: the table gives the numbers and says, row by row, why they decide nothing. That is a result about our measures, not about the stream reading or the ladder.');
  } else {
    const supported = having(PREDICTIONS, 'supported');
    const opposite = having(PREDICTIONS, 'opposite');
    const absent = having(PREDICTIONS, 'absent');
    const open = PREDICTIONS.filter((c) => !['supported', 'opposite', 'absent', 'built in'].includes(word(c)));
    if (supported.length === PREDICTIONS.length) {
      out.push('All three of the post’s predictions hold in our model, each beyond the smallest effect we said would count: in a network wired as a stream, edges stay readable along layer 5, variability arrives from every earlier station, and part of the thalamic input is deleted.');
    } else if (opposite.length) {
      out.push(`Our model goes against the post on ${named(opposite)}: the effect lies the other way from the prediction, across the seeds.${supported.length ? ` It agrees on ${named(supported)}.` : ''}`);
    } else if (supported.length) {
      out.push(`Of the post’s three predictions, ${named(supported)} ${supported.length === 1 ? 'holds' : 'hold'} in our model; ${named(PREDICTIONS.filter((c) => !supported.includes(c)))} ${PREDICTIONS.length - supported.length === 1 ? 'does' : 'do'} not, or not yet.`);
    } else if (absent.length === PREDICTIONS.length) {
      out.push('None of the post’s three predictions shows in our model, and the intervals are narrow enough to say so: each effect lies within the smallest effect that would count. A network wired as a stream need not behave as the post predicts; whether one that uses its stream does is the question the model variants are for.');
    } else if (absent.length) {
      out.push(`Our model shows no ${named(absent)} worth the name, within the smallest effect that would count; ${named(open)} ${open.length === 1 ? 'is' : 'are'} still open.`);
    } else {
      out.push('Our model leaves the post’s three predictions open: the seeds disagree, or the measures cannot yet tell.');
    }
    const builtIn = having(CLAIMS, 'built in');
    if (builtIn.length) {
      out.push(`For ${named(builtIn)}, untrained models with the same wiring already show at least half the effect: the wiring and the fixed retina give it, not what the stations learned.`);
    }
    const postSupported = having(POSTDICTIONS, 'supported');
    if (postSupported.length) {
      out.push(`Of what the post says is already known, the claim${postSupported.length === 1 ? '' : 's'} on ${named(postSupported)} ${postSupported.length === 1 ? 'comes' : 'come'} out in the stream more than in the hierarchy: there the stream reading fits our model better than the ladder does.`);
    }
  }
  out.push('Every word here is an answer about a small network on synthetic sketches, and it speaks to the post only where the model uses its stream as a residual stream: bypassing a station, reading an early write back late. We measure that separately, by an index written down before any variant of the model was trained; the limitations below say how far the shipped model is from it.');
  return out;
}

/**
 * Writes the closing paragraphs into `box` once Table 1 has its words (its data-state
 * 'filled'), and again if they change.
 * @param {HTMLElement} box
 * @param {HTMLTableElement} table
 */
export function mountClosing(box, table) {
  const render = () => {
    if (table.dataset.state !== 'filled') return;
    const words = Object.fromEntries([...table.querySelectorAll('tr[data-claim]')].map((r) => [r.getAttribute('data-claim'), r.getAttribute('data-word') ?? '']));
    box.replaceChildren(...closingSentences(words).map((s) => h('p', {}, s)));
    box.dataset.state = 'filled';
  };
  new MutationObserver(render).observe(table, { attributes: true, attributeFilter: ['data-state'] });
  render();
}
