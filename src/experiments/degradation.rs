//! DG: deeper plain networks train worse (He et al. 2016, Fig. 1), residual
//! ones do not. Small networks of `depth` stations (width 16, at 8×8 after
//! pooling the LGN twice) are trained on a fixed training set of sketches
//! with the same data, initialisation scheme, optimiser and budget; the only
//! difference is the wiring: plain (s = w) or residual (s = s + w).
//!
//! He et al.'s degradation appears *with* batch normalisation, so that what
//! fails is depth, not the scale of the signal: every block here reads a
//! per-channel normalisation of its input (and the head one of the last
//! stream), in both wirings alike,
//!
//!   plain:    s_k = w_k(N_k(s_{k−1}))
//!   residual: s_k = s_{k−1} + w_k(N_k(s_{k−1})).
//!
//! The measure is the training error: the error on the whole training set
//! after training, not on the batches seen along the way.
//!
//! `Net` and `Trainer` also run in the browser, one step at a time, so the
//! page can draw the loss curves as they fall.

use super::verdict::{Claim, Positive, Runs};
use super::{tick, Condition, Failure, Measure, Models, Progress, Size};
use crate::layers::conv::Conv3;
use crate::layers::norm::{Norm, NormTrace};
use crate::layers::pointwise::Pointwise;
use crate::layers::pool::{avg_pool2, global_avg, global_avg_backward};
use crate::layers::Maps;
use crate::retina::CHANNELS;
use crate::rng::Rng;
use crate::station::{Compute, Station, StationTrace};
use crate::stimuli::{self, CATEGORIES};
use crate::train::{cross_entropy, render, Adam};
use crate::wiring::{Join, Lesion, Step};
use ndarray::Array2;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const WIDTH: usize = 16;
pub const STEPS_QUICK: usize = 150;
pub const STEPS_FULL: usize = 600;
pub const BATCH: usize = 32;
/// Batches in the fixed training set (1,024 images; 256 at the quick size):
/// few enough that 600 steps see every image about 19 times.
pub const TRAIN_BATCHES_FULL: usize = 32;
pub const TRAIN_BATCHES_QUICK: usize = 8;

#[derive(Clone, Debug)]
pub struct Net {
    pub residual: bool,
    pub embed: Pointwise,
    /// One normalisation per block, on the stream the block reads.
    pub norms: Vec<Norm>,
    pub blocks: Vec<Station>,
    /// On the last stream, before pooling.
    pub last_norm: Norm,
    pub head: Pointwise,
}

fn gaussian(shape: (usize, usize), sd: f32, rng: &mut Rng) -> Array2<f32> {
    Array2::from_shape_fn(shape, |_| sd * rng.normal())
}

fn visit_norm(name: &str, n: &mut Norm, f: &mut crate::station::Visit<'_>) {
    let len = n.gain.len();
    f(&format!("{name}.gain"), vec![len], n.gain.as_slice_mut().expect("contiguous"), true);
    f(&format!("{name}.bias"), vec![len], n.bias.as_slice_mut().expect("contiguous"), true);
}

/// One block's forward values: its normalisation and its station.
struct BlockTrace {
    norm: NormTrace,
    station: StationTrace,
}

impl Net {
    pub fn new(depth: usize, residual: bool, seed: u64) -> Net {
        let mut rng = Rng::new(seed);
        let w = WIDTH;
        let blocks = (0..depth)
            .map(|_| {
                let mut read = Pointwise::zeros(w, w, true);
                read.w = gaussian((w, w), (2.0 / w as f32).sqrt(), &mut rng);
                let mut conv = Conv3::zeros(w, w);
                conv.k = gaussian(conv.k.dim(), (2.0 / (9 * w) as f32).sqrt(), &mut rng);
                let mut write = Pointwise::zeros(w, w, true);
                write.w = gaussian((w, w), (1.0 / w as f32).sqrt(), &mut rng);
                Station::new("block", read, Compute::Plain(conv), write)
            })
            .collect();
        let mut embed = Pointwise::zeros(CHANNELS, w, false);
        embed.w = gaussian((CHANNELS, w), (2.0 / CHANNELS as f32).sqrt(), &mut rng);
        let mut head = Pointwise::zeros(w, CATEGORIES.len(), true);
        head.w = gaussian((w, CATEGORIES.len()), 0.01, &mut rng);
        Net { residual, embed, norms: vec![Norm::identity(w); depth], blocks, last_norm: Norm::identity(w), head }
    }

