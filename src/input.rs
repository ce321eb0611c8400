//! Canvas → retina (docs/DESIGN.md 1.1): RGBA pixels of any size become one 64×64
//! light-adapted luminance image.
//!
//! 1. Luminance with Rec. 709 weights on the stored 8-bit values (no gamma
//!    decoding: a canvas is sRGB and so is every preset). Transparent pixels are
//!    composited over white, as if the drawing were on paper.
//! 2. Letterbox into a square: the short side is padded with the mean luminance
//!    of the image's border, so the padding adds no edge of its own.
//! 3. Resample to 64×64 by exact area averaging (every source pixel contributes
//!    in proportion to its overlap with the output pixel), done separably so a
//!    10,000×10,000 image needs only one row of 64 floats per source row.
//! 4. Light adaptation: subtract the mean, divide by the standard deviation plus
//!    `ADAPT_EPS`. A uniform image (contrast below 1e-4, i.e. rounding) comes
//!    out as zeros.

pub const SIDE: usize = 64;
/// Added to the standard deviation so near-uniform images are not blown up.
pub const ADAPT_EPS: f32 = 0.02;

/// The most pixels (width × height) an image may have, checked from a file's header before
/// anything is decoded, by the command line and the page alike (the page reads it through the
/// wasm module's `max_pixels()`): 2²⁶ = 67,108,864, 64 megapixels, 8192 × 8192. Every phone's
/// full-resolution photo passes (48 MP 8064 × 6048, 50 MP 8160 × 6144); the 108 and 200 MP
/// modes and decompression bombs (a few bytes declaring 2,147,483,647 × 1) do not.
pub const MAX_PIXELS: usize = 1 << 26;

#[derive(Debug, Clone, PartialEq)]
pub enum InputError {
    Empty,
    WrongLength { width: usize, height: usize, len: usize },
    TooLarge { width: usize, height: usize },
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            InputError::Empty => write!(f, "the image has no pixels (width or height is 0)"),
            InputError::WrongLength { width, height, len } => {
                write!(f, "an RGBA image of {width}×{height} needs {} bytes, got {len}", width * height * 4)
            }
            InputError::TooLarge { width, height } => {
                write!(f, "too large: {width}×{height}, at most {MAX_PIXELS} pixels")
            }
        }
    }
}
impl std::error::Error for InputError {}

/// Luminance in [0, 1] of one RGBA pixel, composited over white.
#[inline]
fn luminance(px: &[u8]) -> f32 {
    let a = px[3] as f32 / 255.0;
    let y = (0.2126 * px[0] as f32 + 0.7152 * px[1] as f32 + 0.0722 * px[2] as f32) / 255.0;
    y * a + (1.0 - a)
}

/// For one axis: which source pixels overlap output pixel `i` and by how much,
/// when `src` pixels starting at `offset` (≤ 0 for padding) are spread over
/// `SIDE` bins of width `bin`. Returns (first index, weights) per bin plus the
/// weight that falls on padding.
fn overlaps(src: usize, side_len: f64, offset: f64) -> Vec<(usize, Vec<f32>, f32)> {
    let bin = side_len / SIDE as f64;
    (0..SIDE)
        .map(|i| {
            let lo = offset + i as f64 * bin;
            let hi = lo + bin;
            let first = lo.max(0.0).floor() as usize;
            let last = (hi.min(src as f64).ceil() as usize).max(first);
            let mut weights = Vec::with_capacity(last - first);
            let mut inside = 0.0;
            for j in first..last.min(src) {
                let w = (hi.min(j as f64 + 1.0) - lo.max(j as f64)).max(0.0);
                inside += w;
                weights.push((w / bin) as f32);
            }
            (first, weights, ((bin - inside).max(0.0) / bin) as f32)
        })
        .collect()
}

/// The mean luminance of the outermost rows and columns: the padding colour.
fn border_mean(rgba: &[u8], width: usize, height: usize) -> f32 {
    let mut sum = 0.0f64;
    let mut n = 0usize;
    let mut add = |x: usize, y: usize| {
        sum += luminance(&rgba[(y * width + x) * 4..][..4]) as f64;
        n += 1;
    };
    for x in 0..width {
        add(x, 0);
        add(x, height - 1);
    }
    for y in 0..height {
        add(0, y);
        add(width - 1, y);
    }
    (sum / n as f64) as f32
}

