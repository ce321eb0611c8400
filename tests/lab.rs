//! Training is the same computation natively and in wasm (issue 13): the losses of the first 20
//! steps from a fixed seed are a fixture, written once natively by
//!
//!   ventral-stream train-losses --steps 20 --seed 3 > tests/fixtures/train20.json
//!
//! (stream, d = 32, batch 32, one thread). This test recomputes them natively, through both
//! the training loop and the lab's core; tests/browser.rs recomputes them in wasm through the
//! lab's core. Both hold them to 1e-3 relative, so wasm and native agree transitively; float
//! reassociation (simd kernels, Winograd) accounts for the rest.

use ventral_stream::lab::Lab;
use ventral_stream::model::Wiring;
use ventral_stream::train;

mod shared;
use shared::{assert_losses_close, fixture};

#[test]
fn twenty_steps_give_the_fixtures_losses_natively() {
    let (config, want) = fixture();
    assert_eq!(want.len(), 20);
    let mut cfg = train::Config::new(Wiring::parse(&config.wiring).unwrap(), config.seed as u64);
    cfg.threads = 1;
    cfg.steps = config.steps as usize;
    assert_losses_close(&train::first_losses(&cfg, want.len()), &want, "train::first_losses");
    // The lab's core, as the wasm Trainer drives it.
    let mut lab = Lab::new(config).unwrap();
    let got: Vec<f32> = (0..want.len()).map(|_| lab.step_once().unwrap()).collect();
    assert_losses_close(&got, &want, "lab::Lab");
    // Training learns: the last five steps' mean loss is below the first five's.
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    assert!(mean(&want[15..]) < mean(&want[..5]));
}

/// Two threads split the batch and sum in a fixed order: the same losses within rounding.
#[test]
fn two_threads_give_the_same_losses_within_rounding() {
    let (config, want) = fixture();
    let mut cfg = train::Config::new(Wiring::parse(&config.wiring).unwrap(), config.seed as u64);
    cfg.threads = 2;
    cfg.steps = config.steps as usize;
    assert_losses_close(&train::first_losses(&cfg, 5), &want[..5], "two threads");
}
