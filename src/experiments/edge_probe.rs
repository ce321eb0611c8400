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
use super::verdict::{Claim, Positive, Runs};
use super::{for_each_trace, pooled_features, Failure, Measure, Models, Progress, Size, WITH_UNTRAINED_RETINA};
use crate::model::Model;
use crate::names::{ByStation, ByWiring, Layer, Station};
use crate::rng::Rng;
use crate::stimuli::{self, Stimulus, N_ORIENTATIONS};
use crate::wiring::Lesion;
use serde::{Deserialize, Serialize};

const GRID: usize = 2;
const FOLDS: usize = 5;
const LAMBDA: f64 = 1e-2;

/// The later stations the V1 decoder is carried to.
const LATER: [Station; 3] = [Station::V2, Station::V4, Station::IT];
/// How many leading principal components of each L5 the low-capacity probes read (the keys of
/// [`Components`]).
pub const COMPONENTS: [usize; 4] = [1, 2, 4, 8];

/// What one run of P1 reports (`www/js/experiments/edge-probe.js` draws it). Accuracies are
/// of an 8-way orientation probe: the share of held-out edges whose orientation bin it names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(Default))]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "edge-probe/"))]
pub struct Output {
    /// The stream's probe accuracy, station by station and layer by layer.
    pub stream: ByStation<Layers>,
    /// The hierarchy's, the same.
    pub hierarchy: ByStation<Layers>,
    /// Chance accuracy, 1/8 (eight orientation bins).
    pub chance: f32,
    /// Edge stimuli probed (cross-validated over all of them).
    pub n: usize,
    /// The features and the probe, in words.
    pub features: String,
    /// The probe on each model's own input (the LGN and s₀): what a later station could at
    /// best keep.
    pub ceiling: ByWiring<Ceiling>,
    /// V1's L5 decoder applied unchanged to later stations, in each wiring.
    pub v1_decoder: ByWiring<Carried>,
    /// The probe on the leading principal components of each station's L5, in each wiring.
    pub components: ByWiring<ByStation<Components>>,
    /// The stream with V2, V4 and IT bypassed, probed by the same code.
    pub positive_control: PositiveControl,
    /// The pair trained without the orientation loss, where the run had it.
    pub edge_task_off: EdgeTaskOff,
}

/// Probe accuracy in a station's three layers of cells.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(Default))]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "edge-probe/"))]
pub struct Layers {
    /// L4: the station reading the stream.
    pub l4: f32,
    /// L2/3: the station's computation.
    pub l23: f32,
    /// L5: the stream after the station.
    pub l5: f32,
}

/// The probe on a model's input: the ceiling for every later layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(Default))]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "edge-probe/"))]
pub struct Ceiling {
    /// On the LGN (the retina's output).
    pub lgn: f32,
    /// On s₀, the embedded input the first station reads.
    pub s0: f32,
}

/// A probe fit on V1's L5 and applied unchanged to later stations: a station that passes
/// V1's edge code on keeps it readable by V1's decoder, one that computes edges anew does not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(Default))]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "edge-probe/"))]
pub struct Carried {
    /// On V1's L5 itself (cross-validated: the decoder's own accuracy).
    #[serde(rename = "V1")]
    pub v1: AtL5,
    #[serde(rename = "V2")]
    pub v2: AtL5AndL23,
    #[serde(rename = "V4")]
    pub v4: AtL5AndL23,
    #[serde(rename = "IT")]
    pub it: AtL5AndL23,
    /// Its mean accuracy at V2, V4 and IT L5: P1's measure.
    pub later_l5: f32,
}

/// V1's decoder on V1's own L5.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(Default))]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "edge-probe/"))]
pub struct AtL5 {
    pub l5: f32,
}

/// V1's decoder on a later station's L5 and L2/3.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(Default))]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "edge-probe/"))]
pub struct AtL5AndL23 {
    pub l5: f32,
    pub l23: f32,
}

/// The probe on the 1, 2, 4 and 8 leading principal components of a station's L5 (is
/// orientation among its few largest directions?), keyed by the number of components.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(Default))]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "edge-probe/"))]
pub struct Components {
    #[serde(rename = "1")]
    pub one: f32,
    #[serde(rename = "2")]
    pub two: f32,
    #[serde(rename = "4")]
    pub four: f32,
    #[serde(rename = "8")]
    pub eight: f32,
}

