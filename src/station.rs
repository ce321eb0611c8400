//! One station of the stream (V1, V2, V4 or IT): a canonical microcircuit.
//!
//!   L4 reads:      a = ReLU(D(s)·W_in + b_in)     1×1, d → m
//!   L2/3 computes: h = ReLU(conv3×3(a) + b)       m → m (plain or gated)
//!   L5 writes:     w = h·W_out + b_out            1×1, m → d, signed
//!
//! What the station does with `w` (add it to the stream, or replace the
//! stream with it) is the wiring's business, in `model.rs`.

use crate::layers::conv::Conv3;
use crate::layers::gated::GatedConv3;
use crate::layers::pointwise::Pointwise;
use crate::layers::{relu, relu_backward, Maps};
use ndarray::Array2;

pub const NAMES: [&str; 4] = ["V1", "V2", "V4", "IT"];

/// Where in a station a gradient starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    L4,
    L23,
    Write,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Compute {
    Plain(Conv3),
    Gated(GatedConv3),
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

/// What the wiring makes of a station's write: L5 of [`StationTrace`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// The write alone (the hierarchy).
    Replace,
    /// The input plus the write (the stream wirings).
    Add,
    /// A lesioned station: the write is zeroed, then added or not.
    Lesioned { add: bool },
}

impl Station {
    /// One station on its input; L5 is the write alone.
    pub fn forward(&self, input: Maps, side_info: Option<&Array2<f32>>) -> StationTrace {
        self.forward_with(input, None, side_info, None, Output::Replace)
    }

    /// As `forward`, with `perturb` applied to L2/3's input current (before
    /// its ReLU): how the variability experiment injects noise.
    pub fn forward_perturbed(
        &self,
        input: Maps,
        side_info: Option<&Array2<f32>>,
        perturb: &mut dyn FnMut(&mut Maps),
    ) -> StationTrace {
        self.forward_with(input, None, side_info, Some(perturb), Output::Replace)
    }

    /// The forward pass with everything spelled out: L4's rates if the
    /// caller has them already (V1's read composed with the embedding), an
    /// optional perturbation of L2/3's input current, and what L5 is. Without
    /// a perturbation the ReLUs are fused into the layers' kernels.
    pub fn forward_with(
        &self,
        input: Maps,
        l4: Option<Maps>,
        side_info: Option<&Array2<f32>>,
        perturb: Option<&mut dyn FnMut(&mut Maps)>,
        output: Output,
    ) -> StationTrace {
        let l4 = l4.unwrap_or_else(|| input.with(self.read.forward_relu(&input.x)));
        let l23 = match (&self.compute, side_info, perturb) {
            (Compute::Plain(c), _, None) => c.forward_relu(&l4),
            (Compute::Plain(c), _, Some(perturb)) => {
                let mut current = c.forward(&l4);
                perturb(&mut current);
                relu(&mut current.x);
                current
            }
            (Compute::Gated(g), Some(z), perturb) => {
                let mut current = g.forward(&l4, z);
                if let Some(perturb) = perturb {
                    perturb(&mut current);
                }
                relu(&mut current.x);
                current
            }
            (Compute::Gated(_), None, _) => panic!("a gated station needs side information"),
        };
        let mut write = l23.with(self.write.forward(&l23.x));
        let add = match output {
            Output::Replace => false,
            Output::Add => true,
            Output::Lesioned { add } => {
                write.x.fill(0.0);
                add
            }
        };
        let l5 = if add { input.with(&input.x + &write.x) } else { write.clone() };
        StationTrace { input, l4, l23, write, l5 }
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

    /// Backward from a gradient on the output of `layer` (its rates for L4
    /// and L2/3, the write for L5): how a unit's receptive field is traced.
    pub fn backward_from(
        &self,
        t: &StationTrace,
        layer: Layer,
        d: Array2<f32>,
        side_info: Option<&Array2<f32>>,
        grad: &mut Station,
    ) -> Array2<f32> {
        let mut da = d;
        if layer != Layer::L4 {
            let mut dh = if layer == Layer::Write { self.write.backward(&t.l23.x, &da, &mut grad.write) } else { da };
            relu_backward(&t.l23.x, &mut dh);
            da = match (&self.compute, &mut grad.compute, side_info) {
                (Compute::Plain(c), Compute::Plain(g), _) => c.backward(&t.l4, &dh, g),
                (Compute::Gated(c), Compute::Gated(g), Some(z)) => c.backward(&t.l4, z, &dh, g),
                _ => panic!("gradient and station disagree on the kind of L2/3"),
            }
            .x;
        }
        relu_backward(&t.l4.x, &mut da);
        self.read.backward(&t.input.x, &da, &mut grad.read)
    }

    /// Every tensor of the station, named for the weights file.
    pub fn visit_mut(&mut self, f: &mut dyn FnMut(&str, Vec<usize>, &mut [f32], bool)) {
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
        }
        visit_pointwise(&format!("{n}.write"), &mut self.write, f);
    }
}

fn slice(s: Option<&mut [f32]>) -> &mut [f32] {
    s.expect("parameters are contiguous")
}

pub fn visit_pointwise(name: &str, p: &mut Pointwise, f: &mut dyn FnMut(&str, Vec<usize>, &mut [f32], bool)) {
    let shape = p.w.shape().to_vec();
    f(&format!("{name}.w"), shape, slice(p.w.as_slice_mut()), true);
    if let Some(b) = &mut p.b {
        f(&format!("{name}.b"), vec![b.len()], slice(b.as_slice_mut()), true);
    }
}

fn visit_conv(name: &str, c: &mut Conv3, f: &mut dyn FnMut(&str, Vec<usize>, &mut [f32], bool)) {
    let shape = c.k.shape().to_vec();
    f(&format!("{name}.k"), shape, slice(c.k.as_slice_mut()), true);
    f(&format!("{name}.b"), vec![c.b.len()], slice(c.b.as_slice_mut()), true);
}
