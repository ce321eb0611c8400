//! The lab module's wasm face (feature `lab`, www/pkg-lab): the experiments' "Run in your
//! browser" and the trainers, loaded only by the experiment Worker. It translates like
//! `wasm.rs`, whose helpers it shares, and reads the experiment registry for names.

use crate::experiments::{self, degradation, Experiment, Size};
use crate::lab;
use crate::wasm::{js_err, station_id, to_js};
use wasm_bindgen::prelude::*;

/// Runs one experiment on the shipped models (in a Web Worker: it takes
/// seconds). `progress(fraction)` is called as it goes; returning `false`
/// from it cancels the run, which then throws "cancelled".
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

/// How the model in a weights file uses its stream: the article's usage index on it and P3's
/// deletion measure ([`lab::stream_use`]); seconds, so in a Worker. `progress(fraction)`
/// returning `false` cancels, which then throws "cancelled".
#[wasm_bindgen]
pub fn stream_use(weights: &[u8], progress: &js_sys::Function) -> Result<JsValue, JsError> {
    let mut report = |f: f32| {
        progress.call1(&JsValue::NULL, &JsValue::from_f64(f as f64)).map(|v| v.as_bool() != Some(false)).unwrap_or(true)
    };
    to_js(&lab::stream_use(weights, &mut report).map_err(js_err)?)
}

/// One small network of the degradation experiment, trained one step at a
/// time so the page can draw its loss as it falls.
#[wasm_bindgen]
pub struct DegradationTrainer(degradation::Trainer);

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
#[wasm_bindgen]
pub struct Trainer(lab::Lab);

#[wasm_bindgen]
impl Trainer {
    /// `config = {wiring, width, edge_task, pressure, strength, steps, seed, variant}` (see
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
