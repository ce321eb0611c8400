//! The verdict rule (issues 11 and 23): one word per claim, computed from the
//! seeds by the rule written in `data/preregistration.json` before the runs,
//! never typed. The page chooses its prose by the word.
//!
//! A claim names an *effect*, measured at every seed and oriented so that the
//! post predicts it to be larger than its *null*. Where the claim compares the
//! wirings the null is the hierarchy's value at the same seed, so effect − null
//! is the paired stream − hierarchy difference. Each claim has a *positive
//! control* (a model built to have the property, measured by the same code) and
//! a *smallest effect of interest* (SESOI), a fraction of the positive
//! control's effect, both fixed in the preregistration. With E the Student-t
//! estimate over seeds of effect − null ([`super::stats`]):
//!
//! 0. **not judged** when the preregistration says the measure cannot change
//!    with training, when its positive control has not been run, or when the
//!    positive control does not come out supported (a measure without power);
//! 1. fewer than [`MIN_SEEDS`] seeds: **inconclusive**;
//! 2. E's interval lies above 0 and its mean is at least the SESOI:
//!    **supported**, or **built in** when the untrained control's mean has the
//!    same sign and at least half the effect (a larger control counts too);
//! 3. E's interval lies below 0: **opposite** (the other way from the post);
//! 4. E's interval lies inside (−SESOI, +SESOI): **absent** (an equivalence result);
//! 5. anything else: **inconclusive**.

use super::preregistration::{self, ClaimPlan};
use super::stats::{estimate, Estimate};
use serde_json::{json, Value};

/// Fewer seeds than this say nothing about the spread.
pub const MIN_SEEDS: usize = 3;

/// The rule above, in one line, stored beside every verdict.
pub const RULE: &str = "E = effect − null over seeds (mean, Student-t 95 % CI; null = the hierarchy where the claim \
compares wirings). Not judged: the measure cannot change with training, or its positive control is missing or not \
supported. Fewer than 3 seeds: inconclusive. CI above 0 and mean ≥ SESOI (a fraction of the positive control's \
effect): supported, or built in if the untrained control has the same sign and at least half the effect. CI below 0: \
opposite. CI inside ±SESOI: absent. Otherwise: inconclusive. The positive control itself is supported when its CI is \
above 0 and, where its construction fixes the answer, its mean recovers the planned share of that answer.";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Word {
    Supported,
    Opposite,
    Absent,
    BuiltIn,
    Inconclusive,
    NotJudged,
}

impl Word {
    pub const ALL: [Word; 6] =
        [Word::Supported, Word::Opposite, Word::Absent, Word::BuiltIn, Word::Inconclusive, Word::NotJudged];
    pub fn name(self) -> &'static str {
        match self {
            Word::Supported => "supported",
            Word::Opposite => "opposite",
            Word::Absent => "absent",
            Word::BuiltIn => "built in",
            Word::Inconclusive => "inconclusive",
            Word::NotJudged => "not judged",
        }
    }
}

/// One claim of the post, as one experiment measures it.
#[derive(Clone, Debug)]
pub struct Claim {
    /// P1, P2, P3, RF, SP, TU, LE, DG, VW or GA.
    pub id: &'static str,
    /// The prediction, in one line.
    pub says: &'static str,
    /// What `effect` is, in one line (which models, which measure, which sign).
    pub measure: String,
    /// Per seed; the claim predicts it to exceed `null`.
    pub effect: Vec<f64>,
    /// Per seed (repeat a constant null, e.g. chance, once per seed).
    pub null: Vec<f64>,
    /// The same effect and null measured on the untrained models, per seed, if the claim has one.
    pub control: Option<(Vec<f64>, Vec<f64>)>,
}

/// The positive control's effect − null per seed, measured by the claim's own code on a
/// model built to have the property.
#[derive(Clone, Debug, PartialEq)]
pub struct Positive {
    pub effect: Vec<f64>,
    pub null: Vec<f64>,
    /// The effect the construction gives, per seed, where it fixes one (P3's control cancels
    /// half the directions: 0.5). The control must then recover the planned share of
    /// known − null; where it fixes none, its interval must only exclude 0.
    pub known: Option<Vec<f64>>,
}

impl Positive {
    /// The positive control measured beside each trained run: `read` gives a run's (effect,
    /// null), `known` the effect its construction fixes (the same at every seed), if any. None
    /// where no trained run was kept.
    pub fn from_runs<R>(trained: &[R], read: impl Fn(&R) -> (f64, f64), known: Option<f64>) -> Option<Positive> {
        if trained.is_empty() {
            return None;
        }
        let (effect, null) = trained.iter().map(read).unzip();
        Some(Positive { effect, null, known: known.map(|k| vec![k; trained.len()]) })
    }

