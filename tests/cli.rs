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
    // A JPEG cut short is refused, as the page refuses it, never filled in.
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("JPEG data is cut short") && !err.contains("panicked"), "{err}");
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

    // 8192 × 8192, the most pixels accepted (64 megapixels), a grey ramp with a dark square,
    // decoded under an address-space cap of 200 MB: holding it at full size (256 MB as RGBA)
    // fails. A row more is refused from the header.
    let side = 8192usize;
    let ramp = |x: usize, y: usize| {
        let square = (2500..5500).contains(&x) && (2500..5500).contains(&y);
        if square {
            20
        } else {
            (x * 255 / side) as u8
        }
    };
    let huge = scratch("huge.png");
    write_grey_png(&huge, side, side, false, ramp);
    let v = json(&capped(200_000, &["run", "--image", huge.to_str().unwrap(), "--json"]));
    assert!(v["logits"].as_array().unwrap().iter().all(|x| x.as_f64().unwrap().is_finite()));
    // The same picture interlaced is read pass by pass under the same cap (decoding it whole
    // takes 64 MB for the frame and 256 MB as RGBA), and gives the same answer.
    write_grey_png(&huge, side, side, true, ramp);
    let interlaced = json(&capped(200_000, &["run", "--image", huge.to_str().unwrap(), "--json"]));
    assert_eq!(interlaced["logits"], v["logits"]);
    std::fs::remove_file(&huge).unwrap();
    let over = scratch("over.png");
    write_grey_png(&over, side, side + 1, false, |_, _| 0);
    let out = bin(&["run", "--image", over.to_str().unwrap()]);
    refused(&out, 1, "too large: 8192×8193, at most 67108864 pixels");
    std::fs::remove_file(&over).unwrap();
}

/// The binary under `ulimit -v KB` (address space, kilobytes).
fn capped(kb: usize, args: &[&str]) -> Output {
    let script = format!("ulimit -v {kb} && exec \"$0\" \"$@\"");
    Command::new("sh").arg("-c").arg(script).arg(env!("CARGO_BIN_EXE_ventral-stream")).args(args).output().unwrap()
}

