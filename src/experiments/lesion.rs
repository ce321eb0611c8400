//! LE: "a stream is an ensemble of paths" (Veit et al. 2016). Remove one
//! station (or two) and measure category accuracy on held-out sketches.
//!
//! How a station is removed decides what the comparison means (the lesion
//! kinds live in [`crate::wiring::Lesion`]):
//! - zero: the station writes nothing. In the stream the other paths go on;
//!   in the hierarchy every later station sees a constant, so accuracy is
//!   chance by construction: not a fair comparison.
//! - bypass: the station passes its pooled input on, s_k = D(s_{k−1}), as
//!   Veit et al. deleted a block. The fair lesion for the hierarchy (widths
//!   match); in the stream it is the same as zeroing.
//! - skip removed (stream only): the station's write replaces the stream, as
//!   a hierarchy's level does; the stream's own control.
//!
//! The claim (data/preregistration.json, LE) reads how gracefully each wiring
//! degrades on its own terms: the retention, the accuracy with one station
//! bypassed as a fraction of the intact accuracy (mean over the four), stream
//! against hierarchy at each seed. Veit et al.'s ResNets keep most of theirs.
//! The positive control is the stream with every write set to zero (the direct
//! path alone), which retains everything by construction, measured by the same
//! code.

use super::verdict::{Claim, Positive, Runs};
use super::{for_each_trace, Failure, Measure, Models, Progress, Size, TRAINED_AND_UNTRAINED};
use crate::model::Model;
use crate::train::held_out;
use crate::wiring::Lesion;
use serde::{Deserialize, Serialize};

/// What one run of LE reports (`www/js/experiments/lesion.js` draws it).
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "lesion/"))]
pub struct Output {
    /// The stream's accuracies with stations removed.
    pub stream: Lesions,
    /// The hierarchy's.
    pub hierarchy: Lesions,
    /// The stream with every write zero (the direct path alone), which retains everything by
    /// construction: the claim's positive control.
    pub positive_control: DirectPath,
    /// Held-out sketches each accuracy is measured on.
    pub n: usize,
    /// Chance accuracy: one of ten balanced categories.
    pub chance: f64,
    /// What each kind of removal is, in words.
    pub note: String,
}

/// One wiring's category accuracy, intact and with stations removed each way.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "lesion/"))]
pub struct Lesions {
    /// Intact: nothing removed.
    pub none: f32,
    /// The removed stations write nothing (in the hierarchy, chance by construction).
    pub zero: Accuracies,
    /// The removed stations pass their pooled input on, s_k = D(s_{k−1}) (in the stream the
    /// same model as `zero`, its numbers copied): the claim reads this one.
    pub bypass: Accuracies,
    /// Stream only: the removed stations' writes replace the stream, as a hierarchy's levels do.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
    pub skip_removed: Option<Accuracies>,
}

/// Category accuracy with each station, and each pair of stations, removed one way (a fraction
/// of the held-out sketches; keys as the stations' names, a pair joined by '+').
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "lesion/"))]
pub struct Accuracies {
    /// Intact (the wiring's `none` again).
    pub none: f32,
    /// V1 removed.
    #[serde(rename = "V1")]
    pub v1: f32,
    /// V2 removed.
    #[serde(rename = "V2")]
    pub v2: f32,
    /// V4 removed.
    #[serde(rename = "V4")]
    pub v4: f32,
    /// IT removed.
    #[serde(rename = "IT")]
    pub it: f32,
    /// V1 and V2 removed.
    #[serde(rename = "V1+V2")]
    pub v1_v2: f32,
    /// V1 and V4 removed.
    #[serde(rename = "V1+V4")]
    pub v1_v4: f32,
    /// V1 and IT removed.
    #[serde(rename = "V1+IT")]
    pub v1_it: f32,
    /// V2 and V4 removed.
    #[serde(rename = "V2+V4")]
    pub v2_v4: f32,
    /// V2 and IT removed.
    #[serde(rename = "V2+IT")]
    pub v2_it: f32,
    /// V4 and IT removed.
    #[serde(rename = "V4+IT")]
    pub v4_it: f32,
    /// Mean accuracy with one station removed (over the four).
    pub mean_one_removed: f64,
    /// Mean accuracy with two removed (over the six pairs).
    pub mean_two_removed: f64,
    /// `mean_one_removed / none`: the share of its intact accuracy the wiring keeps with one
    /// station removed (0 where it had none).
    pub retention: f64,
}

impl Accuracies {
    /// The accuracy with the stations `set` removed (indices in order, one or two of them).
    fn removed_mut(&mut self, set: &[usize]) -> &mut f32 {
        match set {
            [0] => &mut self.v1,
            [1] => &mut self.v2,
            [2] => &mut self.v4,
            [3] => &mut self.it,
            [0, 1] => &mut self.v1_v2,
            [0, 2] => &mut self.v1_v4,
            [0, 3] => &mut self.v1_it,
            [1, 2] => &mut self.v2_v4,
            [1, 3] => &mut self.v2_it,
            [2, 3] => &mut self.v4_it,
            _ => unreachable!("a lesion set is one station or a pair, in order: {set:?}"),
        }
    }
}

