//! How much of the thalamic input each station's layer 5 still carries, for one picture: the
//! cosine between L5ₖ and s₀ pooled to L5ₖ's size (the input as it would arrive if every
//! station wrote nothing), over every position and channel. In the stream L5ₖ is that pooled
//! input plus every write so far, so the cosine falls as the writes grow; in the hierarchy L5ₖ
//! is the last write alone, and whatever likeness to the input it keeps, the station made.

use crate::layers::pool::avg_pool2;
use crate::layers::Maps;
use crate::model::Trace;

/// Image `b`'s cosine between each station's L5 and its pooled input, V1 first (0 where either
/// is all zero).
pub fn input_carried(trace: &Trace, b: usize) -> Vec<f32> {
    let mut input = trace.s0.image(b);
    trace
        .stations
        .iter()
        .map(|st| {
            let l5 = st.l5.image(b);
            while input.side > l5.side {
                input = avg_pool2(&input);
            }
            assert_eq!(input.side, l5.side, "each station pools by two");
            cosine(&input, &l5)
        })
        .collect()
}

fn cosine(a: &Maps, b: &Maps) -> f32 {
    let dot: f32 = a.x.iter().zip(b.x.iter()).map(|(p, q)| p * q).sum();
    let norms = (a.x.iter().map(|v| v * v).sum::<f32>() * b.x.iter().map(|v| v * v).sum::<f32>()).sqrt();
    if norms > 0.0 {
        dot / norms
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Model, Wiring};
    use crate::train::{held_out, render};

    /// Both wirings at their initial weights with every write (weights and bias) set to zero.
    fn silent(wiring: Wiring) -> Model {
        let mut m = Model::init(wiring, 3);
        for st in &mut m.stations {
            st.write.w.fill(0.0);
            if let Some(b) = st.write.b.as_mut() {
                b.fill(0.0);
            }
        }
        m
    }

    #[test]
    fn a_stream_that_writes_nothing_carries_its_whole_input_and_a_silent_hierarchy_none() {
        let batch = render(2, 1, &|i| held_out(i as u64).0);
        let stream = silent(Wiring::Stream).forward(batch.lgn.clone());
        for b in 0..2 {
            for c in input_carried(&stream, b) {
                assert!((c - 1.0).abs() < 1e-5, "{c}");
            }
        }
        let hierarchy = silent(Wiring::Hierarchy).forward(batch.lgn);
        assert_eq!(input_carried(&hierarchy, 1), vec![0.0; 4]);
    }

    #[test]
    fn writes_move_a_stream_s_l5_off_its_input() {
        // The initial weights write something: L5 leaves the pooled input, and stays a cosine.
        let batch = render(1, 1, &|i| held_out(i as u64).0);
        let t = Model::init(Wiring::Stream, 3).forward(batch.lgn);
        let c = input_carried(&t, 0);
        assert_eq!(c.len(), 4);
        assert!(c.iter().all(|v| (-1.0..=1.0).contains(v)), "{c:?}");
        assert!(c.iter().any(|v| *v < 0.999), "{c:?}");
    }
}
