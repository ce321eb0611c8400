//! The stimulus generator with any parameters: pixels stay finite and in
//! [0, 1], never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ventral_stream::stimuli;

fn f32_at(d: &[u8], i: usize) -> f32 {
    let b = [
        d.get(i).copied().unwrap_or(0),
        d.get(i + 1).copied().unwrap_or(0),
        d.get(i + 2).copied().unwrap_or(0),
        d.get(i + 3).copied().unwrap_or(0),
    ];
    f32::from_le_bytes(b)
}

fuzz_target!(|data: &[u8]| {
    let ok = |img: &[f32]| {
        img.len() == stimuli::SIDE * stimuli::SIDE && img.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v))
    };
    let seed = u64::from_le_bytes([0, 1, 2, 3, 4, 5, 6, 7].map(|i| data.get(i).copied().unwrap_or(0)));
    let index = u64::from(data.get(8).copied().unwrap_or(0));
    assert!(ok(&stimuli::sample(seed, index, data.len().is_multiple_of(2)).pixels));
    assert!(ok(&stimuli::grating(f32_at(data, 9), f32_at(data, 13), f32_at(data, 17), f32_at(data, 21))));
    assert!(ok(&stimuli::bar(
        f32_at(data, 9),
        f32_at(data, 13),
        f32_at(data, 17),
        f32_at(data, 21),
        f32_at(data, 25),
        data.len().is_multiple_of(3)
    )));
    let name = String::from_utf8_lossy(data.get(29..).unwrap_or(&[]));
    if let Some(img) = stimuli::preset(&name, seed) {
        assert!(ok(&img));
    }
});
