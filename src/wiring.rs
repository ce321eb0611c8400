//! The one wiring rule: what a station's write does to the stream, forward
//! beside backward. The model, the receptive-field gradient and the small
//! networks of the degradation experiment all go through [`Step`].
//!
//!   join Add (stream, gated):   s_k = D(s_{k−1}) + w_k
//!   join Replace (hierarchy):   s_k = w_k
//!   a silenced station (lesion): w_k = 0, then joined as above
//!
//! so a lesion in the stream passes D(s_{k−1}) on, and in the hierarchy
//! passes zeros.

use crate::layers::Maps;
use crate::names::Wiring;
use crate::station::{Station, StationTrace};
use ndarray::Array2;

/// How a station's write meets the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    /// The stream plus the write (the residual wirings).
    Add,
    /// The write alone (the hierarchy).
    Replace,
}

impl Join {
    pub fn of(wiring: Wiring) -> Join {
        if wiring.residual() {
            Join::Add
        } else {
            Join::Replace
        }
    }
}

/// A lesion is a switch on a station, not a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lesion {
    Intact,
    /// The station writes nothing.
    Silenced,
}

impl Lesion {
    pub fn of(lesioned: bool) -> Lesion {
        if lesioned {
            Lesion::Silenced
        } else {
            Lesion::Intact
        }
    }
}

/// One station's step along the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub join: Join,
    pub lesion: Lesion,
}

impl Step {
    /// How the write meets the stream at this step, forward and backward
    /// alike. A silenced station is joined like an intact one (its zero write
    /// added, or replacing the stream); a lesion that bypasses the station in
    /// every wiring, s_k = D(s_{k−1}), would be the one line
    /// `if self.lesion == Lesion::Silenced { Join::Add } else { self.join }`.
    fn join(self) -> Join {
        self.join
    }

    /// Station `station` on its `input` (the stream as it reads it) given L4's
    /// rates `l4`; `perturb` changes L2/3's input current (noise injection).
    pub fn forward(
        self,
        station: &Station,
        input: Maps,
        l4: Maps,
        side_info: Option<&Array2<f32>>,
        perturb: Option<&mut dyn FnMut(&mut Maps)>,
    ) -> StationTrace {
        let (l23, mut write) = station.compute_and_write(&l4, side_info, perturb);
        if self.lesion == Lesion::Silenced {
            write.x.fill(0.0);
        }
        let l5 = match self.join() {
            Join::Add => input.with(&input.x + &write.x),
            Join::Replace => write.clone(),
        };
        StationTrace { input, l4, l23, write, l5 }
    }

    /// Given the gradient `d_l5` on the stream after the station, accumulates
    /// the station's parameter gradients into `grad` and returns the gradient
    /// on its input.
    pub fn backward(
        self,
        station: &Station,
        t: &StationTrace,
        d_l5: &Array2<f32>,
        side_info: Option<&Array2<f32>>,
        grad: &mut Station,
    ) -> Array2<f32> {
        let mut d_input = match self.lesion {
            Lesion::Silenced => Array2::zeros(t.input.x.raw_dim()),
            Lesion::Intact => station.backward(t, d_l5, side_info, grad),
        };
        if self.join() == Join::Add {
            d_input += d_l5;
        }
        d_input
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{conv::Conv3, pointwise::Pointwise};
    use crate::rng::Rng;
    use crate::station::Compute;

    fn station(rng: &mut Rng) -> Station {
        let mut s = Station {
            name: "test",
            read: Pointwise::zeros(3, 4, true),
            compute: Compute::Plain(Conv3::zeros(4, 4)),
            write: Pointwise::zeros(4, 3, true),
        };
        s.visit_mut(&mut |_, _, v, _| v.iter_mut().for_each(|x| *x = 0.5 * rng.normal()));
        s
    }

    #[test]
    fn the_join_adds_or_replaces_and_a_lesion_silences_the_write() {
        let mut rng = Rng::new(1);
        let st = station(&mut rng);
        let input = Maps { n: 1, side: 4, x: Array2::from_shape_fn((16, 3), |_| rng.normal()) };
        let d_l5 = Array2::from_shape_fn((16, 3), |_| rng.normal());
        for join in [Join::Add, Join::Replace] {
            let intact = Step { join, lesion: Lesion::Intact };
            let t = intact.forward(&st, input.clone(), st.read(&input), None, None);
            assert!(t.write.x.iter().any(|&v| v != 0.0));
            let want = if join == Join::Add { &input.x + &t.write.x } else { t.write.x.clone() };
            assert_eq!(t.l5.x, want, "{join:?}");

            let silenced = Step { join, lesion: Lesion::Silenced };
            let t = silenced.forward(&st, input.clone(), st.read(&input), None, None);
            assert!(t.write.x.iter().all(|&v| v == 0.0));
            let mut grad = st.clone();
            grad.visit_mut(&mut |_, _, v, _| v.fill(0.0));
            let d_input = silenced.backward(&st, &t, &d_l5, None, &mut grad);
            match join {
                // The stream passes through a silenced station, and so does its gradient.
                Join::Add => assert_eq!((&t.l5.x, &d_input), (&input.x, &d_l5)),
                Join::Replace => assert!(t.l5.x.iter().chain(&d_input).all(|&v| v == 0.0)),
            }
            // A silenced station learns nothing.
            grad.visit_mut(&mut |name, _, v, _| assert!(v.iter().all(|&g| g == 0.0), "{name}"));
        }
    }
}
