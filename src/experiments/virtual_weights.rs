//! VW: "later stations read from all earlier ones". In the stream, what
//! station j's L4 reads of what station k's L5 wrote is the virtual weight
//! W_out^k · W_in^j (m × m), whatever lies between (Elhage et al. 2021);
//! its size, relative to the two matrices', says how much j listens to k.
//! The embedding (the thalamic input) is writer 0 and the behaviour's heads
//! are the last reader. The direct path W_E · W_U goes from LGN channels to
//! category logits without any station.
//!
//! In the hierarchy the same products can be formed, but a station only ever
//! receives the one below: the entries off that diagonal are not wired
//! (`used_by_the_network` describes the wiring; it is not a measurement).
//!
//! Null: the strength depends on the matrices' singular values as well as on
//! how their directions line up. The rotation null keeps each trained
//! matrix's singular values and draws its rotations at random: for
//! W = U Σ Vᵀ and R = U' Σ' V'ᵀ, ‖W R‖ = ‖Σ Vᵀ U' Σ'‖ depends on the rotations
//! only through Vᵀ U', which for random rotations is a uniformly random
//! rotation Q, so each draw is ‖W Q R‖ / (‖W‖ ‖R‖) with Q Haar. Each pair's
//! `z` is the trained strength against these draws (mean, sd).

use super::linalg::random_orthogonal;
use super::verdict::{Claim, Positive, Runs};
use super::{tick, Failure, Measure, Models, Progress, Size, TRAINED_AND_UNTRAINED};
use crate::model::Model;
use crate::names::STATION_NAMES;
use crate::reads::{matrix, readers, strength, strengths, writers};
use crate::retina::CHANNEL_NAMES;
use crate::stimuli::CATEGORIES;
use crate::train::held_out;
use crate::wiring::reaches;
use ndarray::Array2;
use serde::{Deserialize, Serialize};

/// Draws of the rotation null for every (reader, writer) pair of [`matrix`]
/// (writer k ≤ reader j): mean, sd, and the trained strength's z against them.
#[derive(Clone, Debug)]
pub struct RotationNull {
    pub mean: Vec<Vec<Option<f32>>>,
    pub sd: Vec<Vec<Option<f32>>>,
    pub z: Vec<Vec<Option<f32>>>,
}

/// The rotation null of `draws` random rotations between each writer and
/// reader (one rotation per draw, shared by the pairs: each pair's null is
/// the same as with its own, and it costs a fifth).
pub fn rotation_null(ws: &[Array2<f32>], rs: &[Array2<f32>], draws: usize, rng: &mut crate::rng::Rng) -> RotationNull {
    let d = ws[0].ncols();
    let (mut sum, mut sq) = (vec![vec![0.0f64; ws.len()]; rs.len()], vec![vec![0.0f64; ws.len()]; rs.len()]);
    for _ in 0..draws {
        let q = random_orthogonal(d, rng);
        let rotated: Vec<Array2<f32>> = ws.iter().map(|w| w.dot(&q)).collect();
        for (j, r) in rs.iter().enumerate() {
            for (k, w) in rotated.iter().enumerate().take(j + 1) {
                let s = strength(w, r) as f64;
                sum[j][k] += s;
                sq[j][k] += s * s;
            }
        }
    }
    let trained = strengths(ws, rs);
    let n = draws as f64;
    let pick = |f: &dyn Fn(usize, usize) -> f32| -> Vec<Vec<Option<f32>>> {
        (0..rs.len()).map(|j| (0..ws.len()).map(|k| (k <= j).then(|| f(j, k))).collect()).collect()
    };
    let mean = |j: usize, k: usize| sum[j][k] / n;
    let sd = |j: usize, k: usize| ((sq[j][k] / n - mean(j, k).powi(2)).max(0.0) * n / (n - 1.0).max(1.0)).sqrt();
    RotationNull {
        mean: pick(&|j, k| mean(j, k) as f32),
        sd: pick(&|j, k| sd(j, k) as f32),
        z: pick(&|j, k| ((trained[j][k].unwrap_or(0.0) as f64 - mean(j, k)) / sd(j, k).max(1e-12)) as f32),
    }
}

/// Reader j's skip pairs: writers k < j (the one before the reader, k = j, is the adjacent pair).
pub fn skip_pairs() -> Vec<(usize, usize)> {
    (0..5).flat_map(|j| (0..j).map(move |k| (j, k))).collect()
}

/// Directions of the stream each skipping read is aligned to, per writer (the positive control).
pub const ALIGNED_DIRECTIONS: usize = 4;

