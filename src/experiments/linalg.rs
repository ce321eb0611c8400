//! The little linear algebra the experiments need: ridge regression solved
//! by Cholesky, and cross-validated scores built on it. f64 throughout.

/// Rows of features (n × p) and targets (n × q), row-major.
pub struct Data<'a> {
    pub x: &'a [Vec<f32>],
    pub y: &'a [Vec<f32>],
}

/// Solves (A + λI) w = b for symmetric positive-definite A (p × p) with q
/// right-hand sides, in place. Returns None if A + λI is not positive.
fn cholesky_solve(a: &mut [f64], p: usize, b: &mut [f64], q: usize) -> Option<()> {
    for j in 0..p {
        let mut d = a[j * p + j];
        for k in 0..j {
            d -= a[j * p + k] * a[j * p + k];
        }
        if d <= 0.0 {
            return None;
        }
        let d = d.sqrt();
        a[j * p + j] = d;
        for i in j + 1..p {
            let mut s = a[i * p + j];
            for k in 0..j {
                s -= a[i * p + k] * a[j * p + k];
            }
            a[i * p + j] = s / d;
        }
    }
    for c in 0..q {
        // L z = b, then Lᵀ w = z.
        for i in 0..p {
            let mut s = b[i * q + c];
            for k in 0..i {
                s -= a[i * p + k] * b[k * q + c];
            }
            b[i * q + c] = s / a[i * p + i];
        }
        for i in (0..p).rev() {
            let mut s = b[i * q + c];
            for k in i + 1..p {
                s -= a[k * p + i] * b[k * q + c];
            }
            b[i * q + c] = s / a[i * p + i];
        }
    }
    Some(())
}

/// A fitted ridge map: standardised features → targets.
pub struct Ridge {
    mean: Vec<f64>,
    scale: Vec<f64>,
    y_mean: Vec<f64>,
    /// p × q
    w: Vec<f64>,
    q: usize,
}

impl Ridge {
    /// Fits on the rows in `rows`, with penalty `lambda` on standardised features.
    pub fn fit(d: &Data, rows: &[usize], lambda: f64) -> Ridge {
        let p = d.x[0].len();
        let q = d.y[0].len();
        let n = rows.len().max(1) as f64;
        let mut mean = vec![0.0; p];
        let mut y_mean = vec![0.0; q];
        for &r in rows {
            for (m, v) in mean.iter_mut().zip(&d.x[r]) {
                *m += *v as f64 / n;
            }
            for (m, v) in y_mean.iter_mut().zip(&d.y[r]) {
                *m += *v as f64 / n;
            }
        }
        let mut scale = vec![0.0; p];
        for &r in rows {
            for ((s, m), v) in scale.iter_mut().zip(&mean).zip(&d.x[r]) {
                *s += (*v as f64 - m).powi(2) / n;
            }
        }
        for s in scale.iter_mut() {
            *s = if *s > 1e-12 { 1.0 / s.sqrt() } else { 0.0 };
        }
        let mut a = vec![0.0; p * p];
        let mut b = vec![0.0; p * q];
        let mut z = vec![0.0; p];
        for &r in rows {
            for i in 0..p {
                z[i] = (d.x[r][i] as f64 - mean[i]) * scale[i];
            }
            for i in 0..p {
                if z[i] == 0.0 {
                    continue;
                }
                for j in 0..=i {
                    a[i * p + j] += z[i] * z[j];
                }
                for c in 0..q {
                    b[i * q + c] += z[i] * (d.y[r][c] as f64 - y_mean[c]);
                }
            }
        }
        for i in 0..p {
            for j in 0..i {
                a[j * p + i] = a[i * p + j];
            }
            a[i * p + i] += lambda * n;
        }
        if cholesky_solve(&mut a, p, &mut b, q).is_none() {
            b.iter_mut().for_each(|v| *v = 0.0);
        }
        Ridge { mean, scale, y_mean, w: b, q }
    }

    pub fn predict(&self, x: &[f32]) -> Vec<f64> {
        let mut out = self.y_mean.clone();
        for (i, v) in x.iter().enumerate() {
            let z = (*v as f64 - self.mean[i]) * self.scale[i];
            if z != 0.0 {
                for (o, w) in out.iter_mut().zip(&self.w[i * self.q..(i + 1) * self.q]) {
                    *o += z * w;
                }
            }
        }
        out
    }
}

/// `folds` interleaved folds of 0..n.
fn fold_rows(n: usize, folds: usize, k: usize) -> (Vec<usize>, Vec<usize>) {
    let (test, train): (Vec<usize>, Vec<usize>) = (0..n).partition(|i| i % folds == k);
    (train, test)
}

/// Cross-validated accuracy of a ridge classifier (one-hot targets, argmax).
pub fn cv_accuracy(x: &[Vec<f32>], labels: &[usize], classes: usize, folds: usize, lambda: f64) -> f32 {
    let y: Vec<Vec<f32>> = labels.iter().map(|&l| (0..classes).map(|c| (c == l) as u8 as f32).collect()).collect();
    let d = Data { x, y: &y };
    let mut right = 0;
    for k in 0..folds {
        let (train, test) = fold_rows(x.len(), folds, k);
        let model = Ridge::fit(&d, &train, lambda);
        for &r in &test {
            let p = model.predict(&x[r]);
            let best = (0..classes).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(0);
            right += (best == labels[r]) as usize;
        }
    }
    right as f32 / x.len().max(1) as f32
}

