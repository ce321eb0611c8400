//! Training (DESIGN 1.5): softmax cross-entropy on both heads, Adam, seeded.
//!
//! A batch mixes sketches (which carry a category) and edge stimuli (which
//! carry an orientation); each head's loss averages over the samples that
//! have its label. `edge_task: false` drops the orientation loss, so edges are
//! no longer task-relevant (the control for prediction P1).
//!
//! Open-set recognition (issue 12): after the first phase, a second one fine-tunes the model
//! with generated outliers in every batch (`outliers`, none of the ten kinds), and the energy
//! score E(x) = −logsumexp(category logits) is trained with Liu et al.'s (2020) squared-hinge
//! margins: sketches are pushed below `energy_in`, outliers above `energy_out` (outlier
//! exposure, Hendrycks et al. 2019). Edge stimuli carry no category and take no part in it.
//! After training, [`calibrate`] sets the threshold on held-out sketches by one rule
//! ([`threshold_for`]).
//!
//! Natively a batch is split across two threads, whose gradients are summed
//! in a fixed order, so a seed gives the same weights on one machine. In the
//! browser the same code runs on one thread.

use crate::layers::Maps;
use crate::model::{Model, Trace, Wiring};
use crate::retina::{lgn_batch, Retina, CHANNELS, LGN_SIDE};
use crate::rng::Rng;
use crate::run::energy;
use crate::stimuli::{self, Stimulus, CATEGORIES, N_ORIENTATIONS};
use crate::{input, outliers};
use ndarray::Array2;

/// The data set the held-out evaluation draws from; no training seed maps here.
pub const EVAL_SEED: u64 = 0x0E7A_15E7_0000_0001;

/// The held-out sketches the open-set threshold is set on: neither a training seed nor the
/// evaluation's.
pub const CALIBRATION_SEED: u64 = 0x0CA1_1B8A_7E00_0003;

/// The share of held-out sketches that the threshold lets through as recognised.
pub const RECOGNISED_SHARE: f32 = 0.95;

/// Held-out sketches the threshold is set on.
pub const CALIBRATION_N: usize = 2000;

/// The data set a training seed draws from: never [`EVAL_SEED`].
pub fn train_data_seed(seed: u64) -> u64 {
    let s = seed.wrapping_mul(0x9E37_79B9).wrapping_add(0x7A1A);
    if s == EVAL_SEED || s == CALIBRATION_SEED {
        s + 2
    } else {
        s
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub wiring: Wiring,
    pub seed: u64,
    pub steps: usize,
    pub batch: usize,
    pub learning_rate: f32,
    pub edge_task: bool,
    /// Steps of the open-set phase after the `steps` of the first (0: none).
    pub open_set_steps: usize,
    /// Its learning rate (constant).
    pub open_set_learning_rate: f32,
    /// Generated outliers added to each batch of the open-set phase.
    pub outliers: usize,
    /// The energy margins (Liu et al. 2020): sketches below `energy_in`, outliers above `energy_out`.
    pub energy_in: f32,
    pub energy_out: f32,
    /// Weight of the energy loss beside the cross-entropy.
    pub energy_weight: f32,
    /// Threads for one batch (1 in the browser).
    pub threads: usize,
    /// Which LGN channels the model sees (issue 11's retina control: centre–surround only).
    pub retina: Retina,
    /// The width d of the stream ([`crate::model::D`] for the shipped models).
    pub width: usize,
    /// A pressure on the stations' writes (phase 1 only; none for the shipped models).
    pub pressure: Pressure,
}

/// A pressure on the stations' write matrices W_write (L5), the lab's knob for asking whether
/// a stream under a cost on writing still keeps what it carries. Biases and every other tensor
/// are left alone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pressure {
    None,
    /// L1: the loss gains strength · Σ|W_write|; backward adds its subgradient
    /// strength · sign(W) (0 at 0) to the writes' gradients, so Adam sees it like any loss.
    L1(f32),
    /// Decoupled weight decay on the writes (AdamW, Loshchilov & Hutter 2019): after each Adam
    /// update, W_write ← W_write − lr_t · strength · W_write with lr_t the step's scheduled
    /// rate; the loss is unchanged and Adam's moments never see it.
    Decay(f32),
}

impl Pressure {
    /// "none", "l1" or "decay" with its strength.
    pub fn parse(name: &str, strength: f32) -> Result<Pressure, String> {
        // No float in the message: formatting one would pull the float printer into the wasm.
        if !(strength.is_finite() && strength >= 0.0) {
            return Err("the pressure's strength must be a finite number ≥ 0".into());
        }
        match name {
            "none" => Ok(Pressure::None),
            "l1" => Ok(Pressure::L1(strength)),
            "decay" => Ok(Pressure::Decay(strength)),
            other => Err(format!("unknown pressure {other:?}: none, l1 or decay")),
        }
    }

