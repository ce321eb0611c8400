//! What the page's figures look at, natively: the two wirings the page shows, the image they
//! last captured and the cache of capture → LGN → traces that every figure draws from. The
//! wasm face (`wasm.rs`) only translates names and copies pictures into canvases; all state and
//! every decision about when to run a model live here, where native tests reach them.
//!
//! The cache: a capture (or a lesion switch, or new weights) drops the traces; the first
//! figure that asks for a map runs both models once, and every other figure of that frame
//! reads the same traces. The LGN maps of an image are computed once per capture.

use crate::layers::Maps;
use crate::model::{Model, Trace};
use crate::names::{ByWiring, Layer, Station, Wiring};
use crate::openset::Calibration;
use crate::wiring::Lesion;
use crate::{carried, input, reads, retina, run, stimuli, weights};
use serde::Serialize;

/// What a run of both wirings on the captured image returns to the page.
#[derive(Clone, Debug, Serialize)]
pub struct Ran {
    pub categories: &'static [&'static str],
    #[serde(flatten)]
    pub summaries: ByWiring<run::Summary>,
}

pub struct Viewer {
    models: ByWiring<Model>,
    /// Each wiring's open-set calibration, from its weights file (None: recognise all).
    calibrations: ByWiring<Option<Calibration>>,
    /// The letterboxed 64×64 luminance last captured, before light adaptation.
    luminance: Vec<f32>,
    /// The adapted 64×64 image the retina last saw.
    image: Vec<f32>,
    /// The LGN maps of `image`, computed once per capture.
    lgn: Option<Maps>,
    /// The last run of each model on `image`; None when something changed since.
    traces: Option<ByWiring<Trace>>,
    /// How many times the models have run (what the cache saves, for the tests).
    runs: usize,
}

impl Default for Viewer {
    fn default() -> Self {
        Viewer::shipped()
    }
}

/// The viewer's models, or the wiring asked for when it holds no model of it.
fn shown<T>(by: &ByWiring<T>, w: Wiring) -> Result<&T, String> {
    by.get(w).ok_or_else(|| format!("the viewer holds the stream and hierarchy wirings, not {w}"))
}

impl Viewer {
    /// Both wirings with the shipped weights, looking at a blank image.
    pub fn shipped() -> Viewer {
        let shipped = ByWiring::from_fn(weights::shipped_with_info);
        Viewer {
            calibrations: shipped.as_ref().map(|(_, info)| info.calibration()),
            models: shipped.map(|(model, _)| model),
            luminance: vec![1.0; input::SIDE * input::SIDE],
            image: vec![0.0; input::SIDE * input::SIDE],
            lgn: None,
            traces: None,
            runs: 0,
        }
    }

    /// Reads RGBA pixels of any size into the retina; everything computed from the last image
    /// is dropped.
    pub fn capture_rgba(&mut self, rgba: &[u8], width: usize, height: usize) -> Result<(), String> {
        self.luminance = input::letterbox(rgba, width, height).map_err(|e| e.to_string())?;
        self.image = self.luminance.clone();
        input::adapt(&mut self.image);
        self.lgn = None;
        self.traces = None;
        Ok(())
    }

    /// The captured image letterboxed to 64×64 luminance in [0, 1], before light adaptation.
    pub fn luminance(&self) -> &[f32] {
        &self.luminance
    }

    /// The adapted 64×64 image the retina sees, as a one-channel map.
    pub fn image(&self) -> Maps {
        let x = ndarray::Array2::from_shape_vec((input::SIDE * input::SIDE, 1), self.image.clone())
            .expect("the image is SIDE × SIDE");
        Maps { n: 1, side: input::SIDE, x }
    }

    /// The LGN maps of the captured image, computed on first use.
    pub fn lgn(&mut self) -> &Maps {
        self.lgn.get_or_insert_with(|| retina::lgn(&self.image))
    }

