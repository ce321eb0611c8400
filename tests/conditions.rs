//! The runner over seeds and conditions (issue 11), on models that need no files: every
//! experiment runs on untrained models and on an untrained retina control; the results do not
//! depend on the number of threads; kept runs are read back.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::path::Path;
use ventral_stream::experiments::results::{self, Done, Plan};
use ventral_stream::experiments::{Condition, Experiment, Failure, Models, Size};
use ventral_stream::retina::Retina;

/// Untrained models for every condition; the retina control's see only the centre–surround channels.
fn untrained(c: Condition, seed: u64) -> Result<Models, Failure> {
    let models = Models::untrained(seed);
    Ok(match c {
        Condition::RetinaControl => models.with_retina(Retina::CentreSurround),
        _ => models,
    })
}

fn run(plan: &Plan, jobs: usize, reuse: Option<&Path>) -> (results::Outputs, Vec<(Condition, Experiment, u64, bool)>) {
    let done = std::sync::Mutex::new(Vec::new());
    let report = |d: &Done| done.lock().unwrap().push((d.condition, d.experiment, d.seed, d.reused));
    let out = results::run_all(plan, &untrained, jobs, reuse, &report).unwrap();
    (out, done.into_inner().unwrap())
}

#[test]
fn every_experiment_runs_untrained_and_on_the_retina_control_at_quick_size() {
    let plan = Plan {
        seeds: vec![2],
        size: Size::Quick,
        conditions: vec![Condition::Untrained, Condition::RetinaControl],
        experiments: Experiment::ALL.to_vec(),
    };
    let (outputs, done) = run(&plan, 2, None);
    assert_eq!(done.len(), 9 + 3);
    for (&(c, e), runs) in &outputs {
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0]["experiment"], e.name(), "{} {}", c.name(), e.name());
        assert_eq!(runs[0]["seed"], 2);
    }
    // The retina control really saw no edge cells: its LGN ceiling is below the full retina's.
    let ceiling = |c: Condition| outputs[&(c, Experiment::EdgeProbe)][0]["ceiling"]["stream"]["lgn"].as_f64().unwrap();
    assert!(
        ceiling(Condition::RetinaControl) < ceiling(Condition::Untrained),
        "centre-surround LGN {} vs full {}",
        ceiling(Condition::RetinaControl),
        ceiling(Condition::Untrained)
    );

    let whole = results::results(&plan, &outputs);
    assert_eq!(whole["seeds"], serde_json::json!([2]));
    // With no trained runs there is no entry and no verdict: controls alone state nothing.
    assert!(whole["experiments"].as_object().unwrap().is_empty());
    assert!(whole["verdicts"].as_object().unwrap().is_empty());
}

#[test]
fn the_results_do_not_depend_on_the_number_of_threads() {
    let plan = Plan {
        seeds: vec![1, 2, 3],
        size: Size::Quick,
        conditions: vec![Condition::Trained, Condition::Untrained],
        experiments: vec![Experiment::EdgeProbe],
    };
    // Untrained models stand in for the trained ones here: what matters is the runner.
    let (one, _) = run(&plan, 1, None);
    let (three, _) = run(&plan, 3, None);
    let (a, b) = (results::results(&plan, &one), results::results(&plan, &three));
    assert_eq!(a, b);
    // The file has what the page reads: seed 1's run as the example, estimates over the three
    // seeds, the paired difference, the untrained control and P1's verdict.
    let ep = &a["experiments"]["edge-probe"];
    assert_eq!(ep["example"], one[&(Condition::Trained, Experiment::EdgeProbe)][0]);
    assert_eq!(ep["summary"]["stream"]["IT"]["l5"]["per_seed"].as_array().unwrap().len(), 3);
    assert!(ep["stream_minus_hierarchy"]["v1_decoder"]["later_l5"]["ci"].is_array());
    assert!(ep["untrained"]["summary"]["ceiling"]["stream"]["s0"]["mean"].is_number());
    assert!(ep.get("retina_control").is_none());
    assert_eq!(ep["claim"], "P1");
    let p1 = &a["verdicts"]["P1"];
    assert!(["supported", "built in", "not supported", "inconclusive"].contains(&p1["word"].as_str().unwrap()));
    assert_eq!(p1["excess"]["per_seed"].as_array().unwrap().len(), 3);
    let judged: Vec<&String> = a["verdicts"].as_object().unwrap().keys().collect();
    assert_eq!(judged, ["P1"], "a verdict only for the experiments that ran");
}

#[test]
fn kept_runs_are_read_back_instead_of_run_again() {
    let dir = std::env::temp_dir().join(format!("ventral-stream-reuse-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let plan = Plan {
        seeds: vec![1, 2],
        size: Size::Quick,
        conditions: vec![Condition::Untrained],
        experiments: vec![Experiment::Lesion],
    };
    let (first, done) = run(&plan, 2, Some(&dir));
    assert!(done.iter().all(|d| !d.3));
    // Mark one kept file: if it is read back, the mark shows in the output.
    let path = results::reuse_path(&dir, Condition::Untrained, Experiment::Lesion, 2);
    let mut kept: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(kept, first[&(Condition::Untrained, Experiment::Lesion)][1]);
    kept["mark"] = "kept".into();
    std::fs::write(&path, kept.to_string()).unwrap();
    let (second, done) = run(&plan, 2, Some(&dir));
    assert!(done.iter().all(|d| d.3), "{done:?}");
    assert_eq!(second[&(Condition::Untrained, Experiment::Lesion)][1]["mark"], "kept");
    // A kept run of another size is not this run's: it runs again.
    let full = Plan { size: Size::Full, ..plan.clone() };
    std::fs::write(&path, first[&(Condition::Untrained, Experiment::Lesion)][1].to_string().replace("quick", "full"))
        .unwrap();
    let (_, done) = run(&Plan { seeds: vec![2], ..full }, 1, Some(&dir));
    assert!(done[0].3, "a kept full-size run is reused by a full-size plan");
    let (_, done) = run(&Plan { seeds: vec![2], ..plan }, 1, Some(&dir));
    assert!(!done[0].3, "a kept full-size run is not reused by a quick plan");
    let _ = std::fs::remove_dir_all(&dir);
}
