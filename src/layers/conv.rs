//! The 3×3 convolution of layer 2/3 ("same" size, zero padding).
//!
//! Forward: in the wasm build, Winograd's F(2×2, 3×3) ([`super::winograd`])
//! on maps of side 16 and more, a direct convolution ([`super::direct`]) on
//! smaller ones (too few tiles to pay for the transforms), the bias and the
//! ReLU fused in both; natively one matrix product after unfolding every 3×3
//! neighbourhood into a row (im2col), since matrixmultiply's AVX/FMA sgemm is
//! the faster there. Backward unfolds the input itself: the forward pass
//! keeps nothing but its output.

use super::{direct, Maps};
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, Axis};
use std::ops::Range;

/// Does the forward pass use the direct kernels (direct and Winograd)? Where
/// simd128 is on; natively im2col + sgemm measured 4–5× faster than the
/// portable direct loop.
pub const DIRECT: bool = cfg!(all(target_arch = "wasm32", target_feature = "simd128"));

/// Taps of the kernel, row-major: (ky, kx) ↔ ky * 3 + kx, offsets -1..=1.
pub const TAPS: usize = 9;

#[derive(Clone, Debug, PartialEq)]
pub struct Conv3 {
    /// (9 · in) × out; row (ky * 3 + kx) * in + c.
    pub k: Array2<f32>,
    pub b: Array1<f32>,
}

/// Floats in one unfolded block (4 MB). A 3×3 layer unfolds its batch a few images at a
/// time: unfolded whole, a batch of 32 at V1 is 38 MB, which glibc maps and unmaps on every
/// call and the kernel zeroes page by page (half of a native training step's time, measured),
/// and a block this size stays in cache between the unfolding and the product.
const BLOCK_FLOATS: usize = 1 << 20;

/// The images of `x` in blocks whose unfolded rows fit [`BLOCK_FLOATS`] (at least one image).
pub fn blocks(x: &Maps) -> impl Iterator<Item = Range<usize>> {
    let per = (BLOCK_FLOATS / (x.pixels() * TAPS * x.channels()).max(1)).max(1);
    let n = x.n;
    (0..n).step_by(per).map(move |first| first..(first + per).min(n))
}

/// Every pixel's 3×3 neighbourhood as one row: (n·side²) × (9·channels).
pub fn im2col(x: &Maps) -> Array2<f32> {
    im2col_images(x, 0..x.n)
}

