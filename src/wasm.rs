//! The wasm face: the only module that knows JavaScript.
//!
//! A `Viewer` owns the models and the last traces. The page captures a canvas
//! into it (one copy of the pixels, from the canvas into wasm memory), runs
//! both wirings, and asks for maps drawn into canvases. Summaries cross as
//! plain objects through serde-wasm-bindgen.

use crate::layers::Maps;
use crate::model::{Model, Trace, Wiring};
use crate::station::NAMES;
use crate::{input, retina, run, weights};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Colour-blind-safe maps. Rates (≥ 0) use a viridis-like sequential ramp;
/// the signed stream uses a blue–white–red diverging ramp (ColorBrewer RdBu),
/// read as below / at / above baseline.
const SEQUENTIAL: [[u8; 3]; 5] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
const DIVERGING: [[u8; 3]; 5] = [[33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43]];

/// Colour of t ∈ [0, 1] along a ramp.
fn ramp(stops: &[[u8; 3]; 5], t: f32) -> [u8; 3] {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.5 } * 4.0;
    let i = (t.floor() as usize).min(3);
    let f = t - i as f32;
    let (a, b) = (stops[i], stops[i + 1]);
    [0, 1, 2].map(|c| (a[c] as f32 + f * (b[c] as f32 - a[c] as f32)).round() as u8)
}

/// Plain objects, `null` for None: what a page's JSON-minded code expects.
fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(js_err)
}

