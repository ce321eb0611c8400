//! Procedural stimuli, no downloads (docs/DESIGN.md 1.4).
//!
//! * Hand-drawn-looking **sketches** of ten categories: strokes (polylines) with a round cap,
//!   rendered anti-aliased by distance to segment, with random position, scale, rotation, stroke
//!   width, a smooth wobble of the stroke path, imperfect closures, polarity, background level,
//!   contrast, clutter strokes and pixel noise, so that a drawing made with a mouse or a finger
//!   on the page is in distribution.
//! * **Edge stimuli** labelled with one of eight orientation bins: bars and gratings.
//! * Clean **gratings**, **bars** and **white noise** for the experiments.
//!
//! Conventions: images are `SIDE`×`SIDE`, row-major (row 0 at the top), `f32` in [0, 1],
//! 0 black, 1 white. The pixel (x, y) covers [x, x+1)×[y, y+1) and is sampled at its centre
//! (x + 0.5, y + 0.5). Orientations are in radians, 0 a horizontal bar, growing
//! counter-clockwise as seen on screen (screen y points down, so a bar of orientation θ runs
//! along (cos θ, −sin θ) in pixel coordinates).
//!
//! Everything here is deterministic given the `Rng`, and uses neither threads, files nor time,
//! so it runs the same natively and in wasm. The shipped weights and results were made from
//! these pixels: `tests/stimuli.rs` holds them bit for bit.
//!
//! The files: `strokes` (the stroke vocabulary and the rasteriser), `drawings` (the ten
//! categories), `patterns` (edges, bars, gratings, noise); this file makes the data set from
//! them (`sample`) and names the page's presets (`preset`). Another kind of drawn stimulus
//! belongs in a file of its own beside `drawings.rs`, written in the same stroke vocabulary.

mod drawings;
mod patterns;
mod strokes;

pub use drawings::{sketch, Category, CATEGORIES};
use patterns::axes;
pub use patterns::{bar, edge, grating, white_noise};

use crate::rng::Rng;
use std::f32::consts::{PI, TAU};

/// Images are `SIDE`×`SIDE`.
pub const SIDE: usize = 64;
const N: usize = SIDE * SIDE;
const SIDE_F: f32 = SIDE as f32;

/// Orientation bin k means k × 22.5° (mod 180°).
pub const N_ORIENTATIONS: usize = 8;

/// One training or evaluation sample: a sketch (category set) or an edge (orientation set).
#[derive(Clone, Debug)]
pub struct Stimulus {
    pub pixels: Vec<f32>,
    /// The sketch's `Category::index`: its label for the category head.
    pub category: Option<usize>,
    pub orientation: Option<usize>,
}

/// The centre angle of orientation bin `bin`, in radians.
pub fn bin_angle(bin: usize) -> f32 {
    (bin % N_ORIENTATIONS) as f32 * PI / N_ORIENTATIONS as f32
}

// ---------------------------------------------------------------------------------------------
// The paper, shared by sketches and edges.

/// A sign, ±1, with equal probability.
fn sign(rng: &mut Rng) -> f32 {
    if rng.chance(0.5) {
        1.0
    } else {
        -1.0
    }
}

/// Add approximately Gaussian pixel noise (sum of four uniforms, rescaled: cheap and close
/// enough) and clip to [0, 1].
fn add_noise(img: &mut [f32], sd: f32, rng: &mut Rng) {
    if sd > 0.0 {
        // Sum of four uniforms on [0, 1) has variance 1/3; scale to unit variance.
        let k = sd * 3.0f32.sqrt() / 65536.0;
        for v in img.iter_mut() {
            let r = rng.next_u64();
            let s = (r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48);
            *v += (s as f32 - 2.0 * 65535.0) * k;
        }
    }
    for v in img.iter_mut() {
        *v = v.clamp(0.0, 1.0);
    }
}

/// Random foreground and background levels: about 30% light strokes on a dark ground.
fn levels(rng: &mut Rng, contrast_lo: f32, light_on_dark_p: f32) -> (f32, f32) {
    let c = rng.range(contrast_lo, 1.0);
    let slack = 1.0 - c;
    let off = slack * rng.uniform().powf(1.5);
    if rng.chance(light_on_dark_p) {
        (off, off + c) // (background, ink)
    } else {
        (1.0 - off, 1.0 - off - c)
    }
}

/// Sample number `index` of the data set named by `seed`, fully determined by (seed, index).
///
/// Classes are balanced exactly within blocks of consecutive indices (15 with edges: ten
/// sketches, one of each category, and five edges; 10 without), in an order shuffled per block;
/// the orientation bins of the edges cycle through the eight bins across blocks.
pub fn sample(seed: u64, index: u64, edges: bool) -> Stimulus {
    let nc = Category::ALL.len() as u64;
    let block_len = if edges { nc + 5 } else { nc };
    let block = index / block_len;
    let pos = (index % block_len) as usize;
    // The per-block order depends only on (seed, block).
    let mut order: Vec<usize> = (0..block_len as usize).collect();
    let mut br = Rng::fork(seed ^ 0x5EED_0FB1_0C00, block);
    for i in (1..order.len()).rev() {
        let j = br.below(i + 1);
        order.swap(i, j);
    }
    let slot = order[pos];
    let mut rng = Rng::fork(seed, index);
    if slot < nc as usize {
        let category = Category::ALL[slot];
        Stimulus { pixels: sketch(category, &mut rng), category: Some(category.index()), orientation: None }
    } else {
        let k = block * 5 + (slot - nc as usize) as u64;
        let bin = (k % N_ORIENTATIONS as u64) as usize;
        Stimulus { pixels: edge(bin, &mut rng), category: None, orientation: Some(bin) }
    }
}

