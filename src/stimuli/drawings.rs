//! The ten sketch categories: what each drawing is made of, in the stroke vocabulary of
//! `strokes`, and how each is posed. A category is a `Category`, named; its index is only
//! the position of its logit in the model's category head (and its training label).

use super::sign;
use super::strokes::{arc_pts, lerp, render, Drawing, Pose, P};
use super::SIDE_F;
use crate::rng::Rng;
use std::f32::consts::{FRAC_PI_2, PI, TAU};

/// A sketch category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    Line,
    Circle,
    Triangle,
    Square,
    Star,
    Cube,
    House,
    Tree,
    Tiger,
    Grandmother,
}

/// The category names, in the order of `Category::ALL` (the order of the category logits).
pub const CATEGORIES: [&str; 10] = {
    let mut names = [""; 10];
    let mut i = 0;
    while i < names.len() {
        names[i] = Category::ALL[i].name();
        i += 1;
    }
    names
};

impl Category {
    /// Every category, in the order of the model's category logits: `ALL[c.index()] == c`.
    /// The shipped weights and the preset seeds depend on this order; append, never reorder.
    pub const ALL: [Category; 10] = [
        Category::Line,
        Category::Circle,
        Category::Triangle,
        Category::Square,
        Category::Star,
        Category::Cube,
        Category::House,
        Category::Tree,
        Category::Tiger,
        Category::Grandmother,
    ];

    /// The position of this category's logit in the model's category head.
    pub const fn index(self) -> usize {
        self as usize
    }

    pub const fn name(self) -> &'static str {
        match self {
            Category::Line => "line",
            Category::Circle => "circle",
            Category::Triangle => "triangle",
            Category::Square => "square",
            Category::Star => "star",
            Category::Cube => "cube",
            Category::House => "house",
            Category::Tree => "tree",
            Category::Tiger => "tiger",
            Category::Grandmother => "grandmother",
        }
    }

    /// The category called `name` (exactly as `name()` spells it), or an error naming them all.
    pub fn parse(name: &str) -> Result<Category, String> {
        Category::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| format!("no category called {name:?}; the categories are {}", CATEGORIES.join(", ")))
    }

    /// Adds this category's strokes to `d`, in object space.
    fn draw(self, d: &mut Drawing, rng: &mut Rng) {
        match self {
            Category::Line => draw_line(d, rng),
            Category::Circle => draw_circle(d, rng),
            Category::Triangle => draw_triangle(d, rng),
            Category::Square => draw_square(d, rng),
            Category::Star => draw_star(d, rng),
            Category::Cube => draw_cube(d, rng),
            Category::House => draw_house(d, rng),
            Category::Tree => draw_tree(d, rng),
            Category::Tiger => draw_tiger(d, rng),
            Category::Grandmother => draw_grandmother(d, rng),
        }
    }

    /// Things with an up (a cube, a house, a tree, the two faces) stay nearly upright and
    /// nearly unstretched; shapes turn any way.
    fn upright(self) -> bool {
        matches!(self, Category::Cube | Category::House | Category::Tree | Category::Tiger | Category::Grandmother)
    }

    /// A random pose for a drawing of this category.
    fn pose(self, rng: &mut Rng) -> Pose {
        let rotation = match self {
            Category::Line | Category::Circle | Category::Star => rng.range(0.0, TAU),
            Category::Triangle | Category::Square => {
                if rng.chance(0.5) {
                    tri(rng) * 20f32.to_radians()
                } else {
                    rng.range(0.0, TAU)
                }
            }
            Category::Cube | Category::House | Category::Tree | Category::Tiger | Category::Grandmother => {
                tri(rng) * 25f32.to_radians()
            }
        };
        let anisotropy = rng.range(-1.0, 1.0) * if self.upright() { 0.08 } else { 0.12 };
        let size = match self {
            Category::Line => rng.range(0.5, 0.95),
            Category::Tiger | Category::Grandmother => rng.range(0.55, 0.92),
            _ => rng.range(0.35, 0.85),
        };
        // Faces have the finest details, so their pens are thinner.
        let max_pen = match self {
            Category::Tiger | Category::Grandmother => 1.0 + 0.04 * size * SIDE_F,
            _ => 1.2 + 0.06 * size * SIDE_F,
        };
        Pose { rotation, anisotropy, size, max_pen }
    }
}

/// One hand-drawn-looking sketch of `category`.
pub fn sketch(category: Category, rng: &mut Rng) -> Vec<f32> {
    let mut d = Drawing::new();
    category.draw(&mut d, rng);
    let pose = category.pose(rng);
    render(d, &pose, rng)
}

/// Triangular distribution on (−1, 1): small values more likely than large ones.
fn tri(rng: &mut Rng) -> f32 {
    rng.uniform() + rng.uniform() - 1.0
}

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
    // From a wide face to a round one (issue 26: a plain tiger is often drawn on a circle).
    let ry = rng.range(0.74, 1.05);
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
    // Round, a pointed "^", or a closed triangle (as a mouse draws it: three sides in one go).
    let ear_style = rng.uniform();
    let round = ear_style < 0.4;
    let shut = ear_style > 0.75;
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
        if shut && !round {
            let v = ear(1.0);
            d.closed(rng, &v, true);
        } else {
            d.open(ear(1.0));
        }
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
    // Whiskers: two or three each side, past the head outline or (issue 26) ending inside it,
    // as a plain tiger is often drawn (whiskers that stay inside read as a cube before); now
    // and then none at all, so that ears and forehead stripes name a tiger too.
    let whiskers = rng.chance(0.88);
    let nw_ = if whiskers { 2 + rng.below(2) } else { 0 };
    let spread = rng.range(0.08, 0.2);
    let reach = if rng.chance(0.5) { rng.range(1.1, 1.4) } else { rng.range(0.6, 1.1) };
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
    let forehead = g < 0.8 || !whiskers;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stimuli::N;

    #[test]
    fn categories_are_named_both_ways() {
        for (i, c) in Category::ALL.into_iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(CATEGORIES[i], c.name());
            assert_eq!(Category::parse(c.name()), Ok(c));
        }
        for bad in ["", "Tiger", " tiger", "dog", "bars"] {
            let e = Category::parse(bad).unwrap_err();
            assert!(e.contains(&format!("{bad:?}")) && e.contains("grandmother"), "{e}");
        }
    }

    #[test]
    fn sketches_have_ink() {
        // Every category leaves a visible drawing: enough pixels differ from the background.
        let mut rng = Rng::new(77);
        for c in Category::ALL {
            for _ in 0..20 {
                let img = sketch(c, &mut rng);
                let mut v = img.clone();
                v.sort_by(|a, b| a.partial_cmp(b).unwrap());
                let med = v[N / 2];
                let inked = img.iter().filter(|&&p| (p - med).abs() > 0.15).count();
                assert!(inked > 40, "{}: {inked}", c.name());
            }
        }
    }
}
