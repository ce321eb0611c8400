//! TU: does V1 look like V1? Tuning to static gratings at 36 orientations
//! (every 5°) × 8 phases × 9 spatial frequencies half an octave apart, of
//! every channel of V1's L4 and L2/3 at a 4×4 grid of positions inside the
//! map (a grating is the same everywhere, so a channel's units elsewhere are
//! the same filter again):
//! - circular variance CV = 1 − |Σ r(θ) e^{2iθ}| / Σ r(θ) (0 sharp, 1 flat);
//! - orientation bandwidth: half-width where the tuning curve (mean over
//!   phase, linearly interpolated) falls below peak/√2;
//! - F1/F0 over phase at the preferred orientation (> 1 simple, < 1 complex);
//! - preferred orientation, and peak spatial frequency: the best frequency at
//!   the preferred orientation, refined by a parabola through it and its two
//!   neighbours on a log scale.
//!
//! Preferred orientation and peak spatial frequency are compared with the
//! published macaque V1 distributions in `data/v1/` as Marques, Schrimpf &
//! DiCarlo (2021) compare models for Brain-Score: both distributions binned
//! on the published bins, similarity = 1 − KS distance between their
//! cumulative distributions, divided by the largest distance any
//! distribution could have from the published one (so 1 is identical, 0 as
//! far as possible). The claim (data/preregistration.json) scores V1's L2/3,
//! mean over the two properties and both wirings, against a null of as many
//! units drawn uniformly over each property's range, and its positive control
//! is a bank of Gabor filters drawn from the published distributions, shown
//! the same gratings and measured by the same code.
//!
//! Spatial frequency needs a visual angle, which the model does not have: the
//! 64-pixel image is taken to span 2° (32 pixels a degree). A V1 L2/3 unit
//! then integrates about 12–16 input pixels, about 0.4–0.5°, the size of
//! macaque V1 receptive fields at 2–5° eccentricity, and the gratings run
//! from 0.5 cycles/degree (one cycle across the image) to 8 (4 pixels a cycle).

use super::linalg::median;
use super::sparseness::GRID;
use super::verdict::{Claim, Positive, Runs};
use super::{for_each_trace, tick, Failure, Measure, Models, Progress, Size, WITH_RETINA_CONTROL};
use crate::input::SIDE;
use crate::layers::Maps;
use crate::model::Model;
use crate::names::{Layer, Station};
use crate::rng::Rng;
use crate::stimuli::{self, Stimulus};
use ndarray::Array2;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub const ORIENTATIONS: usize = 36;
pub const PHASES: usize = 8;
/// Pixels per degree of visual angle (see top): the image spans 2°.
pub const PX_PER_DEG: f32 = 32.0;
/// Degrees of visual angle the 64-pixel image is taken to span.
pub const FIELD_DEG: f32 = SIDE as f32 / PX_PER_DEG;
/// Spatial frequencies of the gratings, half an octave apart.
pub const FREQUENCIES: usize = 9;
/// The lowest and highest, in cycles per degree.
pub const SF_CPD: [f32; 2] = [0.5, 8.0];
/// Resamples of our units for the similarity's interval.
pub const BOOTSTRAP: usize = 1000;
/// The properties compared with published data, in the JSON's order.
pub const COMPARED: [&str; 2] = ["preferred_orientation", "peak_spatial_frequency"];
/// The layer the claim scores.
pub const SCORED: Layer = Layer::L23;
/// The two-sample Kolmogorov–Smirnov coefficient at α = 0.05: c(α) = √(−ln(α/2)/2).
const KS_C_05: f64 = 1.3581;

/// Frequency `f` (0..FREQUENCIES) in cycles per degree.
pub fn cycles_per_degree(f: usize) -> f32 {
    SF_CPD[0] * 2f32.powf(f as f32 / 2.0)
}
/// One published distribution of `data/v1/`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "tuning/"))]
pub struct Published {
    /// What is measured, as the output's keys name it ("preferred_orientation").
    pub property: String,
    /// Its unit, in words.
    pub unit: String,
    /// Bin edges (one more than `counts`).
    pub bins: Vec<f64>,
    /// Cells per bin.
    pub counts: Vec<f64>,
    pub citation: String,
    /// Where in the paper the counts come from, and how they were read.
    pub source: String,
}

#[cfg(not(target_arch = "wasm32"))]
const DATA: [&str; 2] = [
    include_str!("../../data/v1/preferred_orientation.json"),
    include_str!("../../data/v1/peak_spatial_frequency.json"),
];

