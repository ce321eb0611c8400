//! DG: deeper plain networks train worse (He et al. 2016, Fig. 1), residual
//! ones do not. Small networks of `depth` stations (width 16, at 8×8 after
//! pooling the LGN twice) are trained on the sketch categories with the same
//! data, initialisation scheme, optimiser and budget; the only difference
//! is the wiring: plain (s = w) or residual (s = s + w).
//!
//! `Net` and `Trainer` also run in the browser, one step at a time, so the
//! page can draw the loss curves as they fall.

use super::{tick, Failure, Size};
use crate::layers::conv::Conv3;
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
use serde_json::{json, Map, Value};

pub const WIDTH: usize = 16;
pub const STEPS_QUICK: usize = 150;
pub const STEPS_FULL: usize = 600;
pub const BATCH: usize = 32;

#[derive(Clone, Debug)]
pub struct Net {
    pub residual: bool,
    pub embed: Pointwise,
    pub blocks: Vec<Station>,
    pub head: Pointwise,
}

fn gaussian(shape: (usize, usize), sd: f32, rng: &mut Rng) -> Array2<f32> {
    Array2::from_shape_fn(shape, |_| sd * rng.normal())
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
                Station { name: "block", read, compute: Compute::Plain(conv), write }
            })
            .collect();
        let mut embed = Pointwise::zeros(CHANNELS, w, false);
        embed.w = gaussian((CHANNELS, w), (2.0 / CHANNELS as f32).sqrt(), &mut rng);
        let mut head = Pointwise::zeros(w, CATEGORIES.len(), true);
        head.w = gaussian((w, CATEGORIES.len()), 0.01, &mut rng);
        Net { residual, embed, blocks, head }
    }

    fn zeros_like(&self) -> Net {
        let mut g = self.clone();
        g.visit_mut(&mut |_, _, v, _| v.iter_mut().for_each(|x| *x = 0.0));
        g
    }

    fn visit_mut(&mut self, f: &mut crate::station::Visit<'_>) {
        crate::station::visit_pointwise("embed", &mut self.embed, f);
        for b in &mut self.blocks {
            b.visit_mut(f);
        }
        crate::station::visit_pointwise("head", &mut self.head, f);
    }

    /// The wiring step of every block: the same rule as the model's.
    fn wiring(&self) -> Step {
        Step { join: if self.residual { Join::Add } else { Join::Replace }, lesion: Lesion::Intact }
    }

    /// Returns the loss, the number right, and (if `grad`) accumulates gradients.
    pub fn step(&self, lgn8: &Maps, labels: &[Option<usize>], grad: Option<&mut Net>) -> (f32, usize) {
        let s0 = lgn8.with(self.embed.forward(&lgn8.x));
        let mut traces: Vec<StationTrace> = Vec::with_capacity(self.blocks.len());
        for b in &self.blocks {
            let input = traces.last().map_or(s0.clone(), |t| t.l5.clone());
            let l4 = b.read(&input);
            traces.push(self.wiring().forward(b, input, l4, None, None));
        }
        let last = traces.last().map_or(&s0, |t| &t.l5);
        let pooled = global_avg(last);
        let logits = self.head.forward(&pooled);
        let (loss, right, dlogits) = cross_entropy(&logits, labels);
        if let Some(g) = grad {
            let dp = self.head.backward(&pooled, &dlogits, &mut g.head);
            let mut ds = global_avg_backward(&dp, last.side).x;
            for (k, b) in self.blocks.iter().enumerate().rev() {
                ds = self.wiring().backward(b, &traces[k], &ds, None, &mut g.blocks[k]);
            }
            self.embed.backward(&lgn8.x, &ds, &mut g.embed);
        }
        (loss, right)
    }
}

/// LGN maps pooled to 8×8: the small networks' input.
pub fn small_input(lgn: &Maps) -> Maps {
    avg_pool2(&avg_pool2(lgn))
}

/// One network in training, one batch per `step()`; the data are seeded so
/// every network of a comparison sees the same batches.
pub struct Trainer {
    pub net: Net,
    adam: Adam,
    data_seed: u64,
    pub steps_done: usize,
}

impl Trainer {
    pub fn new(depth: usize, residual: bool, seed: u64) -> Trainer {
        Trainer { net: Net::new(depth, residual, seed), adam: Adam::new(2e-3), data_seed: seed ^ 0xDE6, steps_done: 0 }
    }

    /// The batch for step `i`, the same for every network.
    pub fn batch(data_seed: u64, i: usize) -> (Maps, Vec<Option<usize>>) {
        let b = render(BATCH, 1, &|j| stimuli::sample(data_seed, (i * BATCH + j) as u64, false));
        (small_input(&b.lgn), b.categories)
    }

    /// One Adam step; returns (loss, training error) on this batch.
    pub fn step_on(&mut self, lgn8: &Maps, labels: &[Option<usize>]) -> (f32, f32) {
        let mut g = self.net.zeros_like();
        let (loss, right) = self.net.step(lgn8, labels, Some(&mut g));
        // Adam works on any set of tensors visited in a fixed order.
        self.adam.step_tensors(&mut |f| self.net.visit_mut(f), &mut |f| g.visit_mut(f));
        self.steps_done += 1;
        (loss, 1.0 - right as f32 / labels.len().max(1) as f32)
    }

    pub fn step(&mut self) -> (f32, f32) {
        let (x, y) = Trainer::batch(self.data_seed, self.steps_done);
        self.step_on(&x, &y)
    }
}

pub fn run(seed: u64, size: Size, progress: &mut dyn FnMut(f32) -> bool) -> Result<Value, Failure> {
    let depths: Vec<usize> = size.pick(vec![1, 4, 12], vec![1, 2, 4, 8, 16]);
    let steps = size.pick(STEPS_QUICK, STEPS_FULL);
    let data_seed = seed ^ 0xDE6;
    // Render the data once; every network sees the same batches.
    let mut data = Vec::with_capacity(steps);
    for i in 0..steps {
        data.push(Trainer::batch(data_seed, i));
        if i % 20 == 0 {
            tick(progress, 0.2 * i as f32 / steps as f32)?;
        }
    }
    let mut plain = Map::new();
    let mut residual = Map::new();
    let mut curves = Map::new();
    let total = (2 * depths.len()) as f32;
    let mut job = 0.0;
    for &depth in &depths {
        for res in [false, true] {
            let mut t = Trainer::new(depth, res, seed);
            let mut errs = Vec::with_capacity(steps);
            let mut curve = Vec::new();
            for (i, (x, y)) in data.iter().enumerate() {
                let (loss, err) = t.step_on(x, y);
                errs.push(err);
                if i % 10 == 9 {
                    curve.push(loss);
                }
                if i % 25 == 0 {
                    tick(progress, 0.2 + 0.8 * (job + i as f32 / steps as f32) / total)?;
                }
            }
            job += 1.0;
            // Final training error: mean over the last fifth of the run.
            let tail = &errs[steps - steps / 5..];
            let final_err = tail.iter().sum::<f32>() / tail.len() as f32;
            let key = depth.to_string();
            if res {
                residual.insert(key.clone(), json!(final_err))
            } else {
                plain.insert(key.clone(), json!(final_err))
            };
            curves.insert(format!("{}-{}", if res { "residual" } else { "plain" }, depth), json!(curve));
        }
    }
    Ok(json!({
        "depths": depths,
        "steps": steps,
        "batch": BATCH,
        "width": WIDTH,
        "plain": plain,
        "residual": residual,
        "loss_curves_every_10_steps": curves,
    }))
}
