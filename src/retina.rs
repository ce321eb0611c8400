//! The retina and the LGN (docs/DESIGN.md 1.2): fixed, not learned.
//!
//! Eight channels at 64×64, then a 2×2 average pool to 32×32 (the LGN relay):
//!
//! | channel | cell | kernel |
//! |---|---|---|
//! | 0, 1 | ON, OFF centre–surround, fine | DoG σc = 0.75 px, σs = 3 px |
//! | 2, 3 | ON, OFF centre–surround, coarse | DoG σc = 1.5 px, σs = 6 px |
//! | 4..8 | edge cells at 0°, 45°, 90°, 135° | ON row beside OFF row of fine DoG subunits |
//!
//! DoG = G(σc) − A·G(σs), each Gaussian normalised to sum 1 and A = 0.9
//! (surround/centre amplitude), so every DoG kernel sums to 1 − A = 0.1:
//! a weak response to uniform light, as in real centre–surround cells.
//! ON = ReLU(DoG ∗ x), OFF = ReLU(−DoG ∗ x).
//!
//! An edge cell (the Hubel–Wiesel construction, found already in the retina,
//! Baden et al. 2016) sums a row of five fine-DoG subunits one pixel to one
//! side of its axis and subtracts a row one pixel to the other side. It is
//! rectified in both polarities (|·|, an ON–OFF edge cell), so a dark-to-light
//! and a light-to-dark edge of one orientation drive the same channel.
//! Orientation θ is the edge's direction, counter-clockwise from horizontal
//! on screen (y grows downwards in the image).

use crate::input::SIDE;
use crate::layers::{pool::avg_pool2, Maps};
use ndarray::Array2;

pub const CHANNELS: usize = 8;
pub const LGN_SIDE: usize = SIDE / 2;
pub const SURROUND_AMPLITUDE: f32 = 0.9;
/// (σ centre, σ surround) of the two scales, in pixels of the 64×64 image.
pub const SCALES: [(f32, f32); 2] = [(0.75, 3.0), (1.5, 6.0)];
pub const EDGE_ANGLES_DEG: [f32; 4] = [0.0, 45.0, 90.0, 135.0];
/// Subunits per row of an edge cell, and the rows' distance from its axis.
pub const EDGE_SUBUNITS: isize = 5;
pub const EDGE_OFFSET: f32 = 1.0;
pub const CHANNEL_NAMES: [&str; CHANNELS] =
    ["ON fine", "OFF fine", "ON coarse", "OFF coarse", "edge 0°", "edge 45°", "edge 90°", "edge 135°"];

/// Which LGN channels a model sees. `CentreSurround` is issue 11's retina
/// control: the four hand-built edge channels are silenced, so whatever
/// orientation the model carries it had to build from centre–surround input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Retina {
    #[default]
    Full,
    CentreSurround,
}

impl Retina {
    pub const ALL: [Retina; 2] = [Retina::Full, Retina::CentreSurround];
    pub fn name(self) -> &'static str {
        match self {
            Retina::Full => "full",
            Retina::CentreSurround => "centre-surround",
        }
    }
    pub fn parse(s: &str) -> Result<Self, crate::names::UnknownName> {
        crate::names::parse_among("retina", s, &Retina::ALL, Retina::name)
    }
    /// The LGN as this model receives it.
    pub fn apply(self, mut lgn: Maps) -> Maps {
        if self == Retina::CentreSurround {
            lgn.x.slice_mut(ndarray::s![.., 4..]).fill(0.0);
        }
        lgn
    }
}

/// A normalised 1-D Gaussian, radius ⌈3σ⌉.
pub fn gaussian(sigma: f32) -> Vec<f32> {
    let r = (3.0 * sigma).ceil() as isize;
    let mut k: Vec<f32> = (-r..=r).map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp()).collect();
    let s: f32 = k.iter().sum();
    k.iter_mut().for_each(|v| *v /= s);
    k
}

