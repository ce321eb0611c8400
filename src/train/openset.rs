//! Open-set recognition after training: the threshold rule, its calibration on held-out
//! sketches, AUROC, and how a model tells sketches from outliers.

use super::batch::{run_parts, split};
use super::eval::held_out;
use super::CALIBRATION_SEED;
use crate::model::{Model, Trace};
use crate::openset::{self, Calibration, Features, Score};
use crate::retina::lgn_batch;
use crate::stimuli::{self, Stimulus, CATEGORIES};
use crate::{input, outliers};

/// The share of held-out sketches that the threshold lets through as recognised.
pub const RECOGNISED_SHARE: f32 = 0.95;

/// Held-out sketches the threshold is set on.
pub const CALIBRATION_N: usize = 2000;

/// The threshold rule, the one place it is written: the smallest score at or below which at
/// least `share` of the held-out sketches' scores lie (so that share of them is recognised).
/// None for no scores.
pub fn threshold_for(scores: &[f32], share: f32) -> Option<f32> {
    let mut s: Vec<f32> = scores.iter().copied().filter(|v| v.is_finite()).collect();
    if s.is_empty() {
        return None;
    }
    s.sort_by(f32::total_cmp);
    let k = ((share.clamp(0.0, 1.0) * s.len() as f32).ceil() as usize).clamp(1, s.len());
    Some(s[k - 1])
}

/// The area under the ROC curve for telling `inliers` (low scores) from `outliers` (high
/// scores): the chance that a random outlier scores above a random inlier, ties counting half.
pub fn auroc(inliers: &[f32], outliers: &[f32]) -> f32 {
    if inliers.is_empty() || outliers.is_empty() {
        return f32::NAN;
    }
    let mut all: Vec<(f32, bool)> =
        inliers.iter().map(|&v| (v, false)).chain(outliers.iter().map(|&v| (v, true))).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Mann–Whitney U from mid-ranks.
    let mut rank_sum = 0.0f64;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        // Ties by total order, so a NaN ties with itself and the loop always moves on.
        while j < all.len() && all[j].0.total_cmp(&all[i].0).is_eq() {
            j += 1;
        }
        let mid = (i + j + 1) as f64 / 2.0;
        rank_sum += mid * all[i..j].iter().filter(|(_, out)| *out).count() as f64;
        i = j;
    }
    let (n_out, n_in) = (outliers.len() as f64, inliers.len() as f64);
    ((rank_sum - n_out * (n_out + 1.0) / 2.0) / (n_out * n_in)) as f32
}

/// Held-out sketch `i` of the calibration set (sketches only, balanced over the kinds).
pub fn calibration_sketch(i: u64) -> Stimulus {
    stimuli::sample(CALIBRATION_SEED, i, false)
}

/// The score the page, the command line and `eval` decide with: chosen by the rule in
/// `data/openset-choice.json` (see the README's open-set section for the comparison).
pub const CHOSEN: Score = Score::Energy;

/// The held-out sketches the scores' statistics are fitted on (class means, covariance,
/// the input statistics' spread): their own seed, neither a training, calibration nor
/// evaluation seed.
pub const FIT_SEED: u64 = 0x0F17_5E7C_0000_0004;

/// Sketches in the fit set (balanced: 200 of each kind).
pub const FIT_N: usize = 2000;

/// What the scores need of `n` images (number `i` made by `make(i)`), with their kinds: the
/// logits and IT's pooled stream from one forward pass, and the statistics of the adapted
/// image the retina receives.
pub fn features_of(
    model: &Model,
    n: usize,
    threads: usize,
    make: &(dyn Fn(usize) -> Stimulus + Sync),
) -> Vec<(Features, Option<usize>)> {
    let mut out = Vec::with_capacity(n);
    for start in (0..n).step_by(256) {
        let end = (start + 256).min(n);
        let size = (end - start).div_ceil(threads.max(1)).max(1);
        let ranges: Vec<(usize, usize)> = (start..end).step_by(size).map(|s| (s, (s + size).min(end))).collect();
        let made: Vec<Vec<(Vec<f32>, Option<usize>)>> = run_parts(ranges, &|(s, e)| {
            (s..e)
                .map(|i| {
                    let st = make(i);
                    (input::from_gray(&st.pixels), st.category)
                })
                .collect()
        });
        let made: Vec<(Vec<f32>, Option<usize>)> = made.into_iter().flatten().collect();
        let images: Vec<Vec<f32>> = made.iter().map(|(img, _)| img.clone()).collect();
        let lgn = lgn_batch(&images);
        let traces: Vec<(usize, Trace)> = run_parts(split(&lgn, threads), &|(s, lgn)| (s, model.forward(lgn)));
        for (s, t) in traces {
            for b in 0..t.category_logits.nrows() {
                let (img, kind) = &made[s + b];
                let f = Features {
                    logits: t.category_logits.row(b).to_vec(),
                    pooled: t.pooled.row(b).to_vec(),
                    stats: openset::input_stats(img),
                };
                out.push((f, *kind));
            }
        }
    }
    out
}

