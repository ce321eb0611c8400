//! The wasm face: the only module that knows JavaScript, and it only
//! translates. Names arrive as strings and are parsed here, once, into the
//! typed ids of [`crate::names`]; pictures are composed by [`crate::pixels`]
//! and copied into canvases here; summaries leave as plain objects through
//! serde-wasm-bindgen.
//!
//! A `Viewer` owns the two models the page shows and their last traces. The
//! page captures a canvas into it (one copy of the pixels, from the canvas
//! into wasm memory), runs both wirings, and asks for maps drawn into
//! canvases. Hooks for the tests and the benchmark are compiled in only with
//! the `hooks` feature, never into the shipped module. The experiments and
//! the trainers are compiled in only with the `lab` feature: that second
//! module (www/pkg-lab) is loaded by the experiment Worker on demand.

use crate::experiments;
#[cfg(feature = "lab")]
use crate::experiments::{degradation, Experiment, Size};
#[cfg(feature = "lab")]
use crate::lab;
use crate::layers::Maps;
use crate::model::{Model, Trace};
use crate::names::{Layer, Station, Wiring};
use crate::pixels::{self, Painter};
use crate::wiring::Lesion;
use crate::{input, retina, run, stimuli, weights};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The most pixels an uploaded image may declare ([`input::MAX_PIXELS`], the command line's rule).
#[wasm_bindgen]
pub fn max_pixels() -> u32 {
    input::MAX_PIXELS as u32
}

#[wasm_bindgen]
pub struct Viewer {
    /// The wirings the page shows, in the order of [`Wiring::SHOWN`].
    models: [Model; 2],
    /// Each shown wiring's open-set threshold, from its weights file (None: recognise all).
    thresholds: [Option<f32>; 2],
    /// The letterboxed 64×64 luminance last captured, before light adaptation.
    luminance: Vec<f32>,
    /// The adapted 64×64 image the retina last saw.
    image: Vec<f32>,
    /// The last run of each model on `image`.
    traces: Option<[Trace; 2]>,
    /// The LGN maps of `image`, computed once per capture.
    lgn: Option<Maps>,
    painter: Painter,
}

#[wasm_bindgen]
impl Viewer {
    /// Both wirings with the shipped weights, looking at a blank image.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Viewer {
        let shipped = Wiring::SHOWN.map(weights::shipped_with_info);
        Viewer {
            thresholds: [shipped[0].1.threshold(), shipped[1].1.threshold()],
            models: shipped.map(|(model, _)| model),
            luminance: vec![1.0; input::SIDE * input::SIDE],
            image: vec![0.0; input::SIDE * input::SIDE],
            traces: None,
            lgn: None,
            painter: Painter::default(),
        }
    }

    /// The category names, in the order of the logits.
    pub fn categories(&self) -> Result<JsValue, JsError> {
        to_js(&stimuli::CATEGORIES)
    }

    /// The post's behaviour for each category, in the same order (the core's one rule).
    pub fn behaviours(&self) -> Result<JsValue, JsError> {
        to_js(&stimuli::CATEGORIES.map(run::behaviour))
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
        let lgn = self.lgn().clone();
        let traces = self.models.each_ref().map(|m| m.forward(lgn.clone()));
        #[derive(Serialize)]
        struct Both {
            categories: &'static [&'static str],
            stream: run::Summary,
            hierarchy: run::Summary,
        }
        let both = Both {
            categories: &stimuli::CATEGORIES,
            stream: run::summary(&self.models[0], &traces[0], 0, self.thresholds[0]),
            hierarchy: run::summary(&self.models[1], &traces[1], 0, self.thresholds[1]),
        };
        self.traces = Some(traces);
        to_js(&both)
    }

    /// Removes (`on` = true) or restores one station. A removed station is bypassed
    /// (s_k = D(s_{k−1})): the fair lesion of a hierarchy, and the one the lesion figure's
    /// held-out accuracies come from; in the stream it is the same as silencing the write.
    pub fn set_lesion(&mut self, wiring: &str, station: &str, on: bool) -> Result<(), JsError> {
        let (w, k) = (shown(wiring)?, station_id(station)?);
        self.models[w].lesion_kind = Lesion::Bypassed;
        self.models[w].lesions[k.index()] = on;
        self.traces = None;
        Ok(())
    }

    /// Replaces one wiring's weights with a safetensors file's (its lesions kept).
    pub fn load_weights(&mut self, wiring: &str, bytes: &[u8]) -> Result<(), JsError> {
        let w = shown(wiring)?;
        let (mut model, info) = weights::load(bytes, Some(Wiring::SHOWN[w])).map_err(js_err)?;
        model.lesions = self.models[w].lesions;
        model.lesion_kind = self.models[w].lesion_kind;
        self.models[w] = model;
        // A file without a threshold loads too; that wiring then recognises every picture.
        self.thresholds[w] = info.threshold();
        self.traces = None;
        Ok(())
    }

    /// Draws one layer of one station ("l4", "l23", "write" or "l5") as a
    /// grid of its channel maps; sets the canvas size itself.
    pub fn draw_station(
        &mut self,
        wiring: &str,
        station: &str,
        layer: &str,
        canvas: &HtmlCanvasElement,
    ) -> Result<(), JsError> {
        let (k, layer) = (station_id(station)?, layer_id(layer)?);
        let w = shown(wiring)?;
        self.run_if_stale()?;
        let maps = self.traces.as_ref().expect(RAN)[w].stations[k.index()].layer(layer);
        draw(self.painter.tiles(maps, 8, layer.signed()), canvas)
    }

    /// The captured image letterboxed to 64×64 luminance in [0, 1], before light adaptation
    /// (row-major): the core's one picture of any input, for comparing paths.
    pub fn retina(&self) -> Vec<f32> {
        self.luminance.clone()
    }

    /// Draws the adapted 64×64 image that the retina sees.
    pub fn draw_input(&mut self, canvas: &HtmlCanvasElement) -> Result<(), JsError> {
        let x = ndarray::Array2::from_shape_vec((input::SIDE * input::SIDE, 1), self.image.clone()).map_err(js_err)?;
        draw(self.painter.tiles(&Maps { n: 1, side: input::SIDE, x }, 1, true), canvas)
    }

    /// Draws the eight LGN channels (32×32 each) in a 4×2 grid.
    pub fn draw_lgn(&mut self, canvas: &HtmlCanvasElement) -> Result<(), JsError> {
        let lgn = self.lgn.get_or_insert_with(|| retina::lgn(&self.image));
        draw(self.painter.tiles(lgn, 4, false), canvas)
    }

    /// A preset stimulus as 64×64 RGBA (name: a category, "bars", "grating"
    /// or "noise"); the page draws it into the input canvas so it goes
    /// through the same capture path as a drawing.
    pub fn preset(&self, name: &str, variant: u32) -> Result<Vec<u8>, JsError> {
        let grey = stimuli::preset(name, variant as u64).ok_or_else(|| js_err(format!("no preset called {name:?}")))?;
        Ok(pixels::grey_to_rgba(&grey))
    }

    /// Draws the receptive field of one unit on the current image: the
    /// gradient of its activity with respect to the LGN input, summed over
    /// the eight LGN channels (32×32, diverging map). Returns the largest
    /// magnitude (0 for a silent unit, whose gradient is zero).
    #[allow(clippy::too_many_arguments)]
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
        let (k, layer) = (station_id(station)?, layer_id(layer)?);
        let w = shown(wiring)?;
        self.run_if_stale()?;
        let trace = &self.traces.as_ref().expect(RAN)[w];
        let field = self.models[w].unit_gradient(trace, k, layer, channel, y, x).map_err(js_err)?.channel_sum();
        draw(self.painter.tiles(&field, 1, true), canvas)?;
        Ok(field.max_abs())
    }

    /// The most active unit of one station's layer on the current image, as
    /// [channel, y, x, value]: where a reader's eye would go first, so the
    /// inspector has a unit to show before any is picked.
    pub fn strongest_unit(&mut self, wiring: &str, station: &str, layer: &str) -> Result<Vec<f32>, JsError> {
        let (k, layer) = (station_id(station)?, layer_id(layer)?);
        let w = shown(wiring)?;
        self.run_if_stale()?;
        let (c, y, x, v) = self.traces.as_ref().expect(RAN)[w].stations[k.index()].layer(layer).strongest(0);
        Ok(vec![c as f32, y as f32, x as f32, v])
    }

    /// How strongly station `station`'s L4 reads what each earlier writer
    /// (thalamic input, then V1, V2, …) wrote: the normalised size of the
    /// virtual weight W_out · W_in. In the hierarchy only the writer just
    /// below is actually read, so the others are reported as 0.
    pub fn reads_from(&self, wiring: &str, station: &str) -> Result<Vec<f32>, JsError> {
        let (model, k) = (&self.models[shown(wiring)?], station_id(station)?.index());
        let m = experiments::virtual_weights::matrix(model);
        Ok((0..=k).map(|w| if model.wiring.residual() || w == k { m[k][w].unwrap_or(0.0) } else { 0.0 }).collect())
    }
}

