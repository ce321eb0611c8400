//! The dendritic gated 3×3 convolution of the gated variant (Sezener et al.
//! 2021, dendritic gated networks). Each output unit owns `B` kernels; fixed
//! random hyperplanes over the side information `z` (global statistics of the
//! LGN input, one row per image) select exactly one of them, as Sezener et
//! al.'s gating selects one weight set per context:
//!
//!   K_eff(u, z) = K_b*(u),  b* = argmax_b g_bu · z,   bias likewise.
//!
//! With two kernels this is halfspace gating on the hyperplane g_0u − g_1u.
//! The gates are not learned. Since `z` is one vector per image, the
//! effective kernel is formed once per image and then applied as an ordinary
//! convolution, so the cost is that of one kernel, not of `B`.

use super::conv::{col2im_add, im2col_images, Conv3, DIRECT, TAPS};
use super::{direct, Maps};
use ndarray::{s, Array2, Array3, Axis};

#[derive(Clone, Debug, PartialEq)]
pub struct GatedConv3 {
    pub banks: Vec<Conv3>,
    /// banks × outputs × side-information width.
    pub gates: Array3<f32>,
}

impl GatedConv3 {
    pub fn zeros(inputs: usize, outputs: usize, banks: usize, side_info: usize) -> Self {
        GatedConv3 {
            banks: (0..banks).map(|_| Conv3::zeros(inputs, outputs)).collect(),
            gates: Array3::zeros((banks, outputs, side_info)),
        }
    }

    /// Which kernel each unit uses for one image: banks × outputs, one 1 per
    /// column (the bank whose gate scores `z` highest; ties go to the first).
    pub fn open(&self, z: ndarray::ArrayView1<f32>) -> Array2<f32> {
        let (nb, no, _) = self.gates.dim();
        let mut open = Array2::zeros((nb, no));
        for u in 0..no {
            let score = |b: usize| self.gates.slice(s![b, u, ..]).dot(&z);
            let best = (1..nb).fold(0, |best, b| if score(b) > score(best) { b } else { best });
            open[[best, u]] = 1.0;
        }
        open
    }

    /// The kernel and bias a unit actually uses for side information `z`.
    pub fn effective(&self, z: ndarray::ArrayView1<f32>) -> Conv3 {
        let open = self.open(z);
        let mut eff = Conv3::zeros(self.banks[0].k.nrows() / TAPS, self.banks[0].b.len());
        for (b, bank) in self.banks.iter().enumerate() {
            let g = open.row(b);
            eff.k += &(&bank.k * &g);
            eff.b += &(&bank.b * &g);
        }
        eff
    }

    /// The output before ReLU: each image convolved with its own effective
    /// kernel (directly in the wasm build, as in [`Conv3`]).
    pub fn forward(&self, x: &Maps, z: &Array2<f32>) -> Maps {
        let p = x.pixels();
        let cout = self.banks[0].b.len();
        let mut y = Array2::zeros((x.x.nrows(), cout));
        if DIRECT {
            let (xs, ys) = (x.x.as_slice().expect("contiguous"), y.as_slice_mut().expect("fresh array"));
            let cin = x.channels();
            for i in 0..x.n {
                let eff = self.effective(z.row(i));
                direct::conv3(
                    &xs[i * p * cin..(i + 1) * p * cin],
                    1,
                    x.side,
                    cin,
                    eff.k.as_slice().expect("contiguous"),
                    eff.b.as_slice().expect("contiguous"),
                    &mut ys[i * p * cout..(i + 1) * p * cout],
                    false,
                );
            }
        } else {
            for i in 0..x.n {
                let eff = self.effective(z.row(i));
                let mut out = im2col_images(x, i..i + 1).dot(&eff.k);
                out += &eff.b;
                y.slice_mut(s![i * p..(i + 1) * p, ..]).assign(&out);
            }
        }
        x.with(y)
    }