fn js_err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn context(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsError> {
    canvas
        .get_context("2d")
        .map_err(|_| js_err("cannot get a 2D context"))?
        .ok_or_else(|| js_err("the canvas has no 2D context (is it used for WebGL?)"))?
        .dyn_into::<CanvasRenderingContext2d>()
        .map_err(|_| js_err("not a 2D context"))
}

#[wasm_bindgen]
pub struct Viewer {
    stream: Model,
    hierarchy: Model,
    /// Each wiring's open-set threshold (stream, hierarchy), from its weights file.
    thresholds: [Option<f32>; 2],
    /// The letterboxed 64×64 luminance last captured, before light adaptation.
    luminance: Vec<f32>,
    /// The adapted 64×64 image the retina last saw.
    image: Vec<f32>,
    traces: Option<(Trace, Trace)>,
    /// The LGN maps of `image`, computed once per capture.
    lgn: Option<Maps>,
    /// Reused RGBA buffer for drawing maps.
    pixels: Vec<u8>,
    palettes: Palettes,
}

#[wasm_bindgen]
impl Viewer {
    /// Both wirings with the shipped weights, looking at a blank image.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Viewer {
        let (stream, s_info) = weights::shipped_with_info(Wiring::Stream);
        let (hierarchy, h_info) = weights::shipped_with_info(Wiring::Hierarchy);
        Viewer {
            stream,
            hierarchy,
            thresholds: [s_info.threshold(), h_info.threshold()],
            luminance: vec![1.0; input::SIDE * input::SIDE],
            image: vec![0.0; input::SIDE * input::SIDE],
            traces: None,
            lgn: None,
            pixels: Vec::new(),
            palettes: Palettes::new(),
        }
    }

    /// The category names, in the order of the logits.
    pub fn categories(&self) -> Result<JsValue, JsError> {
        to_js(&crate::stimuli::CATEGORIES)
    }

    /// Reads the pixels of any canvas (any size) into the retina.
    pub fn capture_canvas(&mut self, canvas: &HtmlCanvasElement) -> Result<(), JsError> {
        let (w, h) = (canvas.width(), canvas.height());
        if w == 0 || h == 0 {
            return Err(js_err("the canvas has no pixels (width or height is 0)"));
        }
        let data = context(canvas)?
            .get_image_data(0.0, 0.0, w as f64, h as f64)
            .map_err(|_| js_err("cannot read the canvas pixels (is it tainted by a cross-origin image?)"))?;
        self.capture_image_data(&data)
    }

    /// Same, from an ImageData.
    pub fn capture_image_data(&mut self, data: &ImageData) -> Result<(), JsError> {
        let (w, h) = (data.width() as usize, data.height() as usize);
        self.capture_rgba(&data.data(), w, h)
    }

    /// Same, from raw RGBA bytes.
    pub fn capture_rgba(&mut self, rgba: &[u8], width: usize, height: usize) -> Result<(), JsError> {
        self.luminance = input::letterbox(rgba, width, height).map_err(js_err)?;
        self.image = self.luminance.clone();
        input::adapt(&mut self.image);
        self.traces = None;
        self.lgn = None;
        Ok(())
    }

    /// Runs both wirings on the captured image; returns
    /// `{categories, stream: Summary, hierarchy: Summary}`.
    pub fn run(&mut self) -> Result<JsValue, JsError> {
        let lgn = self.lgn.get_or_insert_with(|| retina::lgn(&self.image)).clone();
        let s = self.stream.forward(lgn.clone());
        let h = self.hierarchy.forward(lgn);
        #[derive(Serialize)]
        struct Both {
            categories: &'static [&'static str],
            stream: run::Summary,
            hierarchy: run::Summary,
        }
        let both = Both {
            categories: &crate::stimuli::CATEGORIES,
            stream: run::summary(&self.stream, &s, 0, self.thresholds[0]),
            hierarchy: run::summary(&self.hierarchy, &h, 0, self.thresholds[1]),
        };
        self.traces = Some((s, h));
        to_js(&both)
    }

    /// Removes (`on` = true) or restores one station's write.
    pub fn set_lesion(&mut self, wiring: &str, station: &str, on: bool) -> Result<(), JsError> {
        let k = station_index(station)?;
        self.model_mut(wiring)?.lesions[k] = on;
        self.traces = None;
        Ok(())
    }

    /// Replaces one wiring's weights with a safetensors file's.
    pub fn load_weights(&mut self, wiring: &str, bytes: &[u8]) -> Result<(), JsError> {
        let w = Wiring::parse(wiring).map_err(js_err)?;
        let (model, info) = weights::load(bytes, Some(w)).map_err(js_err)?;
        let slot = self.model_mut(wiring)?;
        let lesions = slot.lesions;
        *slot = model;
        slot.lesions = lesions;
        // A file without a threshold loads too; that wiring then recognises every picture.
        self.thresholds[(w != Wiring::Stream) as usize] = info.threshold();
        self.traces = None;
        Ok(())
    }

    /// Draws one layer of one station ("l4", "l23", "write", "l5") as a grid
    /// of its channel maps; sets the canvas size itself.
    pub fn draw_station(
        &mut self,
        wiring: &str,
        station: &str,
        layer: &str,
        canvas: &HtmlCanvasElement,
    ) -> Result<(), JsError> {
        let k = station_index(station)?;
        self.trace(wiring)?;
        let (s, h) = self.traces.as_ref().expect("trace() ran the models");
        let t = &if wiring == "stream" { s } else { h }.stations[k];
        let (maps, signed) = match layer {
            "l4" => (&t.l4, false),
            "l23" => (&t.l23, false),
            "write" => (&t.write, true),
            "l5" => (&t.l5, true),
            other => return Err(js_err(format!("unknown layer {other:?}: expected l4, l23, write or l5"))),
        };
        draw_tiles(&mut self.pixels, &self.palettes, maps, 8, signed, canvas)
    }

    /// The captured image letterboxed to 64×64 luminance in [0, 1], before light adaptation
    /// (row-major): the core's one picture of any input, for comparing paths.
    pub fn retina(&self) -> Vec<f32> {
        self.luminance.clone()
    }

    /// Draws the adapted 64×64 image that the retina sees.
    pub fn draw_input(&mut self, canvas: &HtmlCanvasElement) -> Result<(), JsError> {
        let x = ndarray::Array2::from_shape_vec((input::SIDE * input::SIDE, 1), self.image.clone()).map_err(js_err)?;
        draw_tiles(&mut self.pixels, &self.palettes, &Maps { n: 1, side: input::SIDE, x }, 1, true, canvas)
    }

    /// A preset stimulus as 64×64 RGBA (name: a category, "bars", "grating"
    /// or "noise"); the page draws it into the input canvas so it goes
    /// through the same capture path as a drawing.
    pub fn preset(&self, name: &str, variant: u32) -> Result<Vec<u8>, JsError> {
        let grey =
            crate::stimuli::preset(name, variant as u64).ok_or_else(|| js_err(format!("no preset called {name:?}")))?;
        Ok(grey
            .iter()
            .flat_map(|&g| {
                let v = (g.clamp(0.0, 1.0) * 255.0).round() as u8;
                [v, v, v, 255]
            })
            .collect())
    }

    /// Draws the receptive field of one unit on the current image: the
    /// gradient of its activity with respect to the LGN input, summed over
    /// the eight LGN channels (32×32, diverging map). Returns the largest
    /// magnitude (0 for a silent unit, whose gradient is zero).
    pub fn receptive_field(
        &mut self,
        wiring: &str,
        station: &str,
        layer: &str,
        channel: usize,
        y: usize,
        x: usize,
        canvas: &HtmlCanvasElement,
    ) -> Result<f32, JsError> {
        let k = station_index(station)?;
        self.trace(wiring)?; // runs the models if nothing has run yet
        let (stream, hierarchy) = self.traces.as_ref().expect("trace() ran the models");
        let (model, trace) = if wiring == "stream" { (&self.stream, stream) } else { (&self.hierarchy, hierarchy) };
        let g = model.unit_gradient(trace, k, layer, channel, y, x).map_err(js_err)?;
        let summed = g.x.sum_axis(ndarray::Axis(1)).insert_axis(ndarray::Axis(1));
        let max = summed.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        draw_tiles(&mut self.pixels, &self.palettes, &Maps { n: 1, side: g.side, x: summed }, 1, true, canvas)?;
        Ok(max)
    }

    /// The most active unit of one station's layer ("l4", "l23" or "l5") on
    /// the current image, as [channel, y, x, value]: where a reader's eye
    /// would go first, so the inspector has a unit to show before any is
    /// picked.
    pub fn strongest_unit(&mut self, wiring: &str, station: &str, layer: &str) -> Result<Vec<f32>, JsError> {
        let k = station_index(station)?;
        let st = &self.trace(wiring)?.stations[k];
        let maps = match layer {
            "l4" => &st.l4,
            "l23" => &st.l23,
            "l5" => &st.l5,
            other => return Err(js_err(format!("unknown layer {other:?}: expected l4, l23 or l5"))),
        };
        let (c, y, x, v) = maps.strongest(0);
        Ok(vec![c as f32, y as f32, x as f32, v])
    }

    /// How strongly station `station`'s L4 reads what each earlier writer
    /// (thalamic input, then V1, V2, …) wrote: the normalised size of the
    /// virtual weight W_out · W_in. In the hierarchy only the writer just
    /// below is actually read, so the others are reported as 0.
    pub fn reads_from(&self, wiring: &str, station: &str) -> Result<Vec<f32>, JsError> {
        let k = station_index(station)?;
        let model = match wiring {
            "stream" => &self.stream,
            "hierarchy" => &self.hierarchy,
            other => return Err(js_err(format!("unknown wiring {other:?}: expected stream or hierarchy"))),
        };
        let m = crate::experiments::virtual_weights::matrix(model);
        Ok((0..=k).map(|w| if model.wiring.residual() || w == k { m[k][w].unwrap_or(0.0) } else { 0.0 }).collect())
    }

    /// One wiring's forward pass on the captured image, nothing else: the
    /// category logits. The benchmark times this.
    pub fn forward_only(&mut self, wiring: &str) -> Result<Vec<f32>, JsError> {
        let lgn = self.lgn.get_or_insert_with(|| retina::lgn(&self.image)).clone();
        let model = match wiring {
            "stream" => &self.stream,
            "hierarchy" => &self.hierarchy,
            other => return Err(js_err(format!("unknown wiring {other:?}: expected stream or hierarchy"))),
        };
        Ok(model.forward(lgn).category_logits.row(0).to_vec())
    }

    /// The captured image's LGN maps, 32·32·8, index (y·32 + x)·8 + c.
    pub fn lgn_tensor(&mut self) -> Vec<f32> {
        self.lgn.get_or_insert_with(|| retina::lgn(&self.image)).x.iter().copied().collect()
    }

    /// Panics on purpose, so the page tests can check that a Rust panic is
    /// reported and the page recovers (with a fresh Viewer).
    pub fn panic_for_test(&mut self) {
        panic!("a deliberate panic, asked for by a test");
    }

    /// Draws the eight LGN channels (32×32 each) in a 4×2 grid.
    pub fn draw_lgn(&mut self, canvas: &HtmlCanvasElement) -> Result<(), JsError> {
        self.trace("stream")?;
        let lgn = &self.traces.as_ref().expect("trace() ran the models").0.lgn;
        draw_tiles(&mut self.pixels, &self.palettes, lgn, 4, false, canvas)
    }
}

