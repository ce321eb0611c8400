//! Procedural stimuli, no downloads (DESIGN.md 1.4).
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
//! so it runs the same natively and in wasm.

use crate::rng::Rng;
use std::f32::consts::{FRAC_PI_2, PI, TAU};

/// Images are `SIDE`×`SIDE`.
pub const SIDE: usize = 64;
const N: usize = SIDE * SIDE;
const SIDE_F: f32 = SIDE as f32;

/// The sketch categories; a category is an index into this list.
pub const CATEGORIES: [&str; 10] =
    ["line", "circle", "triangle", "square", "star", "cube", "house", "tree", "tiger", "grandmother"];

/// Orientation bin k means k × 22.5° (mod 180°).
pub const N_ORIENTATIONS: usize = 8;

/// One training or evaluation sample: a sketch (category set) or an edge (orientation set).
#[derive(Clone, Debug)]
pub struct Stimulus {
    pub pixels: Vec<f32>,
    pub category: Option<usize>,
    pub orientation: Option<usize>,
}

/// The centre angle of orientation bin `bin`, in radians.
pub fn bin_angle(bin: usize) -> f32 {
    (bin % N_ORIENTATIONS) as f32 * PI / N_ORIENTATIONS as f32
}

// ---------------------------------------------------------------------------------------------
// Geometry helpers (object space: x right, y down, the object roughly within [-1, 1]²).

type P = [f32; 2];

fn lerp(a: P, b: P, t: f32) -> P {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
}

fn dist(a: P, b: P) -> f32 {
    ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt()
}

/// Points on an ellipse (centre c, radii rx, ry) from angle a0 to a1, `n` segments.
/// Angle 0 is to the right, π/2 at the bottom (y down), −π/2 at the top.
fn arc_pts(c: P, rx: f32, ry: f32, a0: f32, a1: f32, n: usize) -> Vec<P> {
    let n = n.max(2);
    (0..=n)
        .map(|i| {
            let a = a0 + (a1 - a0) * i as f32 / n as f32;
            [c[0] + rx * a.cos(), c[1] + ry * a.sin()]
        })
        .collect()
}

/// Vertices of a closed ellipse (without repeating the first one).
fn ellipse_verts(c: P, rx: f32, ry: f32) -> Vec<P> {
    let n = ((rx.max(ry) * 40.0) as usize).clamp(10, 40);
    let mut v = arc_pts(c, rx, ry, 0.0, TAU, n);
    v.pop();
    v
}

/// A sign, ±1, with equal probability.
fn sign(rng: &mut Rng) -> f32 {
    if rng.chance(0.5) {
        1.0
    } else {
        -1.0
    }
}

/// Triangular distribution on (−1, 1): small values more likely than large ones.
fn tri(rng: &mut Rng) -> f32 {
    rng.uniform() + rng.uniform() - 1.0
}

/// A drawing in object space: a list of strokes, each an open polyline.
struct Drawing {
    strokes: Vec<Vec<P>>,
}

impl Drawing {
    fn new() -> Self {
        Drawing { strokes: Vec::with_capacity(16) }
    }

    fn open(&mut self, pts: Vec<P>) {
        if !pts.is_empty() {
            self.strokes.push(pts);
        }
    }

    /// A straight stroke from a to b whose ends overshoot or fall short a little, as when a
    /// person draws the sides of a polygon one at a time.
    fn seg(&mut self, rng: &mut Rng, a: P, b: P) {
        let l = dist(a, b).max(1e-6);
        let e0 = rng.range(-0.05, 0.09) / l;
        let e1 = rng.range(-0.05, 0.09) / l;
        self.open(vec![lerp(a, b, -e0), lerp(a, b, 1.0 + e1)]);
    }

    /// A closed path through `verts` drawn as one stroke: it starts at a vertex (or anywhere
    /// when `at_vertex` is false), goes once round in a random direction and stops a little
    /// short of, or a little past, where it began.
    fn closed(&mut self, rng: &mut Rng, verts: &[P], at_vertex: bool) {
        let n = verts.len();
        if n < 2 {
            return;
        }
        let rev = rng.chance(0.5);
        let at = |i: usize| -> P {
            let i = i % n;
            if rev {
                verts[n - 1 - i]
            } else {
                verts[i]
            }
        };
        let mut cum = Vec::with_capacity(2 * n + 1);
        cum.push(0.0f32);
        for i in 1..=2 * n {
            let c = cum[i - 1] + dist(at(i - 1), at(i));
            cum.push(c);
        }
        let per = cum[n];
        if per <= 0.0 {
            return;
        }
        let s0 = if at_vertex { cum[rng.below(n)] } else { rng.uniform() * per };
        // Mostly a near closure; sometimes a clear gap or overshoot.
        let extra = if rng.chance(0.25) { rng.range(-0.07, 0.12) } else { rng.range(-0.025, 0.04) };
        let s1 = s0 + per * (1.0 + extra);
        let point_at = |s: f32| -> P {
            let mut i = 0;
            while i + 1 < cum.len() - 1 && cum[i + 1] <= s {
                i += 1;
            }
            let l = cum[i + 1] - cum[i];
            let t = if l > 0.0 { ((s - cum[i]) / l).clamp(0.0, 1.0) } else { 0.0 };
            lerp(at(i), at(i + 1), t)
        };
        let mut out = Vec::with_capacity(n + 3);
        out.push(point_at(s0));
        for (i, &c) in cum.iter().enumerate() {
            if c > s0 + 1e-6 && c < s1 - 1e-6 {
                out.push(at(i));
            }
        }
        out.push(point_at(s1));
        self.open(out);
    }

