//! The model's variants (issue 24): backward against finite differences in every wiring, the
//! exact split of the logits kept under the normalised readout, the files saying which variant
//! they hold, and stochastic depth folding its survival into the writes.

use ventral_stream::model::{Model, Wiring};
use ventral_stream::variant::Variant;
use ventral_stream::{train, weights};

mod shared;
use shared::random_lgn;

const BUILT: [Variant; 4] = [
    Variant { prenorm: true, ..Variant::SHIPPED },
    Variant { layerscale: true, ..Variant::SHIPPED },
    Variant { prenorm: true, layerscale: true, ..Variant::SHIPPED },
    Variant { columns: true, ..Variant::SHIPPED },
];

/// The wirings a variant exists in (the gated wiring has no columns).
fn wirings(variant: Variant) -> impl Iterator<Item = Wiring> {
    Wiring::ALL.into_iter().filter(move |&w| variant.fits(w).is_ok())
}

#[test]
fn every_variant_s_gradients_match_finite_differences_in_every_wiring() {
    for variant in BUILT {
        for wiring in wirings(variant) {
            let checked = shared::check_variant_gradients(wiring, 32, variant);
            assert!(checked > 40, "{checked}");
        }
    }
    // A narrow prenorm stream too: the read's normalisation runs over d channels.
    assert!(shared::check_variant_gradients(Wiring::Stream, 8, BUILT[2]) > 40);
    // And every part at once.
    let all = Variant::from_bits(15);
    assert!(shared::check_variant_gradients(Wiring::Stream, 32, all) > 40);
}

#[test]
fn columns_keep_the_split_of_the_logits_exact_and_refuse_the_gated_wiring() {
    let columns = BUILT[3];
    let mut model = Model::init_variant(Wiring::Stream, 3, 32, columns);
    shared::with_biases(&mut model);
    let t = model.forward(random_lgn(3, 9));
    for b in 0..3 {
        shared::assert_split_is_exact(&model, &t, b);
    }
    assert!(columns.fits(Wiring::Gated).is_err());
    let gated = weights::save(&Model::init(Wiring::Gated, 1), &[], false);
    let mut cfg = train::Config::new(Wiring::Gated, 1);
    cfg.variant = columns;
    assert!(std::panic::catch_unwind(|| train::initial(&cfg)).is_err(), "a gated model with columns was made");
    assert!(weights::load(&gated, Some(Wiring::Gated)).is_ok());
}

#[test]
fn each_area_s_l23_is_columns_sharing_its_m_units() {
    use ventral_stream::station::Compute;
    let model = Model::init_variant(Wiring::Stream, 6, 32, BUILT[3]);
    for st in &model.stations {
        let Compute::Columns(cols) = &st.compute else { panic!("{}: not columns", st.name) };
        assert_eq!(cols.columns.len(), ventral_stream::variant::COLUMNS);
        assert_eq!(cols.width() * cols.columns.len(), ventral_stream::model::M);
    }
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
    for variant in BUILT.into_iter().chain([Variant::from_bits(15)]) {
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
fn twins_have_the_same_parameters_layerscale_adds_a_gain_per_channel_and_columns_halve_l23() {
    use ventral_stream::model::M;
    for variant in Variant::ALL {
        let s = Model::init_variant(Wiring::Stream, 1, 32, variant).parameter_count() as i64;
        let h = Model::init_variant(Wiring::Hierarchy, 1, 32, variant).parameter_count() as i64;
        assert_eq!(s, h, "{}", variant.name());
        let gains = if variant.layerscale { 4 * 32 } else { 0 };
        // Two columns of M/2 units: each L2/3 kernel half as many weights (9·M²/2 fewer per station).
        let columns = if variant.columns { -4 * (9 * M * M / 2) as i64 } else { 0 };
        let want = Model::init(Wiring::Stream, 1).parameter_count() as i64 + gains + columns;
        assert_eq!(s, want, "{}", variant.name());
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
