//! The model's variants (issue 24): backward against finite differences in every wiring, the
//! exact split of the logits kept under the normalised readout, the files saying which variant
//! they hold, and stochastic depth folding its survival into the writes.

use ventral_stream::model::{Model, Wiring};
use ventral_stream::variant::Variant;
use ventral_stream::{train, weights};

mod shared;
use shared::random_lgn;

const BUILT: [Variant; 3] = [
    Variant { prenorm: true, layerscale: false, stochastic_depth: false },
    Variant { prenorm: false, layerscale: true, stochastic_depth: false },
    Variant { prenorm: true, layerscale: true, stochastic_depth: false },
];

#[test]
fn every_variant_s_gradients_match_finite_differences_in_every_wiring() {
    for variant in BUILT {
        for wiring in Wiring::ALL {
            let checked = shared::check_variant_gradients(wiring, 32, variant);
            assert!(checked > 40, "{checked}");
        }
    }
    // A narrow prenorm stream too: the read's normalisation runs over d channels.
    assert!(shared::check_variant_gradients(Wiring::Stream, 8, BUILT[2]) > 40);
}

#[test]
fn the_normalised_readout_keeps_the_split_of_the_logits_exact() {
    for wiring in [Wiring::Stream, Wiring::Gated] {
        let mut model = Model::init_variant(wiring, 3, 32, BUILT[2]);
        shared::with_biases(&mut model);
        let t = model.forward(random_lgn(3, 9));
        let scale = t.readout_scale.as_ref().expect("prenorm reads s4 normalised");
        assert!(scale.iter().all(|&r| r > 0.0 && (r - 1.0).abs() > 1e-3), "a scale of 1 tests nothing: {scale}");
        for b in 0..3 {
            shared::assert_split_is_exact(&model, &t, b);
        }
    }
}

#[test]
fn a_variant_s_weights_file_names_it_and_reads_back_whole() {
    for variant in BUILT {
        for wiring in [Wiring::Stream, Wiring::Hierarchy] {
            let model = Model::init_variant(wiring, 4, 32, variant);
            let (back, info) = weights::load(&weights::save(&model, &[], false), Some(wiring)).unwrap();
            assert_eq!(back, model, "{}", variant.name());
            assert_eq!(info.0.get("variant").map(String::as_str), Some(variant.name()));
        }
    }
    // The shipped files say nothing of a variant, and read as the shipped kind.
    let shipped = Model::init(Wiring::Stream, 4);
    let (back, info) = weights::load(&weights::save(&shipped, &[], false), None).unwrap();
    assert_eq!((back.variant, info.0.get("variant")), (Variant::SHIPPED, None));
}

#[test]
fn twins_have_the_same_parameters_and_layerscale_adds_one_gain_per_channel_per_station() {
    for variant in Variant::ALL {
        let s = Model::init_variant(Wiring::Stream, 1, 32, variant).parameter_count();
        let h = Model::init_variant(Wiring::Hierarchy, 1, 32, variant).parameter_count();
        assert_eq!(s, h, "{}", variant.name());
        let extra = if variant.layerscale { 4 * 32 } else { 0 };
        assert_eq!(s, Model::init(Wiring::Stream, 1).parameter_count() + extra, "{}", variant.name());
    }
}

#[test]
fn a_variant_starts_from_the_shipped_model_s_draws() {
    let shipped = Model::init(Wiring::Stream, 9);
    let v = Model::init_variant(Wiring::Stream, 9, 32, BUILT[2]);
    for (a, b) in shipped.stations.iter().zip(&v.stations) {
        assert_eq!((&a.read, &a.compute, &a.write), (&b.read, &b.compute, &b.write));
        assert!(b.gain.as_ref().unwrap().iter().all(|&g| g == ventral_stream::variant::LAYERSCALE_INIT));
    }
}

#[test]
fn stochastic_depth_scales_each_residual_write_by_its_survival_and_leaves_the_hierarchy() {
    for wiring in [Wiring::Stream, Wiring::Hierarchy] {
        let before = Model::init(wiring, 2);
        let mut after = before.clone();
        train::scale_by_survival(&mut after);
        for (k, (a, b)) in before.stations.iter().zip(&after.stations).enumerate() {
            let p = if wiring.residual() { Variant::survival(k, 4) } else { 1.0 };
            assert_eq!(b.write.w, &a.write.w * p, "{wiring:?} {k}");
        }
    }
}

#[test]
fn stochastic_depth_training_repeats_and_drops_stations() {
    let mut cfg = train::Config::new(Wiring::Stream, 5);
    cfg.variant = Variant { stochastic_depth: true, ..Variant::SHIPPED };
    cfg.steps = 6;
    cfg.batch = 4;
    cfg.threads = 1;
    let dropping = train::first_losses(&cfg, 6);
    assert_eq!(dropping, train::first_losses(&cfg, 6), "a seed repeats");
    let plain = train::first_losses(&train::Config { variant: Variant::SHIPPED, ..cfg.clone() }, 6);
    assert_ne!(dropping, plain, "dropping stations changes the losses");
}
