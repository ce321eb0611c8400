//! P2: "variability of neural activity should increase not only in
//! proportion to variability in the immediately preceding unit but in
//! proportion to variability in all preceding units".
//!
//! Independent Gaussian noise enters the input current of L2/3 in chosen
//! stations, over repeated trials of the same sketch. Two measures:
//! - for every on/off combination of the four noise sources, the
//!   trial-to-trial variance of each station's L5 (averaged over units and
//!   stimuli), and from the single-source runs the share of each L5's
//!   variance that each earlier station's noise produces;
//! - with noise only in the stations before j−1, how well the fluctuations of
//!   L5_j are predicted (cross-validated linear R², pooled over space) from
//!   the fluctuations of station j−1 alone, and from those of every earlier
//!   station: the extra R² is the variability that reaches L5_j without
//!   passing through station j−1. "Station j−1" has two readings, both
//!   reported: its L2/3 (what it computes; in the stream its input also
//!   reaches L5_j through the skip, so extra R² > 0 is built into the wiring)
//!   and its L5 (what it sends on, the area's output: the reading the claim
//!   uses). Adding regressors costs cross-validated R² even when they carry
//!   nothing, so each extra R² comes with a permutation null: the earlier
//!   stations' rows shuffled across trials and images, many times.

use super::linalg::cv_r2;
use super::verdict::{Claim, Runs};
use super::{tick, Failure, Measure, Models, Progress, Size, TRAINED_AND_UNTRAINED};
use crate::layers::pool::global_avg;
use crate::model::{Model, Trace};
use crate::names::{Layer, Station, STATION_NAMES};
use crate::rng::Rng;
use crate::stimuli;
use crate::train::render;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Noise sd as a fraction of each station's typical L2/3 current.
pub const NOISE: f32 = 0.5;
/// Shuffles of the earlier stations' rows for the permutation null (full size).
pub const PERMUTATIONS: usize = 100;

/// The R² of `target` on `previous` alone, on `previous` with `earlier`
/// beside it, their difference, and that difference with `earlier`'s rows
/// shuffled (the permutation null: what the extra regressors add when they
/// carry nothing about the target, usually a little below 0).
#[derive(Clone, Debug)]
pub struct ExtraR2 {
    pub previous: f32,
    pub all: f32,
    pub extra: f32,
    /// One extra R² per shuffle.
    pub null: Vec<f32>,
}

impl ExtraR2 {
    pub fn null_mean(&self) -> f32 {
        self.null.iter().sum::<f32>() / self.null.len().max(1) as f32
    }
    /// The central 95 % of the null's shuffles.
    pub fn null_range(&self) -> [f32; 2] {
        let mut v = self.null.clone();
        v.sort_by(|a, b| a.total_cmp(b));
        let at = |q: f32| v[((q * (v.len() - 1) as f32).round() as usize).min(v.len() - 1)];
        if v.is_empty() {
            [f32::NAN; 2]
        } else {
            [at(0.025), at(0.975)]
        }
    }
    pub fn to_json(&self) -> Value {
        json!({
            "previous_station": self.previous,
            "all_earlier_stations": self.all,
            "extra_r2": self.extra,
            "null": {"mean": self.null_mean(), "range": self.null_range(), "permutations": self.null.len()},
            "extra_above_null": self.extra - self.null_mean(),
        })
    }
}

fn joined(a: &[Vec<f32>], b: &[Vec<f32>], b_row: &dyn Fn(usize) -> usize) -> Vec<Vec<f32>> {
    (0..a.len()).map(|r| a[r].iter().chain(&b[b_row(r)]).copied().collect()).collect()
}

