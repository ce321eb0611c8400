//! Open-set recognition after training: the threshold rule, its calibration on held-out
//! sketches, AUROC, and how a model tells sketches from outliers.

use super::eval::{held_out, logits_of};
use super::CALIBRATION_SEED;
use crate::model::Model;
use crate::outliers;
use crate::run::energy;
use crate::stimuli::{self, Stimulus};

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

/// The open-set threshold of a model: [`threshold_for`] over the energies of
/// [`CALIBRATION_N`] held-out sketches, at [`RECOGNISED_SHARE`]. Computed on the model as it
/// will be shipped (after quantisation), at the end of training.
pub fn calibrate(model: &Model, threads: usize) -> f32 {
    let scores: Vec<f32> = logits_of(model, CALIBRATION_N, threads, &|i| calibration_sketch(i as u64))
        .iter()
        .map(|(l, _)| energy(l))
        .collect();
    threshold_for(&scores, RECOGNISED_SHARE).expect("the calibration set is not empty")
}

/// How a model tells sketches from pictures of none of the kinds, on held-out data.
#[derive(Clone, Debug, serde::Serialize)]
pub struct OpenSetEvaluation {
    pub score: &'static str,
    pub threshold: Option<f32>,
    pub rule: String,
    /// Held-out sketches (the evaluation's, not the calibration's) and held-out outliers.
    pub n_sketches: usize,
    pub n_outliers: usize,
    pub sketches_recognised: f32,
    pub outliers_recognised: f32,
    /// Outliers recognised, per family of [`outliers::KINDS`].
    pub outliers_recognised_by_kind: Vec<(String, f32)>,
    pub auroc: f32,
    pub category_accuracy: f32,
    pub category_accuracy_among_recognised: f32,
}

/// Scores `n` held-out sketches ([`held_out`]) and `n` held-out outliers
/// ([`outliers::EVAL_SEED`]) against `threshold`.
pub fn evaluate_open_set(model: &Model, threshold: Option<f32>, n: usize, threads: usize) -> OpenSetEvaluation {
    let sketches = logits_of(model, n, threads, &|i| held_out(i as u64).0);
    let outs = logits_of(model, n, threads, &|i| outliers::sample(outliers::EVAL_SEED, i as u64));
    let s_scores: Vec<f32> = sketches.iter().map(|(l, _)| energy(l)).collect();
    let o_scores: Vec<f32> = outs.iter().map(|(l, _)| energy(l)).collect();
    let known = |e: f32| crate::run::recognised(e, threshold);
    let share = |v: &[f32]| v.iter().filter(|&&e| known(e)).count() as f32 / v.len().max(1) as f32;
    let right = |l: &[f32], c: Option<usize>| (0..l.len()).max_by(|&i, &j| l[i].total_cmp(&l[j])) == c;
    let (mut all_right, mut known_n, mut known_right) = (0, 0, 0);
    for ((l, c), &e) in sketches.iter().zip(&s_scores) {
        let r = right(l, *c);
        all_right += r as usize;
        if known(e) {
            known_n += 1;
            known_right += r as usize;
        }
    }
    let k = outliers::KINDS.len();
    OpenSetEvaluation {
        score: "energy = -logsumexp(category logits); recognised when score <= threshold",
        threshold,
        rule: format!(
            "threshold = the score at or below which {:.0} % of {CALIBRATION_N} held-out calibration sketches lie",
            100.0 * RECOGNISED_SHARE
        ),
        n_sketches: n,
        n_outliers: n,
        sketches_recognised: share(&s_scores),
        outliers_recognised: share(&o_scores),
        outliers_recognised_by_kind: outliers::KINDS
            .iter()
            .enumerate()
            .map(|(kind, name)| {
                let of_kind: Vec<f32> = o_scores.iter().skip(kind).step_by(k).copied().collect();
                (name.to_string(), share(&of_kind))
            })
            .collect(),
        auroc: auroc(&s_scores, &o_scores),
        category_accuracy: all_right as f32 / n.max(1) as f32,
        category_accuracy_among_recognised: known_right as f32 / known_n.max(1) as f32,
    }
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
