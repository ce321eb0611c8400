//! A 1×1 map: every pixel's channel vector times one matrix, plus a bias.
//! This is how a station reads the stream (L4) and writes to it (L5), how the
//! thalamic input is embedded, and how the heads read the pooled stream.

use super::conv::DIRECT;
use super::direct;
use ndarray::{Array1, Array2, Axis};

#[derive(Clone, Debug, PartialEq)]
pub struct Pointwise {
    /// in × out.
    pub w: Array2<f32>,
    /// out, or None for a map without bias (the embedding).
    pub b: Option<Array1<f32>>,
}

impl Pointwise {
    pub fn zeros(inputs: usize, outputs: usize, bias: bool) -> Self {
        Pointwise { w: Array2::zeros((inputs, outputs)), b: bias.then(|| Array1::zeros(outputs)) }
    }

    /// y = x·W + b, one row per pixel (or per image, for the heads).
    pub fn forward(&self, x: &Array2<f32>) -> Array2<f32> {
        self.apply(x, false)
    }

    /// ReLU(x·W + b), fused into the kernel where it is direct.
    pub fn forward_relu(&self, x: &Array2<f32>) -> Array2<f32> {
        self.apply(x, true)
    }

    /// In the wasm build the direct kernel (a 1×1 map is a convolution with
    /// one tap): on these small products (≤ 1024 × 32 · 32 × 32) it beats
    /// sgemm's packing and dispatch. Natively sgemm.
    fn apply(&self, x: &Array2<f32>, relu: bool) -> Array2<f32> {
        let cout = self.w.ncols();
        if DIRECT && x.is_standard_layout() && x.ncols() > 0 {
            let zeros;
            let bias = match &self.b {
                Some(b) => b.as_slice().expect("contiguous bias"),
                None => {
                    zeros = vec![0.0; cout];
                    &zeros
                }
            };
            let mut y = Array2::zeros((x.nrows(), cout));
            direct::pointwise(
                x.as_slice().expect("standard layout"),
                x.ncols(),
                self.w.as_slice().expect("contiguous weights"),
                bias,
                y.as_slice_mut().expect("fresh array"),
                relu,
            );
            return y;
        }
        let mut y = x.dot(&self.w);
        if let Some(b) = &self.b {
            y += b;
        }
        if relu {
            super::relu(&mut y);
        }
        y
    }

