//! P2: "variability of neural activity should increase not only in
//! proportion to variability in the immediately preceding unit but in
//! proportion to variability in all preceding units".
//!
//! Independent Gaussian noise enters the input current of L2/3 in chosen
//! stations, over repeated trials of the same sketch. Two measures:
//! - for every on/off combination of the four noise sources, the
//!   trial-to-trial variance of each station's L5 (averaged over units and
//!   stimuli), and from the single-source runs the share of each L5's
//!   variance that each earlier station's noise produces (reported);
//! - the claim's measure (data/preregistration.json, P2), what electrodes
//!   could record: with noise in every station (shared by a channel's units
//!   across positions, so that the stream's pooling does not average it
//!   away), 64 units sampled from L5 of
//!   station j (V4, IT) as the target; as base regressors k units sampled
//!   from the L2/3 and k from the write of station j−1; as extra regressors k
//!   from the L2/3 and k from the write of each station before it (k = 16
//!   and 64; a unit is one channel at one position, all at the same site of
//!   the visual field). The cross-validated extra R² of the target's
//!   trial-to-trial fluctuations is the variability that reaches L5_j past
//!   the units recorded at station j−1. Never the whole stream state.
//!
//! The null is the same measure in the hierarchy of the same seed, with the
//! same noise and the same sampled units (common random numbers): what the
//! finite sample of units and the linear fit leave unexplained there is
//! subtracted, and a model that is a strict hierarchy gives exactly zero. The
//! positive control is the stream with station j−1 bypassed, so every
//! fluctuation reaching L5_j comes past it from earlier stations.

use super::linalg::cv_r2;
use super::verdict::{Claim, Positive, Runs};
use super::{tick, Failure, Measure, Models, Progress, Size, TRAINED_AND_UNTRAINED};
use crate::layers::Maps;
use crate::model::{Model, Trace};
use crate::names::{ByStation, STATION_NAMES};
use crate::rng::Rng;
use crate::stimuli;
use crate::train::render;
use crate::wiring::Lesion;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Noise sd as a fraction of each station's typical L2/3 current.
pub const NOISE: f32 = 0.5;
/// How many units the target records at station j's L5.
pub const TARGET_UNITS: usize = 64;
/// How many units each electrode records at each earlier station's L2/3 and write.
pub const UNITS: [usize; 2] = [16, 64];
/// The ridge penalty on standardised units: hundreds of regressors whose signal is a small part
/// of each unit's fluctuation would otherwise fit the noise of the trials.
const RIDGE: f64 = 1.0;
/// The stations whose L5 is the target (V4 and IT: each has at least one station before j−1).
const TARGETS: [usize; 2] = [2, 3];

/// What one run of P2 reports (`www/js/experiments/variability.js` draws it; the article's
/// paragraph on variability reads `electrodes.*.mean_64`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "variability/"))]
pub struct Output {
    /// The stations, in the order of every per-station list below.
    pub stations: Vec<String>,
    /// The noise of the variance measure, in words.
    pub noise: String,
    /// The stream's L5 variance under every combination of noise sources.
    pub stream: NoiseSources,
    /// The hierarchy's, the same.
    pub hierarchy: NoiseSources,
    /// The claim's measure: what electrodes record, in the stream, the hierarchy and the
    /// positive control.
    pub electrodes: Recordings,
    /// How the electrode measure is made, in words.
    pub note: String,
}

/// One model's trial-to-trial variance of each station's L5 as noise enters L2/3 of chosen
/// stations (independent noise per unit).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "variability/"))]
pub struct NoiseSources {
    /// By the stations with noise on ("none", "V1", "V1+V2", …, "V1+V2+V4+IT": all 16
    /// combinations): the variance of each station's L5, V1 to IT, averaged over units and
    /// stimuli, in squared stream units.
    pub l5_variance: BTreeMap<String, [f32; 4]>,
    /// For each station's L5, the share of its variance (all sources on) that each station up
    /// to it makes alone: V1's list has one entry, IT's four.
    pub share_by_source: ByStation<Vec<f32>>,
    /// The noise's sd in each station, V1 to IT (NOISE × its RMS L2/3 rate).
    pub noise_sd: [f32; 4],
}

