//! The post's claims as in-silico experiments (docs/DESIGN.md 2), one file
//! each, run on the shipped models of both wirings side by side.
//!
//! Every experiment is seeded, reports progress through a callback that may
//! cancel it, and returns JSON: the numbers the article and the tests read.

pub mod degradation;
pub mod deletion;
pub mod edge_probe;
pub mod gating;
pub mod lesion;
pub mod linalg;
pub mod pca;
pub mod preregistration;
pub mod receptive_fields;
#[cfg(not(target_arch = "wasm32"))]
pub mod results;
pub mod sparseness;
pub mod stats;
pub mod tuning;
pub mod usage;
pub mod variability;
pub mod verdict;
pub mod virtual_weights;

use crate::layers::Maps;
use crate::model::{Model, Wiring, D};
use crate::names::{parse_among, UnknownName};
use crate::retina::Retina;
use crate::weights;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// One experiment: one module, one type implementing this, one row of [`registry!`] below.
/// The CLI, the runner, the results writer, the lab's wasm worker and the page's figure map
/// (through `www/js/names.js`, checked by tests/names.rs) all read the registry.
pub trait Measure {
    /// Its name in the CLI, the results files and the page (`www/js/experiments/NAME.js`).
    const NAME: &'static str;
    /// The claim of the post it tests, as the results file and the page name it.
    const CLAIM: &'static str;
    /// The conditions it runs in (every seed of each).
    const CONDITIONS: &'static [Condition];
    /// What one run reports: the numbers the article, the page's figure and the tests read.
    /// Its TypeScript declaration (www/js/types/generated/NAME/, tests/typescript.rs) is what
    /// the figure's `render` and its paths are checked against.
    type Output: Serialize + DeserializeOwned + Declared;
    /// What its claim reads of one run's output, as typed fields (a view of `Output`, or
    /// `Output` itself).
    type Read: DeserializeOwned;
    fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Self::Output, Failure>;
    /// The claim stated from its runs over seeds and conditions, its `id` being [`Measure::CLAIM`].
    fn claim(runs: &verdict::Runs<Self::Read>) -> verdict::Claim;
    /// The positive control's effect and null per seed, read from the same runs (each run
    /// measures its seed's positive control beside the real models, by the same code: see the
    /// claim's `positive_control` in `data/preregistration.json`). None until the experiment
    /// runs one, and then the claim is not judged.
    fn positive(_runs: &verdict::Runs<Self::Read>) -> Option<verdict::Positive> {
        None
    }
}

/// A type with a TypeScript declaration: ts-rs's `TS` natively, where the declarations are
/// written and checked; nothing in the wasm modules, which never write them.
#[cfg(not(target_arch = "wasm32"))]
pub trait Declared: ts_rs::TS + 'static {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: ts_rs::TS + 'static> Declared for T {}
#[cfg(target_arch = "wasm32")]
pub trait Declared {}
#[cfg(target_arch = "wasm32")]
impl<T> Declared for T {}

/// One row of the registry: an experiment's [`Measure`] with its types erased to JSON, which
/// is how the runner keeps, reuses and aggregates outputs.
#[derive(Clone, Copy)]
pub struct Row {
    pub name: &'static str,
    pub claim_id: &'static str,
    pub conditions: &'static [Condition],
    run: fn(&Models, u64, Size, Progress) -> Result<Value, Failure>,
    claim: fn(&verdict::Runs<Value>) -> (verdict::Claim, Option<verdict::Positive>),
    /// The output read back through its type and written again: equal to the input exactly
    /// when the type holds every field of it (tests/typescript.rs, on the shipped results).
    pub retyped: fn(&Value) -> Result<Value, String>,
    /// Writes the output type's TypeScript declaration, and those of the types it holds.
    #[cfg(not(target_arch = "wasm32"))]
    pub declare: fn(&ts_rs::Config) -> Result<(), ts_rs::ExportError>,
}

impl Row {
    fn of<M: Measure>() -> Row {
        Row {
            name: M::NAME,
            claim_id: M::CLAIM,
            conditions: M::CONDITIONS,
            run: run_as_json::<M>,
            claim: claim_of_json::<M>,
            retyped: retyped::<M>,
            #[cfg(not(target_arch = "wasm32"))]
            declare: <M::Output as ts_rs::TS>::export_all,
        }
    }
}

