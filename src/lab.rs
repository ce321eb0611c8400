//! The lab (issue 13): a reader trains a model in the page, a few steps at a time, and looks
//! at it as it learns. Pure Rust: `wasm::Trainer` only translates to and from JavaScript, and
//! the tests drive this natively.
//!
//! A lab run is phase 1 of native training ([`train::Sketches`]): the same seeded data order,
//! batch 32, the cosine schedule over the run's `steps`, on one thread (the page runs it in a
//! Worker); the open-set phase is not run. The reader chooses the wiring, the stream's width,
//! the edge task, a pressure on the writes ([`train::Pressure`]) and the variant of the
//! stations ([`crate::variant`]). Once a model is trained, [`stream_use`] measures how it uses
//! its stream (the article's usage index) and whether it deletes (P3's measure).

use crate::experiments::{deletion, usage, Size};
use crate::layers::Maps;
use crate::model::{Model, Wiring, M, WIDTHS};
use crate::names::{Layer, Station};
use crate::retina::{CHANNELS, LGN_SIDE};
use crate::stimuli::CATEGORIES;
use crate::train::{self, Pressure, Progress, Sketches};
use crate::variant::Variant;
use crate::{input, weights};
use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What the reader chose, as the page sends it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct LabConfig {
    /// "stream", "hierarchy" or "gated".
    pub wiring: String,
    /// The stream's width d: 8, 16 or 32.
    #[serde(default = "default_width")]
    pub width: usize,
    #[serde(default = "yes")]
    pub edge_task: bool,
    /// "none", "l1" or "decay".
    #[serde(default = "none")]
    pub pressure: String,
    /// The pressure's strength (e.g. 1e-4).
    #[serde(default)]
    pub strength: f32,
    pub steps: u32,
    pub seed: u32,
    /// "shipped", or the variant's parts joined by `+` (prenorm, layerscale, stochastic-depth).
    #[serde(default = "shipped")]
    pub variant: String,
}

fn shipped() -> String {
    Variant::SHIPPED.name().into()
}
fn default_width() -> usize {
    crate::model::D
}
fn yes() -> bool {
    true
}
fn none() -> String {
    "none".into()
}

/// Held-out accuracy of a lab model.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Accuracy {
    pub category: f32,
    pub orientation: f32,
}

/// How many held-out sketches the decision shares average over.
pub const SHARE_SKETCHES: usize = 32;

/// One lab run: the model, its optimiser, and where it is.
pub struct Lab {
    pub config: LabConfig,
    cfg: train::Config,
    pub model: Model,
    phase: Sketches,
    last: Option<Progress>,
}

impl Lab {
    /// Checks the reader's choices and initialises the model from the seed.
    pub fn new(config: LabConfig) -> Result<Lab, String> {
        let wiring = Wiring::parse(&config.wiring).map_err(|e| e.to_string())?;
        if !WIDTHS.contains(&config.width) {
            return Err(format!("the stream's width must be one of {WIDTHS:?}, not {}", config.width));
        }
        if config.steps == 0 {
            return Err("a run needs at least one step".into());
        }
        let mut cfg = train::Config::new(wiring, config.seed as u64);
        cfg.width = config.width;
        cfg.steps = config.steps as usize;
        cfg.edge_task = config.edge_task;
        cfg.pressure = Pressure::parse(&config.pressure, config.strength)?;
        cfg.variant = Variant::parse(&config.variant).map_err(|e| e.to_string())?;
        cfg.variant.fits(wiring)?;
        cfg.open_set_steps = 0;
        cfg.threads = 1;
        Ok(Lab { model: train::initial(&cfg), phase: Sketches::new(&cfg), cfg, config, last: None })
    }

    /// Natively: the batch split over `threads` threads, as `ventral-stream train` runs it (the
    /// page runs one per Worker). The same steps and losses up to rounding.
    pub fn with_threads(mut self, threads: usize) -> Lab {
        self.cfg.threads = threads.max(1);
        self
    }

