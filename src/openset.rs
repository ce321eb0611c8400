//! The open-set scores (issue 26): how far a picture is from the sketches a model knows, in
//! four ways, and the calibration that turns them into "one of the ten kinds" or "none".
//! Pure and small: the page, the command line and the evaluation compute a score the same way
//! from a model's trace and the retina's input. The rule that chose among them is
//! `data/openset-choice.json`; fitting and the threshold are in `train::openset`.
//!
//! * **energy**: −logsumexp of the category logits (Liu et al. 2020), today's score;
//! * **mahalanobis**: the distance of IT's pooled stream from the nearest kind's mean under
//!   one shared covariance (Lee et al. 2018);
//! * **typicality**: how far low-level statistics of the retina's input lie beyond the range
//!   sketches have, on the photograph side (continuous tones; after Nalisnick et al. 2019);
//! * **combined**: the largest of the three, each standardised on sketches.

/// The energy score of one row of category logits, at temperature 1: −logsumexp(logits).
pub fn energy(logits: &[f32]) -> f32 {
    let max = logits.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    -(max + logits.iter().map(|v| (v - max).exp()).sum::<f32>().ln())
}

/// The open-set decision: recognised when the score is at or below the threshold.
pub fn recognised(score: f32, threshold: Option<f32>) -> bool {
    threshold.is_none_or(|t| score <= t)
}

/// The low-level statistics [`input_stats`] measures.
pub const STATS: usize = 4;

/// Which score a calibration thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Score {
    Energy,
    Mahalanobis,
    Typicality,
    Combined,
}

impl Score {
    pub const ALL: [Score; 4] = [Score::Energy, Score::Mahalanobis, Score::Typicality, Score::Combined];

    pub const fn name(self) -> &'static str {
        match self {
            Score::Energy => "energy",
            Score::Mahalanobis => "mahalanobis",
            Score::Typicality => "typicality",
            Score::Combined => "combined",
        }
    }

    pub fn parse(name: &str) -> Option<Score> {
        Score::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// What one picture gives the scores: the category logits, IT's pooled stream and the
/// statistics of the retina's input.
#[derive(Clone, Debug)]
pub struct Features {
    pub logits: Vec<f32>,
    pub pooled: Vec<f32>,
    pub stats: [f32; STATS],
}

/// Statistics of a light-adapted image (zero mean, unit s.d.), each larger the further the
/// picture is from strokes on paper. `m` is the median (the paper), `k` the 1st or 99th
/// percentile, whichever lies further from it (the ink), `span` = |k − m|:
/// 0. the share of mid-tones, pixels between 0.25 and 0.75 of the way from paper to ink;
/// 1. the entropy, in bits, of the histogram in bins 0.2 wide on [−5, 5];
/// 2. −ln(kurtosis): a sketch is mostly paper with sparse ink, so heavy-tailed;
/// 3. the share of neighbouring pairs (right, down) both off the paper and within 0.1 span of
///    each other: continuous tone rather than paper and ink.
pub fn input_stats(img: &[f32]) -> [f32; STATS] {
    let n = img.len();
    if n == 0 {
        return [0.0; STATS];
    }
    let mut sorted = img.to_vec();
    sorted.sort_by(f32::total_cmp);
    let m = sorted[n / 2];
    let (lo, hi) = (sorted[n / 100], sorted[(n * 99).div_ceil(100).clamp(1, n) - 1]);
    let span = (lo - m).abs().max((hi - m).abs());
    let (mut mid, mut m2, mut m4) = (0usize, 0.0f64, 0.0f64);
    let mut bins = [0usize; 50];
    let mean = img.iter().map(|&v| v as f64).sum::<f64>() / n as f64;
    for &v in img {
        let d = (v - m).abs();
        if span > 0.0 && d >= 0.25 * span && d <= 0.75 * span {
            mid += 1;
        }
        let c = v as f64 - mean;
        m2 += c * c;
        m4 += c * c * c * c;
        bins[((v + 5.0) / 0.2).floor().clamp(0.0, 49.0) as usize] += 1;
    }
    let entropy: f64 = bins.iter().filter(|&&b| b > 0).map(|&b| b as f64 / n as f64).map(|p| -p * p.log2()).sum();
    let kurtosis = if m2 > 0.0 { m4 * n as f64 / (m2 * m2) } else { 1.0 };
    // Continuous tone: pairs of neighbours both off the paper and nearly equal.
    let side = (n as f64).sqrt() as usize;
    let (mut tone, mut pairs) = (0usize, 0usize);
    if side * side == n && span > 0.0 {
        let off = |v: f32| (v - m).abs() > 0.25 * span;
        for y in 0..side {
            for x in 0..side {
                let a = img[y * side + x];
                for (dx, dy) in [(1, 0), (0, 1)] {
                    if x + dx < side && y + dy < side {
                        let b = img[(y + dy) * side + x + dx];
                        pairs += 1;
                        tone += (off(a) && off(b) && (a - b).abs() < 0.1 * span) as usize;
                    }
                }
            }
        }
    }
    [mid as f32 / n as f32, entropy as f32, -(kurtosis.max(1.0).ln() as f32), tone as f32 / pairs.max(1) as f32]
}

/// Everything fitted on held-out sketches that the scores need, and the threshold on the
/// chosen one. Stored in a weights file (`weights::CALIBRATION_KEY`).
#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    pub score: Score,
    /// The chosen score's cut-off: a picture is one of the ten kinds when its score is at or
    /// below it.
    pub threshold: f32,
    /// IT's pooled stream: the mean of each kind (kinds × d) and the inverse of the shared,
    /// shrunk covariance (d × d, row-major).
    pub class_means: Vec<Vec<f32>>,
    pub precision: Vec<f32>,
    /// The statistics' means and standard deviations on sketches.
    pub stats_mean: [f32; STATS],
    pub stats_sd: [f32; STATS],
    /// For `combined`: the median and 95th percentile on sketches of energy, mahalanobis and
    /// typicality, in that order.
    pub norms: [[f32; 2]; 3],
}