/// The `r` leading right singular vectors of `w` (rows × d) as the columns of a d × r matrix:
/// the stream directions `w` writes into most, by orthogonal iteration on wᵀw (a few hundred
/// rounds of a 32 × 32 product; no decomposition library is needed for that).
pub fn leading_directions(w: &Array2<f32>, r: usize, rng: &mut crate::rng::Rng) -> Array2<f32> {
    let a = w.t().dot(w);
    let d = a.nrows();
    let mut q = Array2::from_shape_fn((d, r), |_| rng.normal());
    for _ in 0..300 {
        q = a.dot(&q);
        // Gram–Schmidt keeps the columns apart, each converging to the next direction.
        for c in 0..r {
            for e in 0..c {
                let dot = q.column(c).dot(&q.column(e));
                let earlier = q.column(e).to_owned();
                q.column_mut(c).scaled_add(-dot, &earlier);
            }
            let norm = q.column(c).dot(&q.column(c)).sqrt().max(1e-20);
            q.column_mut(c).mapv_inplace(|v| v / norm);
        }
    }
    q
}

/// The readers with every skipping read built aligned to the earlier writes (the positive
/// control of data/preregistration.json): reader j's columns cycle through the leading
/// directions of writers 0..j (those it reads past the adjacent one), each writer's
/// [`ALIGNED_DIRECTIONS`] in turn, and the matrix keeps its Frobenius norm. Reader 0 (V1)
/// skips nothing and is left as it is.
pub fn aligned_readers(ws: &[Array2<f32>], rs: &[Array2<f32>], rng: &mut crate::rng::Rng) -> Vec<Array2<f32>> {
    let directions: Vec<Array2<f32>> = ws.iter().map(|w| leading_directions(w, ALIGNED_DIRECTIONS, rng)).collect();
    rs.iter()
        .enumerate()
        .map(|(j, r)| {
            if j == 0 {
                return r.clone();
            }
            let pool: Vec<_> = (0..ALIGNED_DIRECTIONS).flat_map(|i| (0..j).map(move |k| (k, i))).collect();
            let mut aligned = Array2::zeros(r.dim());
            for (c, &(k, i)) in (0..r.ncols()).zip(pool.iter().cycle()) {
                aligned.column_mut(c).assign(&directions[k].column(i));
            }
            let scale = r.iter().map(|v| v * v).sum::<f32>().sqrt() / aligned.iter().map(|v| v * v).sum::<f32>().sqrt();
            aligned * scale
        })
        .collect()
}

/// Mean |contribution| of each path to the category logits on held-out sketches.
fn contribution_sizes(m: &Model, n: usize) -> Vec<f32> {
    let batch = crate::train::render(n, 1, &|i| held_out(i as u64 + 70_000).0);
    let t = m.forward(batch.lgn);
    let mut sizes = vec![0.0f32; 5];
    for b in 0..n {
        if let Some(c) = m.contributions(&t, b) {
            let paths: Vec<&Vec<f32>> = std::iter::once(&c.direct).chain(c.stations.iter()).collect();
            for (s, p) in sizes.iter_mut().zip(paths) {
                *s += p.iter().map(|v| v.abs()).sum::<f32>() / p.len() as f32 / n as f32;
            }
        }
    }
    sizes
}

/// What one run of VW reports (`www/js/experiments/virtual-weights.js` draws it). Matrices are
/// indexed [reader][writer]: readers V1, V2, V4, IT and the behaviour's heads (`readers`),
/// writers the thalamic input and V1 … IT (`writers`); a writer after its reader is null.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "virtual-weights/"))]
pub struct Output {
    pub stream: Reads,
    pub hierarchy: Reads,
    /// The positive control, measured on the stream.
    pub positive_control: AlignedReads,
    /// Random rotations each pair's null is drawn from.
    pub null_draws: usize,
    /// What the fields mean, in words.
    pub note: String,
    /// The readers, in the matrices' row order: the stations' L4 and the behaviour.
    pub readers: Vec<String>,
    /// The writers, in the matrices' column order: the thalamic input and the stations' L5.
    pub writers: Vec<String>,
    /// The LGN channels, the rows of `direct_path`.
    pub lgn_channels: Vec<String>,
    /// The sketch categories, the columns of `direct_path`.
    pub categories: Vec<String>,
    /// The paths to the behaviour `mean_abs_contribution` is over: the direct path, then each station.
    pub paths: Vec<String>,
}