/// Cross-validated R² of a ridge regression of `y` on `x` (all outputs pooled).
pub fn cv_r2(x: &[Vec<f32>], y: &[Vec<f32>], folds: usize, lambda: f64) -> f32 {
    let d = Data { x, y };
    let q = y[0].len();
    let n = y.len() as f64;
    let mut mean = vec![0.0; q];
    for row in y {
        for (m, v) in mean.iter_mut().zip(row) {
            *m += *v as f64 / n;
        }
    }
    let total: f64 = y.iter().map(|row| row.iter().zip(&mean).map(|(v, m)| (*v as f64 - m).powi(2)).sum::<f64>()).sum();
    let mut residual = 0.0;
    for k in 0..folds {
        let (train, test) = fold_rows(y.len(), folds, k);
        let model = Ridge::fit(&d, &train, lambda);
        for &r in &test {
            let p = model.predict(&x[r]);
            residual += p.iter().zip(&y[r]).map(|(a, b)| (a - *b as f64).powi(2)).sum::<f64>();
        }
    }
    if total <= 0.0 {
        0.0
    } else {
        (1.0 - residual / total) as f32
    }
}

/// Pearson correlation.
pub fn correlation(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len()) as f64;
    if n < 2.0 {
        return 0.0;
    }
    let ma = a.iter().map(|&v| v as f64).sum::<f64>() / n;
    let mb = b.iter().map(|&v| v as f64).sum::<f64>() / n;
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        let (dx, dy) = (*x as f64 - ma, *y as f64 - mb);
        sab += dx * dy;
        saa += dx * dx;
        sbb += dy * dy;
    }
    if saa <= 0.0 || sbb <= 0.0 {
        0.0
    } else {
        (sab / (saa * sbb).sqrt()) as f32
    }
}

/// A random d × d rotation, uniform over the orthogonal group (Haar):
/// Gram–Schmidt on the columns of a Gaussian matrix (the QR factor with a
/// positive diagonal, which is what makes it uniform).
pub fn random_orthogonal(d: usize, rng: &mut crate::rng::Rng) -> ndarray::Array2<f32> {
    let mut cols: Vec<Vec<f64>> = (0..d).map(|_| (0..d).map(|_| rng.normal() as f64).collect()).collect();
    for i in 0..d {
        for j in 0..i {
            let dot: f64 = cols[i].iter().zip(&cols[j]).map(|(a, b)| a * b).sum();
            let (head, tail) = cols.split_at_mut(i);
            tail[0].iter_mut().zip(&head[j]).for_each(|(a, b)| *a -= dot * b);
        }
        let norm = cols[i].iter().map(|a| a * a).sum::<f64>().sqrt();
        cols[i].iter_mut().for_each(|a| *a /= norm);
    }
    ndarray::Array2::from_shape_fn((d, d), |(r, c)| cols[c][r] as f32)
}

pub fn median(v: &mut [f32]) -> f32 {
    if v.is_empty() {
        return f32::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        0.5 * (v[m - 1] + v[m])
    }
}

pub fn mean(v: &[f32]) -> f32 {
    v.iter().sum::<f32>() / v.len().max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn ridge_recovers_a_linear_map() {
        let mut rng = Rng::new(1);
        let x: Vec<Vec<f32>> = (0..200).map(|_| (0..5).map(|_| rng.normal()).collect()).collect();
        let y: Vec<Vec<f32>> = x.iter().map(|r| vec![2.0 * r[0] - r[3] + 0.5, r[1]]).collect();
        let d = Data { x: &x, y: &y };
        let rows: Vec<usize> = (0..200).collect();
        let m = Ridge::fit(&d, &rows, 1e-6);
        let p = m.predict(&[1.0, 2.0, 0.0, 1.0, 0.0]);
        // Features are standardised with the sample's statistics, so the
        // prediction is close, not exact.
        assert!((p[0] - 1.5).abs() < 0.05 && (p[1] - 2.0).abs() < 0.05, "{p:?}");
        assert!(cv_r2(&x, &y, 5, 1e-6) > 0.99);
    }

    #[test]
    fn classifier_beats_chance_only_with_signal() {
        let mut rng = Rng::new(2);
        let labels: Vec<usize> = (0..400).map(|i| i % 4).collect();
        let signal: Vec<Vec<f32>> =
            labels.iter().map(|&l| (0..6).map(|j| if j == l { 2.0 } else { 0.0 } + rng.normal()).collect()).collect();
        let noise: Vec<Vec<f32>> = labels.iter().map(|_| (0..6).map(|_| rng.normal()).collect()).collect();
        assert!(cv_accuracy(&signal, &labels, 4, 5, 1e-3) > 0.8);
        assert!(cv_accuracy(&noise, &labels, 4, 5, 1e-3) < 0.4);
    }

    #[test]
    fn random_rotations_are_orthogonal_and_unbiased() {
        let mut rng = Rng::new(5);
        let mut sum = ndarray::Array2::<f32>::zeros((6, 6));
        for _ in 0..400 {
            let q = random_orthogonal(6, &mut rng);
            let qtq = q.t().dot(&q);
            for ((i, j), v) in qtq.indexed_iter() {
                assert!((v - (i == j) as u8 as f32).abs() < 1e-5, "QᵀQ[{i},{j}] = {v}");
            }
            sum += &q;
        }
        // Haar rotations average to zero: no direction is preferred.
        assert!(sum.iter().all(|v| (v / 400.0).abs() < 0.1), "{:?}", sum / 400.0);
    }

    #[test]
    fn correlation_and_median() {
        assert!((correlation(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.5]) - 1.0).abs() < 0.01);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
    }
}
