// What the article says about each of the post's claims, one sentence for each verdict word.
// The word is computed natively from the seeds by the rule in data/preregistration.json
// (src/experiments/verdict.rs) and read from the results file; the page only chooses the
// sentence. Nothing here says which way a result went: that is the word's job. Every claim has
// a sentence for every word it can get, written before the runs, so a rerun that flips a
// result flips the prose with it. "not judged" has one sentence for all claims, completed by
// the reason the results file gives.

import { CLAIM_IDS, EXPERIMENTS } from '../names.js';

/** The verdict words, as the results file spells them. */
export const WORDS = /** @type {const} */ (['supported', 'built in', 'opposite', 'absent', 'inconclusive', 'not judged']);

/** The words a claim has its own sentence for ("not judged" is stated with its computed reason). */
export const JUDGED_WORDS = WORDS.filter((w) => w !== 'not judged');

/**
 * One entry per experiment of the registry, in its order: the experiment, where its claim comes
 * from (the post's prediction or postdiction, a machine-learning result the post retells as
 * background, or our check that the model's V1 is V1-like), a short title for its claim, and a
 * sentence per judged word. The claim's id comes from names.js.
 * @type {{experiment: string, origin: string, title: string, sentences: Record<string, string>}[]}
 */
const ENTRIES = [
  {
    experiment: 'edge-probe',
    origin: 'prediction',
    title: 'Edges (prediction 1)',
    sentences: {
      supported: 'With the edge task on and a V1 that had to learn orientation itself, a decoder fitted on V1 reads the later stations’ layer 5 better in the stream than in the hierarchy, by at least a quarter of what a stream that carries V1’s code untouched achieves. In this model the residual wiring keeps edges readable along layer 5, as the post predicts.',
      'built in': 'V1’s edge decoder reads later layer 5 better in the stream, but untrained models of the same wiring already show at least half that advantage: it comes with the wiring, not from anything the stations learned.',
      opposite: 'V1’s edge decoder reads later layer 5 better in the hierarchy than in the stream, across the seeds: in this model the writes bury V1’s orientation code rather than keep it, the other way from the post’s prediction.',
      absent: 'V1’s edge decoder reads later layer 5 about equally in the two wirings: the difference lies within a quarter of what a stream that carries V1’s code achieves. Edges stay about as readable, or as unreadable, whichever way the stations are wired.',
      inconclusive: 'The seeds disagree about whether V1’s edge decoder reads later layer 5 better in the stream: the interval of the paired difference is too wide to say.',
    },
  },
  {
    experiment: 'variability',
    origin: 'prediction',
    title: 'Variability (prediction 2)',
    sentences: {
      supported: 'Units sampled from stations before the previous one explain more of a station’s layer-5 fluctuations in the stream than in the hierarchy, by at least a fifth of what a stream that routes all variability past the previous station shows. In this model variability does arrive from every earlier station, as the post predicts.',
      'built in': 'Earlier stations’ units explain more of a station’s layer-5 fluctuations in the stream, but untrained models of the same wiring show at least half that: the skip connections carry it before any learning.',
      opposite: 'Units of earlier stations explain more of a station’s layer-5 fluctuations in the hierarchy than in the stream: the other way from the post’s prediction.',
      absent: 'Beyond the previous station, earlier stations’ units explain about as much of a station’s layer-5 fluctuations in the stream as in the hierarchy: in this model the previous station accounts for the variability in both wirings.',
      inconclusive: 'The seeds disagree about whether earlier stations add to a station’s layer-5 fluctuations in the stream more than in the hierarchy: the interval is too wide to say.',
    },
  },
  {
    experiment: 'deletion',
    origin: 'prediction',
    title: 'Deletion (prediction 3)',
    sentences: {
      supported: 'The trained stream’s stations cancel more of the thalamic directions they meet than of other directions, by at least a quarter of what a station built to cancel half of them shows: a portion of the thalamic input is deleted, as the post predicts, without any task that asks for room.',
      'built in': 'The stations cancel more thalamic directions than other directions, but untrained stations do at least half as much: the cancelling comes with random read and write maps, not from learning.',
      opposite: 'The stations preserve the thalamic directions they meet better than other directions: far from deleting the thalamic input, this model protects it, the other way from the post’s prediction.',
      absent: 'The stations cancel thalamic directions about as often as any other: within a quarter of what a station built to delete shows, this model does not delete its thalamic input.',
      inconclusive: 'The seeds disagree about whether the stations cancel the thalamic directions more than other directions: the interval is too wide to say.',
    },
  },
  {
    experiment: 'receptive-fields',
    origin: 'postdiction',
    title: 'Receptive fields',
    sentences: {
      supported: 'Receptive fields fall in reliability from V1 to IT more in the stream than in the hierarchy, by at least a quarter of what unbinding IT from its input entirely gives: the stream reading explains the postdiction better than a ladder does.',
      'built in': 'Receptive fields fall in reliability more in the stream, but untrained models show at least half that difference: it follows from the wiring, not from learning.',
      opposite: 'Receptive fields fall in reliability from V1 to IT less in the stream than in the hierarchy: the stream carries the input to IT’s layer 5, which keeps late maps stable. The postdiction fits a ladder better than this stream.',
      absent: 'Receptive fields fall in reliability from V1 to IT about equally in both wirings: the postdiction is true of this model but does not favour one reading over the other.',
      inconclusive: 'The seeds disagree about whether receptive fields fall more in the stream than in the hierarchy: the interval is too wide to say.',
    },
  },
  {
    experiment: 'sparseness',
    origin: 'postdiction',
    title: 'No grandmother cells',
    sentences: {
      supported: 'Single units grow sparser from V1 to IT more in the stream than in the hierarchy, by at least a fifth of what grandmother-like units would add: later stations read as a sparse code, as the post says, and more so in the stream.',
      'built in': 'Units grow sparser from V1 to IT more in the stream, but untrained models show at least half that: the wiring gives it before learning.',
      opposite: 'Single units grow sparser from V1 to IT more in the hierarchy than in the stream (or the stream’s later units grow denser): the other way from what the post’s picture expects.',
      absent: 'Single units change in sparseness from V1 to IT about equally in both wirings: whatever the code is, it does not tell the two readings apart.',
      inconclusive: 'The seeds disagree about whether units grow sparser along the stream than along the hierarchy: the interval is too wide to say.',
    },
  },
  {
    experiment: 'tuning',
    origin: 'model check',
    title: 'Does V1 look like V1?',
    sentences: {
      supported: 'The first station’s units match the published macaque V1 distributions better than an uninformed guess does, by at least a quarter of what Gabor filters drawn from those distributions achieve.',
      'built in': 'The first station’s units match macaque V1, but untrained units match at least half as well: the resemblance comes mostly from the fixed retina and LGN.',
      opposite: 'The first station’s units match the published macaque V1 distributions worse than an uninformed guess: on these measures our V1 is unlike macaque V1.',
      absent: 'The first station’s units match macaque V1 about as well as an uninformed guess: on these measures training made V1 neither more nor less like macaque V1.',
      inconclusive: 'The seeds disagree about how well the first station matches macaque V1: the interval is too wide to say.',
    },
  },
  {
    experiment: 'lesion',
    origin: 'background',
    title: 'Paths',
    sentences: {
      supported: 'Bypassing one station leaves the stream with more of its accuracy than the hierarchy keeps, by at least a quarter of what a stream with no writes keeps: the stream behaves more like an ensemble of paths.',
      'built in': 'The stream keeps more accuracy when a station is bypassed, but untrained models show at least half that advantage: it follows from the wiring, not from what training made of it.',
      opposite: 'Bypassing one station costs the stream more than it costs the hierarchy: this stream depends on each of its stations more than a ladder does.',
      absent: 'Bypassing one station costs the two wirings about the same: in this model the shortcut does not make an ensemble of paths.',
      inconclusive: 'The seeds disagree about whether the stream survives a bypassed station better than the hierarchy: the interval is too wide to say.',
    },
  },
  {
    experiment: 'degradation',
    origin: 'background',
    title: 'Depth',
    sentences: {
      supported: 'The deepest plain networks end training with a higher training error than residual networks of the same depth, by at least a tenth of the gap a network that learns nothing would leave: the degradation He et al. describe, here in small networks on a small task.',
      'built in': 'Deep plain networks end with a higher training error than residual ones, but the gap is there before training: it reflects the starting points more than learning.',
      opposite: 'The deepest plain networks end training with a lower training error than residual ones: no degradation here, the other way from He et al.’s figure.',
      absent: 'The deepest plain and residual networks end training with about the same error: at these depths and this budget there is no degradation to see.',
      inconclusive: 'The seeds disagree about whether deep plain networks train worse than residual ones: the interval is too wide to say.',
    },
  },
  {
    experiment: 'virtual-weights',
    origin: 'postdiction',
    title: 'Reading from all earlier stations',
    sentences: {
      supported: 'Reads that skip a station are aligned with the earlier writes more in the stream than in the hierarchy, by at least a fifth of what a read built aligned shows: later stations do read what earlier ones wrote.',
      'built in': 'Skipping reads are aligned with earlier writes more in the stream, but untrained models show at least half that: the alignment is there before learning.',
      opposite: 'Reads that skip a station are less aligned with the earlier writes in the stream than in the hierarchy: the stream’s stations look away from what earlier ones wrote.',
      absent: 'Reads that skip a station are aligned with earlier writes about as much in the stream as in the hierarchy, where they can carry nothing: the stations could read every earlier write, but their weights show no sign that they do.',
      inconclusive: 'The seeds disagree about whether skipping reads are aligned with earlier writes: the interval is too wide to say.',
    },
  },
  {
    experiment: 'gating',
    origin: 'postdiction',
    title: 'One cell, several roles',
    sentences: {
      supported: 'The gated units select more distinct weight sets across inputs than with shuffled side information, by at least a quarter of what gates built to switch show: the same cell takes different roles under different input statistics.',
      'built in': 'The gated units use several weight sets across inputs, but untrained gated units do at least half as much: the count comes from the gates, not from learning.',
      opposite: 'The gated units select fewer distinct weight sets than with shuffled side information: the statistics of the input narrow each cell’s roles.',
      absent: 'The gated units use about as many weight sets as with shuffled side information: the input’s statistics do not change which role a cell takes.',
      inconclusive: 'The seeds disagree about how many weight sets the gated units use: the interval is too wide to say.',
    },
  },
];

