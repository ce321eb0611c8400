//! The plan comes before the results (issue 23): the shipped results record the SHA-256 of
//! the data/preregistration.json they were judged under, and it must be the file as it is now.
//! Changing the plan after the results were made fails here until they are judged again
//! (`ventral-stream rejudge`) or rerun.
#![cfg(not(target_arch = "wasm32"))]

use ventral_stream::experiments::preregistration;
use ventral_stream::experiments::stats::INTERVAL_METHOD;

fn shipped_results() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/data/results.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("www/data/results.json")).expect("JSON")
}

#[test]
fn the_shipped_results_were_judged_under_the_plan_as_committed() {
    let whole = shipped_results();
    assert_eq!(
        whole["preregistration_sha256"].as_str(),
        Some(preregistration::sha256().as_str()),
        "data/preregistration.json changed after www/data/results.json was judged"
    );
    assert_eq!(whole["interval_method"], INTERVAL_METHOD);
}

#[test]
fn every_shipped_verdict_word_is_one_the_plan_defines() {
    let whole = shipped_results();
    let plan = preregistration::plan();
    for (id, v) in whole["verdicts"].as_object().unwrap() {
        let word = v["word"].as_str().unwrap();
        assert!(plan.words.contains_key(word), "{id}: {word:?} is not a word of the plan");
        assert!(plan.claims.contains_key(id), "{id} has no plan");
    }
}

/// Table 1's "From" column (www/js/experiments/claims.js, each entry's `origin`) says what the
/// plan says of each claim's kind.
#[test]
fn the_page_s_origin_of_each_claim_is_the_plan_s_kind() {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/js/experiments/claims.js")).unwrap();
    for e in ventral_stream::experiments::Experiment::ALL {
        let at =
            js.find(&format!("experiment: '{}',", e.name())).unwrap_or_else(|| panic!("{} in claims.js", e.name()));
        let rest = &js[at..];
        let origin = rest.split("origin: '").nth(1).and_then(|r| r.split('\'').next()).expect("an origin");
        assert_eq!(origin, preregistration::plan().claim(e.claim_id()).kind, "{}", e.name());
    }
}