/// The electrode measure in each model, with the same sketches, noise and units.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "variability/"))]
pub struct Recordings {
    /// Sketches shown.
    pub stimuli: usize,
    /// Noisy trials of each.
    pub trials: usize,
    /// Units recorded at the target L5 ([`TARGET_UNITS`]).
    pub target_units: usize,
    pub stream: Electrodes,
    pub hierarchy: Electrodes,
    /// The stream with station j−1 bypassed (one model per target), so every fluctuation
    /// reaching L5_j comes past it.
    pub positive_control: PositiveElectrodes,
}

/// The extra R² at each target station's L5 (V4, IT), and its mean over them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "variability/"))]
pub struct Electrodes {
    #[serde(rename = "V4")]
    pub v4: ByUnits,
    #[serde(rename = "IT")]
    pub it: ByUnits,
    /// Extra R² with 16 units an electrode, mean over V4 and IT.
    pub mean_16: f32,
    /// The same with 64: P2's measure.
    pub mean_64: f32,
}

/// As [`Electrodes`], each target measured on its own bypassed model; the means are taken
/// over the two models' numbers in f64.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "variability/"))]
pub struct PositiveElectrodes {
    #[serde(rename = "V4")]
    pub v4: ByUnits,
    #[serde(rename = "IT")]
    pub it: ByUnits,
    pub mean_16: f64,
    /// P2's positive control.
    pub mean_64: f64,
}

/// The measure at one target with k = 16 and k = 64 units an electrode ([`UNITS`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "variability/"))]
pub struct ByUnits {
    #[serde(rename = "16")]
    pub k16: ExtraR2,
    #[serde(rename = "64")]
    pub k64: ExtraR2,
}

/// Cross-validated R² of the target from the base regressors (`base_r2`), and from the base
/// and the extra ones beside them (`all_r2`); `extra_r2` is the difference (in Rust `base`,
/// `all` and `extra`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "variability/"))]
pub struct ExtraR2 {
    /// R² of the target L5 units' fluctuations from station j−1's units alone.
    #[serde(rename = "base_r2")]
    pub base: f32,
    /// From those and the earlier stations' units.
    #[serde(rename = "all_r2")]
    pub all: f32,
    /// `all − base`: the variability reaching L5_j past the units recorded at station j−1.
    #[serde(rename = "extra_r2")]
    pub extra: f32,
}

fn joined(a: &[Vec<f32>], b: &[Vec<f32>]) -> Vec<Vec<f32>> {
    a.iter().zip(b).map(|(x, y)| x.iter().chain(y).copied().collect()).collect()
}

/// Extra R² of `extra` beside `base` in predicting `target` (cross-validated ridge, 4 folds).
pub fn extra_r2(base: &[Vec<f32>], extra: &[Vec<f32>], target: &[Vec<f32>]) -> ExtraR2 {
    let b = cv_r2(base, target, 4, RIDGE);
    let all = cv_r2(&joined(base, extra), target, 4, RIDGE);
    ExtraR2 { base: b, all, extra: all - b }
}

/// One recorded unit: a channel at a position.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Unit {
    y: usize,
    x: usize,
    c: usize,
}

/// `k` distinct units of a map `side` wide with `channels` channels, at one recording site:
/// the central half of the visual field in each direction, which every station sees the same
/// part of (so the electrodes record units whose receptive fields overlap).
fn sample_units(side: usize, channels: usize, k: usize, rng: &mut Rng) -> Vec<Unit> {
    let (lo, hi) = (side / 4, (3 * side / 4).max(side / 4 + 1));
    let mut all: Vec<Unit> =
        (lo..hi).flat_map(|y| (lo..hi).flat_map(move |x| (0..channels).map(move |c| Unit { y, x, c }))).collect();
    for i in 0..k.min(all.len()) {
        let j = i + rng.below(all.len() - i);
        all.swap(i, j);
    }
    all.truncate(k);
    all
}

/// The units' trial-to-trial fluctuations: one row per (stimulus, trial), each unit's value
/// minus its mean over the stimulus's trials.
fn recorded(runs: &[Trace], units: &[Unit], pick: &dyn Fn(&Trace) -> &Maps) -> Vec<Vec<f32>> {
    let stims = pick(&runs[0]).n;
    let mut rows = Vec::with_capacity(runs.len() * stims);
    for b in 0..stims {
        let values: Vec<Vec<f32>> =
            runs.iter().map(|t| units.iter().map(|u| pick(t).at(b, u.y, u.x, u.c)).collect()).collect();
        let mean: Vec<f32> =
            (0..units.len()).map(|i| values.iter().map(|v| v[i]).sum::<f32>() / runs.len() as f32).collect();
        rows.extend(values.into_iter().map(|v| v.iter().zip(&mean).map(|(a, m)| a - m).collect()));
    }
    rows
}

