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
    // degree at most: both keep orientation (DESIGN 5 expected this).
    let (s, h) = (f(&v["stream"]["IT"]["l5"]), f(&v["hierarchy"]["IT"]["l5"]));
    assert!((s - h).abs() < 0.1, "stream {s} vs hierarchy {h}");
    // The controls trained without the edge task are shipped beside the weights.
    assert!(v["edge_task_off"]["stream"].is_object() && v["edge_task_off"]["hierarchy"].is_object());
}

#[test]
fn variability_reaches_l5_from_all_earlier_stations() {
    let v = run("variability", Size::Full);
    for wiring in ["stream", "hierarchy"] {
        // Noise in V1 alone makes every later L5 vary.
        let only_v1 = &v[wiring]["l5_variance"]["V1"];
        for j in 0..4 {
            assert!(f(&only_v1[j]) > 0.0, "{wiring}: V1 noise does not reach station {j}");
        }
        // Noise nowhere: no variability at all (the model is deterministic).
        assert!(v[wiring]["l5_variance"]["none"].as_array().unwrap().iter().all(|x| f(x) == 0.0));
    }
    // What reaches L5 without passing through the previous station: a little
    // in the stream, none in the hierarchy (the post's direction, small here).
    for station in ["V4", "IT"] {
        let s = f(&v["stream"]["r2"][station]["extra_r2"]);
        let h = f(&v["hierarchy"]["r2"][station]["extra_r2"]);
        assert!(s > h, "{station}: stream extra R² {s} should exceed the hierarchy's {h}");
        assert!(h < 0.01, "{station}: the hierarchy's extra R² {h} should be about zero");
    }
}

#[test]
fn deletion_stream_writes_mostly_add_to_their_input_rather_than_cancel_it() {
    // Against the post's P3: in this model the early stations' writes point
    // along what they read (delta < 0), they do not cancel it.
    let v = run("deletion", Size::Quick);
    for k in 0..3 {
        let d = &v["stream"]["delta"][k];
        assert!(f(&d["mean"]) < 0.0, "station {k}: mean delta {}", d["mean"]);
        assert!(f(&d["fraction_cancelling"]) < 0.5);
    }
    for k in 0..4 {
        let c = &v["stream"]["read_write_cosine"][k];
        assert!(f(&c["min"]) < 0.0 && f(&c["mean"]).abs() < 0.2);
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
fn lesion_one_station_costs_the_stream_less_than_the_hierarchy() {
    let v = run("lesion", Size::Quick);
    let s = f(&v["stream"]["mean_one_removed"]);
    let h = f(&v["hierarchy"]["mean_one_removed"]);
    assert!(f(&v["stream"]["none"]) > 0.9 && f(&v["hierarchy"]["none"]) > 0.9);
    assert!(s > h, "stream {s} vs hierarchy {h} with one station removed");
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
    let used = v["hierarchy"]["used_by_the_network"].as_array().unwrap();
    for (j, row) in used.iter().enumerate() {
        for (k, u) in row.as_array().unwrap().iter().enumerate() {
            assert_eq!(u.as_bool(), Some(j == k));
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