/**
 * Each claim with the id its verdict carries in the results file.
 * @type {{id: string, experiment: string, origin: string, title: string, sentences: Record<string, string>}[]}
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
        supported: 'With half the room, the stations cancel more thalamic directions than other directions, beyond the smallest effect: narrowing the stream is enough to make this model delete.',
        'built in': 'With half the room the stations cancel thalamic directions, but untrained models 16 wide do at least half as much: at this width the cancelling comes from the random maps.',
        opposite: 'With half the room, the stations preserve the thalamic directions better than others: less room does not make this model delete.',
        absent: 'With half the room, the stations cancel thalamic directions about as often as any other: at d = 16 the stream does not delete.',
        inconclusive: 'With half the room, the seeds disagree about whether the stations cancel thalamic directions.',
      },
    },
    {
      key: 'narrow_d8',
      short: 'd = 8',
      label: 'A stream 8 wide (d = 8)',
      sentences: {
        supported: 'With a quarter of the room, the stations cancel more thalamic directions than other directions, beyond the smallest effect: a stream narrower than what it must carry deletes, as the post’s memory management expects.',
        'built in': 'With a quarter of the room the stations cancel thalamic directions, but untrained models 8 wide do at least half as much: the cancelling comes with narrow random maps.',
        opposite: 'With a quarter of the room, the stations preserve the thalamic directions better than others: even this narrow, the stream protects its input.',
        absent: 'With a quarter of the room, the stations cancel thalamic directions about as often as any other: even this narrow, the stream does not delete.',
        inconclusive: 'With a quarter of the room, the seeds disagree about whether the stations cancel thalamic directions.',
      },
    },
    {
      key: 'edge_off',
      short: 'edge task off',
      label: 'Trained without the edge task',
      sentences: {
        supported: 'Trained without the edge task, the stations cancel more thalamic directions than other directions, beyond the smallest effect: once nothing asks for the edges, they delete part of what the thalamus sent.',
        'built in': 'Trained without the edge task the stations cancel thalamic directions, but untrained models do at least half as much: this training did not teach it.',
        opposite: 'Trained without the edge task, the stations preserve the thalamic directions better than others.',
        absent: 'Trained without the edge task, the stations cancel thalamic directions about as often as any other: keeping the edges is not what stops this model from deleting.',
        inconclusive: 'Trained without the edge task, the seeds disagree about whether the stations cancel thalamic directions.',
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

/**
 * The article's sentence for a claim and word, or '' when either is unknown. "not judged" is
 * the same sentence for every claim, with the reason the results file computed for it; so is
 * an "inconclusive" whose interval lies above zero ([`nearTheLine`]).
 * @param {string} key  a claim id or experiment name
 * @param {string} word
 * @param {string} [reason]  the verdict's reason, for "not judged"
 * @param {any} [excess]  the verdict's effect − null, for "inconclusive"
 */