/// Extra R² of `earlier` beside `previous` in predicting `target`
/// (cross-validated ridge, 4 folds), with `permutations` shuffles of
/// `earlier`'s rows as its null.
pub fn extra_r2(
    previous: &[Vec<f32>],
    earlier: &[Vec<f32>],
    target: &[Vec<f32>],
    permutations: usize,
    rng: &mut Rng,
) -> ExtraR2 {
    let prev = cv_r2(previous, target, 4, 0.1);
    let all = cv_r2(&joined(previous, earlier, &|r| r), target, 4, 0.1);
    let null = (0..permutations)
        .map(|_| {
            let mut order: Vec<usize> = (0..earlier.len()).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, rng.below(i + 1));
            }
            cv_r2(&joined(previous, earlier, &|r| order[r]), target, 4, 0.1) - prev
        })
        .collect();
    ExtraR2 { previous: prev, all, extra: all - prev, null }
}

/// Per-station RMS of the L2/3 rates on the stimuli (noise-free).
fn l23_scale(model: &Model, lgn: &crate::layers::Maps) -> [f32; 4] {
    let t = model.forward(lgn.clone());
    let mut s = [0.0; 4];
    for (k, st) in t.stations.iter().enumerate() {
        let n = st.l23.x.len().max(1) as f32;
        s[k] = (st.l23.x.iter().map(|v| v * v).sum::<f32>() / n).sqrt().max(1e-3);
    }
    s
}

/// `trials` noisy runs of the whole batch with noise in the stations of `mask`.
fn trials(
    model: &Model,
    lgn: &crate::layers::Maps,
    mask: u8,
    sd: [f32; 4],
    trials: usize,
    rng: &mut Rng,
) -> Vec<Trace> {
    (0..trials)
        .map(|_| {
            model.forward_perturbed(lgn.clone(), &mut |k, current| {
                if mask & (1 << k) != 0 {
                    current.x.mapv_inplace(|v| v + sd[k] * NOISE * rng.normal());
                }
            })
        })
        .collect()
}

/// Trial-to-trial variance of station j's L5, averaged over units and stimuli.
fn l5_variance(runs: &[Trace], j: usize) -> f32 {
    let n = runs.len() as f64;
    let len = runs[0].stations[j].l5.x.len();
    let (mut sum, mut sq) = (vec![0.0f64; len], vec![0.0f64; len]);
    for r in runs {
        for (i, &v) in r.stations[j].l5.x.iter().enumerate() {
            sum[i] += v as f64;
            sq[i] += (v as f64) * (v as f64);
        }
    }
    let total: f64 = (0..len).map(|i| (sq[i] - sum[i] * sum[i] / n).max(0.0) / (n - 1.0).max(1.0)).sum();
    (total / len.max(1) as f64) as f32
}

/// Per-trial fluctuations (minus the stimulus's trial mean) of a pooled layer.
fn fluctuations(runs: &[Trace], pick: &dyn Fn(&Trace) -> ndarray::Array2<f32>) -> Vec<Vec<f32>> {
    let pooled: Vec<ndarray::Array2<f32>> = runs.iter().map(pick).collect();
    let (stims, ch) = pooled[0].dim();
    let mut rows = Vec::with_capacity(runs.len() * stims);
    for b in 0..stims {
        let mean: Vec<f32> =
            (0..ch).map(|c| pooled.iter().map(|p| p[[b, c]]).sum::<f32>() / runs.len() as f32).collect();
        for p in &pooled {
            rows.push((0..ch).map(|c| p[[b, c]] - mean[c]).collect());
        }
    }
    rows
}

