//! The 3×3 convolution by Winograd's minimal filtering F(2×2, 3×3): each 2×2
//! block of outputs from a 4×4 block of inputs with 16 multiplications per
//! (input, output) channel pair instead of 36.
//!
//!   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A,
//!
//!   Bᵀ = ⎡1  0 −1  0⎤   G = ⎡ 1    0    0 ⎤   Aᵀ = ⎡1 1  1  0⎤
//!        ⎢0  1  1  0⎥       ⎢1/2  1/2  1/2⎥        ⎣0 1 −1 −1⎦
//!        ⎢0 −1  1  0⎥       ⎢1/2 −1/2  1/2⎥
//!        ⎣0  1  0 −1⎦       ⎣ 0    0    1 ⎦
//!
//! Summed over input channels, the elementwise product becomes 16 small
//! matrix products, one per element of the 4×4 transform: (tiles × in) ·
//! (in × out), done by the direct kernel with one tap. The transforms are
//! loops over channels (contiguous in NHWC), which the compiler vectorises.
//! Tiles go through in blocks small enough that the transformed inputs and
//! products stay in cache. Only the coefficients 1 and 1/2 appear, so the
//! rounding stays close to that of the direct sum.

use super::direct::{run, Tap};
use std::cell::RefCell;
use std::ops::{Add, Sub};

/// Tiles transformed and multiplied together.
const BLOCK: usize = 16;

/// Channels side by side: one `f32` (any channel count), or four lanes of a
/// simd128 vector (channel counts that are multiples of 4, in the wasm
/// build). The transforms are written once over this.
///
/// `load` and `store` take raw pointers: the transforms check the ranges of
/// a whole tile once, not every access.
trait Lanes: Copy + Add<Output = Self> + Sub<Output = Self> {
    const WIDTH: usize;
    /// # Safety
    /// `p .. p + WIDTH` is readable.
    unsafe fn load(p: *const f32) -> Self;
    /// # Safety
    /// `p .. p + WIDTH` is writable.
    unsafe fn store(self, p: *mut f32);
    fn half(self) -> Self;
    fn relu(self) -> Self;
}

