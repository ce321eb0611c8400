//! The post's claims as in-silico experiments (DESIGN section 2), one file
//! each, run on the shipped models of both wirings side by side.
//!
//! Every experiment is seeded, reports progress through a callback that may
//! cancel it, and returns JSON: the numbers the article and the tests read.

pub mod degradation;
pub mod deletion;
pub mod edge_probe;
pub mod gating;
pub mod lesion;
pub mod linalg;
pub mod receptive_fields;
pub mod sparseness;
pub mod stats;
pub mod tuning;
pub mod variability;
pub mod verdict;
pub mod virtual_weights;

use crate::layers::Maps;
use crate::model::{Model, Wiring};
use crate::names::{parse_among, UnknownName};
use crate::weights;
use serde_json::Value;

/// The experiments, in the article's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Experiment {
    EdgeProbe,
    Variability,
    Deletion,
    ReceptiveFields,
    Sparseness,
    Tuning,
    Lesion,
    Degradation,
    VirtualWeights,
    Gating,
}

impl Experiment {
    pub const ALL: [Experiment; 10] = [
        Experiment::EdgeProbe,
        Experiment::Variability,
        Experiment::Deletion,
        Experiment::ReceptiveFields,
        Experiment::Sparseness,
        Experiment::Tuning,
        Experiment::Lesion,
        Experiment::Degradation,
        Experiment::VirtualWeights,
        Experiment::Gating,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Experiment::EdgeProbe => "edge-probe",
            Experiment::Variability => "variability",
            Experiment::Deletion => "deletion",
            Experiment::ReceptiveFields => "receptive-fields",
            Experiment::Sparseness => "sparseness",
            Experiment::Tuning => "tuning",
            Experiment::Lesion => "lesion",
            Experiment::Degradation => "degradation",
            Experiment::VirtualWeights => "virtual-weights",
            Experiment::Gating => "gating",
        }
    }
    pub fn parse(s: &str) -> Result<Self, UnknownName> {
        parse_among("experiment", s, &Experiment::ALL, Experiment::name)
    }
}

/// Progress in [0, 1]; returning false cancels the experiment.
pub type Progress<'a> = &'a mut dyn FnMut(f32) -> bool;

#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    Cancelled,
    Missing(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Failure::Cancelled => write!(f, "cancelled"),
            Failure::Missing(m) => write!(f, "{m}"),
        }
    }
}

/// Calls `progress` and turns a cancel into an error.
pub fn tick(progress: &mut dyn FnMut(f32) -> bool, fraction: f32) -> Result<(), Failure> {
    if progress(fraction.clamp(0.0, 1.0)) {
        Ok(())
    } else {
        Err(Failure::Cancelled)
    }
}

/// The models an experiment may use.
#[derive(Clone)]
pub struct Models {
    pub stream: Model,
    pub hierarchy: Model,
    pub gated: Model,
    /// Trained without the orientation loss (the P1 control); native only.
    pub stream_edge_off: Option<Model>,
    pub hierarchy_edge_off: Option<Model>,
}

impl Models {
    /// The shipped models (and, natively, the edge-task-off controls).
    pub fn shipped() -> Self {
        Models {
            stream: weights::shipped(Wiring::Stream),
            hierarchy: weights::shipped(Wiring::Hierarchy),
            gated: weights::shipped(Wiring::Gated),
            stream_edge_off: edge_off(Wiring::Stream),
            hierarchy_edge_off: edge_off(Wiring::Hierarchy),
        }
    }
    /// The two wirings every experiment compares, named for the JSON.
    pub fn pair(&self) -> [(&'static str, &Model); 2] {
        [(Wiring::Stream.name(), &self.stream), (Wiring::Hierarchy.name(), &self.hierarchy)]
    }
}

/// The controls trained with the edge task off live beside the shipped
/// weights but are not compiled into the wasm (the page reads their results).
#[cfg(not(target_arch = "wasm32"))]
fn edge_off(wiring: Wiring) -> Option<Model> {
    let path = format!("{}/weights/{}-edge-off.safetensors", env!("CARGO_MANIFEST_DIR"), wiring.name());
    let bytes = std::fs::read(path).ok()?;
    weights::load(&bytes, Some(wiring)).ok().map(|(m, _)| m)
}

#[cfg(target_arch = "wasm32")]
fn edge_off(_: Wiring) -> Option<Model> {
    None
}

/// How big a run is: `quick` for tests and the page's first look, `full`
/// for the numbers the article quotes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Size {
    Quick,
    Full,
}

