//! P1: "when task-relevant, robust representations of simple stimuli (edges)
//! should be found all along layer 5".
//!
//! A cross-validated linear probe (ridge classifier on 2×2-pooled maps) reads
//! the orientation of edge stimuli (8 bins, chance 1/8) from L4, L2/3 and L5
//! of every station, in both wirings. Beside it, for every model:
//!
//! - the ceiling: the same probe on the LGN and on s₀ (the embedded input),
//!   what any later station could at best keep;
//! - the V1 decoder: a probe fit on V1's L5 and applied unchanged to the L5
//!   (and L2/3) of V2, V4 and IT. A station that passes V1's edge code on keeps
//!   it readable by V1's decoder; one that computes edges anew in its own code
//!   is readable by its own probe but not by V1's;
//! - low-capacity probes: the same probe on the 1, 2, 4 and 8 leading principal
//!   components of each L5 (is orientation among the few largest directions?);
//! - the positive control: the stream with V2, V4 and IT bypassed, which carries
//!   V1's L5 to IT unchanged apart from pooling, probed by the same code.
//!
//! The claim (data/preregistration.json, P1) is judged in the post's condition,
//! the edge task on, on the retina control (no hand-built edge cells, so V1
//! must learn orientation itself): the V1 decoder's mean accuracy at V2, V4 and
//! IT L5, stream − hierarchy at each seed, against the untrained retina control.

use super::linalg::{cv_accuracy, Data, Ridge};
use super::pca::{leading_directions, project};
use super::verdict::Positive;
use super::verdict::{Claim, Runs};
use super::{for_each_trace, pooled_features, Failure, Measure, Models, Progress, Size, WITH_UNTRAINED_RETINA};
use crate::model::Model;
use crate::names::ByWiring;
use crate::names::{Layer, Station, Wiring};
use crate::rng::Rng;
use crate::stimuli::{self, Stimulus, N_ORIENTATIONS};
use crate::wiring::Lesion;
use serde::Deserialize;
use serde_json::{json, Map, Value};

const GRID: usize = 2;
const FOLDS: usize = 5;
const LAMBDA: f64 = 1e-2;

