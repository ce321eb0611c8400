//! RF: "a cell early in the stream has a reliable receptive field, while
//! cells later in the stream … can only be interpreted as a sparse code".
//!
//! White-noise reverse correlation: the spike-triggered average (here the
//! response-weighted average, Σ (r − r̄)(x − x̄) / N) of the unit at the
//! centre of every channel of every layer, measured on two independent noise
//! sets. The noise is a 16×16 checkerboard of Gaussian checks (4×4 pixels
//! each), as in physiology, so that a few thousand frames resolve a
//! receptive field. Reliability is the correlation of the two halves'
//! averages over the 256 checks, per unit, averaged over the units that
//! responded at all. A unit that sums both contrast polarities (a complex
//! cell) has a weak first-order average by construction: that is part of
//! what the measure shows.
//!
//! The claim (data/preregistration.json) is the fall of reliability from
//! V1's layer 5 to IT's, stream against hierarchy, seed by seed. Its positive
//! control, in the stream, replaces IT's layer 5 by IT's write to an
//! independent noise image: cells that do not bind to the input, whose fall
//! the same code must find.

use super::linalg::correlation;
use super::verdict::{Claim, Positive, Runs};
use super::{for_each_trace, Failure, Measure, Models, Progress, Size, WITH_RETINA_CONTROL};
use crate::input::SIDE;
use crate::model::Model;
use crate::names::{ByStation, Layer, Station};
use crate::rng::Rng;
use crate::stimuli::Stimulus;
use serde::{Deserialize, Serialize};

/// Checks per side of the noise, and pixels per check.
pub const CHECKS: usize = 16;
const CHECK: usize = SIDE / CHECKS;

/// Noise frame `i` of set `seed`: the check values (mean 0, sd 1) and the
/// 64×64 image in [0, 1] that shows them.
fn frame(seed: u64, i: usize) -> (Vec<f32>, Vec<f32>) {
    let mut rng = Rng::fork(seed, i as u64);
    let checks: Vec<f32> = (0..CHECKS * CHECKS).map(|_| rng.normal()).collect();
    let img = (0..SIDE * SIDE)
        .map(|p| (0.5 + 0.2 * checks[(p / SIDE / CHECK) * CHECKS + (p % SIDE) / CHECK]).clamp(0.0, 1.0))
        .collect();
    (checks, img)
}

/// What one run of RF reports (`www/js/experiments/receptive-fields.js` draws it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "receptive-fields/"))]
pub struct Output {
    /// Noise frames in each of the two independent halves.
    pub n_per_half: usize,
    /// Which units are measured, in words.
    pub units: String,
    /// Checks per side of the noise, and of each spike-triggered average ([`CHECKS`]).
    pub sta_side: usize,
    /// The stream's receptive fields, by station and layer.
    pub stream: ByStation<Layers>,
    /// The hierarchy's, the same.
    pub hierarchy: ByStation<Layers>,
    /// The stream with IT's cells unbound from the input, measured by the same code (null
    /// where the run's stream has no residual stream to replace IT's layer 5 in).
    pub positive_control: Option<PositiveControl>,
}

/// A station's three layers of cells.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "receptive-fields/"))]
pub struct Layers {
    /// L4: the station reading the stream.
    pub l4: Fields,
    /// L2/3: the station's computation.
    pub l23: Fields,
    /// L5: the stream after the station (the claim's layer).
    pub l5: Fields,
}

/// The receptive fields of one layer's centre units, one per channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "receptive-fields/"))]
pub struct Fields {
    /// Split-half reliability: the correlation of a unit's two white-noise averages over the
    /// checks (1: the same map twice, 0: no stable map), mean over the units that responded.
    pub reliability: f32,
    /// Units that varied in both halves (of 32).
    pub units_responding: usize,
    /// The most reliable unit's map, for the page; null where no unit responded.
    pub example: Option<Example>,
}

/// One unit's spike-triggered average.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "receptive-fields/"))]
pub struct Example {
    /// Its channel.
    pub channel: usize,
    /// Its response-weighted average on the first noise set, `sta_side`² checks row by row,
    /// rounded to 4 decimals.
    pub sta: Vec<f32>,
}

/// RF's positive control: IT's layer 5 replaced by IT's write to an independent noise image.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "receptive-fields/"))]
pub struct PositiveControl {
    /// The model, in words.
    pub what: String,
    /// As [`Fields::reliability`], at IT.
    pub reliability: f32,
    pub units_responding: usize,
}

