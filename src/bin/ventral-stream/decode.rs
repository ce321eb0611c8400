//! PNG and JPEG files → RGBA, for the command line only (the page lets the
//! browser decode). The model sees 64×64, so a huge image is shrunk while it
//! is decoded and never held at full size: a PNG row by row into box
//! averages, a JPEG by the decoder's own DCT scaling. A 10,000 × 10,000 file
//! then needs a few tens of megabytes, not gigabytes.

/// No side of a decoded image is longer than this; area averaging down to
/// 64×64 afterwards makes the result the same as from the full image.
const MAX_SIDE: usize = 2048;

pub fn decode_image(path: &str) -> Result<(Vec<u8>, usize, usize), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    if bytes.starts_with(b"\x89PNG") {
        decode_png(&bytes, MAX_SIDE).map_err(|e| format!("{path}: {e}"))
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        decode_jpeg(&bytes, MAX_SIDE).map_err(|e| format!("{path}: {e}"))
    } else {
        Err(format!("{path}: not a PNG or JPEG image"))
    }
}

fn decode_png(bytes: &[u8], max_side: usize) -> Result<(Vec<u8>, usize, usize), String> {
    let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    // The default limit refuses big images outright; our memory stays bounded by shrinking.
    dec.set_limits(png::Limits { bytes: usize::MAX });
    let mut reader = dec.read_info().map_err(|e| format!("not a readable PNG ({e})"))?;
    let (w, h) = (reader.info().width as usize, reader.info().height as usize);
    let (colour, _) = reader.output_color_type();
    let damaged = |e: png::DecodingError| format!("PNG data is damaged ({e})");
    if reader.info().interlaced {
        // Adam7 passes come in scattered rows: decode the whole frame (these are rare, and
        // the decoder's own limit would be our memory bound).
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).map_err(damaged)?;
        let mut shrink = Shrink::new(w, h, max_side);
        for row in buf[..info.buffer_size()].chunks(info.line_size) {
            shrink.push(&to_rgba(colour, row)?);
        }
        return Ok(shrink.finish());
    }
    let mut shrink = Shrink::new(w, h, max_side);
    while let Some(row) = reader.next_row().map_err(damaged)? {
        shrink.push(&to_rgba(colour, row.data())?);
    }
    if shrink.rows_seen < h {
        return Err(format!("PNG data is cut short ({} of {h} rows)", shrink.rows_seen));
    }
    Ok(shrink.finish())
}

