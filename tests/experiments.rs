//! Every experiment on the shipped weights, seed 1, asserting the direction
//! the article states. Where the model came out against the post, the test
//! asserts what was measured (and the article says so).
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::sync::OnceLock;
use ventral_stream::experiments::{self, Experiment, Models, Size};

fn models() -> &'static Models {
    static MODELS: OnceLock<Models> = OnceLock::new();
    MODELS.get_or_init(Models::shipped)
}

fn run(name: &str, size: Size) -> Value {
    let experiment = Experiment::parse(name).unwrap();
    experiments::run(experiment, models(), 1, size, &mut |_| true).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn edge_probe_edges_stay_decodable_along_l5_in_both_wirings() {
    let v = run("edge-probe", Size::Quick);
    assert_eq!(f(&v["chance"]), 0.125);
    for wiring in ["stream", "hierarchy"] {
        for station in ["V1", "V2", "V4", "IT"] {
            let acc = f(&v[wiring][station]["l5"]);
            assert!(acc > 0.6, "{wiring} {station} L5 decodes edges at {acc}");
        }
    }
    // With the edge task on, the difference between wirings at IT is one of
    // degree at most: both keep orientation (the design expected this: hierarchical networks often keep orientation deep).
    let (s, h) = (f(&v["stream"]["IT"]["l5"]), f(&v["hierarchy"]["IT"]["l5"]));
    assert!((s - h).abs() < 0.1, "stream {s} vs hierarchy {h}");
    // The controls trained without the edge task are shipped beside the weights.
    assert!(v["edge_task_off"]["stream"].is_object() && v["edge_task_off"]["hierarchy"].is_object());
}

#[test]
fn variability_reaches_l5_from_all_earlier_stations() {
    let v = run("variability", Size::Quick);
    for wiring in ["stream", "hierarchy"] {
        // Noise in V1 alone makes every later L5 vary.
        let only_v1 = &v[wiring]["l5_variance"]["V1"];
        for j in 0..4 {
            assert!(f(&only_v1[j]) > 0.0, "{wiring}: V1 noise does not reach station {j}");
        }
        // Noise nowhere: no variability at all (the model is deterministic).
        assert!(v[wiring]["l5_variance"]["none"].as_array().unwrap().iter().all(|x| f(x) == 0.0));
    }
    // The electrodes: every target and k, with the extra R² the difference of the two fits.
    for model in ["stream", "hierarchy"] {
        for station in ["V4", "IT"] {
            for k in ["16", "64"] {
                let r = &v["electrodes"][model][station][k];
                assert!((f(&r["all_r2"]) - f(&r["base_r2"]) - f(&r["extra_r2"])).abs() < 1e-6, "{model} {station} {k}");
            }
        }
    }
    for station in ["V4", "IT"] {
        assert!(v["electrodes"]["positive_control"][station]["64"]["extra_r2"].is_number());
    }
}

#[test]
fn deletion_against_the_thalamic_component_and_the_chance_of_a_deleting_cosine() {
    let v = run("deletion", Size::Quick);
    // For random directions in 32 dimensions a cosine below −0.5 is rare but not impossible.
    let chance = f(&v["cosine_chance_below_minus_half"]);
    assert!(chance > 0.0 && chance < 0.01, "{chance}");
    for wiring in ["stream", "hierarchy"] {
        // V1 reads s₀ itself, so its δ against the stream is its δ against the thalamic component.
        let (whole, thalamic) = (&v[wiring]["delta"][0], &v[wiring]["delta_thalamic"][0]);
        assert!((f(&whole["mean"]) - f(&thalamic["mean"])).abs() < 1e-5, "{wiring}: {whole} vs {thalamic}");
        for k in 0..4 {
            let d = &v[wiring]["delta_thalamic"][k];
            assert!((f(&d["above_null"]) - (f(&d["mean"]) - f(&d["null_mean"]))).abs() < 1e-5);
            let (raw, size) = (f(&v[wiring]["edge_amplitude"][k]), f(&v[wiring]["stream_size"][k]));
            let normalised = f(&v[wiring]["edge_amplitude_normalised"][k]);
            assert!(size > 0.0 && (normalised - raw / size).abs() < 1e-3 * raw.max(1.0), "{wiring} station {k}");
        }
    }
}

#[test]
fn receptive_fields_are_reliable_early_and_not_late() {
    let v = run("receptive-fields", Size::Quick);
    for wiring in ["stream", "hierarchy"] {
        let v1 = f(&v[wiring]["V1"]["l4"]["reliability"]);
        let it = f(&v[wiring]["IT"]["l4"]["reliability"]);
        assert!(v1 > 0.15, "{wiring} V1 L4 reliability {v1}");
        assert!(v1 > it + 0.1, "{wiring}: V1 {v1} vs IT {it}");
    }
}

#[test]
fn sparseness_pooling_makes_v1_look_dense_and_it_units_are_combinatorial() {
    let v = run("sparseness", Size::Quick);
    for wiring in ["stream", "hierarchy"] {
        // Channels averaged over their maps: V1 averages 1,024 positions and
        // looks dense for that reason alone (issue 11); the single-unit
        // numbers beside it are what the claim reads.
        let v1 = f(&v[wiring]["V1"]["l23"]["pooled"]["lifetime"]);
        let it = f(&v[wiring]["IT"]["l23"]["pooled"]["lifetime"]);
        assert!(it > v1, "{wiring}: pooled IT lifetime sparseness {it} vs V1 {v1}");
        let single = f(&v[wiring]["V1"]["l23"]["lifetime"]);
        assert!(single > v1, "{wiring}: a single V1 unit ({single}) is sparser than its channel's map average ({v1})");
        // No grandmother cells: an IT unit is driven by several categories.
        let per_unit = f(&v[wiring]["IT"]["l23"]["categories_per_unit"]);
        assert!(per_unit > 2.0, "{wiring}: {per_unit} categories per IT unit");
    }
}

#[test]
fn tuning_v1_is_orientation_tuned_but_lacks_simple_cells() {
    let v = run("tuning", Size::Quick);
    for wiring in ["stream", "hierarchy"] {
        let l4 = &v[wiring]["l4"];
        let cv = f(&l4["circular_variance"]["median"]);
        let bw = f(&l4["bandwidth_deg"]["median"]);
        assert!(cv < 0.6, "{wiring}: median circular variance {cv}");
        assert!((10.0..60.0).contains(&bw), "{wiring}: median bandwidth {bw}");
        // The retina's edge cells sum both polarities, so V1 is mostly
        // complex-like (F1/F0 < 1), unlike macaque V1's half simple cells.
        assert!(f(&l4["f1_f0"]["simple_fraction"]) < 0.5);
    }
}

#[test]
fn lesion_zeroing_a_hierarchy_station_is_chance_by_construction_and_bypassing_is_not_zeroing() {
    let v = run("lesion", Size::Quick);
    assert!(f(&v["stream"]["none"]) > 0.9 && f(&v["hierarchy"]["none"]) > 0.9);
    let sets = ["V1", "V2", "V4", "IT", "V1+V2", "V1+V4", "V1+IT", "V2+V4", "V2+IT", "V4+IT"];
    // Zeroing cuts the hierarchy's only path: every later station sees a constant, and the
    // held-out sketches are balanced over the ten categories, so every set is exactly at chance.
    for set in sets {
        let acc = f(&v["hierarchy"]["zero"][set]);
        assert!((acc - f(&v["chance"])).abs() < 1e-6, "hierarchy zero {set}: {acc}");
    }
    // In the stream, zeroing a station and bypassing it are the same model.
    assert_eq!(v["stream"]["zero"], v["stream"]["bypass"]);
    // Cutting the skip is the stream's control; the hierarchy has none to cut.
    assert!(v["stream"]["skip_removed"].is_object() && v["hierarchy"]["skip_removed"].is_null());
    for (wiring, kind) in
        [("stream", "zero"), ("stream", "skip_removed"), ("hierarchy", "zero"), ("hierarchy", "bypass")]
    {
        let r = &v[wiring][kind];
        let one = ["V1", "V2", "V4", "IT"].iter().map(|s| f(&r[s])).sum::<f64>() / 4.0;
        assert!((f(&r["mean_one_removed"]) - one).abs() < 1e-6, "{wiring} {kind}");
        assert_eq!(f(&r["none"]), f(&v[wiring]["none"]));
    }
}

#[test]
fn degradation_deeper_plain_networks_train_worse_residual_ones_do_not() {
    let v = run("degradation", Size::Quick);
    let depths: Vec<String> = v["depths"].as_array().unwrap().iter().map(|d| d.to_string()).collect();
    let (shallow, deep) = (&depths[0], depths.last().unwrap());
    let (p1, pd) = (f(&v["plain"][shallow]), f(&v["plain"][deep]));
    let rd = f(&v["residual"][deep]);
    // With normalisation in both nets (issue 11) the quick budget (150
    // steps) leaves the shallow nets still training, so the growth of plain
    // error with depth shows only at the full size (seed 1: depth 1 0.08,
    // depth 16 0.30); the quick run checks the deepest comparison, DG's effect.
    assert!(p1.is_finite() && pd.is_finite());
    assert!(rd < pd, "depth {deep}: residual {rd} vs plain {pd}");
}

#[test]
fn virtual_weights_the_stream_reads_from_every_earlier_writer() {
    let v = run("virtual-weights", Size::Quick);
    let strength = v["stream"]["strength"].as_array().unwrap();
    assert_eq!(strength.len(), 5);
    for (j, row) in strength.iter().enumerate() {
        for (k, x) in row.as_array().unwrap().iter().enumerate() {
            assert_eq!(x.is_null(), k > j, "reader {j} writer {k}");
            if k <= j {
                assert!(f(x) > 0.0);
            }
        }
    }
    // Every pair that has a strength has a rotation null with a spread, and a z against it.
    for wiring in ["stream", "hierarchy"] {
        for j in 0..5 {
            for k in 0..5 {
                let (z, sd) = (&v[wiring]["z"][j][k], &v[wiring]["null_sd"][j][k]);
                assert_eq!(z.is_null(), k > j, "{wiring} reader {j} writer {k}");
                if k <= j {
                    assert!(f(sd) > 0.0 && f(z).is_finite());
                }
            }
        }
    }
    // Every path contributes to the stream's behaviour.
    assert!(v["stream"]["mean_abs_contribution"].as_array().unwrap().iter().all(|x| f(x) > 0.0));
}

#[test]
fn gating_the_same_unit_uses_different_kernels_for_different_inputs() {
    let v = run("gating", Size::Quick);
    let stations = v["stations"].as_array().unwrap();
    assert!(stations.iter().any(|s| f(&s["mean_patterns_per_unit"]) > 1.5));
    let corr = &v["example"]["kernel_correlation"];
    let off_diagonal: Vec<f64> = (0..4)
        .flat_map(|a| (0..4).filter(move |&b| b != a).map(move |b| (a, b)))
        .map(|(a, b)| f(&corr[a][b]))
        .collect();
    assert!(off_diagonal.iter().any(|&c| c < 0.99), "{off_diagonal:?}");
}

#[test]
fn unknown_experiments_and_cancels_are_errors() {
    let e = Experiment::parse("telepathy").unwrap_err().to_string();
    assert!(e.contains("telepathy") && e.contains("edge-probe") && e.contains("gating"), "{e}");
    let mut calls = 0;
    let r = experiments::run(Experiment::Lesion, models(), 1, Size::Quick, &mut |_| {
        calls += 1;
        calls < 3
    });
    assert_eq!(r.unwrap_err(), experiments::Failure::Cancelled);
}
