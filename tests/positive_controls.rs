//! The positive controls of TU, VW, DG, SP and RF at the quick size (issue 23): each
//! experiment's own run measures a model built to have the property by the same code as the
//! real models, and the plan's rule must find that known answer (`supported`). VW runs on the
//! untrained models of three seeds (no weight files needed), DG on the networks it trains
//! itself, TU through the functions its run calls; no shipped number is asserted.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use ventral_stream::experiments::preregistration::plan;
use ventral_stream::experiments::stats::{estimate, Estimate};
use ventral_stream::experiments::tuning::{bank_responses, gabor_bank, uniform_null, Population, Published};
use ventral_stream::experiments::verdict::{judge_planned, word_of, Runs, Word};
use ventral_stream::experiments::{self, claim_and_positive, Experiment, Models, Size};
use ventral_stream::rng::Rng;

const SEEDS: [u64; 3] = [1, 2, 3];

fn outputs(e: Experiment) -> Vec<Value> {
    SEEDS
        .iter()
        .map(|&s| {
            experiments::run(e, &Models::untrained(s), s, Size::Quick, &mut |_| true)
                .unwrap_or_else(|err| panic!("{}: {err}", e.name()))
        })
        .collect()
}

/// The positive control's word and effect − null under the plan, from the runs' outputs.
fn positive(e: Experiment, outputs: &[Value]) -> (Word, Estimate) {
    let runs = Runs { seeds: &SEEDS, trained: outputs, untrained: &[], retina: &[], untrained_retina: &[] };
    let (claim, positive) = claim_and_positive(e, &runs);
    let positive = positive.unwrap_or_else(|| panic!("{}: the runs measured no positive control", e.name()));
    assert_eq!(positive.effect.len(), SEEDS.len());
    let v = judge_planned(&claim, Some(&positive));
    v.positive.unwrap_or_else(|| panic!("{}: the verdict carries no positive control", e.name()))
}

/// TU's positive control, by the functions its run calls: per wiring a bank of as many Gabors
/// as the model's responsive channels (32 here, the most V1 has), scored against a uniform
/// draw of as many units, averaged over two banks. Ten seeds, as the shipped pair has: with
/// about 30 independent units a seed's bank can fall below its null, so fewer seeds may not
/// show it (the power the results state).
#[test]
fn a_gabor_bank_drawn_from_the_published_distributions_scores_above_uniform_units() {
    let published = Published::all();
    let diffs: Vec<f64> = (1..=10u64)
        .map(|seed| {
            let mut rng = Rng::new(seed ^ 0x6AB0);
            let mut d = 0.0;
            for _wiring in 0..2 {
                let bank = gabor_bank(&published, 32, &mut rng);
                let tuned = Population::of(&bank_responses(&bank), bank.len());
                d += 0.5 * (tuned.score(&published) - uniform_null(&published, tuned.units.len(), &mut rng));
            }
            d
        })
        .collect();
    let e = estimate(&diffs);
    let smallest = plan().claim("TU").fraction_of_positive_control * e.mean;
    assert_eq!(word_of(&e, smallest, None), Word::Supported, "{e:?}");
}

/// The run itself: the gratings span the plan's range, the power is stated, and the bank is as
/// large as the model's independent units.
#[test]
fn the_tuning_run_states_its_range_power_and_positive_control() {
    let o = experiments::run(Experiment::Tuning, &Models::untrained(1), 1, Size::Quick, &mut |_| true).unwrap();
    assert_eq!(o["sf_cpd"], serde_json::json!([0.5, 8.0]));
    let channels = o["stream"]["l23"]["channels_responding"].as_u64().unwrap();
    let bank = o["positive_control"]["units_responding"][0].as_u64().unwrap();
    assert!(bank <= channels && bank + 2 >= channels, "bank {bank} for {channels} channels");
    let ks = o["power"]["stream"]["peak_spatial_frequency"]["smallest_detectable_ks"].as_f64().unwrap();
    assert!(ks > 0.0 && ks < 1.0, "{ks}");
    for key in ["mean", "uniform_null"] {
        assert!(o["score"][key].as_f64().unwrap().is_finite(), "{key}");
    }
}

