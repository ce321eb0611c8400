//! Numbers over seeds (issue 11): every measure the article states is a mean
//! over independently trained seeds with a 95 % bootstrap interval, and every
//! stream-versus-hierarchy comparison is a paired difference, seed by seed.

use crate::rng::Rng;
use serde::Serialize;

/// Bootstrap resamples for one interval.
pub const RESAMPLES: usize = 10_000;
/// The resampling is seeded, so an interval is the same on every run.
const BOOTSTRAP_SEED: u64 = 0x5EED_B007;

/// A measure over seeds: its mean, a 95 % percentile-bootstrap interval of
/// the mean (resampling seeds), and the value at each seed in order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Estimate {
    pub mean: f64,
    pub ci: [f64; 2],
    pub per_seed: Vec<f64>,
}

impl Estimate {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("plain numbers serialise")
    }
    /// Whether the whole interval lies above `x`.
    pub fn above(&self, x: f64) -> bool {
        self.ci[0] > x
    }
    /// Whether the whole interval lies below `x`.
    pub fn below(&self, x: f64) -> bool {
        self.ci[1] < x
    }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// The estimate of the mean of `per_seed`. One value gives a zero-width
/// interval (a single seed says nothing about the spread; the verdict rule
/// then never reads it as more than what it is). Panics on no values or a
/// non-finite one: a measure that is missing is a bug, not a zero.
pub fn estimate(per_seed: &[f64]) -> Estimate {
    assert!(!per_seed.is_empty(), "an estimate needs at least one seed");
    assert!(per_seed.iter().all(|v| v.is_finite()), "non-finite value among {per_seed:?}");
    let m = mean(per_seed);
    let n = per_seed.len();
    let ci = if n == 1 {
        [m, m]
    } else {
        let mut rng = Rng::new(BOOTSTRAP_SEED);
        let mut means: Vec<f64> =
            (0..RESAMPLES).map(|_| (0..n).map(|_| per_seed[rng.below(n)]).sum::<f64>() / n as f64).collect();
        means.sort_by(|a, b| a.total_cmp(b));
        let at = |q: f64| means[((q * (RESAMPLES - 1) as f64).round() as usize).min(RESAMPLES - 1)];
        [at(0.025), at(0.975)]
    };
    Estimate { mean: m, ci, per_seed: per_seed.to_vec() }
}

/// The paired difference a − b, seed by seed (same seeds in the same order).
pub fn paired(a: &[f64], b: &[f64]) -> Estimate {
    assert_eq!(a.len(), b.len(), "a paired difference needs the same seeds on both sides");
    estimate(&a.iter().zip(b).map(|(x, y)| x - y).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_values_give_a_zero_width_interval() {
        let e = estimate(&[0.7; 5]);
        assert!((e.mean - 0.7).abs() < 1e-12);
        assert!((e.ci[0] - 0.7).abs() < 1e-12 && (e.ci[1] - 0.7).abs() < 1e-12);
    }

    #[test]
    fn the_interval_holds_the_mean_and_lies_within_the_values() {
        let v = [0.1, 0.4, 0.35, 0.2, 0.9];
        let e = estimate(&v);
        assert!(e.ci[0] <= e.mean && e.mean <= e.ci[1]);
        assert!(e.ci[0] >= 0.1 && e.ci[1] <= 0.9);
        assert!(e.ci[1] - e.ci[0] > 0.1, "five spread values give a wide interval: {:?}", e.ci);
        assert_eq!(e.per_seed, v.to_vec());
    }

    #[test]
    fn the_interval_covers_the_true_mean_about_as_often_as_it_says() {
        // Draws of 20 values from N(0, 1): the percentile bootstrap is slightly narrow for
        // small samples, so coverage well below 95 % but far above chance is what to expect.
        let mut rng = Rng::new(4);
        let trials = 200;
        let covered = (0..trials)
            .filter(|_| {
                let v: Vec<f64> = (0..20).map(|_| rng.normal() as f64).collect();
                let e = estimate(&v);
                e.ci[0] <= 0.0 && 0.0 <= e.ci[1]
            })
            .count();
        assert!(covered as f64 / trials as f64 > 0.85, "coverage {covered}/{trials}");
    }

    #[test]
    fn a_paired_difference_removes_what_the_seeds_share() {
        // Seeds differ a lot, the pair differs by a steady 0.05: the paired interval is narrow.
        let a = [0.5, 0.9, 0.2, 0.7, 0.4];
        let b: Vec<f64> = a.iter().map(|x| x - 0.05).collect();
        let d = paired(&a, &b);
        assert!(d.above(0.04) && d.below(0.06), "{d:?}");
    }
}
