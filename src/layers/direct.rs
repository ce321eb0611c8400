//! Direct convolution for the forward pass: no unfolded copy of the input,
//! one pass over the output.
//!
//! Both the 3×3 convolution and the 1×1 maps are sums over taps: output pixel
//! p, channel o is
//!
//!   y[p, o] = b[o] + Σ_taps Σ_c x[p + offset, c] · w[tap · in + c, o],
//!
//! with the weights stored tap-major, then input channel, output channels
//! contiguous (the layout of [`Conv3::k`](super::conv::Conv3) and
//! [`Pointwise::w`](super::pointwise::Pointwise)). A *run* is a stretch of
//! consecutive output pixels that all have the same taps inside the image: a
//! whole 1×1 map is one run, and a row of a 3×3 convolution is three (the
//! left edge pixel, the interior, the right edge pixel), with the taps that
//! would fall outside the image left out. So borders cost no branch in the
//! inner loop and no padded copy of the input.
//!
//! With simd128 (the wasm build), the kernel holds 4 pixels × 8 output
//! channels in eight f32x4 accumulators and, for each tap and input channel,
//! broadcasts one input value per pixel and multiply-adds two vectors of
//! weights: 16 vector operations per 6 loads, all in registers. Elsewhere a
//! plain loop does the same sums in the same order (so both give the same
//! bits); natively the callers may prefer matrixmultiply's sgemm.
//!
//! The backward pass: the input gradient of both is the forward kernel again (with the
//! weights transposed, and turned for the 3×3), and the weight gradient dW += xᵀ·dy is
//! [`weight_gradient`], the same register blocking turned around (4 input channels × 8
//! outputs held, one row of x and dy read at a time).

/// One tap of a run: where its input pixel lies relative to the output pixel
/// (in pixels, signed) and which block of `in` weight rows it multiplies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tap {
    pub offset: isize,
    pub index: usize,
}

/// Output pixels `first .. first + count` of `y` (one row of `bias.len()`
/// values per pixel) from the pixels of `x` (one row of `cin` values per
/// pixel): bias plus every tap's input times its weights, then ReLU if
/// `relu`. `w` has a row of `bias.len()` per (tap index, input channel).
///
/// Panics if any tap reaches outside `x` or `w`.
#[allow(clippy::too_many_arguments)]
pub fn run(
    x: &[f32],
    cin: usize,
    first: usize,
    count: usize,
    taps: &[Tap],
    w: &[f32],
    bias: &[f32],
    y: &mut [f32],
    relu: bool,
) {
    let cout = bias.len();
    if count == 0 || cout == 0 {
        return;
    }
    assert!(cin > 0, "at least one input channel");
    let pixels_in = x.len() / cin;
    assert_eq!(x.len(), pixels_in * cin, "x holds whole pixels");
    assert!((first + count) * cout <= y.len(), "output pixels {first}+{count} outside y");
    for t in taps {
        let lo = first as isize + t.offset;
        let hi = lo + count as isize;
        assert!(lo >= 0 && hi as usize <= pixels_in, "tap {t:?} reads outside x");
        assert!((t.index + 1) * cin * cout <= w.len(), "tap {t:?} has no weights");
    }
    let y = &mut y[first * cout..(first + count) * cout];
    // SAFETY: every read and write is inside the slices checked above: pixel
    // first + p + offset (p < count) of x, rows index·cin .. (index+1)·cin of w,
    // pixels 0 .. count of y.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if cout.is_multiple_of(8) {
        unsafe { simd::run(x.as_ptr().add(first * cin), cin, count, taps, w.as_ptr(), bias, y.as_mut_ptr(), relu) };
        return;
    }
    portable(x, cin, first, taps, w, bias, y, relu);
}

