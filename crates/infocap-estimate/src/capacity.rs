//! Capacity ceilings in bits: per unit for each noise source, per layer, for a VAE latent code,
//! and the bits a network memorized when it fits random labels.
//!
//! Per unit (Cover and Thomas 2006, "Elements of Information Theory", ch. 7 and 9):
//! - Gaussian noise of std s on a unit of power P: C = ½ log₂(1 + P/s²).
//! - Uniform noise of width w on a signal confined to a range of width A: h(Y) ≤ log₂(A + w)
//!   and h(Y|X) = log₂ w, so C ≤ log₂(1 + A/w), attained when A/w is an integer (inputs spaced
//!   w apart make Y uniform).
//! - A binary unit: 1 bit. A float32 unit: at most 32 bits.
//! - Dropout with keep probability q on a unit of capacity c is an erasure channel: q·c.
//!
//! A layer carries at most min(Σ unit capacities, H(X), log₂ N) bits about N inputs.
//!
//! VAE rate per latent unit: KL(N(μ, σ²) ‖ N(0, 1)) = ½ (μ² + σ² − ln σ² − 1) nats, averaged
//! over inputs; the sum over units bounds I(X;Z) from above (Alemi et al. 2017, "Deep
//! variational information bottleneck").
//!
//! Memorized bits of a fit to N labels drawn uniformly from C classes, independent of the
//! inputs: N log₂ C − Σᵢ CEᵢ, with CEᵢ the cross-entropy of sample i in bits, floored at 0.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::error::{EstimateError, Result};
use crate::estimate::nats_to_bits;
use crate::input;

/// Bits a float32 value can hold.
pub const FLOAT32_BITS: f64 = 32.0;

/// The noise model of one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum UnitChannel {
    /// Additive Gaussian noise of std `noise_std` on a signal of mean power `power`.
    Gaussian { power: f64, noise_std: f64 },
    /// Additive uniform noise of width `width` on a signal in a range of width `range`.
    UniformNoise { range: f64, width: f64 },
    /// A unit with two output values.
    Binary,
    /// A noiseless float32 unit.
    Float32,
    /// Dropout with keep probability `keep` in front of another channel.
    Dropout { keep: f64, inner: Box<UnitChannel> },
}

impl UnitChannel {
    /// Returns the capacity of the unit in bits.
    ///
    /// # Errors
    /// A negative power, non-positive noise std or width, or a keep probability outside [0, 1].
    pub fn capacity_bits(&self) -> Result<f64> {
        match self {
            UnitChannel::Gaussian { power, noise_std } => {
                gaussian_capacity_bits(*power, *noise_std)
            }
            UnitChannel::UniformNoise { range, width } => {
                uniform_noise_capacity_bits(*range, *width)
            }
            UnitChannel::Binary => Ok(1.0),
            UnitChannel::Float32 => Ok(FLOAT32_BITS),
            UnitChannel::Dropout { keep, inner } => {
                dropout_capacity_bits(*keep, inner.capacity_bits()?)
            }
        }
    }
}

/// Returns ½ log₂(1 + P/s²), the capacity of a Gaussian channel with signal power P.
///
/// # Errors
/// P negative or not finite; s not positive and finite.
pub fn gaussian_capacity_bits(power: f64, noise_std: f64) -> Result<f64> {
    if !(power.is_finite() && power >= 0.0) {
        return Err(EstimateError::invalid(
            "power",
            power,
            "use a finite power >= 0",
        ));
    }
    if !(noise_std.is_finite() && noise_std > 0.0) {
        return Err(EstimateError::invalid(
            "noise_std",
            noise_std,
            "use a positive, finite noise standard deviation",
        ));
    }
    Ok(0.5 * (power / (noise_std * noise_std)).ln_1p() / std::f64::consts::LN_2)
}

/// Returns log₂(1 + A/w), the capacity bound of uniform noise of width w on a signal range A.
///
/// # Errors
/// A negative or non-finite range; a width that is not positive and finite.
pub fn uniform_noise_capacity_bits(range: f64, width: f64) -> Result<f64> {
    if !(range.is_finite() && range >= 0.0) {
        return Err(EstimateError::invalid(
            "range",
            range,
            "use a finite signal range >= 0",
        ));
    }
    if !(width.is_finite() && width > 0.0) {
        return Err(EstimateError::invalid(
            "width",
            width,
            "use a positive, finite noise width",
        ));
    }
    Ok((range / width).ln_1p() / std::f64::consts::LN_2)
}

