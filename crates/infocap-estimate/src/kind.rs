//! One entry point over every mutual information estimator, so that a command or a validation
//! suite can loop over [`EstimatorKind::ALL`] with one set of [`Options`].

use ndarray::{ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::binning::{BinScope, BinSize, BinStrategy, BinnedOptions, binned_mi};
use crate::discrete::{Correction, discrete_mi_rows};
use crate::error::{EstimateError, Result};
use crate::estimate::Estimate;
use crate::gaussian::gaussian_mi;
use crate::input;
use crate::interval::IntervalOptions;
use crate::kl_entropy::{KlOptions, kl_mi};
use crate::ksg::{KsgOptions, KsgVariant, ksg};

/// The kind of data an estimator is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    /// Real-valued samples from a density.
    Continuous,
    /// Symbols (labels, binary units, patterns); each distinct row is one symbol.
    Discrete,
}

/// A mutual information estimator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EstimatorKind {
    Ksg1,
    Ksg2,
    /// Kozachenko-Leonenko entropies: h(X) + h(Y) − h(X, Y).
    Kl,
    Gaussian,
    /// Equal-width bins, plug-in.
    Binned,
    /// Equal-mass bins, plug-in.
    BinnedMass,
    /// Discrete plug-in.
    Plugin,
    /// Discrete plug-in with the Miller-Madow correction.
    MillerMadow,
}

impl EstimatorKind {
    /// Every estimator, continuous ones first.
    pub const ALL: [EstimatorKind; 8] = [
        EstimatorKind::Ksg1,
        EstimatorKind::Ksg2,
        EstimatorKind::Kl,
        EstimatorKind::Gaussian,
        EstimatorKind::Binned,
        EstimatorKind::BinnedMass,
        EstimatorKind::Plugin,
        EstimatorKind::MillerMadow,
    ];

    /// Returns the name used on the command line and in tables.
    pub fn name(self) -> &'static str {
        match self {
            EstimatorKind::Ksg1 => "ksg1",
            EstimatorKind::Ksg2 => "ksg2",
            EstimatorKind::Kl => "kl",
            EstimatorKind::Gaussian => "gaussian",
            EstimatorKind::Binned => "binned",
            EstimatorKind::BinnedMass => "binned-mass",
            EstimatorKind::Plugin => "plugin",
            EstimatorKind::MillerMadow => "miller-madow",
        }
    }

    /// Parses a name, suggesting the closest one on a typo.
    ///
    /// # Errors
    /// [`EstimateError::UnknownEstimator`] listing the valid names.
    pub fn from_name(name: &str) -> Result<Self> {
        if let Some(kind) = Self::ALL.into_iter().find(|k| k.name() == name) {
            return Ok(kind);
        }
        let names: Vec<&str> = Self::ALL.iter().map(|k| k.name()).collect();
        let hint = match infocap_data::error::closest_name(name, names.iter().copied()) {
            Some(best) => format!("; did you mean `{best}`? Valid: {}", names.join(", ")),
            None => format!("; valid: {}", names.join(", ")),
        };
        Err(EstimateError::UnknownEstimator {
            name: name.to_string(),
            hint,
        })
    }

    /// Returns the kind of data the estimator is meant for.
    pub fn data_kind(self) -> DataKind {
        match self {
            EstimatorKind::Plugin | EstimatorKind::MillerMadow => DataKind::Discrete,
            _ => DataKind::Continuous,
        }
    }

    /// Returns one sentence on what the estimator does and where it is known to be wrong.
    pub fn description(self) -> &'static str {
        match self {
            EstimatorKind::Ksg1 => {
                "KSG nearest neighbors, eq. 8: low bias near independence; underestimates large \
                 MI (saturates near psi(N) - psi(k) nats) and in high dimension"
            }
            EstimatorKind::Ksg2 => {
                "KSG nearest neighbors, eq. 9: like ksg1 with slightly lower bias and higher \
                 variance in high dimension"
            }
            EstimatorKind::Kl => {
                "three Kozachenko-Leonenko entropies; errors of the three terms do not cancel, \
                 so it is more biased than KSG in more than one dimension"
            }
            EstimatorKind::Gaussian => {
                "Gaussian model from the sample covariance: exact for Gaussian data, blind to \
                 dependence without correlation (Student-t, nonlinear maps)"
            }
            EstimatorKind::Binned => {
                "equal-width bins and plug-in counts: depends on the bin width; for deterministic \
                 maps it returns the binned entropy, at most log2 N"
            }
            EstimatorKind::BinnedMass => {
                "equal-mass (quantile) bins and plug-in counts: invariant to monotone maps of each \
                 column; biased upward by about (bins - 1)^2 / (2N) nats per pair of columns"
            }
            EstimatorKind::Plugin => {
                "discrete plug-in counts: biased upward by about (m_xy - m_x - m_y + 1)/(2N) nats"
            }
            EstimatorKind::MillerMadow => {
                "discrete plug-in with the Miller-Madow correction (m - 1)/(2N) per entropy"
            }
        }
    }
}