/// The same sums as the simd kernel, in the same order, one pixel at a time.
#[allow(clippy::too_many_arguments)]
fn portable(x: &[f32], cin: usize, first: usize, taps: &[Tap], w: &[f32], bias: &[f32], y: &mut [f32], relu: bool) {
    let cout = bias.len();
    for (p, out) in y.chunks_exact_mut(cout).enumerate() {
        out.copy_from_slice(bias);
        for t in taps {
            let from = ((first + p) as isize + t.offset) as usize * cin;
            let ws = &w[t.index * cin * cout..(t.index + 1) * cin * cout];
            for (&v, wrow) in x[from..from + cin].iter().zip(ws.chunks_exact(cout)) {
                for (o, &k) in out.iter_mut().zip(wrow) {
                    *o += v * k;
                }
            }
        }
        if relu {
            for o in out.iter_mut() {
                *o = o.max(0.0);
            }
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::Tap;
    use core::arch::wasm32::*;

    #[inline(always)]
    unsafe fn load(p: *const f32) -> v128 {
        v128_load(p as *const v128)
    }
    #[inline(always)]
    unsafe fn splat(p: *const f32) -> v128 {
        v128_load32_splat(p as *const u32)
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: v128) {
        v128_store(p as *mut v128, v)
    }
    /// a + x·w (simd128 has no fused multiply-add).
    #[inline(always)]
    fn mad(a: v128, x: v128, w: v128) -> v128 {
        f32x4_add(a, f32x4_mul(x, w))
    }
    #[inline(always)]
    fn activate(v: v128, relu: bool) -> v128 {
        // pmax(0, v) = 0 < v ? v : 0, which is f32::max(v, 0.0) (NaN → 0 too).
        if relu {
            f32x4_pmax(f32x4_splat(0.0), v)
        } else {
            v
        }
    }

    /// `x` points at the run's first input pixel, `y` at its first output
    /// pixel; `cout` = bias.len() is a multiple of 8.
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn run(
        x: *const f32,
        cin: usize,
        count: usize,
        taps: &[Tap],
        w: *const f32,
        bias: &[f32],
        y: *mut f32,
        relu: bool,
    ) {
        let cout = bias.len();
        for ob in (0..cout).step_by(8) {
            let b0 = load(bias.as_ptr().add(ob));
            let b1 = load(bias.as_ptr().add(ob + 4));
            let mut p = 0;
            while p + 4 <= count {
                let (mut a00, mut a01, mut a10, mut a11) = (b0, b1, b0, b1);
                let (mut a20, mut a21, mut a30, mut a31) = (b0, b1, b0, b1);
                for t in taps {
                    let x0 = x.offset((p as isize + t.offset) * cin as isize);
                    let (x1, x2, x3) = (x0.add(cin), x0.add(2 * cin), x0.add(3 * cin));
                    let mut wp = w.add(t.index * cin * cout + ob);
                    for c in 0..cin {
                        let (w0, w1) = (load(wp), load(wp.add(4)));
                        let v = splat(x0.add(c));
                        a00 = mad(a00, v, w0);
                        a01 = mad(a01, v, w1);
                        let v = splat(x1.add(c));
                        a10 = mad(a10, v, w0);
                        a11 = mad(a11, v, w1);
                        let v = splat(x2.add(c));
                        a20 = mad(a20, v, w0);
                        a21 = mad(a21, v, w1);
                        let v = splat(x3.add(c));
                        a30 = mad(a30, v, w0);
                        a31 = mad(a31, v, w1);
                        wp = wp.add(cout);
                    }
                }
                let yp = y.add(p * cout + ob);
                store(yp, activate(a00, relu));
                store(yp.add(4), activate(a01, relu));
                store(yp.add(cout), activate(a10, relu));
                store(yp.add(cout + 4), activate(a11, relu));
                store(yp.add(2 * cout), activate(a20, relu));
                store(yp.add(2 * cout + 4), activate(a21, relu));
                store(yp.add(3 * cout), activate(a30, relu));
                store(yp.add(3 * cout + 4), activate(a31, relu));
                p += 4;
            }
            while p < count {
                let (mut a0, mut a1) = (b0, b1);
                for t in taps {
                    let x0 = x.offset((p as isize + t.offset) * cin as isize);
                    let mut wp = w.add(t.index * cin * cout + ob);
                    for c in 0..cin {
                        let v = splat(x0.add(c));
                        a0 = mad(a0, v, load(wp));
                        a1 = mad(a1, v, load(wp.add(4)));
                        wp = wp.add(cout);
                    }
                }
                let yp = y.add(p * cout + ob);
                store(yp, activate(a0, relu));
                store(yp.add(4), activate(a1, relu));
                p += 1;
            }
        }
    }

    /// [`super::weight_gradient`]: `cout` a multiple of 8.
    pub(super) unsafe fn weight_gradient(
        x: *const f32,
        cin: usize,
        dy: *const f32,
        cout: usize,
        rows: usize,
        dw: *mut f32,
    ) {
        let add_into = |p: *mut f32, v: v128| store(p, f32x4_add(load(p), v));
        for first in (0..rows).step_by(super::GRADIENT_ROWS) {
            let last = (first + super::GRADIENT_ROWS).min(rows);
            for ob in (0..cout).step_by(8) {
                let mut i = 0;
                while i + 4 <= cin {
                    let z = f32x4_splat(0.0);
                    let (mut a00, mut a01, mut a10, mut a11) = (z, z, z, z);
                    let (mut a20, mut a21, mut a30, mut a31) = (z, z, z, z);
                    for r in first..last {
                        let dp = dy.add(r * cout + ob);
                        let (d0, d1) = (load(dp), load(dp.add(4)));
                        let xp = x.add(r * cin + i);
                        let v = splat(xp);
                        a00 = mad(a00, v, d0);
                        a01 = mad(a01, v, d1);
                        let v = splat(xp.add(1));
                        a10 = mad(a10, v, d0);
                        a11 = mad(a11, v, d1);
                        let v = splat(xp.add(2));
                        a20 = mad(a20, v, d0);
                        a21 = mad(a21, v, d1);
                        let v = splat(xp.add(3));
                        a30 = mad(a30, v, d0);
                        a31 = mad(a31, v, d1);
                    }
                    let wp = dw.add(i * cout + ob);
                    add_into(wp, a00);
                    add_into(wp.add(4), a01);
                    add_into(wp.add(cout), a10);
                    add_into(wp.add(cout + 4), a11);
                    add_into(wp.add(2 * cout), a20);
                    add_into(wp.add(2 * cout + 4), a21);
                    add_into(wp.add(3 * cout), a30);
                    add_into(wp.add(3 * cout + 4), a31);
                    i += 4;
                }
                while i < cin {
                    let (mut a0, mut a1) = (f32x4_splat(0.0), f32x4_splat(0.0));
                    for r in first..last {
                        let dp = dy.add(r * cout + ob);
                        let v = splat(x.add(r * cin + i));
                        a0 = mad(a0, v, load(dp));
                        a1 = mad(a1, v, load(dp.add(4)));
                    }
                    let wp = dw.add(i * cout + ob);
                    add_into(wp, a0);
                    add_into(wp.add(4), a1);
                    i += 1;
                }
            }
        }
    }
}

/// Rows of x and dy per block of [`weight_gradient`]: a block of dy (64 × 32 floats) stays in
/// L1 while every input channel of x's block is multiplied into it.
const GRADIENT_ROWS: usize = 64;

/// dW += xᵀ·dy, with x rows × cin, dy rows × cout and dW cin × cout, all row-major: the
/// weight gradient of a 1×1 map, and of a 3×3 convolution when x is its unfolded input
/// ([`im2col`](super::conv::im2col)). Summed over blocks of [`GRADIENT_ROWS`] rows, each
/// block's partial sum added to dW; the simd kernel (outputs a multiple of 8, in wasm) and
/// the plain loop add the same terms in the same order.
pub fn weight_gradient(x: &[f32], cin: usize, dy: &[f32], dw: &mut [f32]) {
    assert!(cin > 0, "at least one input channel");
    let cout = dw.len() / cin;
    assert_eq!(dw.len(), cin * cout, "dW is cin·cout");
    let rows = x.len() / cin;
    assert_eq!(x.len(), rows * cin, "x holds whole rows");
    assert_eq!(dy.len(), rows * cout, "dy has x's rows");
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if cout.is_multiple_of(8) {
        // SAFETY: the lengths are checked above; the kernel reads rows < `rows` of x and dy
        // and writes dW's cin × cout.
        unsafe { simd::weight_gradient(x.as_ptr(), cin, dy.as_ptr(), cout, rows, dw.as_mut_ptr()) };
        return;
    }
    let mut partial = vec![0.0f32; cout];
    for first in (0..rows).step_by(GRADIENT_ROWS) {
        let last = (first + GRADIENT_ROWS).min(rows);
        for i in 0..cin {
            partial.fill(0.0);
            for r in first..last {
                let v = x[r * cin + i];
                for (p, &d) in partial.iter_mut().zip(&dy[r * cout..(r + 1) * cout]) {
                    *p += v * d;
                }
            }
            for (w, p) in dw[i * cout..(i + 1) * cout].iter_mut().zip(&partial) {
                *w += p;
            }
        }
    }
}

/// The taps of a 3×3 kernel that stay inside the image for an output pixel
/// in row `y` and column `x` of a `side`-wide map, in tap order.
fn taps_3x3(side: usize, y: usize, x: usize, out: &mut Vec<Tap>) {
    out.clear();
    let s = side as isize;
    for ky in 0..3isize {
        let sy = y as isize + ky - 1;
        if sy < 0 || sy >= s {
            continue;
        }
        for kx in 0..3isize {
            let sx = x as isize + kx - 1;
            if sx < 0 || sx >= s {
                continue;
            }
            out.push(Tap { offset: (ky - 1) * s + (kx - 1), index: (ky * 3 + kx) as usize });
        }
    }
}

/// "Same" 3×3 convolution with zero padding of `n` images `side` × `side`,
/// pixel-major: x is (n·side²) × cin, k is (9·cin) × cout, y is (n·side²) ×
/// cout and is overwritten (plus ReLU if `relu`).
#[allow(clippy::too_many_arguments)]
pub fn conv3(x: &[f32], n: usize, side: usize, cin: usize, k: &[f32], bias: &[f32], y: &mut [f32], relu: bool) {
    let cout = bias.len();
    assert_eq!(x.len(), n * side * side * cin, "x is n·side²·cin");
    assert_eq!(y.len(), n * side * side * cout, "y is n·side²·cout");
    assert_eq!(k.len(), 9 * cin * cout, "k is 9·cin·cout");
    let mut taps = Vec::with_capacity(9);
    for b in 0..n {
        for row in 0..side {
            let start = (b * side + row) * side;
            // Columns in runs of equal taps: 0, 1 .. side−1, side−1.
            let mut col = 0;
            while col < side {
                let end = if col == 0 || side < 3 {
                    col + 1
                } else if col < side - 1 {
                    side - 1
                } else {
                    side
                };
                taps_3x3(side, row, col, &mut taps);
                run(x, cin, start + col, end - col, &taps, k, bias, y, relu);
                col = end;
            }
        }
    }
}

/// A 1×1 map of every row of x (rows × cin): y = x·w + bias, ReLU if `relu`.
pub fn pointwise(x: &[f32], cin: usize, w: &[f32], bias: &[f32], y: &mut [f32], relu: bool) {
    let rows = x.len() / cin.max(1);
    assert_eq!(y.len(), rows * bias.len(), "y is rows·cout");
    run(x, cin, 0, rows, &[Tap { offset: 0, index: 0 }], w, bias, y, relu);
}