/// The one size rule: no side 0, at most [`MAX_PIXELS`] pixels.
pub fn check_size(width: usize, height: usize) -> Result<(), InputError> {
    if width == 0 || height == 0 {
        return Err(InputError::Empty);
    }
    match width.checked_mul(height) {
        Some(n) if n <= MAX_PIXELS => Ok(()),
        _ => Err(InputError::TooLarge { width, height }),
    }
}

/// Letterboxed, area-averaged 64×64 luminance in [0, 1], row-major.
pub fn letterbox(rgba: &[u8], width: usize, height: usize) -> Result<Vec<f32>, InputError> {
    check_size(width, height)?;
    if width.checked_mul(height).and_then(|n| n.checked_mul(4)) != Some(rgba.len()) {
        return Err(InputError::WrongLength { width, height, len: rgba.len() });
    }
    let square = width.max(height) as f64;
    let pad = border_mean(rgba, width, height);
    let xs = overlaps(width, square, (width as f64 - square) / 2.0);
    let ys = overlaps(height, square, (height as f64 - square) / 2.0);

    // Row pass: each source row becomes SIDE area-averaged values (padding
    // included), accumulated straight into the output rows it overlaps.
    let mut out = vec![0.0f32; SIDE * SIDE];
    let mut row = [0.0f32; SIDE];
    // Which output rows each source row feeds, with weight.
    let mut feeds: Vec<Vec<(usize, f32)>> = vec![Vec::new(); height];
    for (i, (first, ws, _)) in ys.iter().enumerate() {
        for (k, &w) in ws.iter().enumerate() {
            feeds[first + k].push((i, w));
        }
    }
    for (y, targets) in feeds.iter().enumerate() {
        if targets.is_empty() {
            continue;
        }
        let src = &rgba[y * width * 4..(y + 1) * width * 4];
        for (o, (first, ws, pad_w)) in row.iter_mut().zip(&xs) {
            let mut acc = pad_w * pad;
            for (k, &w) in ws.iter().enumerate() {
                acc += w * luminance(&src[(first + k) * 4..][..4]);
            }
            *o = acc;
        }
        for &(i, w) in targets {
            for (o, r) in out[i * SIDE..(i + 1) * SIDE].iter_mut().zip(&row) {
                *o += w * r;
            }
        }
    }
    // Rows of the square that lie in the padding.
    for (i, (_, _, pad_w)) in ys.iter().enumerate() {
        for o in &mut out[i * SIDE..(i + 1) * SIDE] {
            *o += pad_w * pad;
        }
    }
    Ok(out)
}

/// Light adaptation in place: zero mean, unit standard deviation (plus eps).
/// Non-finite values (which no canvas produces, but a caller might) become 0.
pub fn adapt(img: &mut [f32]) {
    for v in img.iter_mut() {
        if !v.is_finite() {
            *v = 0.0;
        }
    }
    let n = img.len().max(1) as f64;
    let mean = img.iter().map(|&v| v as f64).sum::<f64>() / n;
    let var = img.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
    // Below this the "contrast" is rounding in the resampling: call it uniform.
    let scale = if var.sqrt() < 1e-4 { 0.0 } else { 1.0 / (var.sqrt() as f32 + ADAPT_EPS) };
    for v in img.iter_mut() {
        *v = (*v - mean as f32) * scale;
    }
}

/// The whole path: RGBA of any size → adapted 64×64 image.
pub fn from_rgba(rgba: &[u8], width: usize, height: usize) -> Result<Vec<f32>, InputError> {
    let mut img = letterbox(rgba, width, height)?;
    adapt(&mut img);
    Ok(img)
}

