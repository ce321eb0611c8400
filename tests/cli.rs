//! The native command line, run as a user runs it: real PNG and JPEG files in,
//! JSON out; bad input is a message and a non-zero exit, never a panic.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::{Command, Output};

fn bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ventral-stream")).args(args).output().expect("the binary runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ventral-stream-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A photograph-like PNG: smooth colour gradients, a disc and noise.
fn write_png(path: &PathBuf, w: u32, h: u32, colour: png::ColorType) {
    let file = std::fs::File::create(path).unwrap();
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    enc.set_color(colour);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().unwrap();
    let channels = match colour {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Grayscale => 1,
        _ => unreachable!(),
    };
    let mut data = Vec::with_capacity((w * h) as usize * channels);
    let mut seed = 12345u32;
    for y in 0..h {
        for x in 0..w {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let noise = (seed >> 24) as i32 % 20;
            let (dx, dy) = (x as f32 - w as f32 * 0.6, y as f32 - h as f32 * 0.4);
            let disc = if dx * dx + dy * dy < (w.min(h) as f32 * 0.2).powi(2) { 120 } else { 0 };
            let r = ((x * 255 / w) as i32 + noise - disc / 2).clamp(0, 255) as u8;
            let g = ((y * 255 / h) as i32 + noise + disc / 3).clamp(0, 255) as u8;
            let b = (128 + noise - disc).clamp(0, 255) as u8;
            let px = [r, g, b, 255];
            match channels {
                1 => data.push(g),
                3 => data.extend_from_slice(&px[..3]),
                _ => data.extend_from_slice(&px),
            }
        }
    }
    writer.write_image_data(&data).unwrap();
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "exit {:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON object on stdout")
}

#[test]
fn run_prints_stations_logits_and_an_exact_decomposition() {
    for (i, (w, h, colour)) in
        [(640, 480, png::ColorType::Rgb), (37, 1000, png::ColorType::Grayscale), (300, 300, png::ColorType::Rgba)]
            .into_iter()
            .enumerate()
    {
        let path = scratch(&format!("photo{i}.png"));
        write_png(&path, w, h, colour);
        let v = json(&bin(&["run", "--image", path.to_str().unwrap(), "--wiring", "stream", "--json"]));
        assert_eq!(v["wiring"], "stream");
        let stations = v["stations"].as_array().unwrap();
        let names: Vec<&str> = stations.iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["V1", "V2", "V4", "IT"]);
        for s in stations {
            for layer in ["l4", "l23", "l5"] {
                assert_eq!(s[layer]["shape"].as_array().unwrap().len(), 3);
                assert!(s[layer]["mean"].as_f64().unwrap().is_finite());
            }
        }
        let logits: Vec<f64> = v["logits"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        let c = &v["contributions"];
        for (k, l) in logits.iter().enumerate() {
            let sum: f64 = ["direct", "V1", "V2", "V4", "IT", "bias"].iter().map(|p| c[p][k].as_f64().unwrap()).sum();
            assert!((sum - l).abs() < 1e-3, "{sum} vs {l}");
        }
        let h = json(&bin(&["run", "--image", path.to_str().unwrap(), "--wiring", "hierarchy", "--json"]));
        assert_eq!(h["wiring"], "hierarchy");
        assert!(h["contributions"].is_null());
    }
}

