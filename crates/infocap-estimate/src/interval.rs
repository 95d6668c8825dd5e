//! Confidence intervals by half-sampling (default) or the bootstrap.
//!
//! Half-sampling draws R subsamples of m = ⌊N/2⌋ rows without replacement and reruns the
//! estimator on each. For an estimator whose variance is σ²/N, the spread of the half-sample
//! estimates around the full one is σ²(1/m − 1/N) = σ²/N, the variance of the full estimate
//! itself (Politis, Romano and Wolf 1999, "Subsampling", ch. 2). The interval is
//!
//! ```text
//! raw ± z · sd(θ₁ … θ_R),   z = Φ⁻¹((1 + level) / 2)
//! ```
//!
//! centered on the full-sample estimate, so the extra bias of an estimate from N/2 samples
//! does not shift it. The bootstrap (N rows drawn with replacement) uses the same formula. It
//! suits plug-in estimators only, because repeated rows look like dependence to
//! nearest-neighbor estimators and inflate them.
//!
//! Replicate r draws its rows from `ChaCha8Rng` seeded with `seed` on stream r + 1, and the
//! replicates are reduced in index order, so the interval is the same at any thread count.

use ndarray::{ArrayView2, Axis};
use rand::SeedableRng;
use rand::seq::index;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{EstimateError, Result};
use crate::estimate::Estimate;

/// The maximum number of replicates of an interval.
pub const MAX_RESAMPLES: usize = 10_000;

/// Method of an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalMethod {
    /// R subsamples of ⌊N/2⌋ rows without replacement.
    Subsample,
    /// R resamples of N rows with replacement.
    Bootstrap,
    /// No interval; `ci_low_bits` and `ci_high_bits` are NaN.
    None,
}

/// Settings of the interval attached to every estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalOptions {
    pub method: IntervalMethod,
    /// Number of replicates R.
    pub resamples: usize,
    /// Coverage, such as 0.95.
    pub level: f64,
    /// Seed of the row draws.
    pub seed: u64,
}

impl Default for IntervalOptions {
    fn default() -> Self {
        IntervalOptions {
            method: IntervalMethod::Subsample,
            resamples: 20,
            level: 0.95,
            seed: 0,
        }
    }
}

impl IntervalOptions {
    /// Options that compute no interval, for timing or nested use.
    pub fn none() -> Self {
        IntervalOptions {
            method: IntervalMethod::None,
            ..Self::default()
        }
    }

    fn check(&self) -> Result<()> {
        if !(self.level > 0.0 && self.level < 1.0) {
            return Err(EstimateError::invalid(
                "level",
                self.level,
                "use a coverage strictly between 0 and 1, such as 0.95",
            ));
        }
        if self.method != IntervalMethod::None && self.resamples < 2 {
            return Err(EstimateError::invalid(
                "resamples",
                self.resamples,
                "use at least 2 replicates, or the method `none`",
            ));
        }
        if self.resamples > MAX_RESAMPLES {
            return Err(EstimateError::invalid(
                "resamples",
                self.resamples,
                &format!(
                    "each replicate runs the estimator again; use at most {MAX_RESAMPLES}, such \
                     as 1000"
                ),
            ));
        }
        Ok(())
    }
}

/// Record of how the interval of an [`Estimate`] was computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub method: IntervalMethod,
    /// Coverage, such as 0.95.
    pub level: f64,
    /// Replicates that produced a value.
    pub resamples: usize,
    /// Rows per replicate.
    pub sample_size: usize,
    /// Seed of the row draws.
    pub seed: u64,
    /// Standard deviation of the replicate estimates in bits (NaN without an interval).
    pub std_error_bits: f64,
}

impl Interval {
    /// Returns the record of an estimate without an interval.
    pub fn none() -> Self {
        Interval {
            method: IntervalMethod::None,
            level: f64::NAN,
            resamples: 0,
            sample_size: 0,
            seed: 0,
            std_error_bits: f64::NAN,
        }
    }
}

/// Draws the row indices of replicate `r`.
fn replicate_rows(method: IntervalMethod, n: usize, seed: u64, r: usize) -> Vec<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(r as u64 + 1);
    match method {
        IntervalMethod::Bootstrap => {
            use rand::Rng;
            (0..n).map(|_| rng.random_range(0..n)).collect()
        }
        _ => {
            let mut rows = index::sample(&mut rng, n, n / 2).into_vec();
            rows.sort_unstable();
            rows
        }
    }
}

