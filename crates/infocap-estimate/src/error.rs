//! The error type of the estimators and bounds.
//!
//! Each variant names the offending value and how to fix it, because the messages reach the
//! user unchanged through `infocap mi` and `infocap validate`.

use infocap_data::linalg::LinalgError;

/// An input that an estimator or bound cannot use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EstimateError {
    /// X and Y do not have the same number of rows (samples).
    #[error("X has {x_rows} rows but Y has {y_rows}; pass one row per sample for both variables")]
    LengthMismatch { x_rows: usize, y_rows: usize },

    /// A variable without rows or without columns.
    #[error(
        "{variable} is empty ({rows} rows, {columns} columns); pass at least one column and \
             one row per sample"
    )]
    Empty {
        variable: &'static str,
        rows: usize,
        columns: usize,
    },

    /// NaN or an infinity in the input.
    #[error(
        "{variable} has {value} at row {row}, column {column}; remove or impute non-finite \
             values first"
    )]
    NonFinite {
        variable: &'static str,
        row: usize,
        column: usize,
        value: f64,
    },

    /// A column with a single value, which a continuous estimator cannot standardize.
    #[error(
        "{variable} column {column} is constant (every value is {value}); it carries no \
             information, so drop it"
    )]
    ConstantColumn {
        variable: &'static str,
        column: usize,
        value: f64,
    },

    /// Fewer samples than the estimator needs.
    #[error("{n} samples are too few for {estimator}: {reason}")]
    TooFewSamples {
        estimator: &'static str,
        n: usize,
        reason: String,
    },

    /// The joint sample covariance is singular, so Gaussian MI has no finite value.
    #[error("{}", singular_message(*.infinite, .detail))]
    SingularCovariance { infinite: bool, detail: String },

    /// An option outside its valid range; `reason` lists the valid values.
    #[error("invalid value {value} for `{name}`: {reason}")]
    InvalidOption {
        name: &'static str,
        value: String,
        reason: String,
    },

    /// An estimator name that does not exist.
    #[error("unknown estimator `{name}`{hint}")]
    UnknownEstimator { name: String, hint: String },

    /// A matrix factorization that failed for another reason.
    #[error(transparent)]
    Linalg(#[from] LinalgError),
}

fn singular_message(infinite: bool, detail: &str) -> String {
    if infinite {
        format!(
            "Gaussian MI is infinite: Y is a deterministic linear function of X in this sample \
             ({detail}); add noise or use a nonparametric estimator such as ksg1"
        )
    } else {
        format!(
            "Gaussian MI is undefined: the sample covariance is singular ({detail}); drop \
             redundant columns or add samples"
        )
    }
}

impl EstimateError {
    /// Builds an [`EstimateError::InvalidOption`] from anything printable.
    pub fn invalid(name: &'static str, value: impl std::fmt::Display, reason: &str) -> Self {
        EstimateError::InvalidOption {
            name,
            value: value.to_string(),
            reason: reason.to_string(),
        }
    }
}

/// Result with [`EstimateError`].
pub type Result<T, E = EstimateError> = std::result::Result<T, E>;