/// How one wiring's stations read what earlier ones wrote.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "virtual-weights/"))]
pub struct Reads {
    /// Virtual weight strength ‖W_write·W_read‖ / (‖W_write‖ ‖W_read‖), [reader][writer].
    pub strength: Vec<Vec<Option<f32>>>,
    /// The strength as a z-score against the rotation null, [reader][writer].
    pub z: Vec<Vec<Option<f32>>>,
    /// The rotation null's mean, [reader][writer].
    pub null_mean: Vec<Vec<Option<f32>>>,
    /// The rotation null's standard deviation, [reader][writer].
    pub null_sd: Vec<Vec<Option<f32>>>,
    /// Mean z over the adjacent pairs (a station reading the one just before it).
    pub mean_z_adjacent: f32,
    /// Mean z over the skip pairs (writer k < reader j, past the adjacent one): VW's measure.
    pub mean_z_skip: f32,
    /// Whether the wiring brings the writer's output to the reader at all, [reader][writer]:
    /// the wiring, not a measurement.
    pub used_by_the_network: Vec<Vec<bool>>,
    /// The direct path W_E·W_U from LGN channels to category logits, [channel][category].
    pub direct_path: Vec<Vec<f32>>,
    /// Mean |contribution| of each path (`paths`) to the category logits on held-out
    /// sketches; null in the hierarchy, whose behaviour reads IT alone.
    pub mean_abs_contribution: Option<Vec<f32>>,
}

/// The positive control: the stream with every skipping read built aligned to the earlier writes.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "virtual-weights/"))]
pub struct AlignedReads {
    /// How the aligned reads are built, in words.
    pub what: String,
    /// Mean z over the skip pairs, against the same rotation null.
    pub mean_z_skip: f32,
    /// Each aligned read's z against the rotation null, [reader][writer].
    pub z: Vec<Vec<Option<f32>>>,
}

/// One wiring's reads: strengths, their rotation null, and, where the wiring is residual, each
/// path's contribution to the behaviour over `n` held-out sketches.
fn reads(m: &Model, n: usize, draws: usize, rng: &mut crate::rng::Rng) -> Reads {
    let null = rotation_null(&writers(m), &readers(m), draws, rng);
    let mean_z = |pairs: &[(usize, usize)]| {
        pairs.iter().map(|&(j, k)| null.z[j][k].unwrap_or(0.0)).sum::<f32>() / pairs.len() as f32
    };
    let adjacent: Vec<(usize, usize)> = (0..5).map(|j| (j, j)).collect();
    Reads {
        strength: matrix(m),
        mean_z_adjacent: mean_z(&adjacent),
        mean_z_skip: mean_z(&skip_pairs()),
        used_by_the_network: (0..5).map(|j| (0..5).map(|k| reaches(m.wiring, k, j)).collect()).collect(),
        // LGN channels × categories.
        direct_path: m.embed.w.dot(&m.category.w).rows().into_iter().map(|r| r.to_vec()).collect(),
        mean_abs_contribution: m.wiring.residual().then(|| contribution_sizes(m, n)),
        z: null.z,
        null_mean: null.mean,
        null_sd: null.sd,
    }
}

/// The positive control: the same stream with every skipping read aligned to the earlier
/// writes, against the same rotation null, by the same code.
fn aligned(m: &Model, draws: usize, rng: &mut crate::rng::Rng) -> AlignedReads {
    let aligned = aligned_readers(&writers(m), &readers(m), rng);
    let control = rotation_null(&writers(m), &aligned, draws, rng);
    let skip = skip_pairs();
    AlignedReads {
        what: "the stream with each skipping read's columns set to the leading singular directions of the earlier \
               writes it reads past the adjacent one (norm kept)"
            .into(),
        mean_z_skip: skip.iter().map(|&(j, k)| control.z[j][k].unwrap_or(0.0)).sum::<f32>() / skip.len() as f32,
        z: control.z,
    }
}

/// VW, the registry's row.
pub struct VirtualWeights;