#[test]
fn reads_built_aligned_to_the_earlier_writes_stand_out_from_the_rotation_null() {
    let (word, effect) = positive(Experiment::VirtualWeights, &outputs(Experiment::VirtualWeights));
    assert_eq!(word, Word::Supported, "{effect:?}");
    // The rule asks only for an interval above zero (its SESOI is a fraction of this very
    // effect), so the size is checked too: aligned reads sit far out on the rotation null.
    assert!(effect.mean > 3.0, "aligned reads only {effect:?} z above the hierarchy's");
}

#[test]
fn a_plain_network_frozen_at_initialisation_trains_worse_than_a_residual_one() {
    let (word, effect) = positive(Experiment::Degradation, &outputs(Experiment::Degradation));
    assert_eq!(word, Word::Supported, "{effect:?}");
    // A network that learns nothing stays near chance (90 % error on ten categories).
    assert!(effect.mean > 0.3, "frozen plain minus trained residual error {effect:?}");
}

/// RF's and SP's positive controls are paired against the trained hierarchy, as the plan
/// writes them, so their rule-level word also carries the real difference between the
/// wirings (on the shipped seeds at the quick size neither comes out supported: IT's layer 5
/// is near the floor of reliability in both wirings, and V1's rectified layer 5 is already
/// about as sparse as ten categories allow). What is tested here is that each builds the
/// property it names and that the same code finds it.
#[test]
fn unbound_it_cells_have_no_receptive_field_while_v1s_do() {
    let e = Experiment::ReceptiveFields;
    let out = experiments::run(e, &Models::untrained(1), 1, Size::Quick, &mut |_| true).unwrap();
    let unbound = out["positive_control"]["reliability"].as_f64().unwrap();
    let v1 = out["stream"]["V1"]["l5"]["reliability"].as_f64().unwrap();
    assert!(unbound.abs() < 0.1, "IT unbound from the input keeps a reliability of {unbound}");
    assert!(v1 > unbound + 0.2, "V1 {v1} against unbound IT {unbound}");
    assert_eq!(out["positive_control"]["units_responding"], 32);
}

#[test]
fn the_one_hot_code_makes_ten_grandmother_channels_the_same_code_finds() {
    use ndarray::Array2;
    use ventral_stream::experiments::sparseness::{measures, one_hot_it, single_units};
    use ventral_stream::layers::Maps;
    let mut rng = ventral_stream::rng::Rng::new(5);
    let (n, side, channels) = (200, 4, 32);
    let input = Maps { n, side, x: Array2::from_shape_fn((n * side * side, channels), |_| 0.3 * rng.normal()) };
    let cats: Vec<usize> = (0..n).map(|i| i % 10).collect();
    let it = one_hot_it(&input, &cats);
    let rectified = it.with(it.x.mapv(|v| v.max(0.0)));
    let units = |m: &Maps, keep: &dyn Fn(usize) -> bool| -> Vec<Vec<f32>> {
        (0..n)
            .map(|b| {
                single_units(m, b).into_iter().enumerate().filter(|(u, _)| keep(u % channels)).map(|(_, v)| v).collect()
            })
            .collect()
    };
    let coded = measures(&units(&rectified, &|c| c < 10), &cats);
    // One category of ten alone at most: 0.9 × n/(n − 1); the input left under the code takes a little off.
    assert!(coded.lifetime > 0.8, "{coded:?}");
    assert_eq!(coded.categories_per_unit, 1.0);
    // The other channels are the input as it was.
    let before = input.with(input.x.mapv(|v| v.max(0.0)));
    assert_eq!(units(&rectified, &|c| c >= 10), units(&before, &|c| c >= 10));
}