    /// The training configuration the run follows.
    pub fn train_config(&self) -> &train::Config {
        &self.cfg
    }

    pub fn steps_done(&self) -> usize {
        self.phase.step
    }

    /// One more step, if the run has one left: that step's own loss (not an average).
    pub fn step_once(&mut self) -> Option<f32> {
        if self.phase.step >= self.cfg.steps {
            return None;
        }
        let (progress, loss) = self.phase.step(&mut self.model, &self.cfg);
        self.last = Some(progress);
        Some(loss)
    }

    /// Runs up to `n` more steps (none past the run's end); returns the running averages as
    /// native training reports them (a run with no step yet reports zeros).
    pub fn step(&mut self, n: usize) -> Progress {
        for _ in 0..n {
            if self.step_once().is_none() {
                break;
            }
        }
        self.last.clone().unwrap_or(Progress {
            step: 0,
            steps: self.cfg.steps,
            loss: 0.0,
            category_accuracy: 0.0,
            orientation_accuracy: 0.0,
        })
    }

    /// Accuracy on `n` held-out sketches and `n` held-out edges (those of `ventral-stream eval`).
    pub fn evaluate(&self, n: usize) -> Accuracy {
        let e = train::evaluate(&self.model, n, 1, |_, _| {});
        Accuracy { category: e.category_accuracy, orientation: e.orientation_accuracy }
    }

    /// V1's read filters seen from the LGN: E·W (8 × M, row-major), the embedding and V1's
    /// 1×1 read composed, so a column is what one L4 unit of V1 weighs in each LGN channel.
    pub fn v1_filters(&self) -> Vec<f32> {
        self.model.v1_read_from_lgn().w.iter().copied().collect()
    }

    /// The receptive fields of `count` L2/3 units of `station` (at most M): units
    /// `i · M / count` at the centre of the station's map, each the gradient of its rate on the
    /// LGN ([`Model::unit_gradient`]) summed over the eight channels and over four fixed
    /// held-out sketches (a unit silent on one still shows on another). Each 32×32 field is
    /// drawn on the 64×64 visual field, every LGN pixel over the 2×2 image pixels it pools:
    /// `count` images of 64·64 values, row-major.
    pub fn l23_fields(&self, station: Station, count: usize) -> Vec<f32> {
        let count = count.min(M);
        let probes = train::make_batch((0..4).map(|i| train::held_out(i).0).collect());
        let side = input::SIDE;
        let mut out = vec![0.0; count * side * side];
        for image in 0..probes.lgn.n {
            let trace = self.model.forward(probes.lgn.image(image));
            let map_side = trace.stations[station.index()].l23.side;
            let centre = map_side / 2;
            for (i, field) in out.chunks_exact_mut(side * side).enumerate() {
                let unit = i * M / count.max(1);
                let g = self
                    .model
                    .unit_gradient(&trace, station, Layer::L23, unit, centre, centre)
                    .expect("the centre unit of an L2/3 channel below M exists");
                add_on_visual_field(&g, field);
            }
        }
        out
    }