impl Measure for VirtualWeights {
    const NAME: &'static str = "virtual-weights";
    const CLAIM: &'static str = "VW";
    const CONDITIONS: &'static [super::Condition] = TRAINED_AND_UNTRAINED;
    type Output = Output;
    type Read = Output;
    fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Output, Failure> {
        let n = size.pick(64, 512);
        let draws = size.pick(200, 1000);
        let mut rng = crate::rng::Rng::new(seed ^ 0x0207_A7E5);
        // The stream, its positive control (the stream is the residual wiring), then the
        // hierarchy: the order they draw from `rng` in.
        let stream = reads(&models.stream, n, draws, &mut rng);
        let positive_control = aligned(&models.stream, draws, &mut rng);
        tick(progress, 0.5)?;
        let hierarchy = reads(&models.hierarchy, n, draws, &mut rng);
        tick(progress, 1.0)?;
        let names = |v: &[&str]| -> Vec<String> { v.iter().map(|s| s.to_string()).collect() };
        Ok(Output {
            stream,
            hierarchy,
            positive_control,
            null_draws: draws,
            note: "strength[reader][writer] = ‖W_write·W_read‖/(‖W_write‖‖W_read‖). z: the trained strength against \
                   the rotation null (each matrix's singular values kept, its rotations drawn at random; null_mean, \
                   null_sd over null_draws draws). mean_z_adjacent: over the pairs k = j (a station reading the one \
                   before it, wired in both wirings); mean_z_skip: over the pairs k < j (reading an earlier writer \
                   past the one before, wired only in the stream; the VW verdict). used_by_the_network describes \
                   the wiring, it is not measured."
                .into(),
            readers: names(&STATION_NAMES).into_iter().chain(["behaviour".to_string()]).collect(),
            writers: ["thalamic input".to_string()].into_iter().chain(names(&STATION_NAMES)).collect(),
            lgn_channels: names(&CHANNEL_NAMES),
            categories: names(&CATEGORIES),
            paths: ["direct".to_string()].into_iter().chain(names(&STATION_NAMES)).collect(),
        })
    }
    /// VW: the stream's later stations read what earlier ones wrote past the
    /// station between them. Effect: the mean z (against the rotation null) of
    /// the stream's skip pairs, writer k < reader j; null: the same in the
    /// hierarchy of the seed, whose stations never receive those writes, so its
    /// alignment is what chance and shared training give. The skip pairs, not
    /// the adjacent ones, because only the stream wires them: a station reading
    /// the one just before it is every wiring's, and says nothing for the post.
    fn claim(runs: &Runs<Output>) -> Claim {
        let z = |v: &[Output]| -> (Vec<f64>, Vec<f64>) {
            (
                v.iter().map(|r| r.stream.mean_z_skip as f64).collect(),
                v.iter().map(|r| r.hierarchy.mean_z_skip as f64).collect(),
            )
        };
        let ((effect, null), control) = runs.trained_and_control(z);
        Claim {
            id: Self::CLAIM,
            says: "later stations read from all earlier ones: the stream's virtual weights past the adjacent station are used",
            measure: "mean over the skip pairs (writer k < reader j, thalamic input and behaviour included) of the \
                      virtual weight's z against the rotation null: stream (effect) against hierarchy (null), paired by \
                      seed"
                .into(),
            effect,
            null,
            control,
        }
    }
    /// The stream with its skipping reads built aligned, against the trained hierarchy. No
    /// known z: the alignment a matrix of that norm reaches depends on its spectrum.
    fn positive(runs: &Runs<Output>) -> Option<Positive> {
        Positive::from_runs(
            runs.trained,
            |r| (r.positive_control.mean_z_skip as f64, r.hierarchy.mean_z_skip as f64),
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn gaussian(rows: usize, cols: usize, rng: &mut Rng) -> Array2<f32> {
        Array2::from_shape_fn((rows, cols), |_| rng.normal())
    }

    /// Random writers and readers of the model's shapes.
    fn random_pairs(rng: &mut Rng) -> (Vec<Array2<f32>>, Vec<Array2<f32>>) {
        let (d, m) = (crate::model::D, crate::model::M);
        let mut ws = vec![gaussian(8, d, rng)];
        ws.extend((0..4).map(|_| gaussian(m, d, rng)));
        let mut rs: Vec<Array2<f32>> = (0..4).map(|_| gaussian(d, m, rng)).collect();
        rs.push(gaussian(d, 10, rng));
        (ws, rs)
    }

    #[test]
    fn the_rotation_null_gives_random_matrices_z_scores_centred_on_zero() {
        let mut rng = Rng::new(11);
        let mut zs = Vec::new();
        for _ in 0..12 {
            let (ws, rs) = random_pairs(&mut rng);
            let null = rotation_null(&ws, &rs, 100, &mut rng);
            zs.extend(null.z.iter().flatten().flatten().map(|&z| z as f64));
        }
        assert_eq!(zs.len(), 12 * 15);
        let mean = zs.iter().sum::<f64>() / zs.len() as f64;
        let sd = (zs.iter().map(|z| (z - mean).powi(2)).sum::<f64>() / zs.len() as f64).sqrt();
        assert!(mean.abs() < 0.25, "mean z {mean}");
        assert!((0.6..1.5).contains(&sd), "sd of z {sd}");
    }

    #[test]
    fn a_reader_that_reads_what_the_writer_writes_is_far_above_the_rotation_null() {
        let mut rng = Rng::new(12);
        let (mut ws, mut rs) = random_pairs(&mut rng);
        // Writer V1 (k = 1) writes into a 4-dimensional subspace; reader V2 (j = 1) reads exactly it.
        let basis = gaussian(4, crate::model::D, &mut rng);
        ws[1] = gaussian(crate::model::M, 4, &mut rng).dot(&basis);
        rs[1] = basis.t().dot(&gaussian(4, crate::model::M, &mut rng));
        let null = rotation_null(&ws, &rs, 200, &mut rng);
        let z = null.z[1][1].unwrap();
        assert!(z > 5.0, "aligned pair z = {z}");
        assert!(null.z[1][0].unwrap().abs() < 4.0 && null.z[0][1].is_none());
    }
}
