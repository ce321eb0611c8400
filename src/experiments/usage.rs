//! The usage index (issue 24, DESIGN §9): whether a model uses its stream as a
//! residual stream in how it works, measured as the preregistration defines it
//! (`data/preregistration.json`, `usage_index`), from the machine-learning
//! literature and never from P1–P3. Each component is a number for one model;
//! over seeds it becomes an estimate, and it is met when its mean reaches the
//! threshold the plan fixed before any variant was trained.

use super::linalg::cv_r2;
use super::preregistration;
use super::stats::{estimate, Estimate};
use super::{for_each_trace, lesion, pooled_features, Failure};
use crate::model::Model;
use crate::station::Compute;
use crate::train::held_out;
use crate::wiring::Lesion;
use serde::{Deserialize, Serialize};

/// The four components, in the plan's names.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub bypass_retention: f64,
    pub early_share: f64,
    pub early_write_readback: f64,
    pub skip_to_write_cost: f64,
}

impl Usage {
    /// The components by their names in the plan.
    pub fn components(&self) -> [(&'static str, f64); 4] {
        [
            ("bypass_retention", self.bypass_retention),
            ("early_share", self.early_share),
            ("early_write_readback", self.early_write_readback),
            ("skip_to_write_cost", self.skip_to_write_cost),
        ]
    }
}

/// Images per component: accuracy to about ±1.5 points, and enough rows for a
/// 512-feature ridge probe.
pub const IMAGES: usize = 1000;
/// Grid the readback pools V1's write to: IT's.
const GRID: usize = 4;
const FOLDS: usize = 4;
const LAMBDA: f64 = 1.0;

/// The usage index of a residual `model` on `n` held-out sketches.
pub fn measure(model: &Model, n: usize, progress: &mut dyn FnMut(f32) -> bool) -> Result<Usage, Failure> {
    assert!(model.wiring.residual(), "the usage index is measured on a stream, not a hierarchy");
    let stations = model.stations.len();
    let acc = |removed: &[usize], kind: Lesion, progress: &mut dyn FnMut(f32) -> bool, span| {
        lesion::accuracy(model, removed, kind, n, progress, span).map(f64::from)
    };
    let steps = (2 * stations + 2) as f32;
    let span = |i: usize| (i as f32 / steps, (i + 1) as f32 / steps);
    let intact = acc(&[], Lesion::Intact, progress, span(0))?;
    let (mut bypassed, mut skip_cost, mut write_cost) = (0.0, 0.0, 0.0);
    for k in 0..stations {
        let without_write = acc(&[k], Lesion::Bypassed, progress, span(1 + 2 * k))?;
        let without_skip = acc(&[k], Lesion::SkipRemoved, progress, span(2 + 2 * k))?;
        bypassed += without_write / stations as f64;
        write_cost += (intact - without_write) / stations as f64;
        skip_cost += (intact - without_skip) / stations as f64;
    }
    let (early_share, early_write_readback) = decomposition_and_readback(model, n, progress, span(2 * stations + 1))?;
    Ok(Usage {
        bypass_retention: if intact > 0.0 { bypassed / intact } else { 0.0 },
        early_share,
        early_write_readback,
        skip_to_write_cost: ratio(skip_cost, write_cost),
    })
}

/// One variant's usage index over its seeds: each component's estimate and whether its mean
/// meets the plan's threshold.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub variant: String,
    pub seeds: Vec<u64>,
    /// Trainable parameters of the variant's stream (the last tie-break).
    pub parameters: usize,
    pub components: std::collections::BTreeMap<String, Estimate>,
    pub meets: std::collections::BTreeMap<String, bool>,
    /// Each component's threshold as the plan fixed it, so a reader of the results (the
    /// article's claims × variants figure) can show the line without the plan beside it.
    pub thresholds: std::collections::BTreeMap<String, Threshold>,
    /// How many components are met.
    pub met: usize,
}

/// Whether a component's value meets its threshold: at least it, or at most for `at_most`.
pub fn meets_threshold(value: f64, threshold: f64, at_most: bool) -> bool {
    if at_most {
        value <= threshold
    } else {
        value >= threshold
    }
}

/// One component of one model's usage, judged against the plan (the lab's view of a reader's
/// model: one model, so no interval).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    pub component: &'static str,
    pub value: f64,
    pub threshold: f64,
    pub at_most: bool,
    pub met: bool,
}

/// Each component of `u` beside the plan's threshold, in the plan's order.
pub fn lines(u: &Usage) -> Vec<Line> {
    preregistration::USAGE_THRESHOLDS
        .iter()
        .map(|&(component, threshold, at_most)| {
            let value = u.components().iter().find(|(n, _)| *n == component).expect("the plan's components are ours").1;
            Line { component, value, threshold, at_most, met: meets_threshold(value, threshold, at_most) }
        })
        .collect()
}