    /// Adds the L1 term's subgradient to `grad` and returns its loss (0 for the others).
    pub fn add_gradient(self, model: &Model, grad: &mut Model) -> f32 {
        let Pressure::L1(strength) = self else { return 0.0 };
        let mut loss = 0.0;
        for (st, g) in model.stations.iter().zip(&mut grad.stations) {
            ndarray::Zip::from(&mut g.write.w).and(&st.write.w).for_each(|g, &w| {
                loss += w.abs();
                *g += strength
                    * if w > 0.0 {
                        1.0
                    } else if w < 0.0 {
                        -1.0
                    } else {
                        0.0
                    };
            });
        }
        strength * loss
    }

    /// Decays the writes after an Adam step at rate `lr` (AdamW); nothing for the others.
    pub fn decay(self, model: &mut Model, lr: f32) {
        let Pressure::Decay(strength) = self else { return };
        for st in &mut model.stations {
            st.write.w *= 1.0 - lr * strength;
        }
    }
}

impl Config {
    pub fn new(wiring: Wiring, seed: u64) -> Self {
        Config {
            wiring,
            seed,
            steps: 3000,
            batch: 32,
            learning_rate: 2e-3,
            edge_task: true,
            open_set_steps: 400,
            open_set_learning_rate: 5e-4,
            outliers: 16,
            energy_in: ENERGY_IN,
            energy_out: ENERGY_OUT,
            energy_weight: 0.1,
            threads: 2,
            retina: Retina::Full,
            width: crate::model::D,
            pressure: Pressure::None,
        }
    }
}

/// Softmax cross-entropy over the rows that have a label. Returns the mean
/// loss, the number right, and d loss / d logits (already divided by the
/// number of labelled rows).
pub fn cross_entropy(logits: &Array2<f32>, labels: &[Option<usize>]) -> (f32, usize, Array2<f32>) {
    let mut grad = Array2::zeros(logits.raw_dim());
    let n = labels.iter().filter(|l| l.is_some()).count();
    if n == 0 {
        return (0.0, 0, grad);
    }
    let (mut loss, mut right) = (0.0f32, 0);
    for (r, label) in labels.iter().enumerate() {
        let Some(y) = *label else { continue };
        let row = logits.row(r);
        let max = row.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let sum: f32 = row.iter().map(|v| (v - max).exp()).sum();
        loss += sum.ln() + max - row[y];
        let best = (0..row.len()).max_by(|&i, &j| row[i].total_cmp(&row[j])).unwrap_or(0);
        right += (best == y) as usize;
        for (c, g) in grad.row_mut(r).iter_mut().enumerate() {
            *g = ((row[c] - max).exp() / sum - (c == y) as u8 as f32) / n as f32;
        }
    }
    (loss / n as f32, right, grad)
}

/// Default energy margins.
pub const ENERGY_IN: f32 = -14.0;
pub const ENERGY_OUT: f32 = -6.0;

/// Liu et al.'s (2020) energy loss over one part of a batch: for each sketch row (a category
/// label) max(0, E − m_in)², for each outlier row (no label of either kind) max(0, m_out − E)²,
/// each summed and divided by the batch's own count (`n_in`, `n_out`), so parts add up. Returns
/// the loss and d loss / d logits (dE/dl = −softmax(l)).
pub fn energy_margin(
    logits: &Array2<f32>,
    kind: &[Option<bool>],
    (m_in, m_out): (f32, f32),
    (n_in, n_out): (usize, usize),
) -> (f32, Array2<f32>) {
    let mut grad = Array2::zeros(logits.raw_dim());
    let mut loss = 0.0;
    for (r, k) in kind.iter().enumerate() {
        let Some(is_sketch) = *k else { continue };
        let row = logits.row(r).to_vec();
        let e = energy(&row);
        // d/dE of the hinge, divided by the count.
        let d = if is_sketch {
            let h = (e - m_in).max(0.0);
            loss += h * h / n_in.max(1) as f32;
            2.0 * h / n_in.max(1) as f32
        } else {
            let h = (m_out - e).max(0.0);
            loss += h * h / n_out.max(1) as f32;
            -2.0 * h / n_out.max(1) as f32
        };
        if d != 0.0 {
            for (g, p) in grad.row_mut(r).iter_mut().zip(crate::run::softmax(&row)) {
                *g = -d * p;
            }
        }
    }
    (loss, grad)
}

/// Which rows of a batch the energy loss sees: Some(true) a sketch, Some(false) an outlier,
/// None an edge stimulus.
fn energy_kind(category: Option<usize>, orientation: Option<usize>) -> Option<bool> {
    match (category, orientation) {
        (Some(_), _) => Some(true),
        (None, None) => Some(false),
        (None, Some(_)) => None,
    }
}

