//! Image files as the command line decodes them: any bytes, and PNG and JPEG headers declaring
//! any size. An error or pixels within the decoder's bound, never a panic; a declared size past
//! the pixel limit is always refused from the header, before any decoding.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::Write;
use ventral_stream::{decode, input};

/// A real JPEG (333×211) whose frame header the target rewrites.
const PHOTO: &[u8] = include_bytes!("../../tests/fixtures/photo.jpg");

/// Decodes `bytes`, which declare `w`×`h` when the target made their header.
fn check(bytes: &[u8], declared: Option<(usize, usize)>) {
    let over = declared.is_some_and(|(w, h)| w.checked_mul(h).is_none_or(|n| n > input::MAX_PIXELS));
    match decode::decode(bytes) {
        Ok((rgba, w, h)) => {
            assert!(!over, "{declared:?} was decoded");
            assert!((1..=decode::MAX_SIDE).contains(&w) && (1..=decode::MAX_SIDE).contains(&h), "{w}×{h}");
            assert_eq!(rgba.len(), w * h * 4);
        }
        Err(e) => assert!(!over || e.starts_with("too large: "), "{declared:?}: {e}"),
    }
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

fuzz_target!(|data: &[u8]| {
    check(data, None);
    if data.len() < 10 {
        return;
    }
    // The photograph declaring another size (SOF0: FF C0, length, precision, height, width).
    let (jw, jh) = (u16::from_le_bytes([data[0], data[1]]), u16::from_le_bytes([data[2], data[3]]));
    let mut jpeg = PHOTO.to_vec();
    let mut at = 2;
    while jpeg[at + 1] != 0xC0 {
        at += 2 + u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]) as usize;
    }
    jpeg[at + 5..at + 7].copy_from_slice(&jh.to_be_bytes());
    jpeg[at + 7..at + 9].copy_from_slice(&jw.to_be_bytes());
    check(&jpeg, Some((jw as usize, jh as usize)));

    // A PNG declaring w×h (any u32 each), interlaced or not, in any colour type, whose pixel
    // rows are the rest of the bytes, compressed (so that the rows, not the zlib stream, vary).
    let (w, h) =
        (u32::from_le_bytes(data[0..4].try_into().unwrap()), u32::from_le_bytes(data[4..8].try_into().unwrap()));
    let colour = [0u8, 2, 3, 4, 6][data[8] as usize % 5];
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, colour, 0, 0, data[9] & 1]);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(&data[10..]).unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &ihdr);
    if colour == 3 {
        chunk(&mut png, b"PLTE", &[0, 0, 0, 255, 255, 255, 128, 64, 32]);
    }
    chunk(&mut png, b"IDAT", &z.finish().unwrap());
    chunk(&mut png, b"IEND", &[]);
    check(&png, Some((w as usize, h as usize)));
});
