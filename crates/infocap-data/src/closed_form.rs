//! Closed forms of the information quantities that the generators carry.
//!
//! Functions ending in `_nats` return natural-log units; [`nats_to_bits`] converts. Public
//! outputs of infocap are in bits, so every generator converts before writing its truth.
//!
//! ```text
//! Gaussian pair     I(X;Y) = ½ (ln det C_XX + ln det C_YY − ln det C)       (Cholesky log-det)
//! Equicorrelated    det((1−ρ) I_d + ρ 11ᵀ) = (1−ρ)^(d−1) (1 + (d−1) ρ)
//! Uniform noise     X ~ U(0,1), Y = X + U(−e, e), w = 2e:
//!                   I = w/2 − ln w for w ≤ 1, else 1/(2w)
//! Student-t         see `student_t_mi_nats` (Arellano-Valle, Contreras-Reyes, Genton 2013)
//! Label noise       H(Y|X) = H2(p) + p log2(C − 1)
//! Binary channel    I(B; B + N(0, s²)) = ln 2 − E ln(1 + exp(−2(1 + N)/s²)),  B uniform ±1
//! ```

use ndarray::{ArrayView2, s};
use statrs::function::gamma::{digamma, ln_gamma};

use crate::error::{DataError, Result};
use crate::linalg::{self, LinalgError};

/// Converts nats to bits.
pub fn nats_to_bits(nats: f64) -> f64 {
    nats / std::f64::consts::LN_2
}

/// Converts bits to nats.
pub fn bits_to_nats(bits: f64) -> f64 {
    bits * std::f64::consts::LN_2
}

/// Returns I(X;Y) in nats of a jointly Gaussian (X, Y) whose covariance `cov` has X in the first
/// `dim_x` rows and columns and Y in the rest.
///
/// # Errors
/// When `dim_x` leaves X or Y empty, when C_XX or C_YY is not positive definite, and when the
/// joint covariance is singular while both blocks are not: then Y is a deterministic linear
/// function of X and I(X;Y) is infinite, which the message states.
pub fn gaussian_mi_nats(cov: ArrayView2<f64>, dim_x: usize) -> Result<f64> {
    let dim = cov.nrows();
    if cov.ncols() != dim {
        return Err(DataError::invalid(
            "cov",
            format!("{}x{}", cov.nrows(), cov.ncols()),
            "the covariance must be a square matrix",
        ));
    }
    if dim_x == 0 || dim_x >= dim {
        return Err(DataError::invalid(
            "dim_x",
            dim_x,
            format!("X and Y need at least one dimension each in a {dim}x{dim} covariance"),
        ));
    }
    check_symmetric(cov)?;
    let block_log_det = |block: ArrayView2<f64>, name: &str| {
        linalg::cholesky_log_det(block).map_err(|error| {
            DataError::invalid(
                "cov",
                format!("{dim}x{dim} matrix"),
                format!("the {name} block is not a valid covariance: {error}"),
            )
        })
    };
    let log_det_x = block_log_det(cov.slice(s![..dim_x, ..dim_x]), "X")?;
    let log_det_y = block_log_det(cov.slice(s![dim_x.., dim_x..]), "Y")?;
    let log_det = match linalg::cholesky_log_det(cov) {
        Ok(value) => value,
        Err(LinalgError::NotPositiveDefinite { .. }) => {
            let (eigenvalues, _) = linalg::symmetric_eigen(cov)?;
            let smallest = eigenvalues[0];
            let scale = eigenvalues[dim - 1].abs().max(f64::MIN_POSITIVE);
            if smallest < -1e-10 * scale {
                return Err(DataError::invalid(
                    "cov",
                    format!("{dim}x{dim} matrix"),
                    format!(
                        "not positive definite: its smallest eigenvalue is {smallest:.4}, and a \
                         covariance has none below 0; check the correlations"
                    ),
                ));
            }
            return Err(DataError::invalid(
                "cov",
                format!("{dim}x{dim} matrix"),
                "the joint covariance is singular although the X and Y blocks are not, so Y \
                 is a deterministic linear function of X and I(X;Y) is infinite; add noise to \
                 Y or make the matrix positive definite",
            ));
        }
        Err(error) => return Err(error.into()),
    };
    Ok(0.5 * (log_det_x + log_det_y - log_det))
}

