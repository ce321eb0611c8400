//! The stream model (docs/DESIGN.md 1.3): thalamic embedding, four stations, and the
//! behaviour read from the end of the stream, in one of three wirings.
//!
//!   s₀ = LGN·E                      (1×1, 8 → d, no bias)
//!   stream:    s_k = D(s_{k−1}) + w_k
//!   hierarchy: s_k = w_k
//!   gated:     as stream, with dendritic gated L2/3 (Sezener et al. 2021)
//!   behaviour: logits = GAP(s₄)·W_U + b_U   (category and orientation heads)
//!
//! D (2×2 average pool; identity before V1), GAP and the heads are linear,
//! and nothing nonlinear follows an addition to the stream, so in the stream
//! wirings the logits are exactly the direct path plus one term per station:
//!   logits = GAP(s₀)·W_U + Σ_k GAP(w_k)·W_U + b_U.
//! The `prenorm` variant (`crate::variant`) divides s₄ by one number per image before GAP,
//! so each term is divided by the same number and the split stays exact.

use crate::layers::columns::Columns;
use crate::layers::gated::GatedConv3;
use crate::layers::pointwise::Pointwise;
use crate::layers::pool::{avg_pool2, avg_pool2_backward, global_avg, global_avg_backward};
use crate::layers::{conv::Conv3, conv::DIRECT, rms, Maps};
use crate::names::{self, Layer};
use crate::retina::{Retina, CHANNELS};
use crate::rng::Rng;
use crate::station::{visit_pointwise, Compute, Station, StationTrace};
use crate::stimuli::{CATEGORIES, N_ORIENTATIONS};
use crate::variant::{Variant, COLUMNS, LAYERSCALE_INIT};
use crate::wiring::{Join, Lesion, Step};
use ndarray::{s, Array1, Array2};

pub use crate::names::Wiring;

/// Width of the stream in the shipped models (a model's own is [`Model::width`]).
pub const D: usize = 32;
/// The stream widths the lab and `train --width` offer.
pub const WIDTHS: [usize; 3] = [8, 16, 32];
/// Width of a station's L4 and L2/3.
pub const M: usize = 32;
/// Kernels per L2/3 unit in the gated variant.
pub const BANKS: usize = 2;
/// Side information: the relative mean of each LGN channel, plus a bias.
pub const SIDE_INFO: usize = CHANNELS + 1;

/// A change to station k's L2/3 input current: `perturb(k, current)`.
type Perturb<'a> = dyn FnMut(usize, &mut Maps) + 'a;

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub wiring: Wiring,
    /// E: thalamic input into the stream.
    pub embed: Pointwise,
    pub stations: Vec<Station>,
    /// W_U for the category of a drawing.
    pub category: Pointwise,
    /// W_U for the orientation of an edge.
    pub orientation: Pointwise,
    /// A lesioned station writes nothing (see [`crate::wiring`]). Not a
    /// parameter: a switch.
    pub lesions: [bool; 4],
    /// How a station whose lesion switch is on is removed: silenced unless an
    /// experiment asks for the bypass or the cut skip (see [`crate::wiring`]).
    pub lesion_kind: Lesion,
    /// Which LGN channels reach the model (the retina control sees no edge cells).
    pub retina: Retina,
    /// How the stations read and write the stream, and how the model was trained
    /// (`crate::variant`); the stations' `normalise` and `gain` follow it.
    pub variant: Variant,
}

/// Everything one forward pass computed, kept for display and for backward.
#[derive(Clone, Debug)]
pub struct Trace {
    pub lgn: Maps,
    pub side_info: Option<Array2<f32>>,
    /// s₀, the embedded thalamic input.
    pub s0: Maps,
    pub stations: Vec<StationTrace>,
    /// `prenorm`: the number each image's s₄ was multiplied by before GAP (1/RMS).
    pub readout_scale: Option<Array1<f32>>,
    /// GAP(s₄) (times the readout scale, where there is one): n × d.
    pub pooled: Array2<f32>,
    pub category_logits: Array2<f32>,
    pub orientation_logits: Array2<f32>,
}