/// A component's threshold: met when the mean is at least `value` (at most, for `at_most`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Threshold {
    pub value: f64,
    pub at_most: bool,
}

/// The estimates over seeds of a variant's per-seed usage, judged against the plan.
pub fn summarise(variant: &str, seeds: &[u64], parameters: usize, per_seed: &[Usage]) -> Summary {
    let mut components = std::collections::BTreeMap::new();
    let mut meets = std::collections::BTreeMap::new();
    let mut thresholds = std::collections::BTreeMap::new();
    for &(name, value, at_most) in preregistration::USAGE_THRESHOLDS {
        thresholds.insert(name.to_string(), Threshold { value, at_most });
        let values: Vec<f64> = per_seed
            .iter()
            .map(|u| u.components().iter().find(|(n, _)| *n == name).expect("the plan's components are ours").1)
            .collect();
        let e = estimate(&values);
        meets.insert(name.to_string(), meets_threshold(e.mean, value, at_most));
        components.insert(name.to_string(), e);
    }
    let met = meets.values().filter(|&&m| m).count();
    Summary { variant: variant.to_string(), seeds: seeds.to_vec(), parameters, components, meets, thresholds, met }
}

/// The plan's choice of the primary test bed, from the usage index alone: the variant whose
/// stream meets the most components; ties go to the larger mean bypass retention, then to
/// fewer parameters. Variants with fewer seeds than the plan asks are not eligible. None when
/// no variant is.
pub fn choose_primary(summaries: &[Summary]) -> Option<&Summary> {
    let min_seeds = preregistration::plan().usage_index.min_seeds;
    let bypass = |s: &Summary| s.components.get("bypass_retention").map_or(f64::NEG_INFINITY, |e| e.mean);
    summaries
        .iter()
        .filter(|s| s.seeds.len() >= min_seeds)
        .max_by(|a, b| a.met.cmp(&b.met).then(bypass(a).total_cmp(&bypass(b))).then(b.parameters.cmp(&a.parameters)))
}

/// The hierarchy twin's accuracy with one station bypassed, as a fraction of intact (mean over
/// stations): the one component that means the same thing in a hierarchy (there, s₄ is IT's
/// write, so the readback is zero and a skip is not there to remove).
pub fn bypass_retention(model: &Model, n: usize, progress: &mut dyn FnMut(f32) -> bool) -> Result<f64, Failure> {
    let stations = model.stations.len();
    let span = |i: usize| (i as f32 / (stations + 1) as f32, (i + 1) as f32 / (stations + 1) as f32);
    let intact = f64::from(lesion::accuracy(model, &[], Lesion::Intact, n, progress, span(0))?);
    let mut kept = 0.0;
    for k in 0..stations {
        kept += f64::from(lesion::accuracy(model, &[k], Lesion::Bypassed, n, progress, span(k + 1))?) / stations as f64;
    }
    Ok(if intact > 0.0 { kept / intact } else { 0.0 })
}

/// Accuracy with one column of one area silenced (its L2/3 kernel and bias zeroed, so its
/// rates are zero and it writes nothing), as a fraction of intact, mean over every column of
/// every area: the `columns` variant's own question, whether an area survives the loss of one
/// of its microcircuits. Not in the plan's index: reported beside it, never used to choose.
/// None for a model without columns.
pub fn column_retention(
    model: &Model,
    n: usize,
    progress: &mut dyn FnMut(f32) -> bool,
) -> Result<Option<f64>, Failure> {
    let counts: Vec<usize> = (model.stations.iter())
        .map(|st| match &st.compute {
            Compute::Columns(c) => c.columns.len(),
            _ => 0,
        })
        .collect();
    let total: usize = counts.iter().sum();
    if total == 0 {
        return Ok(None);
    }
    let span = |i: usize| (i as f32 / (total + 1) as f32, (i + 1) as f32 / (total + 1) as f32);
    let intact = f64::from(lesion::accuracy(model, &[], Lesion::Intact, n, progress, span(0))?);
    let (mut kept, mut i) = (0.0, 0);
    for (k, &count) in counts.iter().enumerate() {
        for c in 0..count {
            let mut m = model.clone();
            if let Compute::Columns(cols) = &mut m.stations[k].compute {
                cols.columns[c].k.fill(0.0);
                cols.columns[c].b.fill(0.0);
            }
            i += 1;
            kept += f64::from(lesion::accuracy(&m, &[], Lesion::Intact, n, progress, span(i))?) / total as f64;
        }
    }
    Ok(Some(if intact > 0.0 { kept / intact } else { 0.0 }))
}

