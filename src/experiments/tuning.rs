//! TU: does V1 look like V1? Drifting-grating-style tuning from static
//! gratings at 12 orientations × 8 phases (at the best of three spatial
//! frequencies), for the centre unit of every V1 channel in L4 and L2/3:
//! - circular variance CV = 1 − |Σ r(θ) e^{2iθ}| / Σ r(θ) (0 sharp, 1 flat);
//! - orientation bandwidth: half-width where the tuning curve (mean over
//!   phase, linearly interpolated) falls below peak/√2;
//! - F1/F0 over phase at the preferred orientation (> 1 simple, < 1 complex).
//!
//! Shown beside macaque V1 (Ringach et al. 2002; Skottun et al. 1991, as
//! used by Marques et al. 2020): approximate published ranges, quoted in
//! the JSON as such.

use super::linalg::median;
use super::{for_each_trace, Failure, Models, Size};
use crate::model::Model;
use crate::names::{Layer, Station};
use crate::stimuli::{self, Stimulus};
use serde_json::{json, Map, Value};

pub const ORIENTATIONS: usize = 12;
pub const PHASES: usize = 8;
pub const FREQUENCIES: [f32; 3] = [0.04, 0.08, 0.16];

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

fn one(model: &Model, progress: &mut dyn FnMut(f32) -> bool, span: (f32, f32)) -> Result<Value, Failure> {
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
    let mut out = Map::new();
    for (l, name) in Layer::RATES.map(Layer::name).iter().enumerate() {
        let mut units = Vec::new();
        for (ch, unit) in r[l].iter().enumerate() {
            // Best spatial frequency: the largest mean response.
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
        out.insert(
            name.to_string(),
            json!({
                "units_responding": units.len(),
                "circular_variance": {"median": median(&mut cv.clone()), "values": cv},
                "bandwidth_deg": {"median": median(&mut bw.clone()), "values": bw},
                "f1_f0": {"median": median(&mut ff.clone()), "values": ff, "simple_fraction": simple as f32 / units.len().max(1) as f32},
                "curves": units.iter().map(|u| json!({"channel": u.0, "cycles_per_pixel": u.1, "preferred_deg": u.2.preferred_deg, "curve": u.3})).collect::<Vec<_>>(),
            }),
        );
    }
    Ok(Value::Object(out))
}

pub fn run(models: &Models, _seed: u64, _size: Size, progress: &mut dyn FnMut(f32) -> bool) -> Result<Value, Failure> {
    let stream = one(&models.stream, progress, (0.0, 0.5))?;
    let hierarchy = one(&models.hierarchy, progress, (0.5, 1.0))?;
    Ok(json!({
        "station": Station::V1.name(),
        "orientations": ORIENTATIONS,
        "phases": PHASES,
        "cycles_per_pixel": FREQUENCIES,
        "macaque_v1": {
            "source": "Ringach, Shapley & Hawken 2002 (circular variance, bandwidth); Skottun et al. 1991 (F1/F0); as benchmarked by Marques, Schrimpf & DiCarlo 2020. Approximate summary values.",
            "circular_variance": "broad, spanning about 0 to 1, median roughly 0.6",
            "bandwidth_deg": "broad, median roughly 20 to 25 degrees (half-width at 1/sqrt 2 of peak)",
            "f1_f0": "bimodal: simple cells above 1, complex cells below 1, about half each",
        },
        "stream": stream,
        "hierarchy": hierarchy,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sharp_phase_locked_unit_is_simple_and_selective() {
        let mut r = [[0.0f32; PHASES]; ORIENTATIONS];
        r[3][0] = 8.0; // one orientation, one phase
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
