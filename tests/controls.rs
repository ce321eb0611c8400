//! The controls of LE, P2, P3 and VW (issue 11): each experiment runs on the
//! untrained models (initialised, never trained) and on the retina control
//! at the quick size, and its claim is judged from per-seed outputs.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use ventral_stream::experiments::verdict::{judge_planned, Claim, Positive, Runs, Word};
use ventral_stream::experiments::{self, deletion, lesion, variability, virtual_weights, Experiment, Models, Size};
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

fn run(experiment: Experiment, models: &Models, seed: u64) -> Value {
    experiments::run(experiment, models, seed, Size::Quick, &mut |_| true)
        .unwrap_or_else(|e| panic!("{}: {e}", experiment.name()))
}

/// Each experiment's claim, stated from its output on untrained seed 1 (as
/// trained and as control alike, repeated for three seeds: only the
/// plumbing and the verdict's inputs are checked; the machine is shared, so
/// one run each).
fn claim_on_untrained(experiment: Experiment, claim: fn(&Runs) -> Claim) -> Claim {
    let seeds = [1, 2, 3];
    let outputs = vec![run(experiment, &untrained(1, Retina::Full), 1); 3];
    let c = claim(&Runs { seeds: &seeds, trained: &outputs, untrained: &outputs, retina: &[] });
    assert_eq!(c.effect.len(), 3);
    assert_eq!(c.null.len(), 3);
    assert!(c.effect.iter().chain(&c.null).all(|v| v.is_finite()), "{c:?}");
    assert!(c.control.is_some());
    // No positive control was run here: the plan leaves the claim unjudged, whatever its numbers.
    assert_eq!(c.to_json(None)["word"], Word::NotJudged.name());
    c
}

#[test]
fn every_experiment_here_runs_on_the_retina_control() {
    let models = untrained(4, Retina::CentreSurround);
    for e in [Experiment::Lesion, Experiment::Variability, Experiment::Deletion, Experiment::VirtualWeights] {
        assert!(run(e, &models, 4).is_object(), "{}", e.name());
    }
}

#[test]
fn an_untrained_model_of_random_matrices_sits_on_the_rotation_null() {
    // Initial weights are Gaussian, hence rotation-invariant: their virtual weights are draws of
    // the rotation null, so the untrained stream must not reach the claim's margin either way.
    let c = claim_on_untrained(Experiment::VirtualWeights, virtual_weights::claim);
    for z in &c.effect {
        assert!(z.abs() < c.margin, "untrained mean skip z {z}");
    }
    assert_ne!(judge_planned(&c, Some(&Positive::steady(2.0, 3))).word, Word::Supported);
}

#[test]
fn an_untrained_model_loses_nothing_to_lesions_it_could_not_use() {
    // At chance intact, neither wiring has accuracy to lose: the paired difference is about 0.
    let c = claim_on_untrained(Experiment::Lesion, lesion::claim);
    for d in &c.effect {
        assert!(d.abs() < 0.1, "untrained paired loss difference {d}");
    }
}

#[test]
fn variability_and_deletion_state_their_claims_on_untrained_seeds() {
    let p2 = claim_on_untrained(Experiment::Variability, variability::claim);
    assert_eq!(p2.id, "P2");
    let p3 = claim_on_untrained(Experiment::Deletion, deletion::claim);
    assert_eq!(p3.id, "P3");
}
