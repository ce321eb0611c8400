//! Strokes: the vocabulary a drawing is made of (open polylines, straight sides that overshoot
//! a little, closed paths that do not quite close, ellipses, dots) in object space, and the
//! rasteriser that poses a drawing on the paper, wobbles it like a hand, and inks it
//! anti-aliased with round caps. The ten categories (`drawings`) are written in this
//! vocabulary; any other generator of drawn images can be too.
//!
//! Object space: x right, y down, the object roughly within [-1, 1]².

use super::{add_noise, levels, N, SIDE, SIDE_F};
use crate::rng::Rng;
use std::f32::consts::TAU;

/// A point.
pub(crate) type P = [f32; 2];

pub(crate) fn lerp(a: P, b: P, t: f32) -> P {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
}

pub(crate) fn dist(a: P, b: P) -> f32 {
    ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt()
}

/// Points on an ellipse (centre c, radii rx, ry) from angle a0 to a1, `n` segments.
/// Angle 0 is to the right, π/2 at the bottom (y down), −π/2 at the top.
pub(crate) fn arc_pts(c: P, rx: f32, ry: f32, a0: f32, a1: f32, n: usize) -> Vec<P> {
    let n = n.max(2);
    (0..=n)
        .map(|i| {
            let a = a0 + (a1 - a0) * i as f32 / n as f32;
            [c[0] + rx * a.cos(), c[1] + ry * a.sin()]
        })
        .collect()
}

/// Vertices of a closed ellipse (without repeating the first one).
pub(crate) fn ellipse_verts(c: P, rx: f32, ry: f32) -> Vec<P> {
    let n = ((rx.max(ry) * 40.0) as usize).clamp(10, 40);
    let mut v = arc_pts(c, rx, ry, 0.0, TAU, n);
    v.pop();
    v
}

/// A drawing in object space: a list of strokes, each an open polyline.
pub(crate) struct Drawing {
    pub strokes: Vec<Vec<P>>,
}

impl Drawing {
    pub fn new() -> Self {
        Drawing { strokes: Vec::with_capacity(16) }
    }

    pub fn open(&mut self, pts: Vec<P>) {
        if !pts.is_empty() {
            self.strokes.push(pts);
        }
    }

    /// A straight stroke from a to b whose ends overshoot or fall short a little, as when a
    /// person draws the sides of a polygon one at a time.
    pub fn seg(&mut self, rng: &mut Rng, a: P, b: P) {
        let l = dist(a, b).max(1e-6);
        let e0 = rng.range(-0.05, 0.09) / l;
        let e1 = rng.range(-0.05, 0.09) / l;
        self.open(vec![lerp(a, b, -e0), lerp(a, b, 1.0 + e1)]);
    }

    /// A closed path through `verts` drawn as one stroke: it starts at a vertex (or anywhere
    /// when `at_vertex` is false), goes once round in a random direction and stops a little
    /// short of, or a little past, where it began.
    pub fn closed(&mut self, rng: &mut Rng, verts: &[P], at_vertex: bool) {
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
    pub fn polygon(&mut self, rng: &mut Rng, verts: &[P], p_one_stroke: f32) {
        if rng.chance(p_one_stroke) {
            self.closed(rng, verts, true);
        } else {
            for i in 0..verts.len() {
                self.seg(rng, verts[i], verts[(i + 1) % verts.len()]);
            }
        }
    }

    pub fn ellipse(&mut self, rng: &mut Rng, c: P, rx: f32, ry: f32) {
        let v = ellipse_verts(c, rx, ry);
        self.closed(rng, &v, false);
    }

    /// A dot: a very short stroke, rendered as a round blob of the stroke width.
    pub fn dot(&mut self, rng: &mut Rng, c: P, r: f32) {
        let a = rng.range(0.0, TAU);
        self.open(vec![[c[0] - r * a.cos(), c[1] - r * a.sin()], [c[0] + r * a.cos(), c[1] + r * a.sin()]]);
    }
}

/// How a drawing lies on the paper and how thick a pen draws it: the choices that differ from
/// one kind of drawing to another.
pub(crate) struct Pose {
    /// Radians, counter-clockwise on screen.
    pub rotation: f32,
    /// The natural log of the horizontal stretch; the vertical is squeezed by as much.
    pub anisotropy: f32,
    /// The drawing's longer side as a fraction of the image side.
    pub size: f32,
    /// The widest pen in pixels (never above 3.5): thick pens on small drawings would fill in
    /// their details.
    pub max_pen: f32,
}

/// Poses `d` on the paper, wobbles its strokes, adds clutter, and inks it: the image, with
/// random position, pen width, path wobble, ink and background levels and pixel noise.
pub(crate) fn render(mut d: Drawing, pose: &Pose, rng: &mut Rng) -> Vec<f32> {
    let (sx, sy) = (pose.anisotropy.exp(), (-pose.anisotropy).exp());
    let (cr, sr) = (pose.rotation.cos(), pose.rotation.sin());
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
    let scale = pose.size * SIDE_F / span;
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
    let width = rng.range(1.0, pose.max_pen.min(3.5));
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