/// Adam (Kingma & Ba 2015) over every trainable tensor of a model.
pub struct Adam {
    pub lr: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    // The step count and moments are the crate's to read and set: a lab run is saved and resumed
    // with them (lab::Lab::optimiser_state).
    pub(crate) t: i32,
    pub(crate) m: Vec<Vec<f32>>,
    pub(crate) v: Vec<Vec<f32>>,
}

impl Adam {
    pub fn new(lr: f32) -> Self {
        Adam { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, t: 0, m: Vec::new(), v: Vec::new() }
    }

    pub fn step(&mut self, model: &mut Model, grad: &Model) {
        let mut grad = grad.clone();
        self.step_tensors(&mut |f| model.visit_mut(f), &mut |f| grad.visit_mut(f));
    }

    /// One update of any set of tensors: `params` and `grads` each visit
    /// their tensors in the same order (name, shape, values, trainable).
    pub fn step_tensors(&mut self, params: &mut dyn FnMut(Visitor), grads: &mut dyn FnMut(Visitor)) {
        let mut g_all: Vec<Vec<f32>> = Vec::new();
        grads(&mut |_, _, g, trainable| {
            if trainable {
                g_all.push(g.to_vec())
            }
        });
        if self.m.is_empty() {
            self.m = g_all.iter().map(|g| vec![0.0; g.len()]).collect();
            self.v = self.m.clone();
        }
        self.t += 1;
        let (b1, b2) = (self.beta1, self.beta2);
        let lr = self.lr * (1.0 - b2.powi(self.t)).sqrt() / (1.0 - b1.powi(self.t));
        let mut i = 0;
        let (ms, vs, eps) = (&mut self.m, &mut self.v, self.eps);
        params(&mut |_, _, p, trainable| {
            if !trainable {
                return;
            }
            for (((p, g), m), v) in p.iter_mut().zip(&g_all[i]).zip(ms[i].iter_mut()).zip(vs[i].iter_mut()) {
                *m = b1 * *m + (1.0 - b1) * g;
                *v = b2 * *v + (1.0 - b2) * g * g;
                *p -= lr * *m / (v.sqrt() + eps);
            }
            i += 1;
        });
    }
}

/// What `visit_mut` hands each tensor to: (name, shape, values, trainable).
pub type Visitor<'a> = &'a mut dyn FnMut(&str, Vec<usize>, &mut [f32], bool);

/// A batch ready for the model: LGN maps and the labels.
pub struct Batch {
    pub lgn: Maps,
    pub categories: Vec<Option<usize>>,
    pub orientations: Vec<Option<usize>>,
}

pub fn make_batch(stimuli: Vec<Stimulus>) -> Batch {
    let images: Vec<Vec<f32>> = stimuli.iter().map(|s| input::from_gray(&s.pixels)).collect();
    Batch {
        lgn: lgn_batch(&images),
        categories: stimuli.iter().map(|s| s.category).collect(),
        orientations: stimuli.iter().map(|s| s.orientation).collect(),
    }
}

/// Splits a batch's LGN maps into `parts` contiguous pieces.
fn split(lgn: &Maps, parts: usize) -> Vec<(usize, Maps)> {
    let per_image = LGN_SIDE * LGN_SIDE;
    let size = lgn.n.div_ceil(parts);
    (0..lgn.n)
        .step_by(size.max(1))
        .map(|start| {
            let end = (start + size).min(lgn.n);
            let x = lgn.x.slice(ndarray::s![start * per_image..end * per_image, ..]).to_owned();
            (start, Maps { n: end - start, side: LGN_SIDE, x })
        })
        .collect()
}

#[derive(Clone, Debug, Default)]
pub struct StepStats {
    pub loss: f32,
    pub category_right: usize,
    pub category_n: usize,
    pub orientation_right: usize,
    pub orientation_n: usize,
}

/// Forward and backward on one part of a batch; returns the gradient and stats.
fn part_gradient(
    model: &Model,
    lgn: Maps,
    cats: &[Option<usize>],
    oris: &[Option<usize>],
    edge_task: bool,
    weight: (f32, f32),
    energy: &EnergyTerm,
) -> (Model, StepStats) {
    let trace = model.forward(lgn);
    let (lc, rc, mut dc) = cross_entropy(&trace.category_logits, cats);
    let (lo, ro, mut d_o) = cross_entropy(&trace.orientation_logits, oris);
    // cross_entropy normalises by the part's labelled count; reweight to the
    // whole batch's so that parts add up to the batch mean.
    dc *= weight.0;
    let mut le = 0.0;
    if energy.weight > 0.0 {
        let kind: Vec<Option<bool>> = cats.iter().zip(oris).map(|(&c, &o)| energy_kind(c, o)).collect();
        let (l, de) = energy_margin(&trace.category_logits, &kind, energy.margins, energy.counts);
        le = energy.weight * l;
        dc.scaled_add(energy.weight, &de);
    }
    d_o *= if edge_task { weight.1 } else { 0.0 };
    let mut grad = model.zeros_like();
    model.backward(&trace, &dc, &d_o, &mut grad);
    let (nc, no) = (cats.iter().flatten().count(), oris.iter().flatten().count());
    let stats = StepStats {
        loss: lc * weight.0 + if edge_task { lo * weight.1 } else { 0.0 } + le,
        category_right: rc,
        category_n: nc,
        orientation_right: ro,
        orientation_n: no,
    };
    (grad, stats)
}

