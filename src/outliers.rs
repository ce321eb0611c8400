//! Pictures that are none of the ten kinds (issue 12): procedural, seeded images with some of
//! the statistics of photographs and of what a reader can feed the page, made here and never
//! downloaded. Training shows them to the model as outliers (outlier exposure, Hendrycks et al.
//! 2019); a seed that no training run uses gives the held-out set the evaluation scores.
//!
//! Six families, one picked per image:
//! * **dead leaves**: discs and rectangles of random grey, each occluding the ones before, with
//!   sizes drawn from a power law (scale-invariant occlusion, as in natural scenes);
//! * **1/f noise**: value noise summed over octaves with amplitude growing with the scale;
//! * **textures**: plaids of gratings, checkerboards, dot lattices, wood grain;
//! * **smooth fields**: linear and radial gradients, and now and then a uniform field (the
//!   blank paper);
//! * **photograph-like composites**: a 1/f background, a few shaded or textured objects in
//!   front of it, a vignette;
//! * **pages of text**: rows of dark word-like blocks on light paper.
//!
//! Each then gets a camera's treatment at random: a slight blur, a gain and sensor noise.
//! Conventions as in `stimuli`: 64×64, row-major, values in [0, 1], 0 black. Deterministic in
//! (seed, index), with neither threads, files nor time.

use crate::rng::Rng;
use crate::stimuli::{Stimulus, SIDE};
use std::f32::consts::{PI, TAU};

const N: usize = SIDE * SIDE;

/// The held-out outliers the evaluation scores: a seed that no training run uses
/// ([`training_seed`] never returns it).
pub const EVAL_SEED: u64 = 0x0E75_E700_0000_0002;

/// The outliers a training run with data seed `data_seed` is shown: never [`EVAL_SEED`].
pub fn training_seed(data_seed: u64) -> u64 {
    let s = data_seed ^ 0x0A71_1E50_0000_0000;
    if s == EVAL_SEED {
        s + 1
    } else {
        s
    }
}

/// The families, in the order `kind` numbers them.
pub const KINDS: [&str; 6] = ["dead leaves", "1/f noise", "texture", "smooth field", "composite", "text"];

/// Outlier number `index` of the set named by `seed`: no category, no orientation.
pub fn sample(seed: u64, index: u64) -> Stimulus {
    let kind = (index % KINDS.len() as u64) as usize;
    Stimulus { pixels: image(kind, &mut Rng::fork(seed, index)), category: None, orientation: None }
}

/// One image of family `kind` (an index into [`KINDS`], taken modulo their number).
pub fn image(kind: usize, rng: &mut Rng) -> Vec<f32> {
    let mut img = match kind % KINDS.len() {
        0 => dead_leaves(rng),
        1 => {
            let beta = rng.range(0.6, 1.4);
            pink_noise(rng, beta)
        }
        2 => texture(rng),
        3 => smooth_field(rng),
        4 => composite(rng),
        _ => text_page(rng),
    };
    camera(&mut img, rng);
    img
}

/// The held-out photo-like scenes (issue 26): a seed of their own, and a family that is not in
/// [`KINDS`], so [`sample`] (and with it every training run) never draws one.
pub const SCENE_SEED: u64 = 0x5CE4_E500_0000_0003;

/// Scene number `index` of the set named by `seed`: objects lit from one side, standing on a
/// textured ground under a sky, with shading, cast shadows and continuous tones, then the same
/// camera as the other families. Only for measuring a score; never shown to training.
pub fn scene(seed: u64, index: u64) -> Stimulus {
    let mut rng = Rng::fork(seed, index);
    let mut img = lit_scene(&mut rng);
    camera(&mut img, &mut rng);
    Stimulus { pixels: img, category: None, orientation: None }
}