    /// A positive control of effect `size` at each of `seeds` seeds: for tests of a claim's
    /// plumbing, where only the claim's own numbers are under test.
    pub fn steady(size: f64, seeds: usize) -> Positive {
        Positive { effect: vec![size; seeds], null: vec![0.0; seeds], known: None }
    }
}

#[derive(Clone, Debug)]
pub struct Verdict {
    pub word: Word,
    /// Why a claim is not judged; empty otherwise.
    pub reason: String,
    /// effect − null over the seeds (the paired stream − hierarchy difference where the claim compares wirings).
    pub excess: Estimate,
    /// The same for the untrained control.
    pub control: Option<Estimate>,
    /// The positive control's word and effect, where it was run.
    pub positive: Option<(Word, Estimate)>,
    /// known − null of the positive control, where its construction fixes the answer.
    pub known: Option<Estimate>,
    /// The smallest effect of interest in the measure's units, where the positive control gives it.
    pub smallest_effect: Option<f64>,
}

fn excess(effect: &[f64], null: &[f64]) -> Estimate {
    assert_eq!(effect.len(), null.len(), "effect and null need one value per seed each");
    estimate(&effect.iter().zip(null).map(|(e, n)| e - n).collect::<Vec<_>>())
}

/// Steps 1–5 of the rule for one estimate, with the control where there is one.
pub fn word_of(e: &Estimate, smallest: f64, control: Option<&Estimate>) -> Word {
    if e.per_seed.len() < MIN_SEEDS {
        Word::Inconclusive
    } else if e.above(0.0) && e.mean >= smallest {
        match control {
            Some(c) if c.mean > 0.0 && c.mean >= 0.5 * e.mean => Word::BuiltIn,
            _ => Word::Supported,
        }
    } else if e.below(0.0) {
        Word::Opposite
    } else if e.within(smallest) {
        Word::Absent
    } else {
        Word::Inconclusive
    }
}

/// The verdict on one claim under its plan, by the rule at the top of this file.
pub fn judge(claim: &Claim, plan: &ClaimPlan, recovery: f64, positive: Option<&Positive>) -> Verdict {
    let e = excess(&claim.effect, &claim.null);
    let control = claim.control.as_ref().map(|(c, n)| excess(c, n));
    let known = positive.and_then(|p| p.known.as_ref().map(|k| excess(k, &p.null)));
    let positive = positive.map(|p| excess(&p.effect, &p.null));
    let verdict = |word: Word, reason: String, positive: Option<(Word, Estimate)>, smallest| Verdict {
        word,
        reason,
        excess: e.clone(),
        control: control.clone(),
        positive,
        known: known.clone(),
        smallest_effect: smallest,
    };
    if let Some(why) = &plan.not_judged {
        return verdict(Word::NotJudged, why.clone(), None, None);
    }
    let Some(p) = positive else {
        return verdict(
            Word::NotJudged,
            "its positive control has not been run, so nothing shows that the measure can find the property".into(),
            None,
            None,
        );
    };
    let smallest = plan.fraction_of_positive_control * p.mean;
    // The positive control is judged against the answer it was built to give, not against a
    // share of its own mean (which any interval above 0 would pass): it must recover the
    // planned share of known − null; with no known answer, its interval must exclude 0.
    let p_smallest = known.as_ref().map_or(0.0, |k| recovery * k.mean);
    let p_word = word_of(&p, p_smallest, None);
    if p_word != Word::Supported {
        let why = format!(
            "its positive control came out {}, not supported: the measure cannot find the property it was built to have",
            p_word.name()
        );
        return verdict(Word::NotJudged, why, Some((p_word, p)), None);
    }
    let word = word_of(&e, smallest, control.as_ref());
    verdict(word, String::new(), Some((p_word, p)), Some(smallest))
}

/// [`judge`] under the claim's own plan in `data/preregistration.json`.
pub fn judge_planned(claim: &Claim, positive: Option<&Positive>) -> Verdict {
    let plan = preregistration::plan();
    judge(claim, plan.claim(claim.id), plan.positive_control_recovery, positive)
}