/// The one calibration of a model's open-set score, after training and for any weights file
/// afterwards (`ventral-stream calibrate`): the statistics fitted on [`FIT_N`] fit-set
/// sketches, then the threshold on `score`: [`threshold_for`] over [`CALIBRATION_N`]
/// held-out calibration sketches at [`RECOGNISED_SHARE`]. Computed on the model as it is
/// stored (after quantisation). It reads nothing of the training run but the model, and
/// keeps only what `score` reads ([`Calibration::trimmed`]).
pub fn calibrate(model: &Model, score: Score, threads: usize) -> Calibration {
    let fit_set = features_of(model, FIT_N, threads, &|i| stimuli::sample(FIT_SEED, i as u64, false));
    let (features, kinds): (Vec<Features>, Vec<usize>) =
        fit_set.into_iter().map(|(f, k)| (f, k.expect("fit-set images are sketches"))).unzip();
    let mut c = openset::fit(&features, &kinds, CATEGORIES.len(), score);
    let scores: Vec<f32> = features_of(model, CALIBRATION_N, threads, &|i| calibration_sketch(i as u64))
        .iter()
        .map(|(f, _)| openset::score_of(&c, score, f))
        .collect();
    c.threshold = threshold_for(&scores, RECOGNISED_SHARE).expect("the calibration set is not empty");
    c.trimmed()
}

/// How a model tells sketches from pictures of none of the kinds, on held-out data.
#[derive(Clone, Debug, serde::Serialize)]
pub struct OpenSetEvaluation {
    pub score: &'static str,
    pub threshold: Option<f32>,
    pub rule: String,
    /// Held-out sketches (the evaluation's, not the calibration's), held-out outliers of the
    /// training families, and held-out photo-like scenes (a family training never sees).
    pub n_sketches: usize,
    pub n_outliers: usize,
    pub n_scenes: usize,
    pub sketches_recognised: f32,
    pub outliers_recognised: f32,
    pub scenes_recognised: f32,
    /// Outliers recognised, per family of [`outliers::KINDS`], then the scenes.
    pub outliers_recognised_by_kind: Vec<(String, f32)>,
    /// Sketches against the outliers of the six training families.
    pub auroc: f32,
    /// Sketches against each family alone, the scenes last.
    pub auroc_by_kind: Vec<(String, f32)>,
    pub category_accuracy: f32,
    pub category_accuracy_among_recognised: f32,
}

/// The name the scenes go by in the per-family lists.
pub const SCENES: &str = "photo-like scene (held out)";

/// The scores of the three held-out sets under one score: sketches (with their kinds and
/// whether the model named them right), outliers (by family) and scenes.
pub struct HeldOut {
    pub sketches: Vec<(Features, Option<usize>)>,
    pub outliers: Vec<Features>,
    pub scenes: Vec<Features>,
}

impl HeldOut {
    /// `n` held-out sketches ([`held_out`]), `n` held-out outliers ([`outliers::EVAL_SEED`])
    /// and `n / 5` scenes ([`outliers::SCENE_SEED`]) through `model`.
    pub fn of(model: &Model, n: usize, threads: usize) -> HeldOut {
        let sketches = features_of(model, n, threads, &|i| held_out(i as u64).0);
        let outs = features_of(model, n, threads, &|i| outliers::sample(outliers::EVAL_SEED, i as u64));
        let scenes = features_of(model, (n / 5).max(1), threads, &|i| outliers::scene(outliers::SCENE_SEED, i as u64));
        let strip = |v: Vec<(Features, Option<usize>)>| v.into_iter().map(|(f, _)| f).collect();
        HeldOut { sketches, outliers: strip(outs), scenes: strip(scenes) }
    }
}

