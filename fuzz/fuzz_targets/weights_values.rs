//! Weights with finite but extreme values, F32 or I8: the loader refuses them in words or
//! gives a model whose values are within the bound and whose probe images run to finite
//! numbers; never a panic, never a model that cannot answer.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ventral_stream::model::{Model, Wiring};
use ventral_stream::weights;

fuzz_target!(|data: &[u8]| {
    let Some((&head, edits)) = data.split_first() else { return };
    let mut model = Model::init(Wiring::ALL[head as usize % 3], 1);
    // Each 6 bytes: a tensor, a place in it (255: the whole tensor), a finite f32.
    let edits: Vec<(u8, u8, f32)> = edits
        .chunks_exact(6)
        .map(|e| (e[0], e[1], f32::from_le_bytes([e[2], e[3], e[4], e[5]])))
        .filter(|e| e.2.is_finite())
        .collect();
    let mut k = 0;
    model.visit_mut(&mut |_, _, values, _| {
        for &(tensor, at, v) in &edits {
            if tensor as usize % 40 == k {
                if at == 255 {
                    values.fill(v);
                } else {
                    let i = at as usize % values.len();
                    values[i] = v;
                }
            }
        }
        k += 1;
    });
    let bytes = weights::save(&model, &[], head & 0x80 != 0);
    match weights::load(&bytes, None) {
        Ok((m, _)) => {
            let bounded = |v: &f32| v.is_finite() && v.abs() <= weights::MAX_MAGNITUDE;
            assert!(m.tensors().iter().all(|(_, _, v)| v.iter().all(bounded)));
            assert!(weights::probe(&m).is_ok());
        }
        Err(e) => assert!(e.0.contains("beyond ±10000") || e.0.contains("the weights overflow"), "{e}"),
    }
});