    /// A polygon drawn either as one closed stroke or side by side.
    fn polygon(&mut self, rng: &mut Rng, verts: &[P], p_one_stroke: f32) {
        if rng.chance(p_one_stroke) {
            self.closed(rng, verts, true);
        } else {
            for i in 0..verts.len() {
                self.seg(rng, verts[i], verts[(i + 1) % verts.len()]);
            }
        }
    }

    fn ellipse(&mut self, rng: &mut Rng, c: P, rx: f32, ry: f32) {
        let v = ellipse_verts(c, rx, ry);
        self.closed(rng, &v, false);
    }

    /// A dot: a very short stroke, rendered as a round blob of the stroke width.
    fn dot(&mut self, rng: &mut Rng, c: P, r: f32) {
        let a = rng.range(0.0, TAU);
        self.open(vec![[c[0] - r * a.cos(), c[1] - r * a.sin()], [c[0] + r * a.cos(), c[1] + r * a.sin()]]);
    }
}

// ---------------------------------------------------------------------------------------------
// The categories, each in object space.

fn draw_line(d: &mut Drawing, rng: &mut Rng) {
    let bend = if rng.chance(0.5) { rng.range(-0.22, 0.22) } else { 0.0 };
    let pts = (0..=10)
        .map(|i| {
            let x = -1.0 + 0.2 * i as f32;
            [x, bend * (1.0 - x * x)]
        })
        .collect();
    d.open(pts);
}

fn draw_circle(d: &mut Drawing, rng: &mut Rng) {
    let rx = 1.0;
    let ry = rng.range(0.82, 1.0);
    if rng.chance(0.12) {
        // Two overlapping arcs, as when a circle is drawn in two halves.
        let a0 = rng.range(0.0, TAU);
        let o = rng.range(0.0, 0.25);
        d.open(arc_pts([0.0, 0.0], rx, ry, a0 - o, a0 + PI + o, 20));
        d.open(arc_pts([0.0, 0.0], rx, ry, a0 + PI - o, a0 + TAU + o, 20));
    } else {
        d.ellipse(rng, [0.0, 0.0], rx, ry);
    }
}

fn draw_triangle(d: &mut Drawing, rng: &mut Rng) {
    let verts: Vec<P> = if rng.chance(0.2) {
        // Right-angled.
        let h = rng.range(0.8, 1.2);
        vec![[-1.0, 0.6 * h], [1.0, 0.6 * h], [-1.0 + rng.range(-0.1, 0.1), -0.9 * h]]
    } else {
        // About equilateral or isosceles, apex up.
        let stretch = rng.range(0.8, 1.3);
        (0..3)
            .map(|k| {
                let a = -FRAC_PI_2 + k as f32 * TAU / 3.0 + rng.range(-0.15, 0.15);
                let r = rng.range(0.9, 1.1);
                [r * a.cos(), r * a.sin() * stretch]
            })
            .collect()
    };
    let style = rng.uniform();
    if style < 0.6 {
        d.closed(rng, &verts, true);
    } else if style < 0.9 {
        for i in 0..3 {
            d.seg(rng, verts[i], verts[(i + 1) % 3]);
        }
    } else {
        let s = rng.below(3);
        let (a, b, c) = (verts[s], verts[(s + 1) % 3], verts[(s + 2) % 3]);
        d.open(vec![a, b, c]);
        d.seg(rng, c, a);
    }
}

fn draw_square(d: &mut Drawing, rng: &mut Rng) {
    let a = rng.range(0.85, 1.0);
    let j = 0.06;
    let verts: Vec<P> = [[-1.0, -a], [1.0, -a], [1.0, a], [-1.0, a]]
        .iter()
        .map(|p| [p[0] + rng.range(-j, j), p[1] + rng.range(-j, j)])
        .collect();
    let style = rng.uniform();
    if style < 0.55 {
        d.closed(rng, &verts, true);
    } else if style < 0.9 {
        for i in 0..4 {
            d.seg(rng, verts[i], verts[(i + 1) % 4]);
        }
    } else {
        // Two L-shaped strokes.
        let s = rng.below(4);
        let v = |k: usize| verts[(s + k) % 4];
        d.open(vec![v(0), v(1), v(2)]);
        let e = rng.range(-0.04, 0.08);
        d.open(vec![v(2), v(3), lerp(v(3), v(0), 1.0 + e)]);
    }
}

fn draw_star(d: &mut Drawing, rng: &mut Rng) {
    let style = rng.uniform();
    if style < 0.5 {
        // Pentagram: the five points joined every second one.
        let outer: Vec<P> = (0..5)
            .map(|k| {
                let a = -FRAC_PI_2 + k as f32 * TAU / 5.0 + rng.range(-0.09, 0.09);
                let r = rng.range(0.92, 1.05);
                [r * a.cos(), r * a.sin()]
            })
            .collect();
        let order: Vec<P> = [0, 2, 4, 1, 3].iter().map(|&i| outer[i]).collect();
        if rng.chance(0.85) {
            d.closed(rng, &order, true);
        } else {
            for i in 0..5 {
                d.seg(rng, order[i], order[(i + 1) % 5]);
            }
        }
    } else {
        // Outline star with five (sometimes six) points.
        let points = if rng.chance(0.15) { 6 } else { 5 };
        let inner = rng.range(0.38, 0.52);
        let verts: Vec<P> = (0..2 * points)
            .map(|k| {
                let a = -FRAC_PI_2 + k as f32 * PI / points as f32 + rng.range(-0.06, 0.06);
                let r = if k % 2 == 0 { rng.range(0.92, 1.05) } else { inner * rng.range(0.9, 1.1) };
                [r * a.cos(), r * a.sin()]
            })
            .collect();
        d.closed(rng, &verts, true);
    }
}

