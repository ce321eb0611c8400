//! What the native program and the wasm module of the harness share: the one input image,
//! the FLOP count of a forward pass, and the outputs that are checked against the peers.

use ventral_stream::layers::Maps;
use ventral_stream::model::{Model, Trace};
use ventral_stream::{input, pixels, retina, stimuli};

/// The benchmark's input: one preset sketch (a stable choice with strokes in every station's
/// field), as the 64×64 RGBA bytes that the page's `Viewer.preset` would make of it.
pub const PRESET: (&str, u64) = ("house", 3);

pub fn input_rgba() -> Vec<u8> {
    pixels::grey_to_rgba(&stimuli::preset(PRESET.0, PRESET.1).expect("the preset exists"))
}

/// RGBA → the LGN maps (32×32×8, one row per pixel): the fixed preprocessing that every
/// runtime is spared; they all start from this tensor.
pub fn lgn_of(rgba: &[u8], width: usize, height: usize) -> Maps {
    retina::lgn(&input::from_rgba(rgba, width, height).expect("a valid image"))
}

/// The training step both builds time: the lab's default stream (d = 32, edge task, no
/// pressure), seed 1, a schedule long enough never to end while timed.
pub fn train_config() -> ventral_stream::lab::LabConfig {
    ventral_stream::lab::LabConfig {
        wiring: "stream".into(),
        width: 32,
        edge_task: true,
        pressure: "none".into(),
        strength: 0.0,
        steps: 1_000_000,
        seed: 1,
        variant: "shipped".into(),
    }
}

/// Multiply-adds × 2 of one forward pass on one image: the embedding, each station's read,
/// 3×3 convolution and write, and the heads. Pooling and the additions are left out.
pub fn forward_flops(model: &Model, lgn_side: usize) -> (f64, f64) {
    let mut total = 0.0;
    let mut conv = 0.0;
    let p0 = (lgn_side * lgn_side) as f64;
    total += 2.0 * p0 * model.embed.w.len() as f64;
    let mut side = lgn_side;
    for (k, st) in model.stations.iter().enumerate() {
        if k > 0 {
            side /= 2;
        }
        let p = (side * side) as f64;
        let c = match &st.compute {
            ventral_stream::station::Compute::Plain(c) => 2.0 * p * c.k.len() as f64,
            ventral_stream::station::Compute::Gated(g) => 2.0 * p * g.banks[0].k.len() as f64,
            // A grouped convolution: each column's own kernel.
            ventral_stream::station::Compute::Columns(c) => {
                2.0 * p * c.columns.iter().map(|conv| conv.k.len()).sum::<usize>() as f64
            }
        };
        conv += c;
        total += c + 2.0 * p * (st.read.w.len() + st.write.w.len()) as f64;
    }
    total += 2.0 * (model.category.w.len() + model.orientation.w.len()) as f64;
    (total, conv)
}