impl Lanes for f32 {
    const WIDTH: usize = 1;
    unsafe fn load(p: *const f32) -> Self {
        *p
    }
    unsafe fn store(self, p: *mut f32) {
        *p = self;
    }
    fn half(self) -> Self {
        0.5 * self
    }
    fn relu(self) -> Self {
        self.max(0.0)
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;
    use std::ops::{Add, Sub};

    #[derive(Clone, Copy)]
    pub struct F4(v128);

    impl Add for F4 {
        type Output = F4;
        fn add(self, o: F4) -> F4 {
            F4(f32x4_add(self.0, o.0))
        }
    }
    impl Sub for F4 {
        type Output = F4;
        fn sub(self, o: F4) -> F4 {
            F4(f32x4_sub(self.0, o.0))
        }
    }
    impl super::Lanes for F4 {
        const WIDTH: usize = 4;
        // v128_load and v128_store have no alignment requirement.
        unsafe fn load(p: *const f32) -> Self {
            F4(v128_load(p as *const v128))
        }
        unsafe fn store(self, p: *mut f32) {
            v128_store(p as *mut v128, self.0)
        }
        fn half(self) -> Self {
            F4(f32x4_mul(self.0, f32x4_splat(0.5)))
        }
        fn relu(self) -> Self {
            F4(f32x4_pmax(f32x4_splat(0.0), self.0))
        }
    }
}

/// The 16 transformed kernels, U[e] = (G g Gᵀ)[e], each in × out: from k,
/// (9 · in) × out, row (ky · 3 + kx) · in + c.
fn kernel_transform<L: Lanes>(k: &[f32], cin: usize, cout: usize, u: &mut [f32]) {
    let plane = cin * cout;
    assert!(cout.is_multiple_of(L::WIDTH) && k.len() == 9 * plane && u.len() == 16 * plane);
    let (k, u) = (k.as_ptr(), u.as_mut_ptr());
    for c in 0..cin {
        for o in (0..cout).step_by(L::WIDTH) {
            // SAFETY: every index is below 9·plane in k, 16·plane in u (asserted above).
            let g: [[L; 3]; 3] = std::array::from_fn(|ky| {
                std::array::from_fn(|kx| unsafe { L::load(k.add(((ky * 3 + kx) * cin + c) * cout + o)) })
            });
            // G g: 4 × 3.
            let rows: [[L; 3]; 4] = [
                g[0],
                std::array::from_fn(|j| (g[0][j] + g[1][j] + g[2][j]).half()),
                std::array::from_fn(|j| (g[0][j] - g[1][j] + g[2][j]).half()),
                g[2],
            ];
            // (G g) Gᵀ: 4 × 4.
            for (i, r) in rows.iter().enumerate() {
                let e = [r[0], (r[0] + r[1] + r[2]).half(), (r[0] - r[1] + r[2]).half(), r[2]];
                for (j, v) in e.into_iter().enumerate() {
                    unsafe { v.store(u.add((i * 4 + j) * plane + c * cout + o)) };
                }
            }
        }
    }
}

/// Bᵀ d B of one tile, every channel: d is the 4×4 block of `padded` whose
/// top-left pixel is (y0, x0); writes v[e][tile][c] for e in 0..16 (`stride`
/// = tiles in the block × cin apart), the tile's at `at`.
#[allow(clippy::too_many_arguments)]
fn input_transform<L: Lanes>(
    padded: &[f32],
    ps: usize,
    cin: usize,
    y0: usize,
    x0: usize,
    v: &mut [f32],
    at: usize,
    stride: usize,
) {
    assert!(cin.is_multiple_of(L::WIDTH) && y0 + 4 <= ps && x0 + 4 <= ps && ps * ps * cin <= padded.len());
    assert!(15 * stride + at + cin <= v.len());
    let pp = padded.as_ptr();
    // SAFETY: pixels inside padded (asserted above).
    let base: [[*const f32; 4]; 4] =
        std::array::from_fn(|r| std::array::from_fn(|s| unsafe { pp.add(((y0 + r) * ps + x0 + s) * cin) }));
    let v = v.as_mut_ptr();
    for c in (0..cin).step_by(L::WIDTH) {
        // SAFETY: pixels (y0 .. y0+4, x0 .. x0+4) of padded, c < cin; and
        // v up to 15·stride + at + cin (asserted above).
        let d: [[L; 4]; 4] = std::array::from_fn(|r| std::array::from_fn(|s| unsafe { L::load(base[r][s].add(c)) }));
        // Bᵀ d: rows.
        let t: [[L; 4]; 4] = [
            std::array::from_fn(|s| d[0][s] - d[2][s]),
            std::array::from_fn(|s| d[1][s] + d[2][s]),
            std::array::from_fn(|s| d[2][s] - d[1][s]),
            std::array::from_fn(|s| d[1][s] - d[3][s]),
        ];
        // (Bᵀ d) B: columns.
        for (i, r) in t.iter().enumerate() {
            let e = [r[0] - r[2], r[1] + r[2], r[2] - r[1], r[1] - r[3]];
            for (j, val) in e.into_iter().enumerate() {
                unsafe { val.store(v.add((i * 4 + j) * stride + at + c)) };
            }
        }
    }
}

/// Aᵀ m A of one tile, plus bias (and ReLU): m[e][tile][o] for e in 0..16
/// (`stride` apart, the tile's at `at`) → the 2×2 outputs at rows y0, y0+1
/// and columns x0, x0+1 of the `side`-wide image that starts at pixel
/// `first` of y.
#[allow(clippy::too_many_arguments)]
fn output_transform<L: Lanes>(
    m: &[f32],
    at: usize,
    stride: usize,
    bias: &[f32],
    relu: bool,
    y: &mut [f32],
    first: usize,
    side: usize,
    y0: usize,
    x0: usize,
) {
    let cout = bias.len();
    assert!(cout.is_multiple_of(L::WIDTH) && 15 * stride + at + cout <= m.len());
    assert!(y0 + 2 <= side && x0 + 2 <= side && (first + side * side) * cout <= y.len());
    let yp = y.as_mut_ptr();
    // SAFETY: pixels inside the image (asserted above).
    let px: [[*mut f32; 2]; 2] =
        std::array::from_fn(|i| std::array::from_fn(|j| unsafe { yp.add((first + (y0 + i) * side + x0 + j) * cout) }));
    let (m, bias) = (m.as_ptr(), bias.as_ptr());
    for o in (0..cout).step_by(L::WIDTH) {
        // SAFETY: m below 15·stride + at + cout, bias below cout, the four
        // output pixels inside the image (asserted above).
        let me: [L; 16] = std::array::from_fn(|e| unsafe { L::load(m.add(e * stride + at + o)) });
        let b = unsafe { L::load(bias.add(o)) };
        // Aᵀ m: 2 × 4.
        let r: [[L; 4]; 2] = [
            std::array::from_fn(|j| me[j] + me[4 + j] + me[8 + j]),
            std::array::from_fn(|j| me[4 + j] - me[8 + j] - me[12 + j]),
        ];
        for (i, row) in r.iter().enumerate() {
            let out = [b + (row[0] + row[1] + row[2]), b + (row[1] - row[2] - row[3])];
            for (j, val) in out.into_iter().enumerate() {
                unsafe { (if relu { val.relu() } else { val }).store(px[i][j].add(o)) };
            }
        }
    }
}

/// "Same" 3×3 convolution with zero padding, as [`super::direct::conv3`],
/// for an even `side`.
#[allow(clippy::too_many_arguments)]
pub fn conv3(x: &[f32], n: usize, side: usize, cin: usize, k: &[f32], bias: &[f32], y: &mut [f32], relu: bool) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if cin.is_multiple_of(4) && bias.len().is_multiple_of(4) {
        return conv3_with::<simd::F4>(x, n, side, cin, k, bias, y, relu);
    }
    conv3_with::<f32>(x, n, side, cin, k, bias, y, relu)
}