fn retyped<M: Measure>(v: &Value) -> Result<Value, String> {
    let typed: M::Output = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(typed).map_err(|e| e.to_string())
}

fn run_as_json<M: Measure>(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Value, Failure> {
    let out = M::run(models, seed, size, progress)?;
    Ok(serde_json::to_value(out).expect("an experiment's output is plain data"))
}

fn claim_of_json<M: Measure>(runs: &verdict::Runs<Value>) -> (verdict::Claim, Option<verdict::Positive>) {
    let read = |vs: &[Value]| -> Vec<M::Read> {
        vs.iter()
            .map(|v| {
                serde_json::from_value(v.clone())
                    .unwrap_or_else(|e| panic!("{}: an output its claim cannot read ({e})", M::NAME))
            })
            .collect()
    };
    let (trained, untrained) = (read(runs.trained), read(runs.untrained));
    let (retina, untrained_retina) = (read(runs.retina), read(runs.untrained_retina));
    let runs = verdict::Runs {
        seeds: runs.seeds,
        trained: &trained,
        untrained: &untrained,
        retina: &retina,
        untrained_retina: &untrained_retina,
    };
    (M::claim(&runs), M::positive(&runs))
}

/// The registry: the experiments in the article's order, each `Id => module::Type`. It makes
/// the [`Experiment`] ids (one per row) and [`Experiment::row`].
macro_rules! registry {
    ($($id:ident => $measure:ty,)*) => {
        /// An experiment, by its row of the registry.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Experiment { $($id,)* }

        impl Experiment {
            pub const ALL: &'static [Experiment] = &[$(Experiment::$id,)*];
            pub fn row(self) -> Row {
                match self { $(Experiment::$id => Row::of::<$measure>(),)* }
            }
        }
    };
}

registry! {
    EdgeProbe => edge_probe::EdgeProbe,
    Variability => variability::Variability,
    Deletion => deletion::Deletion,
    ReceptiveFields => receptive_fields::ReceptiveFields,
    Sparseness => sparseness::Sparseness,
    Tuning => tuning::TuningCurves,
    Lesion => lesion::LesionStudy,
    Degradation => degradation::Degradation,
    VirtualWeights => virtual_weights::VirtualWeights,
    Gating => gating::Gating,
}

impl Experiment {
    pub fn name(self) -> &'static str {
        self.row().name
    }
    pub fn parse(s: &str) -> Result<Self, UnknownName> {
        parse_among("experiment", s, Experiment::ALL, Experiment::name)
    }
    /// The claim of the post this experiment tests, as the results file names it.
    pub fn claim_id(self) -> &'static str {
        self.row().claim_id
    }
}

/// The claim an experiment states from its runs over seeds and conditions, with the numbers
/// its verdict is computed from.
pub fn claim(e: Experiment, runs: &verdict::Runs<Value>) -> verdict::Claim {
    (e.row().claim)(runs).0
}

/// The claim and its positive control's numbers, where the runs measured one.
pub fn claim_and_positive(e: Experiment, runs: &verdict::Runs<Value>) -> (verdict::Claim, Option<verdict::Positive>) {
    (e.row().claim)(runs)
}

/// The claim judged under the plan, as the results file stores it.
pub fn judged(e: Experiment, runs: &verdict::Runs<Value>) -> Value {
    let (claim, positive) = claim_and_positive(e, runs);
    claim.to_json(positive.as_ref())
}

/// Progress in [0, 1]; returning false cancels the experiment.
pub type Progress<'a> = &'a mut dyn FnMut(f32) -> bool;

#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    Cancelled,
    Missing(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Failure::Cancelled => write!(f, "cancelled"),
            Failure::Missing(m) => write!(f, "{m}"),
        }
    }
}

/// Calls `progress` and turns a cancel into an error.
pub fn tick(progress: &mut dyn FnMut(f32) -> bool, fraction: f32) -> Result<(), Failure> {
    if progress(fraction.clamp(0.0, 1.0)) {
        Ok(())
    } else {
        Err(Failure::Cancelled)
    }
}

