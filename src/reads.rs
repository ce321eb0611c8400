//! What each reader reads of each writer, from the weights alone (Elhage et al. 2021): the
//! virtual weight W_out · W_in between a writer (the thalamic embedding, then V1..IT's L5)
//! and a reader (V1..IT's L4, then the category head), whatever lies between. The viewer's
//! read-from bars and the VW experiment both measure it here.

use crate::model::Model;
use crate::wiring::reaches;
use ndarray::{Array2, ArrayView2};

fn frob(a: ArrayView2<f32>) -> f32 {
    a.iter().map(|v| v * v).sum::<f32>().sqrt()
}

/// Writers: embedding, V1..IT (their write matrices, in × d).
pub fn writers(m: &Model) -> Vec<Array2<f32>> {
    let mut w = vec![m.embed.w.clone()];
    w.extend(m.stations.iter().map(|s| s.write_matrix()));
    w
}

/// Readers: V1..IT (their read matrices, d × m), then the category head.
pub fn readers(m: &Model) -> Vec<Array2<f32>> {
    let mut r: Vec<Array2<f32>> = m.stations.iter().map(|s| s.read.w.clone()).collect();
    r.push(m.category.w.clone());
    r
}

/// ‖W_write · W_read‖ / (‖W_write‖ ‖W_read‖): how much of the writer's output the reader's
/// input directions take in, independent of either matrix's scale.
pub fn strength(w: &Array2<f32>, r: &Array2<f32>) -> f32 {
    frob(w.dot(r).view()) / (frob(w.view()) * frob(r.view())).max(1e-12)
}

/// strength[reader][writer] for writers that come before the reader (writer ≤ reader); None
/// otherwise.
pub fn strengths(ws: &[Array2<f32>], rs: &[Array2<f32>]) -> Vec<Vec<Option<f32>>> {
    rs.iter()
        .enumerate()
        .map(|(j, r)| ws.iter().enumerate().map(|(k, w)| (k <= j).then(|| strength(w, r))).collect())
        .collect()
}

/// [`strengths`] of a model's own writers and readers.
pub fn matrix(m: &Model) -> Vec<Vec<Option<f32>>> {
    strengths(&writers(m), &readers(m))
}

/// How strongly reader `reader` reads each writer up to it (thalamic input, V1, …), 0 for
/// a writer whose output the wiring never brings to it.
pub fn reads_from(m: &Model, reader: usize) -> Vec<f32> {
    let strength = &matrix(m)[reader];
    (0..=reader).map(|w| if reaches(m.wiring, w, reader) { strength[w].unwrap_or(0.0) } else { 0.0 }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::Wiring;

    #[test]
    fn a_hierarchy_station_reads_only_the_writer_below_and_a_stream_station_reads_all() {
        for reader in 0..5 {
            let h = reads_from(&Model::init(Wiring::Hierarchy, 3), reader);
            let s = reads_from(&Model::init(Wiring::Stream, 3), reader);
            assert_eq!(h.len(), reader + 1);
            for w in 0..reader {
                assert_eq!(h[w], 0.0, "the hierarchy's reader {reader} never sees writer {w}");
                assert!(s[w] > 0.0, "the stream's reader {reader} sees writer {w}");
            }
            assert!(h[reader] > 0.0 && s[reader] > 0.0);
        }
    }

    #[test]
    fn strength_ignores_scale_and_is_one_for_a_matrix_read_by_its_transpose_of_rank_one() {
        let w = Array2::from_shape_vec((1, 3), vec![1.0, 2.0, 2.0]).unwrap();
        let r = w.t().to_owned();
        assert!((strength(&w, &r) - 1.0).abs() < 1e-6);
        assert!((strength(&(&w * 5.0), &r) - 1.0).abs() < 1e-6);
    }
}
