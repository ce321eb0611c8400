//! The positive controls of P1, P2, P3 and LE (issue 23), each measured inside its
//! experiment's run on the trained models of seeds 1–3 at the quick size, read back by
//! `Measure::positive` and judged by the plan's rule: a model built to have the property must
//! come out `supported`, or the measure has no power. No shipped number is asserted here:
//! only the answers the controls have by construction.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use ventral_stream::experiments::verdict::{judge_planned, Runs, Word};
use ventral_stream::experiments::{self, claim_and_positive, Experiment, Failure, Models, Size};

const SEEDS: [u64; 3] = [1, 2, 3];

fn outputs(e: Experiment, models: fn(u64) -> Result<Models, Failure>) -> Vec<Value> {
    SEEDS
        .iter()
        .map(|&s| {
            let m = models(s).unwrap_or_else(|f| panic!("seed {s}: {f}"));
            experiments::run(e, &m, s, Size::Quick, &mut |_| true).unwrap()
        })
        .collect()
}

/// The positive control's word under the claim's plan, and its effect − null per seed.
fn positive_word(e: Experiment, runs: &Runs<Value>) -> (Word, Vec<f64>) {
    let (claim, positive) = claim_and_positive(e, runs);
    let positive = positive.unwrap_or_else(|| panic!("{}: no positive control read", e.name()));
    let v = judge_planned(&claim, Some(&positive));
    let (word, estimate) = v.positive.expect("a positive control was given");
    (word, estimate.per_seed)
}

fn on_trained(e: Experiment) -> (Vec<Value>, Word, Vec<f64>) {
    let trained = outputs(e, Models::trained);
    let runs = Runs { seeds: &SEEDS, trained: &trained, untrained: &[], retina: &[], untrained_retina: &[] };
    let (word, per_seed) = positive_word(e, &runs);
    (trained, word, per_seed)
}

#[test]
fn p1_a_stream_that_writes_nothing_after_v1_carries_its_code_to_it() {
    let retina = outputs(Experiment::EdgeProbe, Models::retina_control);
    for r in &retina {
        let d = &r["positive_control"]["v1_decoder"];
        let (v1, it) = (d["V1"]["l5"].as_f64().unwrap(), d["IT"]["l5"].as_f64().unwrap());
        // IT's layer 5 is V1's pooled: the 2×2-pooled features see the same numbers.
        assert!((v1 - it).abs() < 0.02, "seed {}: V1 {v1}, IT {it}", r["seed"]);
    }
    let runs = Runs { seeds: &SEEDS, trained: &[], untrained: &[], retina: &retina, untrained_retina: &[] };
    let (word, per_seed) = positive_word(Experiment::EdgeProbe, &runs);
    assert_eq!(word, Word::Supported, "P1's positive control: {per_seed:?}");
}

#[test]
fn p2_a_stream_whose_previous_station_is_bypassed_varies_with_the_earlier_ones() {
    let (_, word, per_seed) = on_trained(Experiment::Variability);
    assert_eq!(word, Word::Supported, "P2's positive control: {per_seed:?}");
}

#[test]
fn p3_writes_built_to_cancel_half_the_thalamic_directions_are_found_to() {
    let (_, word, per_seed) = on_trained(Experiment::Deletion);
    assert_eq!(word, Word::Supported, "P3's positive control: {per_seed:?}");
    // Half of the directions are cancelled by construction; the others keep what the trained
    // writes give them, so the fraction above its null is about a half.
    for d in &per_seed {
        assert!((d - 0.5).abs() < 0.2, "P3's positive control {per_seed:?}");
    }
}

#[test]
fn le_a_stream_of_the_direct_path_alone_keeps_everything_when_a_station_goes() {
    let (trained, word, per_seed) = on_trained(Experiment::Lesion);
    for r in &trained {
        let kept = r["positive_control"]["retention"].as_f64().unwrap();
        assert!((kept - 1.0).abs() < 1e-9, "seed {}: the direct path alone retains {kept}", r["seed"]);
    }
    assert_eq!(word, Word::Supported, "LE's positive control: {per_seed:?}");
}
