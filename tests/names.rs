//! The page's names (www/js/names.js) against the core's typed ids: the JavaScript lists are
//! checked here rather than generated, so the page needs no build step; this test fails,
//! naming the list, when one side changes without the other. It also checks the rule that
//! goes with it: no other page module spells out a list of wirings or stations again.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use ventral_stream::experiments::Experiment;
use ventral_stream::names::{Layer, Station, Wiring};

fn www_js() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("www/js")
}

/// The string literals of `export const NAME = …;` in the JavaScript source, in order.
fn exported_strings(js: &str, name: &str) -> Vec<String> {
    let start = js.find(&format!("export const {name} = ")).unwrap_or_else(|| panic!("names.js exports no {name}"));
    let body = &js[start..];
    let body = &body[..body.find(';').expect("a statement ends")];
    body.split('\'').skip(1).step_by(2).map(str::to_string).collect()
}

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|&t| name(t).to_string()).collect()
}

#[test]
fn the_pages_names_are_the_cores() {
    let js = std::fs::read_to_string(www_js().join("names.js")).unwrap();
    let pairs = [
        ("WIRINGS", names(&Wiring::SHOWN, Wiring::name)),
        ("STATIONS", names(&Station::ALL, Station::name)),
        ("LAYERS", names(&Layer::ALL, Layer::name)),
        ("CELL_LAYERS", names(&Layer::CELLS, Layer::name)),
        ("RATE_LAYERS", names(&Layer::RATES, Layer::name)),
        ("EXPERIMENTS", names(&Experiment::ALL, Experiment::name)),
    ];
    for (list, core) in pairs {
        assert_eq!(exported_strings(&js, list), core, "www/js/names.js {list} differs from the core's");
    }
    // The labels: one for every layer, keyed by the core's names ({ l4: 'L4', … }).
    let labels = exported_strings(&js, "LAYER_LABELS");
    let start = js.find("export const LAYER_LABELS").unwrap();
    let keys: BTreeSet<String> = js[start..start + js[start..].find(';').unwrap()]
        .split(['{', ','])
        .skip(1)
        .filter_map(|kv| kv.split(':').next().map(|k| k.trim().to_string()))
        .collect();
    assert_eq!(keys, names(&Layer::ALL, Layer::name).into_iter().collect(), "LAYER_LABELS keys: {labels:?}");
}

#[test]
fn every_experiment_has_its_figure_module() {
    for e in Experiment::ALL {
        let module = www_js().join("experiments").join(format!("{}.js", e.name()));
        let src = std::fs::read_to_string(&module).unwrap_or_else(|_| panic!("no {}", module.display()));
        assert!(
            src.contains(&format!("name: '{}'", e.name())),
            "{} does not name itself {}",
            module.display(),
            e.name()
        );
    }
}

#[test]
fn no_other_page_module_spells_out_the_lists() {
    let lists = ["'stream', 'hierarchy'", "'V1', 'V2', 'V4', 'IT'", "'l4', 'l23'", "'edge-probe', 'variability'"];
    let mut files = Vec::new();
    let mut dirs = vec![www_js()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "js") && p.file_name().is_some_and(|n| n != "names.js") {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 20, "found only {} page modules", files.len());
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        for list in lists {
            assert!(!src.contains(list), "{} spells out [{list}, …]: import it from names.js", f.display());
        }
    }
}

/// The page refuses an image over the same number of pixels as the command line: its
/// `MAX_PIXELS` (www/js/figures/inputpanel.js, needed before the wasm has read the file's
/// header) is `input::MAX_PIXELS`, written once more in JavaScript and checked here.
#[test]
fn the_page_s_pixel_limit_is_the_core_s() {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/js/figures/inputpanel.js")).unwrap();
    let line =
        js.lines().find(|l| l.starts_with("export const MAX_PIXELS = ")).expect("inputpanel.js exports MAX_PIXELS");
    let digits: String =
        line["export const MAX_PIXELS = ".len()..].chars().take_while(|c| c.is_ascii_digit() || *c == '_').collect();
    let page: usize = digits.replace('_', "").parse().unwrap();
    assert_eq!(page, ventral_stream::input::MAX_PIXELS);
}
