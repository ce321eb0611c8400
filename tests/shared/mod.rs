//! Checks shared by the native tests and the browser (wasm) tests, so both hold the two
//! builds to one standard: the fixture of the first training losses, and the whole model's
//! gradients against finite differences.
#![allow(dead_code)] // each test binary uses its own part

use ndarray::Array2;
use ventral_stream::input;
use ventral_stream::lab::LabConfig;
use ventral_stream::layers::Maps;
use ventral_stream::model::{Model, Wiring};
use ventral_stream::retina;
use ventral_stream::rng::Rng;
use ventral_stream::variant::Variant;

/// tests/fixtures/train20.json: the configuration it was written with and its 20 losses,
/// written natively by `ventral-stream train-losses --steps 20 --seed 3` (stream, d = 32,
/// batch 32, one thread).
pub fn fixture() -> (LabConfig, Vec<f32>) {
    let v: serde_json::Value = serde_json::from_str(include_str!("../fixtures/train20.json")).unwrap();
    let config = LabConfig {
        wiring: v["wiring"].as_str().unwrap().into(),
        width: v["width"].as_u64().unwrap() as usize,
        edge_task: true,
        pressure: "none".into(),
        strength: 0.0,
        steps: v["steps_of_schedule"].as_u64().unwrap() as u32,
        seed: v["seed"].as_u64().unwrap() as u32,
        variant: Variant::SHIPPED.name().into(),
    };
    assert_eq!((v["batch"].as_u64(), v["threads"].as_u64()), (Some(32), Some(1)));
    let losses = v["losses"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect();
    (config, losses)
}

/// Each loss within 1e-3 relative of the fixture's.
pub fn assert_losses_close(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: number of steps");
    for (i, (a, b)) in got.iter().zip(want).enumerate() {
        assert!((a - b).abs() <= 1e-3 * b.abs(), "{what}, step {i}: {a} vs the fixture's {b}");
    }
}

pub fn random_lgn(n: usize, seed: u64) -> Maps {
    let mut rng = Rng::new(seed);
    let images: Vec<Vec<f32>> = (0..n)
        .map(|_| {
            let mut img: Vec<f32> = (0..64 * 64).map(|_| rng.normal()).collect();
            input::adapt(&mut img);
            img
        })
        .collect();
    retina::lgn_batch(&images)
}

fn loss(model: &Model, lgn: &Maps, tc: &Array2<f32>, to: &Array2<f32>) -> f64 {
    let t = model.forward(lgn.clone());
    let dot = |a: &Array2<f32>, b: &Array2<f32>| a.iter().zip(b.iter()).map(|(x, y)| (x * y) as f64).sum::<f64>();
    dot(&t.category_logits, tc) + dot(&t.orientation_logits, to)
}

/// Backprop through the whole model of `wiring` with a stream `d` wide against central
/// differences of a linear loss on both heads, at three entries of every trainable tensor.
/// Returns how many entries it checked.
pub fn check_model_gradients(wiring: Wiring, d: usize) -> usize {
    check_variant_gradients(wiring, d, Variant::SHIPPED)
}

/// The same for a variant of the model (`ventral_stream::variant`).
pub fn check_variant_gradients(wiring: Wiring, d: usize, variant: Variant) -> usize {
    let lgn = random_lgn(2, 4);
    let mut rng = Rng::new(5);
    let tc = Array2::from_shape_fn((2, 10), |_| rng.normal());
    let to = Array2::from_shape_fn((2, 8), |_| rng.normal());
    let mut model = Model::init_variant(wiring, 7, d, variant);
    // Gains away from their common start, so a gradient that mixes channels up shows.
    for st in &mut model.stations {
        if let Some(g) = &mut st.gain {
            g.iter_mut().for_each(|v| *v = 0.5 + rng.normal().abs());
        }
    }
    let mut grad = model.zeros_like();
    model.backward(&model.forward(lgn.clone()), &tc, &to, &mut grad);
    let grads = grad.tensors();
    let mut checked = 0;
    for (ti, (name, _, g)) in grads.iter().enumerate() {
        if name.ends_with(".gates") {
            continue;
        }
        for j in [0, g.len() / 3, g.len() - 1] {
            let perturbed = |delta: f32| {
                let mut m = model.clone();
                let mut idx = 0;
                m.visit_mut(&mut |_, _, v, _| {
                    if idx == ti {
                        v[j] += delta;
                    }
                    idx += 1;
                });
                loss(&m, &lgn, &tc, &to)
            };
            // ReLU kinks within eps of the point bend the central difference (a bias that
            // shifts a whole map moves many units across theirs); that error goes away as eps
            // shrinks, a wrong gradient's does not. So an entry that misses at eps = 3e-3 is
            // tried again at smaller steps, down to 3e-5 (d = 8's V1.write.b[0] needs it: its
            // central differences go −0.0657, −0.0664, −0.0670, −0.0678, −0.0690 at 3e-3 … 3e-5,
            // analytic −0.0689).
            let analytic = g[j] as f64;
            let misses = |eps: f32| {
                let numeric = (perturbed(eps) - perturbed(-eps)) / (2.0 * eps as f64);
                let tol = 3e-2 * numeric.abs().max(analytic.abs()).max(3e-2);
                ((numeric - analytic).abs() > tol).then_some(numeric)
            };
            if [3e-3, 1e-3, 3e-4, 1e-4, 3e-5].into_iter().all(|eps| misses(eps).is_some()) {
                let numeric = misses(3e-3).unwrap_or(f64::NAN);
                panic!(
                    "{wiring:?} d {d} {} {name}[{j}]: numeric {numeric} (eps 3e-3) analytic {analytic}",
                    variant.name()
                );
            }
            checked += 1;
        }
    }
    checked
}

/// Every trainable value shifted by a small pattern, so biases are non-zero and a split of the
/// logits is tested in full.
pub fn with_biases(model: &mut Model) {
    model.visit_mut(&mut |_, _, v, trainable| {
        if trainable {
            v.iter_mut().enumerate().for_each(|(i, x)| *x += 0.01 * ((i % 7) as f32 - 3.0))
        }
    });
}

/// Image `b`'s category logits equal the direct path plus every station's term plus the bias
/// (to 1e-4 of their size); returns the split.
pub fn assert_split_is_exact(
    model: &Model,
    t: &ventral_stream::model::Trace,
    b: usize,
) -> ventral_stream::model::Contributions {
    let c = model.contributions(t, b).expect("stream wirings decompose");
    for k in 0..c.direct.len() {
        let sum = c.direct[k] + c.stations.iter().map(|s| s[k]).sum::<f32>() + c.bias[k];
        let logit = t.category_logits[[b, k]];
        assert!((sum - logit).abs() < 1e-4 * logit.abs().max(1.0), "{:?} {b} {k}: {sum} vs {logit}", model.wiring);
    }
    c
}
