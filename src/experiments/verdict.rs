//! The verdict rule (issue 11): one word per claim, computed from the seeds,
//! never typed. The page chooses its prose by the word.
//!
//! A claim names an *effect*, measured at every seed and oriented so that
//! the post predicts it to be larger than its *null* (what the same measure
//! gives when there is nothing to find: chance, zero, a shuffled or rotated
//! baseline), and a *margin*, the smallest difference that counts, fixed in
//! the code before any result is read. With E the estimate over seeds of
//! effect − null (mean and 95 % bootstrap interval, [`super::stats`]):
//!
//! 1. fewer than [`MIN_SEEDS`] seeds: **inconclusive** (no spread to judge by);
//! 2. E's interval lies above 0 and its mean is at least the margin:
//!    **supported**, unless the untrained control, judged the same way, is
//!    supported too with at least half the trained effect, in which case the
//!    effect is **built in** (the wiring or the fixed retina gives it before
//!    any learning);
//! 3. E's interval lies below 0 (the opposite of the prediction), or inside
//!    (−margin, +margin) (no effect worth the name): **not supported**;
//! 4. anything else: **inconclusive**.

use super::stats::{estimate, Estimate};
use serde_json::{json, Value};

/// Fewer seeds than this say nothing about the spread.
pub const MIN_SEEDS: usize = 3;

/// The rule above, in one line, stored beside every verdict.
pub const RULE: &str = "E = effect − null over seeds (mean, 95 % bootstrap CI). Fewer than 3 seeds: inconclusive. \
CI above 0 and mean ≥ margin: supported, or built in if the untrained control is also supported with at least half \
the effect. CI below 0, or inside (−margin, margin): not supported. Otherwise: inconclusive.";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Word {
    Supported,
    BuiltIn,
    NotSupported,
    Inconclusive,
}

impl Word {
    pub fn name(self) -> &'static str {
        match self {
            Word::Supported => "supported",
            Word::BuiltIn => "built in",
            Word::NotSupported => "not supported",
            Word::Inconclusive => "inconclusive",
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
    /// The smallest effect − null that counts.
    pub margin: f64,
}

#[derive(Clone, Debug)]
pub struct Verdict {
    pub word: Word,
    /// effect − null over the seeds.
    pub excess: Estimate,
    /// The same for the untrained control.
    pub control: Option<Estimate>,
}

fn excess(effect: &[f64], null: &[f64]) -> Estimate {
    assert_eq!(effect.len(), null.len(), "effect and null need one value per seed each");
    estimate(&effect.iter().zip(null).map(|(e, n)| e - n).collect::<Vec<_>>())
}

/// Steps 2–4 of the rule for one estimate, without the control.
fn word_of(e: &Estimate, margin: f64) -> Word {
    if e.per_seed.len() < MIN_SEEDS {
        Word::Inconclusive
    } else if e.above(0.0) && e.mean >= margin {
        Word::Supported
    } else if e.below(0.0) || (e.ci[0] > -margin && e.ci[1] < margin) {
        Word::NotSupported
    } else {
        Word::Inconclusive
    }
}

/// The verdict on one claim, by the rule at the top of this file.
pub fn judge(claim: &Claim) -> Verdict {
    let e = excess(&claim.effect, &claim.null);
    let control = claim.control.as_ref().map(|(c, n)| excess(c, n));
    let mut word = word_of(&e, claim.margin);
    if let (Word::Supported, Some(c)) = (word, &control) {
        if word_of(c, claim.margin) == Word::Supported && c.mean >= 0.5 * e.mean {
            word = Word::BuiltIn;
        }
    }
    Verdict { word, excess: e, control }
}

impl Claim {
    /// The verdict with the numbers it was computed from, for the results file.
    pub fn to_json(&self) -> Value {
        let v = judge(self);
        json!({
            "claim": self.id,
            "says": self.says,
            "measure": self.measure,
            "word": v.word.name(),
            "excess": v.excess.to_json(),
            "effect": estimate(&self.effect).to_json(),
            "null": estimate(&self.null).to_json(),
            "untrained": v.control.as_ref().map(Estimate::to_json),
            "margin": self.margin,
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

    fn claim(effect: &[f64], null: f64, control: Option<&[f64]>) -> Claim {
        Claim {
            id: "T",
            says: "made up",
            measure: "made up".into(),
            effect: effect.to_vec(),
            null: vec![null; effect.len()],
            control: control.map(|c| (c.to_vec(), vec![null; c.len()])),
            margin: 0.02,
        }
    }

    fn word(effect: &[f64], null: f64, control: Option<&[f64]>) -> Word {
        judge(&claim(effect, null, control)).word
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
        // A control that is supported but with a small fraction of the effect does not explain it.
        assert_eq!(word(&trained, 0.5, Some(&[0.53, 0.53, 0.54, 0.53, 0.535])), Word::Supported);
    }

    #[test]
    fn the_opposite_direction_is_not_supported() {
        assert_eq!(word(&[0.40, 0.42, 0.38, 0.41, 0.43], 0.5, None), Word::NotSupported);
    }

    #[test]
    fn a_tight_interval_around_the_null_is_not_supported() {
        assert_eq!(word(&[0.501, 0.499, 0.503, 0.5, 0.498], 0.5, None), Word::NotSupported);
        // Significantly above the null but smaller than the margin: too small to count.
        assert_eq!(word(&[0.505, 0.506, 0.507, 0.505, 0.506], 0.5, None), Word::NotSupported);
    }

    #[test]
    fn a_wide_interval_is_inconclusive() {
        assert_eq!(word(&[0.3, 0.7, 0.45, 0.65, 0.5], 0.5, None), Word::Inconclusive);
    }

    #[test]
    fn too_few_seeds_are_inconclusive_however_large_the_effect() {
        assert_eq!(word(&[0.9, 0.9], 0.5, None), Word::Inconclusive);
        assert_eq!(word(&[0.9], 0.5, None), Word::Inconclusive);
    }

    #[test]
    fn the_json_carries_the_word_and_its_numbers() {
        let j = claim(&[0.6, 0.62, 0.58], 0.5, None).to_json();
        assert_eq!(j["word"], "supported");
        assert_eq!(j["excess"]["per_seed"].as_array().unwrap().len(), 3);
        assert!(j["untrained"].is_null());
        assert_eq!(j["rule"], RULE);
    }
}
