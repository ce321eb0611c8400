//! SP: "cells later in the stream … can only be interpreted as a sparse code",
//! and no grandmother cells (Quiroga et al. 2008).
//!
//! Responses of single units to held-out sketches of all ten categories. A
//! unit is one channel at one position of its map (L4, L2/3, and L5 rectified:
//! it is signed, and a cell reading it sees its positive part), as a
//! physiologist's electrode records it: every channel
//! at a 4×4 grid of positions spread evenly over the map, 512 units per layer
//! at every station. Averaging a channel over its map (1,024 positions at
//! V1, 16 at IT) would make V1 look dense mechanically; that pooled number is
//! kept beside, labelled `pooled`.
//!
//! Treves–Rolls sparseness S = [1 − (Σr/n)² / (Σr²/n)] / (1 − 1/n): lifetime
//! (one unit across stimuli, over the units that responded at all) and
//! population (one stimulus across units). And how many categories drive
//! each unit: those whose mean response is at least half the unit's best
//! category's.
//!
//! The claim (data/preregistration.json) is read in the post's direction:
//! IT's layer 5 minus V1's, stream against hierarchy, seed by seed. Its
//! positive control adds, in the stream, a one-hot code of the category to
//! IT's input in place of IT's write: ten grandmother-like channels that the
//! same measure must find sparser.

use super::linalg::mean;
use super::verdict::{Claim, Positive, Runs};
use super::{for_each_trace, Failure, Measure, Models, Progress, Size, TRAINED_AND_UNTRAINED};
use crate::layers::pool::global_avg;
use crate::layers::Maps;
use crate::model::Model;
use crate::names::Layer;
use crate::stimuli::CATEGORIES;
use crate::train::held_out;
use serde::{Deserialize, Serialize};

/// What one run of SP reports (`www/js/experiments/sparseness.js` draws it).
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "sparseness/"))]
pub struct Output {
    /// Held-out sketches the responses are recorded over.
    pub n: usize,
    /// The ten categories of the sketches.
    pub categories: Vec<String>,
    /// What a unit is, in words.
    pub units: String,
    /// The stream's code, per station and layer.
    pub stream: Stations,
    /// The hierarchy's.
    pub hierarchy: Stations,
    /// The stream with IT's write replaced by a one-hot code of the category (grandmother-like
    /// units), measured the same way: the claim's positive control. Null where the stream has
    /// no write to replace.
    pub positive_control: Option<PositiveControl>,
}

/// One wiring's code at each station, V1 … IT.
#[derive(Default, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "sparseness/"))]
pub struct Stations {
    #[serde(rename = "V1")]
    pub v1: Layers,
    #[serde(rename = "V2")]
    pub v2: Layers,
    #[serde(rename = "V4")]
    pub v4: Layers,
    #[serde(rename = "IT")]
    pub it: Layers,
}

/// One station's code in each layer measured.
#[derive(Default, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "sparseness/"))]
pub struct Layers {
    /// L4's rates.
    pub l4: LayerCode,
    /// L2/3's rates.
    pub l23: LayerCode,
    /// Layer 5 rectified (its positive part, what a reading cell sees): the claim reads it.
    pub l5: LayerCode,
}

/// A layer's code: its single units, and its channels averaged over the map beside them.
#[derive(Default, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "sparseness/"))]
pub struct LayerCode {
    /// The single units: every channel at a grid of positions, as an electrode records them.
    #[serde(flatten)]
    pub single: Code,
    /// Each channel averaged over its whole map instead (not a single unit).
    pub pooled: Pooled,
}

/// How sparse a population's responses to the sketches are ([`measures`]).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "sparseness/"))]
pub struct Code {
    /// Units recorded.
    pub units: usize,
    /// Treves–Rolls lifetime sparseness (one unit across stimuli; 0: answers everything, 1:
    /// one stimulus), mean over the units that responded at all.
    pub lifetime: f32,
    /// Treves–Rolls population sparseness (one stimulus across units), mean over stimuli.
    pub population: f32,
    /// Categories that drive a unit to at least half its best category's mean response, mean
    /// over units.
    pub categories_per_unit: f32,
    /// Units driven by one category alone (grandmother-like).
    pub single_category_units: usize,
    /// Units that responded to some category.
    pub units_responding: usize,
    /// histogram[c − 1]: how many units c categories drive, c = 1 … 10.
    pub histogram: Vec<usize>,
}