impl Trace {
    /// Image `b` alone, as a batch of one.
    pub fn image(&self, b: usize) -> Trace {
        let row = |a: &Array2<f32>| a.slice(s![b..b + 1, ..]).to_owned();
        Trace {
            lgn: self.lgn.image(b),
            side_info: self.side_info.as_ref().map(row),
            s0: self.s0.image(b),
            stations: self.stations.iter().map(|t| t.image(b)).collect(),
            readout_scale: self.readout_scale.as_ref().map(|r| r.slice(s![b..b + 1]).to_owned()),
            pooled: row(&self.pooled),
            category_logits: row(&self.category_logits),
            orientation_logits: row(&self.orientation_logits),
        }
    }
}

/// The category logits of one image split into the paths that wrote them.
#[derive(Clone, Debug, PartialEq)]
pub struct Contributions {
    pub direct: Vec<f32>,
    pub stations: Vec<Vec<f32>>,
    pub bias: Vec<f32>,
}

/// Side information for the gates: each LGN channel's mean relative to the
/// mean over channels (contrast-free input statistics), plus a bias of 1.
pub fn side_info(lgn: &Maps) -> Array2<f32> {
    let means = global_avg(lgn);
    let mut z = Array2::zeros((lgn.n, SIDE_INFO));
    for (b, row) in means.rows().into_iter().enumerate() {
        let overall = row.sum() / CHANNELS as f32 + 1e-3;
        for c in 0..CHANNELS {
            z[[b, c]] = row[c] / overall - 1.0;
        }
        z[[b, CHANNELS]] = 1.0;
    }
    z
}

/// One value per image repeated down its rows, as a column: (n · rows) × 1.
fn per_row(r: &Array1<f32>, rows: usize) -> Array2<f32> {
    Array2::from_shape_fn((r.len() * rows, 1), |(i, _)| r[i / rows])
}

fn gaussian(shape: (usize, usize), sd: f32, rng: &mut Rng) -> Array2<f32> {
    Array2::from_shape_fn(shape, |_| sd * rng.normal())
}

impl Model {
    /// All parameters zero, stream width [`D`].
    pub fn zeros(wiring: Wiring) -> Self {
        Model::zeros_with(wiring, D)
    }

    /// All parameters zero with a stream `d` wide (the shape of a gradient).
    pub fn zeros_with(wiring: Wiring, d: usize) -> Self {
        Model::zeros_variant(wiring, d, Variant::SHIPPED)
    }

    /// All parameters zero, of a variant, with a stream `d` wide. The gated wiring's L2/3 has
    /// its own kind, so it has no columns.
    pub fn zeros_variant(wiring: Wiring, d: usize, variant: Variant) -> Self {
        assert!(!(variant.columns && wiring == Wiring::Gated), "the gated wiring has no columns variant");
        let stations = names::Station::ALL
            .iter()
            .map(|st| Station {
                name: st.name(),
                read: Pointwise::zeros(d, M, true),
                compute: match wiring {
                    Wiring::Gated => Compute::Gated(GatedConv3::zeros(M, M, BANKS, SIDE_INFO)),
                    _ if variant.columns => Compute::Columns(Columns::zeros(M, COLUMNS)),
                    _ => Compute::Plain(Conv3::zeros(M, M)),
                },
                write: Pointwise::zeros(M, d, true),
                normalise: variant.prenorm,
                gain: variant.layerscale.then(|| Array1::zeros(d)),
            })
            .collect();
        Model {
            wiring,
            embed: Pointwise::zeros(CHANNELS, d, false),
            stations,
            category: Pointwise::zeros(d, CATEGORIES.len(), true),
            orientation: Pointwise::zeros(d, N_ORIENTATIONS, true),
            lesions: [false; 4],
            lesion_kind: Lesion::Silenced,
            retina: Retina::Full,
            variant,
        }
    }