/// STAs of every (station, layer of `layers`, channel) centre unit on one noise set:
/// [station][layer][channel] → 16×16 checks (empty if the unit never varied). The model
/// sees the frames of set `shown`, and its responses are averaged against the checks of set
/// `seed`: the same set for a receptive field, an independent one for cells that do not bind
/// to the input (the positive control).
fn stas(
    model: &Model,
    (seed, shown): (u64, u64),
    layers: &[Layer],
    n: usize,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<Vec<Vec<Vec<Vec<f32>>>>, Failure> {
    let noise = |i: usize| Stimulus { pixels: frame(shown, i).1, category: None, orientation: None };
    let px = CHECKS * CHECKS;
    let nl = layers.len();
    // Sums of r·x, r, x and r² per unit.
    let mut rx = vec![vec![vec![vec![0.0f64; px]; 32]; nl]; 4];
    let mut r1 = vec![vec![vec![0.0f64; 32]; nl]; 4];
    let mut r2 = r1.clone();
    let mut x1 = vec![0.0f64; px];
    let mut images: Vec<Vec<f32>> = Vec::new();
    for_each_trace(model, n, &noise, progress, span, &mut |t, start| {
        images.clear();
        for b in 0..t.lgn.n {
            images.push(frame(seed, start + b).0);
        }
        for img in &images {
            for (a, v) in x1.iter_mut().zip(img) {
                *a += *v as f64;
            }
        }
        for (k, st) in t.stations.iter().enumerate() {
            for (l, &layer) in layers.iter().enumerate() {
                let m = st.layer(layer);
                let c = m.side / 2;
                for (b, img) in images.iter().enumerate() {
                    for ch in 0..m.channels() {
                        let r = m.at(b, c, c, ch) as f64;
                        r1[k][l][ch] += r;
                        r2[k][l][ch] += r * r;
                        if r != 0.0 {
                            for (a, v) in rx[k][l][ch].iter_mut().zip(img) {
                                *a += r * *v as f64;
                            }
                        }
                    }
                }
            }
        }
    })?;
    let nf = n as f64;
    let mut out = vec![vec![vec![Vec::new(); 32]; nl]; 4];
    for k in 0..4 {
        for l in 0..nl {
            for ch in 0..32 {
                let var = r2[k][l][ch] / nf - (r1[k][l][ch] / nf).powi(2);
                if var <= 1e-12 {
                    continue;
                }
                let rm = r1[k][l][ch] / nf;
                out[k][l][ch] = (0..px).map(|p| (rx[k][l][ch][p] / nf - rm * x1[p] / nf) as f32).collect();
            }
        }
    }
    Ok(out)
}

/// One model's receptive fields, and where it is a residual stream its positive control.
fn one(
    model: &Model,
    seed: u64,
    n: usize,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<(ByStation<Layers>, Option<PositiveControl>), Failure> {
    // The stream also measures its positive control, which costs it two more noise sets.
    let parts = if model.wiring.residual() { 4.0 } else { 2.0 };
    let at = |i: f32| span.0 + (span.1 - span.0) * i / parts;
    let (seed_a, seed_b) = (seed ^ 0xA11CE, seed ^ 0xB0B);
    let a = stas(model, (seed_a, seed_a), &Layer::CELLS, n, progress, (at(0.0), at(1.0)))?;
    let b = stas(model, (seed_b, seed_b), &Layer::CELLS, n, progress, (at(1.0), at(2.0)))?;
    let fields = |k: usize, layer: Layer| -> Fields {
        let l = Layer::CELLS.iter().position(|&c| c == layer).expect("a cell layer");
        let rel = reliabilities(&a[k][l], &b[k][l]);
        // An example map for the page: the most reliable unit, first half.
        let best = (0..32)
            .filter(|&ch| !a[k][l][ch].is_empty() && !b[k][l][ch].is_empty())
            .max_by(|&x, &y| correlation(&a[k][l][x], &b[k][l][x]).total_cmp(&correlation(&a[k][l][y], &b[k][l][y])));
        Fields {
            reliability: rel.iter().sum::<f32>() / rel.len().max(1) as f32,
            units_responding: rel.len(),
            example: best
                .map(|ch| Example { channel: ch, sta: a[k][l][ch].iter().map(|v| (v * 1e4).round() / 1e4).collect() }),
        }
    };
    let layers = |s: Station| Layers {
        l4: fields(s.index(), Layer::L4),
        l23: fields(s.index(), Layer::L23),
        l5: fields(s.index(), Layer::L5),
    };
    let stations = ByStation {
        v1: layers(Station::V1),
        v2: layers(Station::V2),
        v4: layers(Station::V4),
        it: layers(Station::IT),
    };
    if !model.wiring.residual() {
        return Ok((stations, None));
    }
    // The positive control: IT's layer 5 replaced by its write to an independent noise
    // image, so its cells do not bind to the input they are averaged against.
    let unbound = |s: u64| s ^ 0x0B1D;
    let it = Station::IT.index();
    let a = stas(model, (seed_a, unbound(seed_a)), &[Layer::Write], n, progress, (at(2.0), at(3.0)))?;
    let b = stas(model, (seed_b, unbound(seed_b)), &[Layer::Write], n, progress, (at(3.0), at(4.0)))?;
    let rel = reliabilities(&a[it][0], &b[it][0]);
    let positive = PositiveControl {
        what: "IT's layer 5 replaced by IT's write to an independent noise image (cells that do not bind to the input)"
            .into(),
        reliability: rel.iter().sum::<f32>() / rel.len().max(1) as f32,
        units_responding: rel.len(),
    };
    Ok((stations, Some(positive)))
}

/// The split-half reliability of every unit that varied in both halves.
fn reliabilities(a: &[Vec<f32>], b: &[Vec<f32>]) -> Vec<f32> {
    a.iter().zip(b).filter(|(x, y)| !x.is_empty() && !y.is_empty()).map(|(x, y)| correlation(x, y)).collect()
}

impl ByStation<Layers> {
    /// The reliability of layer 5's receptive fields at station `s`.
    fn l5(&self, s: Station) -> f64 {
        self.at(s).l5.reliability as f64
    }
    /// How much less reliable IT's layer 5 receptive fields are than V1's.
    fn fall(&self) -> f64 {
        self.l5(Station::V1) - self.l5(Station::IT)
    }
}

/// RF, the registry's row.
pub struct ReceptiveFields;

impl Measure for ReceptiveFields {
    const NAME: &'static str = "receptive-fields";
    const CLAIM: &'static str = "RF";
    const CONDITIONS: &'static [super::Condition] = WITH_RETINA_CONTROL;
    type Output = Output;
    type Read = Output;
    fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Output, Failure> {
        let n = size.pick(800, 4000);
        let (stream, positive_control) = one(&models.stream, seed, n, progress, (0.0, 0.6))?;
        let (hierarchy, _) = one(&models.hierarchy, seed, n, progress, (0.6, 1.0))?;
        Ok(Output {
            n_per_half: n,
            units: "the centre unit of each of the 32 channels of each layer".into(),
            sta_side: CHECKS,
            stream,
            hierarchy,
            positive_control,
        })
    }
    /// RF: early cells have a reliable receptive field, late ones do not, and the stream
    /// reading explains the fall better than a hierarchy. Effect: the split-half reliability
    /// of layer 5's white-noise average at V1 minus that at IT in the stream; null: the same
    /// fall in the hierarchy of the seed (paired). The untrained pair is the control.
    fn claim(runs: &Runs<Output>) -> Claim {
        let per_seed = |v: &[Output]| -> (Vec<f64>, Vec<f64>) {
            (v.iter().map(|r| r.stream.fall()).collect(), v.iter().map(|r| r.hierarchy.fall()).collect())
        };
        let ((effect, null), control) = runs.trained_and_control(per_seed);
        Claim {
            id: Self::CLAIM,
            says: "early stations have reliable receptive fields, later ones do not, and more so in the stream",
            measure: "split-half reliability of the white-noise average of layer 5's centre units, V1 minus IT: \
                      stream (effect) against hierarchy (null), paired by seed"
                .into(),
            effect,
            null,
            control,
        }
    }
    /// The stream with IT's cells unbound from the input, against the trained hierarchy.
    fn positive(runs: &Runs<Output>) -> Option<Positive> {
        // A run whose stream could not measure it (no residual stream) has none.
        if runs.trained.iter().any(|r| r.positive_control.is_none()) {
            return None;
        }
        let read = |r: &Output| {
            let unbound = r.positive_control.as_ref().map_or(f64::NAN, |p| p.reliability as f64);
            (r.stream.l5(Station::V1) - unbound, r.hierarchy.fall())
        };
        // Cells that do not bind to the input have no reliable field: the fall is V1's whole reliability.
        let known = runs.trained.iter().map(|r| r.stream.l5(Station::V1)).collect();
        Positive::from_runs(runs.trained, read, None).map(|p| Positive { known: Some(known), ..p })
    }
}
