//! Noise added to or multiplied into a layer's output.
//!
//! - Dropout with rate p: each unit is zeroed with probability p and survivors are scaled by
//!   1/(1 − p) (inverted dropout), so E[output] equals the noise-free output and evaluation
//!   needs no rescaling (Srivastava et al. 2014).
//! - Additive Gaussian noise N(0, s²), and additive uniform noise U(−w/2, w/2) of width w and
//!   standard deviation w/sqrt(12). Either can be kept at evaluation, which makes the layer a
//!   noisy channel rather than a regularizer. A unit with power P under Gaussian noise then
//!   carries at most 0.5 log2(1 + P/s²) bits.

use ndarray::{Array2, Zip};
use rand::Rng;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use super::Mode;
use crate::float::Float;

/// A noise applied elementwise to a layer's output.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Noise {
    Dropout { rate: f64 },
    Gauss { std: f64, at_eval: bool },
    Uniform { width: f64, at_eval: bool },
}

impl Noise {
    /// Returns whether the noise is drawn in `mode`.
    pub fn is_active(self, mode: Mode) -> bool {
        match self {
            Noise::Dropout { rate } => mode == Mode::Train && rate > 0.0,
            Noise::Gauss { at_eval, .. } | Noise::Uniform { at_eval, .. } => {
                mode == Mode::Train || at_eval
            }
        }
    }

    /// Returns the standard deviation of additive noise, or `None` for dropout.
    pub fn additive_std(self) -> Option<f64> {
        match self {
            Noise::Dropout { .. } => None,
            Noise::Gauss { std, .. } => Some(std),
            Noise::Uniform { width, .. } => Some(width / 12f64.sqrt()),
        }
    }

    /// Applies the noise to `h` in place. For dropout, returns the mask of factors 0 or
    /// 1/(1 − p) that the backward pass multiplies into the gradient.
    pub fn apply<F: Float>(
        self,
        h: &mut Array2<F>,
        mode: Mode,
        rng: &mut impl Rng,
    ) -> Option<Array2<F>> {
        if !self.is_active(mode) {
            return None;
        }
        match self {
            Noise::Dropout { rate } => {
                let keep = 1.0 - rate;
                let scale = F::of(1.0 / keep);
                let mask = Array2::from_shape_simple_fn(h.raw_dim(), || {
                    if rng.random::<f64>() < keep {
                        scale
                    } else {
                        F::zero()
                    }
                });
                *h *= &mask;
                Some(mask)
            }
            Noise::Gauss { std, .. } => {
                let std = F::of(std);
                h.iter_mut()
                    .for_each(|v| *v += std * F::of(rng.sample::<f64, _>(StandardNormal)));
                None
            }
            Noise::Uniform { width, .. } => {
                h.iter_mut()
                    .for_each(|v| *v += F::of(width * (rng.random::<f64>() - 0.5)));
                None
            }
        }
    }

    /// Turns dL/d(noisy output) into dL/d(noise-free output) in place.
    pub fn backward<F: Float>(grad: &mut Array2<F>, mask: Option<&Array2<F>>) {
        if let Some(mask) = mask {
            Zip::from(grad).and(mask).for_each(|g, &m| *g *= m);
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;

    #[test]
    fn dropout_keeps_expected_activation() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut h = Array2::from_elem((400, 500), 2.0_f64);
        let mask = Noise::Dropout { rate: 0.3 }
            .apply(&mut h, Mode::Train, &mut rng)
            .unwrap();
        let mean = h.mean().unwrap();
        // Standard error of the mean: 2 * sqrt(p / (1 - p)) / sqrt(200,000) ≈ 0.003.
        assert!((mean - 2.0).abs() < 0.015, "{mean}");
        let dropped = mask.iter().filter(|&&m| m == 0.0).count() as f64 / mask.len() as f64;
        assert!((dropped - 0.3).abs() < 0.005, "{dropped}");
        assert!(h.iter().all(|&v| v == 0.0 || (v - 2.0 / 0.7).abs() < 1e-12));
    }

    #[test]
    fn dropout_is_identity_at_evaluation() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut h = Array2::from_elem((3, 4), 1.5_f64);
        assert!(
            Noise::Dropout { rate: 0.5 }
                .apply(&mut h, Mode::Eval, &mut rng)
                .is_none()
        );
        assert!(h.iter().all(|&v| v == 1.5));
    }

    #[test]
    fn additive_noise_has_its_standard_deviation() {
        let mut rng = ChaCha8Rng::seed_from_u64(6);
        for noise in [
            Noise::Gauss {
                std: 0.5,
                at_eval: false,
            },
            Noise::Uniform {
                width: 2.0,
                at_eval: false,
            },
        ] {
            let mut h = Array2::<f64>::zeros((300, 300));
            noise.apply(&mut h, Mode::Train, &mut rng);
            let std = h.std(0.0);
            let expected = noise.additive_std().unwrap();
            assert!((std / expected - 1.0).abs() < 0.01, "{noise:?}: {std}");
        }
    }

    #[test]
    fn noise_kept_at_evaluation_only_when_asked() {
        let gauss = |at_eval| Noise::Gauss { std: 1.0, at_eval };
        assert!(!gauss(false).is_active(Mode::Eval));
        assert!(gauss(true).is_active(Mode::Eval));
        assert!(gauss(false).is_active(Mode::Train));
    }
}
