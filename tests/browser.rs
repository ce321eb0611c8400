//! In-browser tests (wasm-pack test --headless --chrome -- --features hooks):
//! real canvases, the real 2D context, the wasm face exactly as the page uses
//! it, and the hooks the benchmark uses.
#![cfg(target_arch = "wasm32")]

#[cfg(not(feature = "hooks"))]
compile_error!("the browser tests check the bench hooks too: run wasm-pack test ... -- --features hooks");

use js_sys::Reflect;
use ventral_stream::model::Wiring;
use ventral_stream::wasm::Viewer;
use ventral_stream::wasm_lab::Trainer;
use ventral_stream::weights;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

mod shared;

fn canvas(w: u32, h: u32) -> HtmlCanvasElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let c: HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    c.set_width(w);
    c.set_height(h);
    c
}

fn ctx(c: &HtmlCanvasElement) -> CanvasRenderingContext2d {
    c.get_context("2d").unwrap().unwrap().dyn_into().unwrap()
}

/// A white canvas with a black stroke, as the page's drawing canvas makes.
fn drawing(w: u32, h: u32, stroke: &[(f64, f64)]) -> HtmlCanvasElement {
    let c = canvas(w, h);
    let g = ctx(&c);
    g.set_fill_style_str("white");
    g.fill_rect(0.0, 0.0, w as f64, h as f64);
    g.set_stroke_style_str("black");
    g.set_line_width(w as f64 / 40.0);
    g.begin_path();
    for (i, &(x, y)) in stroke.iter().enumerate() {
        if i == 0 {
            g.move_to(x, y)
        } else {
            g.line_to(x, y)
        }
    }
    g.stroke();
    c
}

fn get(v: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(v.clone(), |v, k| Reflect::get(&v, &JsValue::from_str(k)).unwrap())
}

fn numbers(v: &JsValue) -> Vec<f64> {
    js_sys::Array::from(v).iter().map(|x| x.as_f64().unwrap()).collect()
}

fn pixels(c: &HtmlCanvasElement) -> Vec<u8> {
    ctx(c).get_image_data(0.0, 0.0, c.width() as f64, c.height() as f64).unwrap().data().to_vec()
}

const TRIANGLE: [(f64, f64); 4] = [(128.0, 40.0), (210.0, 200.0), (46.0, 200.0), (128.0, 40.0)];

#[wasm_bindgen_test]
fn run_summarises_both_wirings_with_four_stations() {
    let mut v = Viewer::new();
    v.capture_canvas(&drawing(256, 256, &TRIANGLE)).unwrap();
    let s = v.run().unwrap();
    for wiring in ["stream", "hierarchy"] {
        assert_eq!(get(&s, &[wiring, "wiring"]).as_string().unwrap(), wiring);
        let stations = js_sys::Array::from(&get(&s, &[wiring, "stations"]));
        let names: Vec<String> = stations.iter().map(|st| get(&st, &["name"]).as_string().unwrap()).collect();
        assert_eq!(names, ["V1", "V2", "V4", "IT"]);
        let sides: Vec<f64> = stations.iter().map(|st| get(&st, &["side"]).as_f64().unwrap()).collect();
        assert_eq!(sides, [32.0, 16.0, 8.0, 4.0]);
        let shape = numbers(&get(&stations.get(0), &["l23", "shape"]));
        assert_eq!(shape, [32.0, 32.0, 32.0]);
        let probs = numbers(&get(&s, &[wiring, "probs"]));
        assert_eq!(probs.len(), 10);
        assert!((probs.iter().sum::<f64>() - 1.0).abs() < 1e-4);
    }
}