/// The three one-way scores of a picture: energy, mahalanobis, typicality.
pub fn parts(c: &Calibration, f: &Features) -> [f32; 3] {
    [energy(&f.logits), mahalanobis(c, &f.pooled), typicality(c, &f.stats)]
}

/// The distance of `pooled` from the nearest kind's mean, under the shared precision.
pub fn mahalanobis(c: &Calibration, pooled: &[f32]) -> f32 {
    let d = pooled.len();
    if c.precision.len() != d * d {
        return f32::NAN;
    }
    let mut best = f32::INFINITY;
    let mut diff = vec![0.0f32; d];
    for mean in &c.class_means {
        for ((o, &p), &m) in diff.iter_mut().zip(pooled).zip(mean) {
            *o = p - m;
        }
        let mut q = 0.0f32;
        for i in 0..d {
            let row = &c.precision[i * d..(i + 1) * d];
            q += diff[i] * row.iter().zip(&diff).map(|(a, b)| a * b).sum::<f32>();
        }
        best = best.min(q);
    }
    best
}

/// The largest standardised statistic: how far the picture lies beyond sketches, on the side
/// of photographs (a cleaner drawing than any generated one is no stranger).
pub fn typicality(c: &Calibration, stats: &[f32; STATS]) -> f32 {
    (0..STATS).map(|j| (stats[j] - c.stats_mean[j]) / c.stats_sd[j].max(1e-6)).fold(f32::NEG_INFINITY, f32::max)
}

/// A one-way score in units of sketches' own spread: 0 at their median, 1 at their 95th
/// percentile.
fn standardised(s: f32, norm: [f32; 2]) -> f32 {
    (s - norm[0]) / (norm[1] - norm[0]).max(1e-6)
}