/// Scores held-out sketches, outliers and scenes under `calibration` (None: the energy with no
/// threshold, so everything is recognised).
pub fn evaluate_open_set(
    model: &Model,
    calibration: Option<&Calibration>,
    n: usize,
    threads: usize,
) -> OpenSetEvaluation {
    evaluate_held_out(&HeldOut::of(model, n, threads), calibration)
}

/// [`evaluate_open_set`] on features already computed.
pub fn evaluate_held_out(h: &HeldOut, calibration: Option<&Calibration>) -> OpenSetEvaluation {
    let kind = calibration.map_or(Score::Energy, |c| c.score);
    let threshold = calibration.map(|c| c.threshold);
    let score = |f: &Features| match calibration {
        Some(c) => openset::score_of(c, kind, f),
        None => openset::energy(&f.logits),
    };
    let s_scores: Vec<f32> = h.sketches.iter().map(|(f, _)| score(f)).collect();
    let o_scores: Vec<f32> = h.outliers.iter().map(score).collect();
    let c_scores: Vec<f32> = h.scenes.iter().map(score).collect();
    let known = |e: f32| openset::recognised(e, threshold);
    let share = |v: &[f32]| v.iter().filter(|&&e| known(e)).count() as f32 / v.len().max(1) as f32;
    let right = |l: &[f32], c: Option<usize>| (0..l.len()).max_by(|&i, &j| l[i].total_cmp(&l[j])) == c;
    let (mut all_right, mut known_n, mut known_right) = (0, 0, 0);
    for ((f, c), &e) in h.sketches.iter().zip(&s_scores) {
        let r = right(&f.logits, *c);
        all_right += r as usize;
        if known(e) {
            known_n += 1;
            known_right += r as usize;
        }
    }
    let k = outliers::KINDS.len();
    let of_kind = |kind: usize| -> Vec<f32> { o_scores.iter().skip(kind).step_by(k).copied().collect() };
    let families: Vec<(String, Vec<f32>)> = outliers::KINDS
        .iter()
        .enumerate()
        .map(|(i, name)| (name.to_string(), of_kind(i)))
        .chain(std::iter::once((SCENES.to_string(), c_scores.clone())))
        .collect();
    let n = h.sketches.len();
    OpenSetEvaluation {
        score: match kind {
            Score::Energy => "energy = -logsumexp(category logits); recognised when score <= threshold",
            Score::Mahalanobis => "mahalanobis: IT's pooled stream from the nearest kind's mean, shared covariance",
            Score::Typicality => "typicality: the retina input's statistics beyond sketches' range",
            Score::Combined => "combined: the largest of energy, mahalanobis and typicality, each standardised",
        },
        threshold,
        rule: format!(
            "threshold = the score at or below which {:.0} % of {CALIBRATION_N} held-out calibration sketches lie",
            100.0 * RECOGNISED_SHARE
        ),
        n_sketches: n,
        n_outliers: h.outliers.len(),
        n_scenes: h.scenes.len(),
        sketches_recognised: share(&s_scores),
        outliers_recognised: share(&o_scores),
        scenes_recognised: share(&c_scores),
        outliers_recognised_by_kind: families.iter().map(|(name, v)| (name.clone(), share(v))).collect(),
        auroc: auroc(&s_scores, &o_scores),
        auroc_by_kind: families.iter().map(|(name, v)| (name.clone(), auroc(&s_scores, v))).collect(),
        category_accuracy: all_right as f32 / n.max(1) as f32,
        category_accuracy_among_recognised: known_right as f32 / known_n.max(1) as f32,
    }
}

/// One candidate of `data/openset-choice.json` on one model (or, for "two-wirings", a pair).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Candidate {
    pub score: String,
    pub wiring: String,
    pub worst_family_auroc: f32,
    pub evaluation: OpenSetEvaluation,
}

/// The comparison the rule asks for, on `models` (name, model): every one-model candidate on
/// every model, and the two-wirings candidate on the first two; the criterion of each
/// candidate (the mean over models of the worst family's AUROC) and the one chosen.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Comparison {
    pub rule: &'static str,
    pub n: usize,
    pub candidates: Vec<Candidate>,
    pub criterion: Vec<(String, f32)>,
    pub chosen: String,
}

fn worst(e: &OpenSetEvaluation) -> f32 {
    e.auroc_by_kind.iter().map(|(_, a)| *a).fold(f32::INFINITY, f32::min)
}