    /// A seeded initialisation: He-scaled reads and convolutions (they feed
    /// ReLUs), writes scaled by 1/√m so each write starts about as large as
    /// the embedded input, and random unit-norm gate hyperplanes. Stream width [`D`].
    pub fn init(wiring: Wiring, seed: u64) -> Self {
        Model::init_with(wiring, seed, D)
    }

    /// As [`Model::init`] with a stream `d` wide (the same draws in the same order, so
    /// `init_with(w, s, D)` is `init(w, s)`).
    pub fn init_with(wiring: Wiring, seed: u64, d: usize) -> Self {
        Model::init_variant(wiring, seed, d, Variant::SHIPPED)
    }

    /// As [`Model::init_with`], of a variant: the same draws, and every write gain at
    /// [`LAYERSCALE_INIT`] (drawn from nothing, so a variant's other weights are the shipped
    /// model's at the same seed).
    pub fn init_variant(wiring: Wiring, seed: u64, d: usize, variant: Variant) -> Self {
        let mut rng = Rng::new(seed);
        let mut m = Model::zeros_variant(wiring, d, variant);
        m.embed.w = gaussian((CHANNELS, d), (2.0 / CHANNELS as f32).sqrt(), &mut rng);
        for st in &mut m.stations {
            st.read.w = gaussian((d, M), (2.0 / d as f32).sqrt(), &mut rng);
            let conv_sd = (2.0 / (9 * M) as f32).sqrt();
            match &mut st.compute {
                Compute::Plain(c) => c.k = gaussian(c.k.dim(), conv_sd, &mut rng),
                Compute::Columns(cols) => {
                    // He-scaled for a column's own fan-in (9 taps of its units).
                    let sd = (2.0 / (9 * cols.width()) as f32).sqrt();
                    for c in &mut cols.columns {
                        c.k = gaussian(c.k.dim(), sd, &mut rng);
                    }
                }
                Compute::Gated(g) => {
                    // Every bank starts smaller, since about half are open.
                    for bank in &mut g.banks {
                        bank.k = gaussian(bank.k.dim(), conv_sd * (2.0 / BANKS as f32).sqrt(), &mut rng);
                    }
                    g.gates.mapv_inplace(|_| rng.normal());
                }
            }
            st.write.w = gaussian((M, d), (1.0 / M as f32).sqrt(), &mut rng);
            if let Some(g) = &mut st.gain {
                g.fill(LAYERSCALE_INIT);
            }
        }
        m.category.w = gaussian((d, CATEGORIES.len()), 0.01, &mut rng);
        m.orientation.w = gaussian((d, N_ORIENTATIONS), 0.01, &mut rng);
        m
    }

    /// The width d of the stream: the embedding's outputs.
    pub fn width(&self) -> usize {
        self.embed.w.ncols()
    }

    /// A model of the same wiring and width with every parameter zero (a gradient's shape).
    pub fn zeros_like(&self) -> Model {
        Model::zeros_variant(self.wiring, self.width(), self.variant)
    }

    pub fn forward(&self, lgn: Maps) -> Trace {
        self.forward_with(lgn, None)
    }

    /// As `forward`, with `perturb(k, current)` applied to the input current
    /// of station k's L2/3 (used to inject noise).
    pub fn forward_perturbed(&self, lgn: Maps, perturb: &mut dyn FnMut(usize, &mut Maps)) -> Trace {
        self.forward_with(lgn, Some(perturb))
    }