    /// Accumulates dW = xᵀ·dy and db = Σ dy into `grad`; returns dx = dy·Wᵀ. In the wasm
    /// build both products are simd kernels of [`direct`]; natively sgemm.
    pub fn backward(&self, x: &Array2<f32>, dy: &Array2<f32>, grad: &mut Pointwise) -> Array2<f32> {
        match (x.as_slice(), dy.as_slice(), grad.w.as_slice_mut()) {
            (Some(xs), Some(dys), Some(dw)) if DIRECT && x.ncols() > 0 => {
                direct::weight_gradient(xs, x.ncols(), dys, dw)
            }
            _ => grad.w += &x.t().dot(dy),
        }
        if let Some(gb) = &mut grad.b {
            *gb += &dy.sum_axis(Axis(0));
        }
        if DIRECT && dy.is_standard_layout() && dy.ncols() > 0 {
            // dx = dy·Wᵀ is the 1×1 map with weights Wᵀ and no bias: the forward's simd kernel.
            let transposed = Pointwise { w: self.w.t().as_standard_layout().into_owned(), b: None };
            return transposed.forward(dy);
        }
        dy.dot(&self.w.t())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::check_gradient;
    use crate::rng::Rng;

    fn random(rows: usize, cols: usize, rng: &mut Rng) -> Array2<f32> {
        Array2::from_shape_fn((rows, cols), |_| rng.normal())
    }

    /// x·W + b by loops.
    fn reference(layer: &Pointwise, x: &Array2<f32>) -> Array2<f32> {
        Array2::from_shape_fn((x.nrows(), layer.w.ncols()), |(r, o)| {
            let mut v = layer.b.as_ref().map_or(0.0, |b| b[o]);
            for i in 0..x.ncols() {
                v += x[[r, i]] * layer.w[[i, o]];
            }
            v
        })
    }

    /// Sizes that the simd kernel takes (outputs a multiple of 8, rows not a
    /// multiple of 4) and that it leaves to the portable loop; with and
    /// without bias and ReLU; the direct kernel called outright as well.
    /// The weight-gradient kernel (the plain loop natively, simd128 in wasm: tests/browser.rs)
    /// against xᵀ·dy, added onto what dW held: rows across several blocks and not a whole
    /// one, inputs not a multiple of 4, outputs that are and are not a multiple of 8.
    #[test]
    fn weight_gradient_kernel_matches_the_product() {
        let mut rng = Rng::new(4);
        for (rows, cin, cout) in [(1, 1, 1), (7, 5, 8), (200, 32, 32), (129, 6, 10), (64, 288, 16)] {
            let (x, dy) = (random(rows, cin, &mut rng), random(rows, cout, &mut rng));
            let mut dw = random(cin, cout, &mut rng);
            let want = &dw + &x.t().dot(&dy);
            let scale = dw.mapv(f32::abs) + x.mapv(f32::abs).t().dot(&dy.mapv(f32::abs));
            direct::weight_gradient(x.as_slice().unwrap(), cin, dy.as_slice().unwrap(), dw.as_slice_mut().unwrap());
            for ((a, b), s) in dw.iter().zip(&want).zip(&scale) {
                assert!((a - b).abs() <= 1e-5 * s.max(1e-3), "{rows} rows {cin}→{cout}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn forward_matches_loops() {
        let mut rng = Rng::new(3);
        for (rows, cin, cout, bias) in
            [(7, 5, 4, true), (1027, 32, 32, true), (13, 8, 32, false), (6, 3, 16, true), (5, 32, 10, true)]
        {
            let mut layer = Pointwise::zeros(cin, cout, bias);
            layer.w = random(cin, cout, &mut rng);
            if let Some(b) = &mut layer.b {
                b.mapv_inplace(|_| rng.normal());
            }
            let x = random(rows, cin, &mut rng);
            let want = reference(&layer, &x);
            // Σ of the terms' magnitudes: the scale of any summation order's rounding.
            let abs = Pointwise { w: layer.w.mapv(f32::abs), b: layer.b.as_ref().map(|b| b.mapv(f32::abs)) };
            let scale = reference(&abs, &x.mapv(f32::abs));
            let mut direct_y = Array2::from_elem((rows, cout), f32::NAN);
            let zeros = Array1::zeros(cout);
            direct::pointwise(
                x.as_slice().unwrap(),
                cin,
                layer.w.as_slice().unwrap(),
                layer.b.as_ref().unwrap_or(&zeros).as_slice().unwrap(),
                direct_y.as_slice_mut().unwrap(),
                false,
            );
            for (got, relu) in [(layer.forward(&x), false), (layer.forward_relu(&x), true), (direct_y, false)] {
                for (((r, o), &w), a) in want.indexed_iter().zip(&got) {
                    let w = if relu { w.max(0.0) } else { w };
                    let tol = 1e-5 * scale[[r, o]].max(1e-3);
                    assert!((a - w).abs() <= tol, "{rows}×{cin}→{cout} [{r}, {o}] relu {relu}: {a} vs {w}");
                }
            }
        }
    }

    #[test]
    fn gradients_match_finite_differences() {
        let mut rng = Rng::new(4);
        let mut layer = Pointwise::zeros(6, 3, true);
        layer.w = random(6, 3, &mut rng);
        layer.b = Some(Array1::from_shape_fn(3, |_| rng.normal()));
        let x = random(9, 6, &mut rng);
        let target = random(9, 3, &mut rng);
        // loss = Σ target ⊙ y, so dy = target.
        let loss = |layer: &Pointwise, x: &Array2<f32>| -> f64 {
            (layer.forward(x) * &target).iter().map(|&v| v as f64).sum()
        };
        let mut grad = Pointwise::zeros(6, 3, true);
        let dx = layer.backward(&x, &target, &mut grad);

        let mut w = layer.w.clone();
        check_gradient(
            w.as_slice_mut().unwrap(),
            grad.w.as_slice().unwrap(),
            |p| {
                let mut l = layer.clone();
                l.w.as_slice_mut().unwrap().copy_from_slice(p);
                loss(&l, &x)
            },
            "dW",
        );
        let mut b = layer.b.clone().unwrap();
        check_gradient(
            b.as_slice_mut().unwrap(),
            grad.b.as_ref().unwrap().as_slice().unwrap(),
            |p| {
                let mut l = layer.clone();
                l.b.as_mut().unwrap().as_slice_mut().unwrap().copy_from_slice(p);
                loss(&l, &x)
            },
            "db",
        );
        let mut xs = x.clone();
        check_gradient(
            xs.as_slice_mut().unwrap(),
            dx.as_slice().unwrap(),
            |p| loss(&layer, &Array2::from_shape_vec((9, 6), p.to_vec()).unwrap()),
            "dx",
        );
    }
}
