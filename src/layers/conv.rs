//! The 3×3 convolution of layer 2/3 ("same" size, zero padding), done as one
//! matrix product after unfolding every 3×3 neighbourhood into a row
//! (im2col). The unfolded rows are kept: the backward pass needs them.

use super::Maps;
use ndarray::{Array1, Array2, Axis};

/// Taps of the kernel, row-major: (ky, kx) ↔ ky * 3 + kx, offsets -1..=1.
pub const TAPS: usize = 9;

#[derive(Clone, Debug, PartialEq)]
pub struct Conv3 {
    /// (9 · in) × out; row (ky * 3 + kx) * in + c.
    pub k: Array2<f32>,
    pub b: Array1<f32>,
}

/// Every pixel's 3×3 neighbourhood as one row: (n·side²) × (9·channels).
pub fn im2col(x: &Maps) -> Array2<f32> {
    let (side, c) = (x.side as isize, x.channels());
    let mut cols = Array2::<f32>::zeros((x.x.nrows(), TAPS * c));
    let src = x.x.as_slice().expect("maps are contiguous");
    let dst = cols.as_slice_mut().expect("fresh array");
    for b in 0..x.n as isize {
        for y in 0..side {
            for xx in 0..side {
                let row = ((b * side + y) * side + xx) as usize;
                let out = &mut dst[row * TAPS * c..(row + 1) * TAPS * c];
                for ky in 0..3 {
                    let sy = y + ky - 1;
                    if sy < 0 || sy >= side {
                        continue;
                    }
                    for kx in 0..3 {
                        let sx = xx + kx - 1;
                        if sx < 0 || sx >= side {
                            continue;
                        }
                        let from = ((b * side + sy) * side + sx) as usize * c;
                        let tap = (ky * 3 + kx) as usize;
                        out[tap * c..(tap + 1) * c].copy_from_slice(&src[from..from + c]);
                    }
                }
            }
        }
    }
    cols
}

/// The adjoint of [`im2col`]: adds every row's taps back onto the pixels
/// they were read from.
pub fn col2im(cols: &Array2<f32>, n: usize, side: usize, channels: usize) -> Maps {
    let mut dx = Maps::zeros(n, side, channels);
    let (s, c) = (side as isize, channels);
    let src = cols.as_slice().expect("contiguous");
    let dst = dx.x.as_slice_mut().expect("fresh array");
    for b in 0..n as isize {
        for y in 0..s {
            for xx in 0..s {
                let row = ((b * s + y) * s + xx) as usize;
                let taps = &src[row * TAPS * c..(row + 1) * TAPS * c];
                for ky in 0..3 {
                    let sy = y + ky - 1;
                    if sy < 0 || sy >= s {
                        continue;
                    }
                    for kx in 0..3 {
                        let sx = xx + kx - 1;
                        if sx < 0 || sx >= s {
                            continue;
                        }
                        let to = ((b * s + sy) * s + sx) as usize * c;
                        let tap = (ky * 3 + kx) as usize;
                        for (d, v) in dst[to..to + c].iter_mut().zip(&taps[tap * c..(tap + 1) * c]) {
                            *d += v;
                        }
                    }
                }
            }
        }
    }
    dx
}

impl Conv3 {
    pub fn zeros(inputs: usize, outputs: usize) -> Self {
        Conv3 { k: Array2::zeros((TAPS * inputs, outputs)), b: Array1::zeros(outputs) }
    }

    /// Returns the unfolded input (for backward) and the output before ReLU.
    pub fn forward(&self, x: &Maps) -> (Array2<f32>, Maps) {
        let cols = im2col(x);
        let mut y = cols.dot(&self.k);
        y += &self.b;
        (cols, x.with(y))
    }