    fn forward_with(&self, lgn: Maps, mut perturb: Option<&mut Perturb>) -> Trace {
        let lgn = self.retina.apply(lgn);
        let z = (self.wiring == Wiring::Gated).then(|| side_info(&lgn));
        let s0 = lgn.with(self.embed.forward(&lgn.x));
        let mut stations: Vec<StationTrace> = Vec::with_capacity(4);
        for (k, st) in self.stations.iter().enumerate() {
            let prev = stations.last().map_or(&s0, |t| &t.l5);
            let input = if k == 0 { prev.clone() } else { avg_pool2(prev) };
            // (A normalised read is not linear in s₀, so E·W cannot be folded.)
            let l4 = if k == 0 && DIRECT && !st.normalise { self.v1_read_fast(&lgn) } else { st.read(&input) };
            let t = match perturb.as_mut() {
                Some(p) => self.step(k).forward(st, input, l4, z.as_ref(), Some(&mut |m: &mut Maps| p(k, m))),
                None => self.step(k).forward(st, input, l4, z.as_ref(), None),
            };
            stations.push(t);
        }
        let (pooled, readout_scale) = self.read_out(&stations[3].l5);
        Trace {
            category_logits: self.category.forward(&pooled),
            orientation_logits: self.orientation.forward(&pooled),
            lgn,
            side_info: z,
            s0,
            stations,
            readout_scale,
            pooled,
        }
    }

    /// GAP of the last stream (`prenorm`: of the stream normalised per image), and the scale.
    fn read_out(&self, s4: &Maps) -> (Array2<f32>, Option<Array1<f32>>) {
        if self.variant.prenorm {
            let (y, r) = rms::forward(&s4.x, s4.pixels());
            (global_avg(&s4.with(y)), Some(r))
        } else {
            (global_avg(s4), None)
        }
    }

    /// The wiring step of station k: its join and its lesion.
    pub fn step(&self, k: usize) -> Step {
        let lesion = if self.lesions[k] { self.lesion_kind } else { Lesion::Intact };
        Step { join: Join::of(self.wiring), lesion }
    }

    /// The one fast path, taken with the wasm kernels (`DIRECT`): V1 reads
    /// s₀ = LGN·E through its 1×1 read W with nothing between the two maps,
    /// so its L4 can come straight from the LGN through E·W, 8 input
    /// channels instead of 32 (the same sums, rounded in another order).
    fn v1_read_fast(&self, lgn: &Maps) -> Maps {
        lgn.with(self.v1_read_from_lgn().forward_relu(&lgn.x))
    }

    /// The embedding and V1's read as one 1×1 map from the LGN: E·W, with
    /// bias b_E·W + b (E has none).
    pub fn v1_read_from_lgn(&self) -> Pointwise {
        let read = &self.stations[0].read;
        let b = match (&read.b, &self.embed.b) {
            (b, None) => b.clone(),
            (None, Some(be)) => Some(be.dot(&read.w)),
            (Some(b), Some(be)) => Some(b + &be.dot(&read.w)),
        };
        let mut e = self.embed.w.clone();
        if self.retina == Retina::CentreSurround {
            e.slice_mut(s![4.., ..]).fill(0.0); // the silenced edge channels
        }
        Pointwise { w: e.dot(&read.w), b }
    }

    /// Backpropagates the gradients on both heads' logits through the whole
    /// model, accumulating into `grad` (a model of the same wiring).
    pub fn backward(&self, t: &Trace, d_category: &Array2<f32>, d_orientation: &Array2<f32>, grad: &mut Model) {
        let mut d_pooled = self.category.backward(&t.pooled, d_category, &mut grad.category);
        d_pooled += &self.orientation.backward(&t.pooled, d_orientation, &mut grad.orientation);
        let s4 = &t.stations[3].l5;
        let mut ds = global_avg_backward(&d_pooled, s4.side);
        if let Some(r) = &t.readout_scale {
            let y = &s4.x * &per_row(r, s4.pixels());
            ds = ds.with(rms::backward(&y, r, &ds.x, s4.pixels()));
        }
        self.backward_stream(t, 4, ds, grad);
    }

    /// From a gradient `ds` on the stream after station `after` (0 = s₀)
    /// down to the LGN; returns d LGN.
    fn backward_stream(&self, t: &Trace, after: usize, mut ds: Maps, grad: &mut Model) -> Array2<f32> {
        for k in (0..after).rev() {
            let st = &t.stations[k];
            let d_input =
                self.step(k).backward(&self.stations[k], st, &ds.x, t.side_info.as_ref(), &mut grad.stations[k]);
            ds = self.below(k, st.input.with(d_input));
        }
        self.embed.backward(&t.lgn.x, &ds.x, &mut grad.embed)
    }