fn check_symmetric(cov: ArrayView2<f64>) -> Result<()> {
    for ((i, j), &value) in cov.indexed_iter() {
        let mirror = cov[(j, i)];
        if (value - mirror).abs() > 1e-12 * (1.0 + value.abs()) {
            return Err(DataError::invalid(
                "cov",
                format!("entry ({i}, {j}) = {value}"),
                format!("a covariance must be symmetric but entry ({j}, {i}) = {mirror}"),
            ));
        }
    }
    Ok(())
}

/// Returns I(X;Y) in nats for a bivariate normal pair with correlation `rho`: −½ ln(1 − ρ²).
pub fn bivariate_gaussian_mi_nats(rho: f64) -> f64 {
    -0.5 * (-rho * rho).ln_1p()
}

/// Returns ln det of the d×d equicorrelated matrix (1 − ρ) I + ρ 11ᵀ, or `None` when it is not
/// positive definite (ρ outside (−1/(d−1), 1)).
pub fn equicorrelated_log_det(dim: usize, rho: f64) -> Option<f64> {
    let d = dim as f64;
    let spread = 1.0 - rho;
    let along_ones = 1.0 + (d - 1.0) * rho;
    if dim == 0 || (dim > 1 && spread <= 0.0) || along_ones <= 0.0 {
        return None;
    }
    Some((d - 1.0) * spread.ln() + along_ones.ln())
}

/// Returns I(X;Y) in nats when all `dim_x + dim_y` coordinates have unit variance and every pair
/// has correlation `rho`, or `None` when that matrix is not positive definite.
pub fn equicorrelated_gaussian_mi_nats(dim_x: usize, dim_y: usize, rho: f64) -> Option<f64> {
    let joint = equicorrelated_log_det(dim_x + dim_y, rho)?;
    let x = equicorrelated_log_det(dim_x, rho)?;
    let y = equicorrelated_log_det(dim_y, rho)?;
    Some(0.5 * (x + y - joint))
}

/// Returns I(X;Y) in nats for `pairs` independent bivariate normal pairs of correlation `rho`.
pub fn paired_gaussian_mi_nats(pairs: usize, rho: f64) -> f64 {
    pairs as f64 * bivariate_gaussian_mi_nats(rho)
}

/// Returns I(X;Y) in nats for X ~ U(0, 1) and Y = X + N with N ~ U(−e, e).
///
/// With w = 2e: I = w/2 − ln w when w ≤ 1 and 1/(2w) otherwise (the density of Y is a
/// trapezoid, h(N) = ln w).
pub fn additive_uniform_mi_nats(half_width: f64) -> f64 {
    let width = 2.0 * half_width;
    if width <= 1.0 {
        width / 2.0 - width.ln()
    } else {
        1.0 / (2.0 * width)
    }
}

/// Returns I(X;Y) in nats for a multivariate Student-t vector with `nu` degrees of freedom and
/// identity scale, split into X of `dim_x` and Y of `dim_y` coordinates.
///
/// ```text
/// I = lnΓ(ν/2) − lnΓ((ν+m)/2) − lnΓ((ν+n)/2) + lnΓ((ν+m+n)/2)
///   + (ν+m)/2 [ψ((ν+m)/2) − ψ(ν/2)] + (ν+n)/2 [ψ((ν+n)/2) − ψ(ν/2)]
///   − (ν+m+n)/2 [ψ((ν+m+n)/2) − ψ(ν/2)]
/// ```
/// X and Y are uncorrelated but dependent through the shared χ² scale, so I > 0.
pub fn student_t_mi_nats(nu: f64, dim_x: usize, dim_y: usize) -> f64 {
    let m = dim_x as f64;
    let n = dim_y as f64;
    let half = |a: f64| a / 2.0;
    let psi0 = digamma(half(nu));
    let term = |a: f64| half(a) * (digamma(half(a)) - psi0);
    ln_gamma(half(nu)) - ln_gamma(half(nu + m)) - ln_gamma(half(nu + n))
        + ln_gamma(half(nu + m + n))
        + term(nu + m)
        + term(nu + n)
        - term(nu + m + n)
}

