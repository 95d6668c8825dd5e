//! Gaussian mutual information from the sample covariance.
//!
//! For (X, Y) jointly normal with covariance C, in nats:
//!
//! ```text
//! I = ½ (ln det C_XX + ln det C_YY − ln det C)
//! ```
//!
//! The log-determinants come from Cholesky factors (ln det A = 2 Σ ln Lᵢᵢ), never from a plain
//! determinant, which underflows in high dimension. The formula is scale-invariant, so it is
//! evaluated on the correlation matrix, whose Cholesky pivot Lᵢᵢ² is the fraction of column i's
//! variance left unexplained by the columns before it. A pivot below [`SINGULAR_PIVOT`] marks
//! the covariance as singular: within X or within Y the MI is undefined (redundant columns);
//! between them, Y is a deterministic linear function of X and the MI is infinite.
//!
//! The value is exact for jointly Gaussian data. It depends only on the covariance, so for
//! other data it can miss dependence (uncorrelated Student-t pairs give 0) or overstate it.
//! With N samples it is biased upward by about d_X·d_Y/(2N) nats.

use ndarray::{Array2, ArrayView2, Axis, s};

use crate::error::{EstimateError, Result};
use crate::estimate::{Estimate, Quantity, nats_to_bits};
use crate::input;
use crate::interval::{self, IntervalOptions};

/// Smallest Cholesky pivot of a correlation matrix treated as nonsingular: the unexplained
/// variance fraction of a column. Below it a column is linear in the earlier ones to 10 digits,
/// which would mean more than 16 bits of MI from one column.
pub const SINGULAR_PIVOT: f64 = 1e-10;

/// Estimates I(X;Y) in bits under a joint Gaussian model fitted by the sample covariance.
///
/// # Errors
/// X and Y of different lengths, empty, with NaN or infinite values or a constant column;
/// N ≤ d_X + d_Y (the sample covariance is singular);
/// [`EstimateError::SingularCovariance`] with `infinite: true` when Y is a linear function of
/// X in this sample, `infinite: false` when columns within X or within Y are redundant.
pub fn gaussian_mi(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    interval_options: &IntervalOptions,
) -> Result<Estimate> {
    let n = input::check_pair(x, y)?;
    input::check_not_constant(x, "X")?;
    input::check_not_constant(y, "Y")?;
    let raw_nats = gaussian_nats(x, y)?;
    let mut estimate = Estimate::from_nats("gaussian", Quantity::MutualInformation, raw_nats, n);
    estimate.details.dims_x = Some(x.ncols());
    estimate.details.dims_y = Some(y.ncols());
    interval::attach(&mut estimate, x, y, interval_options, |xs, ys| {
        gaussian_nats(xs, ys).map(nats_to_bits)
    })?;
    Ok(estimate)
}

fn gaussian_nats(x: ArrayView2<f64>, y: ArrayView2<f64>) -> Result<f64> {
    let n = x.nrows();
    let dx = x.ncols();
    let d = dx + y.ncols();
    if n <= d {
        return Err(EstimateError::TooFewSamples {
            estimator: "gaussian",
            n,
            reason: format!(
                "the sample covariance of {d} columns is singular unless N > {d}; add samples"
            ),
        });
    }
    input::check_not_constant(x, "X")?;
    input::check_not_constant(y, "Y")?;
    let joint = ndarray::concatenate(Axis(1), &[x, y]).expect("x and y have equal row counts");
    let z = input::standardize(joint.view());
    let correlation: Array2<f64> = z.t().dot(&z) / (n as f64 - 1.0);

    let log_det_x = log_det_checked(correlation.slice(s![..dx, ..dx]), "X", 0, false)?;
    let log_det_y = log_det_checked(correlation.slice(s![dx.., dx..]), "Y", 0, false)?;
    let log_det_joint = log_det_checked(correlation.view(), "Y", dx, true)?;
    Ok(0.5 * (log_det_x + log_det_y - log_det_joint))
}

/// Returns ln det of a correlation matrix, or the singular-covariance error naming the first
/// column whose pivot is below [`SINGULAR_PIVOT`]. Columns from `offset` on belong to
/// `variable`; `infinite` says what a singular pivot means.
fn log_det_checked(
    correlation: ArrayView2<f64>,
    variable: &str,
    offset: usize,
    infinite: bool,
) -> Result<f64> {
    let singular = |pivot: usize, fraction: f64| EstimateError::SingularCovariance {
        infinite,
        detail: format!(
            "{variable} column {} is a linear function of the columns before it, with \
             unexplained variance fraction {fraction:.1e}",
            pivot.saturating_sub(offset)
        ),
    };
    let factor = match infocap_data::linalg::cholesky(correlation) {
        Ok(factor) => factor,
        Err(infocap_data::linalg::LinalgError::NotPositiveDefinite { pivot }) => {
            return Err(singular(pivot, 0.0));
        }
        Err(other) => return Err(other.into()),
    };
    let diagonal = factor.diag();
    if let Some((pivot, l)) = diagonal
        .iter()
        .enumerate()
        .find(|(_, l)| l.powi(2) < SINGULAR_PIVOT)
    {
        return Err(singular(pivot, l.powi(2)));
    }
    Ok(2.0 * diagonal.iter().map(|l| l.ln()).sum::<f64>())
}
