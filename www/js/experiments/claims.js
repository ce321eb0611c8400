// What the article says about each of the post's claims, one sentence for each verdict word.
// The word is computed natively from the seeds (src/experiments/verdict.rs) and read from the
// results file; the page only chooses the sentence. Nothing here says which way a result went:
// that is the word's job. Every claim has all four words, so a rerun that flips a result
// flips the prose with it.

/** The verdict words, as the results file spells them. */
export const WORDS = /** @type {const} */ (['supported', 'built in', 'not supported', 'inconclusive']);

/**
 * One entry per claim, in the article's order: the claim's id in the results file, the
 * experiment that measures it, a short title, and a sentence per word.
 * @type {{id: string, experiment: string, title: string, sentences: Record<string, string>}[]}
 */
export const CLAIMS = [
  {
    id: 'P1',
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
    id: 'P2',
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
    id: 'P3',
    experiment: 'deletion',
    title: 'Deletion (prediction 3)',
    sentences: {
      supported: 'Across the seeds, the stations’ writes cancel part of the thalamic component of what they read, by more than the margin. This is what the post calls memory management; in our model it appears without any task that asks for room in the stream.',
      'built in': 'The writes cancel part of the thalamic component, but untrained models cancel about as much: the cancelling is a property of random read and write maps, not something the stations learned, so it is no evidence of deletion as the post means it.',
      'not supported': 'Across the seeds, the stations’ writes do not cancel the thalamic component of their input beyond the margin: our model does not delete. Nothing in its training asked it to free room in the stream; a wider task, or a stream narrower than what it must carry, would test this better.',
      inconclusive: 'The seeds disagree about whether the writes cancel part of the thalamic component: the interval spans both no cancelling and cancelling of the size we set as the margin.',
    },
  },
  {
    id: 'RF',
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
    id: 'SP',
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
    id: 'TU',
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
    id: 'LE',
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
    id: 'DG',
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
    id: 'VW',
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
    id: 'GA',
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

/** The claim with this id or experiment name, or undefined. */
export function claimFor(key) {
  return CLAIMS.find((c) => c.id === key || c.experiment === key);
}

/** The article's sentence for a claim and word, or '' when either is unknown. */
export function sentenceFor(key, word) {
  return claimFor(key)?.sentences[word] ?? '';
}