    /// The share of the category decision each path carries, in the order V1, V2, V4, IT,
    /// thalamic input (the direct path): over [`SHARE_SKETCHES`] fixed held-out sketches, each
    /// path's part of the true category's logit in the exact decomposition
    /// ([`Model::contributions`]), centred on its mean over the categories (a part that lifts
    /// every logit alike decides nothing) and summed over the sketches; each path's sum is
    /// divided by the sum of the five sums' magnitudes. Signed: a path that argues against the
    /// true category has a negative share; the magnitudes add up to 1. The bias is left out. Empty for the hierarchy, which has
    /// no such decomposition.
    pub fn decision_shares(&self) -> Vec<f32> {
        if !self.model.wiring.residual() {
            return Vec::new();
        }
        let batch = train::make_batch((0..SHARE_SKETCHES as u64).map(|i| train::held_out(i).0).collect());
        let trace = self.model.forward(batch.lgn);
        let mut sums = [0.0f32; 5];
        for (b, label) in batch.categories.iter().enumerate() {
            let (Some(y), Some(c)) = (label, self.model.contributions(&trace, b)) else { continue };
            let centred = |v: &[f32]| v[*y] - v.iter().sum::<f32>() / CATEGORIES.len() as f32;
            let parts = [
                centred(&c.stations[0]),
                centred(&c.stations[1]),
                centred(&c.stations[2]),
                centred(&c.stations[3]),
                centred(&c.direct),
            ];
            for (s, p) in sums.iter_mut().zip(parts) {
                *s += p;
            }
        }
        let total: f32 = sums.iter().map(|s| s.abs()).sum();
        sums.iter().map(|s| s / total.max(f32::MIN_POSITIVE)).collect()
    }

    /// The model as a safetensors file (F32), with what it was trained on in its metadata:
    /// `ventral-stream eval --weights` and the page's loader read it.
    pub fn weights(&self) -> Vec<u8> {
        let c = &self.config;
        let info = [
            ("trained_by", "lab".to_string()),
            ("seed", c.seed.to_string()),
            ("steps", self.phase.step.to_string()),
            ("width", c.width.to_string()),
            ("edge_task", c.edge_task.to_string()),
            ("pressure", c.pressure.clone()),
            // The strength as its f32 bits in hex: printing the float would pull the float
            // printer into the wasm, which sits at its size budget.
            ("strength_f32_bits", format!("{:08x}", c.strength.to_bits())),
        ];
        weights::save(&self.model, &info, false)
    }

    /// What a run needs besides its weights to go on exactly where it stopped: Adam's step
    /// count and moments, and the running averages the progress reports. A safetensors file
    /// of its own (F32 tensors `m.NAME` and `v.NAME` for each trainable tensor of the model,
    /// `averages` of shape [3]; the step in the metadata), kept beside [`Lab::weights`] so that
    /// file stays the one every loader reads. [`Lab::resume`] takes the two back.
    pub fn optimiser_state(&self) -> Vec<u8> {
        let adam = &self.phase.adam;
        let avg = &self.phase.avg;
        let mut buffers: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
        // Adam fills its moments on its first step: before it, there are none to keep.
        if !adam.m.is_empty() {
            for (i, (name, _)) in trainable(&self.model).into_iter().enumerate() {
                for (kind, moments) in [("m", &adam.m), ("v", &adam.v)] {
                    let values = &moments[i];
                    buffers.push((format!("{kind}.{name}"), vec![values.len()], le_bytes(values)));
                }
            }
        }
        buffers.push(("averages".into(), vec![3], le_bytes(&[avg.0, avg.1, avg.2])));
        let views: Vec<(String, TensorView)> = buffers
            .iter()
            .map(|(n, s, b)| {
                (n.clone(), TensorView::new(Dtype::F32, s.clone(), b).expect("sizes match by construction"))
            })
            .collect();
        let meta = HashMap::from([
            ("format".to_string(), OPTIMISER_FORMAT.to_string()),
            ("step".to_string(), self.phase.step.to_string()),
            ("adam_t".to_string(), adam.t.to_string()),
        ]);
        safetensors::serialize(views, Some(meta)).expect("serialising in-memory tensors cannot fail")
    }