    /// Gradient on station k's input → gradient on the stream it was pooled from.
    fn below(&self, k: usize, d_input: Maps) -> Maps {
        if k == 0 {
            d_input
        } else {
            avg_pool2_backward(&d_input)
        }
    }

    /// The gradient of one unit of image 0 (channel `c` at `(y, x)` of one
    /// layer of one station) with respect to the LGN input: its receptive
    /// field on the thalamic input, linearised at this image.
    pub fn unit_gradient(
        &self,
        t: &Trace,
        station: names::Station,
        layer: Layer,
        c: usize,
        y: usize,
        x: usize,
    ) -> Result<Maps, String> {
        let k = station.index();
        let single = t.image(0);
        let st = &single.stations[k];
        let target = st.layer(layer);
        if c >= target.channels() || y >= target.side || x >= target.side {
            return Err(format!(
                "no unit ({c}, {y}, {x}) in a {}×{}×{} map",
                target.side,
                target.side,
                target.channels()
            ));
        }
        let mut d = Array2::zeros((target.pixels(), target.channels()));
        d[[y * target.side + x, c]] = 1.0;
        let mut grad = self.zeros_like();
        let (station, z, g) = (&self.stations[k], single.side_info.as_ref(), &mut grad.stations[k]);
        let step = self.step(k);
        let d_input = match layer {
            Layer::L5 => step.backward(station, st, &d, z, g),
            // A silenced or bypassed write is constant zero.
            Layer::Write if !step.lesion.writes() => Array2::zeros(st.input.x.raw_dim()),
            _ => station.backward_from(st, layer, d, z, g),
        };
        let ds = self.below(k, st.input.with(d_input));
        let d_lgn = self.backward_stream(&single, k, ds, &mut grad);
        Ok(Maps { n: 1, side: single.lgn.side, x: d_lgn })
    }

    /// The exact split of image `b`'s category logits into the direct path
    /// and each station's write. None for the hierarchy, which has no such
    /// split (each level replaces the one before).
    pub fn contributions(&self, t: &Trace, b: usize) -> Option<Contributions> {
        if !self.wiring.residual() {
            return None;
        }
        let scale = t.readout_scale.as_ref().map_or(1.0, |r| r[b]);
        let through = |m: &Maps| -> Vec<f32> {
            let g = global_avg(m);
            (&g.row(b) * scale).dot(&self.category.w).to_vec()
        };
        Some(Contributions {
            direct: through(&t.s0),
            stations: t.stations.iter().map(|s| through(&s.write)).collect(),
            bias: self.category.b.as_ref().map_or(vec![0.0; CATEGORIES.len()], |b| b.to_vec()),
        })
    }

    /// Every tensor: (name, shape, values, trainable).
    pub fn visit_mut(&mut self, f: &mut crate::station::Visit<'_>) {
        visit_pointwise("embed", &mut self.embed, f);
        for st in &mut self.stations {
            st.visit_mut(f);
        }
        visit_pointwise("head.category", &mut self.category, f);
        visit_pointwise("head.orientation", &mut self.orientation, f);
    }

    /// Named copies of every tensor (for saving and comparing).
    pub fn tensors(&self) -> Vec<(String, Vec<usize>, Vec<f32>)> {
        let mut out = Vec::new();
        self.clone().visit_mut(&mut |name, shape, v, _| out.push((name.to_string(), shape, v.to_vec())));
        out
    }

    /// Number of trainable parameters.
    pub fn parameter_count(&self) -> usize {
        let mut n = 0;
        self.clone().visit_mut(&mut |_, _, v, trainable| {
            if trainable {
                n += v.len()
            }
        });
        n
    }
}