impl Default for Viewer {
    fn default() -> Self {
        Viewer::new()
    }
}

/// Runs one experiment on the shipped models (in a Web Worker: it takes
/// seconds). `progress(fraction)` is called as it goes; returning `false`
/// from it cancels the run, which then throws "cancelled".
#[wasm_bindgen]
pub fn run_experiment(name: &str, seed: u32, size: &str, progress: &js_sys::Function) -> Result<JsValue, JsError> {
    let size = crate::experiments::Size::parse(size).map_err(js_err)?;
    let models = crate::experiments::Models::shipped();
    let mut report = |f: f32| {
        progress.call1(&JsValue::NULL, &JsValue::from_f64(f as f64)).map(|v| v.as_bool() != Some(false)).unwrap_or(true)
    };
    let result = crate::experiments::run(name, &models, seed as u64, size, &mut report).map_err(js_err)?;
    to_js(&result)
}

/// The names of the experiments, in the article's order.
#[wasm_bindgen]
pub fn experiment_names() -> Result<JsValue, JsError> {
    to_js(&crate::experiments::EXPERIMENTS)
}

/// One small network of the degradation experiment, trained one step at a
/// time so the page can draw its loss as it falls.
#[wasm_bindgen]
pub struct DegradationTrainer(crate::experiments::degradation::Trainer);

