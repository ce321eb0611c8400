//! The controls of LE, P2, P3 and VW (issue 11): each experiment runs on the
//! untrained models (initialised, never trained) and on the retina control
//! at the quick size, and its claim is judged from per-seed outputs.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};
use ventral_stream::experiments::verdict::{judge_planned, Claim, Positive, Runs, Word};
use ventral_stream::experiments::{self, claim, Experiment, Models, Size};
use ventral_stream::model::{Model, Wiring};
use ventral_stream::retina::Retina;

/// Both wirings initialised from `seed` and never trained (the retina as given).
fn untrained(seed: u64, retina: Retina) -> Models {
    let mut m = Models::shipped();
    for (model, wiring) in [(&mut m.stream, Wiring::Stream), (&mut m.hierarchy, Wiring::Hierarchy)] {
        *model = Model::init(wiring, seed);
        model.retina = retina;
    }
    m
}

/// An experiment's output on the untrained models of `seed` seeing `retina`, run once for all
/// the tests here (they share the machine).
fn run(experiment: Experiment, seed: u64, retina: Retina) -> Value {
    type Key = (Experiment, u64, bool);
    static RUNS: OnceLock<Mutex<HashMap<Key, Arc<OnceLock<Value>>>>> = OnceLock::new();
    let key = (experiment, seed, retina == Retina::CentreSurround);
    let cell = RUNS.get_or_init(Default::default).lock().unwrap().entry(key).or_default().clone();
    cell.get_or_init(|| {
        experiments::run(experiment, &untrained(seed, retina), seed, Size::Quick, &mut |_| true)
            .unwrap_or_else(|e| panic!("{}: {e}", experiment.name()))
    })
    .clone()
}

/// Each experiment's claim, stated from its outputs on untrained seeds 1, 2 and 3 (as trained
/// and as control alike: only the plumbing and the verdict's inputs are checked).
fn claim_on_untrained(experiment: Experiment) -> Claim {
    let seeds = [1, 2, 3];
    let outputs: Vec<Value> = seeds.iter().map(|&s| run(experiment, s, Retina::Full)).collect();
    let c = claim(
        experiment,
        &Runs { seeds: &seeds, trained: &outputs, untrained: &outputs, retina: &[], untrained_retina: &[] },
    );
    assert_eq!(c.effect.len(), 3);
    assert_eq!(c.null.len(), 3);
    assert!(c.effect.iter().chain(&c.null).all(|v| v.is_finite()), "{c:?}");
    assert!(c.control.is_some());
    // The results file carries the verdict's own numbers: effect − null at every seed.
    let j = c.to_json(None);
    let excess: Vec<f64> = j["excess"]["per_seed"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    let want: Vec<f64> = c.effect.iter().zip(&c.null).map(|(e, n)| e - n).collect();
    assert_eq!(excess, want, "{}", experiment.name());
    // No positive control was run here: the plan leaves the claim unjudged, whatever its numbers.
    assert_eq!(j["word"], Word::NotJudged.name());
    c
}

/// What a run measured, without the fields that name the run.
fn measured(mut v: Value) -> Value {
    for key in ["experiment", "seed", "size"] {
        v.as_object_mut().unwrap().remove(key);
    }
    v
}

#[test]
fn every_experiment_here_runs_on_the_retina_it_is_given() {
    for e in [Experiment::Lesion, Experiment::Variability, Experiment::Deletion, Experiment::VirtualWeights] {
        let full = run(e, 1, Retina::Full);
        let centre_surround = run(e, 1, Retina::CentreSurround);
        assert_ne!(
            measured(full),
            measured(centre_surround),
            "{}: the retina control measured the full retina",
            e.name()
        );
    }
}

#[test]
fn an_untrained_model_of_random_matrices_sits_on_the_rotation_null() {
    // Initial weights are Gaussian, hence rotation-invariant: their virtual weights are draws of
    // the rotation null, so the untrained stream must stay within z = 2 of it either way.
    let c = claim_on_untrained(Experiment::VirtualWeights);
    for z in &c.effect {
        assert!(z.abs() < 2.0, "untrained mean skip z {z}");
    }
    assert_ne!(judge_planned(&c, Some(&Positive::steady(2.0, 3))).word, Word::Supported);
}

#[test]
fn an_untrained_model_loses_nothing_to_lesions_it_could_not_use() {
    // At chance intact, neither wiring has accuracy to lose to a bypass.
    claim_on_untrained(Experiment::Lesion);
    for seed in [1, 2, 3] {
        let v = run(Experiment::Lesion, seed, Retina::Full);
        for w in ["stream", "hierarchy"] {
            let loss = v[w]["none"].as_f64().unwrap() - v[w]["bypass"]["mean_one_removed"].as_f64().unwrap();
            assert!(loss.abs() < 0.1, "untrained {w} at seed {seed} loses {loss}");
        }
    }
}

#[test]
fn variability_and_deletion_state_their_claims_on_untrained_seeds() {
    for e in [Experiment::Variability, Experiment::Deletion] {
        assert_eq!(claim_on_untrained(e).id, e.claim_id(), "{}", e.name());
    }
}

/// Every claim carries its own registry row's id, and no two rows share one: the page finds a
/// verdict by it.
#[test]
fn every_claim_is_stated_under_its_rows_id() {
    let seeds = [1, 2, 3];
    let outputs: Vec<(Experiment, Value)> = ventral_stream::experiments::Experiment::ALL
        .iter()
        .map(|&e| (e, serde_json::from_str(&example(e)).unwrap()))
        .collect();
    let mut ids = BTreeSet::new();
    for (e, out) in outputs {
        let runs = vec![out; 3];
        let c = claim(e, &Runs { seeds: &seeds, trained: &runs, untrained: &runs, retina: &[], untrained_retina: &[] });
        assert_eq!(c.id, e.claim_id(), "{}'s claim", e.name());
        assert!(ids.insert(c.id), "two experiments claim {}", c.id);
    }
}

/// Seed 1's output of an experiment in the shipped results (what the page draws).
fn example(e: Experiment) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("www/data/results/{}.json", e.name()));
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    file["example"].to_string()
}
