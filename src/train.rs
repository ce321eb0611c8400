//! Training (DESIGN 1.5): softmax cross-entropy on both heads, Adam, seeded.
//!
//! A batch mixes sketches (which carry a category) and edge stimuli (which
//! carry an orientation); each head's loss averages over the samples that
//! have its label. `edge_task: false` drops the orientation loss, so edges are
//! no longer task-relevant (the control for prediction P1).
//!
//! Natively a batch is split across two threads, whose gradients are summed
//! in a fixed order, so a seed gives the same weights on one machine. In the
//! browser the same code runs on one thread.

use crate::input;
use crate::layers::Maps;
use crate::model::{Model, Trace, Wiring};
use crate::retina::{lgn_batch, CHANNELS, LGN_SIDE};
use crate::rng::Rng;
use crate::stimuli::{self, Stimulus, CATEGORIES, N_ORIENTATIONS};
use ndarray::Array2;

/// The data set the held-out evaluation draws from; no training seed maps here.
pub const EVAL_SEED: u64 = 0x0E7A_15E7_0000_0001;

/// The data set a training seed draws from: never [`EVAL_SEED`].
pub fn train_data_seed(seed: u64) -> u64 {
    let s = seed.wrapping_mul(0x9E37_79B9).wrapping_add(0x7A1A);
    if s == EVAL_SEED {
        s + 1
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
    /// Threads for one batch (1 in the browser).
    pub threads: usize,
}

impl Config {
    pub fn new(wiring: Wiring, seed: u64) -> Self {
        Config { wiring, seed, steps: 3000, batch: 32, learning_rate: 2e-3, edge_task: true, threads: 2 }
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

/// Adam (Kingma & Ba 2015) over every trainable tensor of a model.
pub struct Adam {
    pub lr: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    t: i32,
    m: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
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
) -> (Model, StepStats) {
    let trace = model.forward(lgn);
    let (lc, rc, mut dc) = cross_entropy(&trace.category_logits, cats);
    let (lo, ro, mut d_o) = cross_entropy(&trace.orientation_logits, oris);
    // cross_entropy normalises by the part's labelled count; reweight to the
    // whole batch's so that parts add up to the batch mean.
    dc *= weight.0;
    d_o *= if edge_task { weight.1 } else { 0.0 };
    let mut grad = Model::zeros(model.wiring);
    model.backward(&trace, &dc, &d_o, &mut grad);
    let (nc, no) = (cats.iter().flatten().count(), oris.iter().flatten().count());
    let stats = StepStats {
        loss: lc * weight.0 + if edge_task { lo * weight.1 } else { 0.0 },
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

/// The gradient of the batch's mean loss, computed on `threads` threads.
pub fn batch_gradient(model: &Model, batch: &Batch, edge_task: bool, threads: usize) -> (Model, StepStats) {
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
        part_gradient(model, lgn, &batch.categories[start..end], &batch.orientations[start..end], edge_task, weight)
    };
    let results: Vec<(Model, StepStats)> = run_parts(parts, &work);
    let mut grad = Model::zeros(model.wiring);
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

#[derive(Clone, Debug)]
pub struct Progress {
    pub step: usize,
    pub steps: usize,
    pub loss: f32,
    pub category_accuracy: f32,
    pub orientation_accuracy: f32,
}

/// Trains a model from its seed. `progress` is called every step (with
/// running averages); returning false stops early.
pub fn train(cfg: &Config, mut progress: impl FnMut(&Progress) -> bool) -> Model {
    let mut model = Model::init(cfg.wiring, cfg.seed);
    let mut adam = Adam::new(cfg.learning_rate);
    let data = train_data_seed(cfg.seed);
    let mut avg = (0.0f32, 0.0f32, 0.0f32);
    for step in 0..cfg.steps {
        // Cosine decay to a tenth of the rate over the run.
        let f = step as f32 / cfg.steps as f32;
        adam.lr = cfg.learning_rate * (0.1 + 0.9 * 0.5 * (1.0 + (std::f32::consts::PI * f).cos()));
        let first = (step * cfg.batch) as u64;
        let batch = render(cfg.batch, cfg.threads, &|i| stimuli::sample(data, first + i as u64, true));
        let (grad, s) = batch_gradient(&model, &batch, cfg.edge_task, cfg.threads);
        adam.step(&mut model, &grad);
        let k = if step == 0 { 1.0 } else { 0.02 };
        avg.0 += k * (s.loss - avg.0);
        avg.1 += k * (s.category_right as f32 / s.category_n.max(1) as f32 - avg.1);
        avg.2 += k * (s.orientation_right as f32 / s.orientation_n.max(1) as f32 - avg.2);
        let p = Progress {
            step: step + 1,
            steps: cfg.steps,
            loss: avg.0,
            category_accuracy: avg.1,
            orientation_accuracy: avg.2,
        };
        if !progress(&p) {
            break;
        }
    }
    model
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