#[wasm_bindgen]
impl DegradationTrainer {
    #[wasm_bindgen(constructor)]
    pub fn new(depth: usize, residual: bool, seed: u32) -> DegradationTrainer {
        DegradationTrainer(crate::experiments::degradation::Trainer::new(depth, residual, seed as u64))
    }
    /// One Adam step on the next batch; returns [loss, training error].
    pub fn step(&mut self) -> Vec<f32> {
        let (loss, err) = self.0.step();
        vec![loss, err]
    }
    pub fn steps_done(&self) -> usize {
        self.0.steps_done
    }
}

/// Colour tables: 255 steps along each ramp (an odd number, so the diverging
/// map's midpoint, zero, is its own entry), so drawing a pixel is a lookup.
struct Palettes {
    sequential: Vec<[u8; 3]>,
    diverging: Vec<[u8; 3]>,
}

impl Palettes {
    fn new() -> Self {
        let table = |stops| (0..255).map(|i| ramp(stops, i as f32 / 254.0)).collect();
        Palettes { sequential: table(&SEQUENTIAL), diverging: table(&DIVERGING) }
    }
}

/// Channel maps of image 0 as tiles, `columns` per row, 1-px gaps. One
/// scale for the whole layer (so channels can be compared): the maximum for
/// rates, the maximum magnitude for the signed stream. The canvas is resized
/// only when its size changes (resizing clears and reallocates it).
fn draw_tiles(
    pixels: &mut Vec<u8>,
    palettes: &Palettes,
    maps: &Maps,
    columns: usize,
    signed: bool,
    canvas: &HtmlCanvasElement,
) -> Result<(), JsError> {
    let (side, c) = (maps.side, maps.channels());
    let rows = c.div_ceil(columns);
    let (w, h) = (columns * (side + 1) - 1, rows * (side + 1) - 1);
    let scale = maps.x.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-6);
    let (table, offset, gain) =
        if signed { (&palettes.diverging, 127.0, 127.0 / scale) } else { (&palettes.sequential, 0.0, 254.0 / scale) };
    pixels.clear();
    pixels.resize(w * h * 4, 0);
    for (p, row) in maps.x.rows().into_iter().take(side * side).enumerate() {
        let (y, x) = (p / side, p % side);
        for (ch, &v) in row.iter().enumerate() {
            let i = (offset + gain * v).round().clamp(0.0, 254.0) as usize;
            let rgb = table[i];
            let (tx, ty) = ((ch % columns) * (side + 1), (ch / columns) * (side + 1));
            let o = ((ty + y) * w + tx + x) * 4;
            pixels[o..o + 4].copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
        }
    }
    if canvas.width() != w as u32 || canvas.height() != h as u32 {
        canvas.set_width(w as u32);
        canvas.set_height(h as u32);
    }
    let data = ImageData::new_with_u8_clamped_array_and_sh(Clamped(pixels), w as u32, h as u32)
        .map_err(|_| js_err("cannot make ImageData"))?;
    context(canvas)?.put_image_data(&data, 0.0, 0.0).map_err(|_| js_err("cannot draw into the canvas"))
}

fn station_index(name: &str) -> Result<usize, JsError> {
    NAMES
        .iter()
        .position(|&n| n == name)
        .ok_or_else(|| js_err(format!("unknown station {name:?}: expected V1, V2, V4 or IT")))
}

impl Viewer {
    fn model_mut(&mut self, wiring: &str) -> Result<&mut Model, JsError> {
        match wiring {
            "stream" => Ok(&mut self.stream),
            "hierarchy" => Ok(&mut self.hierarchy),
            other => Err(js_err(format!("unknown wiring {other:?}: expected stream or hierarchy"))),
        }
    }

    /// The last trace of a wiring, running the models first if needed.
    fn trace(&mut self, wiring: &str) -> Result<&Trace, JsError> {
        if self.traces.is_none() {
            self.run()?;
        }
        let (s, h) = self.traces.as_ref().expect("run() sets the traces");
        match wiring {
            "stream" => Ok(s),
            "hierarchy" => Ok(h),
            other => Err(js_err(format!("unknown wiring {other:?}: expected stream or hierarchy"))),
        }
    }
}
