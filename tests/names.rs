//! The page's names (www/js/names.js) against the core's typed ids: the JavaScript lists are
//! checked here rather than generated, so the page needs no build step; this test fails,
//! naming the list, when one side changes without the other. The rule that goes with it, that
//! no other page module spells out one of these lists again, is tests/page/names.test.mjs's:
//! it parses the JavaScript, so a copy is found however it is written.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use ventral_stream::experiments::Experiment;
use ventral_stream::model::{Model, WIDTHS};
use ventral_stream::names::{Layer, Station, Wiring};
use ventral_stream::stimuli::PATTERNS;
use ventral_stream::variant::Variant;
use ventral_stream::{input, retina};

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

/// The numbers of `export const NAME = [a, b, …];` in the JavaScript source.
fn exported_numbers(js: &str, name: &str) -> Vec<usize> {
    let start = js.find(&format!("export const {name} = [")).unwrap_or_else(|| panic!("names.js exports no {name}"));
    let body = &js[start..];
    body[body.find('[').unwrap() + 1..body.find(']').unwrap()]
        .split(',')
        .map(|n| n.trim().parse().unwrap_or_else(|_| panic!("{name} holds {n:?}, not a number")))
        .collect()
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
        ("ALL_WIRINGS", names(&Wiring::ALL, Wiring::name)),
        ("PRESET_KINDS", PATTERNS.map(String::from).to_vec()),
        ("EXPERIMENTS", names(Experiment::ALL, Experiment::name)),
        ("CLAIM_IDS", names(Experiment::ALL, Experiment::claim_id)),
        ("VARIANTS", names(&Variant::ALL, Variant::name)),
    ];
    for (list, core) in pairs {
        assert_eq!(exported_strings(&js, list), core, "www/js/names.js {list} differs from the core's");
    }
    assert_eq!(exported_numbers(&js, "WIDTHS"), WIDTHS, "www/js/names.js WIDTHS differs from the core's");
    // Each station's side, as a run of the model has it.
    let model = Model::init(Wiring::Stream, 1);
    let trace = model.forward(retina::lgn(&vec![0.5; input::SIDE * input::SIDE]));
    let sides: Vec<usize> = trace.stations.iter().map(|s| s.l5.side).collect();
    assert_eq!(exported_numbers(&js, "STATION_SIDES"), sides, "www/js/names.js STATION_SIDES differs from the model's");
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
    for &e in Experiment::ALL {
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
