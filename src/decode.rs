//! PNG and JPEG files → RGBA, natively (the page lets the browser decode). One policy for
//! every file:
//!
//! - the size the header declares is checked against [`input::MAX_PIXELS`] before anything
//!   is decoded ("too large: W×H, at most N pixels"), the same rule as the page's;
//! - an image is shrunk while it is decoded and never held at full size: a PNG row by row
//!   into box averages (an interlaced one pass by pass into the same averages), a JPEG by the
//!   decoder's own DCT scaling; the model sees 64×64, and no side of what this returns is
//!   longer than [`MAX_SIDE`];
//! - the decoders' own limits stay on (the png crate's 64 MiB for its buffers, the JPEG
//!   decoder's output buffer bounded by `MAX_SIDE`);
//! - data cut short is refused, never filled in: a PNG must deliver every row, a JPEG must
//!   not end inside its data, and its coded data must be long enough for the frame it declares.

use crate::input;

/// No side of a decoded image is longer than this; area averaging down to 64×64 afterwards
/// makes the result the same as from the full image.
pub const MAX_SIDE: usize = 2048;

/// RGBA pixels, with their width and height.
pub type Rgba = (Vec<u8>, usize, usize);

/// Decodes a PNG or JPEG file's bytes.
pub fn decode(bytes: &[u8]) -> Result<Rgba, String> {
    if bytes.starts_with(b"\x89PNG") {
        decode_png(bytes, MAX_SIDE)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        decode_jpeg(bytes, MAX_SIDE)
    } else {
        Err("not a PNG or JPEG image".into())
    }
}

fn size_rule(width: usize, height: usize) -> Result<(), String> {
    input::check_size(width, height).map_err(|e| e.to_string())
}

fn decode_png(bytes: &[u8], max_side: usize) -> Result<Rgba, String> {
    let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    // The header alone first: the size rule before the decoder sets up anything.
    let header = dec.read_header_info().map_err(|e| format!("not a readable PNG ({e})"))?;
    let (w, h) = (header.width as usize, header.height as usize);
    size_rule(w, h)?;
    let mut reader = dec.read_info().map_err(|e| format!("not a readable PNG ({e})"))?;
    let (colour, _) = reader.output_color_type();
    let damaged = |e: png::DecodingError| format!("PNG data is damaged ({e})");
    let mut shrink = Shrink::new(w, h, max_side);
    if reader.info().interlaced {
        // Adam7: seven passes, each a sparse grid of the image; every pixel goes straight into
        // its block's sums, so the full frame is never held.
        let mut passes = adam7_passes(w, h).into_iter().flat_map(|p| (0..p.lines).map(move |line| (p, line)));
        while let Some(row) = reader.next_row().map_err(damaged)? {
            let Some((p, line)) = passes.next() else { break };
            let y = p.y0 + line * p.dy;
            each_pixel(colour, row.data(), p.width, |i, px| shrink.add(p.x0 + i * p.dx, y, px))?;
        }
        if passes.next().is_some() {
            return Err("PNG data is cut short (an interlaced pass is missing)".into());
        }
        return Ok(shrink.finish_scattered());
    }
    let mut rows = 0;
    while let Some(row) = reader.next_row().map_err(damaged)? {
        shrink.begin_row();
        each_pixel(colour, row.data(), w, |x, px| shrink.add(x, rows, px))?;
        shrink.end_row();
        rows += 1;
    }
    if rows < h {
        return Err(format!("PNG data is cut short ({rows} of {h} rows)"));
    }
    Ok(shrink.finish())
}

/// One Adam7 pass: the pixels (x0 + i·dx, y0 + j·dy), `width` a row and `lines` rows.
#[derive(Clone, Copy, Debug)]
struct Pass {
    x0: usize,
    y0: usize,
    dx: usize,
    dy: usize,
    width: usize,
    lines: usize,
}

/// The passes a decoder delivers rows of, in order (PNG spec, Adam7): an empty pass is skipped.
fn adam7_passes(w: usize, h: usize) -> Vec<Pass> {
    let grid = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
    grid.iter()
        .map(|&(x0, y0, dx, dy)| {
            let count = |n: usize, start: usize, step: usize| n.saturating_sub(start).div_ceil(step);
            Pass { x0, y0, dx, dy, width: count(w, x0, dx), lines: count(h, y0, dy) }
        })
        .filter(|p| p.width > 0 && p.lines > 0)
        .collect()
}

