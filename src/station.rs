//! One station of the stream (V1, V2, V4 or IT): a canonical microcircuit.
//!
//!   L4 reads:      a = ReLU(D(s)·W_in + b_in)     1×1, d → m
//!   L2/3 computes: h = ReLU(conv3×3(a) + b)       m → m (plain or gated)
//!   L5 writes:     w = h·W_out + b_out            1×1, m → d, signed
//!
//! Three variants (`crate::variant`) change it. `columns` splits L2/3 into side-by-side
//! microcircuits that share L4's read and L5's write but not each other's units. Two change the ends: `prenorm` reads RMS(D(s)) in place of
//! D(s), each image's stream divided by its root mean square over positions and channels (per
//! image, not per position: a blank part of the paper has a stream near zero, which a
//! per-position norm would blow up to unit size); `layerscale` writes w ⊙ γ with a learned
//! per-channel gain γ.
//!
//! What the station does with `w` (add it to the stream, or replace the
//! stream with it) is the wiring's business, in `wiring.rs`.

use crate::layers::columns::Columns;
use crate::layers::conv::Conv3;
use crate::layers::gated::GatedConv3;
use crate::layers::pointwise::Pointwise;
use crate::layers::{relu, relu_backward, rms, Maps};
use crate::names::Layer;
use ndarray::{Array1, Array2, Axis};

#[derive(Clone, Debug, PartialEq)]
pub enum Compute {
    Plain(Conv3),
    Gated(GatedConv3),
    /// `columns`: a grouped convolution, one group per column.
    Columns(Columns),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Station {
    pub name: &'static str,
    /// L4: reads the stream.
    pub read: Pointwise,
    /// L2/3: computes.
    pub compute: Compute,
    /// L5: writes to the stream.
    pub write: Pointwise,
    /// `prenorm`: L4 reads the stream RMS-normalised at each position.
    pub normalise: bool,
    /// `layerscale`: the write's learned per-channel gain γ (d values).
    pub gain: Option<Array1<f32>>,
}

/// Everything one station did on one batch: the maps a reader sees, and what
/// the backward pass needs.
#[derive(Clone, Debug)]
pub struct StationTrace {
    /// D(s_{k−1}): the stream as this station reads it.
    pub input: Maps,
    /// L4 rates (also the input of L2/3's convolution, for the backward pass).
    pub l4: Maps,
    /// L2/3 rates.
    pub l23: Maps,
    /// What L5 writes (signed).
    pub write: Maps,
    /// L5: the stream after this station (stream wiring: input + write;
    /// hierarchy: the write alone).
    pub l5: Maps,
}

impl StationTrace {
    /// The maps of one layer.
    pub fn layer(&self, layer: Layer) -> &Maps {
        match layer {
            Layer::L4 => &self.l4,
            Layer::L23 => &self.l23,
            Layer::Write => &self.write,
            Layer::L5 => &self.l5,
        }
    }

    /// Image `b` alone, as a batch of one.
    pub fn image(&self, b: usize) -> StationTrace {
        StationTrace {
            input: self.input.image(b),
            l4: self.l4.image(b),
            l23: self.l23.image(b),
            write: self.write.image(b),
            l5: self.l5.image(b),
        }
    }
}

impl Station {
    /// A station that reads the stream as it is and writes without a gain (the shipped kind).
    pub fn new(name: &'static str, read: Pointwise, compute: Compute, write: Pointwise) -> Self {
        Station { name, read, compute, write, normalise: false, gain: None }
    }

    /// L4 reads: a = ReLU(s·W_in + b_in), the ReLU fused into the kernel (s normalised
    /// first where the station normalises its read).
    pub fn read(&self, input: &Maps) -> Maps {
        if self.normalise {
            input.with(self.read.forward_relu(&rms::forward(&input.x, input.pixels()).0))
        } else {
            input.with(self.read.forward_relu(&input.x))
        }
    }

    /// The write before its gain: h·W_out + b_out.
    fn write_before_gain(&self, l23: &Array2<f32>) -> Array2<f32> {
        self.write.forward(l23)
    }

    /// W_out as it meets the stream: W_out·diag(γ) where the write has a gain (m × d).
    pub fn write_matrix(&self) -> Array2<f32> {
        match &self.gain {
            Some(g) => &self.write.w * &g.view().insert_axis(Axis(0)),
            None => self.write.w.clone(),
        }
    }

    /// L2/3 computes from L4's rates and L5 writes: (L2/3 rates, write). An
    /// optional `perturb` changes L2/3's input current before its ReLU (how
    /// the variability experiment injects noise); without one the ReLU is
    /// fused into the convolution's kernel.
    pub fn compute_and_write(
        &self,
        l4: &Maps,
        side_info: Option<&Array2<f32>>,
        perturb: Option<&mut dyn FnMut(&mut Maps)>,
    ) -> (Maps, Maps) {
        // The input current, changed by `perturb`, then the rates: ReLU of it.
        let rates = |mut current: Maps, perturb: Option<&mut dyn FnMut(&mut Maps)>| {
            if let Some(perturb) = perturb {
                perturb(&mut current);
            }
            relu(&mut current.x);
            current
        };
        let l23 = match (&self.compute, side_info, perturb) {
            (Compute::Plain(c), _, None) => c.forward_relu(l4),
            (Compute::Columns(c), _, None) => c.forward_relu(l4),
            (Compute::Plain(c), _, perturb) => rates(c.forward(l4), perturb),
            (Compute::Columns(c), _, perturb) => rates(c.forward(l4), perturb),
            (Compute::Gated(g), Some(z), perturb) => rates(g.forward(l4, z), perturb),
            (Compute::Gated(_), None, _) => panic!("a gated station needs side information"),
        };
        let mut write = self.write_before_gain(&l23.x);
        if let Some(g) = &self.gain {
            write *= &g.view().insert_axis(Axis(0));
        }
        let write = l23.with(write);
        (l23, write)
    }

