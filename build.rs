//! The usage index's thresholds, compiled from `data/preregistration.json` into a table
//! (`$OUT_DIR/usage_thresholds.rs`, included by `experiments::preregistration`): the lab's
//! wasm measures a reader's model against the plan without a JSON float parser in it (25 KB
//! gzipped). The file stays the one source; a test checks the table against the parsed plan.

use std::{env, fs, path::Path};

fn main() {
    let path = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("data/preregistration.json");
    println!("cargo:rerun-if-changed={}", path.display());
    let text = fs::read_to_string(&path).expect("data/preregistration.json is readable");
    let plan: serde_json::Value = serde_json::from_str(&text).expect("data/preregistration.json is JSON");
    let components = plan["usage_index"]["components"].as_object().expect("the plan has usage_index.components");
    let mut out =
        String::from("/// Each usage component's (name, threshold, at_most), from data/preregistration.json.\n");
    out += "pub const USAGE_THRESHOLDS: &[(&str, f64, bool)] = &[\n";
    for (name, c) in components {
        let threshold = c["threshold"].as_f64().expect("each usage component has a numeric threshold");
        let at_most = c["at_most"].as_bool().unwrap_or(false);
        out += &format!("    ({name:?}, {threshold:?}, {at_most}),\n");
    }
    out += "];\n";
    fs::write(Path::new(&env::var("OUT_DIR").expect("cargo sets it")).join("usage_thresholds.rs"), out)
        .expect("OUT_DIR is writable");
}
