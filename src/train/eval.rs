//! Held-out evaluation: accuracy on sketches and edges the training never drew.

use super::batch::{render, run_parts, split};
use super::EVAL_SEED;
use crate::model::{Model, Trace};
use crate::rng::Rng;
use crate::stimuli::{self, Stimulus, CATEGORIES, N_ORIENTATIONS};

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