/// A layer's channels, each averaged over its map: what a map average gives, kept beside the
/// single units' numbers (at V1, averaging 1,024 positions, it looks dense by that alone).
#[derive(Default, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "sparseness/"))]
pub struct Pooled {
    /// What these numbers are, in words.
    pub what: String,
    pub lifetime: f32,
    pub population: f32,
    pub categories_per_unit: f32,
    /// Channels.
    pub units: usize,
}

/// The positive control's IT layer 5: rectified single units, IT's write replaced by a one-hot
/// code of the category.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "sparseness/"))]
pub struct PositiveControl {
    /// What the control is, in words.
    pub what: String,
    #[serde(flatten)]
    pub code: Code,
}

/// Positions per side of the grid of single units.
pub const GRID: usize = 4;

/// Treves–Rolls sparseness of non-negative responses (0: dense, 1: one active).
pub fn treves_rolls(r: &[f32]) -> f32 {
    let n = r.len() as f32;
    let s1 = r.iter().sum::<f32>() / n;
    let s2 = r.iter().map(|v| v * v).sum::<f32>() / n;
    if s2 <= 0.0 || n < 2.0 {
        return 0.0;
    }
    (1.0 - s1 * s1 / s2) / (1.0 - 1.0 / n)
}

/// The single units of image `b`: every channel at the GRID×GRID positions
/// (y, x) = ((i + ½)·side/GRID, (j + ½)·side/GRID), one value each.
pub fn single_units(m: &Maps, b: usize) -> Vec<f32> {
    let step = (m.side / GRID).max(1);
    let at: Vec<usize> = (0..GRID.min(m.side)).map(|i| i * step + step / 2).collect();
    let mut out = Vec::with_capacity(at.len() * at.len() * m.channels());
    for &y in &at {
        for &x in &at {
            out.extend((0..m.channels()).map(|c| m.at(b, y, x, c)));
        }
    }
    out
}

/// Every measure from responses r[stimulus][unit] and each stimulus's category.
pub fn measures(r: &[Vec<f32>], cats: &[usize]) -> Code {
    let units = r.first().map_or(0, Vec::len);
    let column = |u: usize| r.iter().map(|s| s[u]).collect::<Vec<_>>();
    let responding: Vec<usize> = (0..units).filter(|&u| r.iter().any(|s| s[u] > 0.0)).collect();
    let lifetime: Vec<f32> = responding.iter().map(|&u| treves_rolls(&column(u))).collect();
    let population: Vec<f32> = r.iter().map(|s| treves_rolls(s)).collect();
    let mut driving = Vec::new();
    for &u in &responding {
        let means: Vec<f32> = (0..CATEGORIES.len())
            .map(|c| {
                let v: Vec<f32> = r.iter().zip(cats).filter(|(_, &cc)| cc == c).map(|(s, _)| s[u]).collect();
                mean(&v)
            })
            .collect();
        let best = means.iter().fold(0.0f32, |a, &b| a.max(b));
        if best > 0.0 {
            driving.push(means.iter().filter(|&&m| m >= 0.5 * best).count());
        }
    }
    Code {
        units,
        lifetime: mean(&lifetime),
        population: mean(&population),
        categories_per_unit: driving.iter().sum::<usize>() as f32 / driving.len().max(1) as f32,
        single_category_units: driving.iter().filter(|&&d| d == 1).count(),
        units_responding: driving.len(),
        histogram: (1..=CATEGORIES.len()).map(|c| driving.iter().filter(|&&d| d == c).count()).collect(),
    }
}

/// The layers measured: L4 and L2/3 (rates), and L5 rectified (the stream state or the
/// hierarchy's level, as a downstream cell would see its positive part): the claim reads L5.
const LAYERS: [Layer; 3] = [Layer::L4, Layer::L23, Layer::L5];

