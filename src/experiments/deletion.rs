//! P3: "some degree of dynamic deleting and/or editing in layer 5, where a
//! portion of incoming thalamocortical inputs are partially or fully
//! cancelled out by computed inhibitory input".
//!
//! Read from the trained weights and activations, nothing manipulated:
//! - δ_k = −⟨w_k, D s_{k−1}⟩ / ‖D s_{k−1}‖²: the fraction of its input that
//!   station k's write cancels (δ > 0) or amplifies (δ < 0), per image. This
//!   is about the whole stream, its mean and the writes' biases included;
//! - δ against the thalamic component, the post's P3: the same with
//!   t_k = D^k s₀ (the embedded LGN input, pooled to station k's size) in
//!   place of the stream; its null pairs each image's write with another
//!   image's t_k, so what the two share whatever the image (means, biases)
//!   is not counted as cancellation;
//! - the cosine between each L4 unit's read direction (a column of W_in) and
//!   each L2/3 unit's write direction (a row of W_out): strongly negative
//!   pairs read a direction and write against it, i.e. delete it. Beside the
//!   measured fraction below −0.5, the chance rate for random directions in
//!   the d-dimensional stream;
//! - the edge direction's amplitude along the stream: the 2-D subspace of
//!   the embedded input s₀ that best codes edge orientation (double-angle
//!   regression), and how much of it is left at each L5, raw and divided by
//!   the stream's own growth (its spread over stimuli relative to s₀'s).
//!
//! In the hierarchy the write replaces its input, so no δ there measures a
//! cancellation within a sum: δ = −1 is a level that passes its input on,
//! δ > 0 one whose output points against it.
//!
//! The claim's measure (data/preregistration.json, P3), on the stream only:
//! the thalamic subspace at station k is spanned by the r = 8 leading
//! principal directions u (channel space) of t_k over held-out sketches. For
//! each sketch the station's map x ↦ x + w_k(x) is linearised at its input x
//! (a central difference along the image's own thalamic component along u),
//! giving each direction a retained gain 1 + uᵀJu; "a portion cancelled" is the
//! fraction of directions whose gain is below 0.5. Null: the same fraction for
//! random directions orthogonal to the thalamic subspace, with the same spatial
//! pattern. Positive control: the same stream with each write augmented by
//! minus the projection of its input onto half of the thalamic directions,
//! which cancels that half by construction. Reported beside it: the cosine of
//! each write with the thalamic component it meets, against the same image
//! shifted by 4 pixels.

use super::linalg::{mean, median, Data, Ridge};
use super::pca::symmetric_eigen;
use super::verdict::Positive;
use super::verdict::{Claim, Runs};
use super::{for_each_trace, tick, Condition, Failure, Measure, Models, Progress, Size};
use crate::layers::pool::{avg_pool2, global_avg};
use crate::layers::Maps;
use crate::model::{Model, Trace};
use crate::names::STATION_NAMES;
use crate::rng::Rng;
use crate::stimuli::{self, Stimulus, N_ORIENTATIONS};
use crate::train::held_out;
use serde::{Deserialize, Serialize};

/// What one run of P3 reports (`www/js/experiments/deletion.js` draws it).
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "deletion/"))]
pub struct Output {
    /// The stations in order, V1 … IT: each per-station list below is indexed alike.
    pub stations: Vec<String>,
    /// d, the stream's width (channels of the stream; both wirings of the pair share it).
    pub stream_width: usize,
    /// Held-out sketches (and edges) δ and the edge amplitudes are measured over.
    pub n: usize,
    /// The P3 verdict's measure, on the stream: the thalamic directions its stations cancel.
    pub thalamic: Cancellation,
    /// The same measure on the stream whose writes cancel half of the thalamic directions by
    /// construction (the positive control).
    pub positive_control: Cancellation,
    /// δ, read–write cosines and the edge direction in the stream.
    pub stream: Measures,
    /// The same in the hierarchy, where the write replaces its input.
    pub hierarchy: Measures,
    /// The fraction of read–write pairs with cosine below −0.5 that random directions in d
    /// dimensions give (compare `read_write_cosine[k].fraction_below_minus_half`).
    pub cosine_chance_below_minus_half: f64,
    /// What each number is, in words.
    pub note: String,
}