#[test]
fn run_reads_a_jpeg_photograph() {
    // A 333×211 colour JPEG written by Chromium's encoder.
    let photo = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/photo.jpg");
    for wiring in ["stream", "hierarchy", "gated"] {
        let v = json(&bin(&["run", "--image", photo, "--wiring", wiring, "--json"]));
        assert_eq!(v["wiring"], wiring);
        assert!(v["logits"].as_array().unwrap().iter().all(|x| x.as_f64().unwrap().is_finite()));
    }
    let bytes = std::fs::read(photo).unwrap();
    let cut = scratch("cut.jpg");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let out = bin(&["run", "--image", cut.to_str().unwrap()]);
    // A JPEG cut short either decodes partially (the decoder fills the rest)
    // or fails with a message; it never panics.
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn bad_input_is_a_message_and_a_non_zero_exit() {
    let missing = bin(&["run", "--image", "/nonexistent/picture.png", "--json"]);
    let not_image = scratch("not-an-image.png");
    std::fs::write(&not_image, b"this is text, not pixels").unwrap();
    let truncated = scratch("truncated.png");
    write_png(&truncated, 64, 64, png::ColorType::Rgb);
    let bytes = std::fs::read(&truncated).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let bad_weights = scratch("bad.safetensors");
    std::fs::write(&bad_weights, b"\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":").unwrap();
    let photo = scratch("ok.png");
    write_png(&photo, 32, 32, png::ColorType::Rgb);
    // Each case names the words of its own message: a message that merely exists (or an
    // echo of the file's name) does not pass.
    for (label, out, expect) in [
        ("missing file", missing, "cannot read /nonexistent/picture.png"),
        ("not an image", bin(&["run", "--image", not_image.to_str().unwrap()]), "not a PNG or JPEG image"),
        ("truncated PNG", bin(&["run", "--image", truncated.to_str().unwrap()]), "PNG data is"),
        (
            "bad weights",
            bin(&["run", "--image", photo.to_str().unwrap(), "--weights", bad_weights.to_str().unwrap()]),
            "not a readable safetensors file",
        ),
        ("unknown wiring", bin(&["run", "--image", photo.to_str().unwrap(), "--wiring", "ladder"]), "\"ladder\""),
        ("unknown command", bin(&["fly"]), "unknown command \"fly\""),
        ("unknown experiment", bin(&["experiment", "telepathy"]), "unknown experiment \"telepathy\""),
    ] {
        assert!(!out.status.success(), "{label} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{label}: {err}");
        assert!(err.contains(expect), "{label}: expected {expect:?} in {err}");
    }
}

/// A shipped weights file with its JSON header edited by `edit` (the data left as it is).
fn edited_weights(name: &str, edit: impl Fn(&mut serde_json::Map<String, serde_json::Value>)) -> PathBuf {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/weights/stream.safetensors")).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let mut header: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    edit(&mut header);
    let text = serde_json::to_vec(&header).unwrap();
    let mut out = (text.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(&text);
    out.extend_from_slice(&bytes[8 + n..]);
    let path = scratch(name);
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn tiny_blank_and_huge_images_run() {
    let one = scratch("one.png");
    write_png(&one, 1, 1, png::ColorType::Rgb);
    let blank = scratch("blank.png");
    {
        let mut enc = png::Encoder::new(std::fs::File::create(&blank).unwrap(), 200, 100);
        enc.set_color(png::ColorType::Grayscale);
        enc.write_header().unwrap().write_image_data(&[128u8; 200 * 100]).unwrap();
    }
    for path in [&one, &blank] {
        let v = json(&bin(&["run", "--image", path.to_str().unwrap(), "--json"]));
        assert!(v["logits"].as_array().unwrap().iter().all(|x| x.as_f64().unwrap().is_finite()), "{path:?}");
    }

    // 10,000 × 10,000 (100 megapixels), a grey ramp with a dark square, decoded under an
    // address-space cap of 200 MB: holding it at full size (400 MB as RGBA) fails.
    let huge = scratch("huge.png");
    let side = 10_000usize;
    {
        let file = std::io::BufWriter::new(std::fs::File::create(&huge).unwrap());
        let mut enc = png::Encoder::new(file, side as u32, side as u32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_compression(png::Compression::Fast);
        let mut w = enc.write_header().unwrap().into_stream_writer().unwrap();
        let mut row = vec![0u8; side];
        for y in 0..side {
            for (x, v) in row.iter_mut().enumerate() {
                let square = (3000..7000).contains(&x) && (3000..7000).contains(&y);
                *v = if square { 20 } else { (x * 255 / side) as u8 };
            }
            std::io::Write::write_all(&mut w, &row).unwrap();
        }
        w.finish().unwrap();
    }
    let exe = env!("CARGO_BIN_EXE_ventral-stream");
    let out = Command::new("sh")
        .args(["-c", "ulimit -v 200000 && exec \"$0\" run --image \"$1\" --json", exe, huge.to_str().unwrap()])
        .output()
        .unwrap();
    let v = json(&out);
    assert!(v["logits"].as_array().unwrap().iter().all(|x| x.as_f64().unwrap().is_finite()));
    std::fs::remove_file(&huge).unwrap();
}

#[test]
fn bad_weights_files_are_refused_in_words() {
    let photo = scratch("for-weights.png");
    write_png(&photo, 48, 48, png::ColorType::Rgb);
    let shipped = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/weights/stream.safetensors")).unwrap();
    let truncated = scratch("w-cut.safetensors");
    std::fs::write(&truncated, &shipped[..shipped.len() - 100]).unwrap();
    let not_safetensors = scratch("w-png.safetensors");
    std::fs::copy(&photo, &not_safetensors).unwrap();
    let wrong_shape = edited_weights("w-edit1.safetensors", |h| {
        h["IT.compute.k"]["shape"] = serde_json::json!([32, 288]);
    });
    let wrong_dtype = edited_weights("w-edit2.safetensors", |h| {
        h["IT.compute.k"]["dtype"] = serde_json::json!("U8");
    });
    // A NaN scale: every weight of that tensor becomes NaN.
    let nan = scratch("w-scale.safetensors");
    {
        let n = u64::from_le_bytes(shipped[..8].try_into().unwrap()) as usize;
        let header: serde_json::Value = serde_json::from_slice(&shipped[8..8 + n]).unwrap();
        let at = 8 + n + header["IT.compute.k.scale"]["data_offsets"][0].as_u64().unwrap() as usize;
        let mut bytes = shipped.clone();
        bytes[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
        std::fs::write(&nan, bytes).unwrap();
    }
    let gated_for_stream = concat!(env!("CARGO_MANIFEST_DIR"), "/weights/gated.safetensors");
    // The files have neutral names, so each expected message can only come from the loader.
    for (label, file, expect) in [
        ("truncated", truncated.to_str().unwrap(), "not a readable safetensors file"),
        ("not safetensors", not_safetensors.to_str().unwrap(), "not a readable safetensors file"),
        ("wrong shape", wrong_shape.to_str().unwrap(), "tensor IT.compute.k has shape [32, 288]"),
        ("wrong dtype", wrong_dtype.to_str().unwrap(), "tensor IT.compute.k is U8; only F32 and I8 are read"),
        ("NaN", nan.to_str().unwrap(), "tensor IT.compute.k holds a non-finite value"),
        ("another model's file", gated_for_stream, "the file holds the gated wiring, not stream"),
    ] {
        let out = bin(&["run", "--image", photo.to_str().unwrap(), "--wiring", "stream", "--weights", file]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{label} should fail");
        assert!(!err.is_empty() && !err.contains("panicked"), "{label}: {err}");
        assert!(err.contains(expect), "{label}: {err}");
    }
}

#[test]
fn split_results_writes_one_file_per_experiment_and_an_index() {
    let whole = scratch("split/results.json");
    std::fs::create_dir_all(whole.parent().unwrap()).unwrap();
    let all = serde_json::json!({
        "seeds": [1, 2, 3],
        "size": "full",
        "verdicts": { "LE": { "word": "supported" } },
        "experiments": {
            "lesion": { "example": { "stream": { "none": 0.93 } }, "claim": "LE" },
            "receptive-fields": { "example": { "maps": [[0.5, -0.25], [1.0, 0.0]] }, "claim": "RF" },
        },
    });
    std::fs::write(&whole, serde_json::to_string_pretty(&all).unwrap()).unwrap();
    let out = bin(&["split-results", whole.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dir = whole.with_extension("");
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
    };
    assert_eq!(read("index.json"), serde_json::json!({ "experiments": ["lesion", "receptive-fields"] }));
    let lesion = read("lesion.json");
    assert_eq!(lesion["example"], all["experiments"]["lesion"]["example"]);
    assert_eq!((&lesion["seeds"], &lesion["size"]), (&all["seeds"], &all["size"]));
    assert_eq!(lesion["verdict"]["word"], "supported");
    assert_eq!(read("receptive-fields.json")["verdict"], serde_json::Value::Null);

    // A key that is not an experiment is refused, not written as a file.
    std::fs::write(&whole, r#"{"experiments": {"../escape": {}}}"#).unwrap();
    let out = bin(&["split-results", whole.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an experiment"));
}

#[test]
fn experiments_name_a_missing_weights_file_and_how_to_make_it() {
    let empty = scratch("no-weights");
    std::fs::create_dir_all(&empty).unwrap();
    let out = bin(&[
        "experiments",
        "--weights-dir",
        empty.to_str().unwrap(),
        "--size",
        "quick",
        "--only",
        "lesion",
        "--out",
        scratch("never.json").to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains(&empty.join("stream.safetensors").display().to_string()), "{err}");
    assert!(err.contains("./build.sh train") && !err.contains("panicked"), "{err}");
    let out = bin(&["experiments", "--seeds", "1,x", "--out", "x.json"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--seeds takes whole numbers"));
}

/// A 64×64 grey PNG of one generated picture (values in [0, 1]).
fn write_grey(path: &PathBuf, pixels: &[f32]) {
    let mut enc = png::Encoder::new(std::fs::File::create(path).unwrap(), 64, 64);
    enc.set_color(png::ColorType::Grayscale);
    let bytes: Vec<u8> = pixels.iter().map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8).collect();
    enc.write_header().unwrap().write_image_data(&bytes).unwrap();
}

#[test]
fn run_says_when_a_generated_picture_is_none_of_the_ten_kinds() {
    use ventral_stream::outliers;
    // Held-out outliers (a seed no training run uses), two of each family.
    for wiring in ["stream", "hierarchy", "gated"] {
        let mut rejected = Vec::new();
        for i in 0..12 {
            let path = scratch(&format!("outlier-{wiring}-{i}.png"));
            write_grey(&path, &outliers::sample(outliers::EVAL_SEED, i).pixels);
            let v = json(&bin(&["run", "--image", path.to_str().unwrap(), "--wiring", wiring, "--json"]));
            let (score, threshold) = (v["score"].as_f64().unwrap(), v["threshold"].as_f64().unwrap());
            let recognised = v["recognised"].as_bool().unwrap();
            assert_eq!(recognised, score <= threshold, "{wiring} {i}: {score} vs {threshold}");
            if !recognised {
                assert_eq!(v["behaviour"], "keep looking", "{wiring} {i}");
                rejected.push(i);
            }
            // The stations still report what they did.
            assert_eq!(v["stations"].as_array().unwrap().len(), 4);
        }
        assert!(rejected.len() >= 10, "{wiring}: only {rejected:?} of 12 outliers said to be none of the kinds");
    }
    // A held-out sketch of each kind through the same path is recognised, as its own kind.
    let mut right = 0;
    for c in 0..10u64 {
        let s = ventral_stream::train::held_out(c).0;
        let path = scratch(&format!("sketch-{c}.png"));
        write_grey(&path, &s.pixels);
        let v = json(&bin(&["run", "--image", path.to_str().unwrap(), "--json"]));
        let kind = ventral_stream::stimuli::CATEGORIES[s.category.unwrap()];
        right += (v["recognised"] == true && v["category"] == kind) as usize;
    }
    assert!(right >= 8, "only {right} of 10 held-out sketches recognised as their kind");
}

#[test]
fn a_weights_file_without_a_threshold_loads_and_recognises_everything() {
    let path = edited_weights("no-threshold.safetensors", |h| {
        h["__metadata__"].as_object_mut().unwrap().remove(ventral_stream::weights::THRESHOLD_KEY);
    });
    let photo = scratch("no-threshold.png");
    write_png(&photo, 48, 48, png::ColorType::Rgb);
    let v = json(&bin(&["run", "--image", photo.to_str().unwrap(), "--weights", path.to_str().unwrap(), "--json"]));
    assert!(v["threshold"].is_null());
    assert_eq!(v["recognised"], true);
    assert!(v["score"].as_f64().unwrap().is_finite());
}
