//! GA: representation overloading. In the gated variant (Sezener et al.
//! 2021) each L2/3 unit selects one of its kernels per input, by fixed
//! random hyperplanes over the input statistics, so the same cell computes
//! different things for different inputs. Measured on held-out sketches,
//! edges and noise: how many of its kernels each unit uses (1..banks) and
//! how often each, how alike a unit's kernels are, and, for one unit, its
//! effective kernel under four kinds of input (sketch, horizontal and
//! vertical gratings, noise) and how alike those kernels are.

use super::linalg::correlation;
use super::verdict::{Claim, Runs};
use super::{tick, Failure, Measure, Models, Progress, Size, TRAINED_AND_UNTRAINED};
use crate::input::from_gray;
use crate::layers::gated::GatedConv3;
use crate::model::{side_info, BANKS};
use crate::names::STATION_NAMES;
use crate::retina::lgn;
use crate::rng::Rng;
use crate::station::Compute;
use crate::stimuli;
use crate::train::held_out;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What one run of GA reports (`www/js/experiments/gating.js` draws it).
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "gating/"))]
pub struct Output {
    /// Kernels each L2/3 unit holds (the same number as `possible_kernels`).
    pub banks: usize,
    pub possible_kernels: usize,
    /// How the gates are made, in words.
    pub gates: String,
    /// Held-out sketches, edges and noise the counts are over.
    pub n_inputs: usize,
    pub stations: Vec<StationUse>,
    pub example: ExampleUnit,
}

/// How a station's L2/3 units use their kernels.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "gating/"))]
pub struct StationUse {
    pub station: String,
    /// Kernels used per unit, mean over units.
    pub mean_kernels_used: f32,
    /// Per unit: how many distinct kernels it selected over the inputs.
    pub kernels_used: Vec<usize>,
    /// How many units use 1, 2, … kernels.
    pub kernels_used_histogram: Vec<usize>,
    /// uses[unit][bank]: on how many inputs the unit computed with that kernel.
    pub uses: Vec<Vec<usize>>,
    /// The share of inputs that went to a unit's most used kernel, mean over units.
    pub mean_top_kernel_share: f32,
    /// How alike the kernels of units that use more than one are, mean correlation.
    pub mean_kernel_correlation: f32,
    /// `mean_kernels_used` under its old name: with one kernel per context a gate pattern is
    /// a kernel.
    pub mean_patterns_per_unit: f32,
    /// `kernels_used` under its old name.
    pub patterns: Vec<usize>,
}

/// One unit, its effective kernel under four kinds of input and how alike they are.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "gating/"))]
pub struct ExampleUnit {
    pub station: String,
    pub unit: usize,
    /// [ky, kx, input channels] of `kernel`.
    pub kernel_shape: [usize; 3],
    pub conditions: Vec<KernelUnder>,
    /// Correlation between the kernels under each pair of inputs.
    pub kernel_correlation: Vec<Vec<f32>>,
}

/// The example unit's kernel under one input.
#[derive(Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(ts_rs::TS), ts(export_to = "gating/"))]
pub struct KernelUnder {
    pub input: String,
    pub banks_open: Vec<bool>,
    /// Flattened 3×3×inputs, index (ky*3+kx)*C + c.
    pub kernel: Vec<f32>,
}

fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Output, Failure> {
    let n = size.pick(120, 600);
    let mut rng = Rng::new(seed);
    let mut images: Vec<Vec<f32>> = (0..n).map(|i| held_out(i as u64 + 30_000).0.pixels).collect();
    images.extend((0..n / 2).map(|i| held_out(i as u64 + 30_000).1.pixels));
    images.extend((0..n / 4).map(|_| stimuli::white_noise(0.25, &mut rng)));
    let z: Vec<ndarray::Array1<f32>> =
        images.iter().map(|im| side_info(&lgn(&from_gray(im))).row(0).to_owned()).collect();
    tick(progress, 0.5)?;
    let mut per_station = Vec::new();
    let mut best: Option<(usize, usize, usize)> = None; // (station, unit, kernels used)
    for (k, st) in models.gated.stations.iter().enumerate() {
        let Compute::Gated(g) = &st.compute else {
            return Err(Failure::Missing("the gated model has no gated L2/3".into()));
        };
        let units = g.banks[0].b.len();
        // uses[unit][bank]: on how many inputs the unit computed with that kernel.
        let mut uses = vec![vec![0usize; BANKS]; units];
        for zz in &z {
            let open = g.open(zz.view());
            for (u, row) in uses.iter_mut().enumerate() {
                for (b, n) in row.iter_mut().enumerate() {
                    if open[[b, u]] > 0.0 {
                        *n += 1;
                    }
                }
            }
        }
        let used: Vec<usize> = uses.iter().map(|r| r.iter().filter(|&&n| n > 0).count()).collect();
        for (u, &c) in used.iter().enumerate() {
            if best.is_none_or(|(_, _, b)| c > b) {
                best = Some((k, u, c));
            }
        }
        // The share of inputs that went to each unit's most used kernel (1: one kernel only).
        let top: Vec<f32> =
            uses.iter().map(|r| *r.iter().max().unwrap_or(&0) as f32 / r.iter().sum::<usize>().max(1) as f32).collect();
        // How alike a unit's kernels are (units that use more than one): the
        // wiring gives independent random kernels; training may keep them
        // apart or pull them together.
        let alike: Vec<f32> = (0..units)
            .filter(|&u| used[u] > 1)
            .map(|u| {
                let kernels: Vec<Vec<f32>> = g.banks.iter().map(|bank| bank.k.column(u).to_vec()).collect();
                correlation(&kernels[0], &kernels[1])
            })
            .collect();
        let mean = used.iter().sum::<usize>() as f32 / units as f32;
        per_station.push(StationUse {
            station: STATION_NAMES[k].into(),
            mean_kernels_used: mean,
            kernels_used_histogram: (1..=BANKS).map(|c| used.iter().filter(|&&n| n == c).count()).collect(),
            uses,
            mean_top_kernel_share: top.iter().sum::<f32>() / units as f32,
            mean_kernel_correlation: alike.iter().sum::<f32>() / alike.len().max(1) as f32,
            mean_patterns_per_unit: mean,
            patterns: used.clone(),
            kernels_used: used,
        });
    }
    tick(progress, 0.8)?;
    let conditions: [(&str, Vec<f32>); 4] = [
        ("a sketch (tiger)", stimuli::preset("tiger", 0).unwrap_or_default()),
        ("horizontal grating", stimuli::grating(0.0, 0.0, 0.08, 1.0)),
        ("vertical grating", stimuli::grating(std::f32::consts::FRAC_PI_2, 0.0, 0.08, 1.0)),
        ("white noise", stimuli::white_noise(0.25, &mut Rng::new(seed ^ 5))),
    ];
    let cz: Vec<ndarray::Array2<f32>> = conditions.iter().map(|(_, img)| side_info(&lgn(&from_gray(img)))).collect();
    // The example: among units with some kernel on under all four inputs
    // (a silent unit's kernel is all zeros and says nothing), the one that
    // uses the most distinct gate patterns across the four.
    let mut example: Option<(usize, usize, usize)> = None; // (station, unit, patterns)
    for (k, st) in models.gated.stations.iter().enumerate() {
        let Compute::Gated(g) = &st.compute else { continue };
        for u in 0..g.banks[0].b.len() {
            let pats: Vec<Vec<bool>> =
                cz.iter().map(|zz| (0..BANKS).map(|b| g.open(zz.row(0))[[b, u]] > 0.0).collect()).collect();
            if pats.iter().any(|p| !p.contains(&true)) {
                continue;
            }
            let distinct = pats.iter().collect::<HashSet<_>>().len();
            if example.is_none_or(|(_, _, c)| distinct > c) {
                example = Some((k, u, distinct));
            }
        }
    }
    let (k, u, _) = example.or(best).unwrap_or((0, 0, 0));
    let Compute::Gated(g) = &models.gated.stations[k].compute else { unreachable!("checked above") };
    let kernels: Vec<(String, Vec<f32>, Vec<bool>)> = conditions
        .iter()
        .zip(&cz)
        .map(|((name, _), zz)| {
            let eff: GatedConv3Kernel = effective_unit(g, zz.row(0), u);
            (name.to_string(), eff.0, eff.1)
        })
        .collect();
    let mut similarity = vec![vec![0.0f32; 4]; 4];
    for a in 0..4 {
        for b in 0..4 {
            similarity[a][b] = correlation(&kernels[a].1, &kernels[b].1);
        }
    }
    tick(progress, 1.0)?;
    Ok(Output {
        banks: BANKS,
        possible_kernels: BANKS,
        gates: "fixed random hyperplanes over the input statistics, never trained: trained and untrained models of \
                one seed select alike"
            .into(),
        n_inputs: z.len(),
        stations: per_station,
        example: ExampleUnit {
            station: STATION_NAMES[k].into(),
            unit: u,
            kernel_shape: [3, 3, g.banks[0].k.nrows() / 9],
            conditions: kernels
                .into_iter()
                .map(|(input, kernel, banks_open)| KernelUnder { input, banks_open, kernel })
                .collect(),
            kernel_correlation: similarity,
        },
    })
}

