//! A batch: stimuli rendered into LGN maps on threads, and the gradient of its loss, its parts
//! computed on threads and summed in a fixed order.

use super::loss::{cross_entropy, energy_kind, energy_margin, EnergyTerm};
use crate::input;
use crate::layers::Maps;
use crate::model::Model;
use crate::retina::{lgn_batch, CHANNELS, LGN_SIDE};
use crate::stimuli::Stimulus;
use ndarray::Array2;

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
pub(super) fn split(lgn: &Maps, parts: usize) -> Vec<(usize, Maps)> {
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
pub(super) fn run_parts<P: Send, T: Send>(parts: Vec<P>, work: &(dyn Fn(P) -> T + Sync)) -> Vec<T> {
    if parts.len() == 1 {
        return parts.into_iter().map(work).collect();
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = parts.into_iter().map(|p| s.spawn(move || work(p))).collect();
        handles.into_iter().map(|h| h.join().expect("a training thread panicked")).collect()
    })
}

#[cfg(target_arch = "wasm32")]
pub(super) fn run_parts<P, T>(parts: Vec<P>, work: &(dyn Fn(P) -> T + Sync)) -> Vec<T> {
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