/// Separable blur with zero padding (the adapted image has mean 0 outside).
/// Each pass reads from a zero-padded copy, so the inner loop has no bounds
/// tests.
fn blur(img: &[f32], sigma: f32) -> Vec<f32> {
    let k = gaussian(sigma);
    let r = k.len() / 2;
    let wide = SIDE + 2 * r;
    // Horizontal pass: rows padded left and right.
    let mut padded = vec![0.0f32; wide];
    let mut tmp = vec![0.0f32; (SIDE + 2 * r) * SIDE];
    for y in 0..SIDE {
        padded[r..r + SIDE].copy_from_slice(&img[y * SIDE..(y + 1) * SIDE]);
        let out = &mut tmp[(y + r) * SIDE..(y + r + 1) * SIDE];
        for (x, o) in out.iter_mut().enumerate() {
            *o = padded[x..x + k.len()].iter().zip(&k).map(|(a, b)| a * b).sum();
        }
    }
    // Vertical pass: tmp already has r zero rows above and below.
    let mut out = vec![0.0f32; SIDE * SIDE];
    for (i, w) in k.iter().enumerate() {
        let src = &tmp[i * SIDE..(i + SIDE) * SIDE];
        for (o, v) in out.iter_mut().zip(src) {
            *o += w * v;
        }
    }
    out
}

/// DoG ∗ img at one scale, signed.
pub fn dog(img: &[f32], (centre, surround): (f32, f32)) -> Vec<f32> {
    let c = blur(img, centre);
    let s = blur(img, surround);
    c.iter().zip(&s).map(|(c, s)| c - SURROUND_AMPLITUDE * s).collect()
}

/// The taps of an edge cell at orientation `deg`, as (dx, dy, weight) over
/// the fine-DoG map: a row of subunits at +offset across the edge minus a
/// row at −offset, each subunit read at its exact sub-pixel place (bilinear
/// weights, merged per pixel).
pub fn edge_taps(deg: f32) -> Vec<(isize, isize, f32)> {
    let t = deg.to_radians();
    // Along the edge (screen y up ⇒ image y down) and across it.
    let (ux, uy) = (t.cos(), -t.sin());
    let (nx, ny) = (-uy, ux);
    let half = EDGE_SUBUNITS / 2;
    let mut taps: Vec<(isize, isize, f32)> = Vec::new();
    let mut add = |x: f32, y: f32, w: f32| {
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        for (dx, dy, f) in
            [(0, 0, (1.0 - fx) * (1.0 - fy)), (1, 0, fx * (1.0 - fy)), (0, 1, (1.0 - fx) * fy), (1, 1, fx * fy)]
        {
            if f.abs() < 1e-6 {
                continue;
            }
            let at = (x0 as isize + dx, y0 as isize + dy);
            match taps.iter_mut().find(|t| (t.0, t.1) == at) {
                Some(t) => t.2 += w * f,
                None => taps.push((at.0, at.1, w * f)),
            }
        }
    };
    let unit = 1.0 / EDGE_SUBUNITS as f32;
    for i in -half..=half {
        let (px, py) = (i as f32 * ux, i as f32 * uy);
        add(px + EDGE_OFFSET * nx, py + EDGE_OFFSET * ny, unit);
        add(px - EDGE_OFFSET * nx, py - EDGE_OFFSET * ny, -unit);
    }
    taps.retain(|t| t.2.abs() > 1e-6);
    taps
}

/// Edge cell response |taps ∗ fine DoG| at one orientation, zero outside.
pub fn edge_cells(fine_dog: &[f32], taps: &[(isize, isize, f32)]) -> Vec<f32> {
    let r = taps.iter().map(|t| t.0.abs().max(t.1.abs())).max().unwrap_or(0) as usize;
    let wide = SIDE + 2 * r;
    let mut padded = vec![0.0f32; wide * wide];
    for y in 0..SIDE {
        padded[(y + r) * wide + r..(y + r) * wide + r + SIDE].copy_from_slice(&fine_dog[y * SIDE..(y + 1) * SIDE]);
    }
    let mut out = vec![0.0f32; SIDE * SIDE];
    for &(dx, dy, w) in taps {
        for y in 0..SIDE {
            let row = ((y as isize + r as isize + dy) as usize) * wide + (r as isize + dx) as usize;
            for (o, v) in out[y * SIDE..(y + 1) * SIDE].iter_mut().zip(&padded[row..row + SIDE]) {
                *o += w * v;
            }
        }
    }
    out.iter_mut().for_each(|v| *v = v.abs());
    out
}

