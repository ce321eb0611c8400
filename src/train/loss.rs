//! The losses: softmax cross-entropy on each head, and the energy margins of open-set training.

use super::{Batch, Config};
use crate::openset::energy;
use ndarray::Array2;

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
pub(super) fn energy_kind(category: Option<usize>, orientation: Option<usize>) -> Option<bool> {
    match (category, orientation) {
        (Some(_), _) => Some(true),
        (None, None) => Some(false),
        (None, Some(_)) => None,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
