//! Numbers over seeds (issues 11 and 23): every measure the article states is a
//! mean over independently trained seeds with a 95 % Student-t interval, and
//! every stream-versus-hierarchy comparison is a paired difference, seed by seed.
//!
//! Why t and not the bootstrap: with five seeds a percentile bootstrap of the
//! mean is about 1.75·s/√n wide against t's 2.776·s/√n, and covers the true
//! mean about 84 % of the time in simulation. The t interval is exact for
//! normal seed-to-seed spread and covers at least 93 % for the skewed spreads
//! simulated in the tests below.

use serde::{Deserialize, Serialize};

/// How every interval in the results is made, as the results file names it.
pub const INTERVAL_METHOD: &str = "student-t 95 % over seeds";

/// A measure over seeds: its mean, a 95 % Student-t interval of the mean, and
/// the value at each seed in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// Whether the whole interval lies strictly inside (−bound, bound).
    pub fn within(&self, bound: f64) -> bool {
        self.ci[0] > -bound && self.ci[1] < bound
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
        let variance = per_seed.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1) as f64;
        let half = t_quantile(0.975, (n - 1) as f64) * (variance / n as f64).sqrt();
        [m - half, m + half]
    };
    Estimate { mean: m, ci, per_seed: per_seed.to_vec() }
}

/// The `p` quantile of Student's t with `df` degrees of freedom (p in (0.5, 1)),
/// by bisection on the distribution function: slow next to a table, exact to
/// 1e-12, and it needs no table to go wrong.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    assert!(p > 0.5 && p < 1.0 && df > 0.0, "t_quantile wants p in (0.5, 1) and df > 0");
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while t_cdf(hi, df) < p {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-13 * hi.max(1.0) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// P(T ≤ t) for Student's t with `df` degrees of freedom, through the
/// regularised incomplete beta function: P(|T| > t) = I_x(df/2, 1/2), x = df/(df + t²).
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * incomplete_beta(df / (df + t * t), 0.5 * df, 0.5);
    if t >= 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// The regularised incomplete beta function I_x(a, b), by its continued
/// fraction (evaluated with the modified Lentz method), on whichever side of
/// the mean (a / (a + b)) it converges fast.
fn incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_fraction(x, a, b) / a
    } else {
        1.0 - ln_front.exp() * beta_fraction(1.0 - x, b, a) / b
    }
}

fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
    let mut f = d;
    for m in 1..500 {
        let m = m as f64;
        // The even step, then the odd step of the fraction.
        let even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        d = 1.0 / guard(1.0 + even * d);
        c = guard(1.0 + even / c);
        f *= c * d;
        let odd = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
        d = 1.0 / guard(1.0 + odd * d);
        c = guard(1.0 + odd / c);
        let step = c * d;
        f *= step;
        if (step - 1.0).abs() < 1e-15 {
            break;
        }
    }
    f
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: about 1e-15 relative).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1 − x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// The paired difference a − b, seed by seed (same seeds in the same order).
pub fn paired(a: &[f64], b: &[f64]) -> Estimate {
    assert_eq!(a.len(), b.len(), "a paired difference needs the same seeds on both sides");
    estimate(&a.iter().zip(b).map(|(x, y)| x - y).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn constant_values_give_a_zero_width_interval() {
        let e = estimate(&[0.7; 5]);
        assert!((e.mean - 0.7).abs() < 1e-12);
        assert!((e.ci[0] - 0.7).abs() < 1e-12 && (e.ci[1] - 0.7).abs() < 1e-12);
    }

    #[test]
    fn the_interval_is_the_mean_plus_and_minus_t_standard_errors() {
        let v = [0.1, 0.4, 0.35, 0.2, 0.9];
        let e = estimate(&v);
        let m = v.iter().sum::<f64>() / 5.0;
        let sd = (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / 4.0).sqrt();
        let half = 2.776_445_105 * sd / 5f64.sqrt();
        assert!((e.mean - m).abs() < 1e-12);
        assert!((e.ci[0] - (m - half)).abs() < 1e-8 && (e.ci[1] - (m + half)).abs() < 1e-8, "{:?}", e.ci);
        assert_eq!(e.per_seed, v.to_vec());
    }

    #[test]
    fn the_t_quantiles_are_the_tabled_ones() {
        // Student's table, two-sided 95 %: df 1, 2, 4, 9, 30; and the normal limit.
        for (df, t) in [
            (1.0, 12.706_204_736),
            (2.0, 4.302_652_730),
            (4.0, 2.776_445_105),
            (9.0, 2.262_157_163),
            (30.0, 2.042_272_456),
        ] {
            let q = t_quantile(0.975, df);
            assert!((q - t).abs() < 1e-6, "df {df}: {q} against the table's {t}");
        }
        assert!((t_quantile(0.975, 1e7) - 1.959_963_985).abs() < 1e-5);
        assert!((t_cdf(0.0, 5.0) - 0.5).abs() < 1e-12);
        assert!((t_cdf(-2.570_581_836, 5.0) - 0.025).abs() < 1e-8);
    }

    /// How often the interval of `n` draws covers the true mean, over `trials` seeded samples.
    fn coverage(n: usize, trials: usize, draw: &mut dyn FnMut(&mut Rng) -> f64, truth: f64) -> f64 {
        let mut rng = Rng::new(0xC0DE + n as u64);
        let covered = (0..trials)
            .filter(|_| {
                let v: Vec<f64> = (0..n).map(|_| draw(&mut rng)).collect();
                let e = estimate(&v);
                e.ci[0] <= truth && truth <= e.ci[1]
            })
            .count();
        covered as f64 / trials as f64
    }

    #[test]
    fn the_interval_covers_the_true_mean_at_five_and_ten_seeds() {
        // Normal spread between seeds, and a skewed one (a squared normal plus a normal, as a
        // rate or an R² spreads), each at least 93 % at the seed counts the article uses.
        for n in [5, 10] {
            let normal = coverage(n, 4000, &mut |r| 0.3 + 0.05 * r.normal() as f64, 0.3);
            assert!(normal >= 0.93, "normal spread, n = {n}: coverage {normal}");
            let skewed = coverage(
                n,
                4000,
                &mut |r| {
                    let z = r.normal() as f64;
                    0.5 * z * z + r.normal() as f64
                },
                0.5,
            );
            assert!(skewed >= 0.93, "skewed spread, n = {n}: coverage {skewed}");
        }
    }

    #[test]
    fn the_percentile_bootstrap_the_interval_replaced_covered_too_little_at_five_seeds() {
        // Why the method changed: at n = 5 the percentile bootstrap of the mean is narrower
        // than t by a factor of about 1.6 and misses the truth far more often than 5 %.
        let mut rng = Rng::new(11);
        let trials = 2000;
        let covered = (0..trials)
            .filter(|_| {
                let v: Vec<f64> = (0..5).map(|_| rng.normal() as f64).collect();
                let mut means: Vec<f64> =
                    (0..2000).map(|_| (0..5).map(|_| v[rng.below(5)]).sum::<f64>() / 5.0).collect();
                means.sort_by(|a, b| a.total_cmp(b));
                means[50] <= 0.0 && 0.0 <= means[1949]
            })
            .count();
        let rate = covered as f64 / trials as f64;
        assert!(rate < 0.90, "bootstrap coverage at n = 5: {rate}");
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