fn draw_cube(d: &mut Drawing, rng: &mut Rng) {
    let style = rng.uniform();
    let j = |rng: &mut Rng, p: P| [p[0] + rng.range(-0.04, 0.04), p[1] + rng.range(-0.04, 0.04)];
    if style < 0.8 {
        let s = 1.3;
        let ox = sign(rng) * rng.range(0.3, 0.55) * s;
        let oy = -rng.range(0.3, 0.55) * s;
        let f0 = [-0.5 * s, -0.5 * s];
        let front: Vec<P> =
            [[0.0, 0.0], [s, 0.0], [s, s], [0.0, s]].iter().map(|p| j(rng, [f0[0] + p[0], f0[1] + p[1]])).collect();
        let back: Vec<P> = front.iter().map(|p| j(rng, [p[0] + ox, p[1] + oy])).collect();
        d.polygon(rng, &front, 0.6);
        if style < 0.4 {
            // Necker cube: every edge.
            d.polygon(rng, &back, 0.6);
            for i in 0..4 {
                d.seg(rng, front[i], back[i]);
            }
        } else {
            // Oblique projection, hidden edges left out. Corners: 0 TL, 1 TR, 2 BR, 3 BL.
            if ox > 0.0 {
                // Seen from the right: top and right faces visible.
                let e = rng.range(-0.04, 0.06);
                d.open(vec![front[0], back[0], back[1], back[2], lerp(back[2], front[2], 1.0 + e)]);
                d.seg(rng, front[1], back[1]);
            } else {
                let e = rng.range(-0.04, 0.06);
                d.open(vec![front[1], back[1], back[0], back[3], lerp(back[3], front[3], 1.0 + e)]);
                d.seg(rng, front[0], back[0]);
            }
        }
    } else {
        // Isometric: a hexagon with a Y inside.
        let squash = rng.range(0.85, 1.1);
        let hex: Vec<P> = (0..6)
            .map(|k| {
                let a = -FRAC_PI_2 + k as f32 * TAU / 6.0;
                j(rng, [a.cos(), a.sin() * squash])
            })
            .collect();
        let c = j(rng, [0.0, 0.0]);
        d.closed(rng, &hex, true);
        for k in [1, 3, 5] {
            d.seg(rng, c, hex[k]);
        }
    }
}

fn draw_house(d: &mut Drawing, rng: &mut Rng) {
    let hb = rng.range(1.1, 1.7); // body height (body spans x in [-1, 1], y in [0, hb])
    let hr = rng.range(0.7, 1.3); // roof height above the body
    let ax = rng.range(-0.12, 0.12);
    let apex = [ax, -hr];
    let jit = |rng: &mut Rng, p: P| [p[0] + rng.range(-0.04, 0.04), p[1] + rng.range(-0.04, 0.04)];
    let tl = jit(rng, [-1.0, 0.0]);
    let tr = jit(rng, [1.0, 0.0]);
    let br = jit(rng, [1.0, hb]);
    let bl = jit(rng, [-1.0, hb]);
    let style = rng.uniform();
    let mut eave_l = tl;
    let mut eave_r = tr;
    if style < 0.35 {
        // The whole outline as one pentagon.
        d.closed(rng, &[bl, tl, apex, tr, br], true);
    } else if style < 0.75 {
        // Body, then a roof "^" sitting on it.
        d.polygon(rng, &[tl, tr, br, bl], 0.6);
        d.open(vec![tl, apex, tr]);
    } else {
        // Body, then a closed triangular roof that overhangs.
        let o = rng.range(0.05, 0.25);
        eave_l = [-1.0 - o, 0.0];
        eave_r = [1.0 + o, 0.0];
        d.polygon(rng, &[tl, tr, br, bl], 0.6);
        d.closed(rng, &[eave_l, apex, eave_r], true);
    }
    // Door: a rectangle open at the bottom.
    let door = rng.chance(0.65);
    let dx = rng.range(-0.5, 0.5);
    if door {
        let dw = rng.range(0.16, 0.28);
        let dh = hb * rng.range(0.45, 0.7);
        d.open(vec![[dx - dw, hb], [dx - dw, hb - dh], [dx + dw, hb - dh], [dx + dw, hb]]);
    }
    // Window: on the side away from the door.
    if rng.chance(0.6) {
        let ws = rng.range(0.17, 0.25);
        let wx = if door {
            if dx > 0.0 {
                rng.range(-0.65, -0.45)
            } else {
                rng.range(0.45, 0.65)
            }
        } else {
            rng.range(-0.4, 0.4)
        };
        let wy = hb * rng.range(0.3, 0.42);
        let w = [[wx - ws, wy - ws], [wx + ws, wy - ws], [wx + ws, wy + ws], [wx - ws, wy + ws]];
        d.polygon(rng, &w, 0.7);
        if rng.chance(0.5) {
            d.open(vec![[wx, wy - ws], [wx, wy + ws]]);
            d.open(vec![[wx - ws, wy], [wx + ws, wy]]);
        }
    }
    // Chimney on the right slope.
    if rng.chance(0.3) {
        let roof_y = |x: f32| -> f32 {
            // Right slope from the apex to the right eave.
            let t = ((x - apex[0]) / (eave_r[0] - apex[0])).clamp(0.0, 1.0);
            apex[1] + (eave_r[1] - apex[1]) * t
        };
        let x0 = apex[0] + (eave_r[0] - apex[0]) * rng.range(0.4, 0.6);
        let cw = rng.range(0.15, 0.25);
        let top = apex[1] + rng.range(0.0, 0.25) * hr;
        d.open(vec![[x0, roof_y(x0)], [x0, top], [x0 + cw, top], [x0 + cw, roof_y(x0 + cw)]]);
    }
    let _ = eave_l;
}