    fn zeros_like(&self) -> Net {
        let mut g = self.clone();
        g.visit_mut(&mut |_, _, v, _| v.iter_mut().for_each(|x| *x = 0.0));
        g
    }

    fn visit_mut(&mut self, f: &mut crate::station::Visit<'_>) {
        crate::station::visit_pointwise("embed", &mut self.embed, f);
        for (k, (n, b)) in self.norms.iter_mut().zip(&mut self.blocks).enumerate() {
            visit_norm(&format!("norm{k}"), n, f);
            b.visit_mut(f);
        }
        visit_norm("last_norm", &mut self.last_norm, f);
        crate::station::visit_pointwise("head", &mut self.head, f);
    }

    /// A block's own computation, w_k(·), goes through the model's wiring
    /// step with the Replace join (the write alone); the net's join, plain
    /// or residual, is then the one line in [`Net::step`].
    fn branch() -> Step {
        Step { join: Join::Replace, lesion: Lesion::Intact }
    }

    /// Returns the loss, the number right, and (if `grad`) accumulates gradients.
    pub fn step(&self, lgn8: &Maps, labels: &[Option<usize>], grad: Option<&mut Net>) -> (f32, usize) {
        let s0 = lgn8.with(self.embed.forward(&lgn8.x));
        let mut traces: Vec<BlockTrace> = Vec::with_capacity(self.blocks.len());
        let mut s = s0;
        for (b, n) in self.blocks.iter().zip(&self.norms) {
            let (u, norm) = n.forward(&s.x);
            let u = s.with(u);
            let l4 = b.read(&u);
            let station = Net::branch().forward(b, u, l4, None, None);
            s = if self.residual { s.with(&s.x + &station.write.x) } else { station.write.clone() };
            traces.push(BlockTrace { norm, station });
        }
        let (last, last_trace) = self.last_norm.forward(&s.x);
        let last = s.with(last);
        let pooled = global_avg(&last);
        let logits = self.head.forward(&pooled);
        let (loss, right, dlogits) = cross_entropy(&logits, labels);
        if let Some(g) = grad {
            let dp = self.head.backward(&pooled, &dlogits, &mut g.head);
            let dlast = global_avg_backward(&dp, last.side).x;
            let mut ds = self.last_norm.backward(&last_trace, &dlast, &mut g.last_norm);
            for (k, b) in self.blocks.iter().enumerate().rev() {
                let t = &traces[k];
                let du = Net::branch().backward(b, &t.station, &ds, None, &mut g.blocks[k]);
                let through_norm = self.norms[k].backward(&t.norm, &du, &mut g.norms[k]);
                ds = if self.residual { ds + through_norm } else { through_norm };
            }
            self.embed.backward(&lgn8.x, &ds, &mut g.embed);
        }
        (loss, right)
    }

    /// Error on a set of batches, forward only (each batch normalised by its own statistics).
    pub fn error_on(&self, set: &[(Maps, Vec<Option<usize>>)]) -> f32 {
        let (mut right, mut total) = (0usize, 0usize);
        for (x, y) in set {
            right += self.step(x, y, None).1;
            total += y.iter().filter(|l| l.is_some()).count();
        }
        1.0 - right as f32 / total.max(1) as f32
    }
}

/// LGN maps pooled to 8×8: the small networks' input.
pub fn small_input(lgn: &Maps) -> Maps {
    avg_pool2(&avg_pool2(lgn))
}