/// The models an experiment may use.
#[derive(Clone)]
pub struct Models {
    pub stream: Model,
    pub hierarchy: Model,
    pub gated: Model,
    /// Trained without the orientation loss (the P1 control); native only.
    pub stream_edge_off: Option<Model>,
    pub hierarchy_edge_off: Option<Model>,
}

/// The conditions every seed is run in (issue 11), and the other trainings of the pair that
/// answer the article's open questions about deletion (issue 13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Condition {
    /// The trained models of a seed.
    Trained,
    /// The same wirings initialised from the seed and never trained: what the wiring and the
    /// fixed retina give before any learning.
    Untrained,
    /// Stream and hierarchy trained on an LGN of the four centre–surround channels only.
    RetinaControl,
    /// Stream and hierarchy with a stream 8 wide (d = 8), trained like the shipped pair.
    NarrowD8,
    /// The same with d = 16.
    NarrowD16,
    /// The pair trained without the orientation loss (stream-edge-off, hierarchy-edge-off).
    EdgeOff,
    /// Both wirings 8 wide, initialised from the seed and never trained: the control of [`Condition::NarrowD8`].
    UntrainedD8,
    /// The same 16 wide: the control of [`Condition::NarrowD16`].
    UntrainedD16,
    /// Both wirings on the centre–surround LGN, initialised from the seed and never trained:
    /// the control of [`Condition::RetinaControl`] (P1 is judged there, where V1 must learn
    /// orientation itself).
    UntrainedRetina,
}

impl Condition {
    pub const ALL: [Condition; 9] = [
        Condition::Trained,
        Condition::Untrained,
        Condition::RetinaControl,
        Condition::NarrowD8,
        Condition::NarrowD16,
        Condition::EdgeOff,
        Condition::UntrainedD8,
        Condition::UntrainedD16,
        Condition::UntrainedRetina,
    ];
    /// The other trainings of the pair, each reported beside the trained models' verdict.
    pub const VARIANTS: [Condition; 3] = [Condition::NarrowD8, Condition::NarrowD16, Condition::EdgeOff];
    /// The name in the results file and in a reuse directory.
    pub fn name(self) -> &'static str {
        match self {
            Condition::Trained => "trained",
            Condition::Untrained => "untrained",
            Condition::RetinaControl => "retina_control",
            Condition::NarrowD8 => "narrow_d8",
            Condition::NarrowD16 => "narrow_d16",
            Condition::EdgeOff => "edge_off",
            Condition::UntrainedD8 => "untrained_d8",
            Condition::UntrainedD16 => "untrained_d16",
            Condition::UntrainedRetina => "untrained_retina",
        }
    }
    /// The width d of the stream in this condition's models.
    pub fn width(self) -> usize {
        match self {
            Condition::NarrowD8 | Condition::UntrainedD8 => 8,
            Condition::NarrowD16 | Condition::UntrainedD16 => 16,
            _ => D,
        }
    }
    /// The LGN this condition's models see.
    pub fn retina(self) -> Retina {
        match self {
            Condition::RetinaControl | Condition::UntrainedRetina => Retina::CentreSurround,
            _ => Retina::Full,
        }
    }
    /// The untrained models of the same width, which the verdict's control is measured on.
    pub fn control(self) -> Condition {
        match self {
            Condition::NarrowD8 | Condition::UntrainedD8 => Condition::UntrainedD8,
            Condition::NarrowD16 | Condition::UntrainedD16 => Condition::UntrainedD16,
            Condition::RetinaControl | Condition::UntrainedRetina => Condition::UntrainedRetina,
            _ => Condition::Untrained,
        }
    }
    /// Whether the run may go without this condition when its files are missing: the narrow
    /// streams (and their untrained controls, which mean nothing without them) are an open
    /// question the article answers when their weights exist, not a part of every verdict.
    pub fn optional(self) -> bool {
        self.width() != D
    }
    /// The experiments run in this condition (each row of the registry says where it runs).
    pub fn experiments(self) -> Vec<Experiment> {
        Experiment::ALL.iter().copied().filter(|e| e.row().conditions.contains(&self)).collect()
    }
}