/// The outputs compared across runtimes, flattened: category logits (10), orientation
/// logits (8), then L5 (the stream after the station) of V1, V2, V4, IT, each pixel-major
/// (NHWC) as the core stores them.
pub fn outputs(t: &Trace) -> Vec<f32> {
    let mut v: Vec<f32> = t.category_logits.iter().copied().collect();
    v.extend(t.orientation_logits.iter());
    for st in &t.stations {
        v.extend(st.l5.x.iter());
    }
    v
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::*;
    use ventral_stream::model::Wiring;
    use ventral_stream::station::Compute;
    use ventral_stream::weights;
    use wasm_bindgen::prelude::*;

    /// The forward pass alone, on an LGN tensor set from JavaScript: what `Viewer.run()`
    /// does minus the retina and the summaries.
    #[wasm_bindgen]
    pub struct Bench {
        stream: Model,
        hierarchy: Model,
        lgn: Maps,
        last: Option<Trace>,
    }

    #[wasm_bindgen]
    impl Bench {
        #[wasm_bindgen(constructor)]
        pub fn new() -> Bench {
            Bench {
                stream: weights::shipped(Wiring::Stream),
                hierarchy: weights::shipped(Wiring::Hierarchy),
                lgn: Maps::zeros(1, retina::LGN_SIDE, retina::CHANNELS),
                last: None,
            }
        }

        /// The LGN the core computes from RGBA bytes (to check it against the native one).
        pub fn lgn_from_rgba(&self, rgba: &[u8], width: usize, height: usize) -> Vec<f32> {
            lgn_of(rgba, width, height).x.iter().copied().collect()
        }

        /// Sets the LGN input: 32·32·8 floats, pixel-major (NHWC).
        pub fn set_lgn(&mut self, data: &[f32]) -> Result<(), JsError> {
            let want = retina::LGN_SIDE * retina::LGN_SIDE * retina::CHANNELS;
            if data.len() != want {
                return Err(JsError::new(&format!("the LGN has {want} values, got {}", data.len())));
            }
            self.lgn.x.as_slice_mut().expect("contiguous").copy_from_slice(data);
            Ok(())
        }

        fn model(&self, wiring: &str) -> Result<&Model, JsError> {
            match Wiring::parse(wiring).map_err(|e| JsError::new(&e.to_string()))? {
                Wiring::Stream => Ok(&self.stream),
                Wiring::Hierarchy => Ok(&self.hierarchy),
                Wiring::Gated => Err(JsError::new("the bench runs the stream and the hierarchy only")),
            }
        }

        /// One forward pass of one wiring; returns the category logits (the trace is kept).
        pub fn forward(&mut self, wiring: &str) -> Result<Vec<f32>, JsError> {
            let t = self.model(wiring)?.forward(self.lgn.clone());
            let logits = t.category_logits.iter().copied().collect();
            self.last = Some(t);
            Ok(logits)
        }

        /// The outputs of the last forward pass (see `outputs`).
        pub fn outputs(&self) -> Vec<f32> {
            self.last.as_ref().map(outputs).unwrap_or_default()
        }

        /// FLOPs of one forward pass and of its four 3×3 convolutions.
        pub fn flops(&self, wiring: &str) -> Result<Vec<f64>, JsError> {
            let (total, conv) = forward_flops(self.model(wiring)?, retina::LGN_SIDE);
            Ok(vec![total, conv])
        }

        /// Station k's 3×3 convolution alone (bias and ReLU fused, as the forward pass runs it) on the L4 of the last
        /// forward pass, `reps` times; returns its FLOPs per repetition.
        pub fn conv_only(&self, wiring: &str, k: usize, reps: u32) -> Result<f64, JsError> {
            let t = self.last.as_ref().ok_or_else(|| JsError::new("run forward first"))?;
            let l4 = &t.stations[k].l4;
            let Compute::Plain(c) = &self.model(wiring)?.stations[k].compute else {
                return Err(JsError::new("not a plain convolution"));
            };
            let mut sink = 0.0f32;
            for _ in 0..reps {
                let y = c.forward_relu(l4);
                sink += y.x[[0, 0]];
            }
            std::hint::black_box(sink);
            Ok(2.0 * (l4.pixels() * c.k.len()) as f64)
        }
    }

    impl Default for Bench {
        fn default() -> Self {
            Bench::new()
        }
    }

    /// A simd128 peak microbenchmark: 12 independent chains of `acc = acc·m + a` on f32x4
    /// (a mul and an add, no FMA: simd128 has none), `iters` rounds; 12 × 8 flops a round.
    /// Returns a lane sum so nothing is optimised away.
    #[wasm_bindgen]
    pub fn simd_peak(iters: u32) -> f32 {
        use core::arch::wasm32::*;
        let m = f32x4_splat(std::hint::black_box(0.999_9));
        let a = f32x4_splat(std::hint::black_box(1e-4));
        let mut acc = [f32x4_splat(0.0); 12];
        for (i, v) in acc.iter_mut().enumerate() {
            *v = f32x4_splat(std::hint::black_box(i as f32 * 0.01));
        }
        let [mut a0, mut a1, mut a2, mut a3, mut a4, mut a5, mut a6, mut a7, mut a8, mut a9, mut a10, mut a11] = acc;
        for _ in 0..iters {
            a0 = f32x4_add(f32x4_mul(a0, m), a);
            a1 = f32x4_add(f32x4_mul(a1, m), a);
            a2 = f32x4_add(f32x4_mul(a2, m), a);
            a3 = f32x4_add(f32x4_mul(a3, m), a);
            a4 = f32x4_add(f32x4_mul(a4, m), a);
            a5 = f32x4_add(f32x4_mul(a5, m), a);
            a6 = f32x4_add(f32x4_mul(a6, m), a);
            a7 = f32x4_add(f32x4_mul(a7, m), a);
            a8 = f32x4_add(f32x4_mul(a8, m), a);
            a9 = f32x4_add(f32x4_mul(a9, m), a);
            a10 = f32x4_add(f32x4_mul(a10, m), a);
            a11 = f32x4_add(f32x4_mul(a11, m), a);
        }
        let s = f32x4_add(
            f32x4_add(f32x4_add(a0, a1), f32x4_add(a2, a3)),
            f32x4_add(
                f32x4_add(f32x4_add(a4, a5), f32x4_add(a6, a7)),
                f32x4_add(f32x4_add(a8, a9), f32x4_add(a10, a11)),
            ),
        );
        f32x4_extract_lane::<0>(s)
            + f32x4_extract_lane::<1>(s)
            + f32x4_extract_lane::<2>(s)
            + f32x4_extract_lane::<3>(s)
    }

    /// FLOPs of one `simd_peak` round.
    #[wasm_bindgen]
    pub fn simd_peak_flops_per_iter() -> f64 {
        12.0 * 4.0 * 2.0
    }
}