/// The units every model of a seed is recorded at: for each target station, the target's
/// units and, for each station before it and each k, the L2/3's and the write's.
struct Placement {
    /// [j] → the target's units at L5_j.
    target: Vec<Vec<Unit>>,
    /// [k index][station] → (L2/3 units, write units).
    sites: Vec<Vec<(Vec<Unit>, Vec<Unit>)>>,
}

fn place_electrodes(t: &Trace, seed: u64) -> Placement {
    let mut rng = Rng::new(seed ^ 0xE1EC_7A0D);
    let target = (0..4)
        .map(|j| sample_units(t.stations[j].l5.side, t.stations[j].l5.channels(), TARGET_UNITS, &mut rng))
        .collect();
    let sites = UNITS
        .iter()
        .map(|&k| {
            t.stations
                .iter()
                .map(|st| {
                    let l23 = sample_units(st.l23.side, st.l23.channels(), k, &mut rng);
                    (l23, sample_units(st.write.side, st.write.channels(), k, &mut rng))
                })
                .collect()
        })
        .collect();
    Placement { target, sites }
}

/// The electrode measure at target station `j` on one model's noisy trials, with each k of
/// [`UNITS`].
fn at_target(runs: &[Trace], e: &Placement, j: usize) -> ByUnits {
    let target = recorded(runs, &e.target[j], &|t| &t.stations[j].l5);
    let measure = |ki: usize| -> ExtraR2 {
        let station = |i: usize| -> Vec<Vec<f32>> {
            let (l23, write) = &e.sites[ki][i];
            joined(&recorded(runs, l23, &|t| &t.stations[i].l23), &recorded(runs, write, &|t| &t.stations[i].write))
        };
        let base = station(j - 1);
        let mut extra = station(0);
        for i in 1..j - 1 {
            extra = joined(&extra, &station(i));
        }
        extra_r2(&base, &extra, &target)
    };
    ByUnits { k16: measure(0), k64: measure(1) }
}

