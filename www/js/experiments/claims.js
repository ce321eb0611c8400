// What the article says about each of the post's claims, one sentence for each verdict word.
// The word is computed natively from the seeds (src/experiments/verdict.rs) and read from the
// results file; the page only chooses the sentence. Nothing here says which way a result went:
// that is the word's job. Every claim has all four words, so a rerun that flips a result
// flips the prose with it.

import { CLAIM_IDS, EXPERIMENTS } from '../names.js';

/** The verdict words, as the results file spells them. */
export const WORDS = /** @type {const} */ (['supported', 'built in', 'not supported', 'inconclusive']);

/**
 * One entry per experiment of the registry, in its order: the experiment, a short title for its
 * claim, and a sentence per word. The claim's id comes from names.js.
 * @type {{experiment: string, title: string, sentences: Record<string, string>}[]}
 */
const ENTRIES = [
  {
    experiment: 'edge-probe',
    title: 'Edges (prediction 1)',
    sentences: {
      supported: 'Across the seeds the stream keeps edge orientation more decodable in layer 5 than the hierarchy, by more than the margin. In this model, then, the residual wiring carries edges further; it says nothing yet about whether cortex does.',
      'built in': 'The stream keeps edge orientation more decodable in layer 5, but untrained models with the same wiring and the same fixed retina already do so by at least half as much: the difference comes from the wiring and the hand-built edge cells, not from learning, so it is weak evidence for the post’s point.',
      'not supported': 'Across the seeds the stream does not keep edge orientation more decodable in layer 5 than the hierarchy by the margin we set: both wirings keep edges about equally well, or the hierarchy keeps them better. A difference of degree, if there is one, is too small for this model to show.',
      inconclusive: 'The seeds disagree about whether the stream keeps edge orientation more decodable in layer 5 than the hierarchy: the interval of the difference includes both no effect and an effect of the size we set as the margin. More seeds, or a harder edge task, would be needed to say.',
    },
  },
  {
    experiment: 'variability',
    title: 'Variability (prediction 2)',
    sentences: {
      supported: 'Across the seeds, the stations before the previous one explain more of a station’s layer-5 variability than a permutation null does, by more than the margin. In this model variability does arrive from earlier stations directly; which layer of the previous station serves as the regressor (and so which definition of “preceding area” this answers) is named with the numbers below.',
      'built in': 'Earlier stations explain more of a station’s layer-5 variability than the permutation null, but untrained models with the same wiring do so almost as much: the extra variance is carried by the skip connections themselves, before any learning, so the wiring answers the question rather than what the stations learned.',
      'not supported': 'Across the seeds, the stations before the previous one add no more to a station’s layer-5 variability than the permutation null, within the margin: in this model, what the previous station carries accounts for the variability.',
      inconclusive: 'The seeds disagree about whether earlier stations add to a station’s layer-5 variability beyond the permutation null: the interval spans both no effect and the margin. The question stays open for this model.',
    },
  },
  {
    experiment: 'deletion',
    title: 'Deletion (prediction 3)',
    sentences: {
      supported: 'Across the seeds, the stations’ writes cancel part of the thalamic component of what they read, by more than the margin. This is what the post calls memory management; in our model it appears without any task that asks for room in the stream.',
      'built in': 'The writes cancel part of the thalamic component, but untrained models cancel about as much: the cancelling is a property of random read and write maps, not something the stations learned, so it is no evidence of deletion as the post means it.',
      'not supported': 'Across the seeds, the stations’ writes do not cancel the thalamic component of their input beyond the margin: our model does not delete. Nothing in its training asked it to free room in the stream; the streams 16 and 8 wide and the model trained without the edge task, below, ask whether less room or a lighter task makes it delete.',
      inconclusive: 'The seeds disagree about whether the writes cancel part of the thalamic component: the interval spans both no cancelling and cancelling of the size we set as the margin.',
    },
  },
  {
    experiment: 'receptive-fields',
    title: 'Receptive fields',
    sentences: {
      supported: 'Across the seeds, receptive fields measured twice with independent noise agree better early in the stream than late, by more than the margin. Early units have stable maps; later ones are less well described by a single map.',
      'built in': 'Receptive fields are more reliable early than late, but untrained models show the same fall: any deep stack of random filters blurs its maps with depth, so this says little about what the trained stations do.',
      'not supported': 'Across the seeds, receptive fields are not more reliable early than late by the margin: in this model single maps describe late units about as well, or as badly, as early ones.',
      inconclusive: 'The seeds disagree about whether receptive fields are more reliable early than late: the interval spans both no difference and the margin.',
    },
  },
  {
    experiment: 'sparseness',
    title: 'No grandmother cells',
    sentences: {
      supported: 'Across the seeds, the last station’s units are each driven by several categories, beyond the margin: a combinatorial code rather than grandmother cells, in this model.',
      'built in': 'The last station’s units are each driven by several categories, but so are the untrained models’ units: a code spread over several categories is what an untrained network gives too, so the finding does not speak for the stream reading.',
      'not supported': 'Across the seeds, the last station’s units are not driven by more categories than the null by the margin: their code is closer to one category per unit than the post expects.',
      inconclusive: 'The seeds disagree about how many categories drive the last station’s units: the interval spans both the null and the margin.',
    },
  },
  {
    experiment: 'tuning',
    title: 'Does V1 look like V1?',
    sentences: {
      supported: 'Across the seeds, the first station’s orientation tuning resembles the published macaque V1 distributions more than the null does, by more than the margin. The similarity scores are in the tuning figure.',
      'built in': 'The first station’s tuning resembles macaque V1, but the untrained models’ tuning does nearly as well: the resemblance comes mostly from the fixed retina and LGN, not from learning.',
      'not supported': 'Across the seeds, the first station’s tuning does not resemble the published macaque V1 distributions more than the null, within the margin: our V1 is not a good model of macaque V1 on these measures.',
      inconclusive: 'The seeds disagree about how well the first station’s tuning resembles macaque V1: the interval spans both the null and the margin.',
    },
  },
  {
    experiment: 'lesion',
    title: 'Paths',
    sentences: {
      supported: 'Across the seeds, removing one station costs the stream less category accuracy than removing one costs the hierarchy, by more than the margin, under the lesion named with the numbers below (a fair one lets the signal bypass the hierarchy’s station rather than zeroing it). Four stations are still too few to show the near-immunity Veit and colleagues saw in deep residual networks.',
      'built in': 'Removing one station costs the stream less than the hierarchy, but untrained models show the same gap: it follows from the wiring, not from what training made of it.',
      'not supported': 'Across the seeds, removing one station does not cost the stream less than bypassing one in the hierarchy, within the margin: under this lesion the two wirings lose about equally, or the stream loses more.',
      inconclusive: 'The seeds disagree about whether the stream loses less than the hierarchy when a station is removed: the interval spans both no difference and the margin.',
    },
  },
  {
    experiment: 'degradation',
    title: 'Depth',
    sentences: {
      supported: 'Across the seeds, deep plain networks end training with a higher training error than residual networks of the same depth, by more than the margin: the degradation He et al. describe, here in small networks on a small task. Whether it comes from depth itself or from the scale of the signal depends on the normalisation named with the numbers below.',
      'built in': 'Deep plain networks end with a higher training error than residual ones, but the gap is already there before training: it reflects the two wirings’ starting points more than what they learn.',
      'not supported': 'Across the seeds, deep plain networks do not end training with a higher error than residual ones by the margin: in these small networks and this training budget, we do not see degradation.',
      inconclusive: 'The seeds disagree about whether deep plain networks train worse than residual ones: the interval spans both no difference and the margin.',
    },
  },
  {
    experiment: 'virtual-weights',
    title: 'Reading from all earlier stations',
    sentences: {
      supported: 'Across the seeds, the stream’s stations read earlier stations’ writes more strongly than a null that keeps each weight matrix’s singular values and randomises its rotation, by more than the margin: the trained read and write maps are aligned, so later stations do read what earlier ones wrote.',
      'built in': 'The read and write maps are aligned beyond the rotation null, but the untrained models’ maps are too: the alignment is there before learning and says nothing about what the stations chose to read.',
      'not supported': 'Across the seeds, the stream’s read and write maps are not aligned beyond the rotation null, within the margin: the stations can read every earlier write, but their weights show no sign that they do.',
      inconclusive: 'The seeds disagree about whether the read and write maps are aligned beyond the rotation null: the interval spans both no alignment and the margin.',
    },
  },
  {
    experiment: 'gating',
    title: 'One cell, several roles',
    sentences: {
      supported: 'Across the seeds, the gated model’s units select more distinct weight sets across inputs than the null, by more than the margin: after training, the same cell computes different things under different input statistics.',
      'built in': 'The gated units use several weight sets across inputs, but the untrained gated model’s units do so about as much: the count comes from the fixed gating hyperplanes and the statistics of the inputs, not from learning.',
      'not supported': 'Across the seeds, the gated units do not use more weight sets than the null, within the margin: in this model each cell keeps to about one role.',
      inconclusive: 'The seeds disagree about how many weight sets the gated units use beyond the null: the interval spans both the null and the margin.',
    },
  },
];