/// The run failed with `code`, said `expect` on stderr, and did not panic.
fn refused(out: &Output, code: i32, expect: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "expected exit {code} and {expect:?}; stderr: {err}");
    assert!(err.contains(expect), "expected {expect:?} in {err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// One PNG chunk: length, type, data, CRC.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// An 8-bit grey PNG written by hand, so that it can be interlaced (Adam7: seven passes, each
/// a sparse grid of the image, row by row), which the png crate's encoder does not write. The
/// pixel data is made and compressed a row at a time.
fn write_grey_png(path: &PathBuf, w: usize, h: usize, interlaced: bool, px: impl Fn(usize, usize) -> u8) {
    use std::io::Write;
    let passes: Vec<(usize, usize, usize, usize)> = if interlaced {
        vec![(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    } else {
        vec![(0, 0, 1, 1)]
    };
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut row = Vec::new();
    for (x0, y0, dx, dy) in passes {
        if x0 >= w || y0 >= h {
            continue;
        }
        for y in (y0..h).step_by(dy) {
            row.clear();
            row.push(0); // filter: none
            row.extend((x0..w).step_by(dx).map(|x| px(x, y)));
            z.write_all(&row).unwrap();
        }
    }
    let data = z.finish().unwrap();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&(w as u32).to_be_bytes());
    ihdr.extend_from_slice(&(h as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, interlaced as u8]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &data);
    chunk(&mut png, b"IEND", &[]);
    std::fs::write(path, png).unwrap();
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
fn by_variant_adds_each_variants_words_and_the_usage_index_to_the_results_file() {
    let whole = scratch("by-variant/results.json");
    let dir = scratch("by-variant/variants");
    std::fs::create_dir_all(&dir).unwrap();
    let verdicts = |word: &str| serde_json::json!({ "LE": { "word": word, "paired": { "mean": 0.2 }, "positive_control": { "word": "supported" }, "reason": "" } });
    let shipped = serde_json::json!({
        // No "variant": a results file made before the variants existed is the shipped one.
        "seeds": [1, 2], "size": "full", "verdicts": verdicts("inconclusive"),
        "experiments": { "lesion": { "example": {}, "claim": "LE" } },
    });
    std::fs::write(&whole, shipped.to_string()).unwrap();
    let prenorm = serde_json::json!({ "variant": "prenorm", "seeds": [1, 2, 3], "verdicts": verdicts("supported") });
    std::fs::write(dir.join("prenorm.json"), prenorm.to_string()).unwrap();
    let usage = scratch("by-variant/usage.json");
    let index =
        serde_json::json!({ "variants": ["shipped", "prenorm", "layerscale"], "usage": {}, "primary": "prenorm" });
    std::fs::write(&usage, index.to_string()).unwrap();

    let out = bin(&["by-variant", whole.to_str().unwrap(), "--usage", usage.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "--variants-dir is required");
    let by_variant = || {
        bin(&[
            "by-variant",
            whole.to_str().unwrap(),
            "--usage",
            usage.to_str().unwrap(),
            "--variants-dir",
            dir.to_str().unwrap(),
        ])
    };
    let out = by_variant();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("layerscale: no results"), "a variant without its file is said: {err}");
    let read: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&whole).unwrap()).unwrap();
    assert_eq!(read["primary"], "prenorm");
    assert_eq!(read["by_variant"]["shipped"]["LE"]["word"], "inconclusive");
    assert_eq!(read["by_variant"]["prenorm"]["LE"]["word"], "supported");
    assert_eq!(read["seeds_by_variant"]["prenorm"], serde_json::json!([1, 2, 3]));
    assert_eq!(read["experiments"], shipped["experiments"], "the rest of the file is kept");
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(whole.with_extension("").join("index.json")).unwrap()).unwrap();
    assert_eq!(index["experiments"], serde_json::json!(["lesion"]), "and split again for the page");
    assert_eq!(
        (&index["primary"], &index["by_variant"]),
        (&read["primary"], &read["by_variant"]),
        "Table 1 reads them"
    );
    assert!(err.contains("shipped: no "), "the shipped column's source is said when it is the results file: {err}");

    // With the shipped pair's own comparison run (trained and untrained, as every other
    // column), the shipped column is that run's words, not the results file's.
    let comparison = serde_json::json!({ "variant": "shipped", "seeds": [1, 2], "verdicts": verdicts("absent") });
    std::fs::write(dir.join("shipped.json"), comparison.to_string()).unwrap();
    std::fs::write(&whole, shipped.to_string()).unwrap();
    let out = by_variant();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !err.contains("shipped: no "), "{err}");
    let read: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&whole).unwrap()).unwrap();
    assert_eq!(read["by_variant"]["shipped"]["LE"]["word"], "absent");
    assert_eq!(read["verdicts"]["LE"]["word"], "inconclusive", "Table 1 keeps the results file's own words");
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

/// The photograph fixture with its frame header (SOF0) declaring `w`×`h`.
fn jpeg_declaring(name: &str, w: u16, h: u16) -> PathBuf {
    let mut bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/photo.jpg")).unwrap();
    // Walk the marker segments to the frame header: FF C0, length, precision, height, width.
    let mut at = 2;
    while bytes[at + 1] != 0xC0 {
        at += 2 + u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]) as usize;
    }
    bytes[at + 5..at + 7].copy_from_slice(&h.to_be_bytes());
    bytes[at + 7..at + 9].copy_from_slice(&w.to_be_bytes());
    let path = scratch(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn decompression_bombs_are_refused_from_the_header() {
    // 69 bytes: a PNG header declaring 2,147,483,647 × 1 and a few bytes of data.
    let mut tiny = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = 2_147_483_647u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&1u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut tiny, b"IHDR", &ihdr);
    chunk(&mut tiny, b"IDAT", &[0x78, 0x9C, 0x63, 0, 0, 0, 1, 0, 1, 0, 0, 0]);
    chunk(&mut tiny, b"IEND", &[]);
    assert_eq!(tiny.len(), 69);
    let bomb = scratch("bomb.png");
    std::fs::write(&bomb, &tiny).unwrap();
    refused(&bin(&["run", "--image", bomb.to_str().unwrap()]), 1, "too large: 2147483647×1, at most 67108864 pixels");

    // A real interlaced 16384 × 16384 PNG (zeros compress to a few hundred KB; decoded whole
    // it is 256 MB of grey, 1 GB as RGBA).
    let big = scratch("big-interlaced.png");
    write_grey_png(&big, 16384, 16384, true, |_, _| 0);
    assert!(std::fs::metadata(&big).unwrap().len() < 2 << 20);
    let out = capped(200_000, &["run", "--image", big.to_str().unwrap()]);
    refused(&out, 1, "too large: 16384×16384, at most 67108864 pixels");
    std::fs::remove_file(&big).unwrap();

    // The 5.7 KB photograph declaring 65500 × 65500.
    let jpeg = jpeg_declaring("bomb.jpg", 65500, 65500);
    refused(&bin(&["run", "--image", jpeg.to_str().unwrap()]), 1, "too large: 65500×65500, at most 67108864 pixels");
    // Within the limit, 2000 × 2000 from 4.9 KB of coded data is data cut short (at least a
    // bit an 8×8 block), not a picture the decoder may fill with grey.
    let short = jpeg_declaring("short.jpg", 2000, 2000);
    refused(&bin(&["run", "--image", short.to_str().unwrap()]), 1, "JPEG data is cut short");
}