    /// Given the gradient on the write, accumulates this station's parameter
    /// gradients into `grad` and returns the gradient on its input.
    pub fn backward(
        &self,
        t: &StationTrace,
        d_write: &Array2<f32>,
        side_info: Option<&Array2<f32>>,
        grad: &mut Station,
    ) -> Array2<f32> {
        self.backward_from(t, Layer::Write, d_write.clone(), side_info, grad)
    }

    /// Backward from a gradient on `layer` (the rates of L4 or L2/3, or the
    /// write): how a unit's receptive field is traced. L5, the stream after
    /// the station, is the wiring's: see [`crate::wiring::Step::backward`].
    pub fn backward_from(
        &self,
        t: &StationTrace,
        layer: Layer,
        d: Array2<f32>,
        side_info: Option<&Array2<f32>>,
        grad: &mut Station,
    ) -> Array2<f32> {
        assert!(layer != Layer::L5, "L5 is the wiring's to backpropagate (wiring::Step::backward)");
        let mut da = d;
        if layer != Layer::L4 {
            let mut dh = if layer == Layer::Write {
                if let (Some(g), Some(dg)) = (&self.gain, &mut grad.gain) {
                    *dg += &(self.write_before_gain(&t.l23.x) * &da).sum_axis(Axis(0));
                    da *= &g.view().insert_axis(Axis(0));
                }
                self.write.backward(&t.l23.x, &da, &mut grad.write)
            } else {
                da
            };
            relu_backward(&t.l23.x, &mut dh);
            da = match (&self.compute, &mut grad.compute, side_info) {
                (Compute::Plain(c), Compute::Plain(g), _) => c.backward(&t.l4, &dh, g),
                (Compute::Gated(c), Compute::Gated(g), Some(z)) => c.backward(&t.l4, z, &dh, g),
                (Compute::Columns(c), Compute::Columns(g), _) => c.backward(&t.l4, &dh, g),
                _ => panic!("gradient and station disagree on the kind of L2/3"),
            }
            .x;
        }
        relu_backward(&t.l4.x, &mut da);
        if self.normalise {
            // r is recomputed from the input: cheaper to keep than a second map per station.
            let rows = t.input.pixels();
            let (y, r) = rms::forward(&t.input.x, rows);
            let dy = self.read.backward(&y, &da, &mut grad.read);
            rms::backward(&y, &r, &dy, rows)
        } else {
            self.read.backward(&t.input.x, &da, &mut grad.read)
        }
    }

    /// Every tensor of the station, named for the weights file.
    pub fn visit_mut(&mut self, f: &mut crate::station::Visit<'_>) {
        let n = self.name;
        visit_pointwise(&format!("{n}.read"), &mut self.read, f);
        match &mut self.compute {
            Compute::Plain(c) => visit_conv(&format!("{n}.compute"), c, f),
            Compute::Gated(g) => {
                for (b, bank) in g.banks.iter_mut().enumerate() {
                    visit_conv(&format!("{n}.compute.bank{b}"), bank, f);
                }
                let shape = g.gates.shape().to_vec();
                f(&format!("{n}.compute.gates"), shape, slice(g.gates.as_slice_mut()), false);
            }
            Compute::Columns(cols) => {
                for (c, conv) in cols.columns.iter_mut().enumerate() {
                    visit_conv(&format!("{n}.compute.column{c}"), conv, f);
                }
            }
        }
        visit_pointwise(&format!("{n}.write"), &mut self.write, f);
        if let Some(g) = &mut self.gain {
            f(&format!("{n}.write.gain"), vec![g.len()], slice(g.as_slice_mut()), true);
        }
    }
}

/// What `visit_mut` calls for every tensor: (name, shape, values, trainable).
pub type Visit<'a> = dyn FnMut(&str, Vec<usize>, &mut [f32], bool) + 'a;

fn slice(s: Option<&mut [f32]>) -> &mut [f32] {
    s.expect("parameters are contiguous")
}

pub fn visit_pointwise(name: &str, p: &mut Pointwise, f: &mut crate::station::Visit<'_>) {
    let shape = p.w.shape().to_vec();
    f(&format!("{name}.w"), shape, slice(p.w.as_slice_mut()), true);
    if let Some(b) = &mut p.b {
        f(&format!("{name}.b"), vec![b.len()], slice(b.as_slice_mut()), true);
    }
}

fn visit_conv(name: &str, c: &mut Conv3, f: &mut crate::station::Visit<'_>) {
    let shape = c.k.shape().to_vec();
    f(&format!("{name}.k"), shape, slice(c.k.as_slice_mut()), true);
    f(&format!("{name}.b"), vec![c.b.len()], slice(c.b.as_slice_mut()), true);
}