impl Published {
    pub fn parse(text: &str) -> Result<Published, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let numbers = |key: &str| -> Result<Vec<f64>, String> {
            v[key]
                .as_array()
                .ok_or(format!("no {key}"))?
                .iter()
                .map(|x| x.as_f64().ok_or(format!("{key} holds a non-number")))
                .collect()
        };
        let text = |key: &str| v[key].as_str().map(str::to_string).ok_or(format!("no {key}"));
        let p = Published {
            property: text("property")?,
            unit: text("unit")?,
            bins: numbers("bins")?,
            counts: numbers("counts")?,
            citation: text("citation")?,
            source: text("source")?,
        };
        if p.bins.len() != p.counts.len() + 1 || p.bins.windows(2).any(|w| w[1] <= w[0]) {
            return Err(format!("{}: bins must rise and number one more than counts", p.property));
        }
        Ok(p)
    }

    /// Every file of `data/v1/`, compiled in natively. In the browser the
    /// comparison is left out: parsing the files would pull serde_json's
    /// float parser into the wasm, over its size budget; the native results carry it.
    #[cfg(target_arch = "wasm32")]
    pub fn all() -> Vec<Published> {
        Vec::new()
    }

    /// Every file of `data/v1/`, compiled in.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn all() -> Vec<Published> {
        DATA.iter().map(|t| Published::parse(t).expect("data/v1 files parse (tests/published.rs)")).collect()
    }

    /// How `values` fall into these bins, as fractions; values outside the
    /// bins count in the first or last (as Marques et al. clip them).
    pub fn histogram(&self, values: &[f64]) -> Vec<f64> {
        let k = self.counts.len();
        let mut h = vec![0.0; k];
        for &v in values {
            let i = self.bins[1..k].iter().take_while(|&&edge| v >= edge).count();
            h[i] += 1.0;
        }
        normalised(&h)
    }

    /// 1 − KS of `values` against this distribution ([`ks_similarity`]).
    pub fn similarity(&self, values: &[f64]) -> f64 {
        ks_similarity(&self.histogram(values), &normalised(&self.counts))
    }
}

fn normalised(h: &[f64]) -> Vec<f64> {
    let total: f64 = h.iter().sum();
    h.iter().map(|v| if total > 0.0 { v / total } else { 0.0 }).collect()
}

/// Similarity of a model histogram `p` to a published one `q` on the same
/// bins (both summing to 1): 1 − D / D_max, where D is the largest gap
/// between their cumulative sums and D_max the largest gap any
/// distribution could have from `q` (all its mass in the first or the last
/// bin). 1: identical; 0: as unlike `q` as possible.
pub fn ks_similarity(p: &[f64], q: &[f64]) -> f64 {
    let gap = |a: &[f64]| {
        let (mut ca, mut cq, mut d) = (0.0f64, 0.0f64, 0.0f64);
        for (x, y) in a.iter().zip(q) {
            ca += x;
            cq += y;
            d = d.max((ca - cq).abs());
        }
        d
    };
    let most = largest_gap(q);
    if most.is_nan() {
        return f64::NAN;
    }
    if most <= 0.0 {
        return 1.0;
    }
    1.0 - gap(p) / most
}

/// The largest KS distance any distribution on these bins could have from `q`: all its mass
/// in the first or the last bin (NaN for no bins).
pub fn largest_gap(q: &[f64]) -> f64 {
    let k = q.len();
    if k == 0 {
        return f64::NAN;
    }
    // All mass in the first bin leaves every other bin's mass behind, 1 − q₀; all in the
    // last runs ahead of all but the last bin's, 1 − q_last.
    (1.0 - q[0]).max(1.0 - q[k - 1])
}

/// How like one published distribution a population's units are.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "tuning/"))]
pub struct Comparison {
    /// 1 − KS distance / its largest possible value (1: the published distribution, 0: as
    /// unlike it as any can be); null without units.
    pub similarity: Option<f64>,
    /// Its 95 % interval over resamples of the units; nulls without units.
    pub ci: [Option<f64>; 2],
    /// Tuned units compared.
    pub units: usize,
    /// Cells the published histogram counts.
    pub published_cells: f64,
    /// The units' histogram on the published bins, as fractions.
    pub model_histogram: Vec<f64>,
}

/// The similarity of `values` to `published` and its 95 % interval over
/// resamples of the units (with replacement, as many as there are).
pub fn compare(published: &Published, values: &[f64], seed: u64) -> Comparison {
    let mut rng = Rng::new(seed);
    let mut resampled: Vec<f64> = (0..BOOTSTRAP)
        .map(|_| {
            let draw: Vec<f64> = (0..values.len()).map(|_| values[rng.below(values.len())]).collect();
            published.similarity(&draw)
        })
        .collect();
    resampled.sort_by(f64::total_cmp);
    let q = |f: f64| resampled.get(((f * BOOTSTRAP as f64) as usize).min(BOOTSTRAP - 1)).copied().unwrap_or(f64::NAN);
    let some = !values.is_empty();
    Comparison {
        similarity: some.then(|| published.similarity(values)).and_then(finite),
        ci: if some { [finite(q(0.025)), finite(q(0.975))] } else { [None, None] },
        units: values.len(),
        published_cells: published.counts.iter().sum::<f64>(),
        model_histogram: published.histogram(values),
    }
}

