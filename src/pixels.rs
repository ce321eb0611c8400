//! What the page draws, as RGBA pixels: colour ramps, and a layer's channel
//! maps laid out as tiles. Pure Rust; the wasm face only copies the result
//! into a canvas.

use crate::layers::Maps;

/// Colour-blind-safe maps. Rates (≥ 0) use a viridis-like sequential ramp;
/// the signed stream uses a blue–white–red diverging ramp (ColorBrewer RdBu),
/// read as below / at / above baseline.
const SEQUENTIAL: [[u8; 3]; 5] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
const DIVERGING: [[u8; 3]; 5] = [[33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43]];

/// Entries per colour table: an odd number, so the diverging map's midpoint,
/// zero, is its own entry.
const STEPS: usize = 255;

/// Colour of t ∈ [0, 1] along a ramp.
fn ramp(stops: &[[u8; 3]; 5], t: f32) -> [u8; 3] {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.5 } * 4.0;
    let i = (t.floor() as usize).min(3);
    let f = t - i as f32;
    let (a, b) = (stops[i], stops[i + 1]);
    [0, 1, 2].map(|c| (a[c] as f32 + f * (b[c] as f32 - a[c] as f32)).round() as u8)
}

/// Both ramps as tables, so drawing a pixel is a lookup.
struct Palettes {
    sequential: Vec<[u8; 3]>,
    diverging: Vec<[u8; 3]>,
}

impl Palettes {
    fn new() -> Self {
        let table = |stops| (0..STEPS).map(|i| ramp(stops, i as f32 / (STEPS - 1) as f32)).collect();
        Palettes { sequential: table(&SEQUENTIAL), diverging: table(&DIVERGING) }
    }
}

/// An RGBA picture, row by row.
pub struct Picture<'a> {
    pub width: usize,
    pub height: usize,
    pub rgba: &'a [u8],
}

/// Draws maps into one RGBA buffer, reused from picture to picture.
pub struct Painter {
    rgba: Vec<u8>,
    palettes: Palettes,
}

impl Default for Painter {
    fn default() -> Self {
        Painter { rgba: Vec::new(), palettes: Palettes::new() }
    }
}

impl Painter {
    /// Channel maps of image 0 as tiles, `columns` per row, 1-px gaps. One
    /// scale for the whole layer (so channels can be compared): the maximum
    /// for rates, the maximum magnitude for `signed` maps, whose zero is the
    /// diverging ramp's white midpoint. Gaps are transparent.
    pub fn tiles(&mut self, maps: &Maps, columns: usize, signed: bool) -> Picture<'_> {
        let (w, h) = tiles(&mut self.rgba, &self.palettes, maps, columns, signed);
        Picture { width: w, height: h, rgba: &self.rgba }
    }
}

fn tiles(rgba: &mut Vec<u8>, palettes: &Palettes, maps: &Maps, columns: usize, signed: bool) -> (usize, usize) {
    let (side, c) = (maps.side, maps.channels());
    let rows = c.div_ceil(columns);
    let (w, h) = (columns * (side + 1) - 1, rows * (side + 1) - 1);
    let scale = maps.max_abs().max(1e-6);
    let top = (STEPS - 1) as f32;
    let (table, offset, gain) = if signed {
        (&palettes.diverging, top / 2.0, top / 2.0 / scale)
    } else {
        (&palettes.sequential, 0.0, top / scale)
    };
    rgba.clear();
    rgba.resize(w * h * 4, 0);
    for (p, row) in maps.x.rows().into_iter().take(side * side).enumerate() {
        let (y, x) = (p / side, p % side);
        for (ch, &v) in row.iter().enumerate() {
            let i = (offset + gain * v).round().clamp(0.0, top) as usize;
            let rgb = table[i];
            let (tx, ty) = ((ch % columns) * (side + 1), (ch / columns) * (side + 1));
            let o = ((ty + y) * w + tx + x) * 4;
            rgba[o..o + 4].copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
        }
    }
    (w, h)
}

