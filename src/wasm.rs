//! The wasm face: the only module that knows JavaScript, and it only translates. Names
//! arrive as strings and are parsed here, once, into the typed ids of [`crate::names`]; the
//! state and the cache live in [`crate::viewer`]; pictures are composed by [`crate::pixels`]
//! and copied into canvases here; summaries leave as plain objects through serde-wasm-bindgen.
//!
//! Hooks for the tests and the benchmark are compiled in only with the `hooks` feature, never
//! into the shipped module. The experiments and the trainers are compiled in only with the
//! `lab` feature, through `wasm_lab.rs`: that second module (www/pkg-lab) is loaded by the
//! experiment Worker on demand, and the page's module links no experiment code.

use crate::names::{Layer, Station, Wiring};
use crate::pixels::{self, Painter};
use crate::{run, stimuli, viewer};
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The most pixels an uploaded image may declare ([`crate::input::MAX_PIXELS`], the command
/// line's rule).
#[wasm_bindgen]
pub fn max_pixels() -> u32 {
    crate::input::MAX_PIXELS as u32
}

/// The page's viewer ([`viewer::Viewer`]) and the painter that turns its maps into pixels.
#[wasm_bindgen]
#[derive(Default)]
pub struct Viewer {
    core: viewer::Viewer,
    painter: Painter,
}

#[wasm_bindgen]
impl Viewer {
    /// Both wirings with the shipped weights, looking at a blank image.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Viewer {
        Viewer::default()
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
        self.capture_rgba(&data.data(), data.width() as usize, data.height() as usize)
    }

    /// Same, from raw RGBA bytes.
    pub fn capture_rgba(&mut self, rgba: &[u8], width: usize, height: usize) -> Result<(), JsError> {
        self.core.capture_rgba(rgba, width, height).map_err(js_err)
    }

    /// Runs both wirings on the captured image; returns
    /// `{categories, stream: Summary, hierarchy: Summary}`.
    pub fn run(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.core.run())
    }

    /// Removes (`on` = true) or restores one station's write.
    pub fn set_lesion(&mut self, wiring: &str, station: &str, on: bool) -> Result<(), JsError> {
        self.core.set_lesion(wiring_id(wiring)?, station_id(station)?, on).map_err(js_err)
    }

    /// Replaces one wiring's weights with a safetensors file's (its lesions kept).
    pub fn load_weights(&mut self, wiring: &str, bytes: &[u8]) -> Result<(), JsError> {
        self.core.load_weights(wiring_id(wiring)?, bytes).map_err(js_err)
    }

    /// Draws one layer of one station ("l4", "l23", "write" or "l5") as a grid of its channel
    /// maps; sets the canvas size itself.
    pub fn draw_station(
        &mut self,
        wiring: &str,
        station: &str,
        layer: &str,
        canvas: &HtmlCanvasElement,
    ) -> Result<(), JsError> {
        let l = layer_id(layer)?;
        let maps = self.core.layer(wiring_id(wiring)?, station_id(station)?, l).map_err(js_err)?;
        draw(self.painter.tiles(maps, 8, l.signed()), canvas)
    }

    /// The captured image letterboxed to 64×64 luminance in [0, 1], before light adaptation
    /// (row-major): the core's one picture of any input, for comparing paths.
    pub fn retina(&self) -> Vec<f32> {
        self.core.luminance().to_vec()
    }

    /// Draws the adapted 64×64 image that the retina sees.
    pub fn draw_input(&mut self, canvas: &HtmlCanvasElement) -> Result<(), JsError> {
        draw(self.painter.tiles(&self.core.image(), 1, true), canvas)
    }

    /// Draws the eight LGN channels (32×32 each) in a 4×2 grid.
    pub fn draw_lgn(&mut self, canvas: &HtmlCanvasElement) -> Result<(), JsError> {
        draw(self.painter.tiles(self.core.lgn(), 4, false), canvas)
    }

    /// A preset stimulus as 64×64 RGBA (name: a category, "bars", "grating" or "noise"); the
    /// page draws it into the input canvas so it goes through the same capture path as a drawing.
    pub fn preset(&self, name: &str, variant: u32) -> Result<Vec<u8>, JsError> {
        let grey = stimuli::preset(name, variant as u64).ok_or_else(|| js_err(format!("no preset called {name:?}")))?;
        Ok(pixels::grey_to_rgba(&grey))
    }

    /// Draws the receptive field of one unit on the current image (32×32, diverging map):
    /// the gradient of its activity with respect to the LGN input, summed over the eight LGN
    /// channels. Returns the largest magnitude (0 for a silent unit, whose gradient is zero).
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
        let (w, k, l) = (wiring_id(wiring)?, station_id(station)?, layer_id(layer)?);
        let field = self.core.receptive_field(w, k, l, [channel, y, x]).map_err(js_err)?;
        draw(self.painter.tiles(&field, 1, true), canvas)?;
        Ok(field.max_abs())
    }

    /// The most active unit of one station's layer on the current image, as
    /// [channel, y, x, value]: where a reader's eye would go first.
    pub fn strongest_unit(&mut self, wiring: &str, station: &str, layer: &str) -> Result<Vec<f32>, JsError> {
        let (w, k, l) = (wiring_id(wiring)?, station_id(station)?, layer_id(layer)?);
        let (c, y, x, v) = self.core.strongest_unit(w, k, l).map_err(js_err)?;
        Ok(vec![c as f32, y as f32, x as f32, v])
    }

    /// How much of the input each station's L5 still carries on the captured image: the
    /// cosine of L5 with the pooled input, V1 to IT.
    pub fn input_carried(&mut self, wiring: &str) -> Result<Vec<f32>, JsError> {
        self.core.input_carried(wiring_id(wiring)?).map_err(js_err)
    }

    /// How strongly a station's L4 reads what each earlier writer (thalamic input, then V1,
    /// V2, …) wrote: the normalised virtual weight W_out · W_in, 0 where the wiring never
    /// brings that writer to it.
    pub fn reads_from(&self, wiring: &str, station: &str) -> Result<Vec<f32>, JsError> {
        self.core.reads_from(wiring_id(wiring)?, station_id(station)?).map_err(js_err)
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
        self.core.forward_only(wiring_id(wiring)?).map_err(js_err)
    }

    /// The captured image's LGN maps, 32·32·8, index (y·32 + x)·8 + c.
    pub fn lgn_tensor(&mut self) -> Vec<f32> {
        self.core.lgn().x.iter().copied().collect()
    }

    /// Panics on purpose, so the page tests can check that a Rust panic is
    /// reported and the page recovers (with a fresh Viewer).
    pub fn panic_for_test(&mut self) {
        panic!("a deliberate panic, asked for by a test");
    }
}

// ---- translation helpers (no wasm-bindgen exports below) ----

/// A wiring name from the page → its id.
fn wiring_id(name: &str) -> Result<Wiring, JsError> {
    Wiring::parse(name).map_err(js_err)
}

/// A station name from the page → its id.
pub(crate) fn station_id(name: &str) -> Result<Station, JsError> {
    Station::parse(name).map_err(js_err)
}

/// A layer name from the page → its id.
fn layer_id(name: &str) -> Result<Layer, JsError> {
    Layer::parse(name).map_err(js_err)
}

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
pub(crate) fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(js_err)
}

pub(crate) fn js_err(e: impl std::fmt::Display) -> JsError {
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
