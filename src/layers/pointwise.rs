//! A 1×1 map: every pixel's channel vector times one matrix, plus a bias.
//! This is how a station reads the stream (L4) and writes to it (L5), how the
//! thalamic input is embedded, and how the heads read the pooled stream.

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
        let mut y = x.dot(&self.w);
        if let Some(b) = &self.b {
            y += b;
        }
        y
    }

    /// Accumulates dW = xᵀ·dy and db = Σ dy into `grad`; returns dx = dy·Wᵀ.
    pub fn backward(&self, x: &Array2<f32>, dy: &Array2<f32>, grad: &mut Pointwise) -> Array2<f32> {
        grad.w += &x.t().dot(dy);
        if let Some(gb) = &mut grad.b {
            *gb += &dy.sum_axis(Axis(0));
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

    #[test]
    fn forward_matches_loops() {
        let mut rng = Rng::new(3);
        let mut layer = Pointwise::zeros(5, 4, true);
        layer.w = random(5, 4, &mut rng);
        layer.b = Some(Array1::from_shape_fn(4, |_| rng.normal()));
        let x = random(7, 5, &mut rng);
        let y = layer.forward(&x);
        for r in 0..7 {
            for o in 0..4 {
                let mut v = layer.b.as_ref().unwrap()[o];
                for i in 0..5 {
                    v += x[[r, i]] * layer.w[[i, o]];
                }
                assert!((y[[r, o]] - v).abs() < 1e-5);
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
        check_gradient(w.as_slice_mut().unwrap(), grad.w.as_slice().unwrap(), |p| {
            let mut l = layer.clone();
            l.w.as_slice_mut().unwrap().copy_from_slice(p);
            loss(&l, &x)
        }, "dW");
        let mut b = layer.b.clone().unwrap();
        check_gradient(b.as_slice_mut().unwrap(), grad.b.as_ref().unwrap().as_slice().unwrap(), |p| {
            let mut l = layer.clone();
            l.b.as_mut().unwrap().as_slice_mut().unwrap().copy_from_slice(p);
            loss(&l, &x)
        }, "db");
        let mut xs = x.clone();
        check_gradient(xs.as_slice_mut().unwrap(), dx.as_slice().unwrap(), |p| {
            loss(&layer, &Array2::from_shape_vec((9, 6), p.to_vec()).unwrap())
        }, "dx");
    }
}
