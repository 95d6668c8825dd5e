//! The Kraskov-Stögbauer-Grassberger (KSG) nearest-neighbor estimators of I(X;Y) for
//! continuous variables.
//!
//! Kraskov, Stögbauer and Grassberger 2004, "Estimating mutual information", Phys. Rev. E 69,
//! 066138, eqs. (8) and (9). With the max-norm in the joint space Z = (X, Y), εᵢ the distance
//! from row i to its k-th nearest neighbor, ψ the digamma function and ⟨·⟩ the mean over rows:
//!
//! ```text
//! KSG1 = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_y + 1)⟩,  n_x(i) = #{j ≠ i : ‖xᵢ − xⱼ‖ < εᵢ}
//! KSG2 = ψ(k) − 1/k + ψ(N) − ⟨ψ(n_x) + ψ(n_y)⟩,    n_x(i) = #{j ≠ i : ‖xᵢ − xⱼ‖ ≤ εᵢˣ}
//! ```
//!
//! where εᵢˣ is the largest X-distance from row i to its k joint neighbors (likewise for Y).
//! Values are in nats and returned in bits.
//!
//! Known behavior: both estimators are nearly unbiased for independent variables and biased
//! toward 0 for large I, because they cannot see more than about ψ(N) − ψ(k) nats: I(X;X)
//! saturates there, and such an estimate is flagged `saturated`. The bias grows with the
//! dimension. Columns are standardized first by default, because the max-norm mixes the scales
//! of X and Y while MI does not depend on them. Ties are broken by seeded uniform jitter of
//! half-width 1e-10 of each column's scale ([`crate::DEFAULT_JITTER_SCALE`]). Copies of rows
//! still look like local dependence to any nearest-neighbor estimator, so a warning reports
//! them.

use ndarray::{ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::error::{EstimateError, Result};
use crate::estimate::{Estimate, Quantity, nats_to_bits};
use crate::input;
use crate::interval::{self, IntervalOptions};
use crate::neighbors;

/// The two KSG estimators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KsgVariant {
    /// Counts marginal neighbors strictly inside the joint k-th-neighbor distance (eq. 8).
    Ksg1,
    /// Counts marginal neighbors inside each variable's own radius (eq. 9).
    Ksg2,
}

impl KsgVariant {
    /// Returns the estimator name (`ksg1`, `ksg2`).
    pub fn name(self) -> &'static str {
        match self {
            KsgVariant::Ksg1 => "ksg1",
            KsgVariant::Ksg2 => "ksg2",
        }
    }
}

/// Settings of [`ksg`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KsgOptions {
    /// Number of neighbors; 3 is the usual choice (higher k: lower variance, more bias).
    pub k: usize,
    pub variant: KsgVariant,
    /// Scale every column to zero mean and unit variance first.
    pub standardize: bool,
    /// Half-width of the tie-breaking jitter relative to each column's scale; 0 disables it.
    pub jitter_scale: f64,
    /// Seed of the jitter.
    pub jitter_seed: u64,
    pub interval: IntervalOptions,
}

impl Default for KsgOptions {
    fn default() -> Self {
        KsgOptions {
            k: 3,
            variant: KsgVariant::Ksg1,
            standardize: true,
            jitter_scale: input::DEFAULT_JITTER_SCALE,
            jitter_seed: 0,
            interval: IntervalOptions::default(),
        }
    }
}