/// Where most experiments run: the trained models and their untrained control.
pub const TRAINED_AND_UNTRAINED: &[Condition] = &[Condition::Trained, Condition::Untrained];
/// The same and the retina control, where the hand-built edge cells could carry the result by
/// themselves.
pub const WITH_RETINA_CONTROL: &[Condition] = &[Condition::Trained, Condition::Untrained, Condition::RetinaControl];
/// The same and the retina control's own untrained control, where a claim is judged on the
/// retina control (P1).
pub const WITH_UNTRAINED_RETINA: &[Condition] =
    &[Condition::Trained, Condition::Untrained, Condition::RetinaControl, Condition::UntrainedRetina];

impl Models {
    /// The shipped models (and, natively, the edge-task-off controls).
    pub fn shipped() -> Self {
        Models {
            stream: weights::shipped(Wiring::Stream),
            hierarchy: weights::shipped(Wiring::Hierarchy),
            gated: weights::shipped(Wiring::Gated),
            stream_edge_off: edge_off(Wiring::Stream),
            hierarchy_edge_off: edge_off(Wiring::Hierarchy),
        }
    }
    /// Every wiring initialised from `seed` and never trained. Its edge-off pair is the same
    /// untrained stream and hierarchy: with no training there is no edge task to switch off.
    pub fn untrained(seed: u64) -> Self {
        Models::untrained_with(seed, D)
    }
    /// The same with a stream `d` wide (the narrow conditions' control).
    pub fn untrained_with(seed: u64, d: usize) -> Self {
        let stream = Model::init_with(Wiring::Stream, seed, d);
        let hierarchy = Model::init_with(Wiring::Hierarchy, seed, d);
        Models {
            stream_edge_off: Some(stream.clone()),
            hierarchy_edge_off: Some(hierarchy.clone()),
            stream,
            hierarchy,
            gated: Model::init_with(Wiring::Gated, seed, d),
        }
    }
    /// The same models, each seeing the LGN through `retina` (a test builds an untrained
    /// retina control with it, needing no files).
    pub fn with_retina(mut self, retina: Retina) -> Self {
        for m in [&mut self.stream, &mut self.hierarchy, &mut self.gated] {
            m.retina = retina;
        }
        for m in [&mut self.stream_edge_off, &mut self.hierarchy_edge_off].into_iter().flatten() {
            m.retina = retina;
        }
        self
    }
    /// The two wirings every experiment compares, named for the JSON.
    pub fn pair(&self) -> [(&'static str, &Model); 2] {
        [(Wiring::Stream.name(), &self.stream), (Wiring::Hierarchy.name(), &self.hierarchy)]
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub use files::*;

/// The weights files of every seed, read at run time (natively only).
#[cfg(not(target_arch = "wasm32"))]
mod files {
    use super::{Condition, Failure, Models};
    use crate::model::D;
    use crate::model::{Model, Wiring};
    use crate::retina::Retina;
    use crate::variant::Variant;
    use crate::weights;
    use std::path::{Path, PathBuf};

    /// The repository's `weights/` directory.
    pub fn weights_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("weights")
    }

    /// Where seed `seed` of model `name` lives: seed 1 is `weights/NAME.safetensors` (the
    /// shipped files), seeds 2.. are `weights/seeds/N/NAME.safetensors` (as `./build.sh train`
    /// writes them).
    pub fn weights_file(dir: &Path, name: &str, seed: u64) -> PathBuf {
        match seed {
            1 => dir.join(format!("{name}.safetensors")),
            _ => dir.join("seeds").join(seed.to_string()).join(format!("{name}.safetensors")),
        }
    }

    /// The file name (without extension) of a variant's model of one wiring: the wiring's own
    /// name for the shipped variant, `WIRING-VARIANT` for the others (as `./build.sh train`
    /// names them).
    pub fn variant_model_name(wiring: Wiring, variant: crate::variant::Variant) -> String {
        if variant == crate::variant::Variant::SHIPPED {
            wiring.name().to_string()
        } else {
            format!("{}-{}", wiring.name(), variant.name())
        }
    }

    /// The file name of a variant's retina control of one wiring (trained on the centre–surround
    /// LGN): `WIRING-retina` for the shipped variant, `WIRING-retina-VARIANT` for the others.
    pub fn retina_model_name(wiring: Wiring, variant: crate::variant::Variant) -> String {
        if variant == crate::variant::Variant::SHIPPED {
            format!("{}-retina", wiring.name())
        } else {
            format!("{}-retina-{}", wiring.name(), variant.name())
        }
    }

    /// Whether a variant's retina-control pair is in `dir` at every one of `seeds`: then its
    /// plan runs the retina control and its untrained control too, and P1 is judged there, in
    /// the condition where V1 must learn orientation itself, as on the shipped pair.
    pub fn has_retina_control(dir: &Path, variant: crate::variant::Variant, seeds: &[u64]) -> bool {
        let names = [Wiring::Stream, Wiring::Hierarchy].map(|w| retina_model_name(w, variant));
        seeds.iter().all(|&s| names.iter().all(|n| weights_file(dir, n, s).is_file()))
    }

    /// The files one seed needs in each condition that reads files.
    pub fn model_names(condition: Condition) -> &'static [&'static str] {
        match condition {
            Condition::Trained => &["stream", "hierarchy", "gated", "stream-edge-off", "hierarchy-edge-off"],
            Condition::RetinaControl => &["stream-retina", "hierarchy-retina"],
            Condition::NarrowD8 => &["stream-d8", "hierarchy-d8"],
            Condition::NarrowD16 => &["stream-d16", "hierarchy-d16"],
            Condition::EdgeOff => &["stream-edge-off", "hierarchy-edge-off"],
            Condition::Untrained | Condition::UntrainedD8 | Condition::UntrainedD16 | Condition::UntrainedRetina => &[],
        }
    }

    /// The files of `condition` missing for some seed of `seeds` in `dir`, by path.
    pub fn missing_files(dir: &Path, condition: Condition, seeds: &[u64]) -> Vec<PathBuf> {
        let names = model_names(condition).iter();
        names.flat_map(|n| seeds.iter().map(move |&s| weights_file(dir, n, s))).filter(|p| !p.is_file()).collect()
    }

    /// Which of `conditions` can run on `seeds` from `dir`: every required one (a missing file
    /// of those stops the run, by name, when the models are read), and each optional one whose
    /// files, and those of the condition whose control it is, exist for every seed. The
    /// optional conditions left out come second, each with the files it misses.
    pub fn available_conditions(
        dir: &Path,
        conditions: &[Condition],
        seeds: &[u64],
    ) -> (Vec<Condition>, Vec<(Condition, Vec<PathBuf>)>) {
        let mut kept = Vec::new();
        let mut left_out = Vec::new();
        for &c in conditions {
            // An untrained narrow control goes with the trained narrow pair of its width.
            let pair = Condition::VARIANTS.into_iter().find(|v| v.width() == c.width());
            let missing = if c.optional() { missing_files(dir, pair.unwrap_or(c), seeds) } else { Vec::new() };
            if !missing.is_empty() {
                left_out.push((c, missing));
            } else {
                kept.push(c);
            }
        }
        (kept, left_out)
    }

    fn read(dir: &Path, name: &str, seed: u64, wiring: Wiring, retina: Retina, d: usize) -> Result<Model, Failure> {
        let path = weights_file(dir, name, seed);
        let bytes = std::fs::read(&path).map_err(|e| {
            Failure::Missing(format!(
                "cannot read {} ({e}): seed {seed} of {name} is not trained yet; `./build.sh train` makes it",
                path.display()
            ))
        })?;
        let (model, _) =
            weights::load(&bytes, Some(wiring)).map_err(|e| Failure::Missing(format!("{}: {e}", path.display())))?;
        if model.retina != retina {
            return Err(Failure::Missing(format!(
                "{} holds a model with the {} retina, not {}",
                path.display(),
                model.retina.name(),
                retina.name()
            )));
        }
        if model.width() != d {
            return Err(Failure::Missing(format!("{} holds a stream {} wide, not {d}", path.display(), model.width())));
        }
        Ok(model)
    }

    impl Models {
        /// The trained models of `seed` from the repository's weights (seed 1: the shipped files).
        pub fn trained(seed: u64) -> Result<Self, Failure> {
            Models::of(Condition::Trained, &weights_dir(), seed)
        }
        /// The retina control of `seed`: stream-retina and hierarchy-retina as the pair.
        pub fn retina_control(seed: u64) -> Result<Self, Failure> {
            Models::of(Condition::RetinaControl, &weights_dir(), seed)
        }
        /// The models of `condition` at `seed` for a variant of how stations read and write
        /// (issue 24): the shipped variant is [`Models::of`]; another runs trained (its pair
        /// `stream-VARIANT`, `hierarchy-VARIANT`, as `./build.sh train` names them) and
        /// untrained, and where it was trained on the centre–surround LGN too, on the retina
        /// control (`stream-retina-VARIANT`, `hierarchy-retina-VARIANT`) and that pair
        /// untrained. The gated model is the shipped one (GA is about gating, which the variants
        /// leave alone), and there is no edge-off pair.
        pub fn of_variant(condition: Condition, dir: &Path, seed: u64, variant: Variant) -> Result<Self, Failure> {
            if variant == Variant::SHIPPED {
                return Models::of(condition, dir, seed);
            }
            let retina = condition.retina();
            let read_variant = |w: Wiring, name: String| -> Result<Model, Failure> {
                let model = read(dir, &name, seed, w, retina, D)?;
                if model.variant != variant {
                    return Err(Failure::Missing(format!(
                        "{} holds the {} variant, not {}",
                        weights_file(dir, &name, seed).display(),
                        model.variant.name(),
                        variant.name()
                    )));
                }
                Ok(model)
            };
            let untrained = |w: Wiring| Model { retina, ..Model::init_variant(w, seed, D, variant) };
            let pair = match condition {
                Condition::Trained | Condition::RetinaControl => {
                    let name = match condition {
                        Condition::Trained => variant_model_name,
                        _ => retina_model_name,
                    };
                    let [stream, hierarchy] =
                        [Wiring::Stream, Wiring::Hierarchy].map(|w| read_variant(w, name(w, variant)));
                    (stream?, hierarchy?)
                }
                Condition::Untrained | Condition::UntrainedRetina => {
                    (untrained(Wiring::Stream), untrained(Wiring::Hierarchy))
                }
                other => {
                    return Err(Failure::Missing(format!(
                        "the {} variant runs trained and untrained, and on the retina control, not {}",
                        variant.name(),
                        other.name()
                    )))
                }
            };
            let gated = match condition {
                Condition::Trained => read(dir, "gated", seed, Wiring::Gated, Retina::Full, D)?,
                _ => Model { retina, ..Model::init_with(Wiring::Gated, seed, D) },
            };
            Ok(Models { stream: pair.0, hierarchy: pair.1, gated, stream_edge_off: None, hierarchy_edge_off: None })
        }
        /// The models of `condition` at `seed`, from `dir` (laid out as `weights/`): the
        /// files [`model_names`] lists, in the order stream, hierarchy, gated, stream-edge-off,
        /// hierarchy-edge-off. A condition that trains no gated model gets the untrained gated
        /// model of its seed and width (never reported: the experiments run there read only
        /// the pair), and one without an edge-off pair has none.
        pub fn of(condition: Condition, dir: &Path, seed: u64) -> Result<Self, Failure> {
            let (d, retina) = (condition.width(), condition.retina());
            let names = model_names(condition);
            if names.is_empty() {
                return Ok(Models::untrained_with(seed, d).with_retina(retina));
            }
            let wirings = [Wiring::Stream, Wiring::Hierarchy, Wiring::Gated, Wiring::Stream, Wiring::Hierarchy];
            let mut read = names.iter().zip(wirings).map(|(name, w)| read(dir, name, seed, w, retina, d));
            let (stream, hierarchy) = (read.next().expect("a pair")?, read.next().expect("a pair")?);
            let gated = read
                .next()
                .transpose()?
                .unwrap_or_else(|| Model { retina, ..Model::init_with(Wiring::Gated, seed, d) });
            Ok(Models {
                stream,
                hierarchy,
                gated,
                stream_edge_off: read.next().transpose()?,
                hierarchy_edge_off: read.next().transpose()?,
            })
        }
    }

    /// The seeds whose files are all in `dir` for every required condition: seed 1
    /// always (its missing files are then reported by name), and every `seeds/N` complete.
    /// The seeds with only some files are returned second, to say so.
    pub fn available_seeds(dir: &Path) -> (Vec<u64>, Vec<u64>) {
        let mut found: Vec<u64> = std::fs::read_dir(dir.join("seeds"))
            .map(|entries| entries.flatten().filter_map(|e| e.file_name().to_str()?.parse::<u64>().ok()).collect())
            .unwrap_or_default();
        found.retain(|&s| s >= 2);
        found.sort_unstable();
        let required = Condition::ALL.into_iter().filter(|c| !c.optional());
        let names: Vec<&str> = required.flat_map(model_names).copied().collect();
        let complete = |s: u64| names.iter().all(|n| weights_file(dir, n, s).is_file());
        let (mut ok, partial): (Vec<u64>, Vec<u64>) = found.into_iter().partition(|&s| complete(s));
        ok.insert(0, 1);
        (ok, partial)
    }
}

/// The controls trained with the edge task off live beside the shipped
/// weights but are not compiled into the wasm (the page reads their results).
#[cfg(not(target_arch = "wasm32"))]
fn edge_off(wiring: Wiring) -> Option<Model> {
    let path = weights_file(&weights_dir(), &format!("{}-edge-off", wiring.name()), 1);
    let bytes = std::fs::read(path).ok()?;
    weights::load(&bytes, Some(wiring)).ok().map(|(m, _)| m)
}

#[cfg(target_arch = "wasm32")]
fn edge_off(_: Wiring) -> Option<Model> {
    None
}

/// How big a run is: `quick` for tests and the page's first look, `full`
/// for the numbers the article quotes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Size {
    Quick,
    Full,
}