/// A number as JSON holds it: NaN (no units to measure) is null.
fn finite<F: Into<f64> + Copy>(v: F) -> Option<F> {
    v.into().is_finite().then_some(v)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tuning {
    pub circular_variance: f32,
    pub bandwidth_deg: f32,
    pub f1_f0: f32,
    pub preferred_deg: f32,
}

/// One unit's responses: r[frequency][orientation][phase].
pub type Responses = Vec<Vec<[f32; PHASES]>>;

/// Measures from r[orientation][phase] (orientations over 180°).
pub fn measure(r: &[[f32; PHASES]]) -> Option<Tuning> {
    let n = r.len();
    let curve: Vec<f32> = r.iter().map(|p| p.iter().sum::<f32>() / PHASES as f32).collect();
    let total: f32 = curve.iter().sum();
    if total <= 1e-9 {
        return None;
    }
    let (mut re, mut im) = (0.0f32, 0.0f32);
    for (i, v) in curve.iter().enumerate() {
        let a = 2.0 * std::f32::consts::PI * i as f32 / n as f32;
        re += v * a.cos();
        im += v * a.sin();
    }
    let cv = 1.0 - (re * re + im * im).sqrt() / total;
    let best = (0..n).max_by(|&a, &b| curve[a].total_cmp(&curve[b])).unwrap_or(0);
    let peak = curve[best];
    let step = 180.0 / n as f32;
    // Walk out from the peak in 1° steps on the circular, interpolated curve.
    let at = |deg: f32| -> f32 {
        let x = (deg / step).rem_euclid(n as f32);
        let i = x.floor() as usize % n;
        let f = x - x.floor();
        curve[i] * (1.0 - f) + curve[(i + 1) % n] * f
    };
    let centre = best as f32 * step;
    let half = |dir: f32| (1..=90).find(|&d| at(centre + dir * d as f32) < peak / 2f32.sqrt()).unwrap_or(90) as f32;
    let bandwidth = 0.5 * (half(1.0) + half(-1.0));
    let p = &r[best];
    let f0 = p.iter().sum::<f32>() / PHASES as f32;
    let (mut c, mut s) = (0.0f32, 0.0f32);
    for (i, v) in p.iter().enumerate() {
        let a = 2.0 * std::f32::consts::PI * i as f32 / PHASES as f32;
        c += v * a.cos();
        s += v * a.sin();
    }
    let f1 = 2.0 * (c * c + s * s).sqrt() / PHASES as f32;
    Some(Tuning {
        circular_variance: cv,
        bandwidth_deg: bandwidth,
        f1_f0: if f0 > 1e-9 { f1 / f0 } else { 0.0 },
        preferred_deg: centre,
    })
}

fn phase_mean(p: &[f32; PHASES]) -> f32 {
    p.iter().sum::<f32>() / PHASES as f32
}

/// A unit's tuning at its best frequency, that frequency's index, and its peak spatial
/// frequency (cycles/degree); None for a unit that never answers or answers every grating alike.
pub fn tune(r: &Responses) -> Option<(Tuning, usize, f32)> {
    let all = r.iter().flatten().flatten();
    let (lo, hi) = all.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    if hi <= 1e-9 || hi - lo <= 1e-6 * hi {
        return None;
    }
    // The best (frequency, orientation) by the mean over phase.
    let (mut bf, mut bo) = (0, 0);
    for (f, by_o) in r.iter().enumerate() {
        for (o, p) in by_o.iter().enumerate() {
            if phase_mean(p) > phase_mean(&r[bf][bo]) {
                (bf, bo) = (f, o);
            }
        }
    }
    let t = measure(&r[bf])?;
    // The frequency curve at the preferred orientation, its peak refined by a parabola on a log scale.
    let y: Vec<f32> = r.iter().map(|by_o| phase_mean(&by_o[bo])).collect();
    let shift = if bf > 0 && bf + 1 < y.len() {
        let bend = y[bf - 1] - 2.0 * y[bf] + y[bf + 1];
        if bend < 0.0 {
            (0.5 * (y[bf - 1] - y[bf + 1]) / bend).clamp(-0.5, 0.5)
        } else {
            0.0
        }
    } else {
        0.0
    };
    Some((t, bf, SF_CPD[0] * 2f32.powf((bf as f32 + shift) / 2.0)))
}

/// Preferred orientation on the published bins' range [−22.5°, 157.5°).
fn wrapped(deg: f32) -> f64 {
    if deg >= 157.5 {
        deg as f64 - 180.0
    } else {
        deg as f64
    }
}

const STIMULI: usize = FREQUENCIES * ORIENTATIONS * PHASES;

/// Stimulus `i`'s (frequency, orientation, phase) indices, nested in that order.
fn indices(i: usize) -> (usize, usize, usize) {
    let per_f = ORIENTATIONS * PHASES;
    (i / per_f, (i % per_f) / PHASES, i % PHASES)
}

/// The grating of stimulus `i`.
fn grating(i: usize) -> Vec<f32> {
    let (f, o, p) = indices(i);
    let ori = std::f32::consts::PI * o as f32 / ORIENTATIONS as f32;
    let phase = std::f32::consts::TAU * p as f32 / PHASES as f32;
    stimuli::grating(ori, phase, cycles_per_degree(f) / PX_PER_DEG, 1.0)
}

/// The grid positions of one map: (i + ½)·side/GRID along each axis, as the single units of
/// the sparseness experiment.
fn grid(side: usize) -> Vec<(usize, usize)> {
    let step = (side / GRID).max(1);
    let at: Vec<usize> = (0..GRID.min(side)).map(|i| i * step + step / 2).collect();
    at.iter().flat_map(|&y| at.iter().map(move |&x| (y, x))).collect()
}

/// The tuned units of one population, in unit order (unit = position × channel, or a filter).
pub struct Population {
    /// (unit, tuning, peak cycles/degree).
    pub units: Vec<(usize, Tuning, f32)>,
    /// Units per position (channels), to name each unit's channel.
    channels: usize,
}

impl Population {
    pub fn of(responses: &[Responses], channels: usize) -> Population {
        let units = responses.iter().enumerate().filter_map(|(u, r)| tune(r).map(|(t, _, sf)| (u, t, sf))).collect();
        Population { units, channels: channels.max(1) }
    }
    /// The values of the published `property`, one per tuned unit.
    pub fn values(&self, property: &str) -> Vec<f64> {
        match property {
            "preferred_orientation" => self.units.iter().map(|u| wrapped(u.1.preferred_deg)).collect(),
            "peak_spatial_frequency" => self.units.iter().map(|u| u.2 as f64).collect(),
            other => unreachable!("no measure for published property {other}"),
        }
    }
    /// The mean similarity over the published properties.
    pub fn score(&self, published: &[Published]) -> f64 {
        let s: Vec<f64> = published.iter().map(|p| p.similarity(&self.values(&p.property))).collect();
        s.iter().sum::<f64>() / s.len().max(1) as f64
    }
    /// How many distinct channels (independent filters) are among the tuned units.
    pub fn independent(&self) -> usize {
        let mut seen: Vec<usize> = self.units.iter().map(|u| u.0 % self.channels).collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    }
}

/// Rounded for the results file: four decimals say all the measures can.
fn r4(v: f32) -> f32 {
    (v * 1e4).round() / 1e4
}

fn layer_tuning(pop: &Population, curves: &[(usize, Vec<f32>)], published: &[Published], seed: u64) -> LayerTuning {
    let cv: Vec<f32> = pop.units.iter().map(|u| r4(u.1.circular_variance)).collect();
    let bw: Vec<f32> = pop.units.iter().map(|u| u.1.bandwidth_deg).collect();
    let ff: Vec<f32> = pop.units.iter().map(|u| r4(u.1.f1_f0)).collect();
    let simple = ff.iter().filter(|&&v| v > 1.0).count();
    LayerTuning {
        units_responding: pop.units.len(),
        channels_responding: pop.independent(),
        circular_variance: Spread { median: finite(median(&mut cv.clone())), values: cv },
        bandwidth_deg: Spread { median: finite(median(&mut bw.clone())), values: bw },
        f1_f0: F1F0 {
            median: finite(median(&mut ff.clone())),
            simple_fraction: simple as f32 / pop.units.len().max(1) as f32,
            values: ff,
        },
        preferred_deg: pop.units.iter().map(|u| u.1.preferred_deg).collect(),
        peak_cycles_per_degree: pop.units.iter().map(|u| r4(u.2)).collect(),
        macaque_similarity: published
            .iter()
            .map(|p| (p.property.clone(), compare(p, &pop.values(&p.property), seed)))
            .collect(),
        curves: curves
            .iter()
            .map(|(ch, curve)| Curve { channel: *ch, curve: curve.iter().map(|v| r4(*v)).collect() })
            .collect(),
    }
}

/// The responses of every channel of V1's L4 and L2/3 at the grid positions:
/// [layer][unit = position · channels + channel], and the number of channels.
fn responses(
    model: &Model,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<(Vec<Vec<Responses>>, usize), Failure> {
    let make = |i: usize| Stimulus { pixels: grating(i), category: None, orientation: None };
    let mut r: Vec<Vec<Responses>> = Vec::new();
    let mut channels = 0;
    for_each_trace(model, STIMULI, &make, progress, span, &mut |t, start| {
        for (l, &layer) in Layer::RATES.iter().enumerate() {
            let m: &Maps = t.stations[Station::V1.index()].layer(layer);
            let at = grid(m.side);
            channels = m.channels();
            if r.len() <= l {
                r.push(vec![vec![vec![[0.0; PHASES]; ORIENTATIONS]; FREQUENCIES]; at.len() * channels]);
            }
            for b in 0..m.n {
                let (f, o, p) = indices(start + b);
                for (pos, &(y, x)) in at.iter().enumerate() {
                    for ch in 0..channels {
                        r[l][pos * channels + ch][f][o][p] = m.at(b, y, x, ch);
                    }
                }
            }
        }
    })?;
    Ok((r, channels))
}

/// One model's V1: the tuning of its layers of rates, and the population the claim scores.
fn one(
    model: &Model,
    seed: u64,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<(RateLayers, Population), Failure> {
    let (r, channels) = responses(model, progress, span)?;
    let published = Published::all();
    let layer = |l: usize| -> (LayerTuning, Population) {
        let pop = Population::of(&r[l], channels);
        // Example curves: each channel at the grid position nearest the centre, at its best frequency.
        let centre = (GRID / 2) * GRID + GRID / 2;
        let curves: Vec<(usize, Vec<f32>)> = (0..channels)
            .filter_map(|ch| {
                let unit = &r[l][centre * channels + ch];
                let (_, f, _) = tune(unit)?;
                Some((ch, unit[f].iter().map(phase_mean).collect()))
            })
            .collect();
        (layer_tuning(&pop, &curves, &published, seed ^ (l as u64 + 1)), pop)
    };
    // `responses` holds the layers in the order of Layer::RATES: L4, then L2/3.
    const _: () = assert!(matches!(Layer::RATES, [Layer::L4, Layer::L23]));
    let [(l4, l4_pop), (l23, l23_pop)] = [0, 1].map(layer);
    let scored = match SCORED {
        Layer::L4 => l4_pop,
        Layer::L23 => l23_pop,
        other => unreachable!("the claim scores a layer of rates, not {other:?}"),
    };
    Ok((RateLayers { l4, l23 }, scored))
}

/// Envelope widths of macaque V1 simple-cell receptive fields in periods of their preferred
/// frequency, (n_x across the bars, n_y along them): Ringach (2002), Spatial structure and
/// symmetry of simple-cell receptive fields in macaque primary visual cortex, J. Neurophysiol.
/// 88, 455–463, as the joint histogram VOneNet (Dapello et al. 2020) draws its Gabors from:
/// rows n_x, columns n_y, on five bins spaced evenly in log10 from 10^−1 to 10^0.2.
pub const RINGACH_NX_NY: [[f64; 5]; 5] = [
    [2.0, 0.0, 1.0, 0.0, 0.0],
    [8.0, 9.0, 4.0, 1.0, 0.0],
    [1.0, 2.0, 19.0, 17.0, 3.0],
    [0.0, 0.0, 1.0, 7.0, 4.0],
    [0.0, 0.0, 0.0, 0.0, 0.0],
];

/// One Gabor filter of the positive control.
#[derive(Clone, Debug)]
pub struct Gabor {
    /// Orientation of its bars, in radians as `stimuli::grating` takes it.
    pub orientation: f32,
    pub cycles_per_degree: f32,
    pub phase: f32,
    /// Envelope widths in periods, across and along the bars.
    pub nx: f32,
    pub ny: f32,
    /// Simple (half-rectified) or complex (the energy of a quadrature pair).
    pub simple: bool,
}

/// A value drawn from histogram `counts` on `bins`: a bin in proportion to its count, then
/// uniformly within it (on a log scale when `log`).
fn draw(bins: &[f64], counts: &[f64], log: bool, rng: &mut Rng) -> f64 {
    let total: f64 = counts.iter().sum();
    let mut u = rng.uniform() as f64 * total;
    let mut i = 0;
    while i + 1 < counts.len() && u >= counts[i] {
        u -= counts[i];
        i += 1;
    }
    let t = rng.uniform() as f64;
    if log {
        (bins[i].ln() + t * (bins[i + 1].ln() - bins[i].ln())).exp()
    } else {
        bins[i] + t * (bins[i + 1] - bins[i])
    }
}

/// `n` Gabors drawn from the published distributions: orientation and peak spatial frequency
/// from `published` (the files the measure compares with), the envelope from
/// [`RINGACH_NX_NY`], the phase uniform, every other one simple.
pub fn gabor_bank(published: &[Published], n: usize, rng: &mut Rng) -> Vec<Gabor> {
    let find = |name: &str| published.iter().find(|p| p.property == name).expect("data/v1 has the property");
    let (ori, sf) = (find("preferred_orientation"), find("peak_spatial_frequency"));
    let cells: Vec<f64> = RINGACH_NX_NY.iter().flatten().copied().collect();
    let cell_edges: Vec<f64> = (0..=cells.len()).map(|c| c as f64).collect();
    let edges: Vec<f64> = (0..6).map(|i| 10f64.powf(-1.0 + 1.2 * i as f64 / 5.0)).collect();
    (0..n)
        .map(|i| {
            let cell = (draw(&cell_edges, &cells, false, rng) as usize).min(cells.len() - 1);
            let mut within = |k: usize| draw(&edges[k..k + 2], &[1.0], true, rng) as f32;
            let (nx, ny) = (within(cell / 5), within(cell % 5));
            Gabor {
                orientation: (draw(&ori.bins, &ori.counts, false, rng) as f32).rem_euclid(180.0).to_radians(),
                cycles_per_degree: draw(&sf.bins, &sf.counts, true, rng) as f32,
                phase: rng.range(0.0, std::f32::consts::TAU),
                nx,
                ny,
                simple: i % 2 == 0,
            }
        })
        .collect()
}

impl Gabor {
    /// Its even and odd kernels over the image, centred on it, in the pixel order of
    /// `stimuli::grating` (the carrier runs across the bars as a grating of the same
    /// orientation does).
    fn kernels(&self) -> (Vec<f32>, Vec<f32>) {
        let (s, c) = self.orientation.sin_cos();
        let per_px = self.cycles_per_degree / PX_PER_DEG;
        let (sx, sy) = (self.nx / per_px, self.ny / per_px); // envelope sd in pixels
        let h = 0.5 * SIDE as f32;
        let mut even = vec![0.0; SIDE * SIDE];
        let mut odd = vec![0.0; SIDE * SIDE];
        for y in 0..SIDE {
            for x in 0..SIDE {
                let (px, py) = (x as f32 + 0.5 - h, y as f32 + 0.5 - h);
                let across = px * s + py * c;
                let along = px * c - py * s;
                let g = (-0.5 * ((across / sx).powi(2) + (along / sy).powi(2))).exp();
                let a = std::f32::consts::TAU * per_px * across + self.phase;
                even[y * SIDE + x] = g * a.cos();
                odd[y * SIDE + x] = g * a.sin();
            }
        }
        (even, odd)
    }
}

/// The bank's responses to the same gratings as the model's units, [filter] → Responses.
pub fn bank_responses(bank: &[Gabor]) -> Vec<Responses> {
    let mut k = Array2::<f32>::zeros((2 * bank.len(), SIDE * SIDE));
    for (i, g) in bank.iter().enumerate() {
        let (e, o) = g.kernels();
        k.row_mut(2 * i).assign(&ndarray::ArrayView1::from(&e));
        k.row_mut(2 * i + 1).assign(&ndarray::ArrayView1::from(&o));
    }
    let mut images = Array2::<f32>::zeros((SIDE * SIDE, STIMULI));
    for i in 0..STIMULI {
        for (p, v) in grating(i).into_iter().enumerate() {
            images[[p, i]] = v - 0.5; // contrast about mean grey, as a filter sees it
        }
    }
    let linear = k.dot(&images);
    bank.iter()
        .enumerate()
        .map(|(u, g)| {
            let mut r = vec![vec![[0.0f32; PHASES]; ORIENTATIONS]; FREQUENCIES];
            for i in 0..STIMULI {
                let (e, o) = (linear[[2 * u, i]], linear[[2 * u + 1, i]]);
                let (f, ori, p) = indices(i);
                r[f][ori][p] = if g.simple { e.max(0.0) } else { (e * e + o * o).sqrt() };
            }
            r
        })
        .collect()
}

/// The null: the score of `n` units whose properties are drawn uniformly over each one's
/// range (orientation over 180°, frequency uniform on a log scale over the tested range).
pub fn uniform_null(published: &[Published], n: usize, rng: &mut Rng) -> f64 {
    let s: Vec<f64> = published
        .iter()
        .map(|p| {
            let values: Vec<f64> = match p.property.as_str() {
                "preferred_orientation" => (0..n).map(|_| rng.range(-22.5, 157.5) as f64).collect(),
                "peak_spatial_frequency" => (0..n)
                    .map(|_| SF_CPD[0] as f64 * (SF_CPD[1] as f64 / SF_CPD[0] as f64).powf(rng.uniform() as f64))
                    .collect(),
                other => unreachable!("no null for published property {other}"),
            };
            p.similarity(&values)
        })
        .collect();
    s.iter().sum::<f64>() / s.len().max(1) as f64
}

/// What a two-sample KS test at α = 0.05 can detect against one published distribution.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "tuning/"))]
pub struct Power {
    /// Independent units (responsive channels: a channel's units elsewhere are the same filter).
    pub independent_units: usize,
    pub published_cells: f64,
    /// The smallest KS distance it detects; null without units.
    pub smallest_detectable_ks: Option<f64>,
    /// The same as a drop in similarity; null without units.
    pub smallest_detectable_similarity_drop: Option<f64>,
}

/// The smallest KS distance a two-sample test at α = 0.05 detects between `n` independent
/// units and the published cells, and the same as a drop in similarity.
fn power(p: &Published, n: usize) -> Power {
    let cells = p.counts.iter().sum::<f64>();
    let ks = if n == 0 { f64::NAN } else { KS_C_05 * ((n as f64 + cells) / (n as f64 * cells)).sqrt() };
    Power {
        independent_units: n,
        published_cells: cells,
        smallest_detectable_ks: finite(ks),
        smallest_detectable_similarity_drop: finite(ks / largest_gap(&normalised(&p.counts))),
    }
}

/// What one run of TU reports (`www/js/experiments/tuning.js` draws it). Without the published
/// data (the browser's build) `macaque_v1.published` and every `macaque_similarity` are empty and
/// there is no `score`, `power` or `positive_control`.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "tuning/"))]
pub struct Output {
    /// The station measured (V1).
    pub station: String,
    /// Grating orientations over 180°.
    pub orientations: usize,
    /// Grating phases over a cycle.
    pub phases: usize,
    /// The gratings' spatial frequencies, cycles per degree.
    pub cycles_per_degree: Vec<f32>,
    /// The lowest and highest of them.
    pub sf_cpd: [f32; 2],
    /// Pixels per degree of visual angle the image is taken to have.
    pub pixels_per_degree: f32,
    /// Degrees of visual angle the image is taken to span.
    pub field_of_view_deg: f32,
    /// Which units are measured, in words.
    pub units: String,
    pub macaque_v1: MacaqueV1,
    pub stream: RateLayers,
    pub hierarchy: RateLayers,
    /// The claim's score.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
    pub score: Option<Score>,
    /// What the comparison can detect at this number of independent units.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
    pub power: Option<PowerOfWirings>,
    /// The positive control: Gabor banks drawn from the published distributions.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(target_arch = "wasm32"), ts(optional))]
    pub positive_control: Option<GaborControl>,
}

/// The published macaque V1 data the units are compared with.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "tuning/"))]
pub struct MacaqueV1 {
    /// How the similarity is computed, in words.
    pub similarity: String,
    pub published: Vec<Published>,
    /// What is not compared and why, in words.
    pub missing: String,
}

/// One wiring's V1, by layer of firing rates.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "tuning/"))]
pub struct RateLayers {
    pub l4: LayerTuning,
    pub l23: LayerTuning,
}

/// The tuning of one layer's units (every channel at a grid of positions), each over the units
/// that answer the gratings at all.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "tuning/"))]
pub struct LayerTuning {
    /// Units that answer some grating, and not every grating alike.
    pub units_responding: usize,
    /// Distinct channels among them (independent filters).
    pub channels_responding: usize,
    /// Circular variance of the orientation tuning curve: 0 sharp, 1 flat.
    pub circular_variance: Spread,
    /// Orientation half-width at 1/√2 of the peak, degrees.
    pub bandwidth_deg: Spread,
    /// F1/F0 over phase at the preferred orientation: > 1 simple cell, < 1 complex.
    pub f1_f0: F1F0,
    /// Preferred orientation per unit, degrees (0..180).
    pub preferred_deg: Vec<f32>,
    /// Peak spatial frequency per unit, cycles per degree.
    pub peak_cycles_per_degree: Vec<f32>,
    /// Similarity to each published distribution, by its property (empty without the data).
    pub macaque_similarity: BTreeMap<String, Comparison>,
    /// Example tuning curves: each channel at the grid position nearest the centre.
    pub curves: Vec<Curve>,
}

/// One measure over the units: its median and every unit's value.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "tuning/"))]
pub struct Spread {
    /// The median over units; null without units.
    pub median: Option<f32>,
    pub values: Vec<f32>,
}

/// F1/F0 over the units, and how many of them are simple cells.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "tuning/"))]
pub struct F1F0 {
    /// The median over units; null without units.
    pub median: Option<f32>,
    pub values: Vec<f32>,
    /// The fraction of units with F1/F0 > 1 (simple cells).
    pub simple_fraction: f32,
}

/// One channel's orientation tuning curve.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "tuning/"))]
pub struct Curve {
    pub channel: usize,
    /// Mean response over phase at each orientation, at the unit's best spatial frequency.
    pub curve: Vec<f32>,
}

/// TU's score: the similarity of V1 L2/3 to macaque V1.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "tuning/"))]
pub struct Score {
    /// What is scored, in words.
    pub what: String,
    /// The stream's, mean over the published properties.
    pub stream: f64,
    /// The hierarchy's, mean over the published properties.
    pub hierarchy: f64,
    /// The mean of the two: the claim's effect.
    pub mean: f64,
    /// As many units drawn uniformly over each property's range, scored alike: the claim's null.
    pub uniform_null: f64,
}

/// The test's power against each published distribution, per wiring (keyed by property).
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "tuning/"))]
pub struct PowerOfWirings {
    /// What the numbers are, in words.
    pub what: String,
    pub stream: BTreeMap<String, Power>,
    pub hierarchy: BTreeMap<String, Power>,
}