/// Estimates I(X;Y) in bits with KSG1 or KSG2. Rows are samples.
///
/// # Errors
/// X and Y of different lengths, empty, or with NaN or infinite values; a constant column when
/// standardizing; N ≤ k; k = 0; a jitter scale outside [0, 1e-3].
///
/// # Examples
/// ```
/// use infocap_estimate::ksg::{KsgOptions, ksg};
/// use ndarray::Array2;
///
/// let x = Array2::from_shape_fn((200, 1), |(i, _)| (i as f64 * 0.37).sin());
/// let y = Array2::from_shape_fn((200, 1), |(i, _)| (i as f64 * 0.91).cos());
/// let estimate = ksg(x.view(), y.view(), &KsgOptions::default())?;
/// assert_eq!(estimate.n, 200);
/// assert!(estimate.ci_low_bits <= estimate.bits && estimate.bits <= estimate.ci_high_bits);
/// # Ok::<(), infocap_estimate::EstimateError>(())
/// ```
pub fn ksg(x: ArrayView2<f64>, y: ArrayView2<f64>, options: &KsgOptions) -> Result<Estimate> {
    let name = options.variant.name();
    let n = input::check_pair(x, y)?;
    input::check_k(name, n, options.k)?;
    input::check_jitter(options.jitter_scale)?;
    if options.standardize {
        input::check_not_constant(x, "X")?;
        input::check_not_constant(y, "Y")?;
    }

    let raw_nats = ksg_nats(x, y, options)?;
    let mut estimate = Estimate::from_nats(name, Quantity::MutualInformation, raw_nats, n);
    let settings = NeighborSettings {
        k: options.k,
        standardize: options.standardize,
        jitter_scale: options.jitter_scale,
        jitter_seed: options.jitter_seed,
    };
    describe_neighbors(&mut estimate, x, y, &settings);
    estimate.set_ceiling(nats_to_bits(ceiling_nats(n, options.k)));
    tracing::debug!(
        estimator = name,
        n,
        k = options.k,
        raw_bits = estimate.raw_bits,
        "KSG estimate"
    );

    interval::attach(&mut estimate, x, y, &options.interval, |xs, ys| {
        ksg_nats(xs, ys, options).map(nats_to_bits)
    })?;
    Ok(estimate)
}

/// Returns the value KSG returns for Y = X with ties broken, ψ(N) − ψ(k) − 1/k nats, for
/// both variants.
///
/// The k joint neighbors of a row are then also its nearest marginal neighbors. For KSG1 the
/// k-th neighbor sits at distance εᵢ in one coordinate and, after the jitter, just inside it in
/// the other, so n_x + n_y = 2k − 1 and the value is ψ(k) + ψ(N) − ψ(k) − ψ(k + 1). For KSG2,
/// n_x = n_y = k. Without ties broken KSG1 can reach ψ(N) − ψ(k), its largest possible value.
pub fn ceiling_nats(n: usize, k: usize) -> f64 {
    digamma_int(n) - digamma_int(k) - 1.0 / k as f64
}

/// Computes the raw KSG value in nats, without checks beyond those a subsample can fail.
fn ksg_nats(x: ArrayView2<f64>, y: ArrayView2<f64>, options: &KsgOptions) -> Result<f64> {
    let n = x.nrows();
    let k = options.k;
    input::check_k(options.variant.name(), n, k)?;
    let (xs, ys) = prepare_pair(
        x,
        y,
        options.standardize,
        options.jitter_scale,
        options.jitter_seed,
    )?;
    let dx = xs.ncols();
    let joint = ndarray::concatenate(Axis(1), &[xs.view(), ys.view()])
        .expect("x and y have equal row counts");
    let d = joint.ncols();
    let psi = digamma_table(n + 1);

    let mean_marginal = match options.variant {
        KsgVariant::Ksg1 => {
            let eps = neighbors::kth_distance(joint.view(), k);
            let nx = neighbors::count_within(xs.view(), &eps, true);
            let ny = neighbors::count_within(ys.view(), &eps, true);
            mean_digamma_sum(&psi, &nx, &ny, 1)
        }
        KsgVariant::Ksg2 => {
            let neighbors = neighbors::nearest(joint.view(), k);
            let eps_x = neighbors::neighbor_radius(joint.view(), &neighbors, k, 0..dx);
            let eps_y = neighbors::neighbor_radius(joint.view(), &neighbors, k, dx..d);
            let nx = neighbors::count_within(xs.view(), &eps_x, false);
            let ny = neighbors::count_within(ys.view(), &eps_y, false);
            mean_digamma_sum(&psi, &nx, &ny, 0)
        }
    };
    let value = match options.variant {
        KsgVariant::Ksg1 => psi[k] + psi[n] - mean_marginal,
        KsgVariant::Ksg2 => psi[k] - 1.0 / k as f64 + psi[n] - mean_marginal,
    };
    Ok(value)
}