fn draw_tree(d: &mut Drawing, rng: &mut Rng) {
    let tw = rng.range(0.11, 0.26); // trunk half-width
    let ground = 1.0;
    let canopy = rng.uniform();
    let trunk_top;
    if canopy < 0.4 {
        // Pine: one triangle or two or three stacked.
        let layers = if rng.chance(0.5) { 1 } else { 2 + rng.below(2) };
        let base = rng.range(0.25, 0.5);
        trunk_top = base;
        let hw = rng.range(0.6, 0.95);
        let top = -1.0;
        let lh = (base - top) / (1.0 + 0.6 * (layers - 1) as f32);
        for l in 0..layers {
            // Layer l: from its base up to its apex; lower layers wider.
            let yb = base - l as f32 * 0.6 * lh;
            let ya = yb - lh;
            let w = hw * (1.0 - 0.2 * l as f32);
            let v = [[-w, yb], [0.0 + rng.range(-0.05, 0.05), ya], [w, yb]];
            if rng.chance(0.6) || l == 0 {
                d.closed(rng, &v, true);
            } else {
                d.open(v.to_vec());
            }
        }
    } else {
        // Round canopy on a trunk: a circle or a cloud.
        let r = rng.range(0.5, 0.75);
        let ry = r * rng.range(0.85, 1.1);
        let cy = -1.0 + ry;
        let bottom = cy + ry * (1.0 - (tw / r).powi(2)).max(0.0).sqrt();
        trunk_top = bottom - 0.02;
        if canopy < 0.75 {
            d.ellipse(rng, [0.0, cy], r, ry);
        } else {
            let bumps = 6 + rng.below(4);
            let amp = rng.range(0.1, 0.18);
            let ph = rng.range(0.0, TAU);
            let verts: Vec<P> = (0..bumps * 8)
                .map(|i| {
                    let a = i as f32 * TAU / (bumps * 8) as f32;
                    let k = (0.5 * bumps as f32 * a + ph).sin().abs();
                    let rr = 1.0 - amp + amp * k;
                    [r * rr * a.cos(), cy + ry * rr * a.sin()]
                })
                .collect();
            d.closed(rng, &verts, false);
        }
    }
    // Trunk: two lines, or a U with its bottom.
    let flare = rng.range(0.0, 0.08);
    let l0 = [-tw, trunk_top];
    let l1 = [-tw - flare, ground];
    let r0 = [tw, trunk_top];
    let r1 = [tw + flare, ground];
    if rng.chance(0.6) {
        d.open(vec![l0, l1]);
        d.open(vec![r0, r1]);
    } else {
        d.open(vec![l0, l1, r1, r0]);
    }
    if rng.chance(0.25) {
        let g = rng.range(0.4, 0.9);
        d.open(vec![[-g, ground + 0.02], [g, ground - 0.02]]);
    }
}