/// Returns q·c, the capacity of an erasure channel that keeps a unit of capacity c with
/// probability q.
///
/// # Errors
/// q outside [0, 1]; c negative or not finite.
pub fn dropout_capacity_bits(keep: f64, unit_bits: f64) -> Result<f64> {
    if !(0.0..=1.0).contains(&keep) {
        return Err(EstimateError::invalid(
            "keep",
            keep,
            "use a keep probability in [0, 1] (1 - dropout rate)",
        ));
    }
    if !(unit_bits.is_finite() && unit_bits >= 0.0) {
        return Err(EstimateError::invalid(
            "unit_bits",
            unit_bits,
            "use a finite capacity >= 0",
        ));
    }
    Ok(keep * unit_bits)
}

/// The term that limits a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// The sum of unit capacities.
    Units,
    /// The entropy of the input.
    InputEntropy,
    /// log₂ N: N samples carry at most log₂ N bits about which sample is which.
    SampleSize,
}

/// The most bits a layer can carry about its input, and the terms behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LayerCeiling {
    /// min(`units_bits`, `input_entropy_bits`, `sample_bits`).
    pub bits: f64,
    pub units_bits: f64,
    pub input_entropy_bits: f64,
    pub sample_bits: f64,
    pub limited_by: Limit,
}

/// Returns min(Σ unit capacities, H(X), log₂ N) in bits.
///
/// # Errors
/// A negative or non-finite capacity or entropy, or N = 0.
pub fn layer_ceiling(
    unit_capacities_bits: &[f64],
    h_x_bits: f64,
    n: usize,
) -> Result<LayerCeiling> {
    if let Some(&bad) = unit_capacities_bits
        .iter()
        .find(|c| !(c.is_finite() && **c >= 0.0))
    {
        return Err(EstimateError::invalid(
            "unit_capacities_bits",
            bad,
            "use finite capacities >= 0",
        ));
    }
    if !(h_x_bits.is_finite() && h_x_bits >= 0.0) {
        return Err(EstimateError::invalid(
            "h_x_bits",
            h_x_bits,
            "use a finite entropy >= 0",
        ));
    }
    if n == 0 {
        return Err(EstimateError::invalid("n", n, "use at least one sample"));
    }
    let units_bits: f64 = unit_capacities_bits.iter().sum();
    let sample_bits = (n as f64).log2();
    let (bits, limited_by) = [
        (units_bits, Limit::Units),
        (h_x_bits, Limit::InputEntropy),
        (sample_bits, Limit::SampleSize),
    ]
    .into_iter()
    .min_by(|a, b| a.0.total_cmp(&b.0))
    .expect("three candidates");
    Ok(LayerCeiling {
        bits,
        units_bits,
        input_entropy_bits: h_x_bits,
        sample_bits,
        limited_by,
    })
}

/// Returns the VAE rate of each latent unit in bits: the mean over rows of
/// ½ (μ² + σ² − ln σ² − 1) / ln 2, with `logvar` = ln σ².
///
/// # Errors
/// Shapes that differ, empty arrays, or non-finite values.
pub fn vae_rate_bits(mu: ArrayView2<f64>, logvar: ArrayView2<f64>) -> Result<Vec<f64>> {
    input::check_one(mu, "mu")?;
    input::check_one(logvar, "logvar")?;
    if mu.dim() != logvar.dim() {
        return Err(EstimateError::invalid(
            "logvar",
            format!("{:?}", logvar.dim()),
            &format!(
                "pass one log-variance per mean: mu has shape {:?}",
                mu.dim()
            ),
        ));
    }
    let n = mu.nrows() as f64;
    Ok(mu
        .columns()
        .into_iter()
        .zip(logvar.columns())
        .map(|(m, lv)| {
            let nats: f64 = m
                .iter()
                .zip(lv.iter())
                .map(|(&m, &lv)| 0.5 * (m * m + lv.exp() - lv - 1.0))
                .sum();
            nats_to_bits(nats / n)
        })
        .collect())
}

/// Returns the bits memorized by a fit to random labels: N log₂ C − Σ CEᵢ, floored at 0, with
/// `per_sample_ce_bits` the cross-entropy of each of the N samples in bits.
///
/// # Errors
/// No samples, fewer than 2 classes, or a negative or non-finite cross-entropy.
pub fn memorized_bits(per_sample_ce_bits: &[f64], n_classes: usize) -> Result<f64> {
    if per_sample_ce_bits.is_empty() {
        return Err(EstimateError::invalid(
            "per_sample_ce_bits",
            "[]",
            "pass one cross-entropy per training sample",
        ));
    }
    if n_classes < 2 {
        return Err(EstimateError::invalid(
            "n_classes",
            n_classes,
            "use at least 2 classes",
        ));
    }
    if let Some(&bad) = per_sample_ce_bits
        .iter()
        .find(|c| !(c.is_finite() && **c >= 0.0))
    {
        return Err(EstimateError::invalid(
            "per_sample_ce_bits",
            bad,
            "cross-entropies are finite and >= 0",
        ));
    }
    let stored = per_sample_ce_bits.len() as f64 * (n_classes as f64).log2();
    let remaining: f64 = per_sample_ce_bits.iter().sum();
    Ok((stored - remaining).max(0.0))
}