/// Calls `f(i, rgba)` for the first `n` pixels of a decoded row (8 bits a channel after the
/// transformations), without building an RGBA copy of the row.
fn each_pixel(colour: png::ColorType, row: &[u8], n: usize, mut f: impl FnMut(usize, [u8; 4])) -> Result<(), String> {
    let channels = match colour {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err("an indexed PNG was not expanded".into()),
    };
    for (i, p) in row.chunks_exact(channels).take(n).enumerate() {
        f(
            i,
            match channels {
                1 => [p[0], p[0], p[0], 255],
                2 => [p[0], p[0], p[0], p[1]],
                3 => [p[0], p[1], p[2], 255],
                _ => [p[0], p[1], p[2], p[3]],
            },
        );
    }
    Ok(())
}

fn decode_jpeg(bytes: &[u8], max_side: usize) -> Result<Rgba, String> {
    let mut dec = jpeg_decoder::Decoder::new(std::io::Cursor::new(bytes));
    dec.read_info().map_err(|e| jpeg_error(&e))?;
    let info = dec.info().ok_or("a JPEG without a header")?;
    let (w, h) = (info.width as usize, info.height as usize);
    size_rule(w, h)?;
    enough_coded_data(bytes, w, h)?;
    // The decoder's own limit on its output buffer, kept on. It scales by halves, so what it
    // puts out has a side under 2 · max_side, or (scaled by 1/8 and still longer) at most
    // MAX_PIXELS / 64 pixels, which is less; four channels at the most.
    dec.set_max_decoding_buffer_size(4 * (2 * max_side).pow(2));
    let (mut w, mut h) = (w, h);
    if w.max(h) > max_side {
        // The decoder scales by 1/2, 1/4 or 1/8 in the DCT, to at least the size asked for.
        let k = max_side as f64 / w.max(h) as f64;
        let ask = |n: usize| ((n as f64 * k).ceil() as u16).max(1);
        let (sw, sh) = dec.scale(ask(w), ask(h)).map_err(|e| jpeg_error(&e))?;
        (w, h) = (sw as usize, sh as usize);
    }
    let px = dec.decode().map_err(|e| jpeg_error(&e))?;
    let format = dec.info().ok_or("a JPEG without a header")?.pixel_format;
    let channels = match format {
        jpeg_decoder::PixelFormat::L8 => 1,
        jpeg_decoder::PixelFormat::L16 => 2,
        jpeg_decoder::PixelFormat::RGB24 => 3,
        jpeg_decoder::PixelFormat::CMYK32 => 4,
    };
    if px.len() != w * h * channels {
        return Err(format!("JPEG data does not fill its {w}×{h} frame"));
    }
    let mut shrink = Shrink::new(w, h, max_side);
    for (y, row) in px.chunks_exact(w * channels).enumerate() {
        shrink.begin_row();
        for (x, p) in row.chunks_exact(channels).enumerate() {
            let rgba = match format {
                jpeg_decoder::PixelFormat::L8 | jpeg_decoder::PixelFormat::L16 => [p[0], p[0], p[0], 255],
                jpeg_decoder::PixelFormat::RGB24 => [p[0], p[1], p[2], 255],
                jpeg_decoder::PixelFormat::CMYK32 => {
                    let k = 255 - p[3] as u16;
                    let c = |v: u8| ((255 - v as u16) * k / 255) as u8;
                    [c(p[0]), c(p[1]), c(p[2]), 255]
                }
            };
            shrink.add(x, y, rgba);
        }
        shrink.end_row();
    }
    Ok(shrink.finish())
}

/// The decoder's error in our words: running out of bytes is data cut short.
fn jpeg_error(e: &jpeg_decoder::Error) -> String {
    match e {
        jpeg_decoder::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "JPEG data is cut short (the file ends inside the image)".into()
        }
        _ => format!("not a readable JPEG ({e})"),
    }
}

/// The JPEG decoder fills coded data that ends early (at a marker) with zeros, so a few bytes
/// can declare a huge grey picture. Every 8×8 block of the first component codes at least its
/// DC term, one bit at the least, in any baseline or progressive file: data after the first
/// scan header shorter than that is cut short.
fn enough_coded_data(bytes: &[u8], w: usize, h: usize) -> Result<(), String> {
    let Some(scan) = first_scan(bytes) else {
        return Err("JPEG data is cut short (no image data)".into());
    };
    let blocks = w.div_ceil(8) * h.div_ceil(8);
    let coded = bytes.len() - scan;
    if coded * 8 < blocks {
        return Err(format!("JPEG data is cut short ({coded} bytes of image data cannot hold {w}×{h} pixels)"));
    }
    Ok(())
}