/// A 64×64 grey image in [0, 1] (a generated stimulus) → adapted image.
pub fn from_gray(gray: &[f32]) -> Vec<f32> {
    let mut img = gray.to_vec();
    adapt(&mut img);
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgba(width: usize, height: usize, f: impl Fn(usize, usize) -> u8) -> Vec<u8> {
        let mut v = Vec::with_capacity(width * height * 4);
        for y in 0..height {
            for x in 0..width {
                let g = f(x, y);
                v.extend_from_slice(&[g, g, g, 255]);
            }
        }
        v
    }

    #[test]
    fn uniform_image_gives_zeros() {
        for (w, h) in [(1, 1), (64, 64), (300, 17)] {
            let img = from_rgba(&rgba(w, h, |_, _| 200), w, h).unwrap();
            assert!(img.iter().all(|&v| v == 0.0), "{w}x{h}");
        }
    }

    #[test]
    fn area_average_preserves_mean_of_a_square_image() {
        let (w, h) = (200, 200);
        let px = rgba(w, h, |x, y| ((x * 7 + y * 13) % 256) as u8);
        let lum = letterbox(&px, w, h).unwrap();
        let src_mean: f64 = px.chunks(4).map(|p| luminance(p) as f64).sum::<f64>() / (w * h) as f64;
        let out_mean: f64 = lum.iter().map(|&v| v as f64).sum::<f64>() / (SIDE * SIDE) as f64;
        assert!((src_mean - out_mean).abs() < 1e-4, "{src_mean} vs {out_mean}");
    }

    #[test]
    fn letterbox_keeps_aspect_ratio() {
        // A wide black image on a white border: 256×64, left half black.
        // After letterboxing into 256×256 the content spans rows 24..40 of 64.
        let (w, h) = (256, 64);
        let px = rgba(w, h, |x, y| if y == 0 || y == h - 1 || x == 0 || x == w - 1 { 255 } else { 0 });
        let lum = letterbox(&px, w, h).unwrap();
        let dark_rows: Vec<usize> = (0..SIDE).filter(|&r| lum[r * SIDE + SIDE / 2] < 0.5).collect();
        assert_eq!(dark_rows.first(), Some(&24));
        assert_eq!(dark_rows.last(), Some(&39));
        // The padding rows carry the border colour (white).
        assert!((lum[0] - 1.0).abs() < 1e-5);
        // Columns: the whole width is content, so the middle row is dark from
        // the first column on (only the 1-px border is blended in).
        assert!(lum[32 * SIDE + 1] < 0.1);
    }

    #[test]
    fn upscaling_small_images_is_area_weighted() {
        // 2×2 checkerboard → each quadrant of the 64×64 is one source pixel.
        let px = rgba(2, 2, |x, y| if (x + y) % 2 == 0 { 0 } else { 255 });
        let lum = letterbox(&px, 2, 2).unwrap();
        assert!(lum[0] < 1e-6 && (lum[63] - 1.0).abs() < 1e-6);
        assert!((lum[32 * SIDE + 31] - 1.0).abs() < 1e-6);
    }

    #[test]
    fn adapted_image_has_zero_mean_unit_sd() {
        let px = rgba(100, 80, |x, _| (x * 2) as u8);
        let img = from_rgba(&px, 100, 80).unwrap();
        let n = img.len() as f32;
        let mean: f32 = img.iter().sum::<f32>() / n;
        let sd = (img.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / n).sqrt();
        assert!(mean.abs() < 1e-4);
        assert!((sd - 1.0).abs() < 0.1, "{sd}");
    }

    #[test]
    fn the_pixel_limit_is_one_rule_with_one_message() {
        assert_eq!(check_size(8192, 8192), Ok(()));
        assert_eq!(check_size(MAX_PIXELS, 1), Ok(()));
        for (w, h) in [(8193, 8192), (MAX_PIXELS + 1, 1), (2_147_483_647, 1), (usize::MAX, 2)] {
            let e = check_size(w, h).unwrap_err();
            assert_eq!(e, InputError::TooLarge { width: w, height: h });
            assert_eq!(e.to_string(), format!("too large: {w}×{h}, at most 67108864 pixels"));
        }
        assert_eq!(check_size(0, 9), Err(InputError::Empty));
        // The RGBA path refuses it before looking at the buffer.
        assert!(matches!(letterbox(&[], 9000, 9000), Err(InputError::TooLarge { .. })));
    }

    #[test]
    fn transparent_reads_as_white_and_bad_sizes_are_errors() {
        let px = vec![0u8; 4 * 4 * 4];
        let lum = letterbox(&px, 4, 4).unwrap();
        assert!(lum.iter().all(|&v| (v - 1.0).abs() < 1e-6));
        assert_eq!(letterbox(&[], 0, 5), Err(InputError::Empty));
        assert!(matches!(letterbox(&[0; 7], 1, 2), Err(InputError::WrongLength { .. })));
        let mut nan = vec![f32::NAN, 1.0, 2.0];
        adapt(&mut nan);
        assert!(nan.iter().all(|v| v.is_finite()));
    }
}
