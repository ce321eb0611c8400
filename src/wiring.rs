//! The one wiring rule: what a station's write does to the stream, forward
//! beside backward. The model, the receptive-field gradient and the small
//! networks of the degradation experiment all go through [`Step`].
//!
//!   join Add (stream, gated):   s_k = D(s_{k−1}) + w_k
//!   join Replace (hierarchy):   s_k = w_k
//!   lesions (a switch on one station, see [`Lesion`]):
//!     silenced:      w_k = 0, then joined as above (stream: D(s_{k−1}); hierarchy: zeros)
//!     bypassed:      s_k = D(s_{k−1}) in every wiring (Veit et al. 2016's deletion)
//!     skip removed:  s_k = w_k in every wiring (the write replaces the stream)
//!
//! In the stream, silencing and bypassing are the same thing; in the
//! hierarchy, silencing cuts the only path (chance by construction) and
//! bypassing is the fair comparison. Removing the skip is the stream's own
//! control: the station becomes a level of a hierarchy.

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

/// Whether what writer `writer` wrote (0: the thalamic input, k: station k) reaches reader
/// `reader` (station `reader`'s L4, counted from 0 for V1; one past the last station: the
/// behaviour's heads). The writer just below a reader (writer == reader) always reaches it;
/// earlier writers reach it only where the join adds, since a replacing join discards them.
pub fn reaches(wiring: Wiring, writer: usize, reader: usize) -> bool {
    writer == reader || (writer < reader && Join::of(wiring) == Join::Add)
}

/// A lesion is a switch on a station, not a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lesion {
    Intact,
    /// The station writes nothing; what is left is joined as the wiring joins.
    Silenced,
    /// The station passes its pooled input on: s_k = D(s_{k−1}), whatever the wiring.
    Bypassed,
    /// The skip around the station is cut: its write replaces the stream, s_k = w_k.
    SkipRemoved,
}

impl Lesion {
    /// Whether the station's write reaches the stream at all.
    pub fn writes(self) -> bool {
        matches!(self, Lesion::Intact | Lesion::SkipRemoved)
    }

    pub fn name(self) -> &'static str {
        match self {
            Lesion::Intact => "intact",
            Lesion::Silenced => "zero",
            Lesion::Bypassed => "bypass",
            Lesion::SkipRemoved => "skip_removed",
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
    /// added, or replacing the stream); a bypassed one adds its zero write
    /// (the input passes on); one without its skip replaces the stream.
    fn join(self) -> Join {
        match self.lesion {
            Lesion::Intact | Lesion::Silenced => self.join,
            Lesion::Bypassed => Join::Add,
            Lesion::SkipRemoved => Join::Replace,
        }
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
        if !self.lesion.writes() {
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
        let mut d_input = if self.lesion.writes() {
            station.backward(t, d_l5, side_info, grad)
        } else {
            Array2::zeros(t.input.x.raw_dim())
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
        let mut s = Station::new(
            "test",
            Pointwise::zeros(3, 4, true),
            Compute::Plain(Conv3::zeros(4, 4)),
            Pointwise::zeros(4, 3, true),
        );
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

    /// A station whose write is its input, on non-negative input: read,
    /// convolution (centre tap) and write are identities.
    fn pass_through(channels: usize) -> Station {
        let eye = Array2::from_shape_fn((channels, channels), |(i, j)| (i == j) as u8 as f32);
        let mut conv = Conv3::zeros(channels, channels);
        let centre = 4 * channels; // tap (1, 1)
        conv.k.slice_mut(ndarray::s![centre..centre + channels, ..]).assign(&eye);
        Station::new(
            "pass-through",
            Pointwise { w: eye.clone(), b: Some(ndarray::Array1::zeros(channels)) },
            Compute::Plain(conv),
            Pointwise { w: eye, b: Some(ndarray::Array1::zeros(channels)) },
        )
    }

    #[test]
    fn bypassing_a_hierarchy_station_whose_write_is_its_input_changes_nothing() {
        let mut rng = Rng::new(2);
        let st = pass_through(3);
        let input = Maps { n: 2, side: 4, x: Array2::from_shape_fn((32, 3), |_| 0.1 + rng.normal().abs()) };
        let d_l5 = Array2::from_shape_fn((32, 3), |_| rng.normal());
        let run = |lesion| {
            let step = Step { join: Join::Replace, lesion };
            let t = step.forward(&st, input.clone(), st.read(&input), None, None);
            let mut grad = st.clone();
            grad.visit_mut(&mut |_, _, v, _| v.fill(0.0));
            let d_input = step.backward(&st, &t, &d_l5, None, &mut grad);
            (t, d_input)
        };
        let (intact, d_intact) = run(Lesion::Intact);
        assert_eq!(intact.write.x, input.x, "the station is not a pass-through");
        let (bypassed, d_bypassed) = run(Lesion::Bypassed);
        assert_eq!(bypassed.l5.x, intact.l5.x);
        assert_eq!(d_bypassed, d_intact);
        // Zeroing the same station is not a pass-through: the hierarchy then sees nothing.
        let (zeroed, _) = run(Lesion::Silenced);
        assert!(zeroed.l5.x.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn bypass_passes_the_input_on_and_removing_the_skip_keeps_only_the_write() {
        let mut rng = Rng::new(3);
        let st = station(&mut rng);
        let input = Maps { n: 1, side: 4, x: Array2::from_shape_fn((16, 3), |_| rng.normal()) };
        let d_l5 = Array2::from_shape_fn((16, 3), |_| rng.normal());
        let run = |join, lesion| {
            let step = Step { join, lesion };
            let t = step.forward(&st, input.clone(), st.read(&input), None, None);
            let mut grad = st.clone();
            grad.visit_mut(&mut |_, _, v, _| v.fill(0.0));
            let d_input = step.backward(&st, &t, &d_l5, None, &mut grad);
            (t.l5.x, d_input, grad)
        };
        for join in [Join::Add, Join::Replace] {
            // Bypassed, in either wiring: the stream and its gradient pass straight through, nothing learns.
            let (l5, d_input, mut grad) = run(join, Lesion::Bypassed);
            assert_eq!((&l5, &d_input), (&input.x, &d_l5), "{join:?}");
            grad.visit_mut(&mut |name, _, v, _| assert!(v.iter().all(|&g| g == 0.0), "{name}"));
            // Without its skip, a station of either wiring is a hierarchy's level.
            let (l5, d_input, _) = run(join, Lesion::SkipRemoved);
            let (want_l5, want_d, _) = run(Join::Replace, Lesion::Intact);
            assert_eq!((l5, d_input), (want_l5, want_d), "{join:?}");
        }
        // In the stream, zeroing a station is bypassing it.
        assert_eq!(run(Join::Add, Lesion::Silenced).0, run(Join::Add, Lesion::Bypassed).0);
    }
}
