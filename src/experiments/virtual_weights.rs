//! VW: "later stations read from all earlier ones". In the stream, what
//! station j's L4 reads of what station k's L5 wrote is the virtual weight
//! W_out^k · W_in^j (m × m), whatever lies between (Elhage et al. 2021);
//! its size, relative to the two matrices', says how much j listens to k.
//! The embedding (the thalamic input) is writer 0 and the behaviour's heads
//! are the last reader. The direct path W_E · W_U goes from LGN channels to
//! category logits without any station.
//!
//! In the hierarchy the same products can be formed, but a station only ever
//! receives the one below: the entries off that diagonal are not used by
//! the network, and the experiment marks them so.

use super::{tick, Failure, Models, Size};
use crate::model::Model;
use crate::names::STATION_NAMES;
use crate::retina::CHANNEL_NAMES;
use crate::stimuli::CATEGORIES;
use crate::train::held_out;
use ndarray::{Array2, ArrayView2};
use serde_json::{json, Value};

fn frob(a: ArrayView2<f32>) -> f32 {
    a.iter().map(|v| v * v).sum::<f32>().sqrt()
}

/// Writers: embedding, V1..IT (their write matrices, in × d).
fn writers(m: &Model) -> Vec<Array2<f32>> {
    let mut w = vec![m.embed.w.clone()];
    w.extend(m.stations.iter().map(|s| s.write.w.clone()));
    w
}

/// Readers: V1..IT (their read matrices, d × m), then the category head.
fn readers(m: &Model) -> Vec<Array2<f32>> {
    let mut r: Vec<Array2<f32>> = m.stations.iter().map(|s| s.read.w.clone()).collect();
    r.push(m.category.w.clone());
    r
}

/// strength[reader][writer] = ‖W_write · W_read‖ / (‖W_write‖ ‖W_read‖),
/// for writers that come before the reader; None otherwise.
pub fn matrix(m: &Model) -> Vec<Vec<Option<f32>>> {
    let (ws, rs) = (writers(m), readers(m));
    rs.iter()
        .enumerate()
        .map(|(j, r)| {
            ws.iter()
                .enumerate()
                .map(|(k, w)| (k <= j).then(|| frob(w.dot(r).view()) / (frob(w.view()) * frob(r.view())).max(1e-12)))
                .collect()
        })
        .collect()
}

/// Mean |contribution| of each path to the category logits on held-out sketches.
fn contribution_sizes(m: &Model, n: usize) -> Vec<f32> {
    let batch = crate::train::render(n, 1, &|i| held_out(i as u64 + 70_000).0);
    let t = m.forward(batch.lgn);
    let mut sizes = vec![0.0f32; 5];
    for b in 0..n {
        if let Some(c) = m.contributions(&t, b) {
            let paths: Vec<&Vec<f32>> = std::iter::once(&c.direct).chain(c.stations.iter()).collect();
            for (s, p) in sizes.iter_mut().zip(paths) {
                *s += p.iter().map(|v| v.abs()).sum::<f32>() / p.len() as f32 / n as f32;
            }
        }
    }
    sizes
}

pub fn run(models: &Models, _seed: u64, size: Size, progress: &mut dyn FnMut(f32) -> bool) -> Result<Value, Failure> {
    let n = size.pick(64, 512);
    let mut out = serde_json::Map::new();
    for (i, (name, m)) in models.pair().into_iter().enumerate() {
        let direct = m.embed.w.dot(&m.category.w); // LGN channels × categories
        let used: Vec<Vec<bool>> =
            (0..5).map(|j| (0..5).map(|k| m.wiring.residual() && k <= j || k == j).collect()).collect();
        out.insert(
            name.to_string(),
            json!({
                "strength": matrix(m),
                "used_by_the_network": used,
                "direct_path": direct.rows().into_iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
                "mean_abs_contribution": if m.wiring.residual() { json!(contribution_sizes(m, n)) } else { Value::Null },
            }),
        );
        tick(progress, (i + 1) as f32 / 2.0)?;
    }
    // What the same measure gives for unrelated matrices of these shapes
    // (Gaussian, 50 draws): alignment at this level is no alignment at all.
    let mut rng = crate::rng::Rng::new(0xBA5E);
    let mut baseline = 0.0f32;
    for _ in 0..50 {
        let w = Array2::from_shape_fn((crate::model::M, crate::model::D), |_| rng.normal());
        let r = Array2::from_shape_fn((crate::model::D, crate::model::M), |_| rng.normal());
        baseline += frob(w.dot(&r).view()) / (frob(w.view()) * frob(r.view())) / 50.0;
    }
    out.insert("random_baseline".into(), json!(baseline));
    let mut readers: Vec<&str> = STATION_NAMES.to_vec();
    readers.push("behaviour");
    let mut writers = vec!["thalamic input"];
    writers.extend(STATION_NAMES);
    out.insert("readers".into(), json!(readers));
    out.insert("writers".into(), json!(writers));
    out.insert("lgn_channels".into(), json!(CHANNEL_NAMES));
    out.insert("categories".into(), json!(CATEGORIES));
    let paths: Vec<&str> = ["direct"].into_iter().chain(STATION_NAMES).collect();
    out.insert("paths".into(), json!(paths));
    Ok(Value::Object(out))
}
