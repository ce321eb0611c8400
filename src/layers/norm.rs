//! Per-channel normalisation over a batch (batch normalisation, Ioffe &
//! Szegedy 2015): every channel is shifted and scaled to mean 0 and variance
//! 1 over all images and positions of the batch, then given a learned gain
//! and bias,
//!
//!   y = γ_c (x − μ_c) / √(σ²_c + ε) + β_c.
//!
//! The statistics are always the batch's own (no running averages): the
//! degradation experiment evaluates on batches of the training size, so
//! training and evaluation normalise alike.

use ndarray::{Array1, Array2, Axis};

const EPS: f32 = 1e-5;

#[derive(Clone, Debug, PartialEq)]
pub struct Norm {
    pub gain: Array1<f32>,
    pub bias: Array1<f32>,
}

/// What the backward pass needs from the forward one.
#[derive(Clone, Debug)]
pub struct NormTrace {
    /// (x − μ) / √(σ² + ε), per row and channel.
    pub xhat: Array2<f32>,
    /// 1 / √(σ² + ε) per channel.
    pub inv_sd: Array1<f32>,
}

impl Norm {
    /// Gain 1, bias 0: starts as a plain standardisation.
    pub fn identity(channels: usize) -> Self {
        Norm { gain: Array1::ones(channels), bias: Array1::zeros(channels) }
    }

    pub fn zeros(channels: usize) -> Self {
        Norm { gain: Array1::zeros(channels), bias: Array1::zeros(channels) }
    }

    /// `x`: rows are (image, position), columns channels.
    pub fn forward(&self, x: &Array2<f32>) -> (Array2<f32>, NormTrace) {
        let n = x.nrows().max(1) as f32;
        let mean = x.sum_axis(Axis(0)) / n;
        let centred = x - &mean;
        let var = centred.mapv(|v| v * v).sum_axis(Axis(0)) / n;
        let inv_sd = var.mapv(|v| 1.0 / (v + EPS).sqrt());
        let xhat = &centred * &inv_sd;
        let y = &xhat * &self.gain + &self.bias;
        (y, NormTrace { xhat, inv_sd })
    }

    /// Accumulates dγ, dβ into `grad` and returns dL/dx. With g = dL/dx̂:
    /// dL/dx = (g − mean(g) − x̂ · mean(g · x̂)) / σ, means over the batch.
    pub fn backward(&self, t: &NormTrace, dy: &Array2<f32>, grad: &mut Norm) -> Array2<f32> {
        let n = dy.nrows().max(1) as f32;
        grad.bias += &dy.sum_axis(Axis(0));
        grad.gain += &(dy * &t.xhat).sum_axis(Axis(0));
        let g = dy * &self.gain;
        let g_mean = g.sum_axis(Axis(0)) / n;
        let gx_mean = (&g * &t.xhat).sum_axis(Axis(0)) / n;
        (&(&g - &g_mean) - &(&t.xhat * &gx_mean)) * &t.inv_sd
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn random(rows: usize, cols: usize, rng: &mut Rng) -> Array2<f32> {
        Array2::from_shape_fn((rows, cols), |_| rng.normal())
    }

    #[test]
    fn the_output_has_the_gain_as_its_spread_and_the_bias_as_its_mean() {
        let mut rng = Rng::new(3);
        let x = random(50, 3, &mut rng) * 4.0 + 7.0;
        let norm = Norm { gain: Array1::from(vec![1.0, 2.0, 0.5]), bias: Array1::from(vec![0.0, -1.0, 3.0]) };
        let (y, _) = norm.forward(&x);
        for c in 0..3 {
            let col = y.column(c);
            let mean = col.sum() / 50.0;
            let sd = (col.mapv(|v| (v - mean) * (v - mean)).sum() / 50.0).sqrt();
            assert!((mean - norm.bias[c]).abs() < 1e-4, "channel {c}: mean {mean}");
            assert!((sd - norm.gain[c]).abs() < 1e-3, "channel {c}: sd {sd}");
        }
    }

    /// The analytic gradient of L = Σ w ⊙ y against central differences, for
    /// the input, the gain and the bias.
    #[test]
    fn the_backward_pass_matches_finite_differences() {
        let mut rng = Rng::new(11);
        let x = random(12, 3, &mut rng) * 2.0 + 1.0;
        let w = random(12, 3, &mut rng);
        let mut norm = Norm::identity(3);
        norm.gain = Array1::from(vec![0.7, 1.3, -0.4]);
        norm.bias = Array1::from(vec![0.1, -0.2, 0.3]);
        let loss = |n: &Norm, x: &Array2<f32>| -> f64 {
            let (y, _) = n.forward(x);
            (&y * &w).iter().map(|&v| v as f64).sum()
        };
        let (_, t) = norm.forward(&x);
        let mut grad = Norm::zeros(3);
        let dx = norm.backward(&t, &w, &mut grad);
        let h = 1e-2f32;
        let close = |a: f64, b: f64, what: &str| {
            assert!((a - b).abs() < 2e-3 + 2e-2 * b.abs(), "{what}: analytic {a}, numeric {b}");
        };
        for i in 0..12 {
            for c in 0..3 {
                let (mut up, mut down) = (x.clone(), x.clone());
                up[[i, c]] += h;
                down[[i, c]] -= h;
                let numeric = (loss(&norm, &up) - loss(&norm, &down)) / (2.0 * h as f64);
                close(dx[[i, c]] as f64, numeric, &format!("dx[{i},{c}]"));
            }
        }
        for c in 0..3 {
            for (which, analytic) in [("gain", grad.gain[c]), ("bias", grad.bias[c])] {
                let (mut up, mut down) = (norm.clone(), norm.clone());
                let (pu, pd) =
                    if which == "gain" { (&mut up.gain, &mut down.gain) } else { (&mut up.bias, &mut down.bias) };
                pu[c] += h;
                pd[c] -= h;
                let numeric = (loss(&up, &x) - loss(&down, &x)) / (2.0 * h as f64);
                close(analytic as f64, numeric, &format!("{which}[{c}]"));
            }
        }
    }
}