    /// A run saved at some step ([`Lab::weights`] and [`Lab::optimiser_state`] of the same
    /// moment), made ready to go on: the steps that follow are the ones the run would have taken
    /// had it never stopped. Refuses files that do not belong together or to `config`.
    pub fn resume(config: LabConfig, weights_file: &[u8], optimiser: &[u8]) -> Result<Lab, String> {
        let mut lab = Lab::new(config)?;
        let (model, info) = weights::load(weights_file, Some(lab.cfg.wiring)).map_err(|e| e.to_string())?;
        if model.variant != lab.cfg.variant {
            return Err(format!(
                "the saved model is the {} variant, the run's settings say {}",
                model.variant.name(),
                lab.cfg.variant.name()
            ));
        }
        if model.width() != lab.config.width {
            return Err(format!(
                "the saved model has a stream of width {}, the run's settings say {}",
                model.width(),
                lab.config.width
            ));
        }
        let bad = |why: String| format!("the saved optimiser state cannot be used: {why}");
        let st =
            SafeTensors::deserialize(optimiser).map_err(|e| bad(format!("not a readable safetensors file ({e})")))?;
        let meta = SafeTensors::read_metadata(optimiser)
            .map_err(|e| bad(format!("unreadable header ({e})")))?
            .1
            .metadata()
            .clone()
            .unwrap_or_default();
        if meta.get("format").map(String::as_str) != Some(OPTIMISER_FORMAT) {
            return Err(bad(format!("its format is not {OPTIMISER_FORMAT}")));
        }
        let count = |key: &str| meta.get(key).and_then(|v| v.parse::<usize>().ok());
        let step = count("step").ok_or_else(|| bad("it names no step".into()))?;
        if step > lab.cfg.steps {
            return Err(bad(format!("it was saved at step {step}, past the run's {} steps", lab.cfg.steps)));
        }
        // Each Sketches step is one Adam step.
        if count("adam_t") != Some(step) {
            return Err(bad("its optimiser step does not match its step".into()));
        }
        if info.0.get("steps").and_then(|v| v.parse::<usize>().ok()) != Some(step) {
            return Err(bad(format!("it was saved at step {step}, the weights at another")));
        }
        let read = |name: &str, len: usize| -> Result<Vec<f32>, String> {
            let view = st.tensor(name).map_err(|_| bad(format!("tensor {name} is missing")))?;
            if view.dtype() != Dtype::F32 || view.shape() != [len] {
                return Err(bad(format!("tensor {name} is not F32 of shape [{len}]")));
            }
            let values: Vec<f32> =
                view.data().chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
            if values.iter().any(|v| !v.is_finite()) {
                return Err(bad(format!("tensor {name} holds a non-finite value")));
            }
            Ok(values)
        };
        let averages = read("averages", 3)?;
        let (mut m, mut v) = (Vec::new(), Vec::new());
        if step > 0 {
            for (name, len) in trainable(&model) {
                m.push(read(&format!("m.{name}"), len)?);
                let second = read(&format!("v.{name}"), len)?;
                if second.iter().any(|x| *x < 0.0) {
                    return Err(bad(format!("tensor v.{name} holds a negative second moment")));
                }
                v.push(second);
            }
        }
        let expected = if step > 0 { 2 * m.len() + 1 } else { 1 };
        if st.len() != expected {
            return Err(bad(format!("it holds {} tensors, not the {expected} this model has", st.len())));
        }
        let phase = &mut lab.phase;
        (phase.adam.m, phase.adam.v, phase.adam.t) = (m, v, step as i32);
        phase.avg = train::Averages(averages[0], averages[1], averages[2]);
        phase.step = step;
        lab.model = model;
        Ok(lab)
    }
}

/// How a trained model uses its stream, as the article measures it (issue 24, item 5): the
/// usage index the preregistration defines, on this one model, and P3's deletion measure.
#[derive(Serialize)]
pub struct StreamUse {
    pub wiring: String,
    pub variant: String,
    /// Held-out sketches the usage index is measured on ([`USE_IMAGES`]).
    pub images: usize,
    /// The four components with the plan's thresholds, met or not. None for a hierarchy,
    /// where only the bypass is defined.
    pub usage: Option<Vec<usage::Line>>,
    /// Category accuracy kept with one station bypassed, mean over stations, as a fraction of
    /// intact: the one component a hierarchy has too.
    pub bypass_retention: f64,
    /// P3: the share of each station's thalamic directions its write cancels, beside the null
    /// (residual wirings only), at the experiments' quick size.
    pub deletion: Option<deletion::Cancellation>,
}