/// P1's positive control: the stream with V2, V4 and IT bypassed, which carries V1's L5 to IT
/// unchanged but for pooling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(Default))]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "edge-probe/"))]
pub struct PositiveControl {
    /// The model, in words.
    pub what: String,
    pub v1_decoder: Carried,
    pub components: ByStation<Components>,
}

/// The pair trained without the orientation loss (the edge task off). A wiring whose model
/// the run did not have is null; without either (the retina control has none) only the
/// wirings' nulls are there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(Default))]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "edge-probe/"))]
pub struct EdgeTaskOff {
    /// Probe accuracy per station and layer, as the output's `stream`.
    pub stream: Option<ByStation<Layers>>,
    pub hierarchy: Option<ByStation<Layers>>,
    /// The probe on the input; present where either wiring had an edge-off model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
    pub ceiling: Option<ByWiring<Option<Ceiling>>>,
    /// V1's decoder carried on; present where either wiring had an edge-off model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
    pub v1_decoder: Option<ByWiring<Option<Carried>>>,
}

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
    stations: ByStation<Layers>,
    /// The probe on the model's input.
    ceiling: Ceiling,
    /// V1's L5 decoder carried to later stations.
    v1_decoder: Carried,
    /// The probe on leading principal components of each L5.
    components: ByStation<Components>,
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
    let (l4, l23, l5) = (layer_index(Layer::L4), layer_index(Layer::L23), layer_index(Layer::L5));
    let stations = ByStation::from_fn(|s| {
        let k = s.index();
        Layers { l4: accuracy(&feats[k][l4]), l23: accuracy(&feats[k][l23]), l5: accuracy(&feats[k][l5]) }
    });
    let v1 = &feats[0][l5];
    let mut targets: Vec<&[Vec<f32>]> = vec![v1];
    for st in LATER {
        targets.push(&feats[st as usize][l5]);
        targets.push(&feats[st as usize][l23]);
    }
    let carried = transfer(v1, &targets, &labels, FOLDS);
    // carried: [V1 L5, then (L5, L2/3) of each of LATER].
    let at = |i: usize| AtL5AndL23 { l5: carried[1 + 2 * i], l23: carried[2 + 2 * i] };
    let later = (0..LATER.len()).map(|i| carried[1 + 2 * i]).sum::<f32>() / LATER.len() as f32;
    let v1_decoder = Carried { v1: AtL5 { l5: carried[0] }, v2: at(0), v4: at(1), it: at(2), later_l5: later };
    let components = ByStation::from_fn(|s| {
        let l5 = &feats[s.index()][l5];
        let directions = leading_directions(l5, COMPONENTS[COMPONENTS.len() - 1]);
        let by_count: Vec<f32> = COMPONENTS.iter().map(|&c| accuracy(&project(l5, &directions[..c]))).collect();
        Components { one: by_count[0], two: by_count[1], four: by_count[2], eight: by_count[3] }
    });
    Ok(Probed { stations, ceiling: Ceiling { lgn: accuracy(&lgn), s0: accuracy(&s0) }, v1_decoder, components })
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
) -> Result<ByStation<Layers>, Failure> {
    Ok(probe_all(model, seed, n, progress, span)?.stations)
}

/// The positive control's model: `stream` with V2, V4 and IT bypassed, so the stream carries
/// V1's layer 5 to every later layer 5 with nothing written over it.
pub fn carrying(stream: &Model) -> Model {
    let mut m = stream.clone();
    m.lesion_kind = Lesion::Bypassed;
    m.lesions = [false, true, true, true];
    m
}

impl ByWiring<Carried> {
    /// stream − hierarchy of the V1 decoder's mean accuracy at V2, V4 and IT L5.
    fn difference(&self) -> f64 {
        self.stream.later_l5 as f64 - self.hierarchy.later_l5 as f64
    }
    /// The stream's and the hierarchy's carried accuracy at later L5.
    fn pair(&self) -> (f64, f64) {
        (self.stream.later_l5 as f64, self.hierarchy.later_l5 as f64)
    }
}

impl Output {
    /// The edge-task-off difference, where the run had that pair.
    fn edge_task_off(&self) -> Option<f64> {
        let off = self.edge_task_off.v1_decoder.as_ref()?;
        let (stream, hierarchy) = (off.stream.as_ref()?, off.hierarchy.as_ref()?);
        Some(stream.later_l5 as f64 - hierarchy.later_l5 as f64)
    }
}