fn add_into(total: &mut Model, part: &Model) {
    let mut parts: Vec<Vec<f32>> = Vec::new();
    part.clone().visit_mut(&mut |_, _, g, _| parts.push(g.to_vec()));
    let mut i = 0;
    total.visit_mut(&mut |_, _, g, _| {
        for (a, b) in g.iter_mut().zip(&parts[i]) {
            *a += b;
        }
        i += 1;
    });
}

/// The energy loss's settings for one batch: weight (0: none), margins, and the batch's
/// counts of sketches and outliers.
#[derive(Clone, Debug)]
pub struct EnergyTerm {
    pub weight: f32,
    pub margins: (f32, f32),
    pub counts: (usize, usize),
}

impl EnergyTerm {
    pub const NONE: EnergyTerm = EnergyTerm { weight: 0.0, margins: (0.0, 0.0), counts: (0, 0) };

    pub fn for_batch(cfg: &Config, batch: &Batch) -> EnergyTerm {
        let kinds: Vec<Option<bool>> =
            batch.categories.iter().zip(&batch.orientations).map(|(&c, &o)| energy_kind(c, o)).collect();
        let n_in = kinds.iter().filter(|k| **k == Some(true)).count();
        let n_out = kinds.iter().filter(|k| **k == Some(false)).count();
        let weight = if n_out > 0 { cfg.energy_weight } else { 0.0 };
        EnergyTerm { weight, margins: (cfg.energy_in, cfg.energy_out), counts: (n_in, n_out) }
    }
}

/// The gradient of the batch's mean loss, computed on `threads` threads.
pub fn batch_gradient(
    model: &Model,
    batch: &Batch,
    edge_task: bool,
    energy: &EnergyTerm,
    threads: usize,
) -> (Model, StepStats) {
    let nc = batch.categories.iter().flatten().count().max(1);
    let no = batch.orientations.iter().flatten().count().max(1);
    let parts = split(&batch.lgn, threads.max(1));
    let work = |(start, lgn): (usize, Maps)| {
        let end = start + lgn.n;
        let (pc, po) = (
            batch.categories[start..end].iter().flatten().count(),
            batch.orientations[start..end].iter().flatten().count(),
        );
        // Each part's cross-entropy divides by its own count: rescale to the batch's.
        let weight = (pc as f32 / nc as f32, po as f32 / no as f32);
        let (cats, oris) = (&batch.categories[start..end], &batch.orientations[start..end]);
        part_gradient(model, lgn, cats, oris, edge_task, weight, energy)
    };
    let results: Vec<(Model, StepStats)> = run_parts(parts, &work);
    let mut grad = model.zeros_like();
    let mut stats = StepStats::default();
    for (g, s) in &results {
        add_into(&mut grad, g);
        stats.loss += s.loss;
        stats.category_right += s.category_right;
        stats.category_n += s.category_n;
        stats.orientation_right += s.orientation_right;
        stats.orientation_n += s.orientation_n;
    }
    (grad, stats)
}

#[cfg(not(target_arch = "wasm32"))]
fn run_parts<P: Send, T: Send>(parts: Vec<P>, work: &(dyn Fn(P) -> T + Sync)) -> Vec<T> {
    if parts.len() == 1 {
        return parts.into_iter().map(work).collect();
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = parts.into_iter().map(|p| s.spawn(move || work(p))).collect();
        handles.into_iter().map(|h| h.join().expect("a training thread panicked")).collect()
    })
}

#[cfg(target_arch = "wasm32")]
fn run_parts<P, T>(parts: Vec<P>, work: &(dyn Fn(P) -> T + Sync)) -> Vec<T> {
    parts.into_iter().map(work).collect()
}

