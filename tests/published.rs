//! The published macaque V1 data and the rules that compare the model with
//! them (issue 11): the KS-style similarity, the data files, single-unit
//! sparseness, and the claims built from made-up runs.

use serde_json::json;
use ventral_stream::experiments::preregistration::plan;
use ventral_stream::experiments::sparseness::{measures, single_units};
use ventral_stream::experiments::tuning::{ks_similarity, Published};
use ventral_stream::experiments::verdict::{judge, judge_planned, Claim, Positive, Runs, Word};
use ventral_stream::experiments::{claim, Experiment};
use ventral_stream::layers::Maps;

#[test]
fn ks_similarity_is_one_for_identical_and_zero_for_disjoint_distributions() {
    let q = [0.1, 0.4, 0.3, 0.2];
    assert!((ks_similarity(&q, &q) - 1.0).abs() < 1e-12);
    // All mass at the far end from a published distribution at the near end.
    assert!(ks_similarity(&[0.0, 0.0, 0.0, 1.0], &[1.0, 0.0, 0.0, 0.0]).abs() < 1e-12);
    // Disjoint but not at the extremes: still as unlike as possible.
    assert!(ks_similarity(&[0.0, 0.0, 1.0, 0.0], &[0.0, 1.0, 0.0, 0.0]).abs() < 1e-12);
    // Half the mass moved one bin: in between, and closer than moving all of it.
    let half = ks_similarity(&[0.5, 0.5, 0.0, 0.0], &[1.0, 0.0, 0.0, 0.0]);
    let all = ks_similarity(&[0.0, 1.0, 0.0, 0.0], &[1.0, 0.0, 0.0, 0.0]);
    assert!(half > all && half > 0.0 && half < 1.0, "half {half}, all {all}");
}

#[test]
fn model_values_are_binned_on_the_published_bins_and_clipped_at_their_ends() {
    let p = Published::parse(
        r#"{"property": "x", "unit": "u", "bins": [0, 1, 2, 3], "counts": [1, 2, 1],
            "citation": "Someone (2000)", "source": "made up"}"#,
    )
    .unwrap();
    // −5 counts in the first bin, 9 in the last, 3 (the last edge) in the last.
    assert_eq!(p.histogram(&[-5.0, 0.5, 1.5, 9.0, 3.0]), vec![0.4, 0.2, 0.4]);
    // Values drawn in the published proportions are identical to it.
    assert!((p.similarity(&[0.5, 1.2, 1.7, 2.5]) - 1.0).abs() < 1e-12);
    assert!(Published::parse(
        r#"{"property": "x", "unit": "u", "bins": [0, 1], "counts": [1, 2],
            "citation": "c", "source": "s"}"#
    )
    .is_err());
}

#[test]
fn every_data_file_parses_carries_a_citation_and_is_compiled_in() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/v1");
    let mut files = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let p = Published::parse(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        assert!(p.citation.contains("19") || p.citation.contains("20"), "{path:?}: citation without a year");
        assert!(p.citation.len() > 40 && p.source.len() > 40, "{path:?}: citation or source too thin");
        assert!(p.counts.iter().sum::<f64>() > 0.0 && p.counts.iter().all(|&c| c >= 0.0));
        // Files that split the counts into groups must add up to them.
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        if let Some(groups) = v["groups"].as_object() {
            let sums: Vec<f64> =
                (0..p.counts.len()).map(|i| groups.values().map(|g| g[i].as_f64().unwrap()).sum()).collect();
            assert_eq!(sums, p.counts, "{path:?}: groups do not add up to counts");
        }
    }
    assert!(files >= 2);
    assert_eq!(Published::all().len(), files, "every data/v1 file is compiled into the tuning experiment");
}

#[test]
fn a_single_unit_is_one_channel_at_one_position_not_a_map_average() {
    // One active pixel in a 32×32 map: a single unit at (20, 20) sees all of
    // it; a channel averaged over the map would see 1/1024.
    let mut m = Maps::zeros(1, 32, 2);
    m.x[[20 * 32 + 20, 1]] = 1.0;
    let u = single_units(&m, 0);
    assert_eq!(u.len(), 4 * 4 * 2);
    assert_eq!(u.iter().filter(|&&v| v == 1.0).count(), 1);
    assert_eq!(u.iter().sum::<f32>(), 1.0);
}