/// One unit's effective kernel (flattened 3×3×inputs) and which banks are open.
type GatedConv3Kernel = (Vec<f32>, Vec<bool>);

fn effective_unit(g: &GatedConv3, z: ndarray::ArrayView1<f32>, unit: usize) -> GatedConv3Kernel {
    let eff = g.effective(z);
    let open = g.open(z);
    (eff.k.column(unit).to_vec(), (0..open.nrows()).map(|b| open[[b, unit]] > 0.0).collect())
}

impl Output {
    /// What GA's claim reads of a run: the mean over stations of kernels used per unit.
    fn kernels_used(&self) -> f64 {
        self.stations.iter().map(|s| s.mean_kernels_used as f64).sum::<f64>() / self.stations.len().max(1) as f64
    }
}

/// GA, the registry's row.
pub struct Gating;

impl Measure for Gating {
    const NAME: &'static str = "gating";
    const CLAIM: &'static str = "GA";
    const CONDITIONS: &'static [super::Condition] = TRAINED_AND_UNTRAINED;
    type Output = Output;
    type Read = Output;
    fn run(models: &Models, seed: u64, size: Size, progress: Progress) -> Result<Output, Failure> {
        run(models, seed, size, progress)
    }
    /// GA: the post, after Sezener et al., says the external input determines
    /// which of a neuron's weight sets is used, so one cell does different
    /// things in different contexts. Effect: kernels used per unit across the
    /// inputs, mean over units and stations; null 1 (one kernel: no
    /// overloading). In Sezener et al. the gates are fixed and only the weights learn,
    /// and so they are here, so the untrained control of the same seed selects
    /// exactly alike, and the preregistration leaves GA not judged: training
    /// cannot change which weight set a unit uses.
    fn claim(runs: &Runs<Output>) -> Claim {
        let (effect, control) = runs.trained_and_control(|v| v.iter().map(Output::kernels_used).collect::<Vec<f64>>());
        Claim {
            id: Self::CLAIM,
            says: "representation overloading: the input selects which of a unit's kernels it computes with",
            measure: "kernels of its bank an L2/3 unit of the gated model uses across held-out sketches, edges and \
                      noise, mean over units and stations; null 1"
                .into(),
            null: vec![1.0; effect.len()],
            control: control.map(|c| {
                let null = vec![1.0; c.len()];
                (c, null)
            }),
            effect,
        }
    }
}
