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
//!   the fluctuations of station j−1's L2/3 alone, and from all earlier
//!   stations' L2/3: the extra R² is the variability that reaches L5_j
//!   without passing through station j−1.

use super::linalg::cv_r2;
use super::{tick, Failure, Models, Size};
use crate::layers::pool::global_avg;
use crate::model::{Model, Trace};
use crate::names::STATION_NAMES;
use crate::rng::Rng;
use crate::stimuli;
use crate::train::render;
use serde_json::{json, Map, Value};

/// Noise sd as a fraction of each station's typical L2/3 current.
pub const NOISE: f32 = 0.5;

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
    // space) are regressed on station j−1's L2/3 fluctuations alone, and on
    // those plus the noisy stations' own L2/3. If everything upstream passes
    // through station j−1 (a ladder), the extra R² is about zero; if it also
    // arrives directly (a stream), it is positive.
    let mut r2 = Map::new();
    let reps = size.pick(48, 120);
    for j in 2..4 {
        let upstream = (1u8 << (j - 1)) - 1;
        let runs = trials(model, &lgn, upstream, sd, reps, &mut rng);
        let l23: Vec<Vec<Vec<f32>>> =
            (0..j).map(|k| fluctuations(&runs, &|t| global_avg(&t.stations[k].l23))).collect();
        let target = fluctuations(&runs, &|t| global_avg(&t.stations[j].l5));
        let prev = cv_r2(&l23[j - 1], &target, 4, 0.1);
        let all: Vec<Vec<f32>> = (0..target.len()).map(|r| (0..j).flat_map(|k| l23[k][r].clone()).collect()).collect();
        let all_r2 = cv_r2(&all, &target, 4, 0.1);
        r2.insert(
            STATION_NAMES[j].to_string(),
            json!({"noise_in": STATION_NAMES[..j - 1], "previous_station": prev, "all_earlier_stations": all_r2, "extra_r2": all_r2 - prev}),
        );
        tick(progress, span.0 + (span.1 - span.0) * (0.6 + 0.2 * (j - 1) as f32))?;
    }
    tick(progress, span.1)?;
    Ok(json!({"l5_variance": variance, "share_by_source": share, "r2": r2, "noise_sd": sd.map(|s| s * NOISE)}))
}

pub fn run(models: &Models, seed: u64, size: Size, progress: &mut dyn FnMut(f32) -> bool) -> Result<Value, Failure> {
    let stream = one(&models.stream, seed, size, progress, (0.0, 0.5))?;
    let hierarchy = one(&models.hierarchy, seed, size, progress, (0.5, 1.0))?;
    Ok(json!({
        "stations": STATION_NAMES,
        "noise": format!("Gaussian, sd {NOISE} × each station's RMS L2/3 rate, into L2/3's input current"),
        "stream": stream,
        "hierarchy": hierarchy,
    }))
}