#[test]
fn sparseness_of_made_up_populations_is_what_they_were_made_with() {
    // Ten stimuli of ten categories; each of ten units answers to one stimulus only.
    let cats: Vec<usize> = (0..10).collect();
    let one_hot: Vec<Vec<f32>> = (0..10).map(|s| (0..10).map(|u| if u == s { 2.0 } else { 0.0 }).collect()).collect();
    let v = measures(&one_hot, &cats);
    assert!((v.lifetime - 1.0).abs() < 1e-6);
    assert!((v.population - 1.0).abs() < 1e-6);
    assert_eq!(v.categories_per_unit, 1.0);
    assert_eq!(v.single_category_units, 10);
    // Every unit answers equally to everything: dense, every category drives it.
    let flat = vec![vec![1.0f32; 10]; 10];
    let v = measures(&flat, &cats);
    assert!(v.lifetime.abs() < 1e-6 && v.population.abs() < 1e-6);
    assert_eq!(v.categories_per_unit, 10.0);
    // Each unit answers to half the stimuli: S = (1 − (½)²/½)/(1 − 1/10) = 5/9.
    let half: Vec<Vec<f32>> = (0..10).map(|s| vec![if s % 2 == 0 { 1.0 } else { 0.0 }; 4]).collect();
    assert!((measures(&half, &cats).lifetime - 5.0 / 9.0).abs() < 1e-5);
    // A unit that never responds is left out rather than counted as dense.
    let mut silent = one_hot.clone();
    silent.iter_mut().for_each(|s| s.push(0.0));
    let v = measures(&silent, &cats);
    assert_eq!(v.units, 11);
    assert!((v.lifetime - 1.0).abs() < 1e-6);
}

fn runs<'a>(
    seeds: &'a [u64],
    trained: &'a [serde_json::Value],
    untrained: &'a [serde_json::Value],
) -> Runs<'a, serde_json::Value> {
    Runs { seeds, trained, untrained, retina: &[], untrained_retina: &[] }
}

#[test]
fn the_degradation_claim_compares_plain_and_residual_at_the_deepest_depth() {
    let seeds = [1, 2, 3, 4, 5];
    // A whole output, as the claim reads it through degradation's Output type.
    let out = |gap: f64| {
        json!({
            "depths": [1, 16], "steps": 600, "batch": 32, "width": 16, "training_images": 1024,
            "normalisation": "per-channel", "plain_frozen_at_init": {"depth": 16, "error": 0.9},
            "plain": {"1": 0.2, "16": 0.3 + gap}, "residual": {"1": 0.2, "16": 0.3},
            "loss_curves_every_10_steps": {},
        })
    };
    let degraded: Vec<_> = [0.2, 0.25, 0.22, 0.18, 0.21].iter().map(|&g| out(g)).collect();
    let c = claim(Experiment::Degradation, &runs(&seeds, &degraded, &[]));
    assert!(c.measure.contains("16"));
    // Against a positive control of 0.5 (a plain network that learns nothing), the SESOI is 0.05.
    let planned = |c: &Claim| judge_planned(c, Some(&Positive::steady(0.5, 5))).word;
    assert_eq!(planned(&c), Word::Supported);
    let same: Vec<_> = [0.001, -0.002, 0.0, 0.002, -0.001].iter().map(|&g| out(g)).collect();
    assert_eq!(planned(&claim(Experiment::Degradation, &runs(&seeds, &same, &[]))), Word::Absent);
}

#[test]
fn gating_that_the_untrained_model_shares_is_built_in() {
    let seeds = [1, 2, 3];
    // A whole output, as the claim reads it through gating's Output type: the shipped one with
    // its stations' mean kernels used set to k, k + 0.1, k, k + 0.1 (mean k + 0.05).
    let shipped: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("www/data/results/gating.json").unwrap()).unwrap();
    let out = |k: f64| {
        let mut o = shipped["example"].clone();
        for (i, s) in o["stations"].as_array_mut().unwrap().iter_mut().enumerate() {
            s["mean_kernels_used"] = json!(k + 0.1 * (i % 2) as f64);
        }
        o
    };
    let trained: Vec<_> = [1.8, 1.85, 1.9].iter().map(|&k| out(k)).collect();
    // The plan does not judge GA while its gates are fixed ...
    let positive = Positive::steady(0.5, 3);
    assert_eq!(
        judge_planned(&claim(Experiment::Gating, &runs(&seeds, &trained, &trained)), Some(&positive)).word,
        Word::NotJudged
    );
    // ... and were it judged, fixed gates would make the untrained model select exactly alike.
    let learned =
        ventral_stream::experiments::preregistration::ClaimPlan { not_judged: None, ..plan().claim("GA").clone() };
    let word = |c: &Claim| judge(c, &learned, plan().positive_control_recovery, Some(&positive)).word;
    assert_eq!(word(&claim(Experiment::Gating, &runs(&seeds, &trained, &trained))), Word::BuiltIn);
    let one_kernel: Vec<_> = [1.0, 1.0, 1.0].iter().map(|&k| out(k - 0.05)).collect();
    assert_eq!(word(&claim(Experiment::Gating, &runs(&seeds, &trained, &one_kernel))), Word::Supported);
}
