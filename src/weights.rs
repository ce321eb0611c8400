//! Weights files: safetensors, one file per model (docs/DESIGN.md 1.5).
//!
//! Tensors are named as `Model::visit_mut` names them (`embed.w`,
//! `V1.read.w`, `V1.compute.k`, `head.category.b`, …). Each is stored either
//! as F32, or as I8 with a companion F32 tensor `<name>.scale` of shape [1]
//! (value = i8 · scale): the shipped files use I8 so that all three models
//! fit in the wasm. The header's metadata says which wiring the file holds.
//!
//! Loading checks everything and returns an error, never panics: not a
//! safetensors file, truncated, another wiring, a missing or extra tensor,
//! a wrong shape or dtype, a non-finite value or one beyond [`MAX_MAGNITUDE`],
//! and weights whose forward pass on two probe images is not finite somewhere
//! (finite numbers can still overflow on the way: values near 3e38 do).

use crate::model::{Model, Trace, Wiring, WIDTHS};
use crate::openset::Calibration;
use crate::retina::{Retina, CHANNELS};
use crate::variant::Variant;
use crate::{input, retina, stimuli};
use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use std::collections::HashMap;

pub const FORMAT: &str = "ventral-stream/1";

/// No weight a file holds may be larger than this in magnitude. Adam moves a weight by about
/// its learning rate a step, so the shipped schedule (3,400 steps at 2e-3 or less) cannot take
/// one past about 7, and the shipped files stay below 2: a value past 10,000 was not trained.
pub const MAX_MAGNITUDE: f32 = 1e4;

/// The shipped, trained weights, compiled in so one module is all an embed needs.
pub const SHIPPED: [(Wiring, &[u8]); 3] = [
    (Wiring::Stream, include_bytes!("../weights/stream.safetensors")),
    (Wiring::Hierarchy, include_bytes!("../weights/hierarchy.safetensors")),
    (Wiring::Gated, include_bytes!("../weights/gated.safetensors")),
];

#[derive(Debug, Clone, PartialEq)]
pub struct WeightsError(pub String);

impl std::fmt::Display for WeightsError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "bad weights file: {}", self.0)
    }
}
impl std::error::Error for WeightsError {}

fn err<T>(msg: impl Into<String>) -> Result<T, WeightsError> {
    Err(WeightsError(msg.into()))
}

/// What a file says about itself.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Info(pub HashMap<String, String>);

/// The metadata key of the open-set threshold (issue 12): a decimal number, the energy score
/// at or below which a picture counts as one of the ten kinds, set at the end of training by
/// `train::calibrate`. A file without it (older files, or one a reader made) still loads; its
/// model then recognises every picture, and says so by reporting no threshold.
pub const THRESHOLD_KEY: &str = "open_set_threshold";

/// The metadata key of the open-set calibration (issue 26): the score the threshold is on and
/// what it was fitted with (`openset::Calibration::to_text`), set by `train::calibrate` after
/// training or by `ventral-stream calibrate` on any file. The threshold in it is the one under
/// [`THRESHOLD_KEY`]. A file with a threshold and no calibration has an energy threshold.
pub const CALIBRATION_KEY: &str = "open_set_calibration";

impl Info {
    /// The file's open-set threshold, if it has a readable one.
    pub fn threshold(&self) -> Option<f32> {
        self.0.get(THRESHOLD_KEY).and_then(|v| decimal(v.trim())).filter(|v| v.is_finite())
    }

    /// The file's open-set calibration: the stored one if it reads back, else the energy under
    /// the file's threshold (older files); None without a threshold.
    pub fn calibration(&self) -> Option<Calibration> {
        let threshold = self.threshold()?;
        let stored = self.0.get(CALIBRATION_KEY).and_then(|t| Calibration::from_text(t, decimal));
        Some(match stored {
            Some(c) => Calibration { threshold, ..c },
            None => Calibration::energy(threshold),
        })
    }
}