#[wasm_bindgen_test]
fn stream_contributions_sum_to_the_logits_and_hierarchy_has_none() {
    let mut v = Viewer::new();
    v.capture_canvas(&drawing(300, 200, &TRIANGLE)).unwrap();
    let s = v.run().unwrap();
    let logits = numbers(&get(&s, &["stream", "logits"]));
    let parts: Vec<Vec<f64>> = ["direct", "V1", "V2", "V4", "IT", "bias"]
        .iter()
        .map(|k| numbers(&get(&s, &["stream", "contributions", k])))
        .collect();
    for (i, l) in logits.iter().enumerate() {
        let sum: f64 = parts.iter().map(|p| p[i]).sum();
        assert!((sum - l).abs() < 1e-3, "{sum} vs {l}");
    }
    assert!(get(&s, &["hierarchy", "contributions"]).is_null());
}

#[wasm_bindgen_test]
fn a_stroke_changes_every_station_of_both_wirings() {
    let mut v = Viewer::new();
    v.capture_canvas(&drawing(256, 256, &[(20.0, 20.0), (21.0, 21.0)])).unwrap();
    let before = v.run().unwrap();
    v.capture_canvas(&drawing(256, 256, &TRIANGLE)).unwrap();
    let after = v.run().unwrap();
    for wiring in ["stream", "hierarchy"] {
        for k in 0..4u32 {
            let b = js_sys::Array::from(&get(&before, &[wiring, "stations"])).get(k);
            let a = js_sys::Array::from(&get(&after, &[wiring, "stations"])).get(k);
            let (mb, ma) = (get(&b, &["l5", "mean"]).as_f64().unwrap(), get(&a, &["l5", "mean"]).as_f64().unwrap());
            let (xb, xa) = (get(&b, &["l23", "max"]).as_f64().unwrap(), get(&a, &["l23", "max"]).as_f64().unwrap());
            assert!(mb != ma || xb != xa, "{wiring} station {k} did not change");
        }
    }
}

#[wasm_bindgen_test]
fn station_maps_are_drawn_as_tiles_of_the_right_size() {
    let mut v = Viewer::new();
    v.capture_canvas(&drawing(256, 256, &TRIANGLE)).unwrap();
    v.run().unwrap();
    let c = canvas(1, 1);
    for (station, side) in [("V1", 32u32), ("V2", 16), ("V4", 8), ("IT", 4)] {
        for layer in ["l4", "l23", "write", "l5"] {
            v.draw_station("stream", station, layer, &c).unwrap();
            assert_eq!((c.width(), c.height()), (8 * (side + 1) - 1, 4 * (side + 1) - 1), "{station} {layer}");
            // The top-left pixel belongs to channel 0's tile: opaque.
            assert_eq!(pixels(&c)[3], 255);
        }
    }
}

#[wasm_bindgen_test]
fn blank_input_is_drawn_as_the_diverging_maps_midpoint() {
    let mut v = Viewer::new();
    v.capture_canvas(&drawing(64, 64, &[])).unwrap();
    let c = canvas(1, 1);
    v.draw_input(&c).unwrap();
    assert_eq!((c.width(), c.height()), (64, 64));
    let px = pixels(&c);
    for p in px.chunks(4) {
        assert_eq!(p, [247, 247, 247, 255]);
    }
}

#[wasm_bindgen_test]
fn a_stroke_shows_in_the_input_and_lgn_views() {
    let mut v = Viewer::new();
    v.capture_canvas(&drawing(256, 256, &TRIANGLE)).unwrap();
    let input = canvas(1, 1);
    v.draw_input(&input).unwrap();
    let px = pixels(&input);
    // Dark strokes on white read as below-mean (blue) pixels somewhere.
    assert!(px.chunks(4).any(|p| p[2] > p[0] + 60), "no blue stroke pixels");
    let lgn = canvas(1, 1);
    v.draw_lgn(&lgn).unwrap();
    assert_eq!((lgn.width(), lgn.height()), (4 * 33 - 1, 2 * 33 - 1));
    let lp = pixels(&lgn);
    let distinct: std::collections::HashSet<&[u8]> = lp.chunks(4).collect();
    assert!(distinct.len() > 20, "LGN view is flat: {}", distinct.len());
}