/// The positive control: per wiring a bank of Gabor filters drawn from the published
/// distributions, as many as its responsive channels, scored like the model.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "tuning/"))]
pub struct GaborControl {
    /// How the banks are built, in words.
    pub what: String,
    /// Filters of each bank (stream's, hierarchy's) that answer the gratings.
    pub units_responding: Vec<usize>,
    /// The banks' score, mean over the two: the positive control's effect.
    pub score: f64,
    /// As many units drawn uniformly, scored alike: its null.
    pub uniform_null: f64,
    /// Each bank's similarity to each published distribution, by property.
    pub macaque_similarity: Vec<BTreeMap<String, f64>>,
}

impl Output {
    /// What TU's claim reads of runs: the score and its null per run (NaN without the published data).
    fn scores(runs: &[Output]) -> (Vec<f64>, Vec<f64>) {
        let s = |r: &Output| r.score.as_ref().map_or((f64::NAN, f64::NAN), |s| (s.mean, s.uniform_null));
        (runs.iter().map(|r| s(r).0).collect(), runs.iter().map(|r| s(r).1).collect())
    }
}

/// TU, the registry's row.
pub struct TuningCurves;

impl Measure for TuningCurves {
    const NAME: &'static str = "tuning";
    const CLAIM: &'static str = "TU";
    const CONDITIONS: &'static [super::Condition] = WITH_RETINA_CONTROL;
    type Output = Output;
    type Read = Output;
    fn run(models: &Models, seed: u64, _size: Size, progress: Progress) -> Result<Output, Failure> {
        let (stream, s_pop) = one(&models.stream, seed, progress, (0.0, 0.45))?;
        let (hierarchy, h_pop) = one(&models.hierarchy, seed, progress, (0.45, 0.9))?;
        let published = Published::all();
        let mut out = Output {
            station: Station::V1.name().into(),
            orientations: ORIENTATIONS,
            phases: PHASES,
            cycles_per_degree: (0..FREQUENCIES).map(cycles_per_degree).collect(),
            sf_cpd: SF_CPD,
            pixels_per_degree: PX_PER_DEG,
            field_of_view_deg: FIELD_DEG,
            units: format!(
                "every channel of V1's L4 and L2/3 at a {GRID}×{GRID} grid of positions inside the map; the claim \
                 scores L2/3"
            ),
            macaque_v1: MacaqueV1 {
                similarity: "1 − KS distance / its largest possible value, on the published bins (Marques et al. \
                             2021); ci: 95 % bootstrap over our units"
                    .into(),
                published: published.clone(),
                missing: "circular variance, orientation bandwidth and F1/F0 (Ringach, Shapley & Hawken 2002): their \
                          per-cell data are not public (Brain-Score packages them from a private file), so no \
                          published counts are compared for them"
                    .into(),
            },
            stream,
            hierarchy,
            score: None,
            power: None,
            positive_control: None,
        };
        // The browser build carries no published data (see `Published::all`): nothing to score.
        if !published.is_empty() {
            // The null and the positive control mirror the score: per wiring, as many independent
            // units as it has responsive channels (its other units are the same filters again),
            // then the mean over the two wirings.
            let mut rng = Rng::new(seed ^ 0x6AB0);
            let pops = [&s_pop, &h_pop];
            let null_score =
                0.5 * pops.iter().map(|p| uniform_null(&published, p.independent().max(1), &mut rng)).sum::<f64>();
            let banks: Vec<Population> = pops
                .iter()
                .map(|p| {
                    let bank = gabor_bank(&published, p.independent().max(1), &mut rng);
                    Population::of(&bank_responses(&bank), bank.len())
                })
                .collect();
            tick(progress, 0.97)?;
            let gabor_score = 0.5 * banks.iter().map(|b| b.score(&published)).sum::<f64>();
            let gabor_null =
                0.5 * banks.iter().map(|b| uniform_null(&published, b.units.len().max(1), &mut rng)).sum::<f64>();
            let (s, h) = (s_pop.score(&published), h_pop.score(&published));
            out.score = Some(Score {
                what: "similarity to macaque V1 of V1 L2/3's units, mean over preferred orientation and peak spatial \
                       frequency"
                    .into(),
                stream: s,
                hierarchy: h,
                mean: 0.5 * (s + h),
                uniform_null: null_score,
            });
            let powers = |pop: &Population| -> BTreeMap<String, Power> {
                published.iter().map(|p| (p.property.clone(), power(p, pop.independent()))).collect()
            };
            out.power = Some(PowerOfWirings {
                what: "the smallest KS distance a two-sample test at α = 0.05 detects at this number of independent \
                       units (channels: a channel's units at other positions are the same filter), and the drop in \
                       similarity it is"
                    .into(),
                stream: powers(&s_pop),
                hierarchy: powers(&h_pop),
            });
            let similarity = |b: &Population| -> BTreeMap<String, f64> {
                published.iter().map(|p| (p.property.clone(), p.similarity(&b.values(&p.property)))).collect()
            };
            out.positive_control = Some(GaborControl {
                what: "for each wiring, a bank of as many Gabor filters as its responsive channels, orientation and \
                       spatial frequency drawn from the published distributions, envelope from Ringach (2002), half \
                       simple and half complex, shown the same gratings; scored like the model and averaged over the \
                       two banks"
                    .into(),
                units_responding: banks.iter().map(|b| b.units.len()).collect(),
                score: gabor_score,
                uniform_null: gabor_null,
                macaque_similarity: banks.iter().map(similarity).collect(),
            });
        }
        tick(progress, 1.0)?;
        Ok(out)
    }
    /// TU: trained V1 resembles macaque V1. Effect: the similarity of V1 L2/3's preferred
    /// orientations and peak spatial frequencies to the published ones, mean over the two and
    /// both wirings; null: as many units drawn uniformly over each property's range. The
    /// untrained models are the control (a retina that makes any network look like V1 would
    /// make it built in).
    fn claim(runs: &Runs<Output>) -> Claim {
        let ((effect, null), control) = runs.trained_and_control(Output::scores);
        Claim {
            id: Self::CLAIM,
            says: "V1 looks like V1: its units' orientation and spatial-frequency preferences resemble macaque V1's",
            measure: "1 − KS (Marques et al.) of V1 L2/3's preferred orientation (De Valois, Yund & Hepler 1982) and \
                      peak spatial frequency (De Valois, Albrecht & Thorell 1982) to macaque V1, mean over the two and \
                      both wirings; null: as many units drawn uniformly over each property's range"
                .into(),
            effect,
            null,
            control,
        }
    }
    /// The Gabor bank drawn from the published distributions against its uniform null (none
    /// without the published data). No known score: a finite bank's similarity to the
    /// published distributions varies.
    fn positive(runs: &Runs<Output>) -> Option<Positive> {
        let banks: Vec<&GaborControl> =
            runs.trained.iter().map(|r| r.positive_control.as_ref()).collect::<Option<_>>()?;
        Positive::from_runs(&banks, |g| (g.score, g.uniform_null), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sharp_phase_locked_unit_is_simple_and_selective() {
        let mut r = [[0.0f32; PHASES]; ORIENTATIONS];
        r[9][0] = 8.0; // one orientation, one phase
        let t = measure(&r).unwrap();
        assert!(t.circular_variance < 0.05, "{t:?}");
        assert!(t.f1_f0 > 1.5);
        assert_eq!(t.preferred_deg, 45.0);
        assert!(t.bandwidth_deg < 15.0);
        let flat = [[1.0f32; PHASES]; ORIENTATIONS];
        let t = measure(&flat).unwrap();
        assert!(t.circular_variance > 0.99 && t.f1_f0 < 0.01 && t.bandwidth_deg == 90.0);
    }
}