/// The same file with its metadata entries `updates` set (tensors untouched, byte for byte):
/// how `ventral-stream calibrate` stores a calibration in place.
pub fn with_info(bytes: &[u8], updates: &[(&str, String)]) -> Result<Vec<u8>, WeightsError> {
    let st =
        SafeTensors::deserialize(bytes).map_err(|e| WeightsError(format!("not a readable safetensors file ({e})")))?;
    let mut meta = SafeTensors::read_metadata(bytes)
        .map_err(|e| WeightsError(format!("unreadable header ({e})")))?
        .1
        .metadata()
        .clone()
        .unwrap_or_default();
    for (k, v) in updates {
        meta.insert(k.to_string(), v.clone());
    }
    let views: Vec<(String, TensorView)> = st.tensors().into_iter().collect();
    safetensors::serialize(views, Some(meta)).map_err(|e| WeightsError(format!("cannot write the file ({e})")))
}

/// A plain decimal number ("-9.651", "12", "-1.5e-3"). Written out here because the standard
/// float parser adds about a kilobyte (gzipped) to the wasm, which sits at its size budget.
fn decimal(text: &str) -> Option<f32> {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (negative, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let mut value = 0.0f64;
    let mut scale = exponent;
    for (i, part) in [whole, fraction].into_iter().enumerate() {
        for c in part.chars() {
            value = value * 10.0 + c.to_digit(10)? as f64;
            scale -= i as i32;
        }
    }
    // Dividing by an exact power of ten rounds once, so "-9.651245" reads back as written.
    let value = if scale < 0 { value / 10f64.powi(-scale) } else { value * 10f64.powi(scale) };
    Some(if negative { -value } else { value } as f32)
}

/// Encodes a model. `quantize` stores every tensor as I8 plus a scale.
pub fn save(model: &Model, info: &[(&str, String)], quantize: bool) -> Vec<u8> {
    let mut buffers: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = Vec::new();
    for (name, shape, values) in model.tensors() {
        if quantize {
            let max = values.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
            let q: Vec<u8> = values.iter().map(|v| (v / scale).round().clamp(-127.0, 127.0) as i8 as u8).collect();
            buffers.push((format!("{name}.scale"), Dtype::F32, vec![1], scale.to_le_bytes().to_vec()));
            buffers.push((name, Dtype::I8, shape, q));
        } else {
            let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            buffers.push((name, Dtype::F32, shape, bytes));
        }
    }
    let views: Vec<(String, TensorView)> = buffers
        .iter()
        .map(|(n, d, s, b)| (n.clone(), TensorView::new(*d, s.clone(), b).expect("sizes match by construction")))
        .collect();
    let mut meta: HashMap<String, String> = info.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    meta.insert("format".into(), FORMAT.into());
    meta.insert("wiring".into(), model.wiring.name().into());
    if model.retina != Retina::Full {
        meta.insert("retina".into(), model.retina.name().into());
    }
    if model.variant != Variant::SHIPPED {
        meta.insert("variant".into(), model.variant.name().into());
    }
    safetensors::serialize(views, Some(meta)).expect("serialising in-memory tensors cannot fail")
}

fn f32s(bytes: &[u8]) -> Vec<f32> {
    bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

/// Decodes a file into a model of `wiring` (None: the wiring the file names), and refuses
/// weights that cannot give an answer: the model must run two probe images ([`probe`]) to
/// finite numbers in every layer.
pub fn load(bytes: &[u8], wiring: Option<Wiring>) -> Result<(Model, Info), WeightsError> {
    let (model, info) = read(bytes, wiring)?;
    probe(&model)?;
    Ok((model, info))
}

/// The probe images: a held-out sketch, and one bright dot on black, the input that light
/// adaptation turns into the largest value a picture can give (64 at one pixel).
fn probe_images() -> Vec<Vec<f32>> {
    let sketch = stimuli::sample(0x0B0E_5EED, 0, false).pixels;
    let mut dot = vec![0.0; input::SIDE * input::SIDE];
    dot[input::SIDE * input::SIDE / 2 + input::SIDE / 2] = 1.0;
    vec![input::from_gray(&sketch), input::from_gray(&dot)]
}

/// Runs the probe images through `model` and names the first layer with a non-finite value.
pub fn probe(model: &Model) -> Result<(), WeightsError> {
    let t: Trace = model.forward(retina::lgn_batch(&probe_images()));
    let finite = |a: &ndarray::Array2<f32>| a.iter().all(|x| x.is_finite());
    let mut layers: Vec<(String, bool)> = vec![("the embedding".into(), finite(&t.s0.x))];
    for (st, s) in model.stations.iter().zip(&t.stations) {
        for (layer, m) in [("L4", &s.l4), ("L2/3", &s.l23), ("L5's write", &s.write), ("L5", &s.l5)] {
            layers.push((format!("{} {layer}", st.name), finite(&m.x)));
        }
    }
    layers.push(("the category logits".into(), finite(&t.category_logits)));
    layers.push(("the orientation logits".into(), finite(&t.orientation_logits)));
    match layers.into_iter().find(|(_, ok)| !ok) {
        Some((layer, _)) => err(format!(
            "the weights overflow: {layer} is not a finite number on a probe image, so the model cannot give an answer"
        )),
        None => Ok(()),
    }
}

/// Reads a file's tensors into a model with every check but the probe: what [`load`] starts
/// with, what the shipped files take at every page start (their test probes them), and what
/// the weights fuzz target runs fast.
pub fn read(bytes: &[u8], wiring: Option<Wiring>) -> Result<(Model, Info), WeightsError> {
    let st = match SafeTensors::deserialize(bytes) {
        Ok(st) => st,
        Err(e) => return err(format!("not a readable safetensors file ({e})")),
    };
    let meta = match SafeTensors::read_metadata(bytes) {
        Ok((_, m)) => m.metadata().clone().unwrap_or_default(),
        Err(e) => return err(format!("unreadable header ({e})")),
    };
    let named = match meta.get("wiring") {
        Some(w) => Some(Wiring::parse(w).map_err(|e| WeightsError(e.to_string()))?),
        None => None,
    };
    let wiring = match (wiring, named) {
        (Some(want), Some(has)) if want != has => {
            return err(format!("the file holds the {} wiring, not {}", has.name(), want.name()))
        }
        (Some(w), _) | (None, Some(w)) => w,
        (None, None) => return err("the file does not say which wiring it holds; name one"),
    };
    // The stream's width d is the embedding's outputs (CHANNELS × d); every other tensor's
    // shape follows from it and is checked below.
    let d = match st.tensor("embed.w") {
        Ok(v) if v.shape().len() == 2 && v.shape()[0] == CHANNELS && WIDTHS.contains(&v.shape()[1]) => v.shape()[1],
        Ok(v) => {
            return err(format!(
                "tensor embed.w has shape {:?}, expected [{CHANNELS}, d] with d one of {WIDTHS:?}",
                v.shape()
            ))
        }
        Err(_) => return err("tensor embed.w is missing"),
    };
    // The variant decides which tensors there are (a write gain per station for layerscale).
    let variant = match meta.get("variant") {
        Some(v) => Variant::parse(v).map_err(|e| WeightsError(e.to_string()))?,
        None => Variant::SHIPPED,
    };
    variant.fits(wiring).map_err(WeightsError)?;
    let mut model = Model::zeros_variant(wiring, d, variant);
    let mut expected = std::collections::HashSet::new();
    let mut problem: Option<String> = None;
    model.visit_mut(&mut |name, shape, dst, _| {
        if problem.is_some() {
            return;
        }
        expected.insert(name.to_string());
        let view = match st.tensor(name) {
            Ok(v) => v,
            Err(_) => return problem = Some(format!("tensor {name} is missing")),
        };
        if view.shape() != shape.as_slice() {
            return problem = Some(format!("tensor {name} has shape {:?}, expected {:?}", view.shape(), shape));
        }
        let values = match view.dtype() {
            Dtype::F32 => f32s(view.data()),
            Dtype::I8 => {
                expected.insert(format!("{name}.scale"));
                let scale = match st.tensor(&format!("{name}.scale")) {
                    Ok(s) if s.dtype() == Dtype::F32 && s.shape() == [1] => f32s(s.data())[0],
                    _ => {
                        return problem = Some(format!("tensor {name} is I8 but has no F32 {name}.scale of shape [1]"))
                    }
                };
                view.data().iter().map(|&b| b as i8 as f32 * scale).collect()
            }
            other => return problem = Some(format!("tensor {name} is {other:?}; only F32 and I8 are read")),
        };
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return problem = Some(format!("tensor {name} holds a non-finite value at {i}"));
        }
        // No float in the message: formatting one would pull the float printer into the wasm.
        if let Some(i) = values.iter().position(|v| v.abs() > MAX_MAGNITUDE) {
            return problem = Some(format!("tensor {name} holds a value beyond ±10000 at {i}: no training makes it"));
        }
        dst.copy_from_slice(&values);
    });
    if let Some(p) = problem {
        return err(p);
    }
    if let Some(extra) = st.names().into_iter().find(|n| !expected.contains(*n)) {
        return err(format!("unexpected tensor {extra} for the {} wiring", wiring.name()));
    }
    if let Some(r) = meta.get("retina") {
        model.retina = Retina::parse(r).map_err(|e| WeightsError(e.to_string()))?;
    }
    Ok((model, Info(meta)))
}

/// The shipped model of one wiring.
pub fn shipped(wiring: Wiring) -> Model {
    shipped_with_info(wiring).0
}

/// The shipped model of one wiring and what its file says (its open-set threshold among it).
pub fn shipped_with_info(wiring: Wiring) -> (Model, Info) {
    let bytes = SHIPPED.iter().find(|(w, _)| *w == wiring).expect("every wiring is shipped").1;
    read(bytes, Some(wiring)).expect("shipped weights are checked by the tests")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_f32_is_exact_and_i8_is_close() {
        for wiring in Wiring::ALL {
            let m = Model::init(wiring, 5);
            let (back, info) = load(&save(&m, &[("seed", "5".into())], false), None).unwrap();
            assert_eq!(back, m);
            assert_eq!(info.0["seed"], "5");
            let (q, _) = load(&save(&m, &[], true), Some(wiring)).unwrap();
            for ((_, _, a), (_, _, b)) in m.tensors().iter().zip(q.tensors().iter()) {
                let max = a.iter().fold(0.0f32, |m, v| m.max(v.abs()));
                for (x, y) in a.iter().zip(b) {
                    assert!((x - y).abs() <= max / 254.0 + 1e-7);
                }
            }
        }
    }

    #[test]
    fn a_calibration_set_in_place_reads_back_and_leaves_the_tensors_alone() {
        use crate::openset::{Calibration, Score};
        let model = Model::init(Wiring::Stream, 3);
        let bytes = save(&model, &[(THRESHOLD_KEY, "-7.25".into())], true);
        // Before: the energy under the file's threshold.
        assert_eq!(read(&bytes, None).unwrap().1.calibration(), Some(Calibration::energy(-7.25)));
        let mut c = Calibration::energy(-3.5);
        c.score = Score::Combined;
        c.class_means = vec![vec![0.25, -1.5e-3]; 10];
        c.precision = vec![2.0, 0.125, 0.125, 3.0];
        c.stats_mean = [0.1, 2.5, -1.75, 0.03125];
        c.norms = [[-19.5, -10.25], [1.0, 8.0], [-0.5, 1.5]];
        let updated = with_info(&bytes, &[(THRESHOLD_KEY, "-3.5".into()), (CALIBRATION_KEY, c.to_text())]).unwrap();
        let (m2, info) = read(&updated, None).unwrap();
        assert_eq!(info.calibration(), Some(c));
        assert_eq!(m2.tensors(), read(&bytes, None).unwrap().0.tensors());
        // A damaged calibration falls back to the energy under the threshold.
        let damaged = with_info(&bytes, &[(CALIBRATION_KEY, "combined 1 2 3".into())]).unwrap();
        assert_eq!(read(&damaged, None).unwrap().1.calibration(), Some(Calibration::energy(-7.25)));
    }

    #[test]
    fn the_threshold_is_read_from_the_metadata_and_may_be_missing() {
        let m = Model::init(Wiring::Stream, 2);
        let (_, info) = load(&save(&m, &[(THRESHOLD_KEY, "-7.25".into())], true), None).unwrap();
        assert_eq!(info.threshold(), Some(-7.25));
        let (_, info) = load(&save(&m, &[], true), None).unwrap();
        assert_eq!(info.threshold(), None);
        let (_, info) = load(&save(&m, &[(THRESHOLD_KEY, "NaN".into())], true), None).unwrap();
        assert_eq!(info.threshold(), None);
        for (text, want) in
            [("-9.651", Some(-9.651f32)), ("12", Some(12.0)), ("-1.5e-3", Some(-1.5e-3)), ("+.5", Some(0.5))]
        {
            assert_eq!(decimal(text), want, "{text}");
        }
        for bad in ["", "-", ".", "1.2.3", "abc", "1e", "--1"] {
            assert_eq!(decimal(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn narrow_streams_round_trip_and_carry_their_width() {
        for d in [8, 16] {
            for wiring in Wiring::ALL {
                let m = Model::init_with(wiring, 3, d);
                assert_eq!(m.width(), d);
                let (back, _) = load(&save(&m, &[], false), None).unwrap();
                assert_eq!(back, m, "{} d {d}", wiring.name());
                assert_eq!(back.width(), d);
            }
        }
        // A width the model does not offer is refused by name.
        let odd = save(&Model::init_with(Wiring::Stream, 3, 12), &[], false);
        assert!(load(&odd, None).unwrap_err().0.contains("embed.w"));
    }

    #[test]
    fn every_shipped_file_loads() {
        for (wiring, bytes) in SHIPPED {
            // Through `load`, the probe and the bound included (the page skips them).
            let m = load(bytes, Some(wiring)).unwrap().0;
            assert_eq!(m, shipped(wiring));
            assert_eq!(m.wiring, wiring);
            assert_eq!(m.width(), crate::model::D);
        }
    }

    #[test]
    fn bad_files_are_errors_not_panics() {
        let good = save(&Model::init(Wiring::Stream, 1), &[], false);
        // Truncated anywhere.
        for cut in [0, 1, 7, 8, 50, good.len() / 2, good.len() - 1] {
            assert!(load(&good[..cut], None).is_err(), "cut at {cut}");
        }
        // Not safetensors at all.
        assert!(load(b"\x89PNG\r\n\x1a\n not weights", None).is_err());
        // Another wiring than asked for.
        let e = load(&good, Some(Wiring::Hierarchy)).unwrap_err();
        assert!(e.0.contains("stream"), "{e}");
        // The gated file read as stream has the wrong tensors.
        let gated = save(&Model::init(Wiring::Gated, 1), &[], false);
        assert!(load(&gated, Some(Wiring::Stream)).is_err());
        // Wrong shape and wrong dtype.
        let model = Model::init(Wiring::Stream, 1);
        let wrong_shape = {
            let w = vec![0u8; 8 * 33 * 4];
            let v = vec![("embed.w".to_string(), TensorView::new(Dtype::F32, vec![8, 33], &w).unwrap())];
            let mut meta = HashMap::new();
            meta.insert("wiring".to_string(), "stream".to_string());
            safetensors::serialize(v, Some(meta)).unwrap()
        };
        assert!(load(&wrong_shape, None).unwrap_err().0.contains("shape"));
        let wrong_dtype = {
            let w = vec![0u8; 8 * 32 * 8];
            let v = vec![("embed.w".to_string(), TensorView::new(Dtype::F64, vec![8, 32], &w).unwrap())];
            let mut meta = HashMap::new();
            meta.insert("wiring".to_string(), "stream".to_string());
            safetensors::serialize(v, Some(meta)).unwrap()
        };
        assert!(load(&wrong_dtype, None).unwrap_err().0.contains("F64"));
        // A NaN weight.
        let mut nan = model.clone();
        nan.embed.w[[0, 0]] = f32::NAN;
        assert!(load(&save(&nan, &[], false), None).unwrap_err().0.contains("non-finite"));
    }

    #[test]
    fn finite_weights_that_overflow_are_refused() {
        // Every weight at the bound: each layer multiplies by about 10⁴ × its fan-in, and
        // thirteen of them overflow f32.
        let mut big = Model::init(Wiring::Stream, 1);
        big.visit_mut(&mut |_, _, v, _| v.fill(MAX_MAGNITUDE));
        let e = load(&save(&big, &[], false), None).unwrap_err();
        assert!(e.0.contains("overflow") && e.0.contains("not a finite number"), "{e}");
        // Values near f32::MAX are beyond the bound, in F32 and as an I8 scale alike.
        let mut huge = Model::init(Wiring::Hierarchy, 1);
        huge.category.w.fill(3e38);
        for quantize in [false, true] {
            let e = load(&save(&huge, &[], quantize), None).unwrap_err();
            assert!(e.0.contains("beyond ±10000"), "{e}");
        }
        // The same model within bounds loads.
        assert!(load(&save(&Model::init(Wiring::Hierarchy, 1), &[], true), None).is_ok());
    }
}