pub fn compare(models: &[(&str, &Model)], n: usize, threads: usize) -> Comparison {
    let mut candidates = Vec::new();
    let mut energies: Vec<(Calibration, Vec<f32>, HeldOut)> = Vec::new();
    for (name, model) in models {
        let fitted = calibrate(model, Score::Energy, threads);
        let calib_features = features_of(model, CALIBRATION_N, threads, &|i| calibration_sketch(i as u64));
        let held = HeldOut::of(model, n, threads);
        for score in Score::ALL {
            let mut c = fitted.clone();
            c.score = score;
            let s: Vec<f32> = calib_features.iter().map(|(f, _)| openset::score_of(&c, score, f)).collect();
            c.threshold = threshold_for(&s, RECOGNISED_SHARE).expect("calibration sketches");
            let evaluation = evaluate_held_out(&held, Some(&c));
            candidates.push(Candidate {
                score: score.name().into(),
                wiring: name.to_string(),
                worst_family_auroc: worst(&evaluation),
                evaluation,
            });
        }
        let calib_e: Vec<f32> = calib_features.iter().map(|(f, _)| openset::energy(&f.logits)).collect();
        energies.push((fitted, calib_e, held));
    }
    if energies.len() >= 2 {
        // The mean of two models' standardised energies, on the same pictures.
        let z = |c: &Calibration, f: &Features| {
            (openset::energy(&f.logits) - c.norms[0][0]) / (c.norms[0][1] - c.norms[0][0]).max(1e-6)
        };
        let (a, b) = (&energies[0], &energies[1]);
        let pair = |x: &[Features], y: &[Features]| -> Vec<f32> {
            x.iter().zip(y).map(|(p, q)| 0.5 * (z(&a.0, p) + z(&b.0, q))).collect()
        };
        let ca: Vec<Features> = features_of(models[0].1, CALIBRATION_N, threads, &|i| calibration_sketch(i as u64))
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        let cb: Vec<Features> = features_of(models[1].1, CALIBRATION_N, threads, &|i| calibration_sketch(i as u64))
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        let threshold = threshold_for(&pair(&ca, &cb), RECOGNISED_SHARE).expect("calibration sketches");
        let sa: Vec<Features> = a.2.sketches.iter().map(|(f, _)| f.clone()).collect();
        let sb: Vec<Features> = b.2.sketches.iter().map(|(f, _)| f.clone()).collect();
        let s_scores = pair(&sa, &sb);
        let o_scores = pair(&a.2.outliers, &b.2.outliers);
        let c_scores = pair(&a.2.scenes, &b.2.scenes);
        let k = outliers::KINDS.len();
        let mut by_kind: Vec<(String, f32)> = outliers::KINDS
            .iter()
            .enumerate()
            .map(|(i, name)| {
                (name.to_string(), auroc(&s_scores, &o_scores.iter().skip(i).step_by(k).copied().collect::<Vec<_>>()))
            })
            .collect();
        by_kind.push((SCENES.to_string(), auroc(&s_scores, &c_scores)));
        let known = |v: &[f32]| v.iter().filter(|&&e| e <= threshold).count() as f32 / v.len().max(1) as f32;
        let mut recognised_by_kind: Vec<(String, f32)> = outliers::KINDS
            .iter()
            .enumerate()
            .map(|(i, name)| {
                (name.to_string(), known(&o_scores.iter().skip(i).step_by(k).copied().collect::<Vec<_>>()))
            })
            .collect();
        recognised_by_kind.push((SCENES.to_string(), known(&c_scores)));
        // Accuracy among recognised: the first model's answer.
        let (mut kn, mut kr) = (0, 0);
        for ((f, c), &e) in a.2.sketches.iter().zip(&s_scores) {
            if e <= threshold {
                kn += 1;
                kr += ((0..f.logits.len()).max_by(|&i, &j| f.logits[i].total_cmp(&f.logits[j])) == *c) as usize;
            }
        }
        let evaluation = OpenSetEvaluation {
            score: "two-wirings: the mean of both models' standardised energies",
            threshold: Some(threshold),
            rule: format!("threshold = {:.0} % of {CALIBRATION_N} calibration sketches", 100.0 * RECOGNISED_SHARE),
            n_sketches: s_scores.len(),
            n_outliers: o_scores.len(),
            n_scenes: c_scores.len(),
            sketches_recognised: known(&s_scores),
            outliers_recognised: known(&o_scores),
            scenes_recognised: known(&c_scores),
            outliers_recognised_by_kind: recognised_by_kind,
            auroc: auroc(&s_scores, &o_scores),
            auroc_by_kind: by_kind,
            category_accuracy: f32::NAN,
            category_accuracy_among_recognised: kr as f32 / kn.max(1) as f32,
        };
        candidates.push(Candidate {
            score: "two-wirings".into(),
            wiring: format!("{}+{}", models[0].0, models[1].0),
            worst_family_auroc: worst(&evaluation),
            evaluation,
        });
    }
    // The criterion: mean over models of the worst family's AUROC.
    let names = ["energy", "typicality", "mahalanobis", "combined", "two-wirings"];
    let criterion: Vec<(String, f32)> = names
        .iter()
        .map(|name| {
            let v: Vec<f32> = candidates.iter().filter(|c| c.score == *name).map(|c| c.worst_family_auroc).collect();
            (name.to_string(), v.iter().sum::<f32>() / v.len().max(1) as f32)
        })
        .collect();
    let guard = |name: &str| {
        candidates.iter().filter(|c| c.score == name).all(|c| c.evaluation.category_accuracy_among_recognised >= 0.95)
    };
    let singles: Vec<&(String, f32)> = criterion[..4].iter().filter(|(n, _)| guard(n)).collect();
    let best = singles.iter().map(|(_, v)| *v).fold(f32::NEG_INFINITY, f32::max);
    // Within 0.005 of the best is a tie; the first in the rule's order wins.
    let mut chosen = singles.iter().find(|(_, v)| *v >= best - 0.005).map_or("energy".to_string(), |(n, _)| n.clone());
    if let Some((_, w)) = criterion.get(4) {
        if candidates.iter().any(|c| c.score == "two-wirings") && *w >= best + 0.02 && guard("two-wirings") {
            chosen = "two-wirings".into();
        }
    }
    Comparison { rule: "data/openset-choice.json", n, candidates, criterion, chosen }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_lets_through_the_share_it_names() {
        let scores: Vec<f32> = (1..=100).rev().map(|v| v as f32).collect();
        assert_eq!(threshold_for(&scores, 0.95), Some(95.0));
        assert_eq!(threshold_for(&scores, 1.0), Some(100.0));
        assert_eq!(threshold_for(&scores, 0.0), Some(1.0));
        // Ten scores: 95 % rounds up to all ten; 0.9 to nine.
        let ten = [3.0, -1.0, 7.0, 2.0, 2.0, 9.0, 0.5, 4.0, 8.0, 6.0];
        assert_eq!(threshold_for(&ten, 0.95), Some(9.0));
        assert_eq!(threshold_for(&ten, 0.9), Some(8.0));
        let t = threshold_for(&ten, 0.5).unwrap();
        assert_eq!(ten.iter().filter(|&&s| s <= t).count(), 5);
        assert_eq!(threshold_for(&[], 0.95), None);
        assert_eq!(threshold_for(&[f32::NAN, 1.0], 0.95), Some(1.0));
    }

    #[test]
    fn the_fit_seed_is_no_other_data_seed() {
        for seed in 0..10_000u64 {
            assert_ne!(super::super::train_data_seed(seed), FIT_SEED);
        }
        assert!(
            ![super::super::EVAL_SEED, CALIBRATION_SEED, outliers::EVAL_SEED, outliers::SCENE_SEED].contains(&FIT_SEED)
        );
    }

    #[test]
    fn auroc_is_one_half_and_zero_where_it_should_be() {
        assert_eq!(auroc(&[1.0, 2.0, 3.0], &[4.0, 5.0]), 1.0);
        assert_eq!(auroc(&[4.0, 5.0], &[1.0, 2.0, 3.0]), 0.0);
        assert_eq!(auroc(&[1.0, 1.0], &[1.0, 1.0]), 0.5);
        // One of the four pairs is in the wrong order.
        assert_eq!(auroc(&[1.0, 3.0], &[2.0, 4.0]), 0.75);
    }

    #[test]
    fn auroc_ends_on_nan_scores() {
        // Overflowing weights give NaN energies; the tie loop must still finish.
        let nan = f32::NAN;
        let a = auroc(&[nan, 1.0, nan], &[nan, 2.0]);
        assert!((0.0..=1.0).contains(&a), "{a}");
        assert_eq!(auroc(&[nan, nan], &[nan]), 0.5);
    }
}
