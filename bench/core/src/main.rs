//! The native half of the harness:
//!
//!   stream-bench --out DIR [--warmup 20] [--runs 200] [--train-runs 20]
//!
//! writes into DIR
//!   input.rgba       the 64×64 RGBA input every runtime starts from;
//!   lgn.f32          its LGN maps (32·32·8 little-endian f32, pixel-major = NHWC);
//!   reference.json   both wirings' outputs on it (logits and the L5 maps), FLOP counts;
//!   native.json      native timings of the forward pass and of one training step (samples in ms).

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(e) = native::main() {
        eprintln!("stream-bench: {e}");
        std::process::exit(1);
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use serde_json::json;
    use std::path::PathBuf;
    use std::time::Instant;
    use stream_bench::{forward_flops, input_rgba, lgn_of, outputs, PRESET};
    use ventral_stream::input::SIDE;
    use ventral_stream::model::Wiring;
    use ventral_stream::{retina, weights};

    fn times(warmup: usize, runs: usize, mut f: impl FnMut()) -> Vec<f64> {
        for _ in 0..warmup {
            f();
        }
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect()
    }

    pub fn main() -> Result<(), String> {
        // As the native commands run (ventral-stream's main).
        ventral_stream::train::keep_freed_memory();
        let mut out: Option<PathBuf> = None;
        let (mut warmup, mut runs, mut train_runs) = (20usize, 200usize, 20usize);
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
            match a.as_str() {
                "--out" => out = Some(value()?.into()),
                "--warmup" => warmup = value()?.parse().map_err(|e| format!("--warmup: {e}"))?,
                "--runs" => runs = value()?.parse().map_err(|e| format!("--runs: {e}"))?,
                "--train-runs" => train_runs = value()?.parse().map_err(|e| format!("--train-runs: {e}"))?,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        let out = out.ok_or("usage: stream-bench --out DIR [--warmup N] [--runs N]")?;
        std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        let write =
            |name: &str, bytes: &[u8]| std::fs::write(out.join(name), bytes).map_err(|e| format!("{name}: {e}"));

        let rgba = input_rgba();
        let lgn = lgn_of(&rgba, SIDE, SIDE);
        write("input.rgba", &rgba)?;
        let lgn_bytes: Vec<u8> = lgn.x.iter().flat_map(|v| v.to_le_bytes()).collect();
        write("lgn.f32", &lgn_bytes)?;

        let mut reference = serde_json::Map::new();
        let mut native = serde_json::Map::new();
        for wiring in [Wiring::Stream, Wiring::Hierarchy] {
            let model = weights::shipped(wiring);
            let t = model.forward(lgn.clone());
            let (flops, conv_flops) = forward_flops(&model, retina::LGN_SIDE);
            reference.insert(
                wiring.name().into(),
                json!({ "outputs": outputs(&t), "flops": flops, "conv_flops": conv_flops }),
            );
            let samples = times(warmup, runs, || {
                std::hint::black_box(model.forward(std::hint::black_box(lgn.clone())));
            });
            native.insert(wiring.name().into(), json!(samples));
        }
        // The retina and LGN alone, for scale.
        native.insert(
            "lgn".into(),
            json!(times(warmup, runs, || {
                std::hint::black_box(lgn_of(std::hint::black_box(&rgba), SIDE, SIDE));
            })),
        );
        // One full training step of the lab (stream, d = 32, batch 32, one thread: rendering
        // the batch, forward, backward, Adam), as the page's Trainer.step(1) runs it.
        let mut lab = ventral_stream::lab::Lab::new(stream_bench::train_config()).map_err(|e| e.to_string())?;
        native.insert(
            "train_step".into(),
            json!(times(2, train_runs, || {
                std::hint::black_box(lab.step(1));
            })),
        );
        // The same step natively with the batch split over two threads (ventral-stream train).
        let mut lab =
            ventral_stream::lab::Lab::new(stream_bench::train_config()).map_err(|e| e.to_string())?.with_threads(2);
        native.insert(
            "train_step_threads2".into(),
            json!(times(2, train_runs, || {
                std::hint::black_box(lab.step(1));
            })),
        );
        let layout = json!({
            "category": 10, "orientation": 8,
            "l5": [[32, 32, 32], [16, 16, 32], [8, 8, 32], [4, 4, 32]],
            "order": "category logits, orientation logits, then L5 of V1, V2, V4, IT, each NHWC"
        });
        let reference = json!({
            "preset": { "name": PRESET.0, "variant": PRESET.1 },
            "side": SIDE, "lgn": [retina::LGN_SIDE, retina::LGN_SIDE, retina::CHANNELS],
            "layout": layout, "wirings": reference,
        });
        write("reference.json", serde_json::to_string(&reference).expect("json").as_bytes())?;
        let native = json!({ "warmup": warmup, "runs": runs, "train_runs": train_runs, "samples_ms": native });
        write("native.json", serde_json::to_string(&native).expect("json").as_bytes())?;
        Ok(())
    }
}
