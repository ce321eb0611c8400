//! A pressure on the stations' writes: the lab's L1 cost and AdamW decay.

use crate::model::Model;

/// A pressure on the stations' write matrices W_write (L5), the lab's knob for asking whether
/// a stream under a cost on writing still keeps what it carries. Biases and every other tensor
/// are left alone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pressure {
    None,
    /// L1: the loss gains strength · Σ|W_write|; backward adds its subgradient
    /// strength · sign(W) (0 at 0) to the writes' gradients, so Adam sees it like any loss.
    L1(f32),
    /// Decoupled weight decay on the writes (AdamW, Loshchilov & Hutter 2019): after each Adam
    /// update, W_write ← W_write − lr_t · strength · W_write with lr_t the step's scheduled
    /// rate; the loss is unchanged and Adam's moments never see it.
    Decay(f32),
}

impl Pressure {
    /// "none", "l1" or "decay" with its strength.
    pub fn parse(name: &str, strength: f32) -> Result<Pressure, String> {
        // No float in the message: formatting one would pull the float printer into the wasm.
        if !(strength.is_finite() && strength >= 0.0) {
            return Err("the pressure's strength must be a finite number ≥ 0".into());
        }
        match name {
            "none" => Ok(Pressure::None),
            "l1" => Ok(Pressure::L1(strength)),
            "decay" => Ok(Pressure::Decay(strength)),
            other => Err(format!("unknown pressure {other:?}: none, l1 or decay")),
        }
    }

    /// Adds the L1 term's subgradient to `grad` and returns its loss (0 for the others).
    pub fn add_gradient(self, model: &Model, grad: &mut Model) -> f32 {
        let Pressure::L1(strength) = self else { return 0.0 };
        let mut loss = 0.0;
        for (st, g) in model.stations.iter().zip(&mut grad.stations) {
            ndarray::Zip::from(&mut g.write.w).and(&st.write.w).for_each(|g, &w| {
                loss += w.abs();
                *g += strength
                    * if w > 0.0 {
                        1.0
                    } else if w < 0.0 {
                        -1.0
                    } else {
                        0.0
                    };
            });
        }
        strength * loss
    }

    /// Decays the writes after an Adam step at rate `lr` (AdamW); nothing for the others.
    pub fn decay(self, model: &mut Model, lr: f32) {
        let Pressure::Decay(strength) = self else { return };
        for st in &mut model.stations {
            st.write.w *= 1.0 - lr * strength;
        }
    }
}
