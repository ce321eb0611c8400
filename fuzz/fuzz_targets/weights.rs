//! Any bytes as a weights file: an error or a model, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ventral_stream::model::Wiring;
use ventral_stream::weights;

fuzz_target!(|data: &[u8]| {
    for wiring in [None, Some(Wiring::Stream), Some(Wiring::Gated)] {
        if let Ok((model, _)) = weights::load(data, wiring) {
            // A file that loads holds only finite numbers.
            assert!(model.tensors().iter().all(|(_, _, v)| v.iter().all(|x| x.is_finite())));
        }
    }
});