/// Held-out sketches the lab's usage index reads: a few seconds in a Worker, and within about
/// 0.015 of the 1,000 the article's index reads (0.282 against 0.297 bypass retention for the
/// shipped stream, measured natively).
pub const USE_IMAGES: usize = 256;

/// The usage index and P3's measure of the model in a weights file (the lab's, or any the page
/// loads), on held-out sketches. `progress(fraction)` returning false cancels.
pub fn stream_use(weights_file: &[u8], progress: &mut dyn FnMut(f32) -> bool) -> Result<StreamUse, String> {
    let (model, info) = weights::load(weights_file, None).map_err(|e| e.to_string())?;
    let seed = info.0.get("seed").and_then(|s| s.parse::<u64>().ok()).unwrap_or(1);
    let residual = model.wiring.residual();
    let share = if residual { 0.6 } else { 1.0 };
    let mut first = |f: f32| progress(f * share);
    let (usage, bypass_retention) = if residual {
        let u = usage::measure(&model, USE_IMAGES, &mut first).map_err(|e| e.to_string())?;
        (Some(usage::lines(&u)), u.bypass_retention)
    } else {
        (None, usage::bypass_retention(&model, USE_IMAGES, &mut first).map_err(|e| e.to_string())?)
    };
    let deletion = if residual {
        let mut rest = |f: f32| progress(share + f * (1.0 - share));
        Some(deletion::cancellation(&model, seed, Size::Quick, &mut rest).map_err(|e| e.to_string())?)
    } else {
        None
    };
    Ok(StreamUse {
        wiring: model.wiring.name().into(),
        variant: model.variant.name().into(),
        images: USE_IMAGES,
        usage,
        bypass_retention,
        deletion,
    })
}

/// The format named in an optimiser state file's metadata.
pub const OPTIMISER_FORMAT: &str = "ventral-stream-lab-optimiser/1";

/// The names and sizes of a model's trainable tensors, in the order Adam keeps its moments.
fn trainable(model: &Model) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    model.clone().visit_mut(&mut |name, _, values, trainable| {
        if trainable {
            out.push((name.to_string(), values.len()));
        }
    });
    out
}

