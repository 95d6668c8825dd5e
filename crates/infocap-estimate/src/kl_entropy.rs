//! The Kozachenko-Leonenko nearest-neighbor estimator of differential entropy, and the mutual
//! information it gives as H(X) + H(Y) − H(X, Y).
//!
//! Kozachenko and Leonenko 1987; in the max-norm form of Kraskov, Stögbauer and Grassberger
//! 2004, eq. (20), where the ball of radius r in d dimensions has volume (2r)^d. With rᵢ the
//! distance from row i to its k-th nearest neighbor, in nats:
//!
//! ```text
//! h(X) = ψ(N) − ψ(k) + (d/N) Σᵢ ln(2 rᵢ)
//! ```
//!
//! Differential entropy depends on the units of X, so [`kl_entropy`] does not standardize.
//! [`kl_mi`] does, because the three entropies shift by the same log-scale and MI does not
//! change. The three-entropy MI uses different neighbor radii in each space, so its errors do
//! not cancel the way KSG's do; KSG is usually less biased (Kraskov et al. 2004, section II).

use ndarray::{ArrayView2, Axis};

use crate::error::{EstimateError, Result};
use crate::estimate::{Estimate, Quantity, nats_to_bits};
use crate::input;
use crate::interval::{self, IntervalOptions};
use crate::ksg::{self, digamma_int};
use crate::neighbors;

/// Settings of [`kl_entropy`] and [`kl_mi`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KlOptions {
    /// Number of neighbors.
    pub k: usize,
    /// Standardize columns first ([`kl_mi`] only).
    pub standardize: bool,
    /// Half-width of the tie-breaking jitter relative to each column's scale; 0 disables it.
    pub jitter_scale: f64,
    pub jitter_seed: u64,
    pub interval: IntervalOptions,
}

impl Default for KlOptions {
    fn default() -> Self {
        KlOptions {
            k: 3,
            standardize: true,
            jitter_scale: input::DEFAULT_JITTER_SCALE,
            jitter_seed: 0,
            interval: IntervalOptions::default(),
        }
    }
}

/// Estimates the differential entropy h(X) in bits (not clipped: it may be negative).
///
/// # Errors
/// An empty X, NaN or infinite values, N ≤ k, or duplicate rows with jitter disabled (their
/// neighbor distance 0 makes h = −∞).
pub fn kl_entropy(x: ArrayView2<f64>, options: &KlOptions) -> Result<Estimate> {
    input::check_one(x, "X")?;
    input::check_jitter(options.jitter_scale)?;
    let n = x.nrows();
    input::check_k("kl", n, options.k)?;
    let entropy = |a: ArrayView2<f64>| {
        let mut jittered = a.to_owned();
        input::add_jitter(&mut jittered, options.jitter_scale, options.jitter_seed, 0);
        entropy_nats(jittered.view(), options.k)
    };
    let raw_nats = entropy(x)?;
    let mut estimate = Estimate::from_nats("kl", Quantity::DifferentialEntropy, raw_nats, n);
    estimate.details.k = Some(options.k);
    estimate.details.dims_x = Some(x.ncols());
    estimate.details.jitter_scale = Some(options.jitter_scale);
    estimate.details.jitter_seed = Some(options.jitter_seed);
    interval::attach(&mut estimate, x, x, &options.interval, |xs, _| {
        entropy(xs).map(nats_to_bits)
    })?;
    Ok(estimate)
}

/// Estimates I(X;Y) = h(X) + h(Y) − h(X, Y) in bits with Kozachenko-Leonenko entropies.
///
/// # Errors
/// As [`crate::ksg::ksg`].
pub fn kl_mi(x: ArrayView2<f64>, y: ArrayView2<f64>, options: &KlOptions) -> Result<Estimate> {
    let n = input::check_pair(x, y)?;
    input::check_k("kl", n, options.k)?;
    input::check_jitter(options.jitter_scale)?;
    if options.standardize {
        input::check_not_constant(x, "X")?;
        input::check_not_constant(y, "Y")?;
    }
    let raw_nats = kl_mi_nats(x, y, options)?;
    let mut estimate = Estimate::from_nats("kl", Quantity::MutualInformation, raw_nats, n);
    let settings = ksg::NeighborSettings {
        k: options.k,
        standardize: options.standardize,
        jitter_scale: options.jitter_scale,
        jitter_seed: options.jitter_seed,
    };
    ksg::describe_neighbors(&mut estimate, x, y, &settings);
    // For Y = X the joint neighbors lie on the diagonal at the marginal distances, so the
    // three entropies leave ψ(N) − ψ(k), the KSG1 ceiling.
    estimate.set_ceiling(nats_to_bits(digamma_int(n) - digamma_int(options.k)));
    interval::attach(&mut estimate, x, y, &options.interval, |xs, ys| {
        kl_mi_nats(xs, ys, options).map(nats_to_bits)
    })?;
    Ok(estimate)
}

fn kl_mi_nats(x: ArrayView2<f64>, y: ArrayView2<f64>, options: &KlOptions) -> Result<f64> {
    input::check_k("kl", x.nrows(), options.k)?;
    let (xs, ys) = ksg::prepare_pair(
        x,
        y,
        options.standardize,
        options.jitter_scale,
        options.jitter_seed,
    )?;
    let joint = ndarray::concatenate(Axis(1), &[xs.view(), ys.view()])
        .expect("x and y have equal row counts");
    let h_x = entropy_nats(xs.view(), options.k)?;
    let h_y = entropy_nats(ys.view(), options.k)?;
    let h_joint = entropy_nats(joint.view(), options.k)?;
    Ok(h_x + h_y - h_joint)
}

/// Returns the Kozachenko-Leonenko entropy in nats of the rows of `points` (already jittered).
fn entropy_nats(points: ArrayView2<f64>, k: usize) -> Result<f64> {
    let n = points.nrows();
    input::check_k("kl", n, k)?;
    let d = points.ncols();
    let radii = neighbors::kth_distance(points, k);
    if let Some(row) = radii.iter().position(|&r| r == 0.0) {
        return Err(EstimateError::invalid(
            "jitter_scale",
            0,
            &format!(
                "row {row} has {k} exact copies, so its neighbor distance is 0 and the entropy \
                 is -infinity; enable the jitter or use a discrete estimator"
            ),
        ));
    }
    let mean_log = radii.iter().map(|r| (2.0 * r).ln()).sum::<f64>() / n as f64;
    Ok(digamma_int(n) - digamma_int(k) + d as f64 * mean_log)
}
