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
use crate::names::ByWiring;
use crate::names::STATION_NAMES;
use crate::train::held_out;
use crate::wiring::Lesion;
use serde::Deserialize;
use serde_json::{json, Map, Value};

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

fn key(set: &[usize]) -> String {
    set.iter().map(|&k| STATION_NAMES[k]).collect::<Vec<_>>().join("+")
}

/// The lesion kinds run on a wiring: removing the skip only means something where there is one.
fn kinds(model: &Model) -> Vec<Lesion> {
    if model.wiring.residual() {
        vec![Lesion::Silenced, Lesion::Bypassed, Lesion::SkipRemoved]
    } else {
        vec![Lesion::Silenced, Lesion::Bypassed]
    }
}

fn run(models: &Models, size: Size, progress: Progress) -> Result<Value, Failure> {
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
    let mut out = Map::new();
    for (wiring, model) in models.pair() {
        let none = accuracy(model, &[], Lesion::Intact, n, progress, span())?;
        let mut res = Map::new();
        res.insert("none".into(), json!(none));
        for kind in kinds(model) {
            if same_as_zero(model, kind) {
                let zero = res[Lesion::Silenced.name()].clone();
                res.insert(kind.name().into(), zero);
                continue;
            }
            let mut acc = Map::new();
            acc.insert("none".into(), json!(none));
            for set in &sets {
                acc.insert(key(set), json!(accuracy(model, set, kind, n, progress, span())?));
            }
            // Mean accuracy with one station removed, and with two.
            let mean_of = |len: usize| {
                let v: Vec<f64> =
                    sets.iter().filter(|s| s.len() == len).map(|s| acc[&key(s)].as_f64().unwrap()).collect();
                v.iter().sum::<f64>() / v.len() as f64
            };
            let (one, two) = (mean_of(1), mean_of(2));
            acc.insert("mean_one_removed".into(), json!(one));
            acc.insert("mean_two_removed".into(), json!(two));
            acc.insert("retention".into(), json!(retained(none as f64, one)));
            res.insert(kind.name().into(), Value::Object(acc));
        }
        out.insert(wiring.to_string(), Value::Object(res));
    }
    let positive = retention(&writing_nothing(&models.stream), n, progress, span())?;
    out.insert("positive_control".into(), positive);
    out.insert("n".into(), json!(n));
    out.insert("chance".into(), json!(0.1));
    out.insert(
        "note".into(),
        json!(
            "zero: the station writes nothing (the hierarchy is then at chance by construction); bypass: \
               s_k = D(s_{k-1}), the station passes its pooled input on (the fair lesion for the hierarchy; in the \
               stream it is the same model as zero, so the numbers are copied, not rerun); skip_removed (stream \
               only): the station's write replaces the stream, as in the hierarchy"
        ),
    );
    Ok(Value::Object(out))
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
) -> Result<Value, Failure> {
    let step = (span.1 - span.0) / 5.0;
    let at = |i: usize| (span.0 + i as f32 * step, span.0 + (i + 1) as f32 * step);
    let none = accuracy(model, &[], Lesion::Intact, n, progress, at(0))? as f64;
    let mut bypass = Map::new();
    let mut sum = 0.0;
    for (k, name) in STATION_NAMES.iter().enumerate() {
        let a = accuracy(model, &[k], Lesion::Bypassed, n, progress, at(k + 1))? as f64;
        sum += a / 4.0;
        bypass.insert(name.to_string(), json!(a));
    }
    bypass.insert("mean_one_removed".into(), json!(sum));
    Ok(json!({
        "what": "the stream with every write zero (the direct path alone)",
        "none": none,
        "bypass": bypass,
        "retention": retained(none, sum),
    }))
}

/// In the residual wirings bypassing a station is zeroing it (wiring.rs tests it): no need to run it twice.
fn same_as_zero(model: &Model, kind: Lesion) -> bool {
    kind == Lesion::Bypassed && model.wiring.residual()
}

/// What LE's claim reads of a run: each wiring's retention under the bypass, and the
/// positive control's.
#[derive(Deserialize)]
pub struct Read {
    #[serde(flatten)]
    wirings: ByWiring<Accuracies>,
    positive_control: Retained,
}

#[derive(Deserialize)]
struct Accuracies {
    bypass: Retained,
}

#[derive(Deserialize)]
struct Retained {
    retention: f64,
}

/// LE, the registry's row.
pub struct LesionStudy;

impl Measure for LesionStudy {
    const NAME: &'static str = "lesion";
    const CLAIM: &'static str = "LE";
    const CONDITIONS: &'static [super::Condition] = TRAINED_AND_UNTRAINED;
    type Output = Value;
    type Read = Read;
    fn run(models: &Models, _seed: u64, size: Size, progress: Progress) -> Result<Value, Failure> {
        run(models, size, progress)
    }
    /// LE, as planned: the stream's retention with one station bypassed (effect) against the
    /// hierarchy's at the same seed (null), with the untrained pair as the control.
    fn claim(runs: &Runs<Read>) -> Claim {
        let split = |v: &[Read]| -> (Vec<f64>, Vec<f64>) {
            v.iter().map(|r| (r.wirings.stream.bypass.retention, r.wirings.hierarchy.bypass.retention)).unzip()
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
    fn positive(runs: &Runs<Read>) -> Option<Positive> {
        if runs.trained.is_empty() {
            return None;
        }
        let (effect, null) =
            runs.trained.iter().map(|r| (r.positive_control.retention, r.wirings.hierarchy.bypass.retention)).unzip();
        // Writing nothing, it loses nothing when a station is bypassed.
        let known = Some(vec![1.0; runs.trained.len()]);
        Some(Positive { effect, null, known })
    }
}
