//! The runner over seeds and conditions (issue 11), on models that need no files: every
//! experiment runs on untrained models and on an untrained retina control; the results do not
//! depend on the number of threads; kept runs are read back.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::path::Path;
use ventral_stream::experiments::results::{self, Done, Plan};
use ventral_stream::experiments::{self, deletion, Condition, Experiment, Failure, Measure, Models, Size};
use ventral_stream::model::{Model, Wiring};
use ventral_stream::variant::Variant;
use ventral_stream::weights;

/// Untrained models for every condition; the retina controls' see only the centre–surround channels.
fn untrained(c: Condition, seed: u64) -> Result<Models, Failure> {
    Ok(Models::untrained_with(seed, c.width()).with_retina(c.retina()))
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
        shard: None,
        variant: Variant::SHIPPED,
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
        shard: None,
        variant: Variant::SHIPPED,
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
    // No positive control in these runs: the preregistration leaves P1 unjudged, with its numbers.
    assert_eq!(p1["word"], "not judged");
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
        shard: None,
        variant: Variant::SHIPPED,
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

/// Writes `model` as seed `seed` of `name` in a weights directory laid out like `weights/`.
fn write_model(dir: &Path, name: &str, seed: u64, model: &Model) {
    let path = experiments::weights_file(dir, name, seed);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, weights::save(model, &[("trained", "no".into())], false)).unwrap();
}

#[test]
fn the_narrow_and_edge_off_pairs_run_deletion_from_their_files_and_a_missing_width_is_left_out() {
    let dir = std::env::temp_dir().join(format!("ventral-stream-narrow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let seeds = vec![1, 2, 3];
    // Untrained stand-ins, from seeds no condition draws itself, so a run on them shows it read
    // the files: the shipped models (the main verdict, beside which the others sit), an 8-wide
    // pair and an edge-off pair, and no 16-wide pair at all.
    for &s in &seeds {
        for wiring in [Wiring::Stream, Wiring::Hierarchy, Wiring::Gated] {
            write_model(&dir, wiring.name(), s, &Model::init(wiring, 300 + s));
        }
        write_model(&dir, "stream-d8", s, &Model::init_with(Wiring::Stream, 100 + s, 8));
        write_model(&dir, "hierarchy-d8", s, &Model::init_with(Wiring::Hierarchy, 100 + s, 8));
        write_model(&dir, "stream-edge-off", s, &Model::init(Wiring::Stream, 200 + s));
        write_model(&dir, "hierarchy-edge-off", s, &Model::init(Wiring::Hierarchy, 200 + s));
    }
    // Every condition deletion asks for; the files above hold all but the 16-wide pair.
    let asked = <deletion::Deletion as Measure>::CONDITIONS;
    let (kept, left_out) = experiments::available_conditions(&dir, asked, &seeds);
    let expected =
        [Condition::Trained, Condition::Untrained, Condition::NarrowD8, Condition::EdgeOff, Condition::UntrainedD8];
    assert_eq!(kept, expected);
    let left: Vec<Condition> = left_out.iter().map(|(c, _)| *c).collect();
    assert_eq!(left, [Condition::NarrowD16, Condition::UntrainedD16], "a control goes with its pair");
    let missing = &left_out[0].1;
    assert_eq!(missing.len(), 2 * seeds.len(), "{missing:?}");
    assert!(missing.contains(&experiments::weights_file(&dir, "hierarchy-d16", 3)), "{missing:?}");

    // Deletion alone: the only experiment these conditions run (the untrained one's others are run above).
    let plan = Plan {
        seeds: seeds.clone(),
        size: Size::Quick,
        conditions: kept,
        experiments: vec![Experiment::Deletion],
        shard: None,
        variant: Variant::SHIPPED,
    };
    let done = std::sync::Mutex::new(Vec::new());
    let report = |d: &Done| done.lock().unwrap().push((d.condition, d.experiment));
    let load = |c, s| Models::of(c, &dir, s);
    let outputs = results::run_all(&plan, &load, 2, None, &report).unwrap();
    let done = done.into_inner().unwrap();
    for c in expected {
        assert_eq!(done.iter().filter(|d| d.0 == c).count(), seeds.len(), "{} {done:?}", c.name());
    }
    let first = |c: Condition| &outputs[&(c, Experiment::Deletion)][0];
    // Each pair at its own width, with that width's chance rate of a deleting cosine.
    for (c, d) in [(Condition::NarrowD8, 8), (Condition::UntrainedD8, 8), (Condition::EdgeOff, 32)] {
        assert_eq!(first(c)["stream_width"], d, "{}", c.name());
        let chance = first(c)["cosine_chance_below_minus_half"].as_f64().unwrap();
        assert_eq!(chance, deletion::chance_cosine_below(deletion::DELETING_COSINE, d), "{}", c.name());
    }
    // The narrow condition ran on the files' models, not on ones it made itself.
    let from_file = Models::untrained_with(101, 8);
    let again = experiments::run(Experiment::Deletion, &from_file, 1, Size::Quick, &mut |_| true).unwrap();
    assert_eq!(first(Condition::NarrowD8)["stream"], again["stream"]);
    assert_ne!(first(Condition::UntrainedD8)["stream"], again["stream"]);

    // Each condition's verdict beside P3's main one, judged on its three seeds.
    let whole = results::results(&plan, &outputs);
    let conditions = whole["verdicts"]["P3"]["conditions"].as_object().unwrap();
    let names: Vec<&str> = conditions.keys().map(|k| k.as_str()).collect();
    assert_eq!(names, ["edge_off", "narrow_d8"]);
    for v in conditions.values() {
        // Each condition's deletion run measures its own positive control (writes built to
        // cancel half the thalamic directions), and the word follows from it by the rule.
        let control = v["positive_control"]["word"].as_str().expect("each condition's positive control ran");
        if control == "supported" {
            assert_ne!(v["word"], "not judged", "{v}");
        } else {
            assert_eq!(v["word"], "not judged", "{v}");
        }
        assert_eq!(v["excess"]["per_seed"].as_array().unwrap().len(), 3);
        assert!(v["untrained"]["mean"].is_number(), "judged against its untrained control");
    }
    assert!(whole["experiments"]["deletion"]["narrow_d8"]["summary"]["stream"]["stream_width"]["mean"] == 8.0);

    // A file of the wrong width is refused by name rather than read as the narrow stream.
    write_model(&dir, "stream-d8", 2, &Model::init_with(Wiring::Stream, 102, 16));
    let err = Models::of(Condition::NarrowD8, &dir, 2).err().unwrap().to_string();
    assert!(err.contains("stream-d8") && err.contains("16 wide, not 8"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