/// The later stations the V1 decoder is carried to.
const LATER: [Station; 3] = [Station::V2, Station::V4, Station::IT];
/// How many leading principal components of each L5 the low-capacity probes read.
pub const COMPONENTS: [usize; 4] = [1, 2, 4, 8];

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
    /// station → {"1", "2", "4", "8"}: the probe on that many leading principal components of L5.
    components: Value,
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
    let mut components = Map::new();
    for (k, name) in Station::ALL.map(Station::name).iter().enumerate() {
        let l5 = &feats[k][l5];
        let directions = leading_directions(l5, COMPONENTS[COMPONENTS.len() - 1]);
        let by_count: Map<String, Value> =
            COMPONENTS.iter().map(|&c| (c.to_string(), json!(accuracy(&project(l5, &directions[..c]))))).collect();
        components.insert(name.to_string(), Value::Object(by_count));
    }
    Ok(Probed {
        stations: Value::Object(stations),
        ceiling: json!({ "lgn": accuracy(&lgn), "s0": accuracy(&s0) }),
        v1_decoder: Value::Object(v1_decoder),
        components: Value::Object(components),
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
    let jobs = 3 + (0..2).filter(|&k| fresh(k)).count();
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
    let positive = probe_all(&carrying(&models.stream), seed, n, progress, next())?;
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
    out["components"] = pair(on_probed, |p| &p.components);
    out["positive_control"] = json!({
        "what": "the stream with V2, V4 and IT bypassed (s_k = D(s_{k-1})): V1's layer 5 reaches IT unchanged but \
                 for pooling; the same probes",
        "v1_decoder": positive.v1_decoder,
        "components": positive.components,
    });
    let off_probed = [control[0].as_ref(), control[1].as_ref()];
    let mut edge_task_off = pair(off_probed, |p| &p.stations);
    if off_probed.iter().any(Option::is_some) {
        edge_task_off["ceiling"] = pair(off_probed, |p| &p.ceiling);
        edge_task_off["v1_decoder"] = pair(off_probed, |p| &p.v1_decoder);
    }
    out["edge_task_off"] = edge_task_off;
    Ok(out)
}

/// The positive control's model: `stream` with V2, V4 and IT bypassed, so the stream carries
/// V1's layer 5 to every later layer 5 with nothing written over it.
pub fn carrying(stream: &Model) -> Model {
    let mut m = stream.clone();
    m.lesion_kind = Lesion::Bypassed;
    m.lesions = [false, true, true, true];
    m
}

/// What P1's claim reads of a run: the V1 decoder's accuracy at later L5 in each wiring, on
/// the models themselves and, where they exist, on the pair trained with the edge task off.
#[derive(Deserialize)]
pub struct Read {
    v1_decoder: ByWiring<Carried>,
    edge_task_off: Option<EdgeTaskOff>,
    positive_control: PositiveRun,
}

#[derive(Deserialize)]
struct PositiveRun {
    v1_decoder: CarriedFromV1,
}

#[derive(Deserialize)]
struct CarriedFromV1 {
    later_l5: f64,
    #[serde(rename = "V1")]
    at_v1: Option<AtL5>,
}

#[derive(Deserialize)]
struct AtL5 {
    l5: f64,
}

/// Without an edge-off pair (the retina control has none) it holds only nulls.
#[derive(Deserialize)]
struct EdgeTaskOff {
    #[serde(default)]
    v1_decoder: Option<ByWiring<Carried>>,
}

#[derive(Deserialize)]
struct Carried {
    later_l5: f64,
}

/// stream − hierarchy of the V1 decoder's mean accuracy at V2, V4 and IT L5.
fn carried(by: &ByWiring<Carried>) -> f64 {
    by.stream.later_l5 - by.hierarchy.later_l5
}

/// The edge-task-off difference, where the run had that pair.
fn edge_task_off(r: &Read) -> Option<f64> {
    r.edge_task_off.as_ref().and_then(|off| off.v1_decoder.as_ref()).map(carried)
}

/// The stream's and the hierarchy's carried accuracy at later L5, per seed.
fn split(v: &[Read]) -> (Vec<f64>, Vec<f64>) {
    v.iter().map(|r| (r.v1_decoder.stream.later_l5, r.v1_decoder.hierarchy.later_l5)).unzip()
}

/// "mean [lo, hi] over n seeds" of stream − hierarchy, for the measure's text.
fn reported(label: &str, diffs: &[f64]) -> String {
    if diffs.is_empty() {
        return String::new();
    }
    let e = super::stats::estimate(diffs);
    format!("; {label}: {:+.3} [{:+.3}, {:+.3}] over {} seeds", e.mean, e.ci[0], e.ci[1], diffs.len())
}

/// P1, the registry's row.
pub struct EdgeProbe;

impl Measure for EdgeProbe {
    const NAME: &'static str = "edge-probe";
    const CLAIM: &'static str = "P1";
    const CONDITIONS: &'static [super::Condition] = WITH_UNTRAINED_RETINA;
    type Output = Value;
    type Read = Read;
    fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Value, Failure> {
        run(models, seed, size, progress)
    }
    /// P1, as planned: on the retina control (edge task on), the V1 decoder's accuracy at
    /// later L5 in the stream (effect) against the hierarchy of the same seed (null), with the
    /// untrained retina control as the control. The shipped pair (full retina) and the
    /// edge-task-off pair are reported beside it in the measure. Without retina-control runs
    /// the numbers are the shipped pair's and no positive control is read, so it is not judged.
    fn claim(runs: &Runs<Read>) -> Claim {
        let on_retina = !runs.retina.is_empty();
        let (main, control) = if on_retina {
            (runs.retina, (!runs.untrained_retina.is_empty()).then_some(runs.untrained_retina))
        } else {
            (runs.trained, (!runs.untrained.is_empty()).then_some(runs.untrained))
        };
        let (effect, null) = split(main);
        let mut measure = if on_retina {
            "retina control (centre–surround LGN), edge task on: V1's L5 orientation decoder applied unchanged at \
             V2, V4 and IT L5 (mean accuracy), stream − hierarchy; control: the untrained retina control"
                .to_string()
        } else {
            "retina control not run: the shipped pair's V1 decoder at later L5, stream − hierarchy (not the \
             planned condition)"
                .to_string()
        };
        if on_retina {
            let shipped: Vec<f64> = runs.trained.iter().map(|r| carried(&r.v1_decoder)).collect();
            measure += &reported("shipped pair (full retina, edge task on)", &shipped);
        }
        let off: Option<Vec<f64>> = runs.trained.iter().map(edge_task_off).collect();
        measure += &reported("edge task off (full retina)", &off.unwrap_or_default());
        Claim {
            id: Self::CLAIM,
            says: "V1's edge information reaches layer 5 of later stations through the stream",
            measure,
            effect,
            null,
            control: control.map(split),
        }
    }
    /// The stream with V2, V4 and IT bypassed, on the retina control of each seed, against the
    /// retina control's hierarchy of that seed.
    fn positive(runs: &Runs<Read>) -> Option<Positive> {
        if runs.retina.is_empty() {
            return None;
        }
        let effect = runs.retina.iter().map(|r| r.positive_control.v1_decoder.later_l5).collect();
        let null = runs.retina.iter().map(|r| r.v1_decoder.hierarchy.later_l5).collect();
        // Carried unchanged, V1's code is read at IT as well as at V1 itself (runs made before
        // that was recorded have no known answer).
        let known = runs.retina.iter().map(|r| r.positive_control.v1_decoder.at_v1.as_ref().map(|v| v.l5)).collect();
        Some(Positive { effect, null, known })
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
    fn the_claim_reads_the_retina_control_against_its_untrained_control() {
        let run = |s: f64, h: f64, positive: f64| {
            json!({"v1_decoder": {"stream": {"later_l5": s}, "hierarchy": {"later_l5": h}},
                   "edge_task_off": {"stream": null, "hierarchy": null}, "positive_control": {"v1_decoder": {"later_l5": positive}}})
        };
        let shipped = [run(0.9, 0.9, 0.95), run(0.9, 0.9, 0.95), run(0.9, 0.9, 0.95)];
        let untrained = [run(0.1, 0.1, 0.1), run(0.1, 0.1, 0.1), run(0.1, 0.1, 0.1)];
        let retina = [run(0.40, 0.20, 0.60), run(0.45, 0.22, 0.62), run(0.42, 0.20, 0.58)];
        let untrained_retina = [run(0.15, 0.13, 0.3), run(0.14, 0.12, 0.3), run(0.15, 0.14, 0.3)];
        let runs = Runs {
            seeds: &[1, 2, 3],
            trained: &shipped,
            untrained: &untrained,
            retina: &retina,
            untrained_retina: &untrained_retina,
        };
        use crate::experiments::{claim_and_positive, Experiment};
        let (c, p) = claim_and_positive(Experiment::EdgeProbe, &runs);
        let diffs: Vec<f64> = c.effect.iter().zip(&c.null).map(|(e, n)| e - n).collect();
        for (d, want) in diffs.iter().zip([0.20, 0.23, 0.22]) {
            assert!((d - want).abs() < 1e-12, "{diffs:?}");
        }
        let (ce, cn) = c.control.clone().unwrap();
        assert!((ce[0] - cn[0] - 0.02).abs() < 1e-12, "the control is the untrained retina pair: {ce:?} {cn:?}");
        // The positive control: the bypassed stream against the retina control's hierarchy.
        let p = p.expect("read from the retina runs");
        assert_eq!(p.effect, vec![0.60, 0.62, 0.58]);
        assert_eq!(p.null, vec![0.20, 0.22, 0.20]);
        use crate::experiments::verdict::{judge_planned, Word};
        assert_eq!(judge_planned(&c, Some(&p)).word, Word::Supported);
        // Without retina-control runs there is nothing to read the positive control from.
        let none = Runs { retina: &[], untrained_retina: &[], ..runs };
        assert!(claim_and_positive(Experiment::EdgeProbe, &none).1.is_none());
    }

    #[test]
    fn the_carrying_stream_reads_v1_at_it_and_the_components_are_reported() {
        let v = run(&Models::untrained(2), 2, Size::Quick, &mut |_| true).unwrap();
        let pc = &v["positive_control"]["v1_decoder"];
        // Bypassed stations write nothing: IT's L5 is V1's pooled, which the 2×2-pooled
        // features see exactly as V1's, so the decoder reads it as well as V1 itself.
        let (v1, it) = (pc["V1"]["l5"].as_f64().unwrap(), pc["IT"]["l5"].as_f64().unwrap());
        assert!((v1 - it).abs() < 0.02, "V1 {v1} vs IT {it}");
        for w in ["stream", "hierarchy"] {
            for c in COMPONENTS {
                assert!(v["components"][w]["IT"][c.to_string()].is_number(), "{w} {c}");
            }
        }
    }
}