fn draw_tiger(d: &mut Drawing, rng: &mut Rng) {
    let rx = 1.0;
    let ry = rng.range(0.74, 0.9);
    let c = [0.0, 0.0];
    // Head outline, sometimes with a jagged ruff along the cheeks and chin.
    if rng.chance(0.25) {
        let teeth = 9 + rng.below(5);
        let n = 48;
        let verts: Vec<P> = (0..n)
            .map(|i| {
                let a = i as f32 * TAU / n as f32;
                let mut r = 1.0;
                if a > 0.15 && a < PI - 0.15 {
                    let k = (a * teeth as f32 / PI * 2.0).fract();
                    r += 0.1 * (1.0 - (2.0 * k - 1.0).abs());
                }
                [rx * r * a.cos(), ry * r * a.sin()]
            })
            .collect();
        d.closed(rng, &verts, false);
    } else {
        d.ellipse(rng, c, rx, ry);
    }
    let on_head = |a: f32| -> P { [rx * a.cos(), ry * a.sin()] };
    // Ears: triangles or round, on top.
    let phi = rng.range(0.6, 0.95);
    let half = rng.range(0.2, 0.3);
    let h = rng.range(0.3, 0.45);
    let round = rng.chance(0.45);
    let inner = rng.chance(0.35);
    for s in [-1.0f32, 1.0] {
        let a = -FRAC_PI_2 + s * phi;
        let b1 = on_head(a - half);
        let b2 = on_head(a + half);
        let mid = lerp(b1, b2, 0.5);
        let nrm = [a.cos(), a.sin()];
        let u = [(b2[0] - b1[0]) * 0.5, (b2[1] - b1[1]) * 0.5];
        let ear = |scale: f32| -> Vec<P> {
            if round {
                (0..=10)
                    .map(|i| {
                        let t = PI * i as f32 / 10.0;
                        [
                            mid[0] - u[0] * t.cos() * scale + nrm[0] * t.sin() * h * scale,
                            mid[1] - u[1] * t.cos() * scale + nrm[1] * t.sin() * h * scale,
                        ]
                    })
                    .collect()
            } else {
                let tip = [mid[0] + nrm[0] * h * 1.15, mid[1] + nrm[1] * h * 1.15];
                let q1 = lerp(mid, b1, scale);
                let q2 = lerp(mid, b2, scale);
                vec![q1, lerp(mid, tip, scale), q2]
            }
        };
        d.open(ear(1.0));
        if inner {
            d.open(ear(0.55));
        }
    }
    // Optional parts: one of eyes, nose, mouth may be missing.
    let omit = if rng.chance(0.3) { rng.below(3) } else { 3 };
    let ex = rng.range(0.3, 0.42);
    let ey = rng.range(-0.22, -0.05);
    if omit != 0 {
        let style = rng.below(3);
        let er = rng.range(0.09, 0.14);
        let slant = rng.range(0.0, 0.25);
        for s in [-1.0f32, 1.0] {
            let e = [s * ex, ey];
            match style {
                0 => {
                    let ery = er * rng.range(0.8, 1.0);
                    d.ellipse(rng, e, er, ery);
                    if rng.chance(0.5) {
                        d.dot(rng, e, 0.02);
                    }
                }
                1 => {
                    // Almond, slanted up towards the outside.
                    let w = er * 1.5;
                    let a = [e[0] - w, e[1] + s * slant * w];
                    let b = [e[0] + w, e[1] - s * slant * w];
                    d.open(vec![a, [e[0], e[1] - er * 0.8], b, [e[0], e[1] + er * 0.6], a]);
                    d.dot(rng, e, 0.015);
                }
                _ => d.dot(rng, e, 0.03),
            }
        }
    }
    let ny = rng.range(0.12, 0.24);
    let nw = rng.range(0.08, 0.14);
    let nh = rng.range(0.08, 0.14);
    if omit != 1 {
        d.closed(rng, &[[-nw, ny], [nw, ny], [0.0, ny + nh]], true);
    }
    let my = ny + nh;
    if omit != 2 {
        let drop = rng.range(0.06, 0.14);
        let lr = rng.range(0.09, 0.14);
        let y0 = my + drop;
        let mut m = vec![[0.0, my], [0.0, y0]];
        m.extend(arc_pts([-lr, y0], lr, lr * 0.8, 0.0, PI, 8).into_iter().skip(1));
        d.open(m);
        d.open(arc_pts([lr, y0], lr, lr * 0.8, PI, 0.0, 8));
    }
    // Whiskers: two or three each side, reaching past the head outline.
    let nw_ = 2 + rng.below(2);
    let spread = rng.range(0.08, 0.2);
    let reach = rng.range(1.1, 1.4);
    let wy = ny + nh * 0.8;
    for s in [-1.0f32, 1.0] {
        for i in 0..nw_ {
            let k = i as f32 - (nw_ - 1) as f32 * 0.5;
            let o = [s * rng.range(0.2, 0.3), wy + 0.07 * k];
            let e = [s * reach * rng.range(0.92, 1.05), wy + (0.07 + spread) * k + rng.range(-0.04, 0.04)];
            let sag = rng.range(-0.04, 0.04);
            let m = lerp(o, e, 0.5);
            d.open(vec![o, [m[0], m[1] + sag], e]);
        }
    }
    // Stripes: on the forehead, on the cheeks, or both.
    let g = rng.uniform();
    let forehead = g < 0.8;
    let cheeks = g > 0.3;
    if forehead {
        let n = 2 + rng.below(3);
        let wedge = rng.chance(0.4);
        let len = rng.range(0.2, 0.38);
        for i in 0..n {
            let x = (i as f32 - (n - 1) as f32 * 0.5) * rng.range(0.16, 0.22);
            let top = -ry * (1.0 - (x / rx).powi(2)).max(0.0).sqrt() + 0.04;
            let l = len * if i == 0 || i == n - 1 { 0.75 } else { 1.0 };
            if wedge {
                d.open(vec![[x - 0.06, top], [x, top + l], [x + 0.06, top]]);
            } else {
                d.open(vec![[x, top], [x * 0.85, top + l]]);
            }
        }
    }
    if cheeks {
        let n = 2 + rng.below(2);
        let len = rng.range(0.2, 0.34);
        for s in [-1.0f32, 1.0] {
            for i in 0..n {
                let a = PI + (i as f32 - (n - 1) as f32 * 0.5) * 0.3 - 0.05;
                let p = on_head(a);
                let p = [s * p[0].abs() * 0.99, p[1]];
                let tilt = rng.range(-0.1, 0.1) + (i as f32 - (n - 1) as f32 * 0.5) * 0.08;
                d.open(vec![p, [p[0] - s * len, p[1] + tilt]]);
            }
        }
    }
}

