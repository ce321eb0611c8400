//! Any RGBA buffer with any claimed size: an error or a finite, adapted
//! 64×64 image, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ventral_stream::input;

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    // The first four bytes claim a size (up to 255×255); the rest are pixels.
    let (w, h) = (data[0] as usize + data[1] as usize * (data[2] as usize & 1) * 256, data[3] as usize);
    let pixels = &data[4..];
    match input::from_rgba(pixels, w, h) {
        Ok(img) => {
            assert_eq!(img.len(), input::SIDE * input::SIDE);
            assert!(img.iter().all(|v| v.is_finite()));
        }
        Err(_) => assert!(w == 0 || h == 0 || w * h * 4 != pixels.len()),
    }
});