#[wasm_bindgen_test]
fn image_data_and_canvas_capture_agree() {
    let c = drawing(200, 120, &TRIANGLE);
    let mut a = Viewer::new();
    a.capture_canvas(&c).unwrap();
    let sa = a.run().unwrap();
    let data = ctx(&c).get_image_data(0.0, 0.0, 200.0, 120.0).unwrap();
    let mut b = Viewer::new();
    b.capture_image_data(&data).unwrap();
    let sb = b.run().unwrap();
    assert_eq!(numbers(&get(&sa, &["stream", "logits"])), numbers(&get(&sb, &["stream", "logits"])));
}

#[wasm_bindgen_test]
fn lesioning_a_station_zeroes_its_contribution() {
    let mut v = Viewer::new();
    v.capture_canvas(&drawing(256, 256, &TRIANGLE)).unwrap();
    let before = v.run().unwrap();
    v.set_lesion("stream", "V2", true).unwrap();
    let after = v.run().unwrap();
    assert!(numbers(&get(&after, &["stream", "contributions", "V2"])).iter().all(|&x| x == 0.0));
    assert_ne!(numbers(&get(&before, &["stream", "logits"])), numbers(&get(&after, &["stream", "logits"])));
    let st = js_sys::Array::from(&get(&after, &["stream", "stations"])).get(1);
    assert_eq!(get(&st, &["lesioned"]).as_bool(), Some(true));
    v.set_lesion("stream", "V2", false).unwrap();
    assert_eq!(numbers(&get(&v.run().unwrap(), &["stream", "logits"])), numbers(&get(&before, &["stream", "logits"])));
}

#[wasm_bindgen_test]
fn bad_names_and_empty_canvases_are_errors() {
    let mut v = Viewer::new();
    let c = canvas(10, 10);
    assert!(v.draw_station("stream", "V3", "l4", &c).is_err());
    assert!(v.draw_station("stream", "V1", "l6", &c).is_err());
    assert!(v.draw_station("ladder", "V1", "l4", &c).is_err());
    assert!(v.set_lesion("stream", "LGN", true).is_err());
    assert!(v.capture_canvas(&canvas(0, 10)).is_err());
    assert!(v.capture_rgba(&[0; 7], 1, 2).is_err());
    // Still works after the errors.
    v.capture_canvas(&drawing(64, 64, &TRIANGLE)).unwrap();
    assert!(v.run().is_ok());
}

#[wasm_bindgen_test]
fn weights_load_by_bytes_and_bad_files_are_errors() {
    let mut v = Viewer::new();
    v.capture_canvas(&drawing(256, 256, &TRIANGLE)).unwrap();
    let before = numbers(&get(&v.run().unwrap(), &["hierarchy", "logits"]));
    // Another hierarchy model: the logits change.
    let other = weights::save(&ventral_stream::model::Model::init(Wiring::Hierarchy, 99), &[], false);
    v.load_weights("hierarchy", &other).unwrap();
    assert_ne!(numbers(&get(&v.run().unwrap(), &["hierarchy", "logits"])), before);
    // Truncated, not safetensors, and the wrong wiring's file.
    assert!(v.load_weights("hierarchy", &other[..other.len() / 2]).is_err());
    assert!(v.load_weights("hierarchy", b"GIF89a not weights").is_err());
    let stream = weights::save(&ventral_stream::model::Model::init(Wiring::Stream, 1), &[], false);
    assert!(v.load_weights("hierarchy", &stream).is_err());
    assert!(v.run().is_ok());
}

#[wasm_bindgen_test]
fn big_and_tiny_canvases_are_fine() {
    let mut v = Viewer::new();
    for (w, h) in [(1, 1), (3000, 1200), (17, 900)] {
        let c = drawing(w, h, &[(0.0, 0.0), (w as f64, h as f64)]);
        v.capture_canvas(&c).unwrap();
        let s = v.run().unwrap();
        assert!(numbers(&get(&s, &["stream", "logits"])).iter().all(|x| x.is_finite()), "{w}x{h}");
    }
}