/// The positive control: the stream that writes nothing, intact and with each station bypassed.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "lesion/"))]
pub struct DirectPath {
    /// What the model is, in words.
    pub what: String,
    /// Intact accuracy.
    pub none: f64,
    /// Accuracy with each station bypassed.
    pub bypass: BypassedEach,
    /// `bypass.mean_one_removed / none` (1 by construction).
    pub retention: f64,
}

/// Accuracy with each single station bypassed, and their mean.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "lesion/"))]
pub struct BypassedEach {
    /// V1 bypassed.
    #[serde(rename = "V1")]
    pub v1: f64,
    /// V2 bypassed.
    #[serde(rename = "V2")]
    pub v2: f64,
    /// V4 bypassed.
    #[serde(rename = "V4")]
    pub v4: f64,
    /// IT bypassed.
    #[serde(rename = "IT")]
    pub it: f64,
    /// Their mean.
    pub mean_one_removed: f64,
}

/// Category accuracy of `model` with the stations in `removed` lesioned the `kind` way.
pub fn accuracy(
    model: &Model,
    removed: &[usize],
    kind: Lesion,
    n: usize,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<f32, Failure> {
    let mut m = model.clone();
    m.lesions = [false; 4];
    m.lesion_kind = kind;
    for &k in removed {
        m.lesions[k] = true;
    }
    let mut right = 0;
    for_each_trace(&m, n, &|i| held_out(i as u64).0, progress, span, &mut |t, start| {
        for b in 0..t.category_logits.nrows() {
            let l = t.category_logits.row(b);
            let best = (0..l.len()).max_by(|&i, &j| l[i].total_cmp(&l[j])).unwrap_or(0);
            right += (Some(best) == held_out((start + b) as u64).0.category) as usize;
        }
    })?;
    Ok(right as f32 / n.max(1) as f32)
}

/// Each single station, and every pair.
fn lesion_sets() -> Vec<Vec<usize>> {
    let mut sets: Vec<Vec<usize>> = (0..4).map(|k| vec![k]).collect();
    for a in 0..4 {
        for b in a + 1..4 {
            sets.push(vec![a, b]);
        }
    }
    sets
}

/// The lesion kinds run on a wiring: removing the skip only means something where there is one.
fn kinds(model: &Model) -> Vec<Lesion> {
    if model.wiring.residual() {
        vec![Lesion::Silenced, Lesion::Bypassed, Lesion::SkipRemoved]
    } else {
        vec![Lesion::Silenced, Lesion::Bypassed]
    }
}

/// One wiring's accuracies: intact, and each set of `sets` removed each of its kinds of lesion.
fn lesions(
    model: &Model,
    sets: &[Vec<usize>],
    n: usize,
    progress: &mut dyn FnMut(f32) -> bool,
    span: &mut dyn FnMut() -> (f32, f32),
) -> Result<Lesions, Failure> {
    let none = accuracy(model, &[], Lesion::Intact, n, progress, span())?;
    let (mut zero, mut bypass, mut skip_removed) = (None, None, None);
    for kind in kinds(model) {
        let acc = if same_as_zero(model, kind) {
            zero.clone()
        } else {
            let mut acc = Accuracies { none, ..Accuracies::default() };
            let mut measured = Vec::with_capacity(sets.len());
            for set in sets {
                let a = accuracy(model, set, kind, n, progress, span())?;
                *acc.removed_mut(set) = a;
                measured.push((set.len(), a as f64));
            }
            // Mean accuracy with one station removed, and with two.
            let mean_of = |len: usize| {
                let v: Vec<f64> = measured.iter().filter(|(l, _)| *l == len).map(|&(_, a)| a).collect();
                v.iter().sum::<f64>() / v.len() as f64
            };
            let (one, two) = (mean_of(1), mean_of(2));
            acc.mean_one_removed = one;
            acc.mean_two_removed = two;
            acc.retention = retained(none as f64, one);
            Some(acc)
        };
        match kind {
            Lesion::Silenced => zero = acc,
            Lesion::Bypassed => bypass = acc,
            Lesion::SkipRemoved => skip_removed = acc,
            Lesion::Intact => unreachable!("intact is not a lesion kind"),
        }
    }
    Ok(Lesions {
        none,
        zero: zero.expect("every wiring is zeroed"),
        bypass: bypass.expect("every wiring is bypassed"),
        skip_removed,
    })
}

/// The accuracy kept with one station removed, as a fraction of the intact accuracy (0 for a
/// model that has none to keep).
pub fn retained(intact: f64, one_removed: f64) -> f64 {
    if intact > 0.0 {
        one_removed / intact
    } else {
        0.0
    }
}

/// The positive control's model: `stream` with every write zero, so only the direct path
/// (the embedded input carried to the heads) decides, and no station has anything to lose.
pub fn writing_nothing(stream: &Model) -> Model {
    let mut m = stream.clone();
    for st in &mut m.stations {
        st.write.w.fill(0.0);
        if let Some(b) = st.write.b.as_mut() {
            b.fill(0.0);
        }
    }
    m
}

/// Intact accuracy, each station bypassed alone, and the retention, by the code the wirings are
/// measured with.
fn retention(
    model: &Model,
    n: usize,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<DirectPath, Failure> {
    let step = (span.1 - span.0) / 5.0;
    let at = |i: usize| (span.0 + i as f32 * step, span.0 + (i + 1) as f32 * step);
    let none = accuracy(model, &[], Lesion::Intact, n, progress, at(0))? as f64;
    let mut each = [0.0f64; 4];
    let mut sum = 0.0;
    for (k, a) in each.iter_mut().enumerate() {
        *a = accuracy(model, &[k], Lesion::Bypassed, n, progress, at(k + 1))? as f64;
        sum += *a / 4.0;
    }
    let [v1, v2, v4, it] = each;
    Ok(DirectPath {
        what: "the stream with every write zero (the direct path alone)".into(),
        none,
        bypass: BypassedEach { v1, v2, v4, it, mean_one_removed: sum },
        retention: retained(none, sum),
    })
}

/// In the residual wirings bypassing a station is zeroing it (wiring.rs tests it): no need to run it twice.
fn same_as_zero(model: &Model, kind: Lesion) -> bool {
    kind == Lesion::Bypassed && model.wiring.residual()
}

/// LE, the registry's row.
pub struct LesionStudy;

impl Measure for LesionStudy {
    const NAME: &'static str = "lesion";
    const CLAIM: &'static str = "LE";
    const CONDITIONS: &'static [super::Condition] = TRAINED_AND_UNTRAINED;
    type Output = Output;
    type Read = Output;
    fn run(models: &Models, _seed: u64, size: Size, progress: Progress) -> Result<Output, Failure> {
        // 1000 (not the 2000 of the zeroing lesion alone) keeps the full run at
        // about the same number of forward passes now that there are 2–3 kinds.
        let n = size.pick(300, 1000);
        let sets = lesion_sets();
        // Jobs that run the model: intact, then every set of every kind that is not a copy.
        let computed = |m: &Model| 1 + sets.len() * kinds(m).iter().filter(|&&k| !same_as_zero(m, k)).count();
        // ... and the positive control, one job of five runs.
        let jobs = models.pair().iter().map(|(_, m)| computed(m)).sum::<usize>() as f32 + 1.0;
        let mut job = 0.0;
        let mut span = || {
            job += 1.0;
            ((job - 1.0) / jobs, job / jobs)
        };
        Ok(Output {
            stream: lesions(&models.stream, &sets, n, progress, &mut span)?,
            hierarchy: lesions(&models.hierarchy, &sets, n, progress, &mut span)?,
            positive_control: retention(&writing_nothing(&models.stream), n, progress, span())?,
            n,
            chance: 0.1,
            note: "zero: the station writes nothing (the hierarchy is then at chance by construction); bypass: \
                   s_k = D(s_{k-1}), the station passes its pooled input on (the fair lesion for the hierarchy; in \
                   the stream it is the same model as zero, so the numbers are copied, not rerun); skip_removed \
                   (stream only): the station's write replaces the stream, as in the hierarchy"
                .into(),
        })
    }
    /// LE, as planned: the stream's retention with one station bypassed (effect) against the
    /// hierarchy's at the same seed (null), with the untrained pair as the control.
    fn claim(runs: &Runs<Output>) -> Claim {
        let split = |v: &[Output]| -> (Vec<f64>, Vec<f64>) {
            v.iter().map(|r| (r.stream.bypass.retention, r.hierarchy.bypass.retention)).unzip()
        };
        let ((effect, null), control) = runs.trained_and_control(split);
        Claim {
            id: Self::CLAIM,
            says: "a stream is an ensemble of paths: it keeps more of its accuracy than a hierarchy when one station \
                   is removed",
            measure: "accuracy retained with one station bypassed (s_k = D(s_{k-1})) as a fraction of the intact \
                      accuracy, mean over the four stations, stream − hierarchy paired by seed"
                .into(),
            effect,
            null,
            control,
        }
    }
    /// The stream that writes nothing against the trained hierarchy, per seed.
    fn positive(runs: &Runs<Output>) -> Option<Positive> {
        // Writing nothing, it loses nothing when a station is bypassed.
        Positive::from_runs(runs.trained, |r| (r.positive_control.retention, r.hierarchy.bypass.retention), Some(1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::STATION_NAMES;

    /// Each lesion set is written under its stations' names joined by '+', as the page reads it.
    #[test]
    fn each_set_is_written_under_its_stations_names() {
        let mut acc = Accuracies::default();
        let sets = lesion_sets();
        for (i, set) in sets.iter().enumerate() {
            *acc.removed_mut(set) = i as f32 + 1.0;
        }
        let v = serde_json::to_value(&acc).unwrap();
        for (i, set) in sets.iter().enumerate() {
            let key = set.iter().map(|&k| STATION_NAMES[k]).collect::<Vec<_>>().join("+");
            assert_eq!(v[&key], i as f64 + 1.0, "{key}");
        }
    }
}
