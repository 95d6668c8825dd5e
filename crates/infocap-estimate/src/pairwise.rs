//! Pairwise-distance bounds on I(X;T) for a noisy layer T = f(X) + Z, Z ~ N(0, s²I), with N
//! equiprobable inputs.
//!
//! Kolchinsky and Tracey 2017, "Estimating mixture entropy with pairwise distances", Entropy
//! 19(7), 361. With μᵢ = f(xᵢ) and Dᵢⱼ = ‖μᵢ − μⱼ‖², in nats:
//!
//! ```text
//! upper  I_KL = −(1/N) Σᵢ ln[(1/N) Σⱼ exp(−Dᵢⱼ / (2s²))]   (KL divergence between components)
//! lower  I_BD = −(1/N) Σᵢ ln[(1/N) Σⱼ exp(−Dᵢⱼ / (8s²))]   (Bhattacharyya distance)
//! ```
//!
//! Both lie in [0, ln N]. All distances come from one matrix product per block of rows,
//! Dᵢⱼ = ‖μᵢ‖² + ‖μⱼ‖² − 2 μᵢ·μⱼ, after centering the means to limit cancellation. The inner sum
//! is a log-sum-exp whose largest term is exp(0) = 1 at j = i, so it neither overflows nor
//! underflows to ln 0. Rows are processed in blocks of 512 and reduced in row order, so
//! the result does not depend on the thread count.

use ndarray::{Array1, ArrayView2, Axis, s};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{EstimateError, Result};
use crate::estimate::nats_to_bits;
use crate::input;

/// Rows per matrix product, which bounds memory at BLOCK × N distances.
const BLOCK: usize = 512;

/// Lower and upper bounds on I(X;T).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    /// Bhattacharyya bound in bits.
    pub lower_bits: f64,
    /// KL bound in bits.
    pub upper_bits: f64,
    /// The same bounds in nats.
    pub lower_nats: f64,
    pub upper_nats: f64,
    /// Number of inputs (rows of the means).
    pub n: usize,
    /// Standard deviation of the Gaussian noise.
    pub noise_std: f64,
}

/// Bounds I(X;T) for T = μ(X) + N(0, s²I), X uniform over the rows of `means`.
///
/// # Errors
/// Empty means, NaN or infinite values, or a noise standard deviation that is not positive and
/// finite.
pub fn pairwise_bounds(means: ArrayView2<f64>, noise_std: f64) -> Result<Bounds> {
    input::check_one(means, "means")?;
    if !(noise_std.is_finite() && noise_std > 0.0) {
        return Err(EstimateError::invalid(
            "noise_std",
            noise_std,
            "use a positive, finite noise standard deviation",
        ));
    }
    let n = means.nrows();
    let center = means.mean_axis(Axis(0)).expect("means has rows");
    let centered = &means - &center;
    let norms: Array1<f64> = centered.rows().into_iter().map(|r| r.dot(&r)).collect();
    let scale_kl = -1.0 / (2.0 * noise_std * noise_std);

    let mut per_row = vec![(0.0, 0.0); n];
    for start in (0..n).step_by(BLOCK) {
        let end = (start + BLOCK).min(n);
        let gram = centered.slice(s![start..end, ..]).dot(&centered.t());
        per_row[start..end]
            .par_iter_mut()
            .enumerate()
            .for_each(|(offset, out)| {
                let i = start + offset;
                let row = gram.row(offset);
                let (mut sum_kl, mut sum_bd) = (0.0, 0.0);
                for (j, &g) in row.iter().enumerate() {
                    let distance = if j == i {
                        0.0
                    } else {
                        (norms[i] + norms[j] - 2.0 * g).max(0.0)
                    };
                    // exp(−D/(2s²)) is the fourth power of exp(−D/(8s²)).
                    let bd = (distance * scale_kl / 4.0).exp();
                    let bd2 = bd * bd;
                    sum_kl += bd2 * bd2;
                    sum_bd += bd;
                }
                *out = (sum_kl.ln(), sum_bd.ln());
            });
    }
    let ln_n = (n as f64).ln();
    let upper_nats = ln_n - per_row.iter().map(|r| r.0).sum::<f64>() / n as f64;
    let lower_nats = ln_n - per_row.iter().map(|r| r.1).sum::<f64>() / n as f64;
    Ok(Bounds {
        lower_bits: nats_to_bits(lower_nats),
        upper_bits: nats_to_bits(upper_nats),
        lower_nats,
        upper_nats,
        n,
        noise_std,
    })
}