impl std::fmt::Display for EstimatorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Settings shared by every estimator; each uses the fields that apply to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Neighbors for ksg1, ksg2 and kl.
    pub k: usize,
    /// Bin count or width for binned and binned-mass.
    pub bins: BinSize,
    /// One range per column or per variable, for binned and binned-mass.
    pub scope: BinScope,
    /// A range that fixes the bin width, such as (−1, 1) for tanh units.
    pub preset_range: Option<(f64, f64)>,
    /// Bin Y too (false: each distinct row of Y is a symbol, as for labels).
    pub bin_y: bool,
    /// Standardize columns (ksg1, ksg2, kl).
    pub standardize: bool,
    /// Tie-breaking jitter relative to each column's scale (ksg1, ksg2, kl).
    pub jitter_scale: f64,
    /// Seed of the jitter.
    pub seed: u64,
    pub interval: IntervalOptions,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            k: 3,
            bins: BinSize::Count(30),
            scope: BinScope::Unit,
            preset_range: None,
            bin_y: true,
            standardize: true,
            jitter_scale: input::DEFAULT_JITTER_SCALE,
            seed: 0,
            interval: IntervalOptions::default(),
        }
    }
}

impl Options {
    fn ksg(&self, variant: KsgVariant) -> KsgOptions {
        KsgOptions {
            k: self.k,
            variant,
            standardize: self.standardize,
            jitter_scale: self.jitter_scale,
            jitter_seed: self.seed,
            interval: self.interval,
        }
    }

    fn binned(&self, strategy: BinStrategy) -> BinnedOptions {
        BinnedOptions {
            strategy,
            size: self.bins,
            scope: self.scope,
            preset_range: self.preset_range,
            bin_y: self.bin_y,
            correction: Correction::None,
            interval: self.interval,
        }
    }
}

/// Estimates I(X;Y) in bits with the estimator `kind`. Rows are samples.
///
/// # Errors
/// Whatever the chosen estimator rejects; see [`crate::ksg::ksg`], [`crate::binning::binned_mi`],
/// [`crate::gaussian::gaussian_mi`], [`crate::kl_entropy::kl_mi`] and
/// [`crate::discrete::discrete_mi_rows`].
pub fn estimate_mi(
    kind: EstimatorKind,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    options: &Options,
) -> Result<Estimate> {
    let _span = tracing::debug_span!("estimate_mi", estimator = kind.name()).entered();
    match kind {
        EstimatorKind::Ksg1 => ksg(x, y, &options.ksg(KsgVariant::Ksg1)),
        EstimatorKind::Ksg2 => ksg(x, y, &options.ksg(KsgVariant::Ksg2)),
        EstimatorKind::Kl => kl_mi(
            x,
            y,
            &KlOptions {
                k: options.k,
                standardize: options.standardize,
                jitter_scale: options.jitter_scale,
                jitter_seed: options.seed,
                interval: options.interval,
            },
        ),
        EstimatorKind::Gaussian => gaussian_mi(x, y, &options.interval),
        EstimatorKind::Binned => binned_mi(x, y, &options.binned(BinStrategy::EqualWidth)),
        EstimatorKind::BinnedMass => binned_mi(x, y, &options.binned(BinStrategy::EqualMass)),
        EstimatorKind::Plugin => discrete_mi_rows(x, y, Correction::None, &options.interval),
        EstimatorKind::MillerMadow => {
            discrete_mi_rows(x, y, Correction::MillerMadow, &options.interval)
        }
    }
}

/// Estimates I(Xⱼ;Y) for every column j of X separately, in column order.
///
/// # Errors
/// As [`estimate_mi`] on the first column that fails.
pub fn estimate_mi_per_unit(
    kind: EstimatorKind,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    options: &Options,
) -> Result<Vec<Estimate>> {
    x.axis_iter(Axis(1))
        .map(|column| estimate_mi(kind, column.insert_axis(Axis(1)), y, options))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in EstimatorKind::ALL {
            assert_eq!(EstimatorKind::from_name(kind.name()).unwrap(), kind);
        }
    }

    #[test]
    fn unknown_name_suggests_closest() {
        let message = EstimatorKind::from_name("binned_mass")
            .unwrap_err()
            .to_string();
        assert!(message.contains("did you mean `binned-mass`"), "{message}");
        assert!(message.contains("miller-madow"), "{message}");
    }
}