#[allow(clippy::too_many_arguments)]
fn conv3_with<L: Lanes>(
    x: &[f32],
    n: usize,
    side: usize,
    cin: usize,
    k: &[f32],
    bias: &[f32],
    y: &mut [f32],
    relu: bool,
) {
    let cout = bias.len();
    assert!(side.is_multiple_of(2) && side > 0, "Winograd F(2×2, 3×3) tiles an even side");
    assert_eq!(x.len(), n * side * side * cin, "x is n·side²·cin");
    assert_eq!(y.len(), n * side * side * cout, "y is n·side²·cout");
    assert_eq!(k.len(), 9 * cin * cout, "k is 9·cin·cout");
    let ps = side + 2;
    let per_side = side / 2;
    let tiles = per_side * per_side;
    SCRATCH.with_borrow_mut(|[u, padded, v, m]| {
        let u = take(u, 16 * cin * cout);
        kernel_transform::<L>(k, cin, cout, u);
        let padded = take(padded, ps * ps * cin);
        let v = take(v, 16 * BLOCK * cin);
        let m = take(m, 16 * BLOCK * cout);
        let zeros = vec![0.0; cout];
        let one = [Tap { offset: 0, index: 0 }];
        // The zero border: the first and last rows, and the first and last
        // pixel of every row between; the interior is overwritten per image.
        let row = ps * cin;
        padded[..row].fill(0.0);
        padded[(ps - 1) * row..].fill(0.0);
        for r in 1..ps - 1 {
            padded[r * row..r * row + cin].fill(0.0);
            padded[(r + 1) * row - cin..(r + 1) * row].fill(0.0);
        }
        for b in 0..n {
            let image = &x[b * side * side * cin..(b + 1) * side * side * cin];
            for (r, src) in image.chunks_exact(side * cin).enumerate() {
                padded[(r + 1) * row + cin..(r + 2) * row - cin].copy_from_slice(src);
            }
            for t0 in (0..tiles).step_by(BLOCK) {
                let nt = BLOCK.min(tiles - t0);
                for i in 0..nt {
                    let (ty, tx) = ((t0 + i) / per_side, (t0 + i) % per_side);
                    input_transform::<L>(padded, ps, cin, 2 * ty, 2 * tx, v, i * cin, nt * cin);
                }
                for e in 0..16 {
                    run(
                        &v[e * nt * cin..(e + 1) * nt * cin],
                        cin,
                        0,
                        nt,
                        &one,
                        &u[e * cin * cout..(e + 1) * cin * cout],
                        &zeros,
                        &mut m[e * nt * cout..(e + 1) * nt * cout],
                        false,
                    );
                }
                for i in 0..nt {
                    let (ty, tx) = ((t0 + i) / per_side, (t0 + i) % per_side);
                    output_transform::<L>(m, i * cout, nt * cout, bias, relu, y, b * side * side, side, 2 * ty, 2 * tx);
                }
            }
        }
    });
}

thread_local! {
    /// Buffers reused from call to call: the transformed kernels, the padded
    /// image, the transformed inputs and the products.
    static SCRATCH: RefCell<[Vec<f32>; 4]> = const { RefCell::new([Vec::new(), Vec::new(), Vec::new(), Vec::new()]) };
}

/// The first `len` floats of a scratch buffer, grown if need be (what it
/// held before is left: every caller overwrites what it reads).
fn take(buf: &mut Vec<f32>, len: usize) -> &mut [f32] {
    if buf.len() < len {
        buf.resize(len, 0.0);
    }
    &mut buf[..len]
}
