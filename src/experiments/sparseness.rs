//! SP: no grandmother cells, a combinatorial code (Quiroga et al. 2008).
//!
//! Responses of single units to held-out sketches of all ten categories. A
//! unit is one channel at one position of its map (L4 and L2/3; L5 is signed
//! and has no rate), as a physiologist's electrode records it: every channel
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

use super::linalg::mean;
use super::verdict::{Claim, Runs};
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

fn one(model: &Model, n: usize, progress: &mut dyn FnMut(f32) -> bool, span: (f32, f32)) -> Result<Value, Failure> {
    // single[station][layer][stimulus][unit], and the same for channels pooled over the map.
    let mut single: Vec<Vec<Vec<Vec<f32>>>> = vec![vec![Vec::new(); 2]; 4];
    let mut pooled = single.clone();
    let mut cats = Vec::new();
    for_each_trace(model, n, &|i| held_out(i as u64 + 90_000).0, progress, span, &mut |t, start| {
        for (k, st) in t.stations.iter().enumerate() {
            for (l, &layer) in Layer::RATES.iter().enumerate() {
                let m = st.layer(layer);
                for row in global_avg(m).rows() {
                    pooled[k][l].push(row.to_vec());
                }
                for b in 0..m.n {
                    single[k][l].push(single_units(m, b));
                }
            }
        }
        for b in 0..t.lgn.n {
            cats.push(held_out((start + b) as u64 + 90_000).0.category.unwrap_or(0));
        }
    })?;
    let mut out = Map::new();
    for (k, name) in Station::ALL.map(Station::name).iter().enumerate() {
        let mut station = Map::new();
        for (l, lname) in Layer::RATES.map(Layer::name).iter().enumerate() {
            let mut v = measures(&single[k][l], &cats);
            let p = measures(&pooled[k][l], &cats);
            v["pooled"] = json!({
                "what": "each channel averaged over its whole map (not a single unit)",
                "lifetime": p["lifetime"],
                "population": p["population"],
                "categories_per_unit": p["categories_per_unit"],
                "units": p["units"],
            });
            station.insert(lname.to_string(), v);
        }
        out.insert(name.to_string(), Value::Object(station));
    }
    Ok(Value::Object(out))
}

fn run(models: &Models, size: Size, progress: Progress) -> Result<Value, Failure> {
    let n = size.pick(300, 1500);
    let stream = one(&models.stream, n, progress, (0.0, 0.5))?;
    let hierarchy = one(&models.hierarchy, n, progress, (0.5, 1.0))?;
    Ok(json!({
        "n": n,
        "categories": CATEGORIES,
        "units": format!("single units: every channel at a {GRID}×{GRID} grid of positions; `pooled`: channels averaged over the map"),
        "stream": stream,
        "hierarchy": hierarchy,
    }))
}

/// The mean over both wirings of IT L2/3 single units' categories per unit.
/// What SP's claim reads of a run: categories per unit, by wiring, station and layer.
#[derive(Deserialize)]
pub struct Read {
    #[serde(flatten)]
    wirings: ByWiring<BTreeMap<String, BTreeMap<String, Units>>>,
}

#[derive(Deserialize)]
struct Units {
    categories_per_unit: f64,
}

impl Read {
    /// Categories driving an IT L2/3 unit, mean over both wirings.
    fn categories_at_it(&self) -> f64 {
        let at = |by: &BTreeMap<String, BTreeMap<String, Units>>| {
            by[Station::IT.name()][Layer::L23.name()].categories_per_unit
        };
        0.5 * (at(&self.wirings.stream) + at(&self.wirings.hierarchy))
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
    /// SP: no grandmother cells. A grandmother cell answers to one category; the
    /// effect is how many categories drive an IT L2/3 single unit, on average
    /// over its units and both wirings; null 1. The untrained control shows whether
    /// broad responses come from learning or from any random network.
    fn claim(runs: &Runs<Read>) -> Claim {
        let per_seed = |v: &[Read]| -> (Vec<f64>, Vec<f64>) {
            (v.iter().map(Read::categories_at_it).collect(), vec![1.0; v.len()])
        };
        let ((effect, null), control) = runs.trained_and_control(per_seed);
        Claim {
            id: Self::CLAIM,
            says: "no grandmother cells: late units answer to several categories (a combinatorial code)",
            measure:
                "categories driving an IT L2/3 single unit (≥ half its best category's mean), mean over units and \
                      both wirings; null 1 (a grandmother cell)"
                    .into(),
            effect,
            null,
            control,
        }
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