/// Renders `n` stimuli (number `i` made by `make(i)`) into one batch of LGN
/// maps, on `threads` threads natively.
pub fn render(n: usize, threads: usize, make: &(dyn Fn(usize) -> Stimulus + Sync)) -> Batch {
    let size = n.div_ceil(threads.max(1)).max(1);
    let ranges: Vec<(usize, usize)> = (0..n).step_by(size).map(|s| (s, (s + size).min(n))).collect();
    let pieces = run_parts(ranges, &|(s, e)| make_batch((s..e).map(make).collect()));
    let mut x = Array2::zeros((n * LGN_SIDE * LGN_SIDE, CHANNELS));
    let (mut categories, mut orientations) = (Vec::new(), Vec::new());
    let mut row = 0;
    for p in pieces {
        x.slice_mut(ndarray::s![row..row + p.lgn.x.nrows(), ..]).assign(&p.lgn.x);
        row += p.lgn.x.nrows();
        categories.extend(p.categories);
        orientations.extend(p.orientations);
    }
    Batch { lgn: Maps { n, side: LGN_SIDE, x }, categories, orientations }
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Progress {
    pub step: usize,
    pub steps: usize,
    pub loss: f32,
    pub category_accuracy: f32,
    pub orientation_accuracy: f32,
}

/// Trains a model from its seed: [`train_sketches`] for `cfg.steps` steps, then
/// [`fine_tune_open_set`] for `cfg.open_set_steps`. `progress` is called every step (with
/// running averages; `step` counts across both phases); returning false stops early.
pub fn train(cfg: &Config, mut progress: impl FnMut(&Progress) -> bool) -> Model {
    let total = cfg.steps + cfg.open_set_steps;
    let mut stopped = false;
    let init = initial(cfg);
    let model = train_sketches(init, cfg, &mut |p| {
        let keep = progress(&Progress { steps: total, ..p.clone() });
        stopped = !keep;
        keep
    });
    if stopped {
        return model;
    }
    fine_tune_open_set(model, cfg, &mut |p| progress(&Progress { step: cfg.steps + p.step, steps: total, ..p.clone() }))
}

/// The model training starts from: `Model::init_with` of the configuration's wiring, seed and
/// width, seeing the configuration's retina.
pub fn initial(cfg: &Config) -> Model {
    let mut init = Model::init_with(cfg.wiring, cfg.seed, cfg.width);
    init.retina = cfg.retina;
    init
}

/// Phase 1, one step at a time: what [`train_sketches`] runs, and what the page's lab drives
/// a few steps per call. It owns the optimiser's state and the running averages.
pub struct Sketches {
    pub(crate) adam: Adam,
    pub(crate) avg: Averages,
    data: u64,
    /// Steps done.
    pub step: usize,
}

impl Sketches {
    pub fn new(cfg: &Config) -> Self {
        Sketches {
            adam: Adam::new(cfg.learning_rate),
            avg: Averages::default(),
            data: train_data_seed(cfg.seed),
            step: 0,
        }
    }

    /// The learning rate of step `step` of `steps`: cosine decay from `lr` to a tenth of it.
    pub fn rate(lr: f32, step: usize, steps: usize) -> f32 {
        let f = step as f32 / steps as f32;
        lr * (0.1 + 0.9 * 0.5 * (1.0 + (std::f32::consts::PI * f).cos()))
    }

    /// The next step: batch `step` of the seed's data set, its gradient (with the pressure's),
    /// one Adam update. Returns the running averages and this step's own loss.
    pub fn step(&mut self, model: &mut Model, cfg: &Config) -> (Progress, f32) {
        let step = self.step;
        self.adam.lr = Sketches::rate(cfg.learning_rate, step, cfg.steps);
        let first = (step * cfg.batch) as u64;
        let data = self.data;
        let batch = render(cfg.batch, cfg.threads, &|i| stimuli::sample(data, first + i as u64, true));
        let (mut grad, mut s) = batch_gradient(model, &batch, cfg.edge_task, &EnergyTerm::NONE, cfg.threads);
        s.loss += cfg.pressure.add_gradient(model, &mut grad);
        self.adam.step(model, &grad);
        cfg.pressure.decay(model, self.adam.lr);
        self.step += 1;
        (self.avg.add(step, cfg.steps, &s), s.loss)
    }
}

/// Phase 1: cross-entropy on sketches and edges, `cfg.steps` Adam steps at `cfg.learning_rate`
/// with cosine decay to a tenth.
pub fn train_sketches(mut model: Model, cfg: &Config, progress: &mut dyn FnMut(&Progress) -> bool) -> Model {
    let mut phase = Sketches::new(cfg);
    while phase.step < cfg.steps {
        if !progress(&phase.step(&mut model, cfg).0) {
            break;
        }
    }
    model
}

/// The loss of each of the first `steps` steps of phase 1 (each step's own, not the running
/// average): what `ventral-stream train-losses` prints and the wasm-versus-native test checks.
pub fn first_losses(cfg: &Config, steps: usize) -> Vec<f32> {
    let mut model = initial(cfg);
    let mut phase = Sketches::new(cfg);
    (0..steps.min(cfg.steps)).map(|_| phase.step(&mut model, cfg).1).collect()
}

/// Phase 2, open set (Liu et al. 2020 fine-tune a trained classifier the same way): a fresh
/// Adam at the constant rate `cfg.open_set_learning_rate` for `cfg.open_set_steps` steps; each
/// batch holds `cfg.batch` new sketches and edges (the data set continues where phase 1
/// stopped) and `cfg.outliers` generated outliers; the loss is the cross-entropy plus the
/// energy-margin term.
pub fn fine_tune_open_set(mut model: Model, cfg: &Config, progress: &mut dyn FnMut(&Progress) -> bool) -> Model {
    let mut adam = Adam::new(cfg.open_set_learning_rate);
    let data = train_data_seed(cfg.seed);
    let outlier_seed = outliers::training_seed(data);
    let mut avg = Averages::default();
    for step in 0..cfg.open_set_steps {
        let first = ((cfg.steps + step) * cfg.batch) as u64;
        let first_outlier = (step * cfg.outliers) as u64;
        let batch = render(cfg.batch + cfg.outliers, cfg.threads, &|i| {
            if i < cfg.batch {
                stimuli::sample(data, first + i as u64, true)
            } else {
                outliers::sample(outlier_seed, first_outlier + (i - cfg.batch) as u64)
            }
        });
        let energy = EnergyTerm::for_batch(cfg, &batch);
        let (grad, s) = batch_gradient(&model, &batch, cfg.edge_task, &energy, cfg.threads);
        adam.step(&mut model, &grad);
        if !progress(&avg.add(step, cfg.open_set_steps, &s)) {
            break;
        }
    }
    model
}

/// Running averages of the loss and accuracies for progress reports.
#[derive(Default)]
pub(crate) struct Averages(pub(crate) f32, pub(crate) f32, pub(crate) f32);

impl Averages {
    fn add(&mut self, step: usize, steps: usize, s: &StepStats) -> Progress {
        let k = if step == 0 { 1.0 } else { 0.02 };
        self.0 += k * (s.loss - self.0);
        self.1 += k * (s.category_right as f32 / s.category_n.max(1) as f32 - self.1);
        self.2 += k * (s.orientation_right as f32 / s.orientation_n.max(1) as f32 - self.2);
        Progress { step: step + 1, steps, loss: self.0, category_accuracy: self.1, orientation_accuracy: self.2 }
    }
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Evaluation {
    pub wiring: &'static str,
    pub category_accuracy: f32,
    pub orientation_accuracy: f32,
    /// Sketches scored for category (and as many edges for orientation).
    pub n: usize,
    pub per_category: Vec<(String, f32)>,
}

/// Held-out sketch `i` (category) and edge stimulus `i` (orientation).
pub fn held_out(i: u64) -> (Stimulus, Stimulus) {
    let sketch = stimuli::sample(EVAL_SEED, i, false);
    let bin = (i % N_ORIENTATIONS as u64) as usize;
    let mut rng = Rng::fork(EVAL_SEED ^ 0xED6E, i);
    let edge = Stimulus { pixels: stimuli::edge(bin, &mut rng), category: None, orientation: Some(bin) };
    (sketch, edge)
}

/// Accuracy on `n` held-out sketches and `n` held-out edges.
pub fn evaluate(model: &Model, n: usize, threads: usize, mut progress: impl FnMut(usize, usize)) -> Evaluation {
    let chunk = 128;
    let mut per = vec![(0usize, 0usize); CATEGORIES.len()];
    let (mut cr, mut or) = (0, 0);
    for start in (0..n).step_by(chunk) {
        let end = (start + chunk).min(n);
        // Even rows: held-out sketch; odd rows: held-out edge.
        let batch = render(2 * (end - start), threads, &|i| {
            let (sketch, edge) = held_out((start + i / 2) as u64);
            if i % 2 == 0 {
                sketch
            } else {
                edge
            }
        });
        let traces: Vec<(usize, Trace)> = run_parts(split(&batch.lgn, threads), &|(s, lgn)| (s, model.forward(lgn)));
        for (s, t) in traces {
            for b in 0..t.category_logits.nrows() {
                let row = s + b;
                if let Some(c) = batch.categories[row] {
                    let l = t.category_logits.row(b);
                    let best = (0..l.len()).max_by(|&i, &j| l[i].total_cmp(&l[j])).unwrap_or(0);
                    per[c].1 += 1;
                    if best == c {
                        per[c].0 += 1;
                        cr += 1;
                    }
                }
                if let Some(o) = batch.orientations[row] {
                    let l = t.orientation_logits.row(b);
                    let best = (0..l.len()).max_by(|&i, &j| l[i].total_cmp(&l[j])).unwrap_or(0);
                    or += (best == o) as usize;
                }
            }
        }
        progress(end, n);
    }
    Evaluation {
        wiring: model.wiring.name(),
        category_accuracy: cr as f32 / n.max(1) as f32,
        orientation_accuracy: or as f32 / n.max(1) as f32,
        n,
        per_category: CATEGORIES
            .iter()
            .zip(&per)
            .map(|(name, (r, t))| (name.to_string(), *r as f32 / (*t).max(1) as f32))
            .collect(),
    }
}

/// The threshold rule, the one place it is written: the smallest score at or below which at
/// least `share` of the held-out sketches' scores lie (so that share of them is recognised).
/// None for no scores.
pub fn threshold_for(scores: &[f32], share: f32) -> Option<f32> {
    let mut s: Vec<f32> = scores.iter().copied().filter(|v| v.is_finite()).collect();
    if s.is_empty() {
        return None;
    }
    s.sort_by(f32::total_cmp);
    let k = ((share.clamp(0.0, 1.0) * s.len() as f32).ceil() as usize).clamp(1, s.len());
    Some(s[k - 1])
}

/// The area under the ROC curve for telling `inliers` (low scores) from `outliers` (high
/// scores): the chance that a random outlier scores above a random inlier, ties counting half.
pub fn auroc(inliers: &[f32], outliers: &[f32]) -> f32 {
    if inliers.is_empty() || outliers.is_empty() {
        return f32::NAN;
    }
    let mut all: Vec<(f32, bool)> =
        inliers.iter().map(|&v| (v, false)).chain(outliers.iter().map(|&v| (v, true))).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Mann–Whitney U from mid-ranks.
    let mut rank_sum = 0.0f64;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        let mid = (i + j + 1) as f64 / 2.0;
        rank_sum += mid * all[i..j].iter().filter(|(_, out)| *out).count() as f64;
        i = j;
    }
    let (n_out, n_in) = (outliers.len() as f64, inliers.len() as f64);
    ((rank_sum - n_out * (n_out + 1.0) / 2.0) / (n_out * n_in)) as f32
}

/// Category logits of `n` images (number `i` made by `make(i)`), with their labels.
pub fn logits_of(
    model: &Model,
    n: usize,
    threads: usize,
    make: &(dyn Fn(usize) -> Stimulus + Sync),
) -> Vec<(Vec<f32>, Option<usize>)> {
    let mut out = Vec::with_capacity(n);
    for start in (0..n).step_by(256) {
        let end = (start + 256).min(n);
        let batch = render(end - start, threads, &|i| make(start + i));
        let traces: Vec<(usize, Trace)> = run_parts(split(&batch.lgn, threads), &|(s, lgn)| (s, model.forward(lgn)));
        for (s, t) in traces {
            for b in 0..t.category_logits.nrows() {
                out.push((t.category_logits.row(b).to_vec(), batch.categories[s + b]));
            }
        }
    }
    out
}

/// Held-out sketch `i` of the calibration set (sketches only, balanced over the kinds).
pub fn calibration_sketch(i: u64) -> Stimulus {
    stimuli::sample(CALIBRATION_SEED, i, false)
}

/// The open-set threshold of a model: [`threshold_for`] over the energies of
/// [`CALIBRATION_N`] held-out sketches, at [`RECOGNISED_SHARE`]. Computed on the model as it
/// will be shipped (after quantisation), at the end of training.
pub fn calibrate(model: &Model, threads: usize) -> f32 {
    let scores: Vec<f32> = logits_of(model, CALIBRATION_N, threads, &|i| calibration_sketch(i as u64))
        .iter()
        .map(|(l, _)| energy(l))
        .collect();
    threshold_for(&scores, RECOGNISED_SHARE).expect("the calibration set is not empty")
}

/// How a model tells sketches from pictures of none of the kinds, on held-out data.
#[derive(Clone, Debug, serde::Serialize)]
pub struct OpenSetEvaluation {
    pub score: &'static str,
    pub threshold: Option<f32>,
    pub rule: String,
    /// Held-out sketches (the evaluation's, not the calibration's) and held-out outliers.
    pub n_sketches: usize,
    pub n_outliers: usize,
    pub sketches_recognised: f32,
    pub outliers_recognised: f32,
    /// Outliers recognised, per family of [`outliers::KINDS`].
    pub outliers_recognised_by_kind: Vec<(String, f32)>,
    pub auroc: f32,
    pub category_accuracy: f32,
    pub category_accuracy_among_recognised: f32,
}

/// Scores `n` held-out sketches ([`held_out`]) and `n` held-out outliers
/// ([`outliers::EVAL_SEED`]) against `threshold`.
pub fn evaluate_open_set(model: &Model, threshold: Option<f32>, n: usize, threads: usize) -> OpenSetEvaluation {
    let sketches = logits_of(model, n, threads, &|i| held_out(i as u64).0);
    let outs = logits_of(model, n, threads, &|i| outliers::sample(outliers::EVAL_SEED, i as u64));
    let s_scores: Vec<f32> = sketches.iter().map(|(l, _)| energy(l)).collect();
    let o_scores: Vec<f32> = outs.iter().map(|(l, _)| energy(l)).collect();
    let known = |e: f32| crate::run::recognised(e, threshold);
    let share = |v: &[f32]| v.iter().filter(|&&e| known(e)).count() as f32 / v.len().max(1) as f32;
    let right = |l: &[f32], c: Option<usize>| (0..l.len()).max_by(|&i, &j| l[i].total_cmp(&l[j])) == c;
    let (mut all_right, mut known_n, mut known_right) = (0, 0, 0);
    for ((l, c), &e) in sketches.iter().zip(&s_scores) {
        let r = right(l, *c);
        all_right += r as usize;
        if known(e) {
            known_n += 1;
            known_right += r as usize;
        }
    }
    let k = outliers::KINDS.len();
    OpenSetEvaluation {
        score: "energy = -logsumexp(category logits); recognised when score <= threshold",
        threshold,
        rule: format!(
            "threshold = the score at or below which {:.0} % of {CALIBRATION_N} held-out calibration sketches lie",
            100.0 * RECOGNISED_SHARE
        ),
        n_sketches: n,
        n_outliers: n,
        sketches_recognised: share(&s_scores),
        outliers_recognised: share(&o_scores),
        outliers_recognised_by_kind: outliers::KINDS
            .iter()
            .enumerate()
            .map(|(kind, name)| {
                let of_kind: Vec<f32> = o_scores.iter().skip(kind).step_by(k).copied().collect();
                (name.to_string(), share(&of_kind))
            })
            .collect(),
        auroc: auroc(&s_scores, &o_scores),
        category_accuracy: all_right as f32 / n.max(1) as f32,
        category_accuracy_among_recognised: known_right as f32 / known_n.max(1) as f32,
    }
}

/// Keeps the memory a training step frees for the next one. glibc gives a freed block of more
/// than 128 kB straight back to the OS (and trims the heap above twice that), and a step of
/// batch 32 frees dozens of 4 MB maps, so every step page-faulted them in again and the kernel
/// zeroed them: a third of a native step, measured. Natively, blocks up to 32 MB (glibc's
/// largest threshold) now come from the heap, and the heap is not trimmed below 1 GB. The
/// native commands call it first; it changes no result.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets two of the allocator's thresholds.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
    }
}