/// Reruns `raw_bits` on replicates of the rows of (x, y) and stores the interval in `estimate`.
///
/// `raw_bits` returns the unclipped estimate in bits. Replicates on which it fails (too few
/// rows for k, a column that became constant) are skipped and counted in a warning. With fewer
/// than two left, the estimate keeps no interval.
pub(crate) fn attach<F>(
    estimate: &mut Estimate,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    options: &IntervalOptions,
    raw_bits: F,
) -> Result<()>
where
    F: Fn(ArrayView2<f64>, ArrayView2<f64>) -> Result<f64> + Sync,
{
    options.check()?;
    if options.method == IntervalMethod::None {
        return Ok(());
    }
    let n = x.nrows();
    let values: Vec<Result<f64>> = (0..options.resamples)
        .into_par_iter()
        .map(|r| {
            let rows = replicate_rows(options.method, n, options.seed, r);
            let xs = x.select(Axis(0), &rows);
            let ys = y.select(Axis(0), &rows);
            raw_bits(xs.view(), ys.view())
        })
        .collect();
    let ok: Vec<f64> = values
        .iter()
        .filter_map(|v| v.as_ref().ok().copied())
        .collect();
    let failed = values.len() - ok.len();
    let sample_size = match options.method {
        IntervalMethod::Bootstrap => n,
        _ => n / 2,
    };
    if failed > 0 {
        let first = values
            .iter()
            .find_map(|v| v.as_ref().err())
            .map(|e| e.to_string())
            .unwrap_or_default();
        estimate.warnings.push(format!(
            "{failed} of {} interval replicates of {sample_size} rows failed ({first})",
            options.resamples
        ));
    }
    if ok.len() < 2 {
        // The spread of fewer than two replicates is undefined, so the estimate keeps no interval.
        estimate.warnings.push(format!(
            "no interval: {} of {} replicates of {sample_size} rows succeeded, and an interval \
             needs two; use more rows or a smaller k",
            ok.len(),
            options.resamples
        ));
        return Ok(());
    }
    let std_error = sample_std(&ok);
    let z = normal_quantile(0.5 + options.level / 2.0);
    estimate.interval = Interval {
        method: options.method,
        level: options.level,
        resamples: ok.len(),
        sample_size,
        seed: options.seed,
        std_error_bits: std_error,
    };
    estimate.ci_low_bits = estimate.clip(estimate.raw_bits - z * std_error);
    estimate.ci_high_bits = estimate.clip(estimate.raw_bits + z * std_error);
    Ok(())
}

/// Returns the sample standard deviation (divisor R − 1), or NaN for fewer than two values.
fn sample_std(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return f64::NAN;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let sum_sq = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>();
    (sum_sq / (values.len() - 1) as f64).sqrt()
}

/// Returns Φ⁻¹(p), the standard normal quantile.
fn normal_quantile(p: f64) -> f64 {
    std::f64::consts::SQRT_2 * statrs::function::erf::erf_inv(2.0 * p - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantile_matches_table() {
        assert!((normal_quantile(0.975) - 1.959_963_985).abs() < 1e-8);
        assert!((normal_quantile(0.5)).abs() < 1e-12);
    }

    #[test]
    fn half_samples_have_half_the_rows_without_repeats() {
        let rows = replicate_rows(IntervalMethod::Subsample, 101, 7, 3);
        assert_eq!(rows.len(), 50);
        let mut unique = rows.clone();
        unique.dedup();
        assert_eq!(unique.len(), 50);
        assert_eq!(rows, replicate_rows(IntervalMethod::Subsample, 101, 7, 3));
        assert_ne!(rows, replicate_rows(IntervalMethod::Subsample, 101, 7, 4));
    }

    #[test]
    fn sample_std_of_known_values() {
        // Values 1..=4: mean 2.5, squared deviations sum to 5, divisor 3.
        assert!((sample_std(&[1.0, 2.0, 3.0, 4.0]) - (5.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert!(sample_std(&[1.0]).is_nan());
    }

    #[test]
    fn replicate_count_is_bounded() {
        let options = |resamples| IntervalOptions {
            resamples,
            ..IntervalOptions::default()
        };
        assert!(options(2).check().is_ok());
        assert!(options(MAX_RESAMPLES).check().is_ok());
        let error = options(MAX_RESAMPLES + 1).check().unwrap_err().to_string();
        assert!(error.contains("10001"), "{error}");
        assert!(error.contains("at most 10000"), "{error}");
    }
}