/// Returns the binary entropy H2(p) = −p log2 p − (1 − p) log2(1 − p) in bits.
pub fn binary_entropy_bits(p: f64) -> f64 {
    let plogp = |q: f64| if q <= 0.0 { 0.0 } else { q * q.log2() };
    -plogp(p) - plogp(1.0 - p)
}

/// Returns H(Y|X) in bits when a deterministic label is replaced, with probability `p`, by one
/// of the other `classes − 1` classes chosen uniformly: H2(p) + p log2(C − 1).
pub fn label_noise_entropy_bits(p: f64, classes: usize) -> f64 {
    let others = classes.saturating_sub(1).max(1) as f64;
    binary_entropy_bits(p) + p * others.log2()
}

/// Returns the Shannon entropy in bits of a probability vector (zeros contribute nothing).
pub fn entropy_bits(probabilities: &[f64]) -> f64 {
    probabilities
        .iter()
        .filter(|&&p| p > 0.0)
        .map(|&p| -p * p.log2())
        .sum()
}

/// Returns ln(1 + eˣ) without overflow.
pub(crate) fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// Returns I(B; B + N) in nats for B uniform on {−1, +1} and N ~ N(0, s²), by Simpson
/// quadrature over the noise (error below 1e-10 nats).
///
/// I = ln 2 − E_N ln(1 + exp(−2(1 + N)/s²)); it is ln 2 at s = 0.
pub fn binary_gaussian_mi_nats(noise_std: f64) -> f64 {
    if noise_std == 0.0 {
        return std::f64::consts::LN_2;
    }
    let variance = noise_std * noise_std;
    let loss = expect_over_noise(noise_std, |n| softplus(-2.0 * (1.0 + n) / variance));
    std::f64::consts::LN_2 - loss
}

/// Returns I(A; A + N) in nats for A uniform on the `levels` odd integers −(L−1), ..., L−1 and
/// N ~ N(0, s²), by Simpson quadrature (the pulse-amplitude channel; 2 levels give
/// [`binary_gaussian_mi_nats`]).
pub fn pam_gaussian_mi_nats(levels: usize, noise_std: f64) -> f64 {
    let count = levels as f64;
    if noise_std == 0.0 || levels <= 1 {
        return count.ln();
    }
    let variance = noise_std * noise_std;
    let amplitudes: Vec<f64> = (0..levels)
        .map(|i| 2.0 * i as f64 - (count - 1.0))
        .collect();
    let mut loss = 0.0;
    for &sent in &amplitudes {
        loss += expect_over_noise(noise_std, |n| {
            log_sum_exp(
                amplitudes
                    .iter()
                    .map(|&other| -((n + sent - other).powi(2) - n * n) / (2.0 * variance)),
            )
        });
    }
    count.ln() - loss / count
}

/// Returns ln Σ exp(values) computed stably.
pub(crate) fn log_sum_exp(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let max = values.clone().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return max;
    }
    max + values.map(|v| (v - max).exp()).sum::<f64>().ln()
}

