//! Principal directions of a cloud of rows: the low-capacity probes of P1 read a layer
//! through its leading few, and P3 finds the thalamic subspace with them. The covariance
//! is small (at most a few hundred columns), so a cyclic Jacobi eigensolver in f64 is exact
//! enough and needs no dependency in the wasm.

/// The eigenvalues and unit eigenvectors of the symmetric `p`×`p` matrix `a` (row-major),
/// largest eigenvalue first.
pub fn symmetric_eigen(a: &[f64], p: usize) -> Vec<(f64, Vec<f64>)> {
    let mut a = a.to_vec();
    let mut v = vec![0.0; p * p];
    for i in 0..p {
        v[i * p + i] = 1.0;
    }
    let scale: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt().max(f64::MIN_POSITIVE);
    for _sweep in 0..60 {
        let off: f64 = (0..p)
            .flat_map(|i| (0..p).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * p + j].powi(2))
            .sum();
        if off.sqrt() <= 1e-13 * scale {
            break;
        }
        for i in 0..p {
            for j in i + 1..p {
                let aij = a[i * p + j];
                if aij.abs() <= 1e-300 {
                    continue;
                }
                // The rotation that zeroes a[i][j] (Golub & Van Loan, symmetric Schur).
                let theta = (a[j * p + j] - a[i * p + i]) / (2.0 * aij);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..p {
                    let (aki, akj) = (a[k * p + i], a[k * p + j]);
                    a[k * p + i] = c * aki - s * akj;
                    a[k * p + j] = s * aki + c * akj;
                }
                for k in 0..p {
                    let (aik, ajk) = (a[i * p + k], a[j * p + k]);
                    a[i * p + k] = c * aik - s * ajk;
                    a[j * p + k] = s * aik + c * ajk;
                }
                for k in 0..p {
                    let (vki, vkj) = (v[k * p + i], v[k * p + j]);
                    v[k * p + i] = c * vki - s * vkj;
                    v[k * p + j] = s * vki + c * vkj;
                }
            }
        }
    }
    let mut pairs: Vec<(f64, Vec<f64>)> =
        (0..p).map(|j| (a[j * p + j], (0..p).map(|k| v[k * p + j]).collect())).collect();
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
    pairs
}

/// The `r` leading principal directions (unit vectors) of `rows`, centred.
pub fn leading_directions(rows: &[Vec<f32>], r: usize) -> Vec<Vec<f64>> {
    let p = rows.first().map_or(0, |row| row.len());
    let n = rows.len().max(1) as f64;
    let mut mean = vec![0.0; p];
    for row in rows {
        for (m, x) in mean.iter_mut().zip(row) {
            *m += *x as f64 / n;
        }
    }
    let mut cov = vec![0.0; p * p];
    let mut z = vec![0.0; p];
    for row in rows {
        for i in 0..p {
            z[i] = row[i] as f64 - mean[i];
        }
        for i in 0..p {
            for j in 0..=i {
                cov[i * p + j] += z[i] * z[j] / n;
            }
        }
    }
    for i in 0..p {
        for j in 0..i {
            cov[j * p + i] = cov[i * p + j];
        }
    }
    symmetric_eigen(&cov, p).into_iter().take(r).map(|(_, v)| v).collect()
}

/// Each row's coordinates along `directions` (not centred: a probe standardises them anyway).
pub fn project(rows: &[Vec<f32>], directions: &[Vec<f64>]) -> Vec<Vec<f32>> {
    rows.iter()
        .map(|row| {
            directions.iter().map(|u| u.iter().zip(row).map(|(a, b)| a * *b as f64).sum::<f64>() as f32).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn a_cloud_stretched_along_known_axes_gives_them_back_in_order() {
        let mut rng = Rng::new(5);
        // Spread 5 along (1, 1, 0, 0)/√2, 2 along (0, 0, 1, 0), 0.1 elsewhere.
        let (a, b) = ([0.5f32.sqrt(), 0.5f32.sqrt(), 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]);
        let rows: Vec<Vec<f32>> = (0..4000)
            .map(|_| {
                let (x, y) = (5.0 * rng.normal(), 2.0 * rng.normal());
                (0..4).map(|i| x * a[i] + y * b[i] + 0.1 * rng.normal() + 3.0).collect()
            })
            .collect();
        let d = leading_directions(&rows, 2);
        let dot = |u: &[f64], w: &[f32]| u.iter().zip(w).map(|(p, q)| p * *q as f64).sum::<f64>().abs();
        assert!(dot(&d[0], &a) > 0.999, "{:?}", d[0]);
        assert!(dot(&d[1], &b) > 0.999, "{:?}", d[1]);
        let norm: f64 = d[0].iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_eigenpairs_of_a_symmetric_matrix_rebuild_it() {
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 1.0];
        let e = symmetric_eigen(&a, 3);
        assert!(e[0].0 >= e[1].0 && e[1].0 >= e[2].0);
        for i in 0..3 {
            for j in 0..3 {
                let rebuilt: f64 = e.iter().map(|(l, v)| l * v[i] * v[j]).sum();
                assert!((rebuilt - a[i * 3 + j]).abs() < 1e-10, "({i}, {j}): {rebuilt}");
            }
        }
    }
}