#[test]
fn file_arguments_are_read_up_to_a_cap() {
    let photo = scratch("cap.png");
    write_png(&photo, 16, 16, png::ColorType::Rgb);
    // /dev/zero has no size to stat; the read stops past 64 MiB.
    refused(&bin(&["run", "--image", "/dev/zero"]), 1, "cannot read /dev/zero: larger than 67108864 bytes");
    refused(
        &bin(&["run", "--image", photo.to_str().unwrap(), "--weights", "/dev/zero"]),
        1,
        "cannot read /dev/zero: larger than 67108864 bytes",
    );
    // A regular file over the cap is refused from its size (sparse: nothing is written).
    let sparse = scratch("sparse.png");
    std::fs::File::create(&sparse).unwrap().set_len(65 << 20).unwrap();
    refused(&bin(&["run", "--image", sparse.to_str().unwrap()]), 1, "larger than 67108864 bytes");
    // A folder.
    refused(&bin(&["run", "--image", std::env::temp_dir().to_str().unwrap()]), 1, "it is a folder");
}

#[test]
fn weights_that_overflow_are_refused_by_load_run_and_eval() {
    use ventral_stream::model::{Model, Wiring};
    use ventral_stream::weights;
    let photo = scratch("overflow.png");
    write_png(&photo, 32, 32, png::ColorType::Rgb);
    // Finite values near f32::MAX (the issue's file), F32 and as an I8 scale.
    let mut near_max = Model::init(Wiring::Stream, 1);
    near_max.visit_mut(&mut |_, _, v, _| v.iter_mut().for_each(|x| *x = x.signum() * 3e38));
    // Every weight at the bound (10,000): finite and allowed, but the stream overflows.
    let mut at_bound = Model::init(Wiring::Stream, 1);
    at_bound.visit_mut(&mut |_, _, v, _| v.fill(weights::MAX_MAGNITUDE));
    for (label, model, quantize, expect) in [
        ("3e38, F32", &near_max, false, "beyond ±10000"),
        ("3e38, I8", &near_max, true, "beyond ±10000"),
        ("at the bound", &at_bound, false, "the weights overflow"),
    ] {
        let path = scratch(&format!("overflow-{}.safetensors", label.replace([' ', ','], "")));
        std::fs::write(&path, weights::save(model, &[], quantize)).unwrap();
        let w = path.to_str().unwrap();
        let load = weights::load(&std::fs::read(&path).unwrap(), None).unwrap_err();
        assert!(load.0.contains(expect), "{label}: {load}");
        refused(&bin(&["run", "--image", photo.to_str().unwrap(), "--weights", w]), 1, expect);
        // eval used to loop for ever on the NaN scores such weights give.
        let start = std::time::Instant::now();
        refused(&bin(&["eval", "--weights", w, "--n", "50"]), 1, expect);
        assert!(start.elapsed().as_secs() < 20, "{label}: eval took {:?}", start.elapsed());
    }
}

