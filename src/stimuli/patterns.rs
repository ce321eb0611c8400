//! Edges, bars, gratings and noise: the edge task's stimuli (labelled with an orientation bin)
//! and the experiments' clean probes.

use super::strokes::P;
use super::{add_noise, bin_angle, levels, sign, N, SIDE, SIDE_F};
use crate::rng::Rng;
use std::f32::consts::TAU;

/// Unit vectors along (d) and across (n) a bar of orientation `theta`, in pixel coordinates.
pub(crate) fn axes(theta: f32) -> (P, P) {
    let (c, s) = (theta.cos(), theta.sin());
    ([c, -s], [s, c])
}

/// Soft coverage of |u| ≤ half, with an edge `soft` pixels wide.
fn soft_in(u: f32, half: f32, soft: f32) -> f32 {
    ((half - u.abs()) / soft + 0.5).clamp(0.0, 1.0)
}

/// An edge stimulus with orientation bin `bin`: one long bar, two or three parallel bars, or a
/// grating patch; random position, phase, spatial frequency, contrast and polarity, the
/// orientation jittered within ±5° of the bin centre, plus pixel noise.
pub fn edge(bin: usize, rng: &mut Rng) -> Vec<f32> {
    let theta = bin_angle(bin) + rng.range(-5.0, 5.0).to_radians();
    let (d, n) = axes(theta);
    let contrast = rng.range(0.2, 1.0);
    let kind = rng.uniform();
    let mut img = vec![0.0f32; N];
    let h = 0.5 * SIDE_F;
    if kind < 0.6 {
        // Bars.
        let count = if kind < 0.35 { 1 } else { 2 + rng.below(2) };
        let width = rng.range(1.5, 6.0);
        let soft = rng.range(0.6, 1.6);
        let gap = rng.range(width + 3.0, 3.0 * width + 8.0);
        let length = rng.range(48.0, 90.0);
        let span = gap * (count - 1) as f32;
        let off = rng.range(-18.0, 18.0) * (1.0 - span / 40.0).max(0.2);
        let along = rng.range(-8.0, 8.0);
        let cx = h + n[0] * off + d[0] * along;
        let cy = h + n[1] * off + d[1] * along;
        let (bg, fg) = levels(rng, 0.2, 0.5);
        let (bg, fg) = {
            // levels() draws its own contrast; impose ours, keeping the polarity.
            let pol = if fg > bg { 1.0 } else { -1.0 };
            let base = if pol > 0.0 { bg.min(1.0 - contrast) } else { bg.max(contrast) };
            (base, base + pol * contrast)
        };
        for y in 0..SIDE {
            for x in 0..SIDE {
                let (px, py) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
                let u = px * n[0] + py * n[1];
                let v = px * d[0] + py * d[1];
                let mut c: f32 = 0.0;
                for b in 0..count {
                    let ub = u - (b as f32 * gap - 0.5 * span);
                    c = c.max(soft_in(ub, 0.5 * width, soft));
                }
                c *= soft_in(v, 0.5 * length, soft);
                let v = bg + (fg - bg) * c;
                img[y * SIDE + x] = if v.is_finite() { v.clamp(0.0, 1.0) } else { bg };
            }
        }
    } else {
        // Grating, sinusoidal or square, in a circular window or full field.
        let f = rng.range(0.04, 0.2);
        let phase = rng.range(0.0, TAU);
        let square = rng.chance(0.35);
        let sharp = rng.range(3.0, 10.0);
        let full = rng.chance(0.4);
        let radius = rng.range(14.0, 30.0);
        let wx = rng.range(radius * 0.6, SIDE_F - radius * 0.6);
        let wy = rng.range(radius * 0.6, SIDE_F - radius * 0.6);
        let amp = 0.5 * contrast;
        let mean = rng.range(amp, 1.0 - amp);
        let sign_ = sign(rng);
        for y in 0..SIDE {
            for x in 0..SIDE {
                let (px, py) = (x as f32 + 0.5 - h, y as f32 + 0.5 - h);
                let u = px * n[0] + py * n[1];
                let mut s = (TAU * f * u + phase).cos();
                if square {
                    s = (s * sharp).clamp(-1.0, 1.0);
                }
                let w = if full {
                    1.0
                } else {
                    let r = ((x as f32 + 0.5 - wx).powi(2) + (y as f32 + 0.5 - wy).powi(2)).sqrt();
                    soft_in(r, radius, 2.0)
                };
                img[y * SIDE + x] = mean + sign_ * amp * s * w;
            }
        }
    }
    let sd = rng.range(0.0, 0.08);
    add_noise(&mut img, sd, rng);
    img
}

/// A non-finite parameter becomes 0.
fn finite(v: f32) -> f32 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

/// A full-field sinusoidal grating: `orientation` in radians (0 = horizontal bars, counter-
/// clockwise on screen), `phase` in radians (at the image centre), `cycles_per_pixel`, and
/// Michelson `contrast` in [0, 1] around a mean of 0.5.
pub fn grating(orientation: f32, phase: f32, cycles_per_pixel: f32, contrast: f32) -> Vec<f32> {
    // Parameters come from experiments and from the page: a non-finite one
    // reads as 0 (found by the stimuli fuzz target).
    let [orientation, phase, cycles_per_pixel, contrast] = [orientation, phase, cycles_per_pixel, contrast].map(finite);
    let (_, n) = axes(orientation);
    let h = 0.5 * SIDE_F;
    let amp = 0.5 * contrast.clamp(0.0, 1.0);
    let mut img = vec![0.0f32; N];
    for y in 0..SIDE {
        for x in 0..SIDE {
            let u = (x as f32 + 0.5 - h) * n[0] + (y as f32 + 0.5 - h) * n[1];
            let v = 0.5 + amp * (TAU * cycles_per_pixel * u + phase).cos();
            // Huge (finite) parameters can still overflow to NaN: mean grey.
            img[y * SIDE + x] = if v.is_finite() { v.clamp(0.0, 1.0) } else { 0.5 };
        }
    }
    img
}

