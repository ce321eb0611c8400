//! Every claim judged on every variant (issue 24): a variant's pair is read from its own files
//! (STREAM-VARIANT, HIERARCHY-VARIANT), run trained and untrained, its stochastic-depth LE is
//! not judged, and `by_variant` gathers each variant's words beside the shipped file's.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use ventral_stream::experiments::results::{self, Plan, STOCHASTIC_DEPTH_LESION};
use ventral_stream::experiments::{self, Condition, Experiment, Failure, Models, Size};
use ventral_stream::model::{Model, Wiring, D};
use ventral_stream::retina::Retina;
use ventral_stream::variant::Variant;
use ventral_stream::weights;

/// A weights directory laid out like `weights/`, in a fresh temporary folder.
fn fresh_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ventral-stream-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn write_model(dir: &Path, name: &str, seed: u64, model: &Model) {
    let path = experiments::weights_file(dir, name, seed);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, weights::save(model, &[("trained", "no".into())], false)).unwrap();
}

/// Untrained stand-ins for a variant's pair and the shipped gated model, from seeds the
/// untrained condition never draws, so a run on them shows it read the files.
fn stand_ins(dir: &Path, variant: Variant, seeds: &[u64]) {
    for &s in seeds {
        for w in [Wiring::Stream, Wiring::Hierarchy] {
            let name = experiments::variant_model_name(w, variant);
            write_model(dir, &name, s, &Model::init_variant(w, 500 + s, D, variant));
        }
        write_model(dir, "gated", s, &Model::init(Wiring::Gated, 500 + s));
    }
}

