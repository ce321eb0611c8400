//! SP: no grandmother cells, a combinatorial code (Quiroga et al. 2008).
//!
//! Responses of every unit (a channel's mean rate over its map, L4 and L2/3;
//! L5 is signed and has no rate) to held-out sketches of all ten categories.
//! Treves–Rolls sparseness S = [1 − (Σr/n)² / (Σr²/n)] / (1 − 1/n): lifetime
//! (one unit across stimuli) and population (one stimulus across units). And
//! how many categories drive each unit: those whose mean response is at least
//! half the unit's best category's.

use super::linalg::mean;
use super::{for_each_trace, Failure, Models, Size};
use crate::layers::pool::global_avg;
use crate::model::Model;
use crate::names::{Layer, Station};
use crate::stimuli::CATEGORIES;
use crate::train::held_out;
use serde_json::{json, Map, Value};

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

fn one(model: &Model, n: usize, progress: &mut dyn FnMut(f32) -> bool, span: (f32, f32)) -> Result<Value, Failure> {
    // responses[station][layer][stimulus][unit]
    let mut resp: Vec<Vec<Vec<Vec<f32>>>> = vec![vec![Vec::new(); 2]; 4];
    let mut cats = Vec::new();
    for_each_trace(model, n, &|i| held_out(i as u64 + 90_000).0, progress, span, &mut |t, start| {
        for (k, st) in t.stations.iter().enumerate() {
            for (l, &layer) in Layer::RATES.iter().enumerate() {
                for row in global_avg(st.layer(layer)).rows() {
                    resp[k][l].push(row.to_vec());
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
            let r = &resp[k][l];
            let units = r[0].len();
            let lifetime: Vec<f32> =
                (0..units).map(|u| treves_rolls(&r.iter().map(|s| s[u]).collect::<Vec<_>>())).collect();
            let population: Vec<f32> = r.iter().map(|s| treves_rolls(s)).collect();
            let mut driving = Vec::new();
            for u in 0..units {
                let means: Vec<f32> = (0..CATEGORIES.len())
                    .map(|c| {
                        let v: Vec<f32> = r.iter().zip(&cats).filter(|(_, &cc)| cc == c).map(|(s, _)| s[u]).collect();
                        mean(&v)
                    })
                    .collect();
                let best = means.iter().fold(0.0f32, |a, &b| a.max(b));
                if best > 0.0 {
                    driving.push(means.iter().filter(|&&m| m >= 0.5 * best).count());
                }
            }
            let single = driving.iter().filter(|&&d| d == 1).count();
            station.insert(
                lname.to_string(),
                json!({
                    "lifetime": mean(&lifetime),
                    "population": mean(&population),
                    "categories_per_unit": driving.iter().sum::<usize>() as f32 / driving.len().max(1) as f32,
                    "single_category_units": single,
                    "units_responding": driving.len(),
                    "histogram": (1..=CATEGORIES.len()).map(|c| driving.iter().filter(|&&d| d == c).count()).collect::<Vec<_>>(),
                }),
            );
        }
        out.insert(name.to_string(), Value::Object(station));
    }
    Ok(Value::Object(out))
}

pub fn run(models: &Models, _seed: u64, size: Size, progress: &mut dyn FnMut(f32) -> bool) -> Result<Value, Failure> {
    let n = size.pick(300, 1500);
    let stream = one(&models.stream, n, progress, (0.0, 0.5))?;
    let hierarchy = one(&models.hierarchy, n, progress, (0.5, 1.0))?;
    Ok(json!({"n": n, "categories": CATEGORIES, "stream": stream, "hierarchy": hierarchy}))
}

#[cfg(test)]
mod tests {
    #[test]
    fn treves_rolls_bounds() {
        assert!((super::treves_rolls(&[1.0, 1.0, 1.0, 1.0])).abs() < 1e-6);
        assert!((super::treves_rolls(&[0.0, 0.0, 5.0, 0.0]) - 1.0).abs() < 1e-6);
    }
}