/// Returns memorized bits per trainable parameter.
///
/// # Errors
/// Zero parameters.
pub fn bits_per_parameter(bits: f64, n_parameters: usize) -> Result<f64> {
    if n_parameters == 0 {
        return Err(EstimateError::invalid(
            "n_parameters",
            0,
            "use the count of trainable parameters",
        ));
    }
    Ok(bits / n_parameters as f64)
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn gaussian_capacity_closed_form() {
        // P/s² = 3: ½ log₂ 4 = 1 bit.
        assert!((gaussian_capacity_bits(3.0, 1.0).unwrap() - 1.0).abs() < 1e-15);
        assert!((gaussian_capacity_bits(0.75, 0.5).unwrap() - 1.0).abs() < 1e-15);
        assert_eq!(gaussian_capacity_bits(0.0, 1.0).unwrap(), 0.0);
        assert!(gaussian_capacity_bits(1.0, 0.0).is_err());
    }

    #[test]
    fn uniform_noise_capacity_at_integer_ratio() {
        // Range 3, width 1: four inputs spaced 1 apart, log₂ 4 = 2 bits.
        assert!((uniform_noise_capacity_bits(3.0, 1.0).unwrap() - 2.0).abs() < 1e-15);
    }

    #[test]
    fn channel_enum_composes_dropout() {
        let channel = UnitChannel::Dropout {
            keep: 0.5,
            inner: Box::new(UnitChannel::Gaussian {
                power: 3.0,
                noise_std: 1.0,
            }),
        };
        assert!((channel.capacity_bits().unwrap() - 0.5).abs() < 1e-15);
        assert_eq!(UnitChannel::Binary.capacity_bits().unwrap(), 1.0);
        assert_eq!(UnitChannel::Float32.capacity_bits().unwrap(), 32.0);
        assert!(dropout_capacity_bits(1.5, 1.0).is_err());
    }

    #[test]
    fn layer_ceiling_takes_minimum() {
        let ceiling = layer_ceiling(&[1.0, 1.0, 1.0], 12.0, 4096).unwrap();
        assert_eq!(ceiling.bits, 3.0);
        assert_eq!(ceiling.limited_by, Limit::Units);
        let ceiling = layer_ceiling(&[32.0; 10], 12.0, 256).unwrap();
        assert_eq!(ceiling.bits, 8.0);
        assert_eq!(ceiling.limited_by, Limit::SampleSize);
        let ceiling = layer_ceiling(&[32.0; 10], 5.0, 256).unwrap();
        assert_eq!(ceiling.limited_by, Limit::InputEntropy);
    }

    #[test]
    fn vae_rate_closed_form() {
        // Unit 0: μ = 0, σ = 1 everywhere, rate 0. Unit 1: μ = ±1, ln σ² = 0: ½ nat.
        // Unit 2: μ = 0, ln σ² = ln 4: ½ (4 − ln 4 − 1) nats.
        let mu = array![[0.0, 1.0, 0.0], [0.0, -1.0, 0.0]];
        let lv = array![[0.0, 0.0, 4f64.ln()], [0.0, 0.0, 4f64.ln()]];
        let rates = vae_rate_bits(mu.view(), lv.view()).unwrap();
        assert_eq!(rates[0], 0.0);
        assert!((rates[1] - nats_to_bits(0.5)).abs() < 1e-15);
        assert!((rates[2] - nats_to_bits(0.5 * (3.0 - 4f64.ln()))).abs() < 1e-14);
    }

    #[test]
    fn memorized_bits_of_random_labels() {
        // 1000 samples, 4 classes: 2000 bits stored; a perfect fit leaves 0 bits of loss.
        assert_eq!(memorized_bits(&[0.0; 1000], 4).unwrap(), 2000.0);
        // Chance-level loss (2 bits each) memorizes nothing; worse than chance floors at 0.
        assert_eq!(memorized_bits(&[2.0; 1000], 4).unwrap(), 0.0);
        assert_eq!(memorized_bits(&[3.0; 1000], 4).unwrap(), 0.0);
        assert_eq!(memorized_bits(&[0.5; 1000], 4).unwrap(), 1500.0);
        assert_eq!(bits_per_parameter(1500.0, 750).unwrap(), 2.0);
    }
}