#[wasm_bindgen_test]
fn forward_only_gives_the_same_logits_as_run() {
    let mut v = Viewer::new();
    v.capture_canvas(&drawing(256, 256, &TRIANGLE)).unwrap();
    let s = v.run().unwrap();
    for wiring in ["stream", "hierarchy"] {
        let fast = v.forward_only(wiring).unwrap();
        let full = numbers(&get(&s, &[wiring, "logits"]));
        assert_eq!(fast.len(), 10);
        for (a, b) in fast.iter().zip(&full) {
            assert!((*a as f64 - b).abs() < 1e-6);
        }
    }
    assert_eq!(v.lgn_tensor().len(), 32 * 32 * 8);
    assert!(v.forward_only("ladder").is_err());
    assert!(v.forward_only("gated").is_err(), "a Viewer holds the stream and the hierarchy only");
}

#[wasm_bindgen_test]
fn unknown_names_are_refused_with_the_valid_ones() {
    let mut v = Viewer::new();
    let c = canvas(1, 1);
    let message = |e: wasm_bindgen::JsError| -> String {
        let v: JsValue = e.into();
        v.dyn_into::<js_sys::Error>().unwrap().message().into()
    };
    let e = message(v.draw_station("stream", "V3", "l4", &c).unwrap_err());
    assert!(e.contains("V3") && e.contains("V1, V2, V4, IT"), "{e}");
    let e = message(v.strongest_unit("stream", "V1", "").unwrap_err());
    assert!(e.contains("l4, l23, write, l5"), "{e}");
    let e = message(v.set_lesion("ladder", "V1", true).unwrap_err());
    assert!(e.contains("stream, hierarchy, gated"), "{e}");
    let e = message(
        ventral_stream::wasm_lab::run_experiment(
            "telepathy",
            1,
            "quick",
            &js_sys::Function::new_no_args("return true"),
        )
        .unwrap_err(),
    );
    assert!(e.contains("telepathy") && e.contains("edge-probe"), "{e}");
    // The write can be inspected like any layer, and its receptive field too.
    let u = v.strongest_unit("hierarchy", "V4", "write").unwrap();
    assert!(v.receptive_field("hierarchy", "V4", "write", u[0] as usize, u[1] as usize, u[2] as usize, &c).is_ok());
}

#[wasm_bindgen_test]
fn the_strongest_unit_is_the_layers_maximum_and_has_a_receptive_field() {
    let mut v = Viewer::new();
    v.capture_canvas(&drawing(256, 256, &TRIANGLE)).unwrap();
    let s = v.run().unwrap();
    let rf = canvas(1, 1);
    for (k, station) in ["V1", "V2", "V4", "IT"].into_iter().enumerate() {
        let max = get(&js_sys::Array::from(&get(&s, &["stream", "stations"])).get(k as u32), &["l23", "max"])
            .as_f64()
            .unwrap();
        let u = v.strongest_unit("stream", station, "l23").unwrap();
        assert!((u[3] as f64 - max).abs() < 1e-4 * max.max(1.0), "{station}: {} vs {max}", u[3]);
        assert!(u[3] > 0.0, "{station}: a triangle drives some unit");
        let peak =
            v.receptive_field("stream", station, "l23", u[0] as usize, u[1] as usize, u[2] as usize, &rf).unwrap();
        assert!(peak > 0.0, "{station}: an active unit has a gradient");
        assert_eq!((rf.width(), rf.height()), (32, 32));
        let px = pixels(&rf);
        assert!(px.chunks(4).any(|p| p[..3] != px[..3]), "{station}: the field is not flat");
    }
    assert!(v.strongest_unit("stream", "V9", "l23").is_err());
    assert!(v.strongest_unit("stream", "V1", "l6").is_err());
}