    /// Runs both wirings on the captured image (always: the page calls this when it wants a
    /// fresh summary) and keeps the traces for the figures.
    pub fn run(&mut self) -> Ran {
        let lgn = self.lgn().clone();
        let traces = self.models.as_ref().map(|m| m.forward(lgn.clone()));
        self.runs += 1;
        let summaries = ByWiring::from_fn(|w| {
            let (m, t, c) = (&self.models, &traces, &self.calibrations);
            let c = shown(c, w).expect("shown").as_ref();
            run::summary(shown(m, w).expect("shown"), shown(t, w).expect("shown"), 0, c, &self.image)
        });
        self.traces = Some(traces);
        Ran { categories: &stimuli::CATEGORIES, summaries }
    }

    /// The traces of the captured image, running the models only if something changed since
    /// they last ran.
    pub fn traces(&mut self) -> &ByWiring<Trace> {
        if self.traces.is_none() {
            self.run();
        }
        self.traces.as_ref().expect("just ran")
    }

    /// How many times the models have run since the viewer was made.
    pub fn runs(&self) -> usize {
        self.runs
    }

    /// Removes (`on`) or restores one station's write in one wiring.
    /// A removed station is bypassed (s_k = D(s_{k−1})): the fair lesion of a hierarchy, and
    /// the one the lesion figure's held-out accuracies come from; in the stream it is the same
    /// as silencing the write.
    pub fn set_lesion(&mut self, wiring: Wiring, station: Station, on: bool) -> Result<(), String> {
        shown(&self.models, wiring)?;
        let model = self.models.get_mut(wiring).expect("shown");
        model.lesion_kind = Lesion::Bypassed;
        model.lesions[station.index()] = on;
        self.traces = None;
        Ok(())
    }

    /// Replaces one wiring's weights with a safetensors file's, keeping its lesions. A file
    /// without a threshold loads too; that wiring then recognises every picture.
    pub fn load_weights(&mut self, wiring: Wiring, bytes: &[u8]) -> Result<(), String> {
        let (lesions, kind) = shown(&self.models, wiring).map(|m| (m.lesions, m.lesion_kind))?;
        let (mut model, info) = weights::load(bytes, Some(wiring)).map_err(|e| e.to_string())?;
        model.lesions = lesions;
        model.lesion_kind = kind;
        *self.models.get_mut(wiring).expect("shown") = model;
        *self.calibrations.get_mut(wiring).expect("shown") = info.calibration();
        self.traces = None;
        Ok(())
    }

    /// One layer of one station of one wiring on the captured image.
    pub fn layer(&mut self, wiring: Wiring, station: Station, layer: Layer) -> Result<&Maps, String> {
        Ok(shown(self.traces(), wiring)?.stations[station.index()].layer(layer))
    }

    /// The receptive field of one unit on the captured image: the gradient of its activity
    /// with respect to the LGN input, summed over the LGN channels.
    pub fn receptive_field(
        &mut self,
        wiring: Wiring,
        station: Station,
        layer: Layer,
        [c, y, x]: [usize; 3],
    ) -> Result<Maps, String> {
        self.traces();
        let (model, trace) = (shown(&self.models, wiring)?, shown(self.traces.as_ref().expect("ran"), wiring)?);
        Ok(model.unit_gradient(trace, station, layer, c, y, x)?.channel_sum())
    }

    /// The most active unit of one station's layer: (channel, y, x, value).
    pub fn strongest_unit(
        &mut self,
        wiring: Wiring,
        station: Station,
        layer: Layer,
    ) -> Result<(usize, usize, usize, f32), String> {
        Ok(self.layer(wiring, station, layer)?.strongest(0))
    }

    /// How much of the input each station's L5 still carries on the captured image (see
    /// [`carried::input_carried`]), V1 first.
    pub fn input_carried(&mut self, wiring: Wiring) -> Result<Vec<f32>, String> {
        Ok(carried::input_carried(shown(self.traces(), wiring)?, 0))
    }

