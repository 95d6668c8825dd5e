//! Fully connected layer z = x W + b, with optional binarized weights.
//!
//! Binarized weights (BinaryConnect, Courbariaux et al. 2015) use sign(W)/sqrt(fan_in) in the
//! forward pass, keeping real-valued latent weights W for the updates. The gradient reaches W
//! straight through, cancelled where |W| > 1, and [`Dense::clip_latent`] keeps W in [-1, 1].
//! The 1/sqrt(fan_in) scale keeps pre-activations of order 1.

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, Axis, Zip};

use super::Param;
use crate::float::Float;

/// A dense layer from `fan_in` to `fan_out` units.
#[derive(Debug, Clone)]
pub struct Dense<F> {
    pub weight: Param<F>,
    pub bias: Param<F>,
    /// Whether the forward pass uses sign(W)/sqrt(fan_in).
    pub binary: bool,
    input: Array2<F>,
    binarized: Array2<F>,
}

impl<F: Float> Dense<F> {
    /// Creates a layer from a (fan_in, fan_out) weight matrix and a (1, fan_out) bias row.
    pub fn new(weight: Array2<F>, bias: Array2<F>, binary: bool) -> Self {
        assert_eq!(bias.dim(), (1, weight.ncols()), "bias must be one row");
        Dense {
            weight: Param::new(weight, true),
            bias: Param::new(bias, false),
            binary,
            input: Array2::zeros((0, 0)),
            binarized: Array2::zeros((0, 0)),
        }
    }

    /// Returns the number of inputs.
    pub fn fan_in(&self) -> usize {
        self.weight.value.nrows()
    }

    /// Returns the number of outputs.
    pub fn fan_out(&self) -> usize {
        self.weight.value.ncols()
    }

    /// Returns the weights the forward pass uses.
    pub fn effective_weight(&self) -> Array2<F> {
        if self.binary {
            binarize(&self.weight.value)
        } else {
            self.weight.value.clone()
        }
    }

    /// Computes x W + b and keeps x for the backward pass.
    pub fn forward(&mut self, x: Array2<F>) -> Array2<F> {
        let mut z = Array2::zeros((x.nrows(), self.fan_out()));
        z += &self.bias.value;
        if self.binary {
            self.binarized = binarize(&self.weight.value);
            general_mat_mul(F::one(), &x, &self.binarized, F::one(), &mut z);
        } else {
            general_mat_mul(F::one(), &x, &self.weight.value, F::one(), &mut z);
        }
        self.input = x;
        z
    }

    /// Returns the input of the last forward pass.
    pub fn input(&self) -> &Array2<F> {
        &self.input
    }

    /// Sets the parameter gradients from dL/dz and returns dL/dx (when `need_input_grad`).
    pub fn backward(&mut self, dz: &Array2<F>, need_input_grad: bool) -> Option<Array2<F>> {
        general_mat_mul(
            F::one(),
            &self.input.t(),
            dz,
            F::zero(),
            &mut self.weight.grad,
        );
        self.bias.grad = dz.sum_axis(Axis(0)).insert_axis(Axis(0));
        if self.binary {
            let scale = F::one() / F::of(self.fan_in() as f64).sqrt();
            Zip::from(&mut self.weight.grad)
                .and(&self.weight.value)
                .for_each(|g, &w| {
                    *g = if w.abs() <= F::one() {
                        *g * scale
                    } else {
                        F::zero()
                    }
                });
        }
        need_input_grad.then(|| {
            let weight = if self.binary {
                &self.binarized
            } else {
                &self.weight.value
            };
            let mut dx = Array2::zeros((dz.nrows(), self.fan_in()));
            general_mat_mul(F::one(), dz, &weight.t(), F::zero(), &mut dx);
            dx
        })
    }

    /// Clips binarized layers' latent weights to [-1, 1] after an update.
    pub fn clip_latent(&mut self) {
        if self.binary {
            let one = F::one();
            self.weight.value.mapv_inplace(|w| w.max(-one).min(one));
        }
    }
}

/// Returns sign(W)/sqrt(fan_in), with sign(0) = +1.
fn binarize<F: Float>(weight: &Array2<F>) -> Array2<F> {
    let scale = F::one() / F::of(weight.nrows() as f64).sqrt();
    weight.mapv(|w| if w >= F::zero() { scale } else { -scale })
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn forward_is_affine() {
        let mut layer = Dense::new(array![[1.0, 2.0], [3.0, 4.0]], array![[0.5, -0.5]], false);
        let z = layer.forward(array![[1.0, 1.0], [0.0, 2.0]]);
        assert_eq!(z, array![[4.5, 5.5], [6.5, 7.5]]);
    }

    #[test]
    fn binary_weights_are_scaled_signs() {
        let mut layer = Dense::new(
            array![[0.3, -0.2], [-0.9, 0.0], [0.1, 0.4], [-0.5, 0.7]],
            array![[0.0, 0.0]],
            true,
        );
        let used = layer.effective_weight();
        assert!(used.iter().all(|&w: &f64| (w.abs() - 0.5).abs() < 1e-15));
        let z = layer.forward(array![[1.0, 0.0, 0.0, 0.0]]);
        assert_eq!(z, array![[0.5, -0.5]]);
    }

    #[test]
    fn binary_weight_gradient_is_straight_through() {
        // Latent weights beyond ±1 get no gradient; the rest get x^T dz / sqrt(fan_in).
        let mut layer = Dense::new(array![[0.5], [1.5], [-0.2], [-3.0]], array![[0.0]], true);
        layer.forward(array![[1.0, 2.0, 3.0, 4.0]]);
        layer.backward(&array![[2.0]], false);
        assert_eq!(layer.weight.grad, array![[1.0], [0.0], [3.0], [0.0]]);
        layer.clip_latent();
        assert_eq!(layer.weight.value, array![[0.5], [1.0], [-0.2], [-1.0]]);
    }
}