/// The eight retinal channels at 64×64, one column each.
pub fn retina(img: &[f32]) -> Maps {
    assert_eq!(img.len(), SIDE * SIDE, "the retina takes one adapted 64×64 image");
    let fine = dog(img, SCALES[0]);
    let coarse = dog(img, SCALES[1]);
    let mut channels: Vec<Vec<f32>> = Vec::with_capacity(CHANNELS);
    for d in [&fine, &coarse] {
        channels.push(d.iter().map(|v| v.max(0.0)).collect());
        channels.push(d.iter().map(|v| (-v).max(0.0)).collect());
    }
    for deg in EDGE_ANGLES_DEG {
        channels.push(edge_cells(&fine, &edge_taps(deg)));
    }
    let mut x = Array2::zeros((SIDE * SIDE, CHANNELS));
    for (p, mut row) in x.rows_mut().into_iter().enumerate() {
        for (c, v) in row.iter_mut().enumerate() {
            *v = channels[c][p];
        }
    }
    Maps { n: 1, side: SIDE, x }
}

/// Retina then LGN relay (2×2 pool): 32×32×8, the thalamic input to cortex.
pub fn lgn(img: &[f32]) -> Maps {
    avg_pool2(&retina(img))
}

/// LGN maps of many images stacked into one batch.
pub fn lgn_batch(images: &[Vec<f32>]) -> Maps {
    let per = LGN_SIDE * LGN_SIDE;
    let mut x = Array2::zeros((images.len() * per, CHANNELS));
    for (b, img) in images.iter().enumerate() {
        x.slice_mut(ndarray::s![b * per..(b + 1) * per, ..]).assign(&lgn(img).x);
    }
    Maps { n: images.len(), side: LGN_SIDE, x }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The DoG kernel itself: the response to a unit impulse in the middle.
    fn impulse_response(scale: (f32, f32)) -> Vec<f32> {
        let mut img = vec![0.0; SIDE * SIDE];
        img[32 * SIDE + 32] = 1.0;
        dog(&img, scale)
    }

    #[test]
    fn dog_kernels_sum_to_one_minus_surround_amplitude() {
        for scale in SCALES {
            let k = impulse_response(scale);
            let sum: f32 = k.iter().sum();
            assert!((sum - (1.0 - SURROUND_AMPLITUDE)).abs() < 1e-4, "{scale:?}: {sum}");
            // Centre excitatory, surround inhibitory.
            assert!(k[32 * SIDE + 32] > 0.0);
            let r = (2.5 * scale.0 + 1.0) as usize + 1;
            assert!(k[32 * SIDE + 32 + r] < 0.0, "{scale:?}");
        }
        let g = gaussian(3.0);
        assert_eq!(g.len(), 19);
        assert!((g.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn uniform_input_gives_zero_lgn() {
        let l = lgn(&vec![0.0; SIDE * SIDE]);
        assert_eq!((l.side, l.channels()), (32, 8));
        assert!(l.x.iter().all(|&v| v == 0.0));
    }

    /// A step edge along direction `deg`: one side +1, the other −1.
    fn edge_image(deg: f32) -> Vec<f32> {
        let t = deg.to_radians();
        let (nx, ny) = (t.sin(), t.cos());
        (0..SIDE * SIDE)
            .map(|p| {
                let (x, y) = ((p % SIDE) as f32 - 31.5, (p / SIDE) as f32 - 31.5);
                if x * nx + y * ny > 0.0 {
                    1.0
                } else {
                    -1.0
                }
            })
            .collect()
    }

    #[test]
    fn edge_cells_prefer_their_orientation_in_both_polarities() {
        for (k, deg) in EDGE_ANGLES_DEG.iter().enumerate() {
            for sign in [1.0f32, -1.0] {
                let img: Vec<f32> = edge_image(*deg).iter().map(|v| v * sign).collect();
                let r = retina(&img);
                // Mean response of each edge channel in the middle of the image.
                let resp: Vec<f32> = (0..4)
                    .map(|c| {
                        let mut s = 0.0;
                        for y in 24..40 {
                            for x in 24..40 {
                                s += r.at(0, y, x, 4 + c);
                            }
                        }
                        s
                    })
                    .collect();
                let best = (0..4).max_by(|&a, &b| resp[a].total_cmp(&resp[b])).unwrap();
                assert_eq!(best, k, "edge at {deg}° sign {sign}: {resp:?}");
            }
        }
    }

    #[test]
    fn on_and_off_are_rectified_halves() {
        let img = edge_image(30.0);
        let r = retina(&img);
        let d = dog(&img, SCALES[0]);
        for p in (0..SIDE * SIDE).step_by(97) {
            assert!((r.x[[p, 0]] - r.x[[p, 1]] - d[p]).abs() < 1e-6);
            assert!(r.x[[p, 0]] >= 0.0 && r.x[[p, 1]] >= 0.0);
        }
    }
}
