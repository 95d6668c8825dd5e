//! The floating-point element type of the trainer.
//!
//! Training runs in `f32` by default, as the PyTorch baseline does. Gradient checks run the same
//! code in `f64`, where central finite differences reach a relative error near 1e-9.

use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

use ndarray::{LinalgScalar, ScalarOperand};

/// A float that ndarray can multiply with its fast matrix kernels: `f32` or `f64`.
pub trait Float:
    num_traits::Float
    + LinalgScalar
    + ScalarOperand
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
    + Default
    + Debug
    + Display
    + Send
    + Sync
    + 'static
{
    /// Converts from `f64`, rounding to the nearest value for `f32`.
    fn of(value: f64) -> Self;

    /// Converts to `f64` exactly.
    fn as_f64(self) -> f64;

    /// Returns tanh(self). The `f32` version computes one `f64` exponential, which is several
    /// times faster than glibc's `tanhf` and within one `f32` rounding of the exact value (see
    /// the test below). The `f64` version is libm's `tanh`.
    fn tanh_fast(self) -> Self;
}

impl Float for f32 {
    fn of(value: f64) -> Self {
        value as f32
    }

    fn as_f64(self) -> f64 {
        f64::from(self)
    }

    fn tanh_fast(self) -> Self {
        let x = f64::from(self);
        // Below 1e-4 the cubic term x³/3 is under one f32 rounding of x.
        if x.abs() < 1e-4 {
            return self;
        }
        // tanh saturates to ±1 in f32 beyond |x| ≈ 9, well before exp overflows.
        let e = (2.0 * x.clamp(-20.0, 20.0)).exp();
        ((e - 1.0) / (e + 1.0)) as f32
    }
}

impl Float for f64 {
    fn of(value: f64) -> Self {
        value
    }

    fn as_f64(self) -> f64 {
        self
    }

    fn tanh_fast(self) -> Self {
        self.tanh()
    }
}

#[cfg(test)]
mod tests {
    use super::Float;

    #[test]
    fn fast_tanh_is_within_one_rounding() {
        for i in -3000..=3000 {
            let x = i as f32 * 0.004 + 0.0001;
            let exact = f64::from(x).tanh();
            let fast = f64::from(x.tanh_fast());
            let ulp = f64::from(f32::EPSILON) * exact.abs().max(f64::from(f32::MIN_POSITIVE));
            assert!(
                (fast - exact).abs() <= ulp,
                "tanh({x}) = {fast}, exact {exact}"
            );
        }
    }
}