/// Where the coded data of the first scan starts: after the first SOS segment, found by
/// walking the marker segments (so that a thumbnail inside an APP segment is skipped).
fn first_scan(bytes: &[u8]) -> Option<usize> {
    let mut at = 2;
    loop {
        // Fill bytes (0xFF) may come before a marker.
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        // Markers without a length: TEM, RSTn, SOI, EOI.
        if marker == 0x01 || (0xD0..=0xD9).contains(&marker) {
            at += 2;
            continue;
        }
        let len = u16::from_be_bytes([*bytes.get(at + 2)?, *bytes.get(at + 3)?]) as usize;
        let end = at + 2 + len;
        if marker == 0xDA {
            return (end <= bytes.len()).then_some(end);
        }
        at = end;
    }
}

/// Shrinks an image by a whole factor f (so that no side exceeds `max_side`), averaging f×f
/// blocks (the blocks at the right and bottom edges may be smaller). Rows in order keep one
/// band of sums (`begin_row`, `add`, `end_row`, `finish`); pixels in any order (an interlaced
/// PNG) keep the sums of the whole output (`add`, `finish_scattered`).
struct Shrink {
    f: usize,
    width: usize,
    height: usize,
    out_w: usize,
    out_h: usize,
    /// Running sums per output pixel and channel: one band of output rows, or all of them.
    sums: Vec<u32>,
    /// The first output row `sums` holds (rows in order), and rows added to the band.
    band: usize,
    rows_in_band: usize,
    out: Vec<u8>,
}

impl Shrink {
    fn new(width: usize, height: usize, max_side: usize) -> Self {
        let f = width.max(height).div_ceil(max_side).max(1);
        let (out_w, out_h) = (width.div_ceil(f), height.div_ceil(f));
        Shrink {
            f,
            width,
            height,
            out_w,
            out_h,
            sums: Vec::new(),
            band: 0,
            rows_in_band: 0,
            out: Vec::with_capacity(out_w * out_h * 4),
        }
    }

    /// Adds pixel (x, y). Rows in order: `y` lies in the current band.
    fn add(&mut self, x: usize, y: usize, px: [u8; 4]) {
        if x >= self.width || y >= self.height {
            return;
        }
        if self.sums.is_empty() {
            // The first pixel of scattered input: sums for the whole output.
            self.sums = vec![0; self.out_w * self.out_h * 4];
        }
        let oy = y / self.f - self.band;
        let o = (oy * self.out_w + x / self.f) * 4;
        for (sum, v) in self.sums[o..o + 4].iter_mut().zip(px) {
            *sum += v as u32;
        }
    }

    /// Rows in order: a band of one output row's sums.
    fn begin_row(&mut self) {
        if self.sums.len() != self.out_w * 4 {
            self.sums = vec![0; self.out_w * 4];
        }
    }