/// The score `kind` of a picture.
pub fn score_of(c: &Calibration, kind: Score, f: &Features) -> f32 {
    match kind {
        Score::Energy => energy(&f.logits),
        Score::Mahalanobis => mahalanobis(c, &f.pooled),
        Score::Typicality => typicality(c, &f.stats),
        Score::Combined => {
            let p = parts(c, f);
            (0..3).map(|i| standardised(p[i], c.norms[i])).fold(f32::NEG_INFINITY, f32::max)
        }
    }
}

/// The calibrated score of a picture, and whether it is one of the ten kinds.
pub fn judge(c: &Calibration, f: &Features) -> (f32, bool) {
    let s = score_of(c, c.score, f);
    (s, s <= c.threshold)
}

/// The inverse of a symmetric positive definite matrix (n × n, row-major), by Cholesky in
/// f64; None when it is not positive definite. At most 32 × 32 here, so no library is needed.
pub fn spd_inverse(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0f64; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s = a[i * n + j] - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    // Columns of L⁻¹ by forward substitution, then A⁻¹ = L⁻ᵀ L⁻¹.
    let mut li = vec![0.0f64; n * n];
    for c in 0..n {
        for i in c..n {
            let rhs = if i == c { 1.0 } else { 0.0 };
            let s = rhs - (c..i).map(|k| l[i * n + k] * li[k * n + c]).sum::<f64>();
            li[i * n + c] = s / l[i * n + i];
        }
    }
    let mut inv = vec![0.0f64; n * n];
    for i in 0..n {
        for j in 0..n {
            inv[i * n + j] = (i.max(j)..n).map(|k| li[k * n + i] * li[k * n + j]).sum();
        }
    }
    Some(inv)
}

/// Fits everything but the threshold from held-out sketches' features and their kinds
/// (`kinds` kinds): the class means and shrunk shared covariance of the pooled stream, the
/// statistics' means and s.d.s, and the standardisation of each one-way score.
pub fn fit(features: &[Features], labels: &[usize], kinds: usize, score: Score) -> Calibration {
    let d = features.first().map_or(0, |f| f.pooled.len());
    let mut sums = vec![vec![0.0f64; d]; kinds];
    let mut counts = vec![0usize; kinds];
    for (f, &y) in features.iter().zip(labels) {
        counts[y] += 1;
        for (s, &v) in sums[y].iter_mut().zip(&f.pooled) {
            *s += v as f64;
        }
    }
    let means: Vec<Vec<f64>> =
        sums.iter().zip(&counts).map(|(s, &c)| s.iter().map(|v| v / c.max(1) as f64).collect()).collect();
    let mut cov = vec![0.0f64; d * d];
    for (f, &y) in features.iter().zip(labels) {
        let diff: Vec<f64> = f.pooled.iter().zip(&means[y]).map(|(&v, m)| v as f64 - m).collect();
        for i in 0..d {
            for j in 0..d {
                cov[i * d + j] += diff[i] * diff[j];
            }
        }
    }
    let n = features.len().max(1) as f64;
    cov.iter_mut().for_each(|v| *v /= n);
    // Shrinkage towards a multiple of the identity keeps the inverse finite when some
    // direction of the stream never varies (a silent channel).
    let trace = (0..d).map(|i| cov[i * d + i]).sum::<f64>() / d.max(1) as f64;
    for i in 0..d {
        cov[i * d + i] += 1e-3 * trace.max(1e-12);
    }
    let precision = spd_inverse(&cov, d).unwrap_or_else(|| vec![0.0; d * d]);
    let mut stats_mean = [0.0f32; STATS];
    let mut stats_sd = [0.0f32; STATS];
    for j in 0..STATS {
        let v: Vec<f64> = features.iter().map(|f| f.stats[j] as f64).collect();
        let mean = v.iter().sum::<f64>() / n;
        stats_mean[j] = mean as f32;
        stats_sd[j] = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt() as f32;
    }
    let mut c = Calibration {
        score,
        threshold: f32::INFINITY,
        class_means: means.iter().map(|m| m.iter().map(|&v| v as f32).collect()).collect(),
        precision: precision.iter().map(|&v| v as f32).collect(),
        stats_mean,
        stats_sd,
        norms: [[0.0, 1.0]; 3],
    };
    let all: Vec<[f32; 3]> = features.iter().map(|f| parts(&c, f)).collect();
    for i in 0..3 {
        let mut v: Vec<f32> = all.iter().map(|p| p[i]).filter(|x| x.is_finite()).collect();
        v.sort_by(f32::total_cmp);
        if !v.is_empty() {
            let q = |p: f32| v[((p * v.len() as f32).ceil() as usize).clamp(1, v.len()) - 1];
            c.norms[i] = [q(0.5), q(0.95)];
        }
    }
    c
}