impl Size {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "quick" => Ok(Size::Quick),
            "full" => Ok(Size::Full),
            _ => Err(format!("size must be quick or full, got {s:?}")),
        }
    }
    pub fn pick<T>(self, quick: T, full: T) -> T {
        match self {
            Size::Quick => quick,
            Size::Full => full,
        }
    }
}

/// Runs one experiment.
pub fn run(
    experiment: Experiment,
    models: &Models,
    seed: u64,
    size: Size,
    progress: Progress,
) -> Result<Value, Failure> {
    let mut out = match experiment {
        Experiment::EdgeProbe => edge_probe::run(models, seed, size, progress)?,
        Experiment::Variability => variability::run(models, seed, size, progress)?,
        Experiment::Deletion => deletion::run(models, seed, size, progress)?,
        Experiment::ReceptiveFields => receptive_fields::run(models, seed, size, progress)?,
        Experiment::Sparseness => sparseness::run(models, seed, size, progress)?,
        Experiment::Tuning => tuning::run(models, seed, size, progress)?,
        Experiment::Lesion => lesion::run(models, seed, size, progress)?,
        Experiment::Degradation => degradation::run(seed, size, progress)?,
        Experiment::VirtualWeights => virtual_weights::run(models, seed, size, progress)?,
        Experiment::Gating => gating::run(models, seed, size, progress)?,
    };
    if let Value::Object(map) = &mut out {
        map.insert("experiment".into(), experiment.name().into());
        map.insert("seed".into(), seed.into());
        map.insert("size".into(), size.pick("quick", "full").into());
    }
    Ok(out)
}

/// Average-pools image `b` of a layer onto a `grid`×`grid` grid of each
/// channel: a probe's features (orientation needs no exact position).
pub fn pooled_features(m: &Maps, b: usize, grid: usize) -> Vec<f32> {
    let cell = (m.side / grid).max(1);
    let g = m.side / cell;
    let mut f = vec![0.0f32; g * g * m.channels()];
    for y in 0..m.side {
        for x in 0..m.side {
            let (gy, gx) = ((y / cell).min(g - 1), (x / cell).min(g - 1));
            for c in 0..m.channels() {
                f[(gy * g + gx) * m.channels() + c] += m.at(b, y, x, c) / (cell * cell) as f32;
            }
        }
    }
    f
}

/// Runs `model` on stimuli `0..n` (number `i` made by `make(i)`) in chunks
/// of 64, handing each chunk's trace and its first index to `visit`.
/// Reports progress from `from` to `to`.
pub fn for_each_trace(
    model: &Model,
    n: usize,
    make: &(dyn Fn(usize) -> crate::stimuli::Stimulus + Sync),
    progress: &mut dyn FnMut(f32) -> bool,
    (from, to): (f32, f32),
    visit: &mut dyn FnMut(&crate::model::Trace, usize),
) -> Result<(), Failure> {
    const CHUNK: usize = 64;
    for start in (0..n).step_by(CHUNK) {
        let end = (start + CHUNK).min(n);
        let batch = crate::train::render(end - start, 1, &|i| make(start + i));
        visit(&model.forward(batch.lgn), start);
        tick(progress, from + (to - from) * end as f32 / n.max(1) as f32)?;
    }
    Ok(())
}
