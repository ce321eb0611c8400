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
use crate::names::ByWiring;
use crate::names::{Layer, Station};
use crate::stimuli::CATEGORIES;
use crate::train::held_out;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

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
pub fn measures(r: &[Vec<f32>], cats: &[usize]) -> Value {
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
    json!({
        "units": units,
        "lifetime": mean(&lifetime),
        "population": mean(&population),
        "categories_per_unit": driving.iter().sum::<usize>() as f32 / driving.len().max(1) as f32,
        "single_category_units": driving.iter().filter(|&&d| d == 1).count(),
        "units_responding": driving.len(),
        "histogram": (1..=CATEGORIES.len()).map(|c| driving.iter().filter(|&&d| d == c).count()).collect::<Vec<_>>(),
    })
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

fn one(model: &Model, n: usize, progress: &mut dyn FnMut(f32) -> bool, span: (f32, f32)) -> Result<Value, Failure> {
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
    let mut out = Map::new();
    for (k, name) in Station::ALL.map(Station::name).iter().enumerate() {
        let mut station = Map::new();
        for (l, layer) in LAYERS.iter().enumerate() {
            let mut v = measures(&single[k][l], &cats);
            let p = measures(&pooled[k][l], &cats);
            v["pooled"] = json!({
                "what": "each channel averaged over its whole map (not a single unit)",
                "lifetime": p["lifetime"],
                "population": p["population"],
                "categories_per_unit": p["categories_per_unit"],
                "units": p["units"],
            });
            station.insert(layer.name().to_string(), v);
        }
        out.insert(name.to_string(), Value::Object(station));
    }
    if !positive.is_empty() {
        let mut v = measures(&positive, &cats);
        v["what"] = json!(format!(
            "IT layer 5 with IT's write replaced by a one-hot code of the category on channels 0–9 \
             ({ONE_HOT_GAIN} × the RMS of its input), rectified single units"
        ));
        out.insert("positive_control".into(), v);
    }
    Ok(Value::Object(out))
}

fn run(models: &Models, size: Size, progress: Progress) -> Result<Value, Failure> {
    let n = size.pick(300, 1500);
    let mut stream = one(&models.stream, n, progress, (0.0, 0.5))?;
    let hierarchy = one(&models.hierarchy, n, progress, (0.5, 1.0))?;
    let positive = stream.as_object_mut().and_then(|m| m.remove("positive_control"));
    Ok(json!({
        "n": n,
        "categories": CATEGORIES,
        "units": format!("single units: every channel at a {GRID}×{GRID} grid of positions; `pooled`: channels averaged over the map; L5 rectified"),
        "stream": stream,
        "hierarchy": hierarchy,
        "positive_control": positive,
    }))
}

/// What SP's claim reads of a run: single-unit lifetime sparseness by wiring, station and
/// layer, and the positive control's IT layer 5 (runs made before it existed have none).
#[derive(Deserialize)]
pub struct Read {
    #[serde(flatten)]
    wirings: ByWiring<BTreeMap<String, BTreeMap<String, Units>>>,
    positive_control: Option<Units>,
}

#[derive(Deserialize)]
struct Units {
    lifetime: f64,
}

/// How much sparser IT's layer 5 is than V1's in one wiring's stations (the post's direction:
/// later stations sparser), single units.
fn later_sparser(stations: &BTreeMap<String, BTreeMap<String, Units>>) -> f64 {
    let at = |s: Station| stations[s.name()][Layer::L5.name()].lifetime;
    at(Station::IT) - at(Station::V1)
}

impl Read {
    fn stream(&self) -> f64 {
        later_sparser(&self.wirings.stream)
    }
    fn hierarchy(&self) -> f64 {
        later_sparser(&self.wirings.hierarchy)
    }
}

/// SP, the registry's row.
pub struct Sparseness;

impl Measure for Sparseness {
    const NAME: &'static str = "sparseness";
    const CLAIM: &'static str = "SP";
    const CONDITIONS: &'static [super::Condition] = TRAINED_AND_UNTRAINED;
    type Output = Value;
    type Read = Read;
    fn run(models: &Models, _seed: u64, size: Size, progress: Progress) -> Result<Value, Failure> {
        run(models, size, progress)
    }
    /// SP, in the post's own direction: later stations are a sparser code. Effect: single-unit
    /// lifetime sparseness of IT's layer 5 minus V1's in the stream; null: the same in the
    /// hierarchy of the seed (paired), so what any stack of these stations does cancels. The
    /// untrained pair is the control.
    fn claim(runs: &Runs<Read>) -> Claim {
        let per_seed = |v: &[Read]| -> (Vec<f64>, Vec<f64>) {
            (v.iter().map(Read::stream).collect(), v.iter().map(Read::hierarchy).collect())
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
    fn positive(runs: &Runs<Read>) -> Option<Positive> {
        let effect: Option<Vec<f64>> = runs
            .trained
            .iter()
            .map(|r| {
                let v1 = r.wirings.stream[Station::V1.name()][Layer::L5.name()].lifetime;
                r.positive_control.as_ref().map(|p| p.lifetime - v1)
            })
            .collect();
        // No known value: the one-hot write is added to a stream that carries more.
        Some(Positive { effect: effect?, null: runs.trained.iter().map(Read::hierarchy).collect(), known: None })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn treves_rolls_bounds() {
        assert!((super::treves_rolls(&[1.0, 1.0, 1.0, 1.0])).abs() < 1e-6);
        assert!((super::treves_rolls(&[0.0, 0.0, 5.0, 0.0]) - 1.0).abs() < 1e-6);
    }
}