fn draw_grandmother(d: &mut Drawing, rng: &mut Rng) {
    let rx = rng.range(0.62, 0.75);
    let ry = 1.0;
    d.ellipse(rng, [0.0, 0.0], rx, ry);
    // Hair: a bun, curls, or a wavy outline.
    let hair = rng.uniform();
    let mut high_hairline = false;
    if hair < 0.4 {
        let rb = rng.range(0.22, 0.36);
        let cyb = -ry - rb * rng.range(0.45, 0.7);
        let cxb = rng.range(-0.08, 0.08);
        let k = ((-ry - cyb) / rb).clamp(-0.95, 0.95);
        let s = k.asin();
        d.open(arc_pts([cxb, cyb], rb, rb * rng.range(0.85, 1.0), PI - s, TAU + s, 18));
        if rng.chance(0.4) {
            d.open(arc_pts([cxb, cyb], rb * 0.5, rb * 0.45, -0.5, 2.5, 8));
        }
        if rng.chance(0.8) {
            // Hairline across the forehead.
            let dip = rng.range(0.25, 0.45);
            let y0 = rng.range(-0.3, -0.1);
            let pts = (0..=12)
                .map(|i| {
                    let t = PI * i as f32 / 12.0;
                    let x = -rx * 0.97 * t.cos();
                    [x, y0 - dip * t.sin() - 0.15 * (1.0 - (x / rx).powi(2)).max(0.0)]
                })
                .collect();
            d.open(pts);
        } else {
            high_hairline = true;
        }
    } else if hair < 0.72 {
        // Curls over the top of the head: a looping stroke, or separate small loops.
        let m = 6 + rng.below(5);
        let rho = rng.range(0.1, 0.16);
        let grow = rng.range(1.02, 1.12);
        let a0 = PI + rng.range(-0.5, 0.1);
        let a1 = TAU - rng.range(-0.5, 0.1);
        if rng.chance(0.6) {
            let dir = sign(rng);
            let n = m * 14;
            let pts = (0..=n)
                .map(|i| {
                    let t = i as f32 / n as f32;
                    let a = a0 + (a1 - a0) * t;
                    let b = [rx * grow * a.cos(), ry * grow * a.sin()];
                    let w = dir * TAU * m as f32 * t + FRAC_PI_2;
                    [b[0] + rho * w.cos(), b[1] + rho * w.sin()]
                })
                .collect();
            d.open(pts);
        } else {
            for i in 0..m {
                let a = a0 + (a1 - a0) * (i as f32 + 0.5) / m as f32;
                let b = [rx * grow * a.cos(), ry * grow * a.sin()];
                d.ellipse(rng, b, rho * 1.1, rho);
            }
        }
    } else {
        // A wavy outline of hair around the top of the head, down to the ears or the jaw.
        let bumps = rng.range(7.0, 12.0);
        let amp = rng.range(0.04, 0.08);
        let out = rng.range(0.1, 0.2);
        let down = rng.range(0.2, 0.9);
        let a0 = PI - down;
        let a1 = TAU + down;
        let n = 60;
        let pts = (0..=n)
            .map(|i| {
                let t = i as f32 / n as f32;
                let a = a0 + (a1 - a0) * t;
                let r = 1.0 + amp * (bumps * TAU * t).sin().abs() * 1.6 - amp * 0.5;
                [(rx + out) * r * a.cos(), (ry + out) * r * a.sin()]
            })
            .collect();
        d.open(pts);
        if rng.chance(0.5) {
            // Fringe line.
            let y0 = rng.range(-0.45, -0.3);
            d.open(arc_pts([0.0, y0 + 0.4], rx * 0.95, 0.4, PI + 0.1, TAU - 0.1, 12));
        }
    }
    // Glasses: two lenses joined by a bridge, maybe with temple arms.
    let gx = rng.range(0.27, 0.34) * rx / 0.7;
    let gy = rng.range(-0.18, 0.0);
    let rl = (gx - rng.range(0.05, 0.09)).min(rng.range(0.15, 0.22));
    let square = rng.chance(0.25);
    for s in [-1.0f32, 1.0] {
        let c = [s * gx, gy];
        if square {
            let q = rl * 0.9;
            let v: Vec<P> = (0..16)
                .map(|i| {
                    let a = i as f32 * TAU / 16.0;
                    let (ca, sa) = (a.cos(), a.sin());
                    let k = 0.5; // superellipse exponent 2/k = 4
                    [c[0] + q * ca.signum() * ca.abs().powf(k), c[1] + q * 0.85 * sa.signum() * sa.abs().powf(k)]
                })
                .collect();
            d.closed(rng, &v, false);
        } else {
            let rly = rl * rng.range(0.85, 1.0);
            d.ellipse(rng, c, rl, rly);
        }
    }
    let bl = [-gx + rl, gy];
    let br = [gx - rl, gy];
    d.open(vec![bl, [0.0, gy - rng.range(0.0, 0.06)], br]);
    if rng.chance(0.7) {
        for s in [-1.0f32, 1.0] {
            let yy = gy - 0.03;
            let xe = rx * (1.0 - (yy / ry).powi(2)).max(0.0).sqrt() * 0.99;
            d.open(vec![[s * (gx + rl), gy], [s * xe, yy]]);
        }
    }
    let omit = if rng.chance(0.3) { rng.below(3) } else { 3 };
    if omit != 0 && rng.chance(0.7) {
        for s in [-1.0f32, 1.0] {
            let dy = rng.range(-0.02, 0.03);
            d.dot(rng, [s * gx, gy + dy], 0.02);
        }
    }
    if omit != 1 {
        let top = gy + rng.range(0.08, 0.14);
        let bot = rng.range(0.18, 0.28);
        let s = sign(rng);
        d.open(vec![[0.0, top], [s * 0.04, bot], [-s * 0.04, bot + 0.03]]);
    }
    let smile_c = [0.0, rng.range(0.25, 0.38)];
    let sr = rng.range(0.17, 0.27);
    if omit != 2 {
        let a = rng.range(0.25, 0.5);
        d.open(arc_pts(smile_c, sr, sr * rng.range(0.6, 1.0), a, PI - a, 10));
    }
    if rng.chance(0.35) {
        for s in [-1.0f32, 1.0] {
            let c = [s * rx * 1.02, rng.range(0.15, 0.3)];
            if rng.chance(0.5) {
                d.ellipse(rng, c, 0.06, 0.06);
            } else {
                d.dot(rng, c, 0.02);
            }
        }
    }
    if rng.chance(0.25) {
        // Small ears at the sides.
        for s in [-1.0f32, 1.0] {
            let c = [s * rx, gy + 0.1];
            let (a0, a1) = if s > 0.0 { (-1.3, 1.3) } else { (PI - 1.3, PI + 1.3) };
            d.open(arc_pts(c, 0.1, 0.16, a0, a1, 8));
        }
    }
    if rng.chance(0.3) {
        // Smile lines beside the mouth.
        for s in [-1.0f32, 1.0] {
            let p = [s * (sr + 0.08), smile_c[1] - 0.05];
            d.open(arc_pts(
                [p[0] - s * 0.12, p[1]],
                0.12,
                0.12,
                if s > 0.0 { -0.6 } else { PI + 0.6 },
                if s > 0.0 { 0.5 } else { PI - 0.5 },
                5,
            ));
        }
    }
    if high_hairline && rng.chance(0.6) {
        for i in 0..2 {
            let y = -0.55 + 0.12 * i as f32;
            d.open(arc_pts([0.0, y + 0.35], 0.25, 0.35, PI + 1.0, TAU - 1.0, 6));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering.

/// A stroke in pixel space, with its width.
struct PixStroke {
    pts: Vec<P>,
    width: f32,
}

/// Resample a polyline so no segment is longer than `step` pixels.
fn resample(pts: &[P], step: f32) -> Vec<P> {
    let mut out = Vec::with_capacity(pts.len() * 4);
    if let Some(&first) = pts.first() {
        out.push(first);
    }
    for w in pts.windows(2) {
        let l = dist(w[0], w[1]);
        let k = (l / step).ceil().max(1.0) as usize;
        for i in 1..=k {
            out.push(lerp(w[0], w[1], i as f32 / k as f32));
        }
    }
    out
}

/// Draw one anti-aliased stroke with round caps into the coverage buffer (max of coverages),
/// touching only the pixels near each segment.
fn stroke_into(ink: &mut [f32], pts: &[P], width: f32) {
    let r = 0.5 * width;
    let reach = r + 0.5;
    let reach2 = reach * reach;
    let seg = |ink: &mut [f32], a: P, b: P| {
        let x0 = ((a[0].min(b[0]) - reach).floor().max(0.0)) as usize;
        let y0 = ((a[1].min(b[1]) - reach).floor().max(0.0)) as usize;
        let x1f = (a[0].max(b[0]) + reach).ceil().min(SIDE_F);
        let y1f = (a[1].max(b[1]) + reach).ceil().min(SIDE_F);
        if x1f <= 0.0 || y1f <= 0.0 {
            return;
        }
        let (x1, y1) = (x1f as usize, y1f as usize);
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let l2 = dx * dx + dy * dy;
        let inv = if l2 > 1e-12 { 1.0 / l2 } else { 0.0 };
        for y in y0..y1 {
            let py = y as f32 + 0.5 - a[1];
            let row = &mut ink[y * SIDE..(y + 1) * SIDE];
            for (x, v) in row.iter_mut().enumerate().take(x1).skip(x0) {
                let px = x as f32 + 0.5 - a[0];
                let t = ((px * dx + py * dy) * inv).clamp(0.0, 1.0);
                let (ex, ey) = (px - t * dx, py - t * dy);
                let d2 = ex * ex + ey * ey;
                if d2 < reach2 {
                    let c = (reach - d2.sqrt()).min(1.0);
                    if c > *v {
                        *v = c;
                    }
                }
            }
        }
    };
    if pts.len() == 1 {
        seg(ink, pts[0], pts[0]);
    }
    for w in pts.windows(2) {
        seg(ink, w[0], w[1]);
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

/// One hand-drawn-looking sketch of category `category` (index into `CATEGORIES`; taken
/// modulo the number of categories).
pub fn sketch(category: usize, rng: &mut Rng) -> Vec<f32> {
    let category = category % CATEGORIES.len();
    let mut d = Drawing::new();
    match category {
        0 => draw_line(&mut d, rng),
        1 => draw_circle(&mut d, rng),
        2 => draw_triangle(&mut d, rng),
        3 => draw_square(&mut d, rng),
        4 => draw_star(&mut d, rng),
        5 => draw_cube(&mut d, rng),
        6 => draw_house(&mut d, rng),
        7 => draw_tree(&mut d, rng),
        8 => draw_tiger(&mut d, rng),
        _ => draw_grandmother(&mut d, rng),
    }

    // Pose: rotation, a little anisotropy, scale, position.
    let has_up = category >= 5;
    let rot = match category {
        0 | 1 | 4 => rng.range(0.0, TAU),
        2 | 3 => {
            if rng.chance(0.5) {
                tri(rng) * 20f32.to_radians()
            } else {
                rng.range(0.0, TAU)
            }
        }
        _ => tri(rng) * 25f32.to_radians(),
    };
    let aniso = rng.range(-1.0, 1.0) * if has_up { 0.08 } else { 0.12 };
    let (sx, sy) = (aniso.exp(), (-aniso).exp());
    let (cr, sr) = (rot.cos(), rot.sin());
    // Rotate counter-clockwise on screen (y down).
    for s in d.strokes.iter_mut() {
        for p in s.iter_mut() {
            let (x, y) = (p[0] * sx, p[1] * sy);
            *p = [cr * x + sr * y, -sr * x + cr * y];
        }
    }
    let (mut lo, mut hi) = ([f32::MAX; 2], [f32::MIN; 2]);
    for p in d.strokes.iter().flatten() {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    let span = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1e-3);
    let frac = match category {
        0 => rng.range(0.5, 0.95),
        8 | 9 => rng.range(0.55, 0.92),
        _ => rng.range(0.35, 0.85),
    };
    let scale = frac * SIDE_F / span;
    let place = |rng: &mut Rng, lo: f32, hi: f32| -> f32 {
        // Offset so that the box [lo, hi]·scale lands mostly inside the image.
        let w = (hi - lo) * scale;
        let slack = 0.05 * w;
        let a = 1.0 - slack;
        let b = SIDE_F - 1.0 + slack - w;
        let t = if b > a { rng.range(a, b) } else { 0.5 * (SIDE_F - w) };
        t - lo * scale
    };
    let tx = place(rng, lo[0], hi[0]);
    let ty = place(rng, lo[1], hi[1]);

    // Pen, wobble and levels.
    // Thick pens on small drawings would fill in their details: cap the width by the size.
    // Faces have the finest details, so their cap is lower.
    let cap = if category >= 8 { 1.0 + 0.04 * frac * SIDE_F } else { 1.2 + 0.06 * frac * SIDE_F };
    let width = rng.range(1.0, cap.min(3.5));
    let wob = rng.range(0.2, 1.0);
    let mut field = [[0.0f32; 4]; 4]; // (kx, ky, phase, amplitude) for dx, dx, dy, dy
    for f in field.iter_mut() {
        let lam = rng.range(25.0, 70.0);
        let a = rng.range(0.0, TAU);
        let k = TAU / lam;
        *f = [k * a.cos(), k * a.sin(), rng.range(0.0, TAU), wob * rng.range(0.2, 0.6)];
    }
    let mut strokes: Vec<PixStroke> = Vec::with_capacity(d.strokes.len() + 3);
    for s in d.strokes.iter() {
        let px: Vec<P> = s.iter().map(|p| [p[0] * scale + tx, p[1] * scale + ty]).collect();
        let mut pts = resample(&px, 2.0);
        // Along-the-path jitter of this stroke.
        let l1 = rng.range(12.0, 50.0);
        let l2 = rng.range(12.0, 50.0);
        let (p1, p2) = (rng.range(0.0, TAU), rng.range(0.0, TAU));
        let a = wob * rng.range(0.1, 0.5);
        let mut arc = 0.0;
        let mut prev = pts[0];
        for p in pts.iter_mut() {
            arc += dist(prev, *p);
            prev = *p;
            let (x, y) = (p[0], p[1]);
            let gx = field[0][3] * (field[0][0] * x + field[0][1] * y + field[0][2]).sin()
                + field[1][3] * (field[1][0] * x + field[1][1] * y + field[1][2]).sin();
            let gy = field[2][3] * (field[2][0] * x + field[2][1] * y + field[2][2]).sin()
                + field[3][3] * (field[3][0] * x + field[3][1] * y + field[3][2]).sin();
            p[0] = x + gx + a * (TAU * arc / l1 + p1).sin();
            p[1] = y + gy + a * (TAU * arc / l2 + p2).sin();
        }
        strokes.push(PixStroke { pts, width: width * rng.range(0.9, 1.1) });
    }
    // Clutter: a few short, thin strokes (fewer than the object's).
    if rng.chance(0.35) {
        let max = (d.strokes.len().saturating_sub(1)).clamp(1, 2);
        let n = 1 + rng.below(max);
        for _ in 0..n {
            let mut p = [rng.range(2.0, SIDE_F - 2.0), rng.range(2.0, SIDE_F - 2.0)];
            let mut a = rng.range(0.0, TAU);
            let mut pts = vec![p];
            let squiggle = rng.chance(0.5);
            let k = if squiggle { 3 + rng.below(4) } else { 1 };
            let step = if squiggle { rng.range(2.0, 4.5) } else { rng.range(4.0, 12.0) };
            for _ in 0..k {
                p = [p[0] + step * a.cos(), p[1] + step * a.sin()];
                pts.push(p);
                a += rng.range(-1.2, 1.2);
            }
            strokes.push(PixStroke { pts, width: width * rng.range(0.5, 1.0) });
        }
    }

    let mut ink = vec![0.0f32; N];
    for s in strokes.iter() {
        stroke_into(&mut ink, &s.pts, s.width);
    }
    let (bg, fg) = levels(rng, 0.3, 0.3);
    let mut img: Vec<f32> = ink.iter().map(|&c| bg + (fg - bg) * c).collect();
    let sd = rng.range(0.0, 0.08);
    add_noise(&mut img, sd, rng);
    img
}

// ---------------------------------------------------------------------------------------------
// Edge stimuli and the experiments' stimuli.

/// Unit vectors along (d) and across (n) a bar of orientation `theta`, in pixel coordinates.
fn axes(theta: f32) -> (P, P) {
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

/// Sample number `index` of the data set named by `seed`, fully determined by (seed, index).
///
/// Classes are balanced exactly within blocks of consecutive indices (15 with edges: ten
/// sketches, one of each category, and five edges; 10 without), in an order shuffled per block;
/// the orientation bins of the edges cycle through the eight bins across blocks.
pub fn sample(seed: u64, index: u64, edges: bool) -> Stimulus {
    let nc = CATEGORIES.len() as u64;
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
        Stimulus { pixels: sketch(slot, &mut rng), category: Some(slot), orientation: None }
    } else {
        let k = block * 5 + (slot - nc as usize) as u64;
        let bin = (k % N_ORIENTATIONS as u64) as usize;
        Stimulus { pixels: edge(bin, &mut rng), category: None, orientation: Some(bin) }
    }
}

/// A preset for the page's gallery: `name` is a category name, or "bars", "grating", "noise";
/// `variant` picks one of many. `None` for an unknown name.
pub fn preset(name: &str, variant: u64) -> Option<Vec<f32>> {
    const SEED: u64 = 0x6A11_E55E;
    let name = name.trim().to_ascii_lowercase();
    if let Some(c) = CATEGORIES.iter().position(|&c| c == name) {
        let mut rng = Rng::fork(SEED + c as u64, variant);
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
        for c in 0..CATEGORIES.len() {
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

    #[test]
    fn presets() {
        for c in CATEGORIES {
            let a = preset(c, 3).expect(c);
            assert!(valid(&a));
            assert_eq!(a, preset(c, 3).unwrap());
            assert_ne!(a, preset(c, 4).unwrap());
        }
        for n in ["bars", "grating", "noise"] {
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

    #[test]
    fn sketches_have_ink() {
        // Every category leaves a visible drawing: enough pixels differ from the background.
        let mut rng = Rng::new(77);
        for c in 0..CATEGORIES.len() {
            for _ in 0..20 {
                let img = sketch(c, &mut rng);
                let mut v = img.clone();
                v.sort_by(|a, b| a.partial_cmp(b).unwrap());
                let med = v[N / 2];
                let inked = img.iter().filter(|&&p| (p - med).abs() > 0.15).count();
                assert!(inked > 40, "category {c}: {inked}");
            }
        }
    }
}