/// The calibration as text for a weights file's metadata: the score's name, then numbers
/// separated by spaces (threshold, d, kinds, the means, the precision, the statistics'
/// means and s.d.s, the norms). Plain decimals, read back by [`Calibration::from_text`]
/// with the weights file's own small parser (the wasm has no float parser of the standard
/// library's).
impl Calibration {
    /// The energy under `threshold`, with nothing fitted: what a file with only a threshold
    /// (before issue 26) holds.
    pub fn energy(threshold: f32) -> Calibration {
        Calibration {
            score: Score::Energy,
            threshold,
            class_means: Vec::new(),
            precision: Vec::new(),
            stats_mean: [0.0; STATS],
            stats_sd: [1.0; STATS],
            norms: [[0.0, 1.0]; 3],
        }
    }

    /// The calibration with only what its own score reads: a weights file carries the
    /// chosen score's numbers, not every candidate's (for the energy, nothing but the
    /// threshold; the means and precision are 1,300 numbers, 17 KB of text, in every file
    /// and in the page's wasm for each model compiled in).
    pub fn trimmed(&self) -> Calibration {
        let mut c = Calibration::energy(self.threshold);
        c.score = self.score;
        match self.score {
            Score::Energy => {}
            Score::Mahalanobis => (c.class_means, c.precision) = (self.class_means.clone(), self.precision.clone()),
            Score::Typicality => (c.stats_mean, c.stats_sd) = (self.stats_mean, self.stats_sd),
            Score::Combined => return self.clone(),
        }
        c
    }

    pub fn to_text(&self) -> String {
        let d = self.class_means.first().map_or(0, |m| m.len());
        let mut nums: Vec<f32> = vec![self.threshold, d as f32, self.class_means.len() as f32];
        self.class_means.iter().for_each(|m| nums.extend(m));
        nums.extend(&self.precision);
        nums.extend(self.stats_mean);
        nums.extend(self.stats_sd);
        self.norms.iter().for_each(|n| nums.extend(n));
        let mut out = self.score.name().to_string();
        for v in nums {
            out.push(' ');
            out.push_str(&format!("{v:e}"));
        }
        out
    }

