//! LE: "a stream is an ensemble of paths" (Veit et al. 2016). Remove one
//! station's write (or several) and measure category accuracy on held-out
//! sketches. In the stream the other paths still reach the behaviour; in the
//! hierarchy a removed level cuts the only path.

use super::{for_each_trace, Failure, Models, Size};
use crate::model::Model;
use crate::names::STATION_NAMES;
use crate::train::held_out;
use serde_json::{json, Map, Value};

/// Category accuracy of `model` with the stations in `removed` lesioned.
pub fn accuracy(
    model: &Model,
    removed: &[usize],
    n: usize,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<f32, Failure> {
    let mut m = model.clone();
    m.lesions = [false; 4];
    for &k in removed {
        m.lesions[k] = true;
    }
    let mut right = 0;
    for_each_trace(&m, n, &|i| held_out(i as u64).0, progress, span, &mut |t, start| {
        for b in 0..t.category_logits.nrows() {
            let l = t.category_logits.row(b);
            let best = (0..l.len()).max_by(|&i, &j| l[i].total_cmp(&l[j])).unwrap_or(0);
            right += (Some(best) == held_out((start + b) as u64).0.category) as usize;
        }
    })?;
    Ok(right as f32 / n.max(1) as f32)
}

pub fn run(models: &Models, _seed: u64, size: Size, progress: &mut dyn FnMut(f32) -> bool) -> Result<Value, Failure> {
    let n = size.pick(300, 2000);
    // None, each single station, and every pair.
    let mut sets: Vec<Vec<usize>> = vec![vec![]];
    sets.extend((0..4).map(|k| vec![k]));
    for a in 0..4 {
        for b in a + 1..4 {
            sets.push(vec![a, b]);
        }
    }
    let jobs = (2 * sets.len()) as f32;
    let mut out = Map::new();
    let mut job = 0.0;
    for (wiring, model) in models.pair() {
        let mut res = Map::new();
        for set in &sets {
            let key = if set.is_empty() {
                "none".to_string()
            } else {
                set.iter().map(|&k| STATION_NAMES[k]).collect::<Vec<_>>().join("+")
            };
            let acc = accuracy(model, set, n, progress, (job / jobs, (job + 1.0) / jobs))?;
            job += 1.0;
            res.insert(key, json!(acc));
        }
        // Mean accuracy with one station removed, and with two.
        let mean_of = |len: usize| {
            let v: Vec<f64> = sets
                .iter()
                .filter(|s| s.len() == len)
                .map(|s| {
                    let key = s.iter().map(|&k| STATION_NAMES[k]).collect::<Vec<_>>().join("+");
                    res[&key].as_f64().unwrap_or(0.0)
                })
                .collect();
            v.iter().sum::<f64>() / v.len() as f64
        };
        let (one, two) = (mean_of(1), mean_of(2));
        res.insert("mean_one_removed".into(), json!(one));
        res.insert("mean_two_removed".into(), json!(two));
        out.insert(wiring.to_string(), Value::Object(res));
    }
    out.insert("n".into(), json!(n));
    out.insert("chance".into(), json!(0.1));
    Ok(Value::Object(out))
}
