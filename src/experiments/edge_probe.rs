//! P1: "when task-relevant, robust representations of simple stimuli (edges)
//! should be found all along layer 5".
//!
//! A cross-validated linear probe (ridge classifier on 2×2-pooled maps) reads
//! the orientation of edge stimuli (8 bins, chance 1/8) from L4, L2/3 and L5
//! of every station, in both wirings, for models trained with the edge task
//! on and, as a control, off.

use super::linalg::cv_accuracy;
use super::{for_each_trace, pooled_features, Failure, Models, Size};
use crate::model::Model;
use crate::names::{Layer, Station, Wiring};
use crate::rng::Rng;
use crate::stimuli::{self, Stimulus, N_ORIENTATIONS};
use serde_json::{json, Map, Value};

const GRID: usize = 2;
const FOLDS: usize = 5;
const LAMBDA: f64 = 1e-2;

/// Probe accuracy for every station and layer of one model.
pub fn probe(
    model: &Model,
    seed: u64,
    n: usize,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<Value, Failure> {
    let make = |i: usize| {
        let bin = i % N_ORIENTATIONS;
        let mut rng = Rng::fork(seed ^ 0xED6E_9B0B, i as u64);
        Stimulus { pixels: stimuli::edge(bin, &mut rng), category: None, orientation: Some(bin) }
    };
    let mut feats: Vec<Vec<Vec<Vec<f32>>>> = (0..4).map(|_| (0..3).map(|_| Vec::with_capacity(n)).collect()).collect();
    for_each_trace(model, n, &make, progress, span, &mut |t, _| {
        for (k, st) in t.stations.iter().enumerate() {
            for (l, &layer) in Layer::CELLS.iter().enumerate() {
                let m = st.layer(layer);
                for b in 0..m.n {
                    feats[k][l].push(pooled_features(m, b, GRID));
                }
            }
        }
    })?;
    let labels: Vec<usize> = (0..n).map(|i| i % N_ORIENTATIONS).collect();
    let mut out = Map::new();
    for (k, name) in Station::ALL.map(Station::name).iter().enumerate() {
        let mut station = Map::new();
        for (l, layer) in Layer::CELLS.iter().enumerate() {
            station.insert(
                layer.name().to_string(),
                json!(cv_accuracy(&feats[k][l], &labels, N_ORIENTATIONS, FOLDS, LAMBDA)),
            );
        }
        out.insert(name.to_string(), Value::Object(station));
    }
    Ok(Value::Object(out))
}

pub fn run(models: &Models, seed: u64, size: Size, progress: &mut dyn FnMut(f32) -> bool) -> Result<Value, Failure> {
    let n = size.pick(480, 2400);
    let off = [
        (Wiring::Stream.name(), models.stream_edge_off.as_ref()),
        (Wiring::Hierarchy.name(), models.hierarchy_edge_off.as_ref()),
    ];
    let jobs = 2 + off.iter().filter(|(_, m)| m.is_some()).count();
    let mut done = 0;
    let next = |done: &mut usize| {
        let span = (*done as f32 / jobs as f32, (*done + 1) as f32 / jobs as f32);
        *done += 1;
        span
    };
    let stream = probe(&models.stream, seed, n, progress, next(&mut done))?;
    let hierarchy = probe(&models.hierarchy, seed, n, progress, next(&mut done))?;
    let mut edge_off = Map::new();
    for (name, model) in off {
        let v = match model {
            Some(m) => probe(m, seed, n, progress, next(&mut done))?,
            None => Value::Null,
        };
        edge_off.insert(name.to_string(), v);
    }
    Ok(json!({
        "chance": 1.0 / N_ORIENTATIONS as f32,
        "n": n,
        "features": format!("{GRID}x{GRID}-pooled maps, ridge classifier, {FOLDS}-fold cross-validation"),
        "stream": stream,
        "hierarchy": hierarchy,
        "edge_task_off": Value::Object(edge_off),
    }))
}