/// How many of a station's thalamic directions its write cancels: per station (V1 … IT) and
/// mean over stations, each mean over sketches.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "deletion/"))]
pub struct Cancellation {
    /// r, the leading principal directions of the thalamic component read at each station.
    pub directions: usize,
    /// Held-out sketches the fractions are a mean over.
    pub sketches: usize,
    /// Per station: the share of the r thalamic directions whose retained gain 1 + uᵀJu
    /// through the station is below 0.5 (cancelled).
    pub fraction_cancelled: Vec<f64>,
    /// Per station: the same for r random directions orthogonal to the thalamic subspace (the
    /// null), with the same spatial pattern.
    pub null_fraction_cancelled: Vec<f64>,
    /// `fraction_cancelled`, mean over stations: the claim's effect.
    pub fraction: f64,
    /// `null_fraction_cancelled`, mean over stations: the claim's null.
    pub null_fraction: f64,
    /// Per station: the retained gain of the thalamic directions, mean over directions and
    /// sketches (1: passed on, 0: cancelled).
    pub mean_gain: Vec<f64>,
    /// Per station: the cosine of the write with the thalamic component it meets.
    pub cosine: Vec<f64>,
    /// Per station: the same against the thalamic component of the same image shifted by 4
    /// pixels (the cosine's null).
    pub cosine_shifted: Vec<f64>,
}

/// One wiring's deletion measures, each per station (V1 … IT).
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "deletion/"))]
pub struct Measures {
    /// d, the wiring's stream width.
    pub stream_width: usize,
    /// The chance rate of a read–write cosine below −0.5 in d dimensions.
    pub cosine_chance_below_minus_half: f64,
    /// δ against the whole stream the station read (its mean and the biases included).
    pub delta: Vec<Delta>,
    /// δ against the thalamic component Dᵏ·s₀ (the embedded LGN input pooled to the station),
    /// with its shuffled-pair null.
    pub delta_thalamic: Vec<DeltaThalamic>,
    /// Cosines between each L4 unit's read direction and each L2/3 unit's write direction.
    pub read_write_cosine: Vec<ReadWriteCosine>,
    /// The amplitude of s₀'s edge-orientation subspace at each L5, relative to s₀.
    pub edge_amplitude: Vec<f32>,
    /// The stream's spread over stimuli at each L5, relative to s₀'s (its growth).
    pub stream_size: Vec<f32>,
    /// `edge_amplitude / stream_size`: 1 where the edge direction keeps its share of the stream.
    pub edge_amplitude_normalised: Vec<f32>,
}

/// δ = −⟨w, x⟩ / ‖x‖² over sketches: the fraction of its input x a station's write w cancels
/// (> 0) or amplifies (< 0).
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "deletion/"))]
pub struct Delta {
    pub mean: f32,
    pub median: f32,
    /// The share of sketches on which δ > 0 (the write cancels part of its input).
    pub fraction_cancelling: f32,
}

/// δ against the thalamic component, over sketches, beside its null.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "deletion/"))]
pub struct DeltaThalamic {
    pub mean: f32,
    pub median: f32,
    /// The share of sketches on which δ > 0.
    pub fraction_cancelling: f32,
    /// Mean δ of each sketch's write against another sketch's thalamic component: what the
    /// two share whatever the image (means, biases).
    pub null_mean: f32,
    /// `mean − null_mean`: the image-specific cancellation.
    pub above_null: f32,
}

/// The cosines of a station's read–write pairs (W_in column against W_out row).
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "deletion/"))]
pub struct ReadWriteCosine {
    pub mean: f32,
    pub median: f32,
    pub min: f32,
    /// The share of pairs below −0.5: a unit that reads a direction and writes against it
    /// (deletes it).
    pub fraction_below_minus_half: f32,
}

fn cosines(model: &Model, k: usize) -> Vec<f32> {
    let st = &model.stations[k];
    // The write as it meets the stream (its gain included, for layerscale).
    let (win, wout) = (&st.read.w, &st.write_matrix()); // d × m, m × d
    let mut out = Vec::new();
    for i in 0..win.ncols() {
        let r = win.column(i);
        for j in 0..wout.nrows() {
            let w = wout.row(j);
            let c = r.dot(&w) / (r.dot(&r).sqrt() * w.dot(&w).sqrt()).max(1e-12);
            out.push(c);
        }
    }
    out
}

/// The cosine below which a read–write pair counts as deleting.
pub const DELETING_COSINE: f64 = -0.5;

/// P(cos < `c`) for two independent random directions in R^d: the cosine's
/// density is ∝ (1 − t²)^((d−3)/2) on [−1, 1]; integrated by Simpson's rule.
pub fn chance_cosine_below(c: f64, d: usize) -> f64 {
    let density = |t: f64| (1.0 - t * t).max(0.0).powf((d as f64 - 3.0) / 2.0);
    let simpson = |a: f64, b: f64| {
        let steps = 20_000;
        let h = (b - a) / steps as f64;
        let inner: f64 = (1..steps).map(|i| density(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 }).sum();
        (density(a) + density(b) + inner) * h / 3.0
    };
    simpson(-1.0, c) / simpson(-1.0, 1.0)
}

