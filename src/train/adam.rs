//! The optimiser.

use crate::model::Model;

/// Adam (Kingma & Ba 2015) over every trainable tensor of a model.
pub struct Adam {
    pub lr: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    // The step count and moments are the crate's to read and set: a lab run is saved and resumed
    // with them (lab::Lab::optimiser_state).
    pub(crate) t: i32,
    pub(crate) m: Vec<Vec<f32>>,
    pub(crate) v: Vec<Vec<f32>>,
}

impl Adam {
    pub fn new(lr: f32) -> Self {
        Adam { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, t: 0, m: Vec::new(), v: Vec::new() }
    }

    pub fn step(&mut self, model: &mut Model, grad: &Model) {
        let mut grad = grad.clone();
        self.step_tensors(&mut |f| model.visit_mut(f), &mut |f| grad.visit_mut(f));
    }

    /// One update of any set of tensors: `params` and `grads` each visit
    /// their tensors in the same order (name, shape, values, trainable).
    pub fn step_tensors(&mut self, params: &mut dyn FnMut(Visitor), grads: &mut dyn FnMut(Visitor)) {
        let mut g_all: Vec<Vec<f32>> = Vec::new();
        grads(&mut |_, _, g, trainable| {
            if trainable {
                g_all.push(g.to_vec())
            }
        });
        if self.m.is_empty() {
            self.m = g_all.iter().map(|g| vec![0.0; g.len()]).collect();
            self.v = self.m.clone();
        }
        self.t += 1;
        let (b1, b2) = (self.beta1, self.beta2);
        let lr = self.lr * (1.0 - b2.powi(self.t)).sqrt() / (1.0 - b1.powi(self.t));
        let mut i = 0;
        let (ms, vs, eps) = (&mut self.m, &mut self.v, self.eps);
        params(&mut |_, _, p, trainable| {
            if !trainable {
                return;
            }
            for (((p, g), m), v) in p.iter_mut().zip(&g_all[i]).zip(ms[i].iter_mut()).zip(vs[i].iter_mut()) {
                *m = b1 * *m + (1.0 - b1) * g;
                *v = b2 * *v + (1.0 - b2) * g * g;
                *p -= lr * *m / (v.sqrt() + eps);
            }
            i += 1;
        });
    }
}

/// What `visit_mut` hands each tensor to: (name, shape, values, trainable).
pub type Visitor<'a> = &'a mut dyn FnMut(&str, Vec<usize>, &mut [f32], bool);