/// The rows of [`im2col`] for the images `images` only.
pub fn im2col_images(x: &Maps, images: Range<usize>) -> Array2<f32> {
    let (side, c) = (x.side as isize, x.channels());
    let first = images.start as isize;
    let mut cols = Array2::<f32>::zeros((images.len() * x.pixels(), TAPS * c));
    let src = x.x.as_slice().expect("maps are contiguous");
    let dst = cols.as_slice_mut().expect("fresh array");
    for b in 0..images.len() as isize {
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
                        let from = (((first + b) * side + sy) * side + sx) as usize * c;
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
    col2im_add(cols, side, dx.x.as_slice_mut().expect("fresh array"));
    dx
}

/// [`col2im`] of whole images' rows, added onto `dx`: those images' rows of the maps.
pub(crate) fn col2im_add(cols: &Array2<f32>, side: usize, dst: &mut [f32]) {
    let c = cols.ncols() / TAPS;
    let n = cols.nrows() / (side * side);
    let s = side as isize;
    let src = cols.as_slice().expect("contiguous");
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
}

impl Conv3 {
    pub fn zeros(inputs: usize, outputs: usize) -> Self {
        Conv3 { k: Array2::zeros((TAPS * inputs, outputs)), b: Array1::zeros(outputs) }
    }

    /// The output before ReLU.
    pub fn forward(&self, x: &Maps) -> Maps {
        self.apply(x, false)
    }

    /// ReLU of the output, fused into the kernel where it is direct.
    pub fn forward_relu(&self, x: &Maps) -> Maps {
        self.apply(x, true)
    }

    fn apply(&self, x: &Maps, relu: bool) -> Maps {
        let y = if DIRECT {
            let mut y = Array2::zeros((x.x.nrows(), self.b.len()));
            // Node, V1 / V2 / V4: Winograd 183 / 51 / 23 µs, direct 327 / 84 / 23.
            let conv3 = if x.side.is_multiple_of(2) && x.side >= 16 { super::winograd::conv3 } else { direct::conv3 };
            conv3(
                x.x.as_slice().expect("maps are contiguous"),
                x.n,
                x.side,
                x.channels(),
                self.k.as_slice().expect("contiguous kernel"),
                self.b.as_slice().expect("contiguous bias"),
                y.as_slice_mut().expect("fresh array"),
                relu,
            );
            y
        } else {
            let mut y = Array2::zeros((x.x.nrows(), self.b.len()));
            let p = x.pixels();
            for images in blocks(x) {
                let rows = s![images.start * p..images.end * p, ..];
                general_mat_mul(1.0, &im2col_images(x, images), &self.k, 0.0, &mut y.slice_mut(rows));
            }
            y += &self.b;
            if relu {
                super::relu(&mut y);
            }
            y
        };
        x.with(y)
    }

    /// Given the input `x` of the forward pass, accumulates dK and db into
    /// `grad`; returns dx.
    /// Block by block ([`blocks`]): dK += colsᵀ·dy (in wasm [`direct::weight_gradient`],
    /// natively sgemm), and natively dx += col2im(dy·Kᵀ).
    pub fn backward(&self, x: &Maps, dy: &Array2<f32>, grad: &mut Conv3) -> Maps {
        grad.b += &dy.sum_axis(Axis(0));
        let p = x.pixels();
        let mut dx = if DIRECT { None } else { Some(Maps::zeros(x.n, x.side, x.channels())) };
        for images in blocks(x) {
            let rows = images.start * p..images.end * p;
            let dy = dy.slice(s![rows.clone(), ..]);
            let cols = im2col_images(x, images);
            match (cols.as_slice(), dy.as_slice(), grad.k.as_slice_mut()) {
                (Some(c), Some(d), Some(dk)) if DIRECT => direct::weight_gradient(c, cols.ncols(), d, dk),
                _ => general_mat_mul(1.0, &cols.t(), &dy, 1.0, &mut grad.k),
            }
            if let Some(dx) = &mut dx {
                let dst = dx.x.as_slice_mut().expect("fresh array");
                col2im_add(&dy.dot(&self.k.t()), x.side, &mut dst[rows.start * x.channels()..rows.end * x.channels()]);
            }
        }
        dx.unwrap_or_else(|| self.input_gradient(x, dy))
    }

    /// dx without unfolding dy: the adjoint of a "same" 3×3 convolution with zero padding is
    /// the same convolution of dy with the kernel turned by 180° and its channels transposed
    /// ([`Conv3::adjoint`]), so the forward kernels (simd128 direct and Winograd in wasm) do
    /// it. The same sums as `col2im(dy·Kᵀ)` in another order.
    pub fn input_gradient(&self, x: &Maps, dy: &Array2<f32>) -> Maps {
        let dy = x.with(dy.as_standard_layout().into_owned());
        self.adjoint().forward(&dy)
    }

    /// The convolution whose forward pass is this one's backward pass on the input: tap
    /// (ky, kx) takes the weights of tap (2 − ky, 2 − kx), transposed (out ↔ in); no bias.
    pub fn adjoint(&self) -> Conv3 {
        let (cin, cout) = (self.k.nrows() / TAPS, self.k.ncols());
        let mut k = Array2::zeros((TAPS * cout, cin));
        for tap in 0..TAPS {
            let from = self.k.slice(ndarray::s![(TAPS - 1 - tap) * cin..(TAPS - tap) * cin, ..]);
            k.slice_mut(ndarray::s![tap * cout..(tap + 1) * cout, ..]).assign(&from.t());
        }
        Conv3 { k, b: Array1::zeros(cin) }
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

    fn random_conv(cin: usize, cout: usize, rng: &mut Rng) -> Conv3 {
        let mut conv = Conv3::zeros(cin, cout);
        conv.k.mapv_inplace(|_| rng.normal());
        conv.b.mapv_inplace(|_| rng.normal());
        conv
    }

    /// Σ of the terms' magnitudes of every output: the reference loop on
    /// |k|, |b| and |x|, the scale of the rounding error of any order of
    /// summation (a sum that nearly cancels keeps only that much).
    fn scale(conv: &Conv3, x: &Maps) -> Maps {
        let abs = Conv3 { k: conv.k.mapv(f32::abs), b: conv.b.mapv(f32::abs) };
        reference(&abs, &x.with(x.x.mapv(f32::abs)))
    }

    /// |a − b| within 1e-5 of the scale of the sum.
    fn assert_close(got: &Maps, want: &Maps, scale: &Maps, what: &str) {
        assert_eq!(got.x.dim(), want.x.dim(), "{what}: shape");
        for (i, ((a, b), s)) in got.x.iter().zip(want.x.iter()).zip(scale.x.iter()).enumerate() {
            assert!((a - b).abs() <= 1e-5 * s.max(1e-3), "{what} [{i}]: {a} vs {b} (scale {s})");
        }
    }

    #[test]
    fn forward_matches_reference_loop() {
        let mut rng = Rng::new(11);
        let x = random_maps(2, 5, 3, &mut rng);
        let conv = random_conv(3, 4, &mut rng);
        let s = scale(&conv, &x);
        assert_close(&conv.forward(&x), &reference(&conv, &x), &s, "forward");
        let mut relu = reference(&conv, &x);
        crate::layers::relu(&mut relu.x);
        assert_close(&conv.forward_relu(&x), &relu, &s, "forward_relu");
    }

    /// The direct kernel (simd128 in the wasm build, the portable loop
    /// natively) against the textbook loop: odd sides, 1 and 2 pixels wide,
    /// channel counts that are and are not multiples of 4 and 8, batches.
    #[test]
    fn direct_kernel_matches_reference_loop() {
        let mut rng = Rng::new(13);
        for (n, side, cin, cout) in [
            (1, 32, 32, 32),
            (1, 4, 32, 32),
            (2, 7, 5, 8),
            (1, 1, 3, 16),
            (3, 2, 32, 32),
            (1, 9, 4, 24),
            (2, 5, 3, 4),
            (1, 6, 7, 3),
            (1, 3, 1, 40),
            (2, 8, 32, 32),
            (1, 10, 6, 16),
        ] {
            let x = random_maps(n, side, cin, &mut rng);
            let conv = random_conv(cin, cout, &mut rng);
            let want = reference(&conv, &x);
            let s = scale(&conv, &x);
            type Kernel = fn(&[f32], usize, usize, usize, &[f32], &[f32], &mut [f32], bool);
            // Winograd works on 2×2 tiles, so only on even sides.
            let kernels: [(&str, Kernel); 2] = [("direct", direct::conv3), ("Winograd", super::super::winograd::conv3)];
            for ((name, kernel), relu) in kernels.into_iter().flat_map(|k| [(k, false), (k, true)]) {
                if name == "Winograd" && !side.is_multiple_of(2) {
                    continue;
                }
                let mut y = Maps::zeros(n, side, cout);
                y.x.fill(f32::NAN);
                kernel(
                    x.x.as_slice().unwrap(),
                    n,
                    side,
                    cin,
                    conv.k.as_slice().unwrap(),
                    conv.b.as_slice().unwrap(),
                    y.x.as_slice_mut().unwrap(),
                    relu,
                );
                let mut want = want.clone();
                if relu {
                    crate::layers::relu(&mut want.x);
                }
                assert_close(&y, &want, &s, &format!("{name} n {n} side {side} {cin}→{cout} relu {relu}"));
            }
        }
    }

    /// The input gradient as a convolution with the adjoint kernel (what the wasm build runs,
    /// through the direct and Winograd kernels) against the unfolded product, natively.
    #[test]
    fn the_adjoint_convolution_is_the_input_gradient() {
        let mut rng = Rng::new(14);
        for (n, side, cin, cout) in [(2, 5, 3, 8), (1, 16, 32, 32), (1, 4, 8, 16), (3, 1, 4, 8)] {
            let x = random_maps(n, side, cin, &mut rng);
            let conv = random_conv(cin, cout, &mut rng);
            let dy = Array2::from_shape_fn((x.x.nrows(), cout), |_| rng.normal());
            let want = col2im(&dy.dot(&conv.k.t()), n, side, cin);
            let got = conv.input_gradient(&x, &dy);
            // Scale: the same sums over magnitudes.
            let scale = col2im(&dy.mapv(f32::abs).dot(&conv.k.mapv(f32::abs).t()), n, side, cin);
            assert_close(&got, &want, &scale, &format!("n {n} side {side} {cin}→{cout}"));
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
        let loss = |conv: &Conv3, x: &Maps| -> f64 { (conv.forward(x).x * &target).iter().map(|&v| v as f64).sum() };
        let mut grad = Conv3::zeros(3, 2);
        let dx = conv.backward(&x, &target, &mut grad);

        let mut k = conv.k.clone();
        check_gradient(
            k.as_slice_mut().unwrap(),
            grad.k.as_slice().unwrap(),
            |p| {
                let mut c = conv.clone();
                c.k.as_slice_mut().unwrap().copy_from_slice(p);
                loss(&c, &x)
            },
            "dK",
        );
        let mut b = conv.b.clone();
        check_gradient(
            b.as_slice_mut().unwrap(),
            grad.b.as_slice().unwrap(),
            |p| {
                let mut c = conv.clone();
                c.b.as_slice_mut().unwrap().copy_from_slice(p);
                loss(&c, &x)
            },
            "db",
        );
        let mut xs = x.x.clone();
        check_gradient(
            xs.as_slice_mut().unwrap(),
            dx.x.as_slice().unwrap(),
            |p| loss(&conv, &x.with(Array2::from_shape_vec(x.x.raw_dim(), p.to_vec()).unwrap())),
            "dx",
        );
    }
}