/// A single bar: `orientation` in radians (same convention), centre (`cx`, `cy`) in pixels,
/// `length` and `width` in pixels, anti-aliased edges. `light_on_dark`: a white bar (1) on
/// black (0); otherwise a black bar on white.
pub fn bar(orientation: f32, cx: f32, cy: f32, length: f32, width: f32, light_on_dark: bool) -> Vec<f32> {
    let [orientation, cx, cy, length, width] = [orientation, cx, cy, length, width].map(finite);
    let (d, n) = axes(orientation);
    let (bg, fg) = if light_on_dark { (0.0, 1.0) } else { (1.0, 0.0) };
    let mut img = vec![bg; N];
    for y in 0..SIDE {
        for x in 0..SIDE {
            let (px, py) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            let u = px * n[0] + py * n[1];
            let v = px * d[0] + py * d[1];
            let c = soft_in(u, 0.5 * width, 1.0) * soft_in(v, 0.5 * length, 1.0);
            let v = bg + (fg - bg) * c;
            img[y * SIDE + x] = if v.is_finite() { v.clamp(0.0, 1.0) } else { bg };
        }
    }
    img
}

/// Gaussian white noise around 0.5 with standard deviation `sd`, clipped to [0, 1].
pub fn white_noise(sd: f32, rng: &mut Rng) -> Vec<f32> {
    (0..N).map(|_| (0.5 + sd * rng.normal()).clamp(0.0, 1.0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stimuli::N_ORIENTATIONS;
    use std::f32::consts::{FRAC_PI_2, PI};

    #[test]
    fn grating_orientation() {
        // Horizontal bars: constant along each row, varying down a column.
        let g = grating(0.0, 0.4, 0.1, 1.0);
        for y in 0..SIDE {
            for x in 1..SIDE {
                assert!((g[y * SIDE + x] - g[y * SIDE]).abs() < 1e-5);
            }
        }
        assert!((g[0] - g[5 * SIDE]).abs() > 0.1);
        // Vertical bars: constant along each column.
        let g = grating(FRAC_PI_2, 0.4, 0.1, 1.0);
        for y in 1..SIDE {
            for x in 0..SIDE {
                assert!((g[y * SIDE + x] - g[x]).abs() < 1e-5);
            }
        }
        // 45°, counter-clockwise on screen: constant from (x, y) to (x + 1, y − 1).
        let g = grating(PI / 4.0, 1.3, 0.13, 0.8);
        for y in 1..SIDE {
            for x in 0..SIDE - 1 {
                assert!((g[y * SIDE + x] - g[(y - 1) * SIDE + x + 1]).abs() < 1e-4);
            }
        }
        // ... and not along the other diagonal.
        assert!((0..SIDE - 1).any(|x| (g[SIDE + x + 1] - g[x]).abs() > 0.05));
        // Michelson contrast around 0.5.
        let g = grating(0.7, 0.0, 0.05, 0.6);
        let (lo, hi) = g.iter().fold((1.0f32, 0.0f32), |(a, b), &v| (a.min(v), b.max(v)));
        assert!((((hi - lo) / (hi + lo)) - 0.6).abs() < 0.03);
    }

    #[test]
    fn edge_orientation_matches_bin() {
        // The energy of the image gradient, doubled-angle averaged, points across the bars.
        let mut rng = Rng::new(9);
        for bin in 0..N_ORIENTATIONS {
            let (mut cx, mut cy) = (0.0f64, 0.0f64);
            for _ in 0..20 {
                let img = edge(bin, &mut rng);
                for y in 1..SIDE - 1 {
                    for x in 1..SIDE - 1 {
                        let gx = (img[y * SIDE + x + 1] - img[y * SIDE + x - 1]) as f64;
                        let gy = (img[(y + 1) * SIDE + x] - img[(y - 1) * SIDE + x]) as f64;
                        // Gradient direction in screen-up coordinates: (gx, −gy).
                        let (u, v) = (gx, -gy);
                        cx += u * u - v * v;
                        cy += 2.0 * u * v;
                    }
                }
            }
            // Gradient is across the bar: bar angle = gradient angle − 90°.
            let grad = 0.5 * cy.atan2(cx);
            let bar_angle = (grad - std::f64::consts::FRAC_PI_2).rem_euclid(std::f64::consts::PI);
            let want = bin_angle(bin) as f64;
            let mut diff = (bar_angle - want).abs();
            diff = diff.min(std::f64::consts::PI - diff);
            assert!(diff < 0.12, "bin {bin}: got {bar_angle}, want {want}");
        }
    }

    #[test]
    fn bar_polarity_and_direction() {
        let b = bar(0.0, 32.0, 32.0, 40.0, 4.0, true);
        assert!(b[32 * SIDE + 32] > 0.9 && b[2 * SIDE + 32] < 0.1);
        let b = bar(FRAC_PI_2, 32.0, 32.0, 40.0, 4.0, false);
        assert!(b[20 * SIDE + 32] < 0.1 && b[32 * SIDE + 10] > 0.9 && b[2 * SIDE + 32] > 0.9);
    }
}
