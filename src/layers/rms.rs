//! RMS normalisation without a gain (Zhang & Sennrich 2019): a group of values divided by
//! their root mean square, y = x / √(mean(x²) + ε). The `prenorm` variant normalises what each
//! L4 reads and what the readout reads per image (a group is every row of one image: all
//! positions and channels), so one number scales the whole of a stream, a blank region stays
//! small beside a drawn one, and the logits still split exactly into the writes.
//!
//! Backward, with y = x·r and r = 1/√(mean(x²) + ε) over a group of n values:
//!   dx = r · (dy − y · mean(dy ⊙ y)).

use ndarray::{Array1, Array2};

const EPS: f32 = 1e-6;

/// Normalises each group of `rows` consecutive rows of `x` as one: returns y and, per group, r.
pub fn forward(x: &Array2<f32>, rows: usize) -> (Array2<f32>, Array1<f32>) {
    let groups = x.nrows() / rows;
    let n = (rows * x.ncols()) as f32;
    let mut y = x.clone();
    let mut r = Array1::zeros(groups);
    for g in 0..groups {
        let mut block = y.slice_mut(ndarray::s![g * rows..(g + 1) * rows, ..]);
        let mean_sq = block.iter().map(|v| v * v).sum::<f32>() / n;
        r[g] = 1.0 / (mean_sq + EPS).sqrt();
        block *= r[g];
    }
    (y, r)
}

/// The gradient on x from the gradient `dy` on y, given the forward's y and r.
pub fn backward(y: &Array2<f32>, r: &Array1<f32>, dy: &Array2<f32>, rows: usize) -> Array2<f32> {
    let n = (rows * y.ncols()) as f32;
    let mut dx = dy.clone();
    for g in 0..r.len() {
        let range = ndarray::s![g * rows..(g + 1) * rows, ..];
        let yb = y.slice(range);
        let mean = dy.slice(range).iter().zip(yb.iter()).map(|(a, b)| a * b).sum::<f32>() / n;
        let mut block = dx.slice_mut(range);
        block.zip_mut_with(&yb, |d, &yv| *d = r[g] * (*d - yv * mean));
    }
    dx
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn each_group_comes_out_with_a_root_mean_square_of_one() {
        let mut rng = Rng::new(1);
        let x = Array2::from_shape_fn((6, 4), |(i, _)| (i as f32 + 1.0) * rng.normal());
        for rows in [1, 3] {
            let (y, r) = forward(&x, rows);
            assert_eq!(r.len(), 6 / rows);
            for g in 0..r.len() {
                let block = y.slice(ndarray::s![g * rows..(g + 1) * rows, ..]);
                let ms = block.iter().map(|v| v * v).sum::<f32>() / (rows * 4) as f32;
                assert!((ms - 1.0).abs() < 1e-4, "{ms}");
            }
        }
    }

    #[test]
    fn backward_matches_finite_differences() {
        let mut rng = Rng::new(2);
        let x = Array2::from_shape_fn((6, 4), |_| rng.normal());
        let target = Array2::from_shape_fn((6, 4), |_| rng.normal());
        for rows in [1, 2, 6] {
            let loss = |x: &Array2<f32>| -> f64 {
                let (y, _) = forward(x, rows);
                y.iter().zip(target.iter()).map(|(a, b)| (a * b) as f64).sum()
            };
            let (y, r) = forward(&x, rows);
            let dx = backward(&y, &r, &target, rows);
            for i in 0..x.len() {
                let (row, col) = (i / 4, i % 4);
                let step = |d: f32| {
                    let mut p = x.clone();
                    p[[row, col]] += d;
                    loss(&p)
                };
                let numeric = (step(1e-3) - step(-1e-3)) / 2e-3;
                let analytic = dx[[row, col]] as f64;
                assert!((numeric - analytic).abs() < 2e-3 * numeric.abs().max(1.0), "{rows} {i}: {numeric} {analytic}");
            }
        }
    }
}