fn le_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Adds a 32×32 LGN gradient, summed over its channels, onto a 64×64 field: LGN pixel (y, x)
/// pools image pixels (2y..2y+2, 2x..2x+2), so it is drawn over them.
fn add_on_visual_field(g: &Maps, field: &mut [f32]) {
    let side = input::SIDE;
    for y in 0..side {
        for x in 0..side {
            let row = (y / 2) * LGN_SIDE + x / 2;
            field[y * side + x] += (0..CHANNELS).map(|c| g.x[[row, c]]).sum::<f32>();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(wiring: &str, width: usize, steps: u32) -> LabConfig {
        LabConfig {
            wiring: wiring.into(),
            width,
            edge_task: true,
            pressure: "none".into(),
            strength: 0.0,
            steps,
            seed: 3,
            variant: "shipped".into(),
        }
    }

    #[test]
    fn bad_choices_are_errors() {
        assert!(Lab::new(config("ladder", 32, 5)).is_err());
        assert!(Lab::new(config("stream", 12, 5)).is_err());
        assert!(Lab::new(config("stream", 32, 0)).is_err());
        let mut c = config("stream", 32, 5);
        c.pressure = "l2".into();
        assert!(Lab::new(c.clone()).is_err());
        c.pressure = "l1".into();
        c.strength = -1.0;
        assert!(Lab::new(c).is_err());
    }

    #[test]
    fn a_run_stops_at_its_steps_and_its_file_loads_with_its_width() {
        let mut lab = Lab::new(config("stream", 16, 3)).unwrap();
        assert_eq!(lab.step(0).step, 0);
        let p = lab.step(2);
        assert_eq!((p.step, p.steps, lab.steps_done()), (2, 3, 2));
        assert!(p.loss.is_finite() && p.loss > 0.0);
        assert_eq!(lab.step(10).step, 3);
        assert_eq!(lab.steps_done(), 3);
        let (back, info) = weights::load(&lab.weights(), None).unwrap();
        assert_eq!(back, lab.model);
        assert_eq!(back.width(), 16);
        assert_eq!(info.0["steps"], "3");
    }

    #[test]
    fn the_lab_takes_the_same_steps_as_native_training() {
        let mut lab = Lab::new(config("hierarchy", 8, 4)).unwrap();
        lab.step(4);
        let cfg = lab.train_config().clone();
        let native = train::train_sketches(train::initial(&cfg), &cfg, &mut |_| true);
        assert_eq!(lab.model, native);
    }

    #[test]
    fn a_run_saved_and_resumed_takes_the_steps_it_would_have_taken() {
        let c = config("stream", 8, 5);
        let mut straight = Lab::new(c.clone()).unwrap();
        let at_end = straight.step(5);
        for stop in [0, 2] {
            let mut first = Lab::new(c.clone()).unwrap();
            first.step(stop);
            let mut resumed = Lab::resume(c.clone(), &first.weights(), &first.optimiser_state()).unwrap();
            assert_eq!(resumed.steps_done(), stop);
            let p = resumed.step(5);
            assert_eq!(resumed.model, straight.model, "stopped at {stop}");
            // The running averages go on too (a fresh start would report other values).
            assert_eq!((p.step, p.loss, p.category_accuracy), (at_end.step, at_end.loss, at_end.category_accuracy));
        }
    }

    /// The error of a resume that must fail.
    fn refused(r: Result<Lab, String>) -> String {
        match r {
            Ok(_) => panic!("a saved run that does not fit was resumed"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_saved_run_that_does_not_fit_is_refused() {
        let c = config("stream", 8, 5);
        let mut lab = Lab::new(c.clone()).unwrap();
        lab.step(2);
        let (w2, s2) = (lab.weights(), lab.optimiser_state());
        lab.step(1);
        let (w3, s3) = (lab.weights(), lab.optimiser_state());
        assert!(Lab::resume(c.clone(), &w3, &s3).is_ok());
        // Weights and state of different steps.
        assert!(refused(Lab::resume(c.clone(), &w2, &s3)).contains("the weights at another"));
        refused(Lab::resume(c.clone(), &w3, &s2));
        // Settings the files do not belong to: another width, another wiring, fewer steps.
        assert!(refused(Lab::resume(config("stream", 16, 5), &w3, &s3)).contains("width"));
        refused(Lab::resume(config("hierarchy", 8, 5), &w3, &s3));
        assert!(refused(Lab::resume(config("stream", 8, 2), &w3, &s3)).contains("past the run"));
        // Not a state file at all, or the weights file in its place.
        refused(Lab::resume(c.clone(), &w3, b"not a file"));
        assert!(refused(Lab::resume(c.clone(), &w3, &w3)).contains("format"));
        // A moment gone bad.
        let mut tampered = s3.clone();
        let at = tampered.len() - 4;
        tampered[at..].copy_from_slice(&f32::NAN.to_le_bytes());
        assert!(refused(Lab::resume(c, &w3, &tampered)).contains("non-finite"));
    }

    #[test]
    fn the_views_have_their_documented_sizes() {
        let lab = Lab::new(config("stream", 8, 1)).unwrap();
        assert_eq!(lab.v1_filters().len(), CHANNELS * M);
        let fields = lab.l23_fields(Station::V2, 3);
        assert_eq!(fields.len(), 3 * 64 * 64);
        assert!(fields.iter().any(|&v| v != 0.0));
        let shares = lab.decision_shares();
        assert_eq!(shares.len(), 5);
        let magnitude: f32 = shares.iter().map(|s| s.abs()).sum();
        assert!((magnitude - 1.0).abs() < 1e-4, "{shares:?}");
        assert!(Lab::new(config("hierarchy", 8, 1)).unwrap().decision_shares().is_empty());
    }

    #[test]
    fn a_variant_trains_as_itself_and_its_run_resumes_only_as_itself() {
        let mut c = config("stream", 8, 3);
        c.variant = "postnorm".into();
        assert!(Lab::new(c.clone()).is_err(), "an unknown variant is an error");
        c.variant = "prenorm+layerscale".into();
        let mut lab = Lab::new(c.clone()).unwrap();
        lab.step(2);
        let (back, _) = weights::load(&lab.weights(), None).unwrap();
        assert_eq!(back.variant, Variant::parse("prenorm+layerscale").unwrap());
        assert_eq!(back, lab.model);
        let (w, s) = (lab.weights(), lab.optimiser_state());
        assert!(Lab::resume(c.clone(), &w, &s).is_ok());
        c.variant = "prenorm".into();
        assert!(refused(Lab::resume(c, &w, &s)).contains("variant"));
    }

    #[test]
    fn a_stream_whose_stations_write_nothing_keeps_everything_bypassed_and_deletes_nothing() {
        // Known answers: with every write zero, bypassing a station changes nothing (retention
        // 1), and every thalamic direction passes each station with gain 1 (nothing cancelled).
        let mut lab = Lab::new(config("stream", 8, 1)).unwrap();
        for st in lab.model.stations.iter_mut() {
            st.write.w.fill(0.0);
            if let Some(b) = st.write.b.as_mut() {
                b.fill(0.0);
            }
        }
        let mut calls = 0;
        let used = stream_use(&lab.weights(), &mut |_| {
            calls += 1;
            true
        })
        .unwrap();
        assert!(calls > 0, "progress is reported");
        assert_eq!((used.wiring.as_str(), used.variant.as_str(), used.images), ("stream", "shipped", USE_IMAGES));
        assert_eq!(used.bypass_retention, 1.0);
        let usage = used.usage.expect("a stream has the whole usage index");
        let names: Vec<&str> = usage.iter().map(|l| l.component).collect();
        assert_eq!(names, ["bypass_retention", "early_share", "early_write_readback", "skip_to_write_cost"]);
        assert_eq!((usage[0].value, usage[0].met), (1.0, true));
        let p3 = used.deletion.expect("a stream has P3's measure");
        assert_eq!(p3.fraction_cancelled, vec![0.0; 4]);
        assert!(p3.mean_gain.iter().all(|g| (g - 1.0).abs() < 1e-3), "{:?}", p3.mean_gain);

        // A hierarchy has the bypass only; a cancelled measure says so.
        let h = Lab::new(config("hierarchy", 8, 1)).unwrap();
        let used = stream_use(&h.weights(), &mut |_| true).unwrap();
        assert!(used.usage.is_none() && used.deletion.is_none());
        assert!(used.bypass_retention.is_finite());
        assert!(stream_use(&lab.weights(), &mut |_| false).is_err());
        assert!(stream_use(b"not weights", &mut |_| true).is_err());
    }

    #[test]
    fn pressure_shrinks_the_writes() {
        // The same run with and without a strong pressure: each pressure leaves the writes
        // smaller in L1 norm than no pressure does, and touches no other tensor's shape.
        let write_norm = |pressure: &str, strength: f32| {
            let mut c = config("stream", 8, 6);
            c.pressure = pressure.into();
            c.strength = strength;
            let mut lab = Lab::new(c).unwrap();
            lab.step(6);
            lab.model.stations.iter().map(|s| s.write.w.iter().map(|v| v.abs()).sum::<f32>()).sum::<f32>()
        };
        let free = write_norm("none", 0.0);
        assert!(write_norm("l1", 0.5) < free);
        // Decay scales with the learning rate (2e-3): 20 shrinks the writes 4 % a step.
        assert!(write_norm("decay", 20.0) < free);
    }
}