/// In the wasm build the 3×3 convolutions and 1×1 maps run the simd128
/// direct kernels, forward and for the weight gradient: they must agree with the unfolded matrix product (im2col,
/// sgemm) within 1e-5 relative, borders, odd sizes and channel counts the
/// kernel leaves to its portable loop included. Relative to the sum of the
/// terms' magnitudes (|cols|·|k| + |b|): the two add the same terms in a
/// different order, and a sum that nearly cancels keeps only that scale's
/// rounding error.
#[wasm_bindgen_test]
fn direct_kernels_match_the_unfolded_product() {
    use ndarray::Array2;
    use ventral_stream::layers::conv::{im2col, Conv3, DIRECT};
    use ventral_stream::layers::pointwise::Pointwise;
    use ventral_stream::layers::Maps;
    use ventral_stream::rng::Rng;

    assert!(DIRECT, "the wasm build convolves directly");
    let close = |got: &Array2<f32>, want: &Array2<f32>, scale: &Array2<f32>, what: &str| {
        assert_eq!(got.dim(), want.dim(), "{what}");
        for ((a, b), s) in got.iter().zip(want).zip(scale) {
            assert!((a - b).abs() <= 1e-5 * s.max(1e-3), "{what}: {a} vs {b} (scale {s})");
        }
    };
    let abs = |a: &Array2<f32>| a.mapv(f32::abs);
    let mut rng = Rng::new(7);
    for (n, side, cin, cout) in
        [(1, 32, 32, 32), (1, 16, 32, 32), (1, 4, 32, 32), (2, 7, 5, 8), (1, 1, 3, 16), (3, 2, 32, 24), (1, 6, 7, 3)]
    {
        let x = Maps { n, side, x: Array2::from_shape_fn((n * side * side, cin), |_| rng.normal()) };
        let mut conv = Conv3::zeros(cin, cout);
        conv.k.mapv_inplace(|_| rng.normal());
        conv.b.mapv_inplace(|_| rng.normal());
        let cols = im2col(&x);
        let mut want = cols.dot(&conv.k);
        want += &conv.b;
        let mut scale = abs(&cols).dot(&abs(&conv.k));
        scale += &conv.b.mapv(f32::abs);
        close(&conv.forward(&x).x, &want, &scale, &format!("conv n {n} side {side} {cin}→{cout}"));
        close(&conv.forward_relu(&x).x, &want.mapv(|v| v.max(0.0)), &scale, "conv + ReLU");

        let mut pw = Pointwise::zeros(cin, cout, true);
        pw.w.mapv_inplace(|_| rng.normal());
        pw.b.as_mut().unwrap().mapv_inplace(|_| rng.normal());
        let mut want = x.x.dot(&pw.w);
        want += pw.b.as_ref().unwrap();
        let mut scale = abs(&x.x).dot(&abs(&pw.w));
        scale += &pw.b.as_ref().unwrap().mapv(f32::abs);
        close(&pw.forward(&x.x), &want, &scale, &format!("1×1 {} rows {cin}→{cout}", x.x.nrows()));
        close(&pw.forward_relu(&x.x), &want.mapv(|v| v.max(0.0)), &scale, "1×1 + ReLU");

        // The weight gradients (simd128 where the outputs are a multiple of 8) against sgemm's
        // xᵀ·dy, added onto a gradient that already holds something.
        let dy = Array2::from_shape_fn((x.x.nrows(), cout), |_| rng.normal());
        let mut grad = Pointwise::zeros(cin, cout, true);
        grad.w.fill(1.0);
        pw.backward(&x.x, &dy, &mut grad);
        let scale = abs(&x.x).t().dot(&abs(&dy)) + 1.0;
        close(&grad.w, &(x.x.t().dot(&dy) + 1.0), &scale, &format!("1×1 dW {} rows {cin}→{cout}", x.x.nrows()));
        let mut grad = Conv3::zeros(cin, cout);
        grad.k.fill(1.0);
        conv.backward(&x, &dy, &mut grad);
        let scale = abs(&cols).t().dot(&abs(&dy)) + 1.0;
        close(&grad.k, &(cols.t().dot(&dy) + 1.0), &scale, &format!("3×3 dK n {n} side {side} {cin}→{cout}"));
    }
}

