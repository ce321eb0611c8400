//! The network's layers, each with its `forward` beside its `backward`.
//!
//! Activations are [`Maps`]: a batch of square feature maps stored as one
//! matrix with a row per pixel — row `(b * side + y) * side + x` — and a
//! column per channel. Natively a 1×1 map is then one matrix product, a 3×3
//! convolution one product after unfolding (im2col); in wasm both go through
//! the simd128 kernels of [`direct`] and [`winograd`]. A whole batch goes
//! through in one call either way.

pub mod columns;
pub mod conv;
pub mod direct;
pub mod gated;
pub mod norm;
pub mod pointwise;
pub mod pool;
pub mod rms;
pub mod winograd;

use ndarray::Array2;

#[derive(Clone, Debug, PartialEq)]
pub struct Maps {
    /// Images in the batch.
    pub n: usize,
    /// Height and width of every map.
    pub side: usize,
    /// (n · side · side) × channels.
    pub x: Array2<f32>,
}

impl Maps {
    pub fn zeros(n: usize, side: usize, channels: usize) -> Self {
        Maps { n, side, x: Array2::zeros((n * side * side, channels)) }
    }
    pub fn channels(&self) -> usize {
        self.x.ncols()
    }
    pub fn pixels(&self) -> usize {
        self.side * self.side
    }
    /// Same shape, new values.
    pub fn with(&self, x: Array2<f32>) -> Self {
        debug_assert_eq!(x.nrows(), self.x.nrows());
        Maps { n: self.n, side: self.side, x }
    }
    /// Image `b` alone, as a batch of one.
    pub fn image(&self, b: usize) -> Maps {
        let p = self.pixels();
        Maps { n: 1, side: self.side, x: self.x.slice(ndarray::s![b * p..(b + 1) * p, ..]).to_owned() }
    }
    /// One channel: the sum over channels at every pixel.
    pub fn channel_sum(&self) -> Maps {
        self.with(self.x.sum_axis(ndarray::Axis(1)).insert_axis(ndarray::Axis(1)))
    }
    /// The largest magnitude of any value (0 for none).
    pub fn max_abs(&self) -> f32 {
        self.x.iter().fold(0.0f32, |m, v| m.max(v.abs()))
    }
    /// Value of channel `c` at (y, x) of image `b`.
    pub fn at(&self, b: usize, y: usize, x: usize, c: usize) -> f32 {
        self.x[[(b * self.side + y) * self.side + x, c]]
    }
    /// The most active unit of image `b`: (channel, y, x, value); the first one on ties.
    pub fn strongest(&self, b: usize) -> (usize, usize, usize, f32) {
        let p = self.pixels();
        let mut best = (0, 0, 0, f32::NEG_INFINITY);
        for (i, row) in self.x.outer_iter().skip(b * p).take(p).enumerate() {
            for (c, &v) in row.iter().enumerate() {
                if v > best.3 {
                    best = (c, i / self.side, i % self.side, v);
                }
            }
        }
        best
    }
}

/// ReLU in place.
pub fn relu(x: &mut Array2<f32>) {
    x.mapv_inplace(|v| v.max(0.0));
}

/// Gradient through a ReLU, given its output: zero where the unit was off.
pub fn relu_backward(out: &Array2<f32>, dy: &mut Array2<f32>) {
    ndarray::Zip::from(dy).and(out).for_each(|d, &o| {
        if o <= 0.0 {
            *d = 0.0
        }
    });
}

/// Central finite-difference check shared by the layer tests: perturbs each
/// of `params` (a few entries chosen by stride) and compares the change in
/// `loss` with the analytic gradient `grad`.
#[cfg(test)]
pub(crate) fn check_gradient(params: &mut [f32], grad: &[f32], mut loss: impl FnMut(&[f32]) -> f64, label: &str) {
    let eps = 1e-2f32;
    let stride = (params.len() / 23).max(1);
    for i in (0..params.len()).step_by(stride) {
        let keep = params[i];
        params[i] = keep + eps;
        let up = loss(params);
        params[i] = keep - eps;
        let down = loss(params);
        params[i] = keep;
        let numeric = (up - down) / (2.0 * eps as f64);
        let analytic = grad[i] as f64;
        let tol = 2e-2 * numeric.abs().max(analytic.abs()).max(1e-2);
        assert!((numeric - analytic).abs() <= tol, "{label}[{i}]: numeric {numeric} vs analytic {analytic}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strongest_finds_the_unit_of_the_right_image() {
        let mut m = Maps::zeros(2, 3, 4);
        // row (b·side + y)·side + x
        m.x[[(3 + 1) * 3 + 2, 3]] = 9.0; // image 1, y 1, x 2, channel 3
        m.x[[3, 1]] = 2.0; // image 0, y 1, x 0, channel 1
        assert_eq!(m.strongest(1), (3, 1, 2, 9.0));
        assert_eq!(m.strongest(0), (1, 1, 0, 2.0));
    }
}