    /// How strongly a station's L4 reads each earlier writer (see [`reads::reads_from`]).
    pub fn reads_from(&self, wiring: Wiring, station: Station) -> Result<Vec<f32>, String> {
        Ok(reads::reads_from(shown(&self.models, wiring)?, station.index()))
    }

    /// One wiring's category logits on the captured image, nothing else (the benchmark).
    pub fn forward_only(&mut self, wiring: Wiring) -> Result<Vec<f32>, String> {
        let lgn = self.lgn().clone();
        Ok(shown(&self.models, wiring)?.forward(lgn).category_logits.row(0).to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white 64×64 picture with a dark diagonal bar.
    fn bar() -> Vec<u8> {
        let mut rgba = vec![255u8; 64 * 64 * 4];
        for i in 8..56 {
            for d in 0..3 {
                let p = (i * 64 + (i + d).min(63)) * 4;
                rgba[p..p + 3].fill(0);
            }
        }
        rgba
    }

    #[test]
    fn every_figure_of_a_frame_reads_one_run_of_the_models() {
        let mut v = Viewer::shipped();
        v.capture_rgba(&bar(), 64, 64).unwrap();
        for s in Station::ALL {
            for l in Layer::ALL {
                v.layer(Wiring::Stream, s, l).unwrap();
                v.strongest_unit(Wiring::Hierarchy, s, l).unwrap();
            }
        }
        v.receptive_field(Wiring::Stream, Station::V2, Layer::L23, [0, 4, 4]).unwrap();
        assert_eq!(v.runs(), 1, "one run serves every map of a capture");
        v.capture_rgba(&bar(), 64, 64).unwrap();
        v.layer(Wiring::Stream, Station::IT, Layer::L5).unwrap();
        assert_eq!(v.runs(), 2, "a new capture runs the models again");
    }

    #[test]
    fn a_lesion_or_new_weights_run_the_models_again_and_change_what_they_see() {
        let mut v = Viewer::shipped();
        v.capture_rgba(&bar(), 64, 64).unwrap();
        let intact = v.layer(Wiring::Stream, Station::IT, Layer::L5).unwrap().clone();
        v.set_lesion(Wiring::Stream, Station::V4, true).unwrap();
        let lesioned = v.layer(Wiring::Stream, Station::IT, Layer::L5).unwrap().clone();
        assert_eq!(v.runs(), 2);
        assert_ne!(intact.x, lesioned.x, "removing V4's write changes IT's L5");
        // New weights keep the lesion switches.
        let bytes = weights::save(&weights::shipped(Wiring::Stream), &[], false);
        v.load_weights(Wiring::Stream, &bytes).unwrap();
        assert_eq!(v.layer(Wiring::Stream, Station::IT, Layer::L5).unwrap().x, lesioned.x);
        assert_eq!(v.runs(), 3);
        v.set_lesion(Wiring::Stream, Station::V4, false).unwrap();
        assert_eq!(v.layer(Wiring::Stream, Station::IT, Layer::L5).unwrap().x, intact.x);
    }

    #[test]
    fn the_viewer_holds_only_the_shown_wirings() {
        let mut v = Viewer::shipped();
        assert!(v.set_lesion(Wiring::Gated, Station::V1, true).unwrap_err().contains("gated"));
        assert!(v.reads_from(Wiring::Gated, Station::V1).is_err());
        assert!(v.load_weights(Wiring::Stream, b"not a safetensors file").is_err());
    }

    #[test]
    fn the_run_returns_each_wiring_s_summary_under_its_name() {
        let mut v = Viewer::shipped();
        v.capture_rgba(&bar(), 64, 64).unwrap();
        let ran = serde_json::to_value(v.run()).unwrap();
        for w in Wiring::SHOWN {
            assert_eq!(ran[w.name()]["wiring"], w.name());
        }
        assert_eq!(ran["categories"].as_array().unwrap().len(), stimuli::CATEGORIES.len());
        assert_eq!(
            v.forward_only(Wiring::Hierarchy).unwrap(),
            ran["hierarchy"]["logits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as f32)
                .collect::<Vec<_>>()
        );
    }
}
