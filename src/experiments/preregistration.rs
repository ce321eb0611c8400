//! The plan written before the runs (issue 23): `data/preregistration.json`
//! states, for each claim, the measure, its null, its positive control, the
//! smallest effect of interest and why, and whether the claim compares the
//! wirings; and the usage index that chooses the model variants' test bed
//! (issue 24). The verdict rule reads its numbers from here and nowhere else;
//! the results file records the file's SHA-256, and a test refuses results
//! made under another version of it.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The file's bytes, compiled in, so every build judges by the same plan.
pub const TEXT: &str = include_str!("../../data/preregistration.json");

/// One claim's plan.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimPlan {
    /// "prediction" (the post's P1–P3), "postdiction" (what the post says is already known),
    /// "background" (a machine-learning result the post retells) or "model check" (ours: is
    /// the model's V1 like V1 at all).
    pub kind: String,
    /// What is measured, in the order effect − null.
    pub measure: String,
    /// What the measure gives when there is nothing to find.
    pub null: String,
    /// The model built to have the property, run through the same code.
    pub positive_control: String,
    /// The negative control the verdict is read beside.
    pub negative_control: String,
    /// The smallest effect of interest, as a fraction of the positive control's effect − null.
    pub fraction_of_positive_control: f64,
    /// One line: why that fraction.
    pub why_smallest_effect: String,
    /// Whether effect − null is the paired stream − hierarchy difference.
    pub compares_wirings: bool,
    /// Set when the measure cannot change with training (the reason, stated on the page).
    #[serde(default)]
    pub not_judged: Option<String>,
    /// The answer the positive control is built to give, in words, where its construction fixes one.
    #[serde(default)]
    pub known_answer: Option<String>,
}

/// One component of the usage index.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageComponent {
    pub measure: String,
    /// The component is met when its mean over seeds is at least this (at most, for `at_most`).
    pub threshold: f64,
    #[serde(default)]
    pub at_most: bool,
    pub why: String,
    pub source: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    pub what: String,
    pub components: BTreeMap<String, UsageComponent>,
    /// How the primary test bed is chosen from the variants' usage, in words.
    pub choice: String,
    pub min_seeds: usize,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub written: String,
    pub interval: String,
    pub min_seeds: usize,
    pub words: BTreeMap<String, String>,
    /// How a positive control is judged, in words.
    pub positive_control_rule: String,
    /// The share of its known answer (known − null) a positive control must recover.
    pub positive_control_recovery: f64,
    pub claims: BTreeMap<String, ClaimPlan>,
    pub usage_index: Usage,
}

impl Plan {
    /// The plan of claim `id`. Panics on a claim the plan does not name: a verdict without a
    /// plan written before the run is a bug.
    pub fn claim(&self, id: &str) -> &ClaimPlan {
        self.claims.get(id).unwrap_or_else(|| panic!("data/preregistration.json has no plan for claim {id}"))
    }
}

/// The compiled-in plan, parsed once.
pub fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| serde_json::from_str(TEXT).expect("data/preregistration.json is a valid plan"))
}

// USAGE_THRESHOLDS: each usage component's (name, threshold, at_most), written by build.rs
// from the same file, so code that only needs them (the lab's wasm) carries no JSON parser.
include!(concat!(env!("OUT_DIR"), "/usage_thresholds.rs"));

/// The SHA-256 of the plan's bytes, in hex, as the results file records it.
#[cfg(not(target_arch = "wasm32"))]
pub fn sha256() -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(TEXT.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
impl ClaimPlan {
    /// A plan for made-up claims in tests.
    pub fn made_up() -> Self {
        ClaimPlan {
            kind: "prediction".into(),
            measure: "made up".into(),
            null: "made up".into(),
            positive_control: "made up".into(),
            negative_control: "made up".into(),
            fraction_of_positive_control: 0.25,
            why_smallest_effect: "made up".into(),
            compares_wirings: true,
            not_judged: None,
            known_answer: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::verdict::Word;

    #[test]
    fn the_compiled_usage_thresholds_are_the_plan_s() {
        let table: Vec<(String, f64, bool)> = USAGE_THRESHOLDS.iter().map(|&(n, t, a)| (n.to_string(), t, a)).collect();
        let parsed: Vec<(String, f64, bool)> =
            plan().usage_index.components.iter().map(|(n, c)| (n.clone(), c.threshold, c.at_most)).collect();
        assert_eq!(table, parsed);
    }

    #[test]
    fn the_plan_names_every_claim_and_every_word() {
        let p = plan();
        for e in crate::experiments::Experiment::ALL {
            let c = p.claim(e.claim_id());
            assert!(
                c.fraction_of_positive_control > 0.0 && c.fraction_of_positive_control < 1.0,
                "{}: a SESOI is a fraction of the positive control's effect",
                e.claim_id()
            );
            assert!(
                ["prediction", "postdiction", "background", "model check"].contains(&c.kind.as_str()),
                "{}: kind {}",
                e.claim_id(),
                c.kind
            );
        }
        let words: Vec<&str> = p.words.keys().map(String::as_str).collect();
        let mut known: Vec<&str> = Word::ALL.iter().map(|w| w.name()).collect();
        known.sort_unstable();
        assert_eq!(words, known, "the plan defines exactly the rule's words");
        assert_eq!(p.min_seeds, crate::experiments::verdict::MIN_SEEDS);
        assert!(p.usage_index.components.len() >= 4);
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_hash_is_of_the_file_on_disk() {
        let on_disk = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data/preregistration.json")).unwrap();
        assert_eq!(on_disk, TEXT.as_bytes());
        assert_eq!(sha256().len(), 64);
        // The digest of the empty string, to check the hashing itself.
        use sha2::{Digest, Sha256};
        let empty: String = Sha256::digest(b"").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(empty, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