/// A smooth random function of the plane: value noise on an integer lattice, hashed from
/// `salt`, with smoothstep interpolation (cheap, and defined everywhere, for perspective).
fn lattice_noise(u: f32, v: f32, salt: u64) -> f32 {
    let at = |i: i64, j: i64| -> f32 {
        let mut h =
            salt ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (j as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        h ^= h >> 31;
        h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h ^= h >> 29;
        (h >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    };
    let (i, j) = (u.floor() as i64, v.floor() as i64);
    let smooth = |t: f32| t * t * (3.0 - 2.0 * t);
    let (tx, ty) = (smooth(u - u.floor()), smooth(v - v.floor()));
    let top = at(i, j) * (1.0 - tx) + at(i + 1, j) * tx;
    let bottom = at(i, j + 1) * (1.0 - tx) + at(i + 1, j + 1) * tx;
    top * (1.0 - ty) + bottom * ty
}

fn lit_scene(rng: &mut Rng) -> Vec<f32> {
    let horizon = rng.range(14.0, 40.0);
    let (sky_top, sky_low) = (rng.range(0.3, 1.0), rng.range(0.5, 1.0));
    let ground = rng.range(0.15, 0.7);
    let (grain, texture_amp, salt) = (rng.range(2.0, 8.0), rng.range(0.05, 0.25), rng.next_u64());
    let clouds = rng.range(0.0, 0.15);
    let mut img = vec![0.0f32; N];
    for (i, v) in img.iter_mut().enumerate() {
        let (x, y) = ((i % SIDE) as f32 + 0.5, (i / SIDE) as f32 + 0.5);
        *v = if y < horizon {
            let t = y / horizon;
            sky_top + (sky_low - sky_top) * t + clouds * lattice_noise(x / 12.0, y / 6.0, salt ^ 1)
        } else {
            // Texture recedes towards the horizon: its lattice grows finer with distance.
            let depth = (y - horizon + 1.0) / (SIDE as f32 - horizon + 1.0);
            let (u, w) = ((x - 32.0) / (grain * depth * 4.0), 1.0 / depth);
            ground * (0.8 + 0.2 * depth)
                + texture_amp * (lattice_noise(u, w * 3.0, salt) + 0.5 * lattice_noise(2.0 * u, w * 6.0, salt ^ 2))
        };
    }
    // Light from the left or the right, above; shadows fall the other way.
    let light = [rng.range(-0.8, 0.8), -rng.range(0.3, 0.9), rng.range(0.4, 0.9)];
    let norm = (light[0] * light[0] + light[1] * light[1] + light[2] * light[2]).sqrt();
    let light = [light[0] / norm, light[1] / norm, light[2] / norm];
    // Objects: their bases on the ground, far ones first so near ones cover them.
    let mut bases: Vec<(f32, f32)> =
        (0..1 + rng.below(4)).map(|_| (rng.range(4.0, 60.0), rng.range(horizon + 2.0, 62.0))).collect();
    bases.sort_by(|a, b| a.1.total_cmp(&b.1));
    for (bx, by) in bases {
        let near = (by - horizon) / (SIDE as f32 - horizon);
        let size = rng.range(5.0, 16.0) * (0.4 + near);
        let albedo = rng.range(0.2, 1.0);
        let ambient = rng.range(0.15, 0.4);
        let speckle = if rng.chance(0.4) { rng.range(0.05, 0.2) } else { 0.0 };
        let salt = rng.next_u64();
        // Cast shadow: a dark ellipse on the ground, away from the light.
        let shade = rng.range(0.4, 0.75);
        let (sx, sy) = (bx - light[0] * size * 0.8, by + 0.1 * size);
        paint_with(&mut img, ellipse(sx, sy, size * 1.1, size * 0.3, 0.0), |v, _, _| v * shade);
        let lit =
            |n: [f32; 3]| ambient + (1.0 - ambient) * (n[0] * light[0] + n[1] * light[1] + n[2] * light[2]).max(0.0);
        let tex = |x: f32, y: f32| 1.0 + speckle * lattice_noise(x / 1.5, y / 1.5, salt);
        match rng.below(3) {
            0 => {
                // A sphere resting on the ground.
                let (cx, cy, r) = (bx, by - size, size);
                paint_with(&mut img, ellipse(cx, cy, r, r, 0.0), |_, x, y| {
                    let (u, w) = ((x - cx) / r, (y - cy) / r);
                    let z = (1.0 - u * u - w * w).max(0.0).sqrt();
                    albedo * lit([u, w, z]) * tex(x, y)
                });
            }
            1 => {
                // A box seen a little from above: a front face, a side face and a top.
                let (hw, h) = (size * rng.range(0.6, 1.2), size * rng.range(1.0, 2.2));
                let side = size * rng.range(0.3, 0.7) * if light[0] > 0.0 { -1.0 } else { 1.0 };
                let top = size * rng.range(0.2, 0.4);
                let front = albedo * lit([0.0, 0.0, 1.0]);
                let flank = albedo * lit([side.signum(), 0.0, 0.3]);
                let cap = albedo * lit([0.0, -1.0, 0.4]);
                let (x0, x1, y0) = (bx - hw, bx + hw, by - h);
                let flank_x = if side > 0.0 { x1 + side / 2.0 } else { x0 + side / 2.0 };
                let flank_shape = rectangle(flank_x, by - h / 2.0 - top / 2.0, side.abs() / 2.0, h / 2.0, 0.0);
                paint_with(&mut img, flank_shape, |_, x, y| flank * tex(x, y));
                paint_with(&mut img, rectangle(bx + side / 2.0, y0 - top / 2.0, hw, top / 2.0, 0.0), |_, x, y| {
                    cap * tex(x, y)
                });
                paint_with(&mut img, rectangle(bx, by - h / 2.0, (x1 - x0) / 2.0, h / 2.0, 0.0), |_, x, y| {
                    // A soft gradient down the face, as light falls off towards the ground.
                    front * (1.0 - 0.25 * ((y - y0) / h)) * tex(x, y)
                });
            }
            _ => {
                // An upright cylinder: shaded across its width, a lighter ellipse on top.
                let (r, h) = (size * rng.range(0.4, 0.9), size * rng.range(1.2, 3.0));
                paint_with(&mut img, rectangle(bx, by - h / 2.0, r, h / 2.0, 0.0), |_, x, y| {
                    let u = ((x - bx) / r).clamp(-1.0, 1.0);
                    albedo * lit([u, 0.0, (1.0 - u * u).sqrt()]) * tex(x, y)
                });
                let cap = albedo * lit([0.0, -1.0, 0.3]);
                paint_with(&mut img, ellipse(bx, by - h, r, r * 0.3, 0.0), |_, x, y| cap * tex(x, y));
            }
        }
    }
    for v in img.iter_mut() {
        *v = v.clamp(0.0, 1.0);
    }
    img
}

/// Like [`paint`], with a level that varies over the shape: `level(old, x, y)`.
fn paint_with(img: &mut [f32], inside: impl Fn(f32, f32) -> f32, level: impl Fn(f32, f32, f32) -> f32) {
    for y in 0..SIDE {
        for x in 0..SIDE {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let c = inside(px, py);
            if c > 0.0 {
                let v = &mut img[y * SIDE + x];
                *v += c * (level(*v, px, py) - *v);
            }
        }
    }
}

/// A soft inside test: 1 well inside (d < -0.5), 0 well outside, linear over one pixel.
fn coverage(signed_distance: f32) -> f32 {
    (0.5 - signed_distance).clamp(0.0, 1.0)
}

fn paint(img: &mut [f32], level: f32, inside: impl Fn(f32, f32) -> f32) {
    for y in 0..SIDE {
        for x in 0..SIDE {
            let c = inside(x as f32 + 0.5, y as f32 + 0.5);
            if c > 0.0 {
                let v = &mut img[y * SIDE + x];
                *v += c * (level - *v);
            }
        }
    }
}

/// Signed distance (pixels) to an ellipse's outline, approximated by scaling.
fn ellipse(cx: f32, cy: f32, rx: f32, ry: f32, angle: f32) -> impl Fn(f32, f32) -> f32 {
    let (s, c) = angle.sin_cos();
    move |x, y| {
        let (dx, dy) = (x - cx, y - cy);
        let (u, v) = (c * dx + s * dy, -s * dx + c * dy);
        let r = ((u / rx).powi(2) + (v / ry).powi(2)).sqrt();
        coverage((r - 1.0) * rx.min(ry))
    }
}

fn rectangle(cx: f32, cy: f32, hw: f32, hh: f32, angle: f32) -> impl Fn(f32, f32) -> f32 {
    let (s, c) = angle.sin_cos();
    move |x, y| {
        let (dx, dy) = (x - cx, y - cy);
        let (u, v) = (c * dx + s * dy, -s * dx + c * dy);
        coverage((u.abs() - hw).max(v.abs() - hh))
    }
}

/// Scale-invariant occlusion: shapes with radius from a power law (density ∝ r⁻³), so
/// there are many small ones and a few large ones.
fn dead_leaves(rng: &mut Rng) -> Vec<f32> {
    let mut img = vec![rng.uniform(); N];
    let (r_min, r_max) = (rng.range(1.5, 3.0), rng.range(12.0, 40.0));
    let count = 40 + rng.below(160);
    for _ in 0..count {
        // Inverse CDF of p(r) ∝ r⁻³ on [r_min, r_max].
        let u = rng.uniform();
        let r = 1.0 / (1.0 / r_min.powi(2) - u * (1.0 / r_min.powi(2) - 1.0 / r_max.powi(2))).sqrt();
        let (cx, cy) = (rng.range(-8.0, 72.0), rng.range(-8.0, 72.0));
        let level = rng.uniform();
        let angle = rng.range(0.0, PI);
        if rng.chance(0.6) {
            paint(&mut img, level, ellipse(cx, cy, r, r * rng.range(0.5, 1.0), angle));
        } else {
            paint(&mut img, level, rectangle(cx, cy, r, r * rng.range(0.3, 1.0), angle));
        }
    }
    img
}

/// Value noise: a random grid of cell `cell` pixels, bilinearly interpolated.
fn value_noise(cell: usize, rng: &mut Rng) -> Vec<f32> {
    let g = SIDE / cell + 2;
    let grid: Vec<f32> = (0..g * g).map(|_| rng.normal()).collect();
    let mut out = vec![0.0; N];
    for y in 0..SIDE {
        for x in 0..SIDE {
            let (fx, fy) = (x as f32 / cell as f32, y as f32 / cell as f32);
            let (ix, iy) = (fx as usize, fy as usize);
            let (tx, ty) = (fx - ix as f32, fy - iy as f32);
            let at = |i: usize, j: usize| grid[j * g + i];
            let top = at(ix, iy) * (1.0 - tx) + at(ix + 1, iy) * tx;
            let bottom = at(ix, iy + 1) * (1.0 - tx) + at(ix + 1, iy + 1) * tx;
            out[y * SIDE + x] = top * (1.0 - ty) + bottom * ty;
        }
    }
    out
}

/// Noise with power falling with spatial frequency (amplitude ∝ scale^`beta`; `beta` = 1
/// is the 1/f amplitude spectrum of natural images), stretched to a random range.
fn pink_noise(rng: &mut Rng, beta: f32) -> Vec<f32> {
    let mut sum = vec![0.0f32; N];
    for cell in [1usize, 2, 4, 8, 16, 32] {
        let amp = (cell as f32).powf(beta);
        for (s, v) in sum.iter_mut().zip(value_noise(cell, rng)) {
            *s += amp * v;
        }
    }
    stretch(&mut sum, rng);
    sum
}

/// Maps an image linearly onto a random sub-range of [0, 1].
fn stretch(img: &mut [f32], rng: &mut Rng) {
    let (lo, hi) = img.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let contrast = rng.range(0.3, 1.0);
    let base = rng.range(0.0, 1.0 - contrast);
    let span = (hi - lo).max(1e-6);
    for v in img.iter_mut() {
        *v = base + contrast * (*v - lo) / span;
    }
}

fn texture(rng: &mut Rng) -> Vec<f32> {
    let mut img = vec![0.0f32; N];
    match rng.below(4) {
        0 => {
            // A plaid: two to four gratings of any orientation and frequency.
            for _ in 0..2 + rng.below(3) {
                let (theta, f, phase) = (rng.range(0.0, PI), rng.range(0.05, 0.35), rng.range(0.0, TAU));
                let (s, c) = theta.sin_cos();
                let a = rng.range(0.3, 1.0);
                for (i, v) in img.iter_mut().enumerate() {
                    let (x, y) = ((i % SIDE) as f32, (i / SIDE) as f32);
                    *v += a * (TAU * f * (c * x + s * y) + phase).sin();
                }
            }
        }
        1 => {
            // A checkerboard, rotated.
            let (cell, theta) = (rng.range(3.0, 12.0), rng.range(0.0, PI));
            let (s, c) = theta.sin_cos();
            for (i, v) in img.iter_mut().enumerate() {
                let (x, y) = ((i % SIDE) as f32, (i / SIDE) as f32);
                let (u, w) = ((c * x + s * y) / cell, (-s * x + c * y) / cell);
                *v = ((u.floor() + w.floor()).rem_euclid(2.0) - 0.5) * 2.0;
            }
        }
        2 => {
            // A lattice of dots, jittered.
            let (step, r) = (rng.range(5.0, 12.0), rng.range(1.0, 3.0));
            let jitter = rng.range(0.0, 0.4) * step;
            let n = (SIDE as f32 / step) as usize + 2;
            for j in 0..n {
                for i in 0..n {
                    let cx = i as f32 * step + rng.range(-jitter, jitter);
                    let cy = j as f32 * step + rng.range(-jitter, jitter);
                    paint(&mut img, 1.0, ellipse(cx, cy, r, r, 0.0));
                }
            }
        }
        _ => {
            // Wood grain: a grating bent by low-frequency noise.
            let warp = value_noise(16, rng);
            let (f, theta) = (rng.range(0.08, 0.25), rng.range(0.0, PI));
            let (s, c) = theta.sin_cos();
            let k = rng.range(4.0, 12.0);
            for (i, v) in img.iter_mut().enumerate() {
                let (x, y) = ((i % SIDE) as f32, (i / SIDE) as f32);
                *v = (TAU * f * (c * x + s * y + k * warp[i])).sin();
            }
        }
    }
    stretch(&mut img, rng);
    img
}

fn smooth_field(rng: &mut Rng) -> Vec<f32> {
    let (a, b) = (rng.uniform(), rng.uniform());
    if rng.chance(0.15) {
        // Blank paper, or a wall: one level everywhere.
        return vec![a; N];
    }
    let radial = rng.chance(0.4);
    let (theta, cx, cy) = (rng.range(0.0, TAU), rng.range(0.0, 64.0), rng.range(0.0, 64.0));
    let (s, c) = theta.sin_cos();
    (0..N)
        .map(|i| {
            let (x, y) = ((i % SIDE) as f32, (i / SIDE) as f32);
            let t = if radial {
                ((x - cx).hypot(y - cy) / 64.0).min(1.0)
            } else {
                ((c * (x - 32.0) + s * (y - 32.0)) / 64.0 + 0.5).clamp(0.0, 1.0)
            };
            a + (b - a) * t
        })
        .collect()
}

/// A 1/f background with a few objects in front, each flat, shaded or textured, and a
/// vignette: the layout of a snapshot, without any of the ten kinds in it.
fn composite(rng: &mut Rng) -> Vec<f32> {
    let beta = rng.range(1.0, 1.6);
    let mut img = pink_noise(rng, beta);
    for _ in 0..1 + rng.below(4) {
        let (cx, cy) = (rng.range(8.0, 56.0), rng.range(8.0, 56.0));
        let (rx, ry) = (rng.range(6.0, 26.0), rng.range(6.0, 26.0));
        let angle = rng.range(0.0, PI);
        let fill = match rng.below(3) {
            0 => vec![rng.uniform(); N],
            1 => smooth_field(rng),
            _ => texture(rng),
        };
        let shape: Box<dyn Fn(f32, f32) -> f32> = if rng.chance(0.5) {
            Box::new(ellipse(cx, cy, rx, ry, angle))
        } else {
            Box::new(rectangle(cx, cy, rx, ry, angle))
        };
        for (i, v) in img.iter_mut().enumerate() {
            let c = shape((i % SIDE) as f32 + 0.5, (i / SIDE) as f32 + 0.5);
            *v += c * (fill[i] - *v);
        }
    }
    let strength = rng.range(0.0, 0.5);
    for (i, v) in img.iter_mut().enumerate() {
        let (x, y) = ((i % SIDE) as f32 - 31.5, (i / SIDE) as f32 - 31.5);
        *v *= 1.0 - strength * (x * x + y * y) / (2.0 * 32.0 * 32.0);
    }
    img
}

/// A page of text: rows of word-like dark blocks on light paper.
fn text_page(rng: &mut Rng) -> Vec<f32> {
    let paper = rng.range(0.7, 1.0);
    let ink = rng.range(0.0, 0.4);
    let mut img = vec![paper; N];
    let (line, height) = (rng.range(4.0, 9.0), rng.range(1.5, 3.5));
    let margin = rng.range(2.0, 10.0);
    let mut y = margin;
    while y + height < 64.0 - margin * 0.5 {
        let mut x = margin;
        let end = 64.0 - margin * rng.range(0.5, 1.0);
        while x < end {
            let w = rng.range(2.0, 10.0).min(end - x);
            let level = ink + rng.range(0.0, 0.2);
            paint(&mut img, level, rectangle(x + w / 2.0, y + height / 2.0, w / 2.0, height / 2.0, 0.0));
            x += w + rng.range(1.5, 3.5);
        }
        y += line;
    }
    img
}

/// What a camera adds: now and then a slight blur, always a gain and some sensor noise.
fn camera(img: &mut [f32], rng: &mut Rng) {
    if rng.chance(0.4) {
        let src = img.to_vec();
        for y in 0..SIDE {
            for x in 0..SIDE {
                let (mut s, mut n) = (0.0, 0.0);
                for yy in y.saturating_sub(1)..(y + 2).min(SIDE) {
                    for xx in x.saturating_sub(1)..(x + 2).min(SIDE) {
                        s += src[yy * SIDE + xx];
                        n += 1.0;
                    }
                }
                img[y * SIDE + x] = s / n;
            }
        }
    }
    let gain = rng.range(0.7, 1.1);
    let noise = rng.range(0.0, 0.04);
    for v in img.iter_mut() {
        *v = (*v * gain + noise * rng.normal()).clamp(0.0, 1.0);
        if !v.is_finite() {
            *v = 0.5;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_deterministic_and_in_range() {
        for i in 0..60 {
            let a = sample(7, i);
            assert_eq!(a.pixels, sample(7, i).pixels, "index {i}");
            assert_ne!(a.pixels, sample(8, i).pixels, "index {i}");
            assert!(a.category.is_none() && a.orientation.is_none());
            assert_eq!(a.pixels.len(), N);
            assert!(a.pixels.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v)), "index {i}");
        }
    }

    #[test]
    fn every_family_is_drawn_and_has_structure() {
        for (kind, name) in KINDS.iter().enumerate() {
            // Most images of every family vary (the smooth fields are sometimes uniform, on purpose).
            let varied = (0..20)
                .filter(|&i| {
                    let img = image(kind, &mut Rng::fork(3, i));
                    let mean = img.iter().sum::<f32>() / N as f32;
                    img.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / N as f32 > 1e-4
                })
                .count();
            assert!(varied >= 14, "{name}: only {varied} of 20 images vary");
        }
    }

    #[test]
    fn scenes_are_seeded_in_range_and_never_drawn_by_training() {
        for i in 0..20 {
            let a = scene(SCENE_SEED, i);
            assert_eq!(a.pixels, scene(SCENE_SEED, i).pixels);
            assert_ne!(a.pixels, scene(SCENE_SEED, i + 1).pixels);
            assert!(a.pixels.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v)), "scene {i}");
            // Continuous tones: many distinct grey levels, unlike strokes on paper.
            let mut levels: Vec<u32> = a.pixels.iter().map(|v| (v * 255.0) as u32).collect();
            levels.sort();
            levels.dedup();
            assert!(levels.len() > 40, "scene {i}: {} levels", levels.len());
        }
        for data_seed in 0..10_000u64 {
            assert_ne!(training_seed(data_seed), SCENE_SEED);
        }
        assert_ne!(SCENE_SEED, EVAL_SEED);
    }

    #[test]
    fn the_held_out_seed_is_never_a_training_seed() {
        for data_seed in 0..10_000u64 {
            assert_ne!(training_seed(data_seed), EVAL_SEED);
            assert_ne!(training_seed(crate::train::train_data_seed(data_seed)), EVAL_SEED);
        }
    }
}