/**
 * Each claim with the id its verdict carries in the results file.
 * @type {{id: string, experiment: string, title: string, sentences: Record<string, string>}[]}
 */
export const CLAIMS = ENTRIES.map((c) => ({ id: CLAIM_IDS[EXPERIMENTS.indexOf(c.experiment)], ...c }));

/**
 * The other trainings of the pair that a claim's verdict also reports, each judged by the same
 * claim and rule on its own seeds against the untrained models of its own width (the results
 * file's verdicts.ID.conditions.KEY; src/experiments/mod.rs, Condition::VARIANTS). Deletion
 * alone has them: they are the article's open questions about it. One sentence per word, as
 * for the claims.
 * `short` labels the condition's row in a chart.
 * @type {Record<string, {key: string, label: string, short: string, sentences: Record<string, string>}[]>}
 */
export const CONDITIONS = {
  P3: [
    {
      key: 'narrow_d16',
      short: 'd = 16',
      label: 'A stream 16 wide (d = 16)',
      sentences: {
        supported: 'With half the room, the stream’s writes cancel part of the thalamic component beyond the margin: narrowing the stream is enough to make this model delete.',
        'built in': 'With half the room the writes cancel part of the thalamic component, but untrained models 16 wide cancel about as much: at this width the cancelling comes from the random maps, not from learning to make room.',
        'not supported': 'With half the room, the stream’s writes still do not cancel the thalamic component beyond the margin: at d = 16 the stream has room enough not to delete.',
        inconclusive: 'With half the room, the seeds disagree about whether the writes cancel part of the thalamic component: the interval spans both no cancelling and the margin.',
      },
    },
    {
      key: 'narrow_d8',
      short: 'd = 8',
      label: 'A stream 8 wide (d = 8)',
      sentences: {
        supported: 'With a quarter of the room, the stream’s writes cancel part of the thalamic component beyond the margin: a stream narrower than what it must carry deletes, as the post’s memory management expects.',
        'built in': 'With a quarter of the room the writes cancel part of the thalamic component, but untrained models 8 wide cancel about as much: the cancelling comes with the narrow random maps, not from learning to make room.',
        'not supported': 'With a quarter of the room, the stream’s writes do not cancel the thalamic component beyond the margin: even this narrow, our stream keeps its input rather than deleting it.',
        inconclusive: 'With a quarter of the room, the seeds disagree about whether the writes cancel part of the thalamic component: the interval spans both no cancelling and the margin.',
      },
    },
    {
      key: 'edge_off',
      short: 'edge task off',
      label: 'Trained without the edge task',
      sentences: {
        supported: 'Trained without the edge task, the stream’s writes cancel part of the thalamic component beyond the margin: once nothing asks for the edges, the stations delete part of what the thalamus sent.',
        'built in': 'Trained without the edge task the writes cancel part of the thalamic component, but untrained models cancel about as much: the cancelling is not something this training taught.',
        'not supported': 'Trained without the edge task, the stream’s writes do not cancel the thalamic component beyond the margin: keeping the edges is not what stops this model from deleting.',
        inconclusive: 'Trained without the edge task, the seeds disagree about whether the writes cancel part of the thalamic component: the interval spans both no cancelling and the margin.',
      },
    },
  ],
};

/** The conditions known for a claim, in the article's order ([] for most claims). */
export function conditionsFor(claimId) {
  return CONDITIONS[claimId] ?? [];
}

/** The claim with this id or experiment name, or undefined. */
export function claimFor(key) {
  return CLAIMS.find((c) => c.id === key || c.experiment === key);
}

/** The article's sentence for a claim and word, or '' when either is unknown. */
export function sentenceFor(key, word) {
  return claimFor(key)?.sentences[word] ?? '';
}
