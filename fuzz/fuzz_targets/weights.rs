//! Any bytes as a weights file: an error or a model of finite, bounded values, never a panic.
//! The reader without the probe forward pass, so that the parser is fuzzed fast; the
//! weights_values target covers the probe.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ventral_stream::model::Wiring;
use ventral_stream::weights;

fuzz_target!(|data: &[u8]| {
    for wiring in [None, Some(Wiring::Stream), Some(Wiring::Gated)] {
        if let Ok((model, _)) = weights::read(data, wiring) {
            // A file that reads holds only finite numbers within the bound.
            let bounded = |x: &f32| x.is_finite() && x.abs() <= weights::MAX_MAGNITUDE;
            assert!(model.tensors().iter().all(|(_, _, v)| v.iter().all(bounded)));
        }
    }
});