/// The stream's and the hierarchy's carried accuracy at later L5, per seed.
fn split(v: &[Output]) -> (Vec<f64>, Vec<f64>) {
    v.iter().map(|r| r.v1_decoder.pair()).unzip()
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
    type Output = Output;
    type Read = Output;
    fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Output, Failure> {
        let n = size.pick(480, 2400);
        let pairs = [
            (&models.stream, models.stream_edge_off.as_ref()),
            (&models.hierarchy, models.hierarchy_edge_off.as_ref()),
        ];
        // The untrained models' edge-off pair is the very same model: its probes are the same numbers.
        let fresh = |(on, off): (&Model, Option<&Model>)| off.is_some_and(|m| m != on);
        let jobs = 3 + pairs.into_iter().filter(|&p| fresh(p)).count();
        let mut done = 0;
        let mut next = || {
            let span = (done as f32 / jobs as f32, (done + 1) as f32 / jobs as f32);
            done += 1;
            span
        };
        let stream = probe_all(&models.stream, seed, n, progress, next())?;
        let hierarchy = probe_all(&models.hierarchy, seed, n, progress, next())?;
        let positive = probe_all(&carrying(&models.stream), seed, n, progress, next())?;
        let mut edge_off = |(on, off): (&Model, Option<&Model>), probed: &Probed| match off {
            Some(m) if m != on => probe_all(m, seed, n, progress, next()).map(Some),
            Some(_) => Ok(Some(probed.clone())),
            None => Ok(None),
        };
        let stream_off = edge_off(pairs[0], &stream)?;
        let hierarchy_off = edge_off(pairs[1], &hierarchy)?;
        // Where either wiring had an edge-off model, its ceiling and V1 decoder (null for one without).
        let any_off = stream_off.is_some() || hierarchy_off.is_some();
        Ok(Output {
            chance: 1.0 / N_ORIENTATIONS as f32,
            n,
            features: format!("{GRID}x{GRID}-pooled maps, ridge classifier, {FOLDS}-fold cross-validation"),
            ceiling: ByWiring { stream: stream.ceiling.clone(), hierarchy: hierarchy.ceiling.clone() },
            v1_decoder: ByWiring { stream: stream.v1_decoder.clone(), hierarchy: hierarchy.v1_decoder.clone() },
            components: ByWiring { stream: stream.components, hierarchy: hierarchy.components },
            positive_control: PositiveControl {
                what: "the stream with V2, V4 and IT bypassed (s_k = D(s_{k-1})): V1's layer 5 reaches IT unchanged \
                       but for pooling; the same probes"
                    .into(),
                v1_decoder: positive.v1_decoder,
                components: positive.components,
            },
            edge_task_off: EdgeTaskOff {
                ceiling: any_off.then(|| ByWiring {
                    stream: stream_off.as_ref().map(|p| p.ceiling.clone()),
                    hierarchy: hierarchy_off.as_ref().map(|p| p.ceiling.clone()),
                }),
                v1_decoder: any_off.then(|| ByWiring {
                    stream: stream_off.as_ref().map(|p| p.v1_decoder.clone()),
                    hierarchy: hierarchy_off.as_ref().map(|p| p.v1_decoder.clone()),
                }),
                stream: stream_off.map(|p| p.stations),
                hierarchy: hierarchy_off.map(|p| p.stations),
            },
            stream: stream.stations,
            hierarchy: hierarchy.stations,
        })
    }
    /// P1, as planned: on the retina control (edge task on), the V1 decoder's accuracy at
    /// later L5 in the stream (effect) against the hierarchy of the same seed (null), with the
    /// untrained retina control as the control. The shipped pair (full retina) and the
    /// edge-task-off pair are reported beside it in the measure. Without retina-control runs
    /// the numbers are the shipped pair's and no positive control is read, so it is not judged.
    fn claim(runs: &Runs<Output>) -> Claim {
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
            let shipped: Vec<f64> = runs.trained.iter().map(|r| r.v1_decoder.difference()).collect();
            measure += &reported("shipped pair (full retina, edge task on)", &shipped);
        }
        let off: Option<Vec<f64>> = runs.trained.iter().map(Output::edge_task_off).collect();
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
    fn positive(runs: &Runs<Output>) -> Option<Positive> {
        let read = |r: &Output| (r.positive_control.v1_decoder.later_l5 as f64, r.v1_decoder.hierarchy.later_l5 as f64);
        // Carried unchanged, V1's code is read at IT as well as at V1 itself: the known answer
        // is the decoder's own accuracy at V1, seed by seed.
        let known = runs.retina.iter().map(|r| r.positive_control.v1_decoder.v1.l5 as f64).collect();
        Positive::from_runs(runs.retina, read, None).map(|p| Positive { known: Some(known), ..p })
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
        let v = EdgeProbe::run(&Models::untrained(2), 2, Size::Quick, &mut |_| true).unwrap();
        assert_eq!(v.edge_task_off.stream.as_ref(), Some(&v.stream));
        let off = v.edge_task_off.v1_decoder.as_ref().expect("the untrained pair has an edge-off pair");
        assert_eq!(
            (off.stream.as_ref(), off.hierarchy.as_ref()),
            (Some(&v.v1_decoder.stream), Some(&v.v1_decoder.hierarchy))
        );
        for (w, ceiling) in [("stream", &v.ceiling.stream), ("hierarchy", &v.ceiling.hierarchy)] {
            for (key, acc) in [("lgn", ceiling.lgn), ("s0", ceiling.s0)] {
                assert!(acc > 0.125, "{w} {key}: {acc}");
            }
        }
    }

    /// A run whose V1 decoder carries `s` (stream) and `h` (hierarchy) to later L5, and its
    /// positive control `positive` (read at V1 as well as later, as carrying unchanged does).
    fn made_up(s: f32, h: f32, positive: f32) -> serde_json::Value {
        let mut out = Output::default();
        out.v1_decoder.stream.later_l5 = s;
        out.v1_decoder.hierarchy.later_l5 = h;
        out.positive_control.v1_decoder.later_l5 = positive;
        out.positive_control.v1_decoder.v1.l5 = positive;
        serde_json::to_value(out).unwrap()
    }

    #[test]
    fn the_claim_reads_the_retina_control_against_its_untrained_control() {
        let run = made_up;
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
        // The output's accuracies are f32: equal to the decimals within its precision.
        for (d, want) in diffs.iter().zip([0.20, 0.23, 0.22]) {
            assert!((d - want).abs() < 1e-6, "{diffs:?}");
        }
        let (ce, cn) = c.control.clone().unwrap();
        assert!((ce[0] - cn[0] - 0.02).abs() < 1e-6, "the control is the untrained retina pair: {ce:?} {cn:?}");
        // The positive control: the bypassed stream against the retina control's hierarchy.
        let p = p.expect("read from the retina runs");
        let f32s = |v: [f32; 3]| v.map(f64::from).to_vec();
        assert_eq!(p.effect, f32s([0.60, 0.62, 0.58]));
        assert_eq!(p.null, f32s([0.20, 0.22, 0.20]));
        assert_eq!(p.known, Some(f32s([0.60, 0.62, 0.58])), "V1's own accuracy, seed by seed");
        use crate::experiments::verdict::{judge_planned, Word};
        assert_eq!(judge_planned(&c, Some(&p)).word, Word::Supported);
        // Without retina-control runs there is nothing to read the positive control from.
        let none = Runs { retina: &[], untrained_retina: &[], ..runs };
        assert!(claim_and_positive(Experiment::EdgeProbe, &none).1.is_none());
    }

    #[test]
    fn the_carrying_stream_reads_v1_at_it_and_the_components_are_reported() {
        let v = EdgeProbe::run(&Models::untrained(2), 2, Size::Quick, &mut |_| true).unwrap();
        let pc = &v.positive_control.v1_decoder;
        // Bypassed stations write nothing: IT's L5 is V1's pooled, which the 2×2-pooled
        // features see exactly as V1's, so the decoder reads it as well as V1 itself.
        let (v1, it) = (pc.v1.l5, pc.it.l5);
        assert!((v1 - it).abs() < 0.02, "V1 {v1} vs IT {it}");
        // Every count of components is reported, under its number.
        let json = serde_json::to_value(&v.components).unwrap();
        for w in ["stream", "hierarchy"] {
            for c in COMPONENTS {
                assert!(json[w]["IT"][c.to_string()].is_number(), "{w} {c}");
            }
        }
    }
}
