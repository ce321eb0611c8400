//! The experiments' outputs as the page reads them (issue 21): each output type holds every
//! field of the shipped results, and its TypeScript declaration in www/js/types/generated/ is
//! the one ts-rs writes from it, so `tsc` (./build.sh lint) checks each figure against the
//! type the Rust core writes.
//!
//! After changing an output type: `TYPES_WRITE=1 cargo test --release --test typescript`
//! writes the declarations again; commit them with the change.

// ts-rs is a native dependency: the declarations are written and checked natively only.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use ventral_stream::experiments::Experiment;

const GENERATED: &str = "www/js/types/generated";

/// Every declaration file below `dir`, by its path relative to `dir`.
fn files(dir: &Path) -> BTreeMap<PathBuf, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let text = std::fs::read_to_string(&path).expect("a declaration file reads");
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), text);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The declarations ts-rs writes from the output types of every experiment in the registry.
fn declared() -> BTreeMap<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("ventral-stream-types-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // Counts and indices are usize, which ts-rs would call bigint: in JSON they are numbers.
    let cfg = ts_rs::Config::new().with_out_dir(&dir).with_large_int("number");
    for e in Experiment::ALL {
        (e.row().declare)(&cfg).unwrap_or_else(|err| panic!("{}: {err}", e.name()));
    }
    let out = files(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    out
}

#[test]
fn the_committed_declarations_are_the_ones_the_output_types_give() {
    let want = declared();
    assert!(!want.is_empty());
    if std::env::var_os("TYPES_WRITE").is_some() {
        let _ = std::fs::remove_dir_all(GENERATED);
        for (path, text) in &want {
            let to = Path::new(GENERATED).join(path);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::write(&to, text).unwrap();
        }
    }
    // Each experiment's figure imports NAME/Output.ts.
    let roots: Vec<_> = Experiment::ALL
        .iter()
        .filter(|e| !want.contains_key(&Path::new(e.name()).join("Output.ts")))
        .map(|e| e.name())
        .collect();
    assert!(roots.is_empty(), "no NAME/Output.ts declared for {roots:?} (ts(export_to = \"NAME/\") on its Output)");
    let have = files(Path::new(GENERATED));
    let stale: Vec<_> =
        want.iter().filter(|(p, t)| have.get(*p) != Some(t)).map(|(p, _)| p.display().to_string()).collect();
    let extra: Vec<_> = have.keys().filter(|p| !want.contains_key(*p)).map(|p| p.display().to_string()).collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "{GENERATED} is not what the output types declare (stale or missing: {stale:?}; no longer declared: {extra:?}); \
         write it again with TYPES_WRITE=1 cargo test --release --test typescript"
    );
}

/// The keys the runner adds to an output it keeps (results.rs `kept`): not the experiment's.
const RUNNER_KEYS: [&str; 3] = ["experiment", "seed", "size"];

#[test]
fn every_shipped_output_reads_back_through_its_type_unchanged() {
    for e in Experiment::ALL {
        let path = format!("www/data/results/{}.json", e.name());
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut example = file["example"].clone();
        let map = example.as_object_mut().unwrap_or_else(|| panic!("{path}: no example"));
        for key in RUNNER_KEYS {
            map.remove(key);
        }
        let again = (e.row().retyped)(&example).unwrap_or_else(|err| panic!("{path}: {err}"));
        assert!(again == example, "{path}: its output type drops or changes a field of the shipped output");
    }
}

/// The round trip can fail: a field the type does not hold is dropped, and the test sees it.
#[test]
fn a_field_the_type_does_not_hold_is_seen() {
    let e = Experiment::Gating;
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("www/data/results/{}.json", e.name())).unwrap()).unwrap();
    let mut example = file["example"].clone();
    for key in RUNNER_KEYS {
        example.as_object_mut().unwrap().remove(key);
    }
    example["stations"][0]["a_field_nobody_declared"] = Value::from(1.0);
    let again = (e.row().retyped)(&example).unwrap();
    assert!(again != example);
}