/// One network in training, one batch per `step()`, cycling through a fixed
/// training set of `batches` batches; the data are seeded so every network
/// of a comparison sees the same images in the same order.
pub struct Trainer {
    pub net: Net,
    adam: Adam,
    data_seed: u64,
    batches: usize,
    pub steps_done: usize,
}

impl Trainer {
    /// The full-size training set (the page's live networks).
    pub fn new(depth: usize, residual: bool, seed: u64) -> Trainer {
        Trainer::with_set(depth, residual, seed, TRAIN_BATCHES_FULL)
    }

    pub fn with_set(depth: usize, residual: bool, seed: u64, batches: usize) -> Trainer {
        Trainer {
            net: Net::new(depth, residual, seed),
            adam: Adam::new(2e-3),
            data_seed: data_seed(seed),
            batches: batches.max(1),
            steps_done: 0,
        }
    }

    /// Batch `i` of the training set drawn with `data_seed`.
    pub fn batch(data_seed: u64, i: usize) -> (Maps, Vec<Option<usize>>) {
        let b = render(BATCH, 1, &|j| stimuli::sample(data_seed, (i * BATCH + j) as u64, false));
        (small_input(&b.lgn), b.categories)
    }

    /// One Adam step; returns (loss, error) on this batch.
    pub fn step_on(&mut self, lgn8: &Maps, labels: &[Option<usize>]) -> (f32, f32) {
        let mut g = self.net.zeros_like();
        let (loss, right) = self.net.step(lgn8, labels, Some(&mut g));
        // Adam works on any set of tensors visited in a fixed order.
        self.adam.step_tensors(&mut |f| self.net.visit_mut(f), &mut |f| g.visit_mut(f));
        self.steps_done += 1;
        (loss, 1.0 - right as f32 / labels.len().max(1) as f32)
    }

    /// The next batch of the training set (rendered again on each pass: the
    /// same images, without holding them).
    pub fn step(&mut self) -> (f32, f32) {
        let (x, y) = Trainer::batch(self.data_seed, self.steps_done % self.batches);
        self.step_on(&x, &y)
    }
}

fn data_seed(seed: u64) -> u64 {
    seed ^ 0xDE6
}

/// What one run of DG reports (`www/js/experiments/degradation.js` draws it). The maps are keyed
/// by depth as a string ("16"), the loss curves by kind and depth ("plain-16").
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "degradation/"))]
pub struct Output {
    /// The depths trained, in stations (blocks), shallowest first.
    pub depths: Vec<usize>,
    /// Adam steps each network trains for.
    pub steps: usize,
    /// The positive control: the deepest plain network with its weights frozen at
    /// initialisation, which learns nothing.
    pub plain_frozen_at_init: Frozen,
    /// Images per training step.
    pub batch: usize,
    /// Channels of every block and of the stream.
    pub width: usize,
    /// Size of the fixed training set every network trains on.
    pub training_images: usize,
    /// The normalisation both wirings have, in words.
    pub normalisation: String,
    /// Final training error of the plain network (s = w) of each depth, 0..1.
    pub plain: BTreeMap<String, f32>,
    /// The same for the residual network (s = s + w).
    pub residual: BTreeMap<String, f32>,
    /// Training loss (cross-entropy) on the batch of every tenth step, per network.
    pub loss_curves_every_10_steps: BTreeMap<String, Vec<f32>>,
}

/// The deepest plain network, untrained.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "degradation/"))]
pub struct Frozen {
    pub depth: usize,
    /// Its error on the training set, 0..1 (chance is 0.9).
    pub error: f32,
}

impl Output {
    /// The deepest depth, as the maps' keys name it.
    fn deepest(&self) -> String {
        self.depths.last().copied().unwrap_or(0).to_string()
    }
    /// The residual network's final training error at the deepest depth: DG's null.
    fn deepest_residual(&self) -> f64 {
        self.residual[&self.deepest()] as f64
    }
}

/// DG, the registry's row. It trains its own small networks, so it runs only once per seed
/// (no untrained or retina variant) and reads no model.
pub struct Degradation;