#[test]
fn a_variant_reads_its_own_files_and_refuses_another_variants() {
    let dir = fresh_dir("variant-files");
    let prenorm = Variant::parse("prenorm").unwrap();
    stand_ins(&dir, prenorm, &[1]);
    let m = Models::of_variant(Condition::Trained, &dir, 1, prenorm).unwrap();
    assert_eq!(m.stream, Model::init_variant(Wiring::Stream, 501, D, prenorm), "the stream is the file's");
    assert_eq!(m.hierarchy, Model::init_variant(Wiring::Hierarchy, 501, D, prenorm));
    assert!(m.stream_edge_off.is_none() && m.hierarchy_edge_off.is_none());

    // Untrained: the variant's own initialisation of the seed, not the shipped one.
    let u = Models::of_variant(Condition::Untrained, &dir, 3, prenorm).unwrap();
    assert_eq!(u.stream, Model::init_variant(Wiring::Stream, 3, D, prenorm));
    assert_ne!(u.stream, Model::init(Wiring::Stream, 3));

    // A missing seed is named by its file; a file holding another variant is refused.
    let missing = Models::of_variant(Condition::Trained, &dir, 2, prenorm).err().expect("seed 2 has no files");
    let Failure::Missing(text) = missing else { panic!("{missing:?}") };
    assert!(text.contains("stream-prenorm"), "{text}");
    let layerscale = Variant::parse("layerscale").unwrap();
    write_model(&dir, "stream-layerscale", 1, &Model::init_variant(Wiring::Stream, 1, D, prenorm));
    write_model(&dir, "hierarchy-layerscale", 1, &Model::init_variant(Wiring::Hierarchy, 1, D, layerscale));
    let wrong = Models::of_variant(Condition::Trained, &dir, 1, layerscale).err().expect("the stream is prenorm");
    let Failure::Missing(text) = wrong else { panic!("{wrong:?}") };
    assert!(text.contains("prenorm variant"), "{text}");

    // A variant runs trained and untrained; the retina control only where its pair was trained.
    let missing = Models::of_variant(Condition::RetinaControl, &dir, 1, prenorm).err().expect("no retina files");
    let Failure::Missing(text) = missing else { panic!("{missing:?}") };
    assert!(text.contains("stream-retina-prenorm"), "{text}");
    assert!(!experiments::has_retina_control(&dir, prenorm, &[1]));
    assert!(Models::of_variant(Condition::NarrowD8, &dir, 1, prenorm).is_err(), "no narrow variant");
    assert_eq!(Plan::for_variant(vec![1], Size::Quick, prenorm).conditions, [Condition::Trained, Condition::Untrained]);
    assert_eq!(
        Plan::for_variant(vec![1], Size::Quick, prenorm).with_retina_control().conditions,
        [Condition::Trained, Condition::Untrained, Condition::RetinaControl, Condition::UntrainedRetina]
    );
    // The shipped variant too, in the comparison: every column in the same conditions.
    assert_eq!(
        Plan::for_variant(vec![1], Size::Quick, Variant::SHIPPED).conditions,
        [Condition::Trained, Condition::Untrained]
    );
    assert_eq!(Plan::new(vec![1], Size::Quick).conditions, Condition::ALL);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn each_variant_is_judged_from_its_own_run_and_gathered_by_variant() {
    let dir = fresh_dir("by-variant");
    // Two seeds: the words need not be decided, only carried (LE's exemption holds at any count).
    let seeds = vec![1, 2];
    let sd = Variant::parse("stochastic-depth").unwrap();
    let prenorm = Variant::parse("prenorm").unwrap();
    stand_ins(&dir, sd, &seeds);
    stand_ins(&dir, prenorm, &seeds);
    let run = |variant: Variant| -> Value {
        let plan =
            Plan { experiments: vec![Experiment::Lesion], ..Plan::for_variant(seeds.clone(), Size::Quick, variant) };
        let load = |c, s| Models::of_variant(c, &dir, s, variant);
        let outputs = results::run_all(&plan, &load, 2, None, &|_| {}).unwrap();
        results::results(&plan, &outputs)
    };
    let (with_sd, with_prenorm) = (run(sd), run(prenorm));
    assert_eq!(with_sd["variant"], "stochastic-depth");
    assert_eq!(with_sd["verdicts"]["LE"]["word"], "not judged", "its bypass retention is trained for");
    assert_eq!(with_sd["verdicts"]["LE"]["reason"], STOCHASTIC_DEPTH_LESION);
    assert_ne!(with_prenorm["verdicts"]["LE"]["reason"], STOCHASTIC_DEPTH_LESION, "only stochastic depth is exempt");

    // The shipped file's own verdicts stand for the shipped variant; a variant without a file is
    // listed with its usage but has no words.
    let shipped = json!({ "variant": "shipped", "seeds": [1], "verdicts": { "LE": { "word": "inconclusive", "paired": { "mean": 0.1 }, "positive_control": { "word": "supported" }, "reason": "" } } });
    let twins = json!({ "prenorm": { "bypass_retention": { "mean": 0.3, "ci": [0.2, 0.4], "per_seed": [0.2, 0.4] } } });
    let columns = json!({ "columns": { "stream": { "mean": 0.9 }, "hierarchy": { "mean": 0.5 } } });
    let usage = json!({ "variants": ["shipped", "prenorm", "stochastic-depth", "layerscale"], "usage": { "shipped": { "meets": 1 } }, "hierarchy_twins": twins, "column_retention": columns, "primary": "prenorm" });
    let files = vec![
        ("shipped".to_string(), shipped),
        ("prenorm".to_string(), with_prenorm.clone()),
        ("stochastic-depth".to_string(), with_sd),
    ];
    let keys = results::by_variant(&usage, &files).unwrap();
    assert_eq!(keys["primary"], "prenorm");
    assert_eq!(keys["variants"], usage["variants"]);
    assert_eq!(keys["usage"], usage["usage"]);
    assert_eq!(keys["hierarchy_twins"], twins);
    assert_eq!(keys["column_retention"], columns);
    assert_eq!(keys["seeds_by_variant"]["prenorm"], json!(seeds));
    let words = &keys["by_variant"];
    assert_eq!(words["shipped"]["LE"]["word"], "inconclusive");
    assert_eq!(words["shipped"]["LE"]["positive_control"], "supported");
    assert_eq!(words["stochastic-depth"]["LE"]["word"], "not judged");
    assert_eq!(words["prenorm"]["LE"]["word"], with_prenorm["verdicts"]["LE"]["word"]);
    assert_eq!(words["prenorm"]["LE"]["paired"], with_prenorm["verdicts"]["LE"]["paired"]);
    assert!(words.get("layerscale").is_none());

    // A file given under another variant's name is refused.
    let swapped = vec![("layerscale".to_string(), with_prenorm)];
    assert!(results::by_variant(&usage, &swapped).unwrap_err().contains("prenorm"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Untrained stand-ins for a variant's retina control, on the centre–surround LGN.
fn retina_stand_ins(dir: &Path, variant: Variant, seeds: &[u64]) {
    for &s in seeds {
        for w in [Wiring::Stream, Wiring::Hierarchy] {
            let model = Model { retina: Retina::CentreSurround, ..Model::init_variant(w, 700 + s, D, variant) };
            write_model(dir, &experiments::retina_model_name(w, variant), s, &model);
        }
    }
}

#[test]
fn a_variant_with_a_retina_control_reads_it_and_judges_p1_there() {
    let dir = fresh_dir("variant-retina");
    let v = Variant::parse("prenorm+stochastic-depth").unwrap();
    let seeds = vec![1, 2];
    stand_ins(&dir, v, &seeds);
    assert_eq!(experiments::retina_model_name(Wiring::Stream, v), "stream-retina-prenorm+stochastic-depth");
    assert_eq!(experiments::retina_model_name(Wiring::Hierarchy, Variant::SHIPPED), "hierarchy-retina");
    retina_stand_ins(&dir, v, &[1]);
    assert!(!experiments::has_retina_control(&dir, v, &seeds), "seed 2 has none");
    retina_stand_ins(&dir, v, &[2]);
    assert!(experiments::has_retina_control(&dir, v, &seeds));

    // The files' models, on the centre–surround LGN; untrained, the variant's own initialisation.
    let m = Models::of_variant(Condition::RetinaControl, &dir, 2, v).unwrap();
    let expected = Model { retina: Retina::CentreSurround, ..Model::init_variant(Wiring::Stream, 702, D, v) };
    assert_eq!(m.stream, expected);
    assert_eq!(m.hierarchy.retina, Retina::CentreSurround);
    let u = Models::of_variant(Condition::UntrainedRetina, &dir, 2, v).unwrap();
    assert_eq!(u.stream, Model { retina: Retina::CentreSurround, ..Model::init_variant(Wiring::Stream, 2, D, v) });
    // A retina-control file trained on the full LGN is refused.
    write_model(&dir, "hierarchy-retina-prenorm+stochastic-depth", 1, &Model::init_variant(Wiring::Hierarchy, 1, D, v));
    let wrong = Models::of_variant(Condition::RetinaControl, &dir, 1, v).err().expect("full retina");
    let Failure::Missing(text) = wrong else { panic!("{wrong:?}") };
    assert!(text.contains("retina"), "{text}");
    retina_stand_ins(&dir, v, &[1]);

    // With the retina control P1 reads its positive control and is judged; without, it is not.
    let plan = Plan {
        experiments: vec![Experiment::EdgeProbe],
        ..Plan::for_variant(seeds.clone(), Size::Quick, v).with_retina_control()
    };
    let load = |c, s| Models::of_variant(c, &dir, s, v);
    let outputs = results::run_all(&plan, &load, 2, None, &|_| {}).unwrap();
    let with = results::results(&plan, &outputs);
    let without_plan = Plan { conditions: vec![Condition::Trained, Condition::Untrained], ..plan.clone() };
    let kept = outputs.into_iter().filter(|((c, _), _)| without_plan.conditions.contains(c)).collect();
    let without = results::results(&without_plan, &kept);
    let measure = with["verdicts"]["P1"]["measure"].as_str().unwrap();
    assert!(measure.starts_with("retina control (centre–surround LGN)"), "{measure}");
    assert!(with["verdicts"]["P1"]["positive_control"].is_object(), "{}", with["verdicts"]["P1"]);
    assert!(without["verdicts"]["P1"]["positive_control"].is_null(), "{}", without["verdicts"]["P1"]);
    assert_eq!(without["verdicts"]["P1"]["word"], "not judged");
    let _ = std::fs::remove_dir_all(&dir);
}