/// −⟨w, t⟩ / ‖t‖² for image `b`'s write against image `bt`'s map `t`.
fn delta(write: &Maps, b: usize, t: &Maps, bt: usize) -> f32 {
    let p = write.pixels();
    let w = write.x.slice(ndarray::s![b * p..(b + 1) * p, ..]);
    let t = t.x.slice(ndarray::s![bt * p..(bt + 1) * p, ..]);
    let norm: f32 = t.iter().map(|v| v * v).sum();
    let dot: f32 = t.iter().zip(w.iter()).map(|(a, b)| a * b).sum();
    -dot / norm.max(1e-9)
}

/// Total variance over images of the rows (pooled maps), summed over channels.
fn spread(rows: &[Vec<f32>]) -> f64 {
    let n = rows.len().max(1) as f64;
    (0..rows.first().map_or(0, |r| r.len()))
        .map(|c| {
            let m = rows.iter().map(|r| r[c] as f64).sum::<f64>() / n;
            rows.iter().map(|r| (r[c] as f64 - m).powi(2)).sum::<f64>() / n
        })
        .sum()
}

fn one(
    model: &Model,
    seed: u64,
    n: usize,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<Measures, Failure> {
    let mid = (span.0 + span.1) / 2.0;
    // δ on held-out sketches: against the stream, and against the thalamic
    // component (matched, and paired with the next image of the chunk for the null).
    let mut deltas: Vec<Vec<f32>> = vec![Vec::new(); 4];
    let mut thalamic: Vec<Vec<f32>> = vec![Vec::new(); 4];
    let mut thalamic_null: Vec<Vec<f32>> = vec![Vec::new(); 4];
    for_each_trace(model, n, &|i| held_out(i as u64 + 50_000).0, progress, (span.0, mid), &mut |t, _| {
        let mut t_k = t.s0.clone();
        for (k, st) in t.stations.iter().enumerate() {
            if k > 0 {
                t_k = avg_pool2(&t_k);
            }
            let images = st.input.n;
            for b in 0..images {
                deltas[k].push(delta(&st.write, b, &st.input, b));
                thalamic[k].push(delta(&st.write, b, &t_k, b));
                if images > 1 {
                    thalamic_null[k].push(delta(&st.write, b, &t_k, (b + 1) % images));
                }
            }
        }
    })?;
    // The edge subspace of s₀ and its amplitude along the stream.
    let make = |i: usize| {
        let bin = i % N_ORIENTATIONS;
        let mut rng = Rng::fork(seed ^ 0xDE1E7E, i as u64);
        Stimulus { pixels: stimuli::edge(bin, &mut rng), category: None, orientation: Some(bin) }
    };
    let mut pooled: Vec<Vec<Vec<f32>>> = vec![Vec::new(); 5];
    for_each_trace(model, n, &make, progress, (mid, span.1), &mut |t, _| {
        let mut push = |slot: usize, g: ndarray::Array2<f32>| {
            for row in g.rows() {
                pooled[slot].push(row.to_vec());
            }
        };
        push(0, global_avg(&t.s0));
        for (k, st) in t.stations.iter().enumerate() {
            push(k + 1, global_avg(&st.l5));
        }
    })?;
    let targets: Vec<Vec<f32>> = (0..n)
        .map(|i| {
            let a = 2.0 * stimuli::bin_angle(i % N_ORIENTATIONS);
            vec![a.cos(), a.sin()]
        })
        .collect();
    let rows: Vec<usize> = (0..n).collect();
    let probe = Ridge::fit(&Data { x: &pooled[0], y: &targets }, &rows, 1e-2);
    // Project each layer's centred pooled stream onto the probe's weights (in
    // raw stream units) and compare the variance with s₀'s.
    let projected_var = |rows: &[Vec<f32>]| -> f32 {
        let proj: Vec<Vec<f64>> = rows.iter().map(|r| probe.predict(r)).collect();
        let m0 = proj.iter().map(|p| p[0]).sum::<f64>() / n as f64;
        let m1 = proj.iter().map(|p| p[1]).sum::<f64>() / n as f64;
        (proj.iter().map(|p| (p[0] - m0).powi(2) + (p[1] - m1).powi(2)).sum::<f64>() / n as f64) as f32
    };
    let base = projected_var(&pooled[0]).max(1e-12);
    let amplitude: Vec<f32> = (1..5).map(|k| (projected_var(&pooled[k]) / base).sqrt()).collect();
    // The stream's own growth: its spread over the stimuli at each L5 relative to s₀'s.
    let size: Vec<f32> = (1..5).map(|k| (spread(&pooled[k]) / spread(&pooled[0]).max(1e-12)).sqrt() as f32).collect();
    let normalised: Vec<f32> = amplitude.iter().zip(&size).map(|(a, s)| a / s.max(1e-12)).collect();
    let cos: Vec<ReadWriteCosine> = (0..4)
        .map(|k| {
            let mut c = cosines(model, k);
            let below = c.iter().filter(|&&v| (v as f64) < DELETING_COSINE).count() as f32 / c.len() as f32;
            let min = c.iter().fold(1.0f32, |a, &b| a.min(b));
            ReadWriteCosine { mean: mean(&c), median: median(&mut c), min, fraction_below_minus_half: below }
        })
        .collect();
    let delta: Vec<Delta> = deltas
        .iter_mut()
        .map(|d| {
            let pos = d.iter().filter(|&&v| v > 0.0).count() as f32 / d.len().max(1) as f32;
            Delta { mean: mean(d), median: median(d), fraction_cancelling: pos }
        })
        .collect();
    let delta_thalamic: Vec<DeltaThalamic> = (0..4)
        .map(|k| {
            let d = &mut thalamic[k];
            let pos = d.iter().filter(|&&v| v > 0.0).count() as f32 / d.len().max(1) as f32;
            let null_mean = mean(&thalamic_null[k]);
            // The mean is taken again after the median has sorted the sketches (the order the
            // shipped numbers were summed in).
            DeltaThalamic {
                mean: mean(d),
                median: median(d),
                fraction_cancelling: pos,
                null_mean,
                above_null: mean(d) - null_mean,
            }
        })
        .collect();
    let d = model.width();
    Ok(Measures {
        stream_width: d,
        cosine_chance_below_minus_half: chance_cosine_below(DELETING_COSINE, d),
        delta,
        delta_thalamic,
        read_write_cosine: cos,
        edge_amplitude: amplitude,
        stream_size: size,
        edge_amplitude_normalised: normalised,
    })
}

/// How many thalamic directions the measure reads (fewer in a stream too narrow to leave as
/// many orthogonal to them for the null: at most half its width).
pub const THALAMIC_DIRECTIONS: usize = 8;
/// A direction whose retained gain falls below this is cancelled.
pub const CANCELLED_GAIN: f64 = 0.5;
/// The pixels the shifted image (the cosine's null) is moved by.
pub const SHIFT: usize = 4;
/// The central difference's step, as a fraction of the norm of the station's input.
const STEP: f32 = 1e-2;

/// Unit directions in channel space, one per row.
type Directions = Vec<Vec<f32>>;

/// The thalamic components t_k = D^k s₀ of a trace, station by station.
fn thalamic_components(t: &Trace) -> Vec<Maps> {
    let mut out: Vec<Maps> = vec![t.s0.clone()];
    for _ in 1..4 {
        let last = out.last().expect("one at least");
        out.push(avg_pool2(last));
    }
    out
}

/// The `r` leading principal directions of each station's thalamic component over `n`
/// held-out sketches (every position of every sketch a sample).
fn thalamic_subspaces(
    model: &Model,
    n: usize,
    r: usize,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<Vec<Directions>, Failure> {
    let d = model.width();
    let mut sums = vec![(vec![0.0f64; d], vec![0.0f64; d * d], 0.0f64); 4];
    for_each_trace(model, n, &|i| held_out(i as u64 + 60_000).0, progress, span, &mut |t, _| {
        for (k, tk) in thalamic_components(t).iter().enumerate() {
            let (sum, outer, count) = &mut sums[k];
            for row in tk.x.rows() {
                for i in 0..d {
                    sum[i] += row[i] as f64;
                    for j in 0..=i {
                        outer[i * d + j] += (row[i] * row[j]) as f64;
                    }
                }
                *count += 1.0;
            }
        }
    })?;
    Ok(sums
        .into_iter()
        .map(|(sum, outer, count)| {
            let mut cov = vec![0.0; d * d];
            for i in 0..d {
                for j in 0..=i {
                    let c = outer[i * d + j] / count - sum[i] * sum[j] / (count * count);
                    cov[i * d + j] = c;
                    cov[j * d + i] = c;
                }
            }
            symmetric_eigen(&cov, d).into_iter().take(r).map(|(_, v)| v.iter().map(|&x| x as f32).collect()).collect()
        })
        .collect())
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `count` random unit directions orthogonal to `basis` and to each other.
fn orthogonal_directions(basis: &[Vec<f32>], count: usize, rng: &mut Rng) -> Directions {
    let d = basis.first().map_or(0, |u| u.len());
    let mut out: Directions = Vec::new();
    while out.len() < count {
        let mut v: Vec<f32> = (0..d).map(|_| rng.normal()).collect();
        for u in basis.iter().chain(&out) {
            let c = dot(&v, u);
            v.iter_mut().zip(u).for_each(|(x, y)| *x -= c * y);
        }
        let norm = dot(&v, &v).sqrt();
        if norm > 1e-3 {
            out.push(v.iter().map(|x| x / norm).collect());
        }
    }
    out
}

/// The station's write on `input`, augmented by minus the projection of the input onto the
/// directions in `cancel` (the positive control's writes; none for the real model).
fn write(model: &Model, k: usize, input: &Maps, cancel: &[Vec<f32>]) -> Maps {
    let st = &model.stations[k];
    let (_, mut w) = st.compute_and_write(&st.read(input), None, None);
    for (row, mut out) in input.x.rows().into_iter().zip(w.x.rows_mut()) {
        for u in cancel {
            let c = row.iter().zip(u).map(|(x, y)| x * y).sum::<f32>();
            out.iter_mut().zip(u).for_each(|(o, y)| *o -= c * y);
        }
    }
    w
}

/// The stream's own forward pass from s₀ with the writes of [`write`]: each station's input
/// and write. With `cancel` empty it is the model's forward pass (a test checks it).
fn stream_pass(model: &Model, s0: &Maps, cancel: &[Directions]) -> Vec<(Maps, Maps)> {
    let mut out: Vec<(Maps, Maps)> = Vec::with_capacity(4);
    for k in 0..4 {
        let input = match out.last() {
            None => s0.clone(),
            Some((x, w)) => avg_pool2(&x.with(&x.x + &w.x)),
        };
        let w = write(model, k, &input, cancel.get(k).map_or(&[], |c| c.as_slice()));
        out.push((input, w));
    }
    out
}

/// The spatial pattern of image `b`'s thalamic component along `u` (one weight per position),
/// or a flat one where the component has none.
fn pattern(t: &Maps, b: usize, u: &[f32]) -> Vec<f32> {
    let p = t.pixels();
    let a: Vec<f32> = (0..p).map(|i| t.x.row(b * p + i).iter().zip(u).map(|(x, y)| x * y).sum()).collect();
    if dot(&a, &a) > 1e-12 {
        a
    } else {
        vec![1.0; p]
    }
}

/// The retained gain 1 + ⟨J U, U⟩ of the station's map along each perturbation U = a ⊗ v
/// (spatial pattern a, channel direction v, unit norm), by a central difference at `input`
/// (one image). All perturbations run as one batch.
fn gains(model: &Model, k: usize, input: &Maps, cancel: &[Vec<f32>], along: &[(Vec<f32>, &[f32])]) -> Vec<f64> {
    let (p, d) = (input.pixels(), input.channels());
    let h = STEP * input.x.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-6);
    let units: Vec<ndarray::Array2<f32>> = along
        .iter()
        .map(|(a, v)| {
            let mut u = ndarray::Array2::from_shape_fn((p, d), |(i, c)| a[i] * v[c]);
            let norm = u.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
            u.mapv_inplace(|x| x / norm);
            u
        })
        .collect();
    let mut batch = ndarray::Array2::zeros((2 * units.len() * p, d));
    for (i, u) in units.iter().enumerate() {
        for (j, sign) in [1.0f32, -1.0].into_iter().enumerate() {
            let rows = (2 * i + j) * p..(2 * i + j + 1) * p;
            batch.slice_mut(ndarray::s![rows, ..]).assign(&(&input.x + &u.mapv(|x| sign * h * x)));
        }
    }
    let w = write(model, k, &Maps { n: 2 * units.len(), side: input.side, x: batch }, cancel);
    units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let plus = w.x.slice(ndarray::s![2 * i * p..(2 * i + 1) * p, ..]);
            let minus = w.x.slice(ndarray::s![(2 * i + 1) * p..(2 * i + 2) * p, ..]);
            let along: f32 = plus.iter().zip(minus.iter()).zip(u.iter()).map(|((a, b), c)| (a - b) * c).sum();
            1.0 + (along / (2.0 * h)) as f64
        })
        .collect()
}