    /// Reads [`Calibration::to_text`]'s format with `number` as the decimal parser; None for
    /// anything malformed.
    pub fn from_text(text: &str, number: impl Fn(&str) -> Option<f32>) -> Option<Calibration> {
        let mut words = text.split_ascii_whitespace();
        let score = Score::parse(words.next()?)?;
        let nums: Vec<f32> = words.map(&number).collect::<Option<Vec<f32>>>()?;
        let (threshold, d, kinds) = (*nums.first()?, *nums.get(1)? as usize, *nums.get(2)? as usize);
        let want = 3 + kinds * d + d * d + 2 * STATS + 6;
        if nums.len() != want || d > 4096 || kinds > 4096 {
            return None;
        }
        let mut at = 3;
        let mut take = |k: usize| {
            let s = nums[at..at + k].to_vec();
            at += k;
            s
        };
        let class_means = (0..kinds).map(|_| take(d)).collect();
        let precision = take(d * d);
        let stats_mean = take(STATS).try_into().ok()?;
        let stats_sd = take(STATS).try_into().ok()?;
        let n = take(6);
        Some(Calibration {
            score,
            threshold,
            class_means,
            precision,
            stats_mean,
            stats_sd,
            norms: [[n[0], n[1]], [n[2], n[3]], [n[4], n[5]]],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIDE: usize = 64;

    /// Light adaptation as the retina gets it.
    fn adapted(mut img: Vec<f32>) -> Vec<f32> {
        crate::input::adapt(&mut img);
        img
    }

    /// A dark ring drawn on white paper: strokes on paper.
    fn ring() -> Vec<f32> {
        (0..SIDE * SIDE)
            .map(|i| {
                let (x, y) = ((i % SIDE) as f32 - 31.5, (i / SIDE) as f32 - 31.5);
                if ((x * x + y * y).sqrt() - 20.0).abs() < 1.5 {
                    0.0
                } else {
                    1.0
                }
            })
            .collect()
    }

    /// A smooth shaded ball on a gradient: continuous tones.
    fn shaded() -> Vec<f32> {
        (0..SIDE * SIDE)
            .map(|i| {
                let (x, y) = ((i % SIDE) as f32, (i / SIDE) as f32);
                let (u, v) = ((x - 32.0) / 20.0, (y - 32.0) / 20.0);
                let r2 = u * u + v * v;
                if r2 < 1.0 {
                    0.2 + 0.7 * (1.0 - r2).sqrt() * (0.5 - 0.5 * u).max(0.1)
                } else {
                    0.3 + 0.5 * y / 64.0
                }
            })
            .collect()
    }

    #[test]
    fn continuous_tones_score_above_strokes_on_paper_in_every_statistic() {
        let (a, b) = (input_stats(&adapted(ring())), input_stats(&adapted(shaded())));
        for j in 0..STATS {
            assert!(b[j] > a[j], "statistic {j}: strokes {} vs tones {}", a[j], b[j]);
        }
        // Strokes on paper have no mid-tones at all (no anti-aliasing here).
        assert_eq!(a[0], 0.0);
    }

    #[test]
    fn statistics_ignore_polarity_gain_and_a_blank_page() {
        let dark: Vec<f32> = ring().iter().map(|v| 0.2 + 0.3 * (1.0 - v)).collect();
        let (a, b) = (input_stats(&adapted(ring())), input_stats(&adapted(dark)));
        for j in 0..STATS {
            assert!((a[j] - b[j]).abs() < 1e-4, "statistic {j}: {} vs {}", a[j], b[j]);
        }
        let blank = input_stats(&adapted(vec![0.7; SIDE * SIDE]));
        assert!(blank.iter().all(|v| v.is_finite()), "{blank:?}");
    }

    #[test]
    fn the_inverse_of_a_spd_matrix_times_the_matrix_is_the_identity() {
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
        let inv = spd_inverse(&a, 3).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let p: f64 = (0..3).map(|k| a[i * 3 + k] * inv[k * 3 + j]).sum();
                assert!((p - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12, "({i}, {j}) {p}");
            }
        }
        assert!(spd_inverse(&[1.0, 2.0, 2.0, 1.0], 2).is_none(), "indefinite");
    }

    fn features(pooled: Vec<f32>, stats: [f32; STATS]) -> Features {
        Features { logits: vec![0.0; 2], pooled, stats }
    }

    /// Two kinds at (±1, 0) in a 2-d pooled stream, with unit spread in x and a tenth in y.
    fn two_kinds() -> (Vec<Features>, Vec<usize>) {
        let mut f = Vec::new();
        let mut y = Vec::new();
        for k in 0..2 {
            for i in 0..200 {
                let t = i as f32 / 199.0 * 2.0 - 1.0;
                let cx = if k == 0 { -1.0 } else { 1.0 };
                let (dx, dy) = if i % 2 == 0 { (t, 0.1 * t) } else { (t, -0.1 * t) };
                f.push(features(vec![cx + dx, dy], [0.1 * t, 1.0, -2.0, 0.0]));
                y.push(k);
            }
        }
        (f, y)
    }

    #[test]
    fn mahalanobis_measures_in_the_kinds_own_spread() {
        let (f, y) = two_kinds();
        let c = fit(&f, &y, 2, Score::Mahalanobis);
        // At a kind's mean: zero; as far off along y as along x is ten times as far in s.d.s.
        assert!(mahalanobis(&c, &[1.0, 0.0]) < 1e-3);
        let along_x = mahalanobis(&c, &[1.5, 0.0]);
        let along_y = mahalanobis(&c, &[1.0, 0.5]);
        assert!(along_y > 20.0 * along_x, "{along_x} {along_y}");
        // The nearest kind counts.
        assert!((mahalanobis(&c, &[-1.5, 0.0]) - along_x).abs() < 1e-3);
    }

    #[test]
    fn typicality_is_one_sided() {
        let (f, y) = two_kinds();
        let c = fit(&f, &y, 2, Score::Typicality);
        let typical = typicality(&c, &[0.0, 1.0, -2.0, 0.0]);
        let toned = typicality(&c, &[0.5, 1.0, -2.0, 0.0]);
        let cleaner = typicality(&c, &[-0.5, 1.0, -2.0, 0.0]);
        assert!(toned > 5.0 && typical.abs() < 0.1, "{typical} {toned}");
        // Fewer mid-tones than any sketch is no reason to refuse.
        assert!(cleaner <= typical, "{cleaner}");
    }

    #[test]
    fn combined_is_the_largest_standardised_part() {
        let (f, y) = two_kinds();
        let c = fit(&f, &y, 2, Score::Combined);
        let x = features(vec![1.0, 0.5], [0.0, 1.0, -2.0, 0.0]);
        let p = parts(&c, &x);
        let want = (0..3).map(|i| (p[i] - c.norms[i][0]) / (c.norms[i][1] - c.norms[i][0])).fold(f32::MIN, f32::max);
        assert!((score_of(&c, Score::Combined, &x) - want).abs() < 1e-5);
        assert!(want > 1.0, "far off in y is beyond the sketches' 95th percentile");
    }

    #[test]
    fn a_trimmed_calibration_scores_every_picture_as_the_whole_one_does() {
        let (f, y) = two_kinds();
        for score in Score::ALL {
            let mut c = fit(&f, &y, 2, score);
            c.threshold = 0.5;
            let t = c.trimmed();
            for x in &f {
                assert_eq!(score_of(&t, score, x).to_bits(), score_of(&c, score, x).to_bits(), "{}", score.name());
            }
            assert_eq!(Calibration::from_text(&t.to_text(), |w| w.parse().ok()), Some(t.clone()));
        }
        let energy = fit(&f, &y, 2, Score::Energy).trimmed();
        assert_eq!(energy, Calibration::energy(f32::INFINITY), "the energy keeps nothing fitted");
        assert!(energy.to_text().len() < 200);
    }

    #[test]
    fn a_calibration_reads_back_from_its_text() {
        let (f, y) = two_kinds();
        let mut c = fit(&f, &y, 2, Score::Combined);
        c.threshold = -9.651245;
        let text = c.to_text();
        let back = Calibration::from_text(&text, |w| w.parse().ok()).unwrap();
        assert_eq!(back, c);
        assert!(Calibration::from_text("combined 1 2", |w| w.parse().ok()).is_none());
        assert!(Calibration::from_text(&text.replacen("combined", "cosine", 1), |w| w.parse().ok()).is_none());
        assert!(Calibration::from_text(&format!("{text} 7"), |w| w.parse().ok()).is_none());
    }
}
