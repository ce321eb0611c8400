//! TU: does V1 look like V1? Drifting-grating-style tuning from static
//! gratings at 24 orientations (every 7.5°) × 8 phases, at the best of seven
//! spatial frequencies, for the centre unit of every V1 channel in L4 and
//! L2/3:
//! - circular variance CV = 1 − |Σ r(θ) e^{2iθ}| / Σ r(θ) (0 sharp, 1 flat);
//! - orientation bandwidth: half-width where the tuning curve (mean over
//!   phase, linearly interpolated) falls below peak/√2;
//! - F1/F0 over phase at the preferred orientation (> 1 simple, < 1 complex);
//! - preferred orientation and peak spatial frequency.
//!
//! Compared with the published macaque V1 distributions in `data/v1/` as
//! Marques, Schrimpf & DiCarlo (2021) compare models for Brain-Score: both
//! distributions binned on the published bins, similarity = 1 − KS distance
//! between their cumulative distributions, divided by the largest distance
//! any distribution could have from the published one (so 1 is identical, 0
//! as far as possible), with a bootstrap interval over our units.
//!
//! Spatial frequency needs a visual angle, which the model does not have: the
//! 64-pixel image is taken to span 8° (Brain-Score's default field of view
//! for a model), so cycles per degree = cycles per pixel × 8.

use super::linalg::median;
use super::verdict::{Claim, Runs};
use super::{for_each_trace, Failure, Measure, Models, Progress, Size, WITH_RETINA_CONTROL};
use crate::input::SIDE;
use crate::model::Model;
use crate::names::ByWiring;
use crate::names::{Layer, Station};
use crate::rng::Rng;
use crate::stimuli::{self, Stimulus};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const ORIENTATIONS: usize = 24;
pub const PHASES: usize = 8;
/// Cycles per pixel, half an octave apart, below the 0.5 of Nyquist.
pub const FREQUENCIES: [f32; 7] = [0.03, 0.042, 0.06, 0.085, 0.12, 0.17, 0.24];
/// Degrees of visual angle the 64-pixel image is taken to span (see top).
pub const FIELD_DEG: f32 = 8.0;
/// Resamples of our units for the similarity's interval.
pub const BOOTSTRAP: usize = 1000;
/// The properties compared with published data, in the JSON's order.
pub const COMPARED: [&str; 2] = ["preferred_orientation", "peak_spatial_frequency"];

/// One published distribution of `data/v1/`.
#[derive(Clone, Debug)]
pub struct Published {
    pub property: String,
    pub unit: String,
    /// Bin edges (one more than `counts`).
    pub bins: Vec<f64>,
    pub counts: Vec<f64>,
    pub citation: String,
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
    let k = q.len();
    let mut first = vec![0.0; k];
    let mut last = vec![0.0; k];
    if k == 0 {
        return f64::NAN;
    }
    first[0] = 1.0;
    last[k - 1] = 1.0;
    let most = gap(&first).max(gap(&last));
    if most <= 0.0 {
        return 1.0;
    }
    1.0 - gap(p) / most
}