/// Test and benchmark hooks: only in a build with the `hooks` feature (the
/// wasm-bindgen tests, the page tests and the benchmark), never in the
/// module `./build.sh build` ships.
#[cfg(feature = "hooks")]
#[wasm_bindgen]
impl Viewer {
    /// One wiring's forward pass on the captured image, nothing else: the
    /// category logits. The benchmark times this.
    pub fn forward_only(&mut self, wiring: &str) -> Result<Vec<f32>, JsError> {
        let w = shown(wiring)?;
        let lgn = self.lgn().clone();
        Ok(self.models[w].forward(lgn).category_logits.row(0).to_vec())
    }

    /// The captured image's LGN maps, 32·32·8, index (y·32 + x)·8 + c.
    pub fn lgn_tensor(&mut self) -> Vec<f32> {
        self.lgn().x.iter().copied().collect()
    }

    /// Panics on purpose, so the page tests can check that a Rust panic is
    /// reported and the page recovers (with a fresh Viewer).
    pub fn panic_for_test(&mut self) {
        panic!("a deliberate panic, asked for by a test");
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
#[cfg(feature = "lab")]
#[wasm_bindgen]
pub fn run_experiment(name: &str, seed: u32, size: &str, progress: &js_sys::Function) -> Result<JsValue, JsError> {
    let experiment = Experiment::parse(name).map_err(js_err)?;
    let size = Size::parse(size).map_err(js_err)?;
    let mut report = |f: f32| {
        progress.call1(&JsValue::NULL, &JsValue::from_f64(f as f64)).map(|v| v.as_bool() != Some(false)).unwrap_or(true)
    };
    let models = experiments::Models::shipped();
    to_js(&experiments::run(experiment, &models, seed as u64, size, &mut report).map_err(js_err)?)
}

/// One small network of the degradation experiment, trained one step at a
/// time so the page can draw its loss as it falls.
#[cfg(feature = "lab")]
#[wasm_bindgen]
pub struct DegradationTrainer(degradation::Trainer);

#[cfg(feature = "lab")]
#[wasm_bindgen]
impl DegradationTrainer {
    #[wasm_bindgen(constructor)]
    pub fn new(depth: usize, residual: bool, seed: u32) -> DegradationTrainer {
        DegradationTrainer(degradation::Trainer::new(depth, residual, seed as u64))
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

/// The lab (issue 13): one training run of the full model, a few steps per call, meant for a
/// Web Worker. Everything it does is [`lab::Lab`]'s; this only translates.
#[cfg(feature = "lab")]
#[wasm_bindgen]
pub struct Trainer(lab::Lab);

#[cfg(feature = "lab")]
#[wasm_bindgen]
impl Trainer {
    /// `config = {wiring, width, edge_task, pressure, strength, steps, seed}` (see
    /// [`lab::LabConfig`]); batch 32, the native data order for the seed, phase 1 only.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Trainer, JsError> {
        let config: lab::LabConfig = serde_wasm_bindgen::from_value(config).map_err(js_err)?;
        Ok(Trainer(lab::Lab::new(config).map_err(js_err)?))
    }

    /// Runs up to `n` more steps; `{step, steps, loss, category_accuracy,
    /// orientation_accuracy}` (running averages).
    pub fn step(&mut self, n: u32) -> Result<JsValue, JsError> {
        to_js(&self.0.step(n as usize))
    }

    /// Held-out `{category, orientation}` accuracy on `n` images of each kind.
    pub fn evaluate(&self, n: u32) -> Result<JsValue, JsError> {
        to_js(&self.0.evaluate(n as usize))
    }

    /// V1's read filters seen from the LGN, E·W, 8 × M row-major.
    pub fn v1_filters(&self) -> Vec<f32> {
        self.0.v1_filters()
    }

    /// `count` L2/3 receptive fields of one station as `count` × 64 × 64 values.
    pub fn l23_fields(&self, station: &str, count: u32) -> Result<Vec<f32>, JsError> {
        Ok(self.0.l23_fields(station_id(station)?, count as usize))
    }

    /// The share of the category decision of V1, V2, V4, IT and the thalamic input (empty
    /// for the hierarchy).
    pub fn decision_shares(&self) -> Vec<f32> {
        self.0.decision_shares()
    }

    /// A run saved by [`Trainer::weights`] and [`Trainer::optimiser_state`], going on from
    /// where it stopped (the page keeps the two in the browser's storage).
    pub fn resume(config: JsValue, weights: &[u8], optimiser_state: &[u8]) -> Result<Trainer, JsError> {
        let config: lab::LabConfig = serde_wasm_bindgen::from_value(config).map_err(js_err)?;
        Ok(Trainer(lab::Lab::resume(config, weights, optimiser_state).map_err(js_err)?))
    }

    /// The model as a safetensors file (F32).
    pub fn weights(&self) -> Vec<u8> {
        self.0.weights()
    }

    /// Adam's moments and step and the running averages, as a safetensors file: with
    /// [`Trainer::weights`], all a paused run needs to go on.
    pub fn optimiser_state(&self) -> Vec<u8> {
        self.0.optimiser_state()
    }

    pub fn step_count(&self) -> u32 {
        self.0.steps_done() as u32
    }
}

// ---- translation helpers (no wasm-bindgen exports below) ----

/// A wiring name from the page → the index of its model in a Viewer.
fn shown(name: &str) -> Result<usize, JsError> {
    let w = Wiring::parse(name).map_err(js_err)?;
    Wiring::SHOWN
        .iter()
        .position(|&s| s == w)
        .ok_or_else(|| js_err(format!("the viewer holds the stream and hierarchy wirings, not {name:?}")))
}

/// A station name from the page → its id.
fn station_id(name: &str) -> Result<Station, JsError> {
    Station::parse(name).map_err(js_err)
}

/// A layer name from the page → its id.
fn layer_id(name: &str) -> Result<Layer, JsError> {
    Layer::parse(name).map_err(js_err)
}

impl Viewer {
    /// The LGN maps of the captured image, computed on first use.
    fn lgn(&mut self) -> &Maps {
        self.lgn.get_or_insert_with(|| retina::lgn(&self.image))
    }

    /// Runs the models if nothing has run since the last capture or change.
    fn run_if_stale(&mut self) -> Result<(), JsError> {
        if self.traces.is_none() {
            self.run()?;
        }
        Ok(())
    }
}

const RAN: &str = "run_if_stale() ran the models";

/// Puts a picture into the canvas, resizing the canvas only when its size
/// changes (resizing clears and reallocates it).
fn draw(picture: pixels::Picture, canvas: &HtmlCanvasElement) -> Result<(), JsError> {
    let (w, h) = (picture.width as u32, picture.height as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let data = ImageData::new_with_u8_clamped_array_and_sh(Clamped(picture.rgba), w, h)
        .map_err(|_| js_err("cannot make ImageData"))?;
    context(canvas)?.put_image_data(&data, 0.0, 0.0).map_err(|_| js_err("cannot draw into the canvas"))
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
