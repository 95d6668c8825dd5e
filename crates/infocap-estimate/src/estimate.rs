//! The result type that every estimator returns: a value in bits with its interval, flags and
//! the settings that produced it.
//!
//! Estimators compute in nats internally and convert once, here: bits = nats / ln 2.
//! Mutual information is non-negative, but finite-sample estimators (KSG, Miller-Madow) can
//! return a negative number; `raw_bits` keeps that value and `bits` clips it at 0, so a reader
//! sees both. Differential entropy may be negative and is never clipped.

use serde::{Deserialize, Serialize};

use crate::interval::Interval;

/// Converts nats to bits.
pub fn nats_to_bits(nats: f64) -> f64 {
    nats / std::f64::consts::LN_2
}

/// Converts bits to nats.
pub fn bits_to_nats(bits: f64) -> f64 {
    bits * std::f64::consts::LN_2
}

/// What an [`Estimate`] measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// I(X;Y), never negative in truth, so `bits` is clipped at 0.
    MutualInformation,
    /// H(X) of a discrete variable (Shannon entropy).
    Entropy,
    /// h(X) of a continuous variable; may be negative and is not clipped.
    DifferentialEntropy,
}

/// One estimate in bits, with its interval, flags and settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Estimator name, as in [`crate::EstimatorKind::name`].
    pub estimator: String,
    /// What was estimated.
    pub quantity: Quantity,
    /// The estimate in bits; clipped at 0 for mutual information.
    pub bits: f64,
    /// The estimate in bits before clipping.
    pub raw_bits: f64,
    /// Lower end of the interval in bits, clipped like `bits`; NaN when no interval was computed.
    pub ci_low_bits: f64,
    /// Upper end of the interval in bits, clipped like `bits`; NaN when no interval was computed.
    pub ci_high_bits: f64,
    /// How the interval was computed.
    pub interval: Interval,
    /// Number of samples (rows) used.
    pub n: usize,
    /// True when the estimate is at the largest value this estimator can return on N samples
    /// (see `ceiling_bits`), so the true value may be larger.
    pub saturated: bool,
    /// The largest value this estimator returns on this sample, in bits, where one is known.
    pub ceiling_bits: Option<f64>,
    /// True when the raw estimate is below 0 (mutual information only).
    pub negative: bool,
    /// Things a reader must know to trust the number, in plain sentences.
    pub warnings: Vec<String>,
    /// Settings and intermediate values (k, bins, ranges, jitter, cell counts).
    pub details: Details,
}

impl Estimate {
    /// Builds an estimate of `quantity` from a raw value in nats, with no interval and no flags.
    pub fn from_nats(estimator: &str, quantity: Quantity, raw_nats: f64, n: usize) -> Self {
        let raw_bits = nats_to_bits(raw_nats);
        let (bits, negative) = match quantity {
            Quantity::DifferentialEntropy => (raw_bits, false),
            _ => (raw_bits.max(0.0), raw_bits < 0.0),
        };
        Estimate {
            estimator: estimator.to_string(),
            quantity,
            bits,
            raw_bits,
            ci_low_bits: f64::NAN,
            ci_high_bits: f64::NAN,
            interval: Interval::none(),
            n,
            saturated: false,
            ceiling_bits: None,
            negative,
            warnings: Vec::new(),
            details: Details::default(),
        }
    }

    /// Sets `ceiling_bits` and flags the estimate as saturated when the raw value is within
    /// [`crate::prec::SATURATION_MARGIN_BITS`] of it.
    pub(crate) fn set_ceiling(&mut self, ceiling_bits: f64) {
        self.ceiling_bits = Some(ceiling_bits);
        self.saturated = self.raw_bits >= ceiling_bits - crate::prec::SATURATION_MARGIN_BITS;
        if self.saturated {
            self.warnings.push(format!(
                "saturated: the estimate {:.3} bits is at this estimator's ceiling of {:.3} bits \
                 for N = {}, so the true value may be larger; add samples or treat it as a \
                 lower bound",
                self.raw_bits, ceiling_bits, self.n
            ));
        }
    }

    /// Clips an interval end the same way as `bits`.
    pub(crate) fn clip(&self, bits: f64) -> f64 {
        match self.quantity {
            Quantity::DifferentialEntropy => bits,
            _ => bits.max(0.0),
        }
    }
}

/// Settings and intermediate values of an estimate; fields that do not apply are absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Details {
    /// Number of neighbors (KSG, Kozachenko-Leonenko).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<usize>,
    /// Number of columns of X and of Y.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dims_x: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dims_y: Option<usize>,
    /// Whether each column was scaled to zero mean and unit variance first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standardized: Option<bool>,
    /// Half-width of the uniform jitter, relative to each column's scale (0 when off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter_scale: Option<f64>,
    /// Seed of the jitter stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter_seed: Option<u64>,
    /// Rows that repeat an earlier row exactly, in the joint (X, Y) space.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_rows: Option<usize>,
    /// Bins of X and of Y (binned estimators).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bins_x: Option<BinReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bins_y: Option<BinReport>,
    /// Occupied cells of X, Y and (X, Y) (discrete and binned estimators).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cells_x: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cells_y: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cells_joint: Option<usize>,
    /// Entropies of X, Y and (X, Y) in bits, after any correction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entropy_x_bits: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entropy_y_bits: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entropy_joint_bits: Option<f64>,
    /// Bias correction added to the plug-in value, in bits (Miller-Madow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction_bits: Option<f64>,
}

/// How the columns of one variable were binned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinReport {
    /// `equal-width` or `equal-mass`.
    pub strategy: String,
    /// `unit` (a range per column) or `layer` (one range for all columns).
    pub scope: String,
    /// One entry per column.
    pub units: Vec<UnitBins>,
}

/// The bins of one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitBins {
    /// Number of bins, occupied or not.
    pub bins: usize,
    /// Lower edge of the first bin.
    pub low: f64,
    /// Upper edge of the last bin.
    pub high: f64,
}