#[test]
fn arguments_are_strict_and_name_what_is_accepted() {
    let photo = scratch("args.png");
    write_png(&photo, 16, 16, png::ColorType::Rgb);
    let p = photo.to_str().unwrap();
    let weights = concat!(env!("CARGO_MANIFEST_DIR"), "/weights/stream.safetensors");
    for (args, expect) in [
        (vec!["run", "--image", p, "--wieghts", weights], "unknown option --wieghts for run"),
        (vec!["run", "--image", p, "--json=yes"], "--json"),
        (vec!["run", "--image", p, "--image", p], "--image is given twice"),
        (vec!["run", "--image", p, "extra"], "extra"),
        (vec!["run", "--image"], "--image needs a value"),
        (vec!["run"], "--image is required"),
        (vec!["train", "--steps", "0", "--out", "x"], "--steps takes a whole number from 1 to 100000, got \"0\""),
        (vec!["train", "--batch", "0", "--out", "x"], "--batch takes a whole number from 1 to 256, got \"0\""),
        (vec!["train", "--batch", "100000", "--out", "x"], "--batch takes a whole number from 1 to 256"),
        (vec!["train", "--open-set-steps", "-1", "--out", "x"], "--open-set-steps takes a whole number from 0"),
        (vec!["train", "--seed", "0", "--out", "x"], "--seed takes a whole number from 1 to 4294967295"),
        (vec!["train", "--seed", "99999999999", "--out", "x"], "--seed takes a whole number from 1 to 4294967295"),
        (vec!["train", "--width", "12", "--out", "x"], "--width takes one of [8, 16, 32], got \"12\""),
        (vec!["train", "--edge-task", "maybe", "--out", "x"], "--edge-task takes on or off"),
        (vec!["train-losses", "--steps", "0"], "--steps takes a whole number from 1 to 3000"),
        (vec!["eval", "--n", "0"], "--n takes a whole number from 1 to 100000, got \"0\""),
        (vec!["eval", "--n", "1e9"], "--n takes a whole number"),
        (vec!["init", "--seed", "x", "--out", "x"], "--seed takes a whole number"),
        (vec!["experiments", "--jobs", "0", "--out", "x.json"], "--jobs takes a whole number from 1 to 64"),
        (vec!["experiments", "--seeds", "1,0", "--out", "x.json"], "--seeds takes whole numbers like 1,2,3"),
        (vec!["experiment", "lesion", "--size", "huge"], "size must be quick or full"),
        (vec!["--steps", "3"], "--steps"),
        (vec![], "no command given"),
    ] {
        let out = bin(&args);
        refused(&out, 2, expect);
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn train_checks_its_out_file_before_training() {
    let start = std::time::Instant::now();
    // The full schedule would take minutes: refused in well under a second of work.
    refused(
        &bin(&["train", "--wiring", "stream", "--out", "/nonexistent/x.safetensors"]),
        1,
        "cannot write /nonexistent/x.safetensors: the folder /nonexistent does not exist",
    );
    let folder = scratch("a-folder");
    std::fs::create_dir_all(&folder).unwrap();
    refused(&bin(&["train", "--out", folder.to_str().unwrap()]), 1, "it is a folder");
    refused(&bin(&["init", "--out", "/nonexistent/w.safetensors"]), 1, "does not exist");
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    // A good folder still takes the file.
    let ok = scratch("init-ok.safetensors");
    let out = bin(&["init", "--wiring", "gated", "--seed", "2", "--out", ok.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(ventral_stream::weights::load(&std::fs::read(&ok).unwrap(), None).is_ok());
}

#[test]
fn paths_need_not_be_utf8_and_text_must_be() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch("non-utf8");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(OsStr::from_bytes(b"photo-\xff.png"));
    write_png(&path, 40, 30, png::ColorType::Rgb);
    let exe = env!("CARGO_BIN_EXE_ventral-stream");
    let out = Command::new(exe).arg("run").arg("--image").arg(&path).arg("--json").output().unwrap();
    let v = json(&out);
    assert_eq!(v["wiring"], "stream");
    // A missing file with such a name is a message that shows it as well as it can.
    let missing = dir.join(OsStr::from_bytes(b"gone-\xfe.png"));
    let out = Command::new(exe).arg("run").arg("--image").arg(&missing).output().unwrap();
    refused(&out, 1, "cannot read");
    // A name (not a path) that is not UTF-8 is a usage error.
    let out = Command::new(exe)
        .args(["run", "--image"])
        .arg(&path)
        .arg("--wiring")
        .arg(OsStr::from_bytes(b"str\xffeam"))
        .output()
        .unwrap();
    refused(&out, 2, "--wiring takes plain text");
}

#[test]
fn a_closed_or_full_stdout_ends_the_program_without_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    let photo = scratch("pipe.png");
    write_png(&photo, 64, 48, png::ColorType::Rgb);
    let exe = env!("CARGO_BIN_EXE_ventral-stream");
    // `… --json --retina | head -c 10`: more than a pipe holds (about 80 KB), so the program
    // is still writing when the reader goes away.
    let mut child = Command::new(exe)
        .args(["run", "--image", photo.to_str().unwrap(), "--json", "--retina"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(&head[..2], b"{\"");
    assert_eq!(out.status.code(), Some(141), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "quietly: {}", String::from_utf8_lossy(&out.stderr));

    // `> /dev/full`: a message and exit 1.
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out =
        Command::new(exe).args(["run", "--image", photo.to_str().unwrap(), "--json"]).stdout(full).output().unwrap();
    refused(&out, 1, "cannot write the output: No space left on device");
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = Command::new(exe).arg("help").stdout(full).output().unwrap();
    refused(&out, 1, "cannot write the output");
}

#[test]
fn calibrate_sets_a_files_open_set_calibration_in_place_and_run_reports_it() {
    let weights = scratch("calibrate-stream.safetensors");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/weights/stream.safetensors"), &weights).unwrap();
    let w = weights.to_str().unwrap();
    let out = bin(&["calibrate", "--weights", w, "--score", "combined"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.contains("open-set score combined, threshold "), "{said}");
    let image = scratch("calibrate.png");
    write_png(&image, 80, 60, png::ColorType::Rgb);
    let ran = json(&bin(&["run", "--image", image.to_str().unwrap(), "--weights", w, "--json"]));
    assert_eq!(ran["score_name"], "combined");
    let threshold = ran["threshold"].as_f64().unwrap();
    assert!(said.contains(&format!("{threshold:.3}")), "{said} vs {threshold}");
    assert_eq!(ran["recognised"], ran["score"].as_f64().unwrap() <= threshold);
    // The same answer as the shipped file's (only the metadata changed).
    let shipped = json(&bin(&["run", "--image", image.to_str().unwrap(), "--wiring", "stream", "--json"]));
    assert_eq!(ran["logits"], shipped["logits"]);
    assert_eq!(shipped["score_name"], "energy");
    let refused = bin(&["calibrate", "--weights", w, "--score", "cosine"]);
    assert_eq!(refused.status.code(), Some(2));
}

#[test]
fn usage_spreads_its_seeds_over_threads_and_writes_the_same_file() {
    // Two seeds of the shipped pair (the shipped files, copied) and none of any other variant.
    let dir = scratch("usage/weights");
    for (rel, wiring) in [("", "stream"), ("", "hierarchy"), ("seeds/2/", "stream"), ("seeds/2/", "hierarchy")] {
        let to = dir.join(format!("{rel}{wiring}.safetensors"));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(format!("weights/{wiring}.safetensors"), &to).unwrap();
    }
    let run = |jobs: &str| {
        let out = scratch(&format!("usage/jobs{jobs}.json"));
        let done = bin(&[
            "usage",
            "--weights-dir",
            dir.to_str().unwrap(),
            "--n",
            "32",
            "--jobs",
            jobs,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
        std::fs::read_to_string(out).unwrap()
    };
    let one = run("1");
    assert_eq!(one, run("2"), "the file does not depend on the number of threads");
    let read: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(read["variants"], serde_json::json!(["shipped"]), "only the variant with files");
    assert_eq!(read["seeds_by_variant"]["shipped"], serde_json::json!([1, 2]));
    assert!(read["hierarchy_twins"]["shipped"]["bypass_retention"]["mean"].is_number());
    assert_eq!(read["primary"], serde_json::Value::Null, "two seeds choose nothing");
}

#[test]
fn the_shipped_run_writes_its_comparison_column_as_a_run_of_its_pair_alone_would() {
    let run = |extra: &[&str], out: &PathBuf| {
        let mut args = vec!["experiments", "--size", "quick", "--seeds", "1", "--only", "lesion", "--jobs", "2"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--out", out.to_str().unwrap()]);
        let done = bin(&args);
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    };
    let (whole, column, alone) = (scratch("cmp/results.json"), scratch("cmp/shipped.json"), scratch("cmp/alone.json"));
    std::fs::create_dir_all(whole.parent().unwrap()).unwrap();
    run(&["--comparison", column.to_str().unwrap()], &whole);
    run(&["--variant", "shipped"], &alone);
    let read =
        |p: &PathBuf| -> serde_json::Value { serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
    assert_eq!(read(&column), read(&alone), "the same runs, judged the same way");
    assert_eq!(read(&column)["variant"], "shipped");
    // Made from the full run's own trained and untrained runs.
    assert_eq!(read(&column)["experiments"]["lesion"]["summary"], read(&whole)["experiments"]["lesion"]["summary"]);
    let refused = bin(&["experiments", "--variant", "prenorm", "--comparison", "x.json", "--out", "y.json"]);
    assert_eq!(refused.status.code(), Some(2), "--comparison is the shipped run's");
}