/// skip cost / write cost, with a write that costs nothing (a stream that does not need the
/// station) read as a skip that carries everything: the ratio is then capped at 1 when the skip
/// costs something, and 0 when neither does.
fn ratio(skip: f64, write: f64) -> f64 {
    if write > 1e-9 {
        (skip / write).max(0.0)
    } else if skip > 1e-9 {
        1.0
    } else {
        0.0
    }
}

/// The share of the chosen category's centred logit carried by the direct path, V1 and V2
/// (mean over images), and the readback of V1's write from IT's stream beyond IT's own write.
fn decomposition_and_readback(
    model: &Model,
    n: usize,
    progress: &mut dyn FnMut(f32) -> bool,
    span: (f32, f32),
) -> Result<(f64, f64), Failure> {
    let last = model.stations.len() - 1;
    let mut share = 0.0;
    let (mut v1_write, mut it_stream, mut it_write) = (Vec::new(), Vec::new(), Vec::new());
    for_each_trace(model, n, &|i| held_out(i as u64).0, progress, span, &mut |t, _| {
        for b in 0..t.category_logits.nrows() {
            let c = model.contributions(t, b).expect("a stream splits its logits");
            let l = t.category_logits.row(b);
            let chosen = (0..l.len()).max_by(|&i, &j| l[i].total_cmp(&l[j])).unwrap_or(0);
            let centred = |path: &[f32]| {
                let mean = path.iter().map(|&v| v as f64).sum::<f64>() / path.len() as f64;
                (path[chosen] as f64 - mean).abs()
            };
            let paths: Vec<f64> = std::iter::once(&c.direct).chain(&c.stations).map(|p| centred(p)).collect();
            let total: f64 = paths.iter().sum();
            if total > 0.0 {
                share += paths[..3].iter().sum::<f64>() / total;
            }
            v1_write.push(pooled_features(&t.stations[0].write, b, GRID));
            it_stream.push(pooled_features(&t.stations[last].l5, b, GRID));
            it_write.push(pooled_features(&t.stations[last].write, b, GRID));
        }
    })?;
    let readback =
        cv_r2(&it_stream, &v1_write, FOLDS, LAMBDA) as f64 - cv_r2(&it_write, &v1_write, FOLDS, LAMBDA) as f64;
    Ok((share / n.max(1) as f64, readback))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::preregistration::plan;
    use crate::model::{Model, Wiring};

    fn quiet() -> impl FnMut(f32) -> bool {
        |_| true
    }

    /// The trained stream with every station's write scaled by `gain` (0: the stations write nothing).
    fn scaled_writes(gain: f32) -> Model {
        let mut m = crate::weights::shipped(Wiring::Stream);
        for s in &mut m.stations {
            s.write.w.mapv_inplace(|v| v * gain);
            if let Some(b) = &mut s.write.b {
                b.mapv_inplace(|v| v * gain);
            }
        }
        m
    }

    #[test]
    fn a_stream_whose_stations_write_nothing_retains_everything_when_one_is_bypassed() {
        let u = measure(&scaled_writes(0.0), 64, &mut quiet()).unwrap();
        assert!((u.bypass_retention - 1.0).abs() < 1e-9, "{u:?}");
        // Only the direct path speaks: the direct path and the first two stations carry all of it.
        assert!((u.early_share - 1.0).abs() < 1e-9, "{u:?}");
        // No write costs anything (bypassing changes nothing), so the ratio is 1 or 0 by the
        // rule for a free write, whichever a cut skip costs on these images: see `ratio` below.
        assert!([0.0, 1.0].contains(&u.skip_to_write_cost), "{u:?}");
    }

    #[test]
    fn silencing_a_column_that_carries_the_whole_write_is_bypassing_its_area() {
        use crate::variant::Variant;
        let columns = Variant { columns: true, ..Variant::SHIPPED };
        let mut m = Model::init_variant(Wiring::Stream, 3, crate::model::D, columns);
        // Column 1 writes nothing (its rows of W_out are zero, and the write has no bias), so
        // silencing column 0 silences the area's write, which in a stream is the bypass; and
        // silencing column 1 changes nothing. The mean over columns is then (bypass + 1) / 2.
        for st in &mut m.stations {
            st.write.w.slice_mut(ndarray::s![crate::model::M / 2.., ..]).fill(0.0);
            st.write.b = None;
        }
        let cr = column_retention(&m, 64, &mut quiet()).unwrap().expect("a model with columns");
        let br = bypass_retention(&m, 64, &mut quiet()).unwrap();
        assert!(br != 1.0, "a bypass that changes nothing tests nothing: {br}");
        assert!((cr - (br + 1.0) / 2.0).abs() < 1e-9, "columns {cr}, bypass {br}");
        // A model without columns has no such question.
        assert_eq!(column_retention(&Model::init(Wiring::Stream, 3), 8, &mut quiet()).unwrap(), None);
    }

    #[test]
    fn skip_cost_over_write_cost_is_capped_when_the_writes_cost_nothing() {
        assert!((ratio(0.08, 0.63) - 0.08 / 0.63).abs() < 1e-12, "the shipped model's costs");
        assert_eq!(ratio(0.3, 0.0), 1.0, "a skip that costs something beside a free write carries all");
        assert_eq!(ratio(0.0, 0.0), 0.0);
        assert_eq!(ratio(-0.01, 0.2), 0.0, "a cut that helps costs nothing");
    }

    #[test]
    fn the_components_are_the_plan_s_and_the_shipped_stream_is_measured_against_them() {
        let names: Vec<&str> = plan().usage_index.components.keys().map(String::as_str).collect();
        let u = measure(&crate::weights::shipped(Wiring::Stream), 200, &mut quiet()).unwrap();
        let mut ours: Vec<&str> = u.components().iter().map(|c| c.0).collect();
        ours.sort_unstable();
        assert_eq!(names, ours, "the plan and the code name the same components");
        // The review measured the shipped stream as a chain: bypassing one station loses most of it.
        assert!(u.bypass_retention < 0.6, "{u:?}");
        assert!(u.early_write_readback.is_finite() && u.early_share > 0.0 && u.early_share < 1.0, "{u:?}");
    }

    fn usage(bypass: f64, share: f64, readback: f64, ratio: f64) -> Usage {
        Usage {
            bypass_retention: bypass,
            early_share: share,
            early_write_readback: readback,
            skip_to_write_cost: ratio,
        }
    }

    #[test]
    fn a_variant_meets_a_component_by_its_mean_over_seeds_against_the_plan_s_threshold() {
        let seeds = [1, 2, 3, 4, 5];
        // bypass 0.8 is the plan's threshold: a mean of 0.82 meets it though one seed is below.
        let per_seed: Vec<Usage> = [0.78, 0.82, 0.84, 0.83, 0.83].iter().map(|&b| usage(b, 0.1, 0.3, 0.2)).collect();
        let s = summarise("x", &seeds, 10, &per_seed);
        assert!(s.meets["bypass_retention"] && s.meets["early_write_readback"]);
        assert!(!s.meets["early_share"] && !s.meets["skip_to_write_cost"]);
        assert_eq!(s.met, 2);
        assert_eq!(s.components["bypass_retention"].per_seed.len(), 5);
        let t = plan().usage_index.components["bypass_retention"].threshold;
        assert_eq!(t, 0.8, "the test above was written for the plan's threshold");
        // The summary carries every threshold the plan fixed, for a reader without the plan.
        assert_eq!(s.thresholds["bypass_retention"], Threshold { value: t, at_most: false });
        assert_eq!(s.thresholds.len(), plan().usage_index.components.len());
        // One model's lines judge by the same rule (at most, for a component that asks it).
        let one = lines(&per_seed[0]);
        assert_eq!((one[0].component, one[0].value, one[0].met), ("bypass_retention", 0.78, false));
        assert!(meets_threshold(0.2, 0.5, true) && !meets_threshold(0.6, 0.5, true));
    }

    #[test]
    fn the_primary_meets_most_then_retains_most_then_is_smallest_and_has_enough_seeds() {
        let seeds = [1, 2, 3, 4, 5];
        let one = |name: &str, u: Usage, params: usize| summarise(name, &seeds, params, &[u; 5]);
        let a = one("a", usage(0.9, 0.3, 0.3, 0.6), 100); // meets 4
        let b = one("b", usage(0.95, 0.3, 0.3, 0.1), 100); // meets 3, retains more
        assert_eq!(choose_primary(&[b.clone(), a.clone()]).unwrap().variant, "a");
        let c = one("c", usage(0.92, 0.3, 0.3, 0.6), 200); // meets 4, retains more than a
        assert_eq!(choose_primary(&[a.clone(), c.clone()]).unwrap().variant, "c");
        let d = one("d", usage(0.92, 0.3, 0.3, 0.6), 150); // as c, fewer parameters
        assert_eq!(choose_primary(&[c.clone(), d.clone()]).unwrap().variant, "d");
        let few = summarise("few", &[1, 2], 1, &[usage(1.0, 1.0, 1.0, 1.0); 2]);
        assert_eq!(choose_primary(&[few.clone(), b.clone()]).unwrap().variant, "b", "two seeds are not enough");
        assert!(choose_primary(&[few]).is_none());
    }

    #[test]
    fn the_index_refuses_a_hierarchy() {
        let h = Model::init(Wiring::Hierarchy, 1);
        assert!(std::panic::catch_unwind(|| measure(&h, 10, &mut |_| true)).is_err());
    }
}