impl Size {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "quick" => Ok(Size::Quick),
            "full" => Ok(Size::Full),
            _ => Err(format!("size must be quick or full, got {s:?}")),
        }
    }
    pub fn pick<T>(self, quick: T, full: T) -> T {
        match self {
            Size::Quick => quick,
            Size::Full => full,
        }
    }
}

/// Runs one experiment; its output carries its name, seed and size beside its numbers.
pub fn run(
    experiment: Experiment,
    models: &Models,
    seed: u64,
    size: Size,
    progress: Progress,
) -> Result<Value, Failure> {
    let mut out = (experiment.row().run)(models, seed, size, progress)?;
    if let Value::Object(map) = &mut out {
        map.insert("experiment".into(), experiment.name().into());
        map.insert("seed".into(), seed.into());
        map.insert("size".into(), size.pick("quick", "full").into());
    }
    Ok(out)
}

/// Average-pools image `b` of a layer onto a `grid`×`grid` grid of each
/// channel: a probe's features (orientation needs no exact position).
pub fn pooled_features(m: &Maps, b: usize, grid: usize) -> Vec<f32> {
    let cell = (m.side / grid).max(1);
    let g = m.side / cell;
    let mut f = vec![0.0f32; g * g * m.channels()];
    for y in 0..m.side {
        for x in 0..m.side {
            let (gy, gx) = ((y / cell).min(g - 1), (x / cell).min(g - 1));
            for c in 0..m.channels() {
                f[(gy * g + gx) * m.channels() + c] += m.at(b, y, x, c) / (cell * cell) as f32;
            }
        }
    }
    f
}

/// Runs `model` on stimuli `0..n` (number `i` made by `make(i)`) in chunks
/// of 64, handing each chunk's trace and its first index to `visit`.
/// Reports progress from `from` to `to`.
pub fn for_each_trace(
    model: &Model,
    n: usize,
    make: &(dyn Fn(usize) -> crate::stimuli::Stimulus + Sync),
    progress: &mut dyn FnMut(f32) -> bool,
    (from, to): (f32, f32),
    visit: &mut dyn FnMut(&crate::model::Trace, usize),
) -> Result<(), Failure> {
    const CHUNK: usize = 64;
    for start in (0..n).step_by(CHUNK) {
        let end = (start + CHUNK).min(n);
        let batch = crate::train::render(end - start, 1, &|i| make(start + i));
        visit(&model.forward(batch.lgn), start);
        tick(progress, from + (to - from) * end as f32 / n.max(1) as f32)?;
    }
    Ok(())
}