/// The cosine of two images' maps, flattened.
fn cosine(a: &Maps, b: usize, t: &Maps, bt: usize) -> f64 {
    let p = a.pixels();
    let x = a.x.slice(ndarray::s![b * p..(b + 1) * p, ..]);
    let y = t.x.slice(ndarray::s![bt * p..(bt + 1) * p, ..]);
    let (xy, xx, yy) = x.iter().zip(y.iter()).fold((0.0f64, 0.0f64, 0.0f64), |(s, a, c), (&u, &v)| {
        (s + (u * v) as f64, a + (u * u) as f64, c + (v * v) as f64)
    });
    xy / (xx * yy).sqrt().max(1e-12)
}

/// A held-out sketch moved right by [`SHIFT`] pixels (wrapping round: the sketches are centred
/// on a blank field, so nothing of the drawing wraps).
fn shifted(i: u64) -> Stimulus {
    let mut s = held_out(i).0;
    let side = stimuli::SIDE;
    let old = s.pixels.clone();
    for y in 0..side {
        for x in 0..side {
            s.pixels[y * side + (x + SHIFT) % side] = old[y * side + x];
        }
    }
    s
}

/// The P3 measure on one stream: per station, the fraction of thalamic directions whose gain
/// is below [`CANCELLED_GAIN`] and the same for the orthogonal null directions, mean over
/// sketches, and the cosines; with `positive`, on the positive control's writes instead.
fn thalamic_cancellation(
    model: &Model,
    subspaces: &[Directions],
    seed: u64,
    n: usize,
    positive: bool,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<Cancellation, Failure> {
    let r = subspaces[0].len();
    let mut rng = Rng::new(seed ^ 0x0277_06A1);
    let nulls: Vec<Directions> = subspaces.iter().map(|u| orthogonal_directions(u, r, &mut rng)).collect();
    // Half of the thalamic directions, every other one from the leading one.
    let cancel: Vec<Directions> =
        subspaces.iter().map(|u| if positive { u.iter().step_by(2).cloned().collect() } else { Vec::new() }).collect();
    let (mut below, mut below_null, mut gain) = ([0.0f64; 4], [0.0f64; 4], [0.0f64; 4]);
    let (mut cos, mut cos_shifted) = ([0.0f64; 4], [0.0f64; 4]);
    let shifts: Vec<Maps> = {
        let batch = crate::train::render(n, 1, &|i| shifted(i as u64 + 50_000));
        let t = model.forward(batch.lgn);
        thalamic_components(&t)
    };
    let mut done = 0usize;
    for_each_trace(model, n, &|i| held_out(i as u64 + 50_000).0, progress, span, &mut |t, start| {
        let thalamic = thalamic_components(t);
        for b in 0..t.s0.n {
            let s0 = t.s0.image(b);
            let pass = stream_pass(model, &s0, &cancel);
            for (k, (input, w)) in pass.iter().enumerate() {
                let tk = thalamic[k].image(b);
                let along: Vec<(Vec<f32>, &[f32])> = subspaces[k]
                    .iter()
                    .map(|u| (pattern(&tk, 0, u), u.as_slice()))
                    .chain(subspaces[k].iter().zip(&nulls[k]).map(|(u, v)| (pattern(&tk, 0, u), v.as_slice())))
                    .collect();
                let g = gains(model, k, input, &cancel[k], &along);
                let (real, null) = g.split_at(r);
                below[k] += real.iter().filter(|&&x| x < CANCELLED_GAIN).count() as f64 / r as f64;
                below_null[k] += null.iter().filter(|&&x| x < CANCELLED_GAIN).count() as f64 / r as f64;
                gain[k] += real.iter().sum::<f64>() / r as f64;
                cos[k] += cosine(w, 0, &tk, 0);
                cos_shifted[k] += cosine(w, 0, &shifts[k], start + b);
            }
            done += 1;
        }
    })?;
    let per = |v: [f64; 4]| -> Vec<f64> { v.iter().map(|x| x / done.max(1) as f64).collect() };
    let avg = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (fraction, null_fraction) = (per(below), per(below_null));
    Ok(Cancellation {
        directions: r,
        sketches: done,
        fraction: avg(&fraction),
        null_fraction: avg(&null_fraction),
        fraction_cancelled: fraction,
        null_fraction_cancelled: null_fraction,
        mean_gain: per(gain),
        cosine: per(cos),
        cosine_shifted: per(cos_shifted),
    })
}

/// P3's measure on one residual model alone, at `size`, without its positive control: what the
/// lab shows for a model the reader trained (the claim's verdict needs the pair and the seeds).
pub fn cancellation(model: &Model, seed: u64, size: Size, progress: Progress) -> Result<Cancellation, Failure> {
    if !model.wiring.residual() {
        return Err(Failure::Missing("P3's measure reads a stream's writes: a hierarchy has no stream".into()));
    }
    let r = THALAMIC_DIRECTIONS.min(model.width() / 2);
    let subspaces = thalamic_subspaces(model, size.pick(128, 500), r, progress, (0.0, 0.3))?;
    thalamic_cancellation(model, &subspaces, seed, size.pick(16, 128), false, progress, (0.3, 1.0))
}

/// P3, the registry's row.
pub struct Deletion;

impl Measure for Deletion {
    const NAME: &'static str = "deletion";
    const CLAIM: &'static str = "P3";
    /// Also on the other trainings of the pair (narrow streams, edge task off) and the
    /// narrow streams' untrained controls: the questions the article asks about deletion.
    const CONDITIONS: &'static [Condition] = &[
        Condition::Trained,
        Condition::Untrained,
        Condition::NarrowD8,
        Condition::NarrowD16,
        Condition::EdgeOff,
        Condition::UntrainedD8,
        Condition::UntrainedD16,
    ];
    type Output = Output;
    type Read = Output;
    fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Output, Failure> {
        let n = size.pick(256, 1024);
        let d = models.stream.width();
        if models.hierarchy.width() != d {
            return Err(Failure::Missing(format!(
                "deletion compares a pair of one width: the stream is {d} wide, the hierarchy {}",
                models.hierarchy.width()
            )));
        }
        let stream = one(&models.stream, seed, n, progress, (0.0, 0.2))?;
        let hierarchy = one(&models.hierarchy, seed, n, progress, (0.2, 0.4))?;
        let r = THALAMIC_DIRECTIONS.min(d / 2);
        let subspaces = thalamic_subspaces(&models.stream, size.pick(128, 500), r, progress, (0.4, 0.5))?;
        let sketches = size.pick(16, 128);
        let thalamic = thalamic_cancellation(&models.stream, &subspaces, seed, sketches, false, progress, (0.5, 0.75))?;
        let positive = thalamic_cancellation(&models.stream, &subspaces, seed, sketches, true, progress, (0.75, 1.0))?;
        tick(progress, 1.0)?;
        Ok(Output {
            stations: STATION_NAMES.map(String::from).to_vec(),
            stream_width: d,
            n,
            thalamic,
            positive_control: positive,
            stream,
            hierarchy,
            cosine_chance_below_minus_half: chance_cosine_below(DELETING_COSINE, d),
            note: "thalamic (the P3 verdict, stream only): fraction_cancelled = the share of the r leading principal \
                     directions of the thalamic component D^k s0 whose retained gain 1 + u^T J u (J: the station's write \
                     linearised at its input, along the image's own thalamic component on u) is below 0.5, per station, \
                     mean over sketches; null_fraction_cancelled: the same for random directions orthogonal to the \
                     thalamic subspace with the same spatial pattern; cosine: each write against the thalamic component \
                     it meets, cosine_shifted: against that of the same image shifted by 4 pixels. positive_control: the \
                     same with each write augmented by minus the projection of its input onto every other thalamic \
                     direction (half of them). delta > 0: the write cancels part of the whole stream it read (its mean and the biases included). \
                     delta_thalamic: the same against the thalamic component D^k s0 (the embedded LGN input pooled to \
                     the station), per station; null_mean pairs each image's write with another image's thalamic \
                     component, and above_null = mean − null_mean is the image-specific cancellation (the P3 verdict: \
                     stream, mean over stations). In the hierarchy the write replaces its input, so delta there is not a \
                     cancellation within a sum: -1 is a level passing its input on, > 0 an output pointing against it. \
                     cosine_chance_below_minus_half: the fraction of read-write pairs below -0.5 expected for random \
                     directions in the stream's d dimensions (compare fraction_below_minus_half). edge_amplitude: the s0 \
                     edge subspace's amplitude at each L5 relative to s0; stream_size: the stream's spread over stimuli \
                     at each L5 relative to s0's; edge_amplitude_normalised = edge_amplitude / stream_size (1: the edge \
                     direction keeps its share of the stream). In the hierarchy the basis is not shared, so the edge \
                     amplitudes are only a reference."
                .into(),
        })
    }
    /// P3, as planned: the fraction of thalamic directions whose retained gain is below 0.5,
    /// mean over stations and sketches, in the stream (effect) against the same for directions
    /// orthogonal to the thalamic subspace (null), with the untrained stream as the control.
    fn claim(runs: &Runs<Output>) -> Claim {
        let split = |v: &[Output]| -> (Vec<f64>, Vec<f64>) {
            v.iter().map(|r| (r.thalamic.fraction, r.thalamic.null_fraction)).unzip()
        };
        let ((effect, null), control) = runs.trained_and_control(split);
        Claim {
            id: Self::CLAIM,
            says: "layer 5 partly cancels the incoming thalamocortical input",
            measure:
                "stream: the fraction of the 8 leading thalamic directions (principal directions of D^k s0) whose \
                      retained gain 1 + uᵀJu through the station is below 0.5, mean over stations and sketches; \
                      null: the same for random directions orthogonal to the thalamic subspace"
                    .into(),
            effect,
            null,
            control,
        }
    }
    /// The stream whose writes cancel half of the thalamic directions, per seed.
    fn positive(runs: &Runs<Output>) -> Option<Positive> {
        // Built to cancel half of the thalamic directions.
        Positive::from_runs(
            runs.trained,
            |r| (r.positive_control.fraction, r.positive_control.null_fraction),
            Some(0.5),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// The fraction of `draws` pairs of random Gaussian directions in R^d with cosine below `c`.
    fn sampled_below(c: f64, d: usize, draws: usize, seed: u64) -> f64 {
        let mut rng = Rng::new(seed);
        let below = (0..draws)
            .filter(|_| {
                let a: Vec<f64> = (0..d).map(|_| rng.normal() as f64).collect();
                let b: Vec<f64> = (0..d).map(|_| rng.normal() as f64).collect();
                let dot: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
                let norm = (a.iter().map(|x| x * x).sum::<f64>() * b.iter().map(|x| x * x).sum::<f64>()).sqrt();
                dot / norm < c
            })
            .count();
        below as f64 / draws as f64
    }

    #[test]
    fn the_chance_rate_of_a_deleting_cosine_matches_random_vectors() {
        let d = 32;
        let analytic = chance_cosine_below(DELETING_COSINE, d);
        let below = sampled_below(DELETING_COSINE, d, 200_000, 3);
        // Binomial sd at p ≈ 0.002 and 200k draws is about 0.0001.
        assert!((below - analytic).abs() < 0.0004, "sampled {below} vs analytic {analytic}");
        // Sanity of the integral: half the cosines are negative; in 3 dimensions the cosine is uniform.
        assert!((chance_cosine_below(0.0, d) - 0.5).abs() < 1e-9);
        assert!((chance_cosine_below(-0.5, 3) - 0.25).abs() < 1e-6);
    }

    #[test]
    fn the_chance_rate_in_a_narrow_stream_matches_random_vectors_of_its_width() {
        // In 8 dimensions a deleting cosine is far more common by chance than in 32: a narrow
        // stream's measured fraction must be read against its own width's rate.
        let analytic = chance_cosine_below(DELETING_COSINE, 8);
        let below = sampled_below(DELETING_COSINE, 8, 100_000, 5);
        // Binomial sd at p < 0.1 and 100k draws is under 0.001: four of them.
        assert!((below - analytic).abs() < 0.004, "sampled {below} vs analytic {analytic}");
        assert!(analytic > 5.0 * chance_cosine_below(DELETING_COSINE, 32), "the rate depends on the width");
    }

    #[test]
    fn a_narrow_pair_reports_the_chance_rate_of_its_own_width() {
        let models = Models::untrained_with(4, 8);
        let out = Deletion::run(&models, 4, Size::Quick, &mut |_| true).unwrap();
        assert_eq!(out.stream_width, 8);
        assert_eq!(out.hierarchy.stream_width, 8);
        let chance = out.cosine_chance_below_minus_half;
        assert!((chance - chance_cosine_below(DELETING_COSINE, 8)).abs() < 1e-12);
        // A pair of two widths is refused rather than given one width's chance rate.
        let mixed = Models { hierarchy: Model::init(crate::model::Wiring::Hierarchy, 4), ..models };
        assert!(matches!(Deletion::run(&mixed, 4, Size::Quick, &mut |_| true), Err(Failure::Missing(_))));
    }

    #[test]
    fn delta_is_the_fraction_of_the_map_the_write_cancels() {
        let t = Maps { n: 2, side: 2, x: ndarray::Array2::from_shape_fn((8, 3), |(i, c)| (i * 3 + c) as f32 - 5.0) };
        let w = t.with(t.x.mapv(|v| -0.25 * v));
        assert!((delta(&w, 0, &t, 0) - 0.25).abs() < 1e-6 && (delta(&w, 1, &t, 1) - 0.25).abs() < 1e-6);
        let amplify = t.with(t.x.mapv(|v| 2.0 * v));
        assert!((delta(&amplify, 1, &t, 1) + 2.0).abs() < 1e-6);
    }

    #[test]
    fn the_streams_own_pass_is_the_models_forward_pass() {
        let model = Model::init(crate::model::Wiring::Stream, 6);
        let batch = crate::train::render(2, 1, &|i| held_out(i as u64).0);
        let t = model.forward(batch.lgn);
        let pass = stream_pass(&model, &t.s0.image(1), &[]);
        for (k, (input, w)) in pass.iter().enumerate() {
            let l5 = input.with(&input.x + &w.x);
            let want = t.stations[k].l5.image(1);
            let err = l5.x.iter().zip(want.x.iter()).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
            assert!(err < 1e-4 * want.max_abs().max(1.0), "station {k}: {err}");
        }
    }

    #[test]
    fn a_write_that_cancels_a_direction_gives_it_a_gain_of_about_zero() {
        // The untrained stream's writes, with the first thalamic direction cancelled: its gain
        // drops by one, and an orthogonal direction's is untouched.
        let model = Model::init(crate::model::Wiring::Stream, 6);
        let subspaces = thalamic_subspaces(&model, 32, 4, &mut |_| true, (0.0, 1.0)).unwrap();
        let batch = crate::train::render(1, 1, &|i| held_out(i as u64).0);
        let t = model.forward(batch.lgn);
        let (u, v) = (&subspaces[1][0], &orthogonal_directions(&subspaces[1], 1, &mut Rng::new(1))[0]);
        let input = avg_pool2(&t.stations[0].l5);
        let a = pattern(&thalamic_components(&t)[1], 0, u);
        let along = [(a.clone(), u.as_slice()), (a, v.as_slice())];
        let plain = gains(&model, 1, &input, &[], &along);
        let cancelled = gains(&model, 1, &input, std::slice::from_ref(u), &along);
        assert!((plain[0] - cancelled[0] - 1.0).abs() < 0.02, "{plain:?} {cancelled:?}");
        assert!((plain[1] - cancelled[1]).abs() < 1e-3, "{plain:?} {cancelled:?}");
        assert!(dot(u, v).abs() < 1e-5);
    }
}