impl Measure for Degradation {
    const NAME: &'static str = "degradation";
    const CLAIM: &'static str = "DG";
    const CONDITIONS: &'static [Condition] = &[Condition::Trained];
    type Output = Output;
    type Read = Output;
    fn run(_: &Models, seed: u64, size: Size, progress: Progress) -> Result<Output, Failure> {
        let depths: Vec<usize> = size.pick(vec![1, 4, 12], vec![1, 2, 4, 8, 16]);
        let steps = size.pick(STEPS_QUICK, STEPS_FULL);
        let batches = size.pick(TRAIN_BATCHES_QUICK, TRAIN_BATCHES_FULL);
        // Render the training set once; every network trains on it.
        let mut set = Vec::with_capacity(batches);
        for i in 0..batches {
            set.push(Trainer::batch(data_seed(seed), i));
            tick(progress, 0.1 * (i + 1) as f32 / batches as f32)?;
        }
        let mut plain = BTreeMap::new();
        let mut residual = BTreeMap::new();
        let mut curves = BTreeMap::new();
        let total = (2 * depths.len()) as f32;
        let mut job = 0.0;
        for &depth in &depths {
            for res in [false, true] {
                let mut t = Trainer::with_set(depth, res, seed, batches);
                let mut curve = Vec::new();
                for i in 0..steps {
                    let (x, y) = &set[i % batches];
                    let (loss, _) = t.step_on(x, y);
                    if i % 10 == 9 {
                        curve.push(loss);
                    }
                    if i % 25 == 0 {
                        tick(progress, 0.1 + 0.9 * (job + i as f32 / steps as f32) / total)?;
                    }
                }
                job += 1.0;
                let err = t.net.error_on(&set);
                if res { &mut residual } else { &mut plain }.insert(depth.to_string(), err);
                curves.insert(format!("{}-{}", if res { "residual" } else { "plain" }, depth), curve);
            }
        }
        // The positive control (data/preregistration.json): the deepest plain network with its
        // weights frozen at initialisation, its error measured by the same code. It learns
        // nothing, so its gap to the trained residual network is the largest degradation there
        // could be.
        let deepest = *depths.last().expect("at least one depth");
        let frozen = Net::new(deepest, false, seed).error_on(&set);
        Ok(Output {
            steps,
            plain_frozen_at_init: Frozen { depth: deepest, error: frozen },
            batch: BATCH,
            width: WIDTH,
            training_images: batches * BATCH,
            normalisation: "per-channel batch normalisation of every block's input and of the last stream, both \
                            wirings"
                .into(),
            plain,
            residual,
            loss_curves_every_10_steps: curves,
            depths,
        })
    }
    /// DG: with normalisation, the deepest plain net ends with a higher training
    /// error than the deepest residual net. The smallest effect of interest is
    /// the preregistration's (data/preregistration.json). No untrained
    /// control: an untrained net has no training error to compare.
    fn claim(runs: &Runs<Output>) -> Claim {
        let depth = runs.trained.first().map(Output::deepest).unwrap_or_default();
        Claim {
            id: Self::CLAIM,
            says: "deeper plain networks train worse than residual ones (He et al. 2016), with normalisation in both",
            measure: format!(
                "training error on the fixed training set at depth {depth}: plain (effect) against residual (null), \
                 both with per-channel normalisation, paired by seed"
            ),
            effect: runs.trained.iter().map(|r| r.plain[&r.deepest()] as f64).collect(),
            null: runs.trained.iter().map(Output::deepest_residual).collect(),
            control: None,
        }
    }
    /// The deepest plain network frozen at initialisation against the trained residual network
    /// of the same depth and seed.
    fn positive(runs: &Runs<Output>) -> Option<Positive> {
        // A net that learns nothing errs as chance does: 1 − 1/10 on ten balanced kinds.
        let chance = 1.0 - 1.0 / crate::stimuli::Category::ALL.len() as f64;
        Positive::from_runs(runs.trained, |r| (r.plain_frozen_at_init.error as f64, r.deepest_residual()), Some(chance))
    }
}
