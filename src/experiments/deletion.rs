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

use super::linalg::{mean, median, Data, Ridge};
use super::verdict::{Claim, Runs};
use super::{for_each_trace, tick, Condition, Failure, Measure, Models, Progress, Size};
use crate::layers::pool::{avg_pool2, global_avg};
use crate::layers::Maps;
use crate::model::Model;
use crate::names::STATION_NAMES;
use crate::rng::Rng;
use crate::stimuli::{self, Stimulus, N_ORIENTATIONS};
use crate::train::held_out;
use serde::Deserialize;
use serde_json::{json, Value};

fn cosines(model: &Model, k: usize) -> Vec<f32> {
    let st = &model.stations[k];
    let (win, wout) = (&st.read.w, &st.write.w); // d × m, m × d
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
) -> Result<Value, Failure> {
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
    let cos: Vec<Value> = (0..4)
        .map(|k| {
            let mut c = cosines(model, k);
            let below = c.iter().filter(|&&v| (v as f64) < DELETING_COSINE).count() as f32 / c.len() as f32;
            let min = c.iter().fold(1.0f32, |a, &b| a.min(b));
            json!({"mean": mean(&c), "median": median(&mut c), "min": min, "fraction_below_minus_half": below})
        })
        .collect();
    let delta: Vec<Value> = deltas
        .iter_mut()
        .map(|d| {
            let pos = d.iter().filter(|&&v| v > 0.0).count() as f32 / d.len().max(1) as f32;
            json!({"mean": mean(d), "median": median(d), "fraction_cancelling": pos})
        })
        .collect();
    let delta_thalamic: Vec<Value> = (0..4)
        .map(|k| {
            let d = &mut thalamic[k];
            let pos = d.iter().filter(|&&v| v > 0.0).count() as f32 / d.len().max(1) as f32;
            // Not named `null`: inside json! that word is JSON's null, not a variable.
            let null_mean = mean(&thalamic_null[k]);
            json!({"mean": mean(d), "median": median(d), "fraction_cancelling": pos, "null_mean": null_mean,
                   "above_null": mean(d) - null_mean})
        })
        .collect();
    let d = model.width();
    Ok(json!({
        "stream_width": d,
        "cosine_chance_below_minus_half": chance_cosine_below(DELETING_COSINE, d),
        "delta": delta,
        "delta_thalamic": delta_thalamic,
        "read_write_cosine": cos,
        "edge_amplitude": amplitude,
        "stream_size": size,
        "edge_amplitude_normalised": normalised,
    }))
}

fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Value, Failure> {
    let n = size.pick(256, 1024);
    let d = models.stream.width();
    if models.hierarchy.width() != d {
        return Err(Failure::Missing(format!(
            "deletion compares a pair of one width: the stream is {d} wide, the hierarchy {}",
            models.hierarchy.width()
        )));
    }
    let stream = one(&models.stream, seed, n, progress, (0.0, 0.5))?;
    let hierarchy = one(&models.hierarchy, seed, n, progress, (0.5, 1.0))?;
    tick(progress, 1.0)?;
    Ok(json!({
        "stations": STATION_NAMES,
        "stream_width": d,
        "n": n,
        "stream": stream,
        "hierarchy": hierarchy,
        "cosine_chance_below_minus_half": chance_cosine_below(DELETING_COSINE, d),
        "note": "delta > 0: the write cancels part of the whole stream it read (its mean and the biases included). \
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
                 amplitudes are only a reference.",
    }))
}

/// What P3's claim reads of a run: the stream's δ against the thalamic component at each
/// station, and its null.
#[derive(Deserialize)]
pub struct Read {
    stream: Cancels,
}

#[derive(Deserialize)]
struct Cancels {
    delta_thalamic: Vec<Delta>,
}

#[derive(Deserialize)]
struct Delta {
    mean: f64,
    null_mean: f64,
}

impl Read {
    /// δ and its null, each the mean over the stations.
    fn over_stations(&self) -> (f64, f64) {
        let d = &self.stream.delta_thalamic;
        let n = d.len().max(1) as f64;
        (d.iter().map(|s| s.mean).sum::<f64>() / n, d.iter().map(|s| s.null_mean).sum::<f64>() / n)
    }
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
    type Output = Value;
    type Read = Read;
    fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Value, Failure> {
        run(models, seed, size, progress)
    }
    /// P3: the stream's stations cancel part of the thalamic component of their
    /// input. Effect: δ against D^k s₀, mean over the four stations; null: the
    /// same with each write paired with another image's thalamic component.
    fn claim(runs: &Runs<Read>) -> Claim {
        let split = |v: &[Read]| -> (Vec<f64>, Vec<f64>) { v.iter().map(Read::over_stations).unzip() };
        let ((effect, null), control) = runs.trained_and_control(split);
        Claim {
            id: Self::CLAIM,
            says: "layer 5 partly cancels the incoming thalamocortical input",
            measure: "stream: δ = −⟨w_k, D^k s0⟩/‖D^k s0‖² per image, mean over images and the four stations; null: \
                      each write against another image's D^k s0"
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
        let out = run(&models, 4, Size::Quick, &mut |_| true).unwrap();
        assert_eq!(out["stream_width"], 8);
        assert_eq!(out["hierarchy"]["stream_width"], 8);
        let chance = out["cosine_chance_below_minus_half"].as_f64().unwrap();
        assert!((chance - chance_cosine_below(DELETING_COSINE, 8)).abs() < 1e-12);
        // A pair of two widths is refused rather than given one width's chance rate.
        let mixed = Models { hierarchy: Model::init(crate::model::Wiring::Hierarchy, 4), ..models };
        assert!(matches!(run(&mixed, 4, Size::Quick, &mut |_| true), Err(Failure::Missing(_))));
    }

    #[test]
    fn delta_is_the_fraction_of_the_map_the_write_cancels() {
        let t = Maps { n: 2, side: 2, x: ndarray::Array2::from_shape_fn((8, 3), |(i, c)| (i * 3 + c) as f32 - 5.0) };
        let w = t.with(t.x.mapv(|v| -0.25 * v));
        assert!((delta(&w, 0, &t, 0) - 0.25).abs() < 1e-6 && (delta(&w, 1, &t, 1) - 0.25).abs() < 1e-6);
        let amplify = t.with(t.x.mapv(|v| 2.0 * v));
        assert!((delta(&amplify, 1, &t, 1) + 2.0).abs() < 1e-6);
    }
}