/// A grey image in [0, 1] as opaque RGBA bytes (values outside are clamped).
pub fn grey_to_rgba(grey: &[f32]) -> Vec<u8> {
    grey.iter()
        .flat_map(|&g| {
            let v = (g.clamp(0.0, 1.0) * 255.0).round() as u8;
            [v, v, v, 255]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn pixel(p: &Picture, x: usize, y: usize) -> [u8; 4] {
        let o = (y * p.width + x) * 4;
        [p.rgba[o], p.rgba[o + 1], p.rgba[o + 2], p.rgba[o + 3]]
    }

    #[test]
    fn the_ramps_run_from_their_first_stop_to_their_last() {
        let p = Palettes::new();
        assert_eq!(p.sequential[0], SEQUENTIAL[0]);
        assert_eq!(p.sequential[STEPS - 1], SEQUENTIAL[4]);
        assert_eq!(p.diverging[0], DIVERGING[0]);
        assert_eq!(p.diverging[STEPS / 2], DIVERGING[2], "zero is the white midpoint");
        assert_eq!(p.diverging[STEPS - 1], DIVERGING[4]);
        // Not a number is drawn as the middle of the ramp, not as an end.
        assert_eq!(ramp(&DIVERGING, f32::NAN), DIVERGING[2]);
    }

    #[test]
    fn tiles_are_laid_out_in_columns_with_one_pixel_gaps() {
        // 3 channels of 2×2 in 2 columns: 2 rows of tiles, 5×5 pixels.
        let mut x = Array2::zeros((4, 3));
        x[[3, 2]] = 1.0; // channel 2, pixel (1, 1): the brightest value
        x[[0, 0]] = -1.0; // channel 0, pixel (0, 0): the most negative
        let maps = Maps { n: 1, side: 2, x };
        let mut painter = Painter::default();
        let p = painter.tiles(&maps, 2, true);
        assert_eq!((p.width, p.height, p.rgba.len()), (5, 5, 5 * 5 * 4));
        // Channel 2 is the first tile of the second row, at (0, 3).
        assert_eq!(pixel(&p, 1, 4), [178, 24, 43, 255]);
        assert_eq!(pixel(&p, 0, 0), [33, 102, 172, 255]);
        assert_eq!(pixel(&p, 1, 0), [247, 247, 247, 255], "zero is white");
        assert_eq!(pixel(&p, 2, 0), [0, 0, 0, 0], "the gap column is transparent");
        assert_eq!(pixel(&p, 3, 3), [0, 0, 0, 0], "no fourth channel");
        // As rates, the same maps scale from 0 (and clamp the negative value to 0).
        let p = painter.tiles(&maps, 2, false);
        assert_eq!((p.width, p.height), (5, 5));
        assert_eq!(pixel(&p, 1, 4), [253, 231, 37, 255]);
        assert_eq!(pixel(&p, 0, 0), [68, 1, 84, 255]);
        // A smaller picture after a larger one: the buffer shrinks to fit.
        let one = Maps::zeros(1, 2, 1);
        assert_eq!(painter.tiles(&one, 1, false).rgba.len(), 2 * 2 * 4);
    }

    #[test]
    fn silent_maps_are_drawn_at_zero_without_dividing_by_it() {
        let maps = Maps::zeros(1, 3, 2);
        let mut painter = Painter::default();
        let p = painter.tiles(&maps, 1, true);
        assert_eq!(pixel(&p, 1, 1), [247, 247, 247, 255]);
        assert_eq!(pixel(&p, 1, 5), [247, 247, 247, 255]);
    }

    #[test]
    fn grey_becomes_opaque_rgba() {
        assert_eq!(
            grey_to_rgba(&[0.0, 1.0, 2.0, -1.0, 0.5]),
            [0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255, 128, 128, 128, 255]
        );
    }
}