impl Claim {
    /// The verdict with the numbers it was computed from, for the results file.
    pub fn to_json(&self, positive: Option<&Positive>) -> Value {
        let all = preregistration::plan();
        let plan = all.claim(self.id);
        let v = judge(self, plan, all.positive_control_recovery, positive);
        json!({
            "claim": self.id,
            "says": self.says,
            "measure": self.measure,
            "word": v.word.name(),
            "reason": v.reason,
            "excess": v.excess.to_json(),
            "paired": plan.compares_wirings.then(|| v.excess.to_json()),
            "effect": estimate(&self.effect).to_json(),
            "null": estimate(&self.null).to_json(),
            "untrained": v.control.as_ref().map(Estimate::to_json),
            "positive_control": v.positive.as_ref().map(|(w, e)| json!({
                "word": w.name(),
                "effect": e.to_json(),
                "known": v.known.as_ref().map(Estimate::to_json),
                "recovery": all.positive_control_recovery,
            })),
            "smallest_effect": v.smallest_effect,
            "smallest_effect_rule": format!("{} × the positive control's effect", plan.fraction_of_positive_control),
            "rule": RULE,
        })
    }
}

/// One experiment's outputs at every seed, per condition, in the order of `seeds`, as the
/// typed fields its claim reads (`Measure::Read`). Each experiment states its claim from
/// them (`Measure::claim(&Runs) -> Claim`).
#[derive(Clone, Copy, Debug)]
pub struct Runs<'a, T> {
    pub seeds: &'a [u64],
    /// On the trained models of each seed.
    pub trained: &'a [T],
    /// On the same wirings initialised from each seed and never trained.
    pub untrained: &'a [T],
    /// On the retina controls (LGN of the four centre–surround channels only); empty where not run.
    pub retina: &'a [T],
    /// On the retina control's wirings initialised from each seed and never trained; empty where not run.
    pub untrained_retina: &'a [T],
}