#[cfg(test)]
mod open_set_tests {
    use super::*;

    #[test]
    fn the_threshold_lets_through_the_share_it_names() {
        let scores: Vec<f32> = (1..=100).rev().map(|v| v as f32).collect();
        assert_eq!(threshold_for(&scores, 0.95), Some(95.0));
        assert_eq!(threshold_for(&scores, 1.0), Some(100.0));
        assert_eq!(threshold_for(&scores, 0.0), Some(1.0));
        // Ten scores: 95 % rounds up to all ten; 0.9 to nine.
        let ten = [3.0, -1.0, 7.0, 2.0, 2.0, 9.0, 0.5, 4.0, 8.0, 6.0];
        assert_eq!(threshold_for(&ten, 0.95), Some(9.0));
        assert_eq!(threshold_for(&ten, 0.9), Some(8.0));
        let t = threshold_for(&ten, 0.5).unwrap();
        assert_eq!(ten.iter().filter(|&&s| s <= t).count(), 5);
        assert_eq!(threshold_for(&[], 0.95), None);
        assert_eq!(threshold_for(&[f32::NAN, 1.0], 0.95), Some(1.0));
    }

    #[test]
    fn auroc_is_one_half_and_zero_where_it_should_be() {
        assert_eq!(auroc(&[1.0, 2.0, 3.0], &[4.0, 5.0]), 1.0);
        assert_eq!(auroc(&[4.0, 5.0], &[1.0, 2.0, 3.0]), 0.0);
        assert_eq!(auroc(&[1.0, 1.0], &[1.0, 1.0]), 0.5);
        // One of the four pairs is in the wrong order.
        assert_eq!(auroc(&[1.0, 3.0], &[2.0, 4.0]), 0.75);
    }

    #[test]
    fn the_energy_loss_gradient_matches_finite_differences() {
        let logits =
            Array2::from_shape_vec((3, 4), vec![1.0, -2.0, 0.5, 3.0, 0.1, 0.2, -0.3, 0.0, 2.0, 2.0, 1.0, -1.0])
                .unwrap();
        let kind = [Some(true), Some(false), None];
        let (m, n) = ((-5.0, 2.0), (1, 1));
        let (_, g) = energy_margin(&logits, &kind, m, n);
        for r in 0..3 {
            for c in 0..4 {
                let mut up = logits.clone();
                up[[r, c]] += 1e-3;
                let mut down = logits.clone();
                down[[r, c]] -= 1e-3;
                let fd = (energy_margin(&up, &kind, m, n).0 - energy_margin(&down, &kind, m, n).0) / 2e-3;
                assert!((fd - g[[r, c]]).abs() < 2e-2, "row {r} col {c}: {fd} vs {}", g[[r, c]]);
            }
        }
        // The edge row takes no part.
        assert!(g.row(2).iter().all(|&v| v == 0.0));
    }
}