/// How far the positive control's one-hot code stands out: this many times the RMS of the
/// stream IT's write is added to.
pub const ONE_HOT_GAIN: f32 = 20.0;

/// The positive control's IT layer 5 for a batch: IT's input (the pooled stream it adds to)
/// plus a one-hot code of each sketch's category on channels 0–9 at every position (IT's
/// write replaced by grandmother-like units), `ONE_HOT_GAIN` times the input's RMS.
pub fn one_hot_it(input: &Maps, cats: &[usize]) -> Maps {
    let rms = (input.x.iter().map(|v| v * v).sum::<f32>() / input.x.len().max(1) as f32).sqrt();
    let mut l5 = input.clone();
    let p = input.pixels();
    for (b, &c) in cats.iter().enumerate().filter(|(_, &c)| c < input.channels()) {
        for i in 0..p {
            l5.x[[b * p + i, c]] += ONE_HOT_GAIN * rms.max(1e-6);
        }
    }
    l5
}

fn rectified(m: &Maps) -> Maps {
    m.with(m.x.mapv(|v| v.max(0.0)))
}

fn one(
    model: &Model,
    n: usize,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<(Stations, Option<PositiveControl>), Failure> {
    // single[station][layer][stimulus][unit], and the same for channels pooled over the map.
    let mut single: Vec<Vec<Vec<Vec<f32>>>> = vec![vec![Vec::new(); LAYERS.len()]; 4];
    let mut pooled = single.clone();
    // The positive control's IT layer 5 (stream only: a hierarchy has no stream to add to).
    let mut positive: Vec<Vec<f32>> = Vec::new();
    let mut cats = Vec::new();
    for_each_trace(model, n, &|i| held_out(i as u64 + 90_000).0, progress, span, &mut |t, start| {
        let batch: Vec<usize> =
            (0..t.lgn.n).map(|b| held_out((start + b) as u64 + 90_000).0.category.unwrap_or(0)).collect();
        for (k, st) in t.stations.iter().enumerate() {
            for (l, &layer) in LAYERS.iter().enumerate() {
                let m = if layer == Layer::L5 { rectified(st.layer(layer)) } else { st.layer(layer).clone() };
                for row in global_avg(&m).rows() {
                    pooled[k][l].push(row.to_vec());
                }
                for b in 0..m.n {
                    single[k][l].push(single_units(&m, b));
                }
            }
        }
        if model.wiring.residual() {
            let it = rectified(&one_hot_it(&t.stations[3].input, &batch));
            positive.extend((0..it.n).map(|b| single_units(&it, b)));
        }
        cats.extend(batch);
    })?;
    // Each layer's single units and its channels pooled, at station k and layer l of LAYERS.
    let code = |k: usize, l: usize| {
        let p = measures(&pooled[k][l], &cats);
        LayerCode {
            single: measures(&single[k][l], &cats),
            pooled: Pooled {
                what: "each channel averaged over its whole map (not a single unit)".into(),
                lifetime: p.lifetime,
                population: p.population,
                categories_per_unit: p.categories_per_unit,
                units: p.units,
            },
        }
    };
    // In the order of Station::ALL and of LAYERS (a test checks the names).
    let station = |k: usize| Layers { l4: code(k, 0), l23: code(k, 1), l5: code(k, 2) };
    let stations = Stations { v1: station(0), v2: station(1), v4: station(2), it: station(3) };
    let positive = (!positive.is_empty()).then(|| PositiveControl {
        what: format!(
            "IT layer 5 with IT's write replaced by a one-hot code of the category on channels 0–9 \
             ({ONE_HOT_GAIN} × the RMS of its input), rectified single units"
        ),
        code: measures(&positive, &cats),
    });
    Ok((stations, positive))
}

/// How much sparser IT's layer 5 is than V1's in one wiring's stations (the post's direction:
/// later stations sparser), single units.
fn later_sparser(stations: &Stations) -> f64 {
    stations.it.l5.single.lifetime as f64 - stations.v1.l5.single.lifetime as f64
}

impl Output {
    /// What SP's claim reads of a run: IT's layer 5 minus V1's, in the stream ...
    fn stream(&self) -> f64 {
        later_sparser(&self.stream)
    }
    /// ... and in the hierarchy.
    fn hierarchy(&self) -> f64 {
        later_sparser(&self.hierarchy)
    }
}

/// SP, the registry's row.
pub struct Sparseness;

impl Measure for Sparseness {
    const NAME: &'static str = "sparseness";
    const CLAIM: &'static str = "SP";
    const CONDITIONS: &'static [super::Condition] = TRAINED_AND_UNTRAINED;
    type Output = Output;
    type Read = Output;
    fn run(models: &Models, _seed: u64, size: Size, progress: Progress) -> Result<Output, Failure> {
        let n = size.pick(300, 1500);
        let (stream, positive_control) = one(&models.stream, n, progress, (0.0, 0.5))?;
        // A hierarchy has no stream to add a code to: no positive control of its own.
        let (hierarchy, _) = one(&models.hierarchy, n, progress, (0.5, 1.0))?;
        Ok(Output {
            n,
            categories: CATEGORIES.map(String::from).to_vec(),
            units: format!(
                "single units: every channel at a {GRID}×{GRID} grid of positions; `pooled`: channels averaged \
                 over the map; L5 rectified"
            ),
            stream,
            hierarchy,
            positive_control,
        })
    }
    /// SP, in the post's own direction: later stations are a sparser code. Effect: single-unit
    /// lifetime sparseness of IT's layer 5 minus V1's in the stream; null: the same in the
    /// hierarchy of the seed (paired), so what any stack of these stations does cancels. The
    /// untrained pair is the control.
    fn claim(runs: &Runs<Output>) -> Claim {
        let per_seed = |v: &[Output]| -> (Vec<f64>, Vec<f64>) {
            (v.iter().map(Output::stream).collect(), v.iter().map(Output::hierarchy).collect())
        };
        let ((effect, null), control) = runs.trained_and_control(per_seed);
        Claim {
            id: Self::CLAIM,
            says: "later stations are a sparser code than early ones, and more so in the stream than in a hierarchy",
            measure: "lifetime sparseness (Treves–Rolls) of rectified layer 5 single units over held-out sketches, IT \
                      minus V1: stream (effect) against hierarchy (null), paired by seed"
                .into(),
            effect,
            null,
            control,
        }
    }
    /// The stream with IT's write replaced by grandmother-like units, against the trained hierarchy.
    fn positive(runs: &Runs<Output>) -> Option<Positive> {
        let effect: Option<Vec<f64>> = runs
            .trained
            .iter()
            .map(|r| {
                let v1 = r.stream.v1.l5.single.lifetime as f64;
                r.positive_control.as_ref().map(|p| p.code.lifetime as f64 - v1)
            })
            .collect();
        // No known value: the one-hot write is added to a stream that carries more.
        Some(Positive { effect: effect?, null: runs.trained.iter().map(Output::hierarchy).collect(), known: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::Station;

    /// The stations and layers are written under their names, in the order `one` fills them.
    #[test]
    fn each_station_and_layer_is_written_under_its_name() {
        let mut stations = Stations::default();
        for (k, l) in [&mut stations.v1, &mut stations.v2, &mut stations.v4, &mut stations.it].into_iter().enumerate() {
            for (i, c) in [&mut l.l4, &mut l.l23, &mut l.l5].into_iter().enumerate() {
                c.single.units = 10 * k + i;
            }
        }
        let v = serde_json::to_value(&stations).unwrap();
        for (k, s) in Station::ALL.iter().enumerate() {
            for (i, l) in LAYERS.iter().enumerate() {
                assert_eq!(v[s.name()][l.name()]["units"], 10 * k + i, "{} {}", s.name(), l.name());
            }
        }
    }

    #[test]
    fn treves_rolls_bounds() {
        assert!((super::treves_rolls(&[1.0, 1.0, 1.0, 1.0])).abs() < 1e-6);
        assert!((super::treves_rolls(&[0.0, 0.0, 5.0, 0.0]) - 1.0).abs() < 1e-6);
    }
}