/// Returns E f(N) for N ~ N(0, s²) by composite Simpson quadrature on ±14 s.
fn expect_over_noise(noise_std: f64, f: impl Fn(f64) -> f64) -> f64 {
    const INTERVALS: usize = 40_000;
    let half_range = 14.0 * noise_std;
    let step = 2.0 * half_range / INTERVALS as f64;
    let density = |n: f64| {
        (-(n * n) / (2.0 * noise_std * noise_std)).exp()
            / (noise_std * (2.0 * std::f64::consts::PI).sqrt())
    };
    let mut total = 0.0;
    for i in 0..=INTERVALS {
        let n = -half_range + i as f64 * step;
        let weight = if i == 0 || i == INTERVALS {
            1.0
        } else if i % 2 == 1 {
            4.0
        } else {
            2.0
        };
        total += weight * density(n) * f(n);
    }
    total * step / 3.0
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;
    use ndarray::{Array2, array};

    use super::*;

    const TOLERANCE_NATS: f64 = 1e-4;

    #[test]
    fn bivariate_reference_value() {
        let nats = bivariate_gaussian_mi_nats(0.75);
        assert_abs_diff_eq!(nats, 0.4133, epsilon = TOLERANCE_NATS);
        assert_abs_diff_eq!(nats_to_bits(nats), 0.5963, epsilon = TOLERANCE_NATS);
    }

    #[test]
    fn dense_reference_values() {
        for (dim, expected) in [
            (1, 0.1438),
            (2, 0.2939),
            (3, 0.4133),
            (5, 0.5928),
            (25, 1.2922),
            (50, 1.6243),
        ] {
            let closed = equicorrelated_gaussian_mi_nats(dim, dim, 0.5).unwrap();
            assert_abs_diff_eq!(closed, expected, epsilon = TOLERANCE_NATS);
            let mut cov = Array2::from_elem((2 * dim, 2 * dim), 0.5);
            cov.diag_mut().fill(1.0);
            let cholesky = gaussian_mi_nats(cov.view(), dim).unwrap();
            assert_abs_diff_eq!(cholesky, expected, epsilon = TOLERANCE_NATS);
        }
    }

    #[test]
    fn paired_adds_up_pairs() {
        let one = bivariate_gaussian_mi_nats(0.6);
        assert_abs_diff_eq!(paired_gaussian_mi_nats(3, 0.6), 3.0 * one, epsilon = 1e-15);
        let cov = array![
            [1.0, 0.0, 0.6, 0.0],
            [0.0, 1.0, 0.0, 0.6],
            [0.6, 0.0, 1.0, 0.0],
            [0.0, 0.6, 0.0, 1.0]
        ];
        assert_abs_diff_eq!(
            gaussian_mi_nats(cov.view(), 2).unwrap(),
            2.0 * one,
            epsilon = 1e-12
        );
    }

    #[test]
    fn equicorrelated_outside_range_is_none() {
        assert!(equicorrelated_gaussian_mi_nats(2, 2, -0.4).is_none());
        assert!(equicorrelated_gaussian_mi_nats(1, 1, 1.0).is_none());
        assert!(equicorrelated_gaussian_mi_nats(2, 2, -0.3).is_some());
    }

    #[test]
    fn singular_joint_covariance_means_infinite_information() {
        let cov = array![[1.0, 1.0], [1.0, 1.0]];
        let error = gaussian_mi_nats(cov.view(), 1).unwrap_err().to_string();
        assert!(error.contains("I(X;Y) is infinite"), "{error}");
    }

    #[test]
    fn indefinite_joint_covariance_is_not_called_singular() {
        let cov = array![[1.0, 2.0], [2.0, 1.0]];
        let error = gaussian_mi_nats(cov.view(), 1).unwrap_err().to_string();
        assert!(error.contains("smallest eigenvalue is -1.0000"), "{error}");
    }

    #[test]
    fn asymmetric_covariance_is_rejected() {
        let cov = array![[1.0, 0.5], [0.4, 1.0]];
        let error = gaussian_mi_nats(cov.view(), 1).unwrap_err().to_string();
        assert!(error.contains("must be symmetric"), "{error}");
    }

    #[test]
    fn indefinite_block_is_rejected() {
        let cov = array![[1.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        let error = gaussian_mi_nats(cov.view(), 2).unwrap_err().to_string();
        assert!(
            error.contains("X block is not a valid covariance"),
            "{error}"
        );
    }

    #[test]
    fn additive_uniform_reference_values() {
        assert_abs_diff_eq!(
            additive_uniform_mi_nats(0.1),
            1.7094,
            epsilon = TOLERANCE_NATS
        );
        assert_abs_diff_eq!(
            additive_uniform_mi_nats(0.75),
            0.3333,
            epsilon = TOLERANCE_NATS
        );
        // Both branches meet at w = 1 (e = 0.5), where I = 1/2.
        assert_abs_diff_eq!(additive_uniform_mi_nats(0.5), 0.5, epsilon = 1e-15);
    }

    #[test]
    fn student_t_reference_values() {
        for (nu, dim, expected) in [
            (1.0, 1, 0.2242),
            (1.0, 2, 0.4319),
            (2.0, 2, 0.1931),
            (2.0, 3, 0.2909),
            (3.0, 3, 0.1787),
            (2.0, 5, 0.4482),
            (3.0, 5, 0.2985),
        ] {
            let value = student_t_mi_nats(nu, dim, dim);
            assert_abs_diff_eq!(value, expected, epsilon = TOLERANCE_NATS);
        }
    }

    #[test]
    fn student_t_vanishes_with_many_degrees_of_freedom() {
        assert!(student_t_mi_nats(1e6, 2, 2) < 1e-5);
    }

    #[test]
    fn binary_entropy_values() {
        assert_abs_diff_eq!(binary_entropy_bits(0.5), 1.0, epsilon = 1e-15);
        assert_abs_diff_eq!(binary_entropy_bits(0.0), 0.0, epsilon = 1e-15);
        assert_abs_diff_eq!(binary_entropy_bits(0.11), 0.4999, epsilon = 1e-4);
    }

    #[test]
    fn label_noise_entropy_values() {
        // p = 0.2 over 10 classes: H2(0.2) + 0.2 log2 9.
        let expected = 0.721_928_094_887_362_4 + 0.2 * 9f64.log2();
        assert_abs_diff_eq!(label_noise_entropy_bits(0.2, 10), expected, epsilon = 1e-12);
        // Two classes: the flip is the only other class.
        assert_abs_diff_eq!(
            label_noise_entropy_bits(0.1, 2),
            binary_entropy_bits(0.1),
            epsilon = 1e-15
        );
        // Uniform relabelling over all C classes, p = (C-1)/C, leaves log2 C bits.
        assert_abs_diff_eq!(label_noise_entropy_bits(0.75, 4), 2.0, epsilon = 1e-12);
    }

    #[test]
    fn binary_channel_limits_and_midpoint() {
        assert_abs_diff_eq!(binary_gaussian_mi_nats(0.0), 2f64.ln(), epsilon = 1e-15);
        assert_abs_diff_eq!(binary_gaussian_mi_nats(0.05), 2f64.ln(), epsilon = 1e-9);
        // At low SNR = 1/s², I = SNR/2 − SNR²/4 + O(SNR³) nats.
        let s = 10.0;
        let snr = 1.0 / (s * s);
        let series = snr / 2.0 - snr * snr / 4.0;
        assert_abs_diff_eq!(binary_gaussian_mi_nats(s), series, epsilon = 1e-6);
        // At SNR 1 (s = 1) the binary-input AWGN capacity is 0.4860 bits.
        assert_abs_diff_eq!(
            nats_to_bits(binary_gaussian_mi_nats(1.0)),
            0.4860,
            epsilon = 1e-4
        );
    }

    #[test]
    fn pam_with_two_levels_is_the_binary_channel() {
        for s in [0.3, 1.0, 2.5] {
            assert_abs_diff_eq!(
                pam_gaussian_mi_nats(2, s),
                binary_gaussian_mi_nats(s),
                epsilon = 1e-10
            );
        }
        assert_abs_diff_eq!(pam_gaussian_mi_nats(8, 0.01), 8f64.ln(), epsilon = 1e-9);
    }
}