fn to_rgba(colour: png::ColorType, px: &[u8]) -> Result<Vec<u8>, String> {
    Ok(match colour {
        png::ColorType::Rgba => px.to_vec(),
        png::ColorType::Rgb => px.chunks(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
        png::ColorType::Grayscale => px.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        png::ColorType::GrayscaleAlpha => px.chunks(2).flat_map(|p| [p[0], p[0], p[0], p[1]]).collect(),
        png::ColorType::Indexed => return Err("an indexed PNG was not expanded".into()),
    })
}

fn decode_jpeg(bytes: &[u8], max_side: usize) -> Result<(Vec<u8>, usize, usize), String> {
    let mut dec = jpeg_decoder::Decoder::new(std::io::Cursor::new(bytes));
    dec.read_info().map_err(|e| format!("not a readable JPEG ({e})"))?;
    let info = dec.info().ok_or("a JPEG without a header")?;
    let (w, h) = (info.width as usize, info.height as usize);
    let (mut w, mut h) = (w, h);
    if w.max(h) > max_side {
        // The decoder scales by 1/2, 1/4 or 1/8 in the DCT, to at least the size asked for.
        let k = max_side as f64 / w.max(h) as f64;
        let ask = |n: usize| ((n as f64 * k).ceil() as u16).max(1);
        let (sw, sh) = dec.scale(ask(w), ask(h)).map_err(|e| format!("not a readable JPEG ({e})"))?;
        (w, h) = (sw as usize, sh as usize);
    }
    let px = dec.decode().map_err(|e| format!("not a readable JPEG ({e})"))?;
    let format = dec.info().ok_or("a JPEG without a header")?.pixel_format;
    let rgba: Vec<u8> = match format {
        jpeg_decoder::PixelFormat::RGB24 => px.chunks(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
        jpeg_decoder::PixelFormat::L8 => px.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        jpeg_decoder::PixelFormat::L16 => px.chunks(2).flat_map(|p| [p[0], p[0], p[0], 255]).collect(),
        jpeg_decoder::PixelFormat::CMYK32 => px
            .chunks(4)
            .flat_map(|p| {
                let k = 255 - p[3] as u16;
                let c = |v: u8| ((255 - v as u16) * k / 255) as u8;
                [c(p[0]), c(p[1]), c(p[2]), 255]
            })
            .collect(),
    };
    if rgba.len() != w * h * 4 {
        return Err(format!("JPEG data does not fill its {w}×{h} frame"));
    }
    let mut shrink = Shrink::new(w, h, max_side);
    for row in rgba.chunks(w * 4) {
        shrink.push(row);
    }
    Ok(shrink.finish())
}

/// Shrinks an image by a whole factor (so that no side exceeds `max_side`),
/// taking RGBA rows one at a time and averaging f×f blocks (the blocks at the
/// right and bottom edges may be smaller). With f = 1 it just copies.
struct Shrink {
    f: usize,
    width: usize,
    out_w: usize,
    out_h: usize,
    /// Running sums of the current band of f rows, per output pixel and channel.
    sums: Vec<u32>,
    rows_in_band: usize,
    rows_seen: usize,
    out: Vec<u8>,
}

impl Shrink {
    fn new(width: usize, height: usize, max_side: usize) -> Self {
        let f = width.max(height).div_ceil(max_side).max(1);
        let (out_w, out_h) = (width.div_ceil(f), height.div_ceil(f));
        Shrink {
            f,
            width,
            out_w,
            out_h,
            sums: vec![0; out_w * 4],
            rows_in_band: 0,
            rows_seen: 0,
            out: Vec::with_capacity(out_w * out_h * 4),
        }
    }

    fn push(&mut self, row: &[u8]) {
        if self.rows_seen >= self.out_h * self.f {
            return;
        }
        if self.f == 1 {
            // Nothing to shrink: the row as it is.
            self.out.extend_from_slice(&row[..self.width * 4]);
            self.rows_seen += 1;
            return;
        }
        for (x, px) in row.chunks(4).take(self.width).enumerate() {
            let o = (x / self.f) * 4;
            for (sum, &v) in self.sums[o..o + 4].iter_mut().zip(px) {
                *sum += v as u32;
            }
        }
        self.rows_seen += 1;
        self.rows_in_band += 1;
        if self.rows_in_band == self.f {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.rows_in_band == 0 {
            return;
        }
        for ox in 0..self.out_w {
            let cols = self.f.min(self.width - ox * self.f);
            let n = (cols * self.rows_in_band) as u32;
            for c in 0..4 {
                self.out.push(((self.sums[ox * 4 + c] + n / 2) / n) as u8);
            }
        }
        self.sums.fill(0);
        self.rows_in_band = 0;
    }

    fn finish(mut self) -> (Vec<u8>, usize, usize) {
        self.flush();
        let h = self.out.len() / (self.out_w * 4);
        (self.out, self.out_w, h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_image_is_copied() {
        let rows: Vec<Vec<u8>> = (0..3).map(|y| (0..5 * 4).map(|i| (y * 20 + i) as u8).collect()).collect();
        let mut s = Shrink::new(5, 3, MAX_SIDE);
        for r in &rows {
            s.push(r);
        }
        let (out, w, h) = s.finish();
        assert_eq!((w, h), (5, 3));
        assert_eq!(out, rows.concat());
    }

    #[test]
    fn a_huge_image_is_box_averaged_edges_included() {
        // 4099 wide → f = 3: output 1367 wide, the last block one column wide.
        let (w, h) = (4099, 7);
        let mut s = Shrink::new(w, h, MAX_SIDE);
        assert_eq!(s.f, 3);
        for y in 0..h {
            let row: Vec<u8> = (0..w)
                .flat_map(|x| {
                    let v = ((x + y) % 7 * 30) as u8;
                    [v, v, v, 255]
                })
                .collect();
            s.push(&row);
        }
        let (out, ow, oh) = s.finish();
        assert_eq!((ow, oh), (1367, 3));
        // Block (0, 0): x 0..3, y 0..3 → mean of (x + y) % 7 · 30.
        let mean = (0..3).flat_map(|y| (0..3).map(move |x| ((x + y) % 7 * 30) as f64)).sum::<f64>() / 9.0;
        assert_eq!(out[0], mean.round() as u8);
        // The last output row holds only row 6; the last column only x = 4098.
        let last = ((4098 + 6) % 7 * 30) as u8;
        assert_eq!(out[((oh - 1) * ow + ow - 1) * 4], last);
        assert_eq!(out[3], 255);
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
}
