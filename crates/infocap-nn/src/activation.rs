//! Elementwise activation functions and their derivatives.
//!
//! `sign` binarizes a unit to ±1 and passes gradients straight through where the input lies in
//! [-1, 1] (the hard-tanh derivative), as in binarized neural networks (Hubara et al. 2016,
//! "Binarized Neural Networks", eq. 4). sign(0) is +1, so every output is exactly ±1.

use std::fmt;
use std::str::FromStr;

use ndarray::{Array2, ArrayView2, Zip};
use serde::{Deserialize, Serialize};

use crate::error::NnError;
use crate::float::Float;

/// An elementwise nonlinearity applied after a dense layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    Relu,
    Tanh,
    Sigmoid,
    HardTanh,
    Identity,
    /// ±1 with a straight-through gradient.
    Sign,
}

impl Activation {
    /// The names accepted by [`Activation::from_str`].
    pub const NAMES: [&'static str; 6] =
        ["relu", "tanh", "sigmoid", "hard-tanh", "identity", "sign"];

    /// Returns the name used on the command line and in tables.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::HardTanh => "hard-tanh",
            Activation::Identity => "identity",
            Activation::Sign => "sign",
        }
    }

    /// Returns whether every output lies in [-1, 1], so that its power is at most 1.
    pub fn is_bounded(self) -> bool {
        matches!(
            self,
            Activation::Tanh | Activation::Sigmoid | Activation::HardTanh | Activation::Sign
        )
    }

    /// Returns f(z) for one value.
    pub fn apply_one<F: Float>(self, z: F) -> F {
        let one = F::one();
        match self {
            Activation::Relu => z.max(F::zero()),
            Activation::Tanh => z.tanh_fast(),
            Activation::Sigmoid => one / (one + (-z).exp()),
            Activation::HardTanh => z.max(-one).min(one),
            Activation::Identity => z,
            Activation::Sign => {
                if z >= F::zero() {
                    one
                } else {
                    -one
                }
            }
        }
    }

    /// Returns f'(z) given the input z and the output a = f(z); for `sign` the
    /// straight-through estimate 1{|z| ≤ 1}.
    pub fn derivative_one<F: Float>(self, z: F, a: F) -> F {
        let one = F::one();
        match self {
            Activation::Relu => {
                if z > F::zero() {
                    one
                } else {
                    F::zero()
                }
            }
            Activation::Tanh => one - a * a,
            Activation::Sigmoid => a * (one - a),
            Activation::HardTanh => {
                if z > -one && z < one {
                    one
                } else {
                    F::zero()
                }
            }
            Activation::Identity => one,
            Activation::Sign => {
                if z.abs() <= one {
                    one
                } else {
                    F::zero()
                }
            }
        }
    }

    /// Returns whether [`Activation::derivative_one`] needs the input z besides the output.
    pub fn derivative_needs_input(self) -> bool {
        matches!(self, Activation::HardTanh | Activation::Sign)
    }

    /// Applies the activation to every element of `z` in place.
    pub fn apply_in_place<F: Float>(self, z: &mut Array2<F>) {
        // One loop per activation, so that the match is not evaluated per element.
        match self {
            Activation::Identity => {}
            Activation::Relu => z.mapv_inplace(|v| Activation::Relu.apply_one(v)),
            Activation::Tanh => z.mapv_inplace(|v| Activation::Tanh.apply_one(v)),
            Activation::Sigmoid => z.mapv_inplace(|v| Activation::Sigmoid.apply_one(v)),
            Activation::HardTanh => z.mapv_inplace(|v| Activation::HardTanh.apply_one(v)),
            Activation::Sign => z.mapv_inplace(|v| Activation::Sign.apply_one(v)),
        }
    }

    /// Multiplies `grad` by f'(z) elementwise, turning dL/da into dL/dz.
    pub fn backward_in_place<F: Float>(
        self,
        grad: &mut Array2<F>,
        z: ArrayView2<F>,
        a: ArrayView2<F>,
    ) {
        let zip = Zip::from(grad).and(z).and(a);
        match self {
            Activation::Identity => {}
            Activation::Relu => {
                zip.for_each(|g, &z, &a| *g *= Activation::Relu.derivative_one(z, a))
            }
            Activation::Tanh => {
                zip.for_each(|g, &z, &a| *g *= Activation::Tanh.derivative_one(z, a))
            }
            Activation::Sigmoid => {
                zip.for_each(|g, &z, &a| *g *= Activation::Sigmoid.derivative_one(z, a))
            }
            Activation::HardTanh => {
                zip.for_each(|g, &z, &a| *g *= Activation::HardTanh.derivative_one(z, a))
            }
            Activation::Sign => {
                zip.for_each(|g, &z, &a| *g *= Activation::Sign.derivative_one(z, a))
            }
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Activation {
    type Err = NnError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let lower = name.trim().to_lowercase();
        Activation::NAMES
            .iter()
            .position(|&n| n == lower || (lower == "hardtanh" && n == "hard-tanh"))
            .map(|i| {
                [
                    Activation::Relu,
                    Activation::Tanh,
                    Activation::Sigmoid,
                    Activation::HardTanh,
                    Activation::Identity,
                    Activation::Sign,
                ][i]
            })
            .ok_or_else(|| NnError::unknown("activation", name, &Activation::NAMES))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_match_finite_differences() {
        let h = 1e-6;
        for activation in [
            Activation::Relu,
            Activation::Tanh,
            Activation::Sigmoid,
            Activation::HardTanh,
            Activation::Identity,
        ] {
            for z in [-2.3_f64, -0.7, 0.4, 0.9, 1.8] {
                let numeric =
                    (activation.apply_one(z + h) - activation.apply_one(z - h)) / (2.0 * h);
                let analytic = activation.derivative_one(z, activation.apply_one(z));
                assert!(
                    (numeric - analytic).abs() < 1e-8,
                    "{activation} at {z}: {numeric} vs {analytic}"
                );
            }
        }
    }

    #[test]
    fn sign_outputs_plus_minus_one() {
        for z in [-3.0_f64, -1e-9, 0.0, 1e-9, 5.0] {
            assert_eq!(Activation::Sign.apply_one(z).abs(), 1.0);
        }
        assert_eq!(Activation::Sign.apply_one(0.0_f64), 1.0);
    }

    #[test]
    fn sign_gradient_is_straight_through_inside_unit_interval() {
        assert_eq!(Activation::Sign.derivative_one(0.5_f64, 1.0), 1.0);
        assert_eq!(Activation::Sign.derivative_one(-1.0_f64, -1.0), 1.0);
        assert_eq!(Activation::Sign.derivative_one(1.5_f64, 1.0), 0.0);
    }

    #[test]
    fn names_round_trip() {
        for name in Activation::NAMES {
            assert_eq!(name.parse::<Activation>().unwrap().name(), name);
        }
        let error = "tahn".parse::<Activation>().unwrap_err().to_string();
        assert!(error.contains("did you mean `tanh`"), "{error}");
    }
}