impl Electrodes {
    /// The electrode measure at both targets on one model's noisy trials.
    fn measure(runs: &[Trace], e: &Placement) -> Electrodes {
        let (v4, it) = (at_target(runs, e, TARGETS[0]), at_target(runs, e, TARGETS[1]));
        let mean = |k: fn(&ByUnits) -> &ExtraR2| {
            let mut m = 0.0f32;
            for t in [&v4, &it] {
                m += k(t).extra / TARGETS.len() as f32;
            }
            m
        };
        Electrodes { mean_16: mean(|u| &u.k16), mean_64: mean(|u| &u.k64), v4, it }
    }
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

/// As [`trials`] with noise in every station, each draw shared by a channel's units at every
/// position of the image (a gain-like fluctuation, as cortical variability is correlated across
/// neighbouring units), so that what pooling averages away of independent noise is kept.
fn shared_trials(model: &Model, lgn: &Maps, sd: [f32; 4], trials: usize, rng: &mut Rng) -> Vec<Trace> {
    (0..trials)
        .map(|_| {
            model.forward_perturbed(lgn.clone(), &mut |k, current| {
                let p = current.pixels();
                for b in 0..current.n {
                    let draws: Vec<f32> = (0..current.channels()).map(|_| sd[k] * NOISE * rng.normal()).collect();
                    for mut row in current.x.rows_mut().into_iter().skip(b * p).take(p) {
                        row.iter_mut().zip(&draws).for_each(|(v, d)| *v += d);
                    }
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

fn one(
    model: &Model,
    seed: u64,
    size: Size,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<NoiseSources, Failure> {
    let stims = size.pick(6, 16);
    let lgn = render(stims, 1, &|i| stimuli::sample(seed ^ 0x7A41, i as u64, false)).lgn;
    let sd = l23_scale(model, &lgn);
    let mut rng = Rng::new(seed);
    let combo_trials = size.pick(12, 32);
    let mut variance = BTreeMap::new();
    let mut v = [[0.0f32; 4]; 16];
    for mask in 0..16u8 {
        let runs = trials(model, &lgn, mask, sd, combo_trials, &mut rng);
        let on: Vec<&str> = (0..4).filter(|k| mask & (1 << k) != 0).map(|k| STATION_NAMES[k]).collect();
        let key = if on.is_empty() { "none".to_string() } else { on.join("+") };
        for (j, slot) in v[mask as usize].iter_mut().enumerate() {
            *slot = l5_variance(&runs, j);
        }
        variance.insert(key, v[mask as usize]);
        tick(progress, span.0 + (span.1 - span.0) * (mask as f32 + 1.0) / 16.0)?;
    }
    // Share of L5_j's variance (all sources on) produced by station k alone.
    let share = |j: usize| -> Vec<f32> {
        let all = v[15][j].max(1e-12);
        (0..=j).map(|k| v[1 << k][j] / all).collect()
    };
    tick(progress, span.1)?;
    Ok(NoiseSources {
        l5_variance: variance,
        share_by_source: ByStation { v1: share(0), v2: share(1), v4: share(2), it: share(3) },
        noise_sd: sd.map(|s| s * NOISE),
    })
}

/// The electrode measure on the stream, the hierarchy and the positive control, with the same
/// sketches, the same noise (the generator restarts for each model) and the same units.
fn recordings(
    models: &Models,
    seed: u64,
    size: Size,
    progress: Progress,
    span: (f32, f32),
) -> Result<Recordings, Failure> {
    let stims = size.pick(8, 24);
    let reps = size.pick(60, 160);
    let lgn = render(stims, 1, &|i| stimuli::sample(seed ^ 0x7A42, i as u64, false)).lgn;
    let e = place_electrodes(&models.stream.forward(lgn.clone()), seed);
    let noisy = |model: &Model| -> Vec<Trace> {
        let sd = l23_scale(model, &lgn);
        shared_trials(model, &lgn, sd, reps, &mut Rng::new(seed ^ 0x5EED))
    };
    let step = (span.1 - span.0) / 4.0;
    let stream = Electrodes::measure(&noisy(&models.stream), &e);
    tick(progress, span.0 + step)?;
    let hierarchy = Electrodes::measure(&noisy(&models.hierarchy), &e);
    tick(progress, span.0 + 2.0 * step)?;
    // The positive control: for each target j, the stream with station j−1 bypassed.
    let mut positive = Vec::new();
    for (n, &j) in TARGETS.iter().enumerate() {
        let mut m = models.stream.clone();
        m.lesion_kind = Lesion::Bypassed;
        m.lesions = [false; 4];
        m.lesions[j - 1] = true;
        positive.push(at_target(&noisy(&m), &e, j));
        tick(progress, span.0 + (3.0 + n as f32) * step)?;
    }
    let mean = |k: fn(&ByUnits) -> &ExtraR2| {
        let mut m = 0.0f64;
        for t in &positive {
            m += k(t).extra as f64 / TARGETS.len() as f64;
        }
        m
    };
    let (mean_16, mean_64) = (mean(|u| &u.k16), mean(|u| &u.k64));
    let [v4, it]: [ByUnits; 2] = positive.try_into().expect("one per target");
    Ok(Recordings {
        stimuli: stims,
        trials: reps,
        target_units: TARGET_UNITS,
        stream,
        hierarchy,
        positive_control: PositiveElectrodes { v4, it, mean_16, mean_64 },
    })
}

/// P2, the registry's row.
pub struct Variability;

impl Measure for Variability {
    const NAME: &'static str = "variability";
    const CLAIM: &'static str = "P2";
    const CONDITIONS: &'static [super::Condition] = TRAINED_AND_UNTRAINED;
    type Output = Output;
    type Read = Output;
    fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Output, Failure> {
        let electrodes = recordings(models, seed, size, progress, (0.0, 0.5))?;
        let stream = one(&models.stream, seed, size, progress, (0.5, 0.75))?;
        let hierarchy = one(&models.hierarchy, seed, size, progress, (0.75, 1.0))?;
        Ok(Output {
            stations: STATION_NAMES.map(String::from).to_vec(),
            noise: format!("Gaussian, sd {NOISE} × each station's RMS L2/3 rate, into L2/3's input current"),
            stream,
            hierarchy,
            electrodes,
            note: "electrodes: noise in every station's L2/3, one draw per channel and image shared across positions; the target is 64 units of L5_j (j = V4, IT), the base \
                     regressors k units of station j-1's L2/3 and k of its write, the extra regressors k units of the \
                     L2/3 and k of the write of each earlier station (k = 16, 64), all at the same site of the visual \
                     field; extra_r2 = cross-validated R² of the target's trial-to-trial fluctuations with the extra \
                     regressors minus without; mean_k: over V4 and IT. The stream and the hierarchy see the same noise \
                     and units, so stream − hierarchy is a paired difference. positive_control: the stream with station \
                     j-1 bypassed. l5_variance: L5 variance for every on/off combination of the noise sources; \
                     share_by_source: the share of each L5's variance made by each source alone."
                .into(),
        })
    }
    /// P2, as planned: the stream's extra R² from the earlier stations' units (effect) against
    /// the hierarchy's with the same noise and units (null), mean over V4 and IT, k = 64.
    fn claim(runs: &Runs<Output>) -> Claim {
        let split = |v: &[Output]| -> (Vec<f64>, Vec<f64>) {
            v.iter().map(|r| (r.electrodes.stream.mean_64 as f64, r.electrodes.hierarchy.mean_64 as f64)).unzip()
        };
        let ((effect, null), control) = runs.trained_and_control(split);
        Claim {
            id: Self::CLAIM,
            says:
                "variability in an area's layer 5 follows every preceding area, not only the immediately preceding one",
            measure: "noise in every station's L2/3 (shared by a channel's units across positions); cross-validated extra R² of 64 L5_j units' fluctuations from 64 \
                      units each of the L2/3 and the write of every station before j−1, beside 64 each of station \
                      j−1's, mean over V4 and IT; stream − hierarchy (same noise, same units)"
                .into(),
            effect,
            null,
            control,
        }
    }
    /// The stream with station j−1 bypassed against the trained hierarchy, per seed.
    fn positive(runs: &Runs<Output>) -> Option<Positive> {
        let read = |r: &Output| (r.electrodes.positive_control.mean_64, r.electrodes.hierarchy.mean_64 as f64);
        // No known size: how much variance the earlier stations explain is the model's.
        Positive::from_runs(runs.trained, read, None)
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
    fn a_regressor_without_signal_adds_nothing_and_one_with_signal_adds() {
        let mut rng = Rng::new(7);
        let base = noise(&mut rng, 600, 4);
        let extra = noise(&mut rng, 600, 6);
        let target: Vec<Vec<f32>> =
            base.iter().map(|p| vec![p[0] - 0.5 * p[2] + 0.5 * rng.normal(), p[1] + 0.5 * rng.normal()]).collect();
        let none = extra_r2(&base, &extra, &target);
        assert!(none.base > 0.5, "the base regressors predict the target: {}", none.base);
        assert!(none.extra.abs() < 0.01, "extra regressors without signal: {}", none.extra);
        let target: Vec<Vec<f32>> =
            (0..600).map(|r| vec![base[r][0] + 0.5 * extra[r][3] + 0.5 * rng.normal(), base[r][1]]).collect();
        assert!(extra_r2(&base, &extra, &target).extra > 0.05);
    }

    #[test]
    fn the_units_sit_at_one_site_and_are_distinct() {
        let mut rng = Rng::new(3);
        let units = sample_units(16, 32, 64, &mut rng);
        assert_eq!(units.len(), 64);
        assert!(units.iter().all(|u| (4..12).contains(&u.y) && (4..12).contains(&u.x) && u.c < 32));
        for (i, a) in units.iter().enumerate() {
            assert!(units[i + 1..].iter().all(|b| b != a), "{a:?} twice");
        }
    }

    #[test]
    fn a_strict_hierarchy_in_the_streams_place_gives_a_null_of_exactly_zero() {
        // The stream's and the hierarchy's measures share noise and units, so a model that is a
        // strict hierarchy in both places gives a paired difference of zero by construction.
        let h = Model::init(crate::model::Wiring::Hierarchy, 4);
        let models = Models { stream: h.clone(), ..Models::untrained(4) };
        let v = recordings(&models, 4, Size::Quick, &mut |_| true, (0.0, 1.0)).unwrap();
        assert_eq!((v.stream.mean_16, v.stream.mean_64), (v.hierarchy.mean_16, v.hierarchy.mean_64));
        assert_eq!(v.stream, v.hierarchy);
    }
}