/// The similarity of `values` to `published` and its 95 % interval over
/// resamples of the units (with replacement, as many as there are).
pub fn compare(published: &Published, values: &[f64], seed: u64) -> Value {
    let mut rng = Rng::new(seed);
    let mut resampled: Vec<f64> = (0..BOOTSTRAP)
        .map(|_| {
            let draw: Vec<f64> = (0..values.len()).map(|_| values[rng.below(values.len())]).collect();
            published.similarity(&draw)
        })
        .collect();
    resampled.sort_by(f64::total_cmp);
    let q = |f: f64| resampled.get(((f * BOOTSTRAP as f64) as usize).min(BOOTSTRAP - 1)).copied().unwrap_or(f64::NAN);
    json!({
        "similarity": if values.is_empty() { f64::NAN } else { published.similarity(values) },
        "ci": if values.is_empty() { [f64::NAN, f64::NAN] } else { [q(0.025), q(0.975)] },
        "units": values.len(),
        "published_cells": published.counts.iter().sum::<f64>(),
        "model_histogram": published.histogram(values),
    })
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tuning {
    pub circular_variance: f32,
    pub bandwidth_deg: f32,
    pub f1_f0: f32,
    pub preferred_deg: f32,
}

/// Measures from r[orientation][phase] (orientations over 180°).
pub fn measure(r: &[[f32; PHASES]; ORIENTATIONS]) -> Option<Tuning> {
    let curve: Vec<f32> = r.iter().map(|p| p.iter().sum::<f32>() / PHASES as f32).collect();
    let total: f32 = curve.iter().sum();
    if total <= 1e-9 {
        return None;
    }
    let (mut re, mut im) = (0.0f32, 0.0f32);
    for (i, v) in curve.iter().enumerate() {
        let a = 2.0 * std::f32::consts::PI * i as f32 / ORIENTATIONS as f32;
        re += v * a.cos();
        im += v * a.sin();
    }
    let cv = 1.0 - (re * re + im * im).sqrt() / total;
    let best = (0..ORIENTATIONS).max_by(|&a, &b| curve[a].total_cmp(&curve[b])).unwrap_or(0);
    let peak = curve[best];
    let step = 180.0 / ORIENTATIONS as f32;
    // Walk out from the peak in 1° steps on the circular, interpolated curve.
    let at = |deg: f32| -> f32 {
        let x = (deg / step).rem_euclid(ORIENTATIONS as f32);
        let i = x.floor() as usize % ORIENTATIONS;
        let f = x - x.floor();
        curve[i] * (1.0 - f) + curve[(i + 1) % ORIENTATIONS] * f
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

/// Preferred orientation on the published bins' range [−22.5°, 157.5°).
fn wrapped(deg: f32) -> f64 {
    if deg >= 157.5 {
        deg as f64 - 180.0
    } else {
        deg as f64
    }
}

fn one(model: &Model, seed: u64, progress: &mut dyn FnMut(f32) -> bool, span: (f32, f32)) -> Result<Value, Failure> {
    let per_sf = ORIENTATIONS * PHASES;
    let n = per_sf * FREQUENCIES.len();
    let make = |i: usize| {
        let (f, rest) = (i / per_sf, i % per_sf);
        let (o, p) = (rest / PHASES, rest % PHASES);
        let ori = std::f32::consts::PI * o as f32 / ORIENTATIONS as f32;
        let phase = 2.0 * std::f32::consts::PI * p as f32 / PHASES as f32;
        Stimulus { pixels: stimuli::grating(ori, phase, FREQUENCIES[f], 1.0), category: None, orientation: None }
    };
    // r[layer][channel][frequency][orientation][phase]
    let mut r = vec![vec![vec![[[0.0f32; PHASES]; ORIENTATIONS]; FREQUENCIES.len()]; 32]; 2];
    for_each_trace(model, n, &make, progress, span, &mut |t, start| {
        for (l, &layer) in Layer::RATES.iter().enumerate() {
            let m = t.stations[0].layer(layer);
            let c = m.side / 2;
            for b in 0..m.n {
                let i = start + b;
                let (f, rest) = (i / per_sf, i % per_sf);
                for (ch, unit) in r[l].iter_mut().enumerate().take(m.channels()) {
                    unit[f][rest / PHASES][rest % PHASES] = m.at(b, c, c, ch);
                }
            }
        }
    })?;
    let published = Published::all();
    let mut out = Map::new();
    for (l, name) in Layer::RATES.map(Layer::name).iter().enumerate() {
        let mut units = Vec::new();
        for (ch, unit) in r[l].iter().enumerate() {
            // Peak spatial frequency: the one with the largest mean response.
            let best = (0..FREQUENCIES.len())
                .max_by(|&a, &b| {
                    let s = |f: usize| unit[f].iter().flatten().sum::<f32>();
                    s(a).total_cmp(&s(b))
                })
                .unwrap_or(0);
            if let Some(t) = measure(&unit[best]) {
                let curve: Vec<f32> = unit[best].iter().map(|p| p.iter().sum::<f32>() / PHASES as f32).collect();
                units.push((ch, FREQUENCIES[best], t, curve));
            }
        }
        // Values stay in unit order (they line up with `curves`); medians
        // sort copies.
        let cv: Vec<f32> = units.iter().map(|u| u.2.circular_variance).collect();
        let bw: Vec<f32> = units.iter().map(|u| u.2.bandwidth_deg).collect();
        let ff: Vec<f32> = units.iter().map(|u| u.2.f1_f0).collect();
        let simple = ff.iter().filter(|&&v| v > 1.0).count();
        let mut macaque = Map::new();
        for p in &published {
            let values: Vec<f64> = match p.property.as_str() {
                "preferred_orientation" => units.iter().map(|u| wrapped(u.2.preferred_deg)).collect(),
                "peak_spatial_frequency" => units.iter().map(|u| (u.1 * SIDE as f32 / FIELD_DEG) as f64).collect(),
                other => unreachable!("no measure for published property {other}"),
            };
            macaque.insert(p.property.clone(), compare(p, &values, seed ^ (l as u64 + 1)));
        }
        out.insert(
            name.to_string(),
            json!({
                "units_responding": units.len(),
                "circular_variance": {"median": median(&mut cv.clone()), "values": cv},
                "bandwidth_deg": {"median": median(&mut bw.clone()), "values": bw},
                "f1_f0": {"median": median(&mut ff.clone()), "values": ff, "simple_fraction": simple as f32 / units.len().max(1) as f32},
                "preferred_deg": units.iter().map(|u| u.2.preferred_deg).collect::<Vec<_>>(),
                "peak_cycles_per_degree": units.iter().map(|u| u.1 * SIDE as f32 / FIELD_DEG).collect::<Vec<_>>(),
                "macaque_similarity": macaque,
                "curves": units.iter().map(|u| json!({"channel": u.0, "cycles_per_pixel": u.1, "preferred_deg": u.2.preferred_deg, "curve": u.3})).collect::<Vec<_>>(),
            }),
        );
    }
    Ok(Value::Object(out))
}

fn run(models: &Models, seed: u64, progress: Progress) -> Result<Value, Failure> {
    let stream = one(&models.stream, seed, progress, (0.0, 0.5))?;
    let hierarchy = one(&models.hierarchy, seed, progress, (0.5, 1.0))?;
    Ok(json!({
        "station": Station::V1.name(),
        "orientations": ORIENTATIONS,
        "phases": PHASES,
        "cycles_per_pixel": FREQUENCIES,
        "field_of_view_deg": FIELD_DEG,
        "macaque_v1": {
            "similarity": "1 − KS distance / its largest possible value, on the published bins (Marques et al. 2021); ci: 95 % bootstrap over our units",
            "published": Published::all().iter().map(|p| json!({
                "property": p.property, "unit": p.unit, "bins": p.bins, "counts": p.counts,
                "citation": p.citation, "source": p.source,
            })).collect::<Vec<_>>(),
            "missing": "circular variance, orientation bandwidth and F1/F0 (Ringach, Shapley & Hawken 2002): Brain-Score's public repository holds only the code that bins that paper's per-cell data, not the data, so no published counts are compared for them",
        },
        "stream": stream,
        "hierarchy": hierarchy,
    }))
}

/// What TU's claim reads of a run: the similarity to macaque V1 by wiring, layer and property.
#[derive(Deserialize)]
pub struct Read {
    #[serde(flatten)]
    wirings: ByWiring<BTreeMap<String, Compared>>,
}

#[derive(Deserialize)]
struct Compared {
    macaque_similarity: BTreeMap<String, Similarity>,
}

#[derive(Deserialize)]
struct Similarity {
    similarity: f64,
}

impl Read {
    /// The mean similarity to macaque V1 over both wirings, both layers and every compared
    /// property.
    fn mean_similarity(&self) -> f64 {
        let mut all = Vec::new();
        for (_, layers) in self.wirings.iter() {
            for layer in Layer::RATES.map(Layer::name) {
                all.extend(COMPARED.iter().map(|p| layers[layer].macaque_similarity[*p].similarity));
            }
        }
        all.iter().sum::<f64>() / all.len() as f64
    }
}

/// TU, the registry's row.
pub struct TuningCurves;

impl Measure for TuningCurves {
    const NAME: &'static str = "tuning";
    const CLAIM: &'static str = "TU";
    const CONDITIONS: &'static [super::Condition] = WITH_RETINA_CONTROL;
    type Output = Value;
    type Read = Read;
    fn run(models: &Models, seed: u64, _size: Size, progress: Progress) -> Result<Value, Failure> {
        run(models, seed, progress)
    }
    /// TU: trained V1 resembles macaque V1 more than the untrained model's V1
    /// does. Effect: the trained models' similarity averaged over properties,
    /// wirings and layers; null: the same on the untrained models of the same
    /// seed (so a retina that makes any network look like V1 counts for
    /// nothing). The smallest effect of interest is the
    /// preregistration's.
    fn claim(runs: &Runs<Read>) -> Claim {
        assert_eq!(runs.untrained.len(), runs.trained.len(), "TU's null is the untrained model of every seed");
        Claim {
            id: Self::CLAIM,
            says: "V1 looks like V1: trained units resemble macaque V1 more than untrained ones do",
            measure:
                "1 − KS (Marques et al.) to macaque V1's preferred orientation (De Valois, Yund & Hepler 1982) and \
                      peak spatial frequency (De Valois, Albrecht & Thorell 1982), mean over properties, wirings and \
                      V1 L4/L2/3; null: the same for the untrained models"
                    .into(),
            effect: runs.trained.iter().map(Read::mean_similarity).collect(),
            null: runs.untrained.iter().map(Read::mean_similarity).collect(),
            control: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sharp_phase_locked_unit_is_simple_and_selective() {
        let mut r = [[0.0f32; PHASES]; ORIENTATIONS];
        r[6][0] = 8.0; // one orientation, one phase
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