    /// Accumulates dK and db into `grad`; returns dx.
    pub fn backward(&self, cols: &Array2<f32>, x_shape: (usize, usize, usize), dy: &Array2<f32>, grad: &mut Conv3) -> Maps {
        grad.k += &cols.t().dot(dy);
        grad.b += &dy.sum_axis(Axis(0));
        let (n, side, c) = x_shape;
        col2im(&dy.dot(&self.k.t()), n, side, c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::check_gradient;
    use crate::rng::Rng;

    fn random_maps(n: usize, side: usize, c: usize, rng: &mut Rng) -> Maps {
        Maps { n, side, x: Array2::from_shape_fn((n * side * side, c), |_| rng.normal()) }
    }

    /// The textbook loop: out[b,y,x,o] = b[o] + Σ k[ky,kx,i,o] · in[b,y+ky-1,x+kx-1,i].
    fn reference(conv: &Conv3, x: &Maps) -> Maps {
        let (cin, cout) = (x.channels(), conv.b.len());
        let mut out = Maps::zeros(x.n, x.side, cout);
        let s = x.side as isize;
        for b in 0..x.n {
            for y in 0..s {
                for xx in 0..s {
                    for o in 0..cout {
                        let mut v = conv.b[o];
                        for ky in 0..3isize {
                            for kx in 0..3isize {
                                let (sy, sx) = (y + ky - 1, xx + kx - 1);
                                if sy < 0 || sy >= s || sx < 0 || sx >= s {
                                    continue;
                                }
                                for i in 0..cin {
                                    v += conv.k[[((ky * 3 + kx) as usize) * cin + i, o]]
                                        * x.at(b, sy as usize, sx as usize, i);
                                }
                            }
                        }
                        out.x[[((b * x.side) + y as usize) * x.side + xx as usize, o]] = v;
                    }
                }
            }
        }
        out
    }

    #[test]
    fn forward_matches_reference_loop() {
        let mut rng = Rng::new(11);
        let x = random_maps(2, 5, 3, &mut rng);
        let mut conv = Conv3::zeros(3, 4);
        conv.k.mapv_inplace(|_| rng.normal());
        conv.b.mapv_inplace(|_| rng.normal());
        let (_, y) = conv.forward(&x);
        let r = reference(&conv, &x);
        for (a, b) in y.x.iter().zip(r.x.iter()) {
            assert!((a - b).abs() < 1e-4, "{a} vs {b}");
        }
    }

    #[test]
    fn gradients_match_finite_differences() {
        let mut rng = Rng::new(12);
        let x = random_maps(2, 4, 3, &mut rng);
        let mut conv = Conv3::zeros(3, 2);
        conv.k.mapv_inplace(|_| rng.normal());
        conv.b.mapv_inplace(|_| rng.normal());
        let target = Array2::from_shape_fn((x.x.nrows(), 2), |_| rng.normal());
        let loss = |conv: &Conv3, x: &Maps| -> f64 {
            (conv.forward(x).1.x * &target).iter().map(|&v| v as f64).sum()
        };
        let (cols, _) = conv.forward(&x);
        let mut grad = Conv3::zeros(3, 2);
        let dx = conv.backward(&cols, (2, 4, 3), &target, &mut grad);

        let mut k = conv.k.clone();
        check_gradient(k.as_slice_mut().unwrap(), grad.k.as_slice().unwrap(), |p| {
            let mut c = conv.clone();
            c.k.as_slice_mut().unwrap().copy_from_slice(p);
            loss(&c, &x)
        }, "dK");
        let mut b = conv.b.clone();
        check_gradient(b.as_slice_mut().unwrap(), grad.b.as_slice().unwrap(), |p| {
            let mut c = conv.clone();
            c.b.as_slice_mut().unwrap().copy_from_slice(p);
            loss(&c, &x)
        }, "db");
        let mut xs = x.x.clone();
        check_gradient(xs.as_slice_mut().unwrap(), dx.x.as_slice().unwrap(), |p| {
            loss(&conv, &x.with(Array2::from_shape_vec(x.x.raw_dim(), p.to_vec()).unwrap()))
        }, "dx");
    }
}
