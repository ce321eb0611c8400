//! P1: "when task-relevant, robust representations of simple stimuli (edges)
//! should be found all along layer 5".
//!
//! A cross-validated linear probe (ridge classifier on 2×2-pooled maps) reads
//! the orientation of edge stimuli (8 bins, chance 1/8) from L4, L2/3 and L5
//! of every station, in both wirings, for models trained with the edge task
//! on and, as a control, off. Beside it, for every model:
//!
//! - the ceiling: the same probe on the LGN and on s₀ (the embedded input),
//!   what any later station could at best keep;
//! - the V1 decoder: a probe fit on V1's L5 and applied unchanged to the L5
//!   (and L2/3) of V2, V4 and IT. A station that passes V1's edge code on keeps
//!   it readable by V1's decoder; one that computes edges anew in its own code
//!   is readable by its own probe but not by V1's.
//!
//! The claim (P1) is the V1 decoder's accuracy at the later stations' L5 in the
//! stream minus the hierarchy, on the models trained without the edge task, so
//! that no loss asked for orientation at IT.

use super::linalg::{cv_accuracy, Data, Ridge};
use super::verdict::{Claim, Runs};
use super::{for_each_trace, pooled_features, Failure, Measure, Models, Progress, Size, WITH_RETINA_CONTROL};
use crate::model::Model;
use crate::names::ByWiring;
use crate::names::{Layer, Station, Wiring};
use crate::rng::Rng;
use crate::stimuli::{self, Stimulus, N_ORIENTATIONS};
use serde::Deserialize;
use serde_json::{json, Map, Value};

const GRID: usize = 2;
const FOLDS: usize = 5;
const LAMBDA: f64 = 1e-2;

/// The later stations the V1 decoder is carried to.
const LATER: [Station; 3] = [Station::V2, Station::V4, Station::IT];

/// Accuracy of a decoder fit on `source` and applied unchanged to each of `targets` (the same
/// stimuli in the same order, read elsewhere): in each of `folds` interleaved folds, fit on
/// the other folds' rows of `source`, predict this fold's rows of every target. With `source`
/// among the targets this is `cv_accuracy` with the same folds.
pub fn transfer(source: &[Vec<f32>], targets: &[&[Vec<f32>]], labels: &[usize], folds: usize) -> Vec<f32> {
    let y: Vec<Vec<f32>> =
        labels.iter().map(|&l| (0..N_ORIENTATIONS).map(|c| (c == l) as u8 as f32).collect()).collect();
    let data = Data { x: source, y: &y };
    let mut right = vec![0usize; targets.len()];
    for k in 0..folds {
        let (test, train): (Vec<usize>, Vec<usize>) = (0..source.len()).partition(|i| i % folds == k);
        let decoder = Ridge::fit(&data, &train, LAMBDA);
        for (t, target) in targets.iter().enumerate() {
            for &r in &test {
                let p = decoder.predict(&target[r]);
                let best = (0..N_ORIENTATIONS).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(0);
                right[t] += (best == labels[r]) as usize;
            }
        }
    }
    right.iter().map(|&r| r as f32 / source.len().max(1) as f32).collect()
}

/// What the probes read from one model.
#[derive(Clone)]
struct Probed {
    /// station → layer → accuracy (today's per-station probe).
    stations: Value,
    /// {"lgn", "s0"}: the probe on the model's input.
    ceiling: Value,
    /// station → {"l5", "l23"}: V1's L5 decoder carried there; "later_l5" its mean over V2, V4, IT.
    v1_decoder: Value,
}

/// The edge stimuli, `n` of them, the bins in turn.
fn stimulus(seed: u64, i: usize) -> Stimulus {
    let bin = i % N_ORIENTATIONS;
    let mut rng = Rng::fork(seed ^ 0xED6E_9B0B, i as u64);
    Stimulus { pixels: stimuli::edge(bin, &mut rng), category: None, orientation: Some(bin) }
}