    /// Given the input `x` of the forward pass, accumulates each bank's
    /// gradient (masked by its gates) into `grad`; returns dx.
    /// One image at a time, each unfolded alone (a whole batch unfolded at V1 is 38 MB).
    pub fn backward(&self, x: &Maps, z: &Array2<f32>, dy: &Array2<f32>, grad: &mut GatedConv3) -> Maps {
        let (p, c) = (x.pixels(), x.channels());
        let mut dx = Maps::zeros(x.n, x.side, c);
        let dxs = dx.x.as_slice_mut().expect("fresh array");
        for i in 0..x.n {
            let open = self.open(z.row(i));
            let eff = self.effective(z.row(i));
            let dyi = dy.slice(s![i * p..(i + 1) * p, ..]);
            let dk = im2col_images(x, i..i + 1).t().dot(&dyi);
            let db = dyi.sum_axis(Axis(0));
            for (b, g) in grad.banks.iter_mut().enumerate() {
                let gate = open.row(b);
                g.k += &(&dk * &gate);
                g.b += &(&db * &gate);
            }
            col2im_add(&dyi.dot(&eff.k.t()), x.side, &mut dxs[i * p * c..(i + 1) * p * c]);
        }
        dx
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::check_gradient;
    use crate::rng::Rng;

    fn gated(rng: &mut Rng) -> GatedConv3 {
        let mut g = GatedConv3::zeros(2, 3, 3, 4);
        for bank in &mut g.banks {
            bank.k.mapv_inplace(|_| rng.normal());
            bank.b.mapv_inplace(|_| rng.normal());
        }
        g.gates.mapv_inplace(|_| rng.normal());
        g
    }

    #[test]
    fn different_side_information_gives_different_kernels() {
        let mut rng = Rng::new(21);
        let g = gated(&mut rng);
        let mut kernels = std::collections::HashSet::new();
        for _ in 0..20 {
            let z = ndarray::Array1::from_shape_fn(4, |_| rng.normal());
            let eff = g.effective(z.view());
            kernels.insert(eff.k.iter().map(|v| (v * 1e4) as i64).collect::<Vec<_>>());
        }
        assert!(kernels.len() > 3, "gates should pick different kernels: {}", kernels.len());
    }

    #[test]
    fn forward_uses_exactly_the_one_kernel_its_gate_selects() {
        let mut rng = Rng::new(22);
        let mut g = gated(&mut rng);
        g.gates.fill(0.0);
        // Bank 1 scores highest for every unit on z = e_0.
        g.gates.slice_mut(s![1, .., 0]).fill(1.0);
        let x = Maps { n: 2, side: 3, x: Array2::from_shape_fn((18, 2), |_| rng.normal()) };
        let z = Array2::from_shape_fn((2, 4), |(_, j)| if j == 0 { 1.0 } else { 0.0 });
        let open = g.open(z.row(0));
        assert_eq!(open.sum_axis(Axis(0)).to_vec(), vec![1.0; 3], "one kernel per unit");
        let y = g.forward(&x, &z);
        let want = g.banks[1].forward(&x).x;
        for (a, b) in y.x.iter().zip(want.iter()) {
            assert!((a - b).abs() < 1e-4);
        }
    }

    #[test]
    fn gradients_match_finite_differences() {
        let mut rng = Rng::new(23);
        let g = gated(&mut rng);
        let x = Maps { n: 2, side: 3, x: Array2::from_shape_fn((18, 2), |_| rng.normal()) };
        let z = Array2::from_shape_fn((2, 4), |_| rng.normal());
        let t = Array2::from_shape_fn((18, 3), |_| rng.normal());
        let loss = |g: &GatedConv3, x: &Maps| -> f64 { (g.forward(x, &z).x * &t).iter().map(|&v| v as f64).sum() };
        let mut grad = g.clone();
        for b in &mut grad.banks {
            b.k.fill(0.0);
            b.b.fill(0.0);
        }
        let dx = g.backward(&x, &z, &t, &mut grad);
        for bank in 0..3 {
            let mut k = g.banks[bank].k.clone();
            check_gradient(
                k.as_slice_mut().unwrap(),
                grad.banks[bank].k.as_slice().unwrap(),
                |p| {
                    let mut h = g.clone();
                    h.banks[bank].k.as_slice_mut().unwrap().copy_from_slice(p);
                    loss(&h, &x)
                },
                "dK_b",
            );
        }
        let mut xs = x.x.clone();
        check_gradient(
            xs.as_slice_mut().unwrap(),
            dx.x.as_slice().unwrap(),
            |p| loss(&g, &x.with(Array2::from_shape_vec((18, 2), p.to_vec()).unwrap())),
            "dx",
        );
    }
}
