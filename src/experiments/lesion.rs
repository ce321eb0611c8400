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

use super::verdict::{Claim, Runs};
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
    let jobs = models.pair().iter().map(|(_, m)| computed(m)).sum::<usize>() as f32;
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
            res.insert(kind.name().into(), Value::Object(acc));
        }
        out.insert(wiring.to_string(), Value::Object(res));
    }
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

/// In the residual wirings bypassing a station is zeroing it (wiring.rs tests it): no need to run it twice.
fn same_as_zero(model: &Model, kind: Lesion) -> bool {
    kind == Lesion::Bypassed && model.wiring.residual()
}

/// What LE's claim reads of a run: each wiring's intact accuracy and its mean with one
/// station bypassed.
#[derive(Deserialize)]
pub struct Read {
    #[serde(flatten)]
    wirings: ByWiring<Accuracies>,
}

#[derive(Deserialize)]
struct Accuracies {
    none: f64,
    bypass: Bypassed,
}

#[derive(Deserialize)]
struct Bypassed {
    mean_one_removed: f64,
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
    /// LE: under the fair lesion (bypass), removing one station costs the stream
    /// less accuracy than the hierarchy. Effect: the hierarchy's loss minus the
    /// stream's (intact − mean over the four one-station bypasses), paired by
    /// seed; null 0 (equal losses).
    fn claim(runs: &Runs<Read>) -> Claim {
        let loss = |a: &Accuracies| a.none - a.bypass.mean_one_removed;
        let effect_of = |v: &[Read]| -> Vec<f64> {
            v.iter().map(|r| loss(&r.wirings.hierarchy) - loss(&r.wirings.stream)).collect()
        };
        let (effect, control) = runs.trained_and_control(effect_of);
        Claim {
            id: Self::CLAIM,
            says: "a stream is an ensemble of paths: removing one station costs it less than it costs a hierarchy",
            measure: "hierarchy's accuracy loss − stream's with one station bypassed (s_k = D(s_{k-1})), \
                      mean over the four stations, paired by seed"
                .into(),
            null: vec![0.0; effect.len()],
            control: control.map(|c| {
                let zeros = vec![0.0; c.len()];
                (c, zeros)
            }),
            effect,
        }
    }
}