/// Every probe on one model.
fn probe_all(
    model: &Model,
    seed: u64,
    n: usize,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<Probed, Failure> {
    let make = |i: usize| stimulus(seed, i);
    let mut feats: Vec<Vec<Vec<Vec<f32>>>> = (0..4).map(|_| (0..3).map(|_| Vec::with_capacity(n)).collect()).collect();
    let (mut lgn, mut s0) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for_each_trace(model, n, &make, progress, span, &mut |t, _| {
        for b in 0..t.lgn.n {
            lgn.push(pooled_features(&t.lgn, b, GRID));
            s0.push(pooled_features(&t.s0, b, GRID));
        }
        for (k, st) in t.stations.iter().enumerate() {
            for (l, &layer) in Layer::CELLS.iter().enumerate() {
                let m = st.layer(layer);
                for b in 0..m.n {
                    feats[k][l].push(pooled_features(m, b, GRID));
                }
            }
        }
    })?;
    let labels: Vec<usize> = (0..n).map(|i| i % N_ORIENTATIONS).collect();
    let accuracy = |x: &[Vec<f32>]| cv_accuracy(x, &labels, N_ORIENTATIONS, FOLDS, LAMBDA);
    let mut stations = Map::new();
    for (k, name) in Station::ALL.map(Station::name).iter().enumerate() {
        let mut station = Map::new();
        for (l, layer) in Layer::CELLS.iter().enumerate() {
            station.insert(layer.name().to_string(), json!(accuracy(&feats[k][l])));
        }
        stations.insert(name.to_string(), Value::Object(station));
    }
    let (l23, l5) = (layer_index(Layer::L23), layer_index(Layer::L5));
    let v1 = &feats[0][l5];
    let mut targets: Vec<&[Vec<f32>]> = vec![v1];
    for st in LATER {
        targets.push(&feats[st as usize][l5]);
        targets.push(&feats[st as usize][l23]);
    }
    let carried = transfer(v1, &targets, &labels, FOLDS);
    let mut v1_decoder = Map::new();
    v1_decoder.insert(Station::V1.name().into(), json!({ "l5": carried[0] }));
    for (i, st) in LATER.iter().enumerate() {
        v1_decoder.insert(st.name().into(), json!({ "l5": carried[1 + 2 * i], "l23": carried[2 + 2 * i] }));
    }
    let later = (0..LATER.len()).map(|i| carried[1 + 2 * i]).sum::<f32>() / LATER.len() as f32;
    v1_decoder.insert("later_l5".into(), json!(later));
    Ok(Probed {
        stations: Value::Object(stations),
        ceiling: json!({ "lgn": accuracy(&lgn), "s0": accuracy(&s0) }),
        v1_decoder: Value::Object(v1_decoder),
    })
}

fn layer_index(layer: Layer) -> usize {
    Layer::CELLS.iter().position(|&l| l == layer).expect("a cell layer")
}

/// Probe accuracy for every station and layer of one model.
pub fn probe(
    model: &Model,
    seed: u64,
    n: usize,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<Value, Failure> {
    Ok(probe_all(model, seed, n, progress, span)?.stations)
}

fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Value, Failure> {
    let n = size.pick(480, 2400);
    let on = [(Wiring::Stream, &models.stream), (Wiring::Hierarchy, &models.hierarchy)];
    let off = [models.stream_edge_off.as_ref(), models.hierarchy_edge_off.as_ref()];
    // The untrained models' edge-off pair is the very same model: its probes are the same numbers.
    let fresh = |k: usize| off[k].is_some_and(|m| m != on[k].1);
    let jobs = 2 + (0..2).filter(|&k| fresh(k)).count();
    let mut done = 0;
    let mut next = || {
        let span = (done as f32 / jobs as f32, (done + 1) as f32 / jobs as f32);
        done += 1;
        span
    };
    let mut trained = Vec::new();
    for (_, model) in on {
        trained.push(probe_all(model, seed, n, progress, next())?);
    }
    let mut control = Vec::new();
    for (k, model) in off.iter().enumerate() {
        control.push(match model {
            Some(m) if fresh(k) => Some(probe_all(m, seed, n, progress, next())?),
            Some(_) => Some(trained[k].clone()),
            None => None,
        });
    }
    // {"stream": part(stream's), "hierarchy": part(hierarchy's)}
    let pair = |probed: [Option<&Probed>; 2], part: fn(&Probed) -> &Value| -> Value {
        Value::Object(
            on.iter()
                .zip(probed)
                .map(|((w, _), p)| (w.name().to_string(), p.map_or(Value::Null, |p| part(p).clone())))
                .collect(),
        )
    };
    let on_probed = [Some(&trained[0]), Some(&trained[1])];
    let mut out = pair(on_probed, |p| &p.stations);
    out["chance"] = json!(1.0 / N_ORIENTATIONS as f32);
    out["n"] = json!(n);
    out["features"] = json!(format!("{GRID}x{GRID}-pooled maps, ridge classifier, {FOLDS}-fold cross-validation"));
    out["ceiling"] = pair(on_probed, |p| &p.ceiling);
    out["v1_decoder"] = pair(on_probed, |p| &p.v1_decoder);
    let off_probed = [control[0].as_ref(), control[1].as_ref()];
    let mut edge_task_off = pair(off_probed, |p| &p.stations);
    if off_probed.iter().any(Option::is_some) {
        edge_task_off["ceiling"] = pair(off_probed, |p| &p.ceiling);
        edge_task_off["v1_decoder"] = pair(off_probed, |p| &p.v1_decoder);
    }
    out["edge_task_off"] = edge_task_off;
    Ok(out)
}

/// What P1's claim reads of a run: the V1 decoder's accuracy at later L5 in each wiring, on
/// the models themselves and, where they exist, on the pair trained with the edge task off.
#[derive(Deserialize)]
pub struct Read {
    v1_decoder: ByWiring<Carried>,
    edge_task_off: Option<EdgeTaskOff>,
}

#[derive(Deserialize)]
struct EdgeTaskOff {
    v1_decoder: ByWiring<Carried>,
}

#[derive(Deserialize)]
struct Carried {
    later_l5: f64,
}

/// stream − hierarchy of the V1 decoder's mean accuracy at V2, V4 and IT L5.
fn carried(by: &ByWiring<Carried>) -> f64 {
    by.stream.later_l5 - by.hierarchy.later_l5
}

fn edge_task_off(r: &Read) -> f64 {
    carried(&r.edge_task_off.as_ref().expect("P1 is judged on runs with the edge-task-off pair").v1_decoder)
}

/// P1, the registry's row.
pub struct EdgeProbe;

impl Measure for EdgeProbe {
    const NAME: &'static str = "edge-probe";
    const CLAIM: &'static str = "P1";
    const CONDITIONS: &'static [super::Condition] = WITH_RETINA_CONTROL;
    type Output = Value;
    type Read = Read;
    fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Value, Failure> {
        run(models, seed, size, progress)
    }
    /// P1: V1's edge information reaches later stations' L5 through the stream. Judged with the
    /// edge task off (where no loss asks later stations to keep orientation): the V1 decoder's
    /// accuracy at later L5, stream − hierarchy; null 0. The retina control's edge-on pair is
    /// reported beside it in the measure.
    fn claim(runs: &Runs<Read>) -> Claim {
        let per_seed =
            |v: &[Read]| -> (Vec<f64>, Vec<f64>) { (v.iter().map(edge_task_off).collect(), vec![0.0; v.len()]) };
        let ((effect, null), control) = runs.trained_and_control(per_seed);
        let mut measure = "edge task off: V1's L5 orientation decoder applied unchanged at V2, V4 and IT L5 (mean \
                           accuracy), stream − hierarchy"
            .to_string();
        if !runs.retina.is_empty() {
            // The retina control has no edge-off models; its edge-on pair shows whether the same
            // holds when no hand-built edge cell feeds V1.
            let r = super::stats::estimate(&runs.retina.iter().map(|r| carried(&r.v1_decoder)).collect::<Vec<_>>());
            measure += &format!(
                "; retina control (centre–surround LGN, edge task on): {:+.3} [{:+.3}, {:+.3}] over {} seeds",
                r.mean,
                r.ci[0],
                r.ci[1],
                r.per_seed.len()
            );
        }
        Claim {
            id: Self::CLAIM,
            says: "V1's edge information reaches layer 5 of later stations through the stream",
            measure,
            effect,
            null,
            control,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Wiring;

    /// V1 L5 features of an untrained stream model (they carry the LGN's edge cells linearly).
    fn v1_features(n: usize) -> (Vec<Vec<f32>>, Vec<usize>) {
        let model = Model::init(Wiring::Stream, 3);
        let mut x = Vec::new();
        for_each_trace(&model, n, &|i| stimulus(7, i), &mut |_| true, (0.0, 1.0), &mut |t, _| {
            for b in 0..t.stations[0].l5.n {
                x.push(pooled_features(&t.stations[0].l5, b, GRID));
            }
        })
        .unwrap();
        (x, (0..n).map(|i| i % N_ORIENTATIONS).collect())
    }

    #[test]
    fn the_v1_decoder_reads_v1_and_gives_chance_on_noise() {
        let n = 640;
        let (v1, labels) = v1_features(n);
        let mut rng = Rng::new(11);
        // A "later station" of noise with V1's mean and spread, feature by feature.
        let p = v1[0].len();
        let mean: Vec<f32> = (0..p).map(|j| v1.iter().map(|r| r[j]).sum::<f32>() / n as f32).collect();
        let sd: Vec<f32> =
            (0..p).map(|j| (v1.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f32>() / n as f32).sqrt()).collect();
        let noise: Vec<Vec<f32>> = (0..n).map(|_| (0..p).map(|j| mean[j] + sd[j] * rng.normal()).collect()).collect();
        let acc = transfer(&v1, &[&v1, &noise], &labels, FOLDS);
        let chance = 1.0 / N_ORIENTATIONS as f32;
        // Chance on 640 trials has a binomial sd of 0.013: 0.05 is about four of them.
        assert!((acc[1] - chance).abs() < 0.05, "noise read by V1's decoder at {}", acc[1]);
        assert!(acc[0] > chance + 0.3, "V1's decoder on V1 itself reads only {}", acc[0]);
        // On its own source the transfer is the cross-validated probe with the same folds.
        assert_eq!(acc[0], cv_accuracy(&v1, &labels, N_ORIENTATIONS, FOLDS, LAMBDA));
    }

    #[test]
    fn the_untrained_edge_off_pair_is_probed_once_and_reported_alike() {
        let v = run(&Models::untrained(2), 2, Size::Quick, &mut |_| true).unwrap();
        assert_eq!(v["edge_task_off"]["stream"], v["stream"]);
        assert_eq!(v["edge_task_off"]["v1_decoder"], v["v1_decoder"]);
        for w in ["stream", "hierarchy"] {
            for key in ["lgn", "s0"] {
                assert!(v["ceiling"][w][key].as_f64().unwrap() > 0.125, "{w} {key}: {}", v["ceiling"][w][key]);
            }
            assert!(v["v1_decoder"][w]["IT"]["l23"].is_number());
        }
    }

    #[test]
    fn the_claim_reads_the_edge_off_difference_and_the_untrained_control() {
        let run = |s: f64, h: f64| {
            json!({"v1_decoder": {"stream": {"later_l5": 0.9}, "hierarchy": {"later_l5": 0.9}},
                   "edge_task_off": {"v1_decoder": {"stream": {"later_l5": s}, "hierarchy": {"later_l5": h}}}})
        };
        let trained = [run(0.8, 0.2), run(0.7, 0.2), run(0.75, 0.25)];
        let untrained = [run(0.3, 0.1), run(0.3, 0.12), run(0.28, 0.1)];
        let runs = Runs { seeds: &[1, 2, 3], trained: &trained, untrained: &untrained, retina: &[] };
        let c = crate::experiments::claim(crate::experiments::Experiment::EdgeProbe, &runs);
        for (e, want) in c.effect.iter().zip([0.6, 0.5, 0.5]) {
            assert!((e - want).abs() < 1e-12, "{:?}", c.effect);
        }
        assert_eq!(c.null, vec![0.0; 3]);
        assert_eq!(c.control.as_ref().unwrap().0.len(), 3);
        use crate::experiments::verdict::{judge_planned, Positive, Word};
        assert_eq!(judge_planned(&c, Some(&Positive::steady(0.2, 3))).word, Word::Supported);
    }
}
