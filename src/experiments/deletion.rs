//! P3: "some degree of dynamic deleting and/or editing in layer 5, where a
//! portion of incoming thalamocortical inputs are partially or fully
//! cancelled out by computed inhibitory input".
//!
//! Read from the trained weights and activations, nothing manipulated:
//! - δ_k = −⟨w_k, D s_{k−1}⟩ / ‖D s_{k−1}‖²: the fraction of its input that
//!   station k's write cancels (δ > 0) or amplifies (δ < 0), per image;
//! - the cosine between each L4 unit's read direction (a column of W_in) and
//!   each L2/3 unit's write direction (a row of W_out): strongly negative
//!   pairs read a direction and write against it, i.e. delete it;
//! - the edge direction's amplitude along the stream: the 2-D subspace of
//!   the embedded input s₀ that best codes edge orientation (double-angle
//!   regression), and how much of it is left at each L5.

use super::linalg::{mean, median, Data, Ridge};
use super::{for_each_trace, tick, Failure, Models, Size};
use crate::layers::pool::global_avg;
use crate::model::{Model, D};
use crate::names::STATION_NAMES;
use crate::rng::Rng;
use crate::stimuli::{self, Stimulus, N_ORIENTATIONS};
use crate::train::held_out;
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

fn one(
    model: &Model,
    seed: u64,
    n: usize,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<Value, Failure> {
    let mid = (span.0 + span.1) / 2.0;
    // δ on held-out sketches.
    let mut deltas: Vec<Vec<f32>> = vec![Vec::new(); 4];
    for_each_trace(model, n, &|i| held_out(i as u64 + 50_000).0, progress, (span.0, mid), &mut |t, _| {
        for (k, st) in t.stations.iter().enumerate() {
            let p = st.input.pixels();
            for b in 0..st.input.n {
                let inp = st.input.x.slice(ndarray::s![b * p..(b + 1) * p, ..]);
                let w = st.write.x.slice(ndarray::s![b * p..(b + 1) * p, ..]);
                let norm: f32 = inp.iter().map(|v| v * v).sum();
                let dot: f32 = inp.iter().zip(w.iter()).map(|(a, b)| a * b).sum();
                deltas[k].push(-dot / norm.max(1e-9));
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
    let cos: Vec<Value> = (0..4)
        .map(|k| {
            let mut c = cosines(model, k);
            let below = c.iter().filter(|&&v| v < -0.5).count() as f32 / c.len() as f32;
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
    Ok(json!({"delta": delta, "read_write_cosine": cos, "edge_amplitude": amplitude}))
}

pub fn run(models: &Models, seed: u64, size: Size, progress: &mut dyn FnMut(f32) -> bool) -> Result<Value, Failure> {
    let n = size.pick(256, 1024);
    let stream = one(&models.stream, seed, n, progress, (0.0, 0.5))?;
    let hierarchy = one(&models.hierarchy, seed, n, progress, (0.5, 1.0))?;
    tick(progress, 1.0)?;
    Ok(json!({
        "stations": STATION_NAMES,
        "stream_width": D,
        "n": n,
        "stream": stream,
        "hierarchy": hierarchy,
        "note": "delta > 0: the write cancels part of what the station read; edge_amplitude: the s0 edge subspace's amplitude at each L5 relative to s0 (in the hierarchy the basis is not shared, so this is only a reference)",
    }))
}