fn one(
    model: &Model,
    seed: u64,
    size: Size,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<Value, Failure> {
    let stims = size.pick(6, 16);
    let lgn = render(stims, 1, &|i| stimuli::sample(seed ^ 0x7A41, i as u64, false)).lgn;
    let sd = l23_scale(model, &lgn);
    let mut rng = Rng::new(seed);
    let combo_trials = size.pick(12, 32);
    let mut variance = Map::new();
    let mut v = [[0.0f32; 4]; 16];
    for mask in 0..16u8 {
        let runs = trials(model, &lgn, mask, sd, combo_trials, &mut rng);
        let on: Vec<&str> = (0..4).filter(|k| mask & (1 << k) != 0).map(|k| STATION_NAMES[k]).collect();
        let key = if on.is_empty() { "none".to_string() } else { on.join("+") };
        for (j, slot) in v[mask as usize].iter_mut().enumerate() {
            *slot = l5_variance(&runs, j);
        }
        variance.insert(key, json!(v[mask as usize]));
        tick(progress, span.0 + (span.1 - span.0) * 0.6 * (mask as f32 + 1.0) / 16.0)?;
    }
    // Share of L5_j's variance (all sources on) produced by station k alone.
    let mut share = Map::new();
    for j in 0..4 {
        let all = v[15][j].max(1e-12);
        let s: Vec<f32> = (0..=j).map(|k| v[1 << k][j] / all).collect();
        share.insert(STATION_NAMES[j].to_string(), json!(s));
    }
    // Does variability reach L5_j only through station j−1? Noise goes into
    // the stations before j−1 only; then L5_j's fluctuations (pooled over
    // space) are regressed on station j−1's fluctuations alone, and on those
    // plus the earlier (noisy) stations'. If everything upstream passes
    // through station j−1 (a ladder), the extra R² is at its null; if it also
    // arrives directly, it is above.
    let mut r2 = Map::new();
    let reps = size.pick(48, 120);
    let permutations = size.pick(20, PERMUTATIONS);
    for j in 2..4 {
        let upstream = (1u8 << (j - 1)) - 1;
        let runs = trials(model, &lgn, upstream, sd, reps, &mut rng);
        let target = fluctuations(&runs, &|t| global_avg(&t.stations[j].l5));
        let mut entry = Map::new();
        entry.insert("noise_in".into(), json!(STATION_NAMES[..j - 1]));
        for (name, layer) in [("l23", Layer::L23), ("l5", Layer::L5)] {
            let per: Vec<Vec<Vec<f32>>> =
                (0..j).map(|k| fluctuations(&runs, &|t| global_avg(t.stations[k].layer(layer)))).collect();
            let earlier: Vec<Vec<f32>> =
                (0..target.len()).map(|r| (0..j - 1).flat_map(|k| per[k][r].clone()).collect()).collect();
            let e = extra_r2(&per[j - 1], &earlier, &target, permutations, &mut rng);
            entry.insert(name.into(), e.to_json());
        }
        r2.insert(STATION_NAMES[j].to_string(), Value::Object(entry));
        tick(progress, span.0 + (span.1 - span.0) * (0.6 + 0.2 * (j - 1) as f32))?;
    }
    tick(progress, span.1)?;
    Ok(json!({"l5_variance": variance, "share_by_source": share, "r2": r2, "noise_sd": sd.map(|s| s * NOISE)}))
}

fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Value, Failure> {
    let stream = one(&models.stream, seed, size, progress, (0.0, 0.5))?;
    let hierarchy = one(&models.hierarchy, seed, size, progress, (0.5, 1.0))?;
    Ok(json!({
        "stations": STATION_NAMES,
        "noise": format!("Gaussian, sd {NOISE} × each station's RMS L2/3 rate, into L2/3's input current"),
        "stream": stream,
        "hierarchy": hierarchy,
        "note": "r2.<station j>: L5_j's trial-to-trial fluctuations regressed on station j-1's alone \
                 (previous_station) and with every earlier station's beside them (all_earlier_stations). \
                 l23: station j-1 is read at its L2/3; in the stream its input reaches L5_j through the skip, so \
                 extra_r2 > 0 there is built into the wiring. l5: station j-1 is read at its L5, the area's output \
                 (every earlier station's too): the definition the article and the P2 verdict use. null: the \
                 extra R² with the earlier stations' rows shuffled across trials and images (mean and central 95 % \
                 of the shuffles); extra_above_null = extra_r2 − null mean.",
    }))
}

/// What P2's claim reads of a run: the stream's extra R² at each target station and layer.
#[derive(Deserialize)]
pub struct Read {
    stream: Regressions,
}

#[derive(Deserialize)]
struct Regressions {
    r2: BTreeMap<String, Target>,
}

/// One target station's regressions; the claim reads L5's.
#[derive(Deserialize)]
struct Target {
    l5: Extra,
}

#[derive(Deserialize)]
struct Extra {
    extra_r2: f64,
    null: NullMean,
}

#[derive(Deserialize)]
struct NullMean {
    mean: f64,
}

impl Read {
    /// The stream's extra R² (L5 reading) and its permutation null, averaged over the targets
    /// (V4 and IT).
    fn stream_extra(&self) -> (f64, f64) {
        let l5 = |s: Station| &self.stream.r2[s.name()].l5;
        let (v4, it) = (l5(Station::V4), l5(Station::IT));
        ((v4.extra_r2 + it.extra_r2) / 2.0, (v4.null.mean + it.null.mean) / 2.0)
    }
}

/// P2, the registry's row.
pub struct Variability;

impl Measure for Variability {
    const NAME: &'static str = "variability";
    const CLAIM: &'static str = "P2";
    const CONDITIONS: &'static [super::Condition] = TRAINED_AND_UNTRAINED;
    type Output = Value;
    type Read = Read;
    fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Value, Failure> {
        run(models, seed, size, progress)
    }
    /// P2: in the stream, an area's L5 varies with every earlier area's output,
    /// beyond what the preceding area's output (its L5) carries. Effect: the
    /// stream's extra R² of the earlier stations' L5 beside station j−1's, mean
    /// over j = V4 and IT; null: the same with the earlier rows shuffled.
    fn claim(runs: &Runs<Read>) -> Claim {
        let split = |v: &[Read]| -> (Vec<f64>, Vec<f64>) { v.iter().map(Read::stream_extra).unzip() };
        let ((effect, null), control) = runs.trained_and_control(split);
        Claim {
            id: Self::CLAIM,
            says:
                "variability in an area's layer 5 follows every preceding area, not only the immediately preceding one",
            measure: "stream: cross-validated extra R² of L5_j's fluctuations from the earlier stations' L5 beside \
                      L5_{j-1}, mean over V4 and IT; null: the earlier rows shuffled"
                .into(),
            effect,
            null,
            control,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of `cols` independent normals.
    fn noise(rng: &mut Rng, rows: usize, cols: usize) -> Vec<Vec<f32>> {
        (0..rows).map(|_| (0..cols).map(|_| rng.normal()).collect()).collect()
    }

    #[test]
    fn a_regressor_without_signal_adds_nothing_above_its_permutation_null() {
        let mut rng = Rng::new(7);
        let previous = noise(&mut rng, 600, 4);
        let earlier = noise(&mut rng, 600, 6);
        let target: Vec<Vec<f32>> =
            previous.iter().map(|p| vec![p[0] - 0.5 * p[2] + 0.5 * rng.normal(), p[1] + 0.5 * rng.normal()]).collect();
        let e = extra_r2(&previous, &earlier, &target, 40, &mut rng);
        assert!(e.previous > 0.5, "the previous station predicts the target: {}", e.previous);
        let [lo, hi] = e.null_range();
        assert!(e.null_mean() < 0.0, "extra regressors without signal cost cross-validated R²: {}", e.null_mean());
        assert!((e.extra - e.null_mean()).abs() < 0.01, "extra {} vs null {}", e.extra, e.null_mean());
        assert!(lo <= e.extra && e.extra <= hi + 0.005, "extra {} outside the null's range [{lo}, {hi}]", e.extra);
    }

    #[test]
    fn a_regressor_with_signal_lies_above_its_permutation_null() {
        let mut rng = Rng::new(8);
        let previous = noise(&mut rng, 600, 4);
        let earlier = noise(&mut rng, 600, 6);
        let target: Vec<Vec<f32>> = (0..600)
            .map(|r| {
                vec![previous[r][0] + 0.5 * earlier[r][3] + 0.5 * rng.normal(), previous[r][1] + 0.5 * rng.normal()]
            })
            .collect();
        let e = extra_r2(&previous, &earlier, &target, 40, &mut rng);
        assert!(e.extra > e.null_range()[1] + 0.05, "extra {} vs null range {:?}", e.extra, e.null_range());
    }
}