    fn end_row(&mut self) {
        self.rows_in_band += 1;
        if self.rows_in_band == self.f || self.band * self.f + self.rows_in_band == self.height {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.rows_in_band == 0 || self.band >= self.out_h {
            return;
        }
        let rows = self.rows_in_band;
        for ox in 0..self.out_w {
            let n = (self.cols(ox) * rows) as u32;
            for c in 0..4 {
                self.out.push(((self.sums[ox * 4 + c] + n / 2) / n) as u8);
            }
        }
        self.sums.fill(0);
        self.band += 1;
        self.rows_in_band = 0;
    }

    /// Source columns in output column `ox` (rows likewise).
    fn cols(&self, ox: usize) -> usize {
        self.f.min(self.width - ox * self.f)
    }

    fn finish(mut self) -> Rgba {
        self.flush();
        let h = self.out.len() / (self.out_w * 4);
        (self.out, self.out_w, h)
    }

    fn finish_scattered(mut self) -> Rgba {
        if self.sums.is_empty() {
            self.sums = vec![0; self.out_w * self.out_h * 4];
        }
        for oy in 0..self.out_h {
            let rows = self.f.min(self.height - oy * self.f);
            for ox in 0..self.out_w {
                let n = (self.cols(ox) * rows) as u32;
                let o = (oy * self.out_w + ox) * 4;
                for c in 0..4 {
                    self.out.push(((self.sums[o + c] + n / 2) / n) as u8);
                }
            }
        }
        (self.out, self.out_w, self.out_h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shrink_rows(w: usize, h: usize, max_side: usize, px: impl Fn(usize, usize) -> [u8; 4]) -> Rgba {
        let mut s = Shrink::new(w, h, max_side);
        for y in 0..h {
            s.begin_row();
            for x in 0..w {
                s.add(x, y, px(x, y));
            }
            s.end_row();
        }
        s.finish()
    }

    #[test]
    fn a_small_image_is_copied() {
        let px = |x: usize, y: usize| [(y * 20 + x * 4) as u8, (y * 20 + x * 4 + 1) as u8, 7, 255];
        let (out, w, h) = shrink_rows(5, 3, MAX_SIDE, px);
        assert_eq!((w, h), (5, 3));
        let want: Vec<u8> = (0..3).flat_map(|y| (0..5).flat_map(move |x| px(x, y))).collect();
        assert_eq!(out, want);
    }

    #[test]
    fn a_huge_image_is_box_averaged_edges_included() {
        // 4099 wide → f = 3: output 1367 wide, the last block one column wide.
        let (w, h) = (4099, 7);
        let v = |x: usize, y: usize| ((x + y) % 7 * 30) as u8;
        let (out, ow, oh) = shrink_rows(w, h, MAX_SIDE, |x, y| [v(x, y), v(x, y), v(x, y), 255]);
        assert_eq!((ow, oh), (1367, 3));
        // Block (0, 0): x 0..3, y 0..3 → mean of (x + y) % 7 · 30.
        let mean = (0..3).flat_map(|y| (0..3).map(move |x| v(x, y) as f64)).sum::<f64>() / 9.0;
        assert_eq!(out[0], mean.round() as u8);
        // The last output row holds only row 6; the last column only x = 4098.
        assert_eq!(out[((oh - 1) * ow + ow - 1) * 4], v(4098, 6));
        assert_eq!(out[3], 255);
    }

    #[test]
    fn pixels_in_any_order_average_as_rows_in_order_do() {
        let (w, h) = (37, 23);
        let px = |x: usize, y: usize| [(x * 7 + y) as u8, (x * y) as u8, (y * 11) as u8, 200];
        let rows = shrink_rows(w, h, 10, px);
        // The Adam7 order: every pixel once, pass by pass.
        let mut s = Shrink::new(w, h, 10);
        let mut seen = 0;
        for p in adam7_passes(w, h) {
            for line in 0..p.lines {
                for i in 0..p.width {
                    let (x, y) = (p.x0 + i * p.dx, p.y0 + line * p.dy);
                    s.add(x, y, px(x, y));
                    seen += 1;
                }
            }
        }
        assert_eq!(seen, w * h);
        assert_eq!(s.finish_scattered(), rows);
    }

    #[test]
    fn adam7_passes_cover_small_images_as_the_spec_says() {
        // A 1×1 image has pass 1 only; the passes of any image hold each pixel once.
        let one: Vec<(usize, usize)> = adam7_passes(1, 1).iter().map(|p| (p.width, p.lines)).collect();
        assert_eq!(one, [(1, 1)]);
        for (w, h) in [(3, 3), (1, 9), (9, 1), (8, 8), (13, 5)] {
            let n: usize = adam7_passes(w, h).iter().map(|p| p.width * p.lines).sum();
            assert_eq!(n, w * h, "{w}×{h}");
        }
    }

    fn mean(rgba: &[u8]) -> f64 {
        rgba.chunks(4).map(|p| p[0] as f64 + p[1] as f64 + p[2] as f64).sum::<f64>() / (rgba.len() / 4) as f64
    }

    #[test]
    fn a_jpeg_is_scaled_in_the_decoder_and_keeps_its_look() {
        // The 333×211 fixture, decoded whole and with at most 60 pixels a side.
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/photo.jpg")).unwrap();
        let (full, fw, fh) = decode_jpeg(&bytes, MAX_SIDE).unwrap();
        let (small, sw, sh) = decode_jpeg(&bytes, 60).unwrap();
        assert_eq!((fw, fh), (333, 211));
        assert!(sw <= 60 && sh <= 60 && sw >= 30, "{sw}×{sh}");
        assert_eq!(small.len(), sw * sh * 4);
        assert!((mean(&full) - mean(&small)).abs() < 3.0, "{} vs {}", mean(&full), mean(&small));
    }

    #[test]
    fn the_first_scan_is_found_past_a_thumbnail() {
        // SOI, an APP1 segment holding a thumbnail's own SOS, then the real SOS and 3 bytes.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xDA, 0x00, 0x02];
        jpeg.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x03, 0x01, 0xAA, 0xBB, 0xCC]);
        assert_eq!(first_scan(&jpeg), Some(15));
        // 3 coded bytes hold at most 24 blocks: 40×40 (25 blocks) is cut short, 32×48 is not.
        assert!(enough_coded_data(&jpeg, 40, 40).unwrap_err().contains("cut short"));
        assert!(enough_coded_data(&jpeg, 32, 48).is_ok());
        assert_eq!(first_scan(&jpeg[..12]), None);
    }
}
