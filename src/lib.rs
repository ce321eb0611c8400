//! Stations in the Stream: the ventral visual stream read as the residual
//! stream of a ResNet or transformer, as a small model you can run.
//!
//! The map of the crate, in the order an image travels:
//! - `decode` (native only): PNG and JPEG files → RGBA, under one size rule;
//! - [`input`]: RGBA pixels of any size → one light-adapted 64×64 image;
//! - [`retina`]: fixed centre–surround and edge cells, the LGN relay;
//! - [`layers`]: 1×1 maps, 3×3 convolutions (plain and gated), pooling —
//!   each `forward` beside its `backward`;
//! - [`names`]: wirings, stations and layers as typed ids, parsed once at the edge;
//! - [`station`]: one canonical microcircuit, L4 reads, L2/3 computes, L5 writes;
//! - [`wiring`]: the one wiring rule, what a station's write does to the stream;
//! - [`variant`]: the model's variants (normalised reads, write gains, stochastic depth);
//! - [`model`]: the embedding, four stations in one of three wirings, the behaviour;
//! - [`weights`]: safetensors files, the shipped weights;
//! - [`stimuli`]: the procedural sketches, edges, gratings and noise;
//! - [`outliers`]: generated pictures that are none of the ten kinds (open-set training);
//! - [`train`]: cross-entropy, Adam, the training loop and evaluation;
//! - [`lab`]: a training run a few steps at a time, and what the page's lab shows of it;
//! - [`run`]: one image through a model, summarised (what the CLI and page show);
//! - [`reads`]: what each station reads of each earlier writer, from the weights;
//! - [`carried`]: how much of the input each station's layer 5 still carries, for one picture;
//! - [`viewer`]: the page's two models, its captured image and the cache the figures draw from;
//! - [`experiments`]: the post's claims as seeded in-silico experiments;
//! - [`pixels`]: colour ramps and channel maps as RGBA tiles (what the page draws);
//! - `wasm` (and `wasm_lab`, the lab module's): the only modules that know JavaScript, and only translate.

pub mod carried;
#[cfg(not(target_arch = "wasm32"))]
pub mod decode;
pub mod experiments;
pub mod input;
pub mod lab;
pub mod layers;
pub mod model;
pub mod names;
pub mod openset;
pub mod outliers;
pub mod pixels;
pub mod reads;
pub mod retina;
pub mod rng;
pub mod run;
pub mod station;
pub mod stimuli;
pub mod train;
pub mod variant;
pub mod viewer;
pub mod weights;
pub mod wiring;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
#[cfg(all(target_arch = "wasm32", feature = "lab"))]
pub mod wasm_lab;
