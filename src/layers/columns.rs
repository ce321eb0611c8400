//! Columns: an area's L2/3 as side-by-side microcircuits that do not talk to each other (the
//! `columns` variant, `crate::variant`). Each column convolves its own slice of L4's units
//! into its own slice of L2/3's; L4 reads the stream and L5 writes to it as in one station,
//! so each column reads the same stream and adds its own write to it. As a layer, a grouped
//! 3×3 convolution: column c maps channels [c·w, (c+1)·w) to the same range.

use super::conv::Conv3;
use super::Maps;
use ndarray::{s, Array2};

#[derive(Clone, Debug, PartialEq)]
pub struct Columns {
    pub columns: Vec<Conv3>,
}

impl Columns {
    /// `count` columns sharing `units` L4 and L2/3 units equally.
    pub fn zeros(units: usize, count: usize) -> Self {
        assert!(units.is_multiple_of(count), "{units} units do not split into {count} columns");
        Columns { columns: (0..count).map(|_| Conv3::zeros(units / count, units / count)).collect() }
    }

    /// Units per column.
    pub fn width(&self) -> usize {
        self.columns[0].b.len()
    }

    /// Column c's slice of a map with every column's channels.
    pub fn part(&self, x: &Maps, c: usize) -> Maps {
        let w = self.width();
        x.with(x.x.slice(s![.., c * w..(c + 1) * w]).to_owned())
    }

    /// The output before ReLU.
    pub fn forward(&self, x: &Maps) -> Maps {
        self.apply(x, false)
    }

    /// ReLU of the output, fused into each column's kernel.
    pub fn forward_relu(&self, x: &Maps) -> Maps {
        self.apply(x, true)
    }

    fn apply(&self, x: &Maps, relu: bool) -> Maps {
        let w = self.width();
        let mut y = Array2::zeros((x.x.nrows(), w * self.columns.len()));
        for (c, conv) in self.columns.iter().enumerate() {
            let xc = self.part(x, c);
            let yc = if relu { conv.forward_relu(&xc) } else { conv.forward(&xc) };
            y.slice_mut(s![.., c * w..(c + 1) * w]).assign(&yc.x);
        }
        x.with(y)
    }

    /// Given the input `x` of the forward pass, accumulates each column's dK and db into
    /// `grad`; returns dx, column by column.
    pub fn backward(&self, x: &Maps, dy: &Array2<f32>, grad: &mut Columns) -> Maps {
        let w = self.width();
        let mut dx = Array2::zeros(x.x.raw_dim());
        for (c, (conv, g)) in self.columns.iter().zip(&mut grad.columns).enumerate() {
            let cols = s![.., c * w..(c + 1) * w];
            let dxc = conv.backward(&self.part(x, c), &dy.slice(cols).to_owned(), g);
            dx.slice_mut(cols).assign(&dxc.x);
        }
        x.with(dx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use ndarray::Axis;

    fn random(columns: &mut Columns, rng: &mut Rng) {
        for conv in &mut columns.columns {
            conv.k.mapv_inplace(|_| 0.3 * rng.normal());
            conv.b.mapv_inplace(|_| 0.1 * rng.normal());
        }
    }

    #[test]
    fn a_column_sees_only_its_own_units() {
        let mut rng = Rng::new(4);
        let mut cols = Columns::zeros(6, 2);
        random(&mut cols, &mut rng);
        let x = Maps { n: 1, side: 4, x: Array2::from_shape_fn((16, 6), |_| rng.normal()) };
        let y = cols.forward(&x);
        let mut changed = x.clone();
        changed.x.slice_mut(s![.., 3..]).mapv_inplace(|v| v + 1.0);
        let y2 = cols.forward(&changed);
        assert_eq!(y.x.slice(s![.., ..3]), y2.x.slice(s![.., ..3]), "column 0 read column 1's units");
        assert_ne!(y.x.slice(s![.., 3..]), y2.x.slice(s![.., 3..]));
    }

    #[test]
    fn backward_matches_finite_differences() {
        let mut rng = Rng::new(5);
        let mut cols = Columns::zeros(4, 2);
        random(&mut cols, &mut rng);
        let x = Maps { n: 2, side: 3, x: Array2::from_shape_fn((18, 4), |_| rng.normal()) };
        let dy = Array2::from_shape_fn((18, 4), |_| rng.normal());
        let loss = |c: &Columns, x: &Maps| (&c.forward(x).x * &dy).sum() as f64;
        let mut grad = Columns::zeros(4, 2);
        let dx = cols.backward(&x, &dy, &mut grad);
        let h = 1e-2;
        for i in [0, 5, 17, 40, 71] {
            let (mut up, mut down) = (x.clone(), x.clone());
            let (r, c) = (i / 4, i % 4);
            up.x[[r, c]] += h;
            down.x[[r, c]] -= h;
            let want = (loss(&cols, &up) - loss(&cols, &down)) / (2.0 * h as f64);
            assert!((dx.x[[r, c]] as f64 - want).abs() < 1e-2, "dx[{r},{c}] {} against {want}", dx.x[[r, c]]);
        }
        for col in 0..2 {
            for i in [0, 7, 35] {
                let (mut up, mut down) = (cols.clone(), cols.clone());
                let (r, c) = (i / 2, i % 2);
                up.columns[col].k[[r, c]] += h;
                down.columns[col].k[[r, c]] -= h;
                let want = (loss(&up, &x) - loss(&down, &x)) / (2.0 * h as f64);
                let got = grad.columns[col].k[[r, c]] as f64;
                assert!((got - want).abs() < 1e-2, "column {col} dK[{r},{c}] {got} against {want}");
            }
            let want = dy.slice(s![.., 2 * col..2 * col + 2]).sum_axis(Axis(0));
            assert!(grad.columns[col].b.iter().zip(&want).all(|(g, w)| (g - w).abs() < 1e-4));
        }
    }
}