/// Training in wasm is native training (issue 13): the lab's core gives the 20 losses of
/// tests/fixtures/train20.json, written natively, within 1e-3 relative (tests/lab.rs holds the
/// native build to the same).
#[wasm_bindgen_test]
fn twenty_steps_in_wasm_give_the_native_fixtures_losses() {
    let (config, want) = shared::fixture();
    let mut lab = ventral_stream::lab::Lab::new(config).unwrap();
    let got: Vec<f32> = (0..want.len()).map(|_| lab.step_once().unwrap()).collect();
    shared::assert_losses_close(&got, &want, "wasm lab::Lab");
}

/// Backprop in the wasm build (its kernels) against finite differences, every wiring, the
/// shipped width and a narrow one.
#[wasm_bindgen_test]
fn whole_model_gradients_match_finite_differences_in_wasm() {
    for wiring in Wiring::ALL {
        for d in [32, 8] {
            assert!(shared::check_model_gradients(wiring, d) > 40);
        }
    }
    // Every variant through the wasm kernels (columns: 16-channel convolutions, Winograd too).
    for variant in ventral_stream::variant::Variant::ALL {
        for wiring in Wiring::ALL.into_iter().filter(|&w| variant.fits(w).is_ok()) {
            assert!(shared::check_variant_gradients(wiring, 32, variant) > 40, "{}", variant.name());
        }
    }
}

fn lab_config(wiring: &str, width: u32, steps: u32) -> JsValue {
    let c = js_sys::Object::new();
    for (k, v) in [
        ("wiring", JsValue::from_str(wiring)),
        ("width", JsValue::from(width)),
        ("edge_task", JsValue::TRUE),
        ("pressure", JsValue::from_str("l1")),
        ("strength", JsValue::from_f64(1e-4)),
        ("steps", JsValue::from(steps)),
        ("seed", JsValue::from(2u32)),
    ] {
        Reflect::set(&c, &JsValue::from_str(k), &v).unwrap();
    }
    c.into()
}

/// The Trainer as the page's lab calls it: steps, reports, views of the right sizes, a file the
/// Viewer loads (d = 16), and bad configurations refused.
#[wasm_bindgen_test]
fn the_trainer_steps_reports_and_hands_over_a_loadable_file() {
    let mut t = Trainer::new(lab_config("stream", 16, 3)).unwrap();
    let r = t.step(2).unwrap();
    assert_eq!(get(&r, &["step"]).as_f64(), Some(2.0));
    assert_eq!(get(&r, &["steps"]).as_f64(), Some(3.0));
    assert!(get(&r, &["loss"]).as_f64().unwrap() > 0.0);
    assert_eq!(t.step(5).map(|r| get(&r, &["step"]).as_f64()).unwrap(), Some(3.0));
    assert_eq!(t.step_count(), 3);
    let e = t.evaluate(8).unwrap();
    for k in ["category", "orientation"] {
        let a = get(&e, &[k]).as_f64().unwrap();
        assert!((0.0..=1.0).contains(&a), "{k} {a}");
    }
    assert_eq!(t.v1_filters().len(), 8 * 32);
    assert_eq!(t.l23_fields("V1", 2).unwrap().len(), 2 * 64 * 64);
    assert!(t.l23_fields("V9", 2).is_err());
    assert_eq!(t.decision_shares().len(), 5);
    let mut v = Viewer::new();
    v.load_weights("stream", &t.weights()).unwrap();
    v.capture_canvas(&drawing(64, 64, &TRIANGLE)).unwrap();
    assert_eq!(numbers(&get(&v.run().unwrap(), &["stream", "probs"])).len(), 10);

    let h = Trainer::new(lab_config("hierarchy", 8, 1)).unwrap();
    assert!(h.decision_shares().is_empty());
    assert!(Trainer::new(lab_config("stream", 12, 3)).is_err());
    assert!(Trainer::new(lab_config("ladder", 8, 3)).is_err());
    assert!(Trainer::new(JsValue::from_str("stream")).is_err());
}