export function sentenceFor(key, word, reason = '', excess = null) {
  if (word === 'not judged') return notJudgedSentence(reason);
  if (word === 'inconclusive' && nearTheLine(excess)) return NEAR_THE_LINE;
  return claimFor(key)?.sentences[word] ?? '';
}

/**
 * "inconclusive" has two causes, and each claim's own sentence names the first: an interval
 * across zero (the seeds disagree). The second is an interval above zero whose mean falls
 * short of the smallest effect of interest while its upper end passes it: every seed agrees
 * on the direction, and the size is too close to the line to call. (Below zero is "opposite".)
 * @param {any} excess  the verdict's effect − null, {mean, ci: [lo, hi]}
 */
export function nearTheLine(excess) {
  const lo = excess?.ci?.[0];
  return Number.isFinite(lo) && lo > 0;
}

/** The sentence for an inconclusive verdict whose interval lies above zero. */
export const NEAR_THE_LINE = 'The interval lies above zero, so the direction is clear, but its mean falls just short of the smallest effect that would count while its upper end passes it: the effect is too close to the line to call.';

/** The sentence for a claim the model cannot judge, with its reason. */
export function notJudgedSentence(reason = '') {
  // The reason is a clause after a colon: no capital to open it, no full stop to close it.
  const clause = reason.trim().replace(/\.+$/, '').replace(/^([A-Z])(?=[a-z])/, (c) => c.toLowerCase());
  return `This model cannot answer the question yet${clause ? `: ${clause}` : ''}. The numbers below are measured, but no verdict is drawn from them.`;
}
