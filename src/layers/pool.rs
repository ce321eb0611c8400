//! Pooling: D, the 2×2 average pool between stations (it is linear, which
//! keeps the stream's decomposition exact), and the global average pool that
//! the behaviour reads.

use super::Maps;
use ndarray::Array2;

/// 2×2 average pool: side → side / 2.
pub fn avg_pool2(x: &Maps) -> Maps {
    let (s, h, c) = (x.side, x.side / 2, x.channels());
    let mut y = Maps::zeros(x.n, h, c);
    let src = x.x.as_standard_layout();
    let src = src.as_slice().expect("standard layout");
    let dst = y.x.as_slice_mut().expect("fresh array");
    for b in 0..x.n {
        for oy in 0..h {
            for ox in 0..h {
                let top = ((b * s + 2 * oy) * s + 2 * ox) * c;
                let bottom = top + s * c;
                let (p, q) = (&src[top..top + 2 * c], &src[bottom..bottom + 2 * c]);
                let out = &mut dst[((b * h + oy) * h + ox) * c..][..c];
                // 0.25·(a + b + c + d): scaling by a power of two is exact, so
                // this is bit for bit the sum of the four quarters in order.
                for (i, o) in out.iter_mut().enumerate() {
                    *o = 0.25 * (((p[i] + p[c + i]) + q[i]) + q[c + i]);
                }
            }
        }
    }
    y
}

/// Gradient of [`avg_pool2`]: each input pixel gets a quarter of its output's.
pub fn avg_pool2_backward(dy: &Maps) -> Maps {
    let (h, s, c) = (dy.side, dy.side * 2, dy.channels());
    let mut dx = Maps::zeros(dy.n, s, c);
    for b in 0..dy.n {
        for y in 0..s {
            for xx in 0..s {
                let g = dy.x.row((b * h + y / 2) * h + xx / 2);
                dx.x.row_mut((b * s + y) * s + xx).scaled_add(0.25, &g);
            }
        }
    }
    dx
}

/// Global average pool: one row per image.
pub fn global_avg(x: &Maps) -> Array2<f32> {
    let p = x.pixels();
    let mut y = Array2::zeros((x.n, x.channels()));
    for b in 0..x.n {
        let block = x.x.slice(ndarray::s![b * p..(b + 1) * p, ..]);
        y.row_mut(b).assign(&block.mean_axis(ndarray::Axis(0)).expect("non-empty"));
    }
    y
}

/// Gradient of [`global_avg`].
pub fn global_avg_backward(dy: &Array2<f32>, side: usize) -> Maps {
    let (n, p) = (dy.nrows(), side * side);
    let mut dx = Maps::zeros(n, side, dy.ncols());
    for b in 0..n {
        let g = dy.row(b).mapv(|v| v / p as f32);
        for r in 0..p {
            dx.x.row_mut(b * p + r).assign(&g);
        }
    }
    dx
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::check_gradient;
    use crate::rng::Rng;

    #[test]
    fn pool_matches_reference_loop() {
        let mut rng = Rng::new(5);
        let x = Maps { n: 2, side: 6, x: Array2::from_shape_fn((72, 3), |_| rng.normal()) };
        let y = avg_pool2(&x);
        assert_eq!((y.n, y.side, y.channels()), (2, 3, 3));
        for b in 0..2 {
            for oy in 0..3 {
                for ox in 0..3 {
                    for c in 0..3 {
                        let want = (x.at(b, 2 * oy, 2 * ox, c)
                            + x.at(b, 2 * oy + 1, 2 * ox, c)
                            + x.at(b, 2 * oy, 2 * ox + 1, c)
                            + x.at(b, 2 * oy + 1, 2 * ox + 1, c))
                            / 4.0;
                        assert!((y.at(b, oy, ox, c) - want).abs() < 1e-6);
                    }
                }
            }
        }
        // Pooling keeps the mean, so the global average is unchanged.
        let (g1, g2) = (global_avg(&x), global_avg(&y));
        for (a, b) in g1.iter().zip(g2.iter()) {
            assert!((a - b).abs() < 1e-5);
        }
    }

    #[test]
    fn gradients_match_finite_differences() {
        let mut rng = Rng::new(6);
        let x = Maps { n: 2, side: 4, x: Array2::from_shape_fn((32, 2), |_| rng.normal()) };
        let t1 = Array2::from_shape_fn((8, 2), |_| rng.normal());
        let dx = avg_pool2_backward(&Maps { n: 2, side: 2, x: t1.clone() });
        let mut xs = x.x.clone();
        check_gradient(
            xs.as_slice_mut().unwrap(),
            dx.x.as_slice().unwrap(),
            |p| {
                let m = x.with(Array2::from_shape_vec((32, 2), p.to_vec()).unwrap());
                (avg_pool2(&m).x * &t1).iter().map(|&v| v as f64).sum()
            },
            "pool dx",
        );

        let t2 = Array2::from_shape_fn((2, 2), |_| rng.normal());
        let dx = global_avg_backward(&t2, 4);
        check_gradient(
            xs.as_slice_mut().unwrap(),
            dx.x.as_slice().unwrap(),
            |p| {
                let m = x.with(Array2::from_shape_vec((32, 2), p.to_vec()).unwrap());
                (global_avg(&m) * &t2).iter().map(|&v| v as f64).sum()
            },
            "gap dx",
        );
    }
}