/// Standardizes (optionally) and jitters X and Y, on jitter streams 0 and 1.
pub(crate) fn prepare_pair(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    standardize: bool,
    jitter_scale: f64,
    jitter_seed: u64,
) -> Result<(ndarray::Array2<f64>, ndarray::Array2<f64>)> {
    let prepare = |a: ArrayView2<f64>, variable: &'static str, stream: u64| {
        let mut out = if standardize {
            input::check_not_constant(a, variable)?;
            input::standardize(a)
        } else {
            a.to_owned()
        };
        input::add_jitter(&mut out, jitter_scale, jitter_seed, stream);
        Ok::<_, EstimateError>(out)
    };
    Ok((prepare(x, "X", 0)?, prepare(y, "Y", 1)?))
}

/// Returns ⟨ψ(n_x + shift) + ψ(n_y + shift)⟩, summed in row order.
fn mean_digamma_sum(psi: &[f64], nx: &[u32], ny: &[u32], shift: usize) -> f64 {
    let sum: f64 = nx
        .iter()
        .zip(ny)
        .map(|(&a, &b)| psi[a as usize + shift] + psi[b as usize + shift])
        .sum();
    sum / nx.len() as f64
}

/// Returns ψ(m) for m = 0..=max (entry 0 is −∞), by ψ(1) = −γ and ψ(m + 1) = ψ(m) + 1/m.
pub(crate) fn digamma_table(max: usize) -> Vec<f64> {
    const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;
    let mut table = Vec::with_capacity(max + 1);
    table.push(f64::NEG_INFINITY);
    let mut value = -EULER_GAMMA;
    for m in 1..=max {
        table.push(value);
        value += 1.0 / m as f64;
    }
    table
}

/// Returns ψ(m) for a positive integer m.
pub(crate) fn digamma_int(m: usize) -> f64 {
    statrs::function::gamma::digamma(m as f64)
}

/// Settings that every nearest-neighbor MI estimator records.
pub(crate) struct NeighborSettings {
    pub k: usize,
    pub standardize: bool,
    pub jitter_scale: f64,
    pub jitter_seed: u64,
}

/// Records the settings and adds the warnings that apply to every nearest-neighbor estimator.
pub(crate) fn describe_neighbors(
    estimate: &mut Estimate,
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    settings: &NeighborSettings,
) {
    let n = x.nrows();
    let duplicates = input::duplicate_rows(x, y);
    let jitter_scale = settings.jitter_scale;
    let details = &mut estimate.details;
    details.k = Some(settings.k);
    details.dims_x = Some(x.ncols());
    details.dims_y = Some(y.ncols());
    details.standardized = Some(settings.standardize);
    details.jitter_scale = Some(jitter_scale);
    details.jitter_seed = Some(settings.jitter_seed);
    details.duplicate_rows = Some(duplicates);
    if duplicates > 0 {
        let handling = if jitter_scale > 0.0 {
            "ties were broken by the seeded jitter, but copies of rows still look like local \
             dependence and bias the estimate upward"
        } else {
            "jitter is off, so zero distances make the estimate unreliable; enable jitter"
        };
        estimate.warnings.push(format!(
            "{duplicates} of {n} rows repeat an earlier (X, Y) row exactly: {handling}; for \
             discrete data use the miller-madow estimator"
        ));
    }
    for (a, variable) in [(x, "X"), (y, "Y")] {
        let (distinct, column) = input::fewest_distinct(a);
        if distinct * 10 < n {
            estimate.warnings.push(format!(
                "{variable} column {column} has only {distinct} distinct values in {n} rows: \
                 this estimator assumes continuous data; use miller-madow when X and Y are both \
                 discrete, or binned when only one is, with the discrete one as Y and \
                 `--y-discrete`"
            ));
        }
    }
    let d = x.ncols() + y.ncols();
    if d > neighbors::MAX_TREE_DIM {
        estimate.warnings.push(format!(
            "{d} joint dimensions: nearest-neighbor estimates are biased toward 0 in high \
             dimension; compare with the gaussian estimator or pairwise bounds"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digamma_table_matches_statrs() {
        let table = digamma_table(1000);
        for m in [1usize, 2, 3, 10, 999, 1000] {
            assert!((table[m] - digamma_int(m)).abs() < 1e-12, "m = {m}");
        }
    }
}