impl<T> Runs<'_, T> {
    /// `f` of every trained run, and the same of the untrained control if it was run.
    pub fn trained_and_control<U>(&self, f: impl Fn(&[T]) -> U) -> (U, Option<U>) {
        (f(self.trained), (!self.untrained.is_empty()).then(|| f(self.untrained)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(fraction: f64) -> ClaimPlan {
        ClaimPlan { fraction_of_positive_control: fraction, ..ClaimPlan::made_up() }
    }

    fn claim(effect: &[f64], null: f64, control: Option<&[f64]>) -> Claim {
        Claim {
            id: "T",
            says: "made up",
            measure: "made up".into(),
            effect: effect.to_vec(),
            null: vec![null; effect.len()],
            control: control.map(|c| (c.to_vec(), vec![null; c.len()])),
        }
    }

    /// A positive control whose effect − null is about `size` at every seed.
    fn positive(size: f64) -> Positive {
        let effect: Vec<f64> = [1.0, 1.02, 0.98, 1.01, 0.99].iter().map(|k| k * size).collect();
        Positive { null: vec![0.0; effect.len()], effect, known: None }
    }

    /// The word with a positive control of effect 0.2 and a SESOI of a quarter of it (0.05).
    fn word(effect: &[f64], null: f64, control: Option<&[f64]>) -> Word {
        judge(&claim(effect, null, control), &plan(0.25), 0.5, Some(&positive(0.2))).word
    }

    #[test]
    fn a_clear_effect_above_its_null_is_supported() {
        assert_eq!(word(&[0.60, 0.62, 0.58, 0.61, 0.63], 0.5, None), Word::Supported);
        assert_eq!(word(&[0.60, 0.62, 0.58, 0.61, 0.63], 0.5, Some(&[0.5, 0.49, 0.51, 0.5, 0.5])), Word::Supported);
    }

    #[test]
    fn an_effect_the_untrained_model_shows_as_well_is_built_in() {
        let trained = [0.60, 0.62, 0.58, 0.61, 0.63];
        assert_eq!(word(&trained, 0.5, Some(&[0.58, 0.57, 0.6, 0.59, 0.58])), Word::BuiltIn);
        // A control larger than the effect explains it too.
        assert_eq!(word(&trained, 0.5, Some(&[0.8, 0.82, 0.79, 0.81, 0.8])), Word::BuiltIn);
        // A control of a small fraction of the effect does not, nor one of the other sign.
        assert_eq!(word(&trained, 0.5, Some(&[0.53, 0.53, 0.54, 0.53, 0.535])), Word::Supported);
        assert_eq!(word(&trained, 0.5, Some(&[0.3, 0.32, 0.31, 0.3, 0.29])), Word::Supported);
    }

    #[test]
    fn an_interval_below_zero_is_opposite() {
        assert_eq!(word(&[0.40, 0.42, 0.38, 0.41, 0.43], 0.5, None), Word::Opposite);
        // However small: the direction is what the word states.
        assert_eq!(word(&[0.495, 0.494, 0.496, 0.495, 0.494], 0.5, None), Word::Opposite);
    }

    #[test]
    fn an_interval_inside_the_smallest_effect_is_absent() {
        assert_eq!(word(&[0.501, 0.499, 0.503, 0.5, 0.498], 0.5, None), Word::Absent);
        // Above zero at every seed but smaller than the SESOI, and tight: absent, not supported.
        assert_eq!(word(&[0.505, 0.506, 0.507, 0.505, 0.506], 0.5, None), Word::Absent);
    }

    #[test]
    fn a_wide_interval_is_inconclusive() {
        assert_eq!(word(&[0.3, 0.7, 0.45, 0.65, 0.5], 0.5, None), Word::Inconclusive);
        // Its mean under the SESOI, its interval reaching past zero on one side and the SESOI on the other.
        assert_eq!(word(&[0.51, 0.56, 0.52, 0.55, 0.51], 0.5, None), Word::Inconclusive);
    }

    #[test]
    fn too_few_seeds_are_inconclusive_however_large_the_effect() {
        assert_eq!(word(&[0.9, 0.9], 0.5, None), Word::Inconclusive);
        assert_eq!(word(&[0.9], 0.5, None), Word::Inconclusive);
    }

    #[test]
    fn a_claim_without_a_positive_control_that_finds_its_property_is_not_judged() {
        let c = claim(&[0.60, 0.62, 0.58, 0.61, 0.63], 0.5, None);
        let none = judge(&c, &plan(0.25), 0.5, None);
        assert_eq!(none.word, Word::NotJudged);
        assert!(none.reason.contains("not been run"), "{}", none.reason);
        // A positive control whose interval includes zero: the measure has no power.
        let weak = Positive { effect: vec![0.1, -0.1, 0.05, -0.05, 0.0], null: vec![0.0; 5], known: None };
        let v = judge(&c, &plan(0.25), 0.5, Some(&weak));
        assert_eq!(v.word, Word::NotJudged);
        assert_eq!(v.positive.as_ref().map(|p| p.0), Some(Word::Inconclusive));
        assert!(v.reason.contains("cannot find"), "{}", v.reason);
        // A measure the plan says training cannot change.
        let fixed = ClaimPlan { not_judged: Some("the gates are fixed".into()), ..plan(0.25) };
        let v = judge(&c, &fixed, 0.5, Some(&positive(0.2)));
        assert_eq!((v.word, v.reason.as_str()), (Word::NotJudged, "the gates are fixed"));
    }

    #[test]
    fn the_smallest_effect_is_the_planned_fraction_of_the_positive_control() {
        let c = claim(&[0.60, 0.62, 0.58, 0.61, 0.63], 0.5, None);
        let v = judge(&c, &plan(0.25), 0.5, Some(&positive(0.2)));
        assert!((v.smallest_effect.unwrap() - 0.05).abs() < 1e-12);
        // The same effect (0.108) under a stronger positive control (SESOI 0.25) is too small to count.
        assert_eq!(judge(&c, &plan(0.25), 0.5, Some(&positive(1.0))).word, Word::Absent);
    }

    #[test]
    fn a_positive_control_must_recover_its_known_answer() {
        let c = claim(&[0.60, 0.62, 0.58, 0.61, 0.63], 0.5, None);
        // Built to give 0.5 above its null, it measures about 0.2: its interval is above 0, but
        // it finds less than half of what it was built to have, so the measure lacks power.
        let short = Positive { known: Some(vec![0.5; 5]), ..positive(0.2) };
        let v = judge(&c, &plan(0.25), 0.5, Some(&short));
        assert_eq!((v.word, v.positive.as_ref().map(|p| p.0)), (Word::NotJudged, Some(Word::Absent)));
        assert!((v.known.as_ref().unwrap().mean - 0.5).abs() < 1e-12);
        // Built to give 0.3, it finds 0.2: two thirds, above the planned half, so it counts.
        let found = Positive { known: Some(vec![0.3; 5]), ..positive(0.2) };
        let v = judge(&c, &plan(0.25), 0.5, Some(&found));
        assert_eq!((v.word, v.positive.as_ref().map(|p| p.0)), (Word::Supported, Some(Word::Supported)));
        // The known answer is read against the control's own null, seed by seed.
        let shifted = Positive { null: vec![0.1; 5], effect: vec![0.3; 5], known: Some(vec![0.6; 5]) };
        let v = judge(&c, &plan(0.25), 0.5, Some(&shifted));
        assert_eq!(v.positive.as_ref().map(|p| p.0), Some(Word::Absent), "0.2 of a known 0.5 above the null");
    }

    #[test]
    fn every_word_has_a_distinct_name() {
        let names: std::collections::BTreeSet<&str> = Word::ALL.iter().map(|w| w.name()).collect();
        assert_eq!(names.len(), Word::ALL.len());
    }
}