/// A preset for the page's gallery: `name` is a category name, or "bars", "grating", "noise";
/// `variant` picks one of many. `None` for an unknown name.
/// The presets that are patterns rather than sketches (besides every category's name).
pub const PATTERNS: [&str; 3] = ["bars", "grating", "noise"];

pub fn preset(name: &str, variant: u64) -> Option<Vec<f32>> {
    const SEED: u64 = 0x6A11_E55E;
    let name = name.trim().to_ascii_lowercase();
    if let Ok(c) = Category::parse(&name) {
        let mut rng = Rng::fork(SEED + c.index() as u64, variant);
        return Some(sketch(c, &mut rng));
    }
    let mut rng = Rng::fork(SEED + 100, variant);
    let theta = bin_angle((variant % N_ORIENTATIONS as u64) as usize);
    match name.as_str() {
        "bars" => {
            let w = rng.range(2.0, 6.0);
            let off = rng.range(-10.0, 10.0);
            let (_, n) = axes(theta);
            Some(bar(theta, 32.0 + off * n[0], 32.0 + off * n[1], 52.0, w, (variant / 8) % 2 == 1))
        }
        "grating" => {
            let f = [0.06, 0.1, 0.15][((variant / 8) % 3) as usize];
            Some(grating(theta, rng.range(0.0, TAU), f, 1.0))
        }
        "noise" => Some(white_noise(0.25, &mut rng)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(img: &[f32]) -> bool {
        img.len() == N && img.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v))
    }

    #[test]
    fn deterministic_and_index_dependent() {
        for edges in [false, true] {
            for i in 0..40 {
                let a = sample(3, i, edges);
                let b = sample(3, i, edges);
                assert_eq!(a.pixels, b.pixels);
                assert_eq!(a.category, b.category);
                assert_eq!(a.orientation, b.orientation);
                let c = sample(3, i + 1, edges);
                assert_ne!(a.pixels, c.pixels);
                let s = sample(4, i, edges);
                assert_ne!(a.pixels, s.pixels);
            }
        }
    }

    #[test]
    fn values_finite_and_in_range() {
        for i in 0..600 {
            let s = sample(11, i, true);
            assert!(valid(&s.pixels), "sample {i}");
            assert!(s.category.is_some() != s.orientation.is_some());
        }
        let mut rng = Rng::new(5);
        for c in Category::ALL {
            for _ in 0..30 {
                assert!(valid(&sketch(c, &mut rng)));
            }
        }
        for b in 0..N_ORIENTATIONS {
            for _ in 0..30 {
                assert!(valid(&edge(b, &mut rng)));
            }
        }
        assert!(valid(&grating(0.3, 1.0, 0.1, 1.0)));
        assert!(valid(&bar(0.3, 10.0, 50.0, 200.0, 3.0, true)));
        assert!(valid(&white_noise(2.0, &mut rng)));
    }

    #[test]
    fn class_balance() {
        let n = 3000;
        let mut cats = [0usize; 10];
        let mut bins = [0usize; N_ORIENTATIONS];
        let mut edges = 0;
        for i in 0..n {
            let s = sample(21, i, true);
            match (s.category, s.orientation) {
                (Some(c), None) => cats[c] += 1,
                (None, Some(b)) => {
                    bins[b] += 1;
                    edges += 1
                }
                _ => panic!("bad labels"),
            }
        }
        assert!(cats.iter().all(|&c| c == 200), "{cats:?}");
        assert_eq!(edges, 1000);
        assert!(bins.iter().all(|&b| b == 125), "{bins:?}");
        let mut cats = [0usize; 10];
        for i in 0..3000 {
            let s = sample(22, i, false);
            assert!(s.orientation.is_none());
            cats[s.category.unwrap()] += 1;
        }
        assert!(cats.iter().all(|&c| c == 300), "{cats:?}");
        // Any window of 150 consecutive indices (not block-aligned) is nearly balanced too.
        let mut cats = [0usize; 10];
        for i in 7..157 {
            if let Some(c) = sample(23, i, true).category {
                cats[c] += 1;
            }
        }
        assert!(cats.iter().all(|&c| (9..=11).contains(&c)), "{cats:?}");
    }

    #[test]
    fn presets() {
        for c in CATEGORIES {
            let a = preset(c, 3).expect(c);
            assert!(valid(&a));
            assert_eq!(a, preset(c, 3).unwrap());
            assert_ne!(a, preset(c, 4).unwrap());
        }
        for n in PATTERNS {
            for v in 0..20 {
                assert!(valid(&preset(n, v).expect(n)));
            }
        }
        assert!(preset("dog", 0).is_none());
        assert!(preset("", 0).is_none());
    }

    #[test]
    fn uniform_never_nan() {
        let mut rng = Rng::new(0);
        for _ in 0..100_000 {
            let u = rng.uniform();
            assert!(!u.is_nan() && (0.0..1.0).contains(&u));
            assert!(rng.normal().is_finite());
        }
        let img = white_noise(0.3, &mut rng);
        assert!(valid(&img));
    }
}
