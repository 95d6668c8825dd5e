//! `gaussian`: jointly normal X (dim m) and Y (dim n) with a known covariance C.
//!
//! I(X;Y) = ½ (ln det C_XX + ln det C_YY − ln det C) nats. Structures:
//! - `dense`: unit variances and every pair of coordinates correlated by ρ (m = n = 1 is the
//!   bivariate case, I = −½ ln(1 − ρ²));
//! - `paired`: X_i and Y_i correlated by ρ for i < min(m, n), all else independent, so
//!   I = −(min(m, n)/2) ln(1 − ρ²) (a sparse cross-covariance);
//! - `custom`: the matrix `cov`, X its first m coordinates.
//!
//! Rows are L z with C = L Lᵀ (Cholesky) and z standard normal.

use ndarray::{Array2, s};
use rand_distr::{Distribution, StandardNormal};

use super::chunks::{self, Layout};
use super::params::{ParamDefault, ParamKind, ParamSpec, ValidParams};
use super::{FamilySpec, Generated, TRANSFORM_PARAMS, note_transforms, quantity_nats, transforms};
use crate::closed_form::{
    equicorrelated_gaussian_mi_nats, gaussian_mi_nats, paired_gaussian_mi_nats,
};
use crate::error::{DataError, Result};
use crate::linalg;

pub(crate) const SPEC: FamilySpec = FamilySpec {
    name: "gaussian",
    description: "jointly normal X and Y (dense, paired or custom covariance); truth I(X;Y) \
                  from Cholesky log-determinants",
    params: &[
        ParamSpec {
            name: "structure",
            default: ParamDefault::Text("dense"),
            kind: ParamKind::Choice(&["dense", "paired", "custom"]),
            help: "dense: all pairs correlated by rho; paired: X_i with Y_i only; custom: cov",
        },
        ParamSpec {
            name: "dim_x",
            default: ParamDefault::Int(1),
            kind: ParamKind::Int { min: 1, max: 4096 },
            help: "dimension of X",
        },
        ParamSpec {
            name: "dim_y",
            default: ParamDefault::Int(1),
            kind: ParamKind::Int { min: 1, max: 4096 },
            help: "dimension of Y",
        },
        ParamSpec {
            name: "rho",
            default: ParamDefault::Float(0.75),
            kind: ParamKind::Float {
                min: -1.0,
                max: 1.0,
                min_open: true,
                max_open: true,
            },
            help: "correlation of the dense and paired structures",
        },
        ParamSpec {
            name: "cov",
            default: ParamDefault::Derived("none; required by structure = custom"),
            kind: ParamKind::Matrix,
            help: "covariance of (X, Y), (dim_x + dim_y) square, symmetric positive definite",
        },
        TRANSFORM_PARAMS[0],
        TRANSFORM_PARAMS[1],
    ],
    sample,
    default_n: |_| 10_000,
};

fn sample(params: &mut ValidParams, n: usize, seed: u64) -> Result<Generated> {
    let dim_x = params.usize("dim_x");
    let dim_y = params.usize("dim_y");
    let dim = dim_x + dim_y;
    let rho = params.f64("rho");
    let structure = params.text("structure").to_string();
    let (transform_x, transform_y) = transforms(params, dim_x, dim_y)?;
    if structure != "custom" && params.matrix("cov").is_some() {
        return Err(DataError::invalid(
            "cov",
            "a matrix",
            format!(
                "cov is read only with structure = custom, not {structure}; add --set structure=custom"
            ),
        ));
    }
    let (cov, nats, formula) = covariance(params, &structure, dim_x, dim_y, rho)?;
    let factor = linalg::cholesky(cov.view())?;
    let layout = Layout {
        x_dim: dim_x,
        y_dim: dim_y,
        labels: false,
        symbols: false,
    };
    let samples = chunks::fill(n, layout, seed, |rng, mut rows| {
        let normals = Array2::from_shape_simple_fn((rows.len(), dim), || -> f64 {
            StandardNormal.sample(rng)
        });
        let joint = normals.dot(&factor.t());
        rows.x.assign(&joint.slice(s![.., ..dim_x]));
        rows.y.assign(&joint.slice(s![.., dim_x..]));
        transform_x.apply(rows.x.view_mut());
        transform_y.apply(rows.y.view_mut());
    })?;
    Ok(Generated {
        samples,
        n_classes: None,
        primary: quantity_nats(
            "I(X;Y)",
            nats,
            note_transforms(formula, transform_x, transform_y),
        ),
        others: Vec::new(),
    })
}

/// Builds the covariance of (X, Y) for `structure` and returns it with I(X;Y) in nats and the
/// formula used.
fn covariance(
    params: &ValidParams,
    structure: &str,
    dim_x: usize,
    dim_y: usize,
    rho: f64,
) -> Result<(Array2<f64>, f64, String)> {
    let dim = dim_x + dim_y;
    match structure {
        "dense" => {
            let nats = equicorrelated_gaussian_mi_nats(dim_x, dim_y, rho).ok_or_else(|| {
                DataError::invalid(
                    "rho",
                    rho,
                    format!(
                        "the dense covariance of {dim} coordinates is positive definite only for \
                         rho in ({:.4}, 1); raise rho or use structure = paired",
                        -1.0 / (dim as f64 - 1.0)
                    ),
                )
            })?;
            let mut cov = Array2::from_elem((dim, dim), rho);
            cov.diag_mut().fill(1.0);
            let formula = "0.5 (ln det C_XX + ln det C_YY - ln det C) with \
                           det((1 - rho) I_d + rho 11^T) = (1 - rho)^(d-1) (1 + (d-1) rho)";
            Ok((cov, nats, formula.to_string()))
        }
        "paired" => {
            let pairs = dim_x.min(dim_y);
            let mut cov = Array2::<f64>::eye(dim);
            for i in 0..pairs {
                cov[(i, dim_x + i)] = rho;
                cov[(dim_x + i, i)] = rho;
            }
            let formula = format!("-({pairs}/2) ln(1 - rho^2): {pairs} independent pairs");
            Ok((cov, paired_gaussian_mi_nats(pairs, rho), formula))
        }
        _ => {
            let rows = params.matrix("cov").ok_or_else(|| {
                DataError::invalid(
                    "cov",
                    "missing",
                    "structure = custom needs the covariance, such as \
                     --set 'cov=[[1, 0.5], [0.5, 1]]' with dim_x and dim_y adding up to its size",
                )
            })?;
            if rows.len() != dim || rows.iter().any(|row| row.len() != dim) {
                return Err(DataError::invalid(
                    "cov",
                    format!("{}x{} matrix", rows.len(), rows[0].len()),
                    format!(
                        "dim_x + dim_y = {dim}, so cov must be {dim}x{dim}; \
                         set dim_x and dim_y to split the matrix"
                    ),
                ));
            }
            let cov = Array2::from_shape_fn((dim, dim), |(i, j)| rows[i][j]);
            let nats = gaussian_mi_nats(cov.view(), dim_x)?;
            let formula = "0.5 (ln det C_XX + ln det C_YY - ln det C), Cholesky log-determinants";
            Ok((cov, nats, formula.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, Axis, concatenate};

    use super::super::{Params, generate};

    fn sample_covariance(x: &Array2<f64>) -> Array2<f64> {
        let mean = x.mean_axis(Axis(0)).unwrap();
        let centered = x - &mean;
        centered.t().dot(&centered) / (x.nrows() as f64 - 1.0)
    }

    #[test]
    fn bivariate_truth_matches_reference() {
        let data = generate("gaussian", &Params::new(), 10, 0).unwrap();
        let truth = data.truth.unwrap();
        assert!((truth.primary.nats - 0.4133).abs() < 1e-4);
        assert!((truth.primary.bits - 0.5963).abs() < 1e-4);
        assert_eq!(truth.primary.stderr_bits, 0.0);
    }

    #[test]
    fn sample_covariance_matches_dense_recipe() {
        let params = Params::new()
            .with("dim_x", 2)
            .with("dim_y", 3)
            .with("rho", 0.5);
        let data = generate("gaussian", &params, 40_000, 12).unwrap();
        let joint = concatenate![Axis(1), data.x, data.y.unwrap()];
        let cov = sample_covariance(&joint);
        for ((i, j), value) in cov.indexed_iter() {
            let expected = if i == j { 1.0 } else { 0.5 };
            // Standard error of a sample covariance near 1/sqrt(n) = 0.005.
            assert!((value - expected).abs() < 0.03, "({i}, {j}): {value}");
        }
    }

    #[test]
    fn sample_covariance_matches_custom_recipe() {
        let cov = vec![
            vec![2.0, 0.3, 0.8],
            vec![0.3, 1.0, -0.2],
            vec![0.8, -0.2, 1.5],
        ];
        let params = Params::new()
            .with("structure", "custom")
            .with("dim_x", 2)
            .with("dim_y", 1)
            .with("cov", cov.clone());
        let data = generate("gaussian", &params, 40_000, 5).unwrap();
        let joint = concatenate![Axis(1), data.x, data.y.unwrap()];
        let sample = sample_covariance(&joint);
        for ((i, j), value) in sample.indexed_iter() {
            assert!((value - cov[i][j]).abs() < 0.05, "({i}, {j}): {value}");
        }
    }

    #[test]
    fn paired_cross_covariance_is_sparse() {
        let params = Params::new()
            .with("structure", "paired")
            .with("dim_x", 3)
            .with("dim_y", 2)
            .with("rho", 0.8);
        let data = generate("gaussian", &params, 20_000, 5).unwrap();
        let x = &data.x;
        let y = data.y.as_ref().unwrap();
        let cross = x.t().dot(y) / 20_000.0;
        for ((i, j), value) in cross.indexed_iter() {
            let expected = if i == j { 0.8 } else { 0.0 };
            assert!((value - expected).abs() < 0.04, "({i}, {j}): {value}");
        }
        let nats = data.truth.unwrap().primary.nats;
        assert!((nats - 2.0 * -0.5 * (1.0f64 - 0.64).ln()).abs() < 1e-12);
    }

    #[test]
    fn not_positive_definite_covariance_is_rejected() {
        let params = Params::new()
            .with("structure", "custom")
            .with("cov", vec![vec![1.0, 2.0], vec![2.0, 1.0]]);
        let error = generate("gaussian", &params, 10, 0)
            .unwrap_err()
            .to_string();
        assert!(error.contains("not positive definite"), "{error}");
    }

    #[test]
    fn dense_rho_below_bound_is_rejected() {
        let params = Params::new()
            .with("dim_x", 2)
            .with("dim_y", 2)
            .with("rho", -0.4);
        let error = generate("gaussian", &params, 10, 0)
            .unwrap_err()
            .to_string();
        assert!(error.contains("rho in (-0.3333, 1)"), "{error}");
    }

    #[test]
    fn rho_outside_unit_interval_is_rejected() {
        let error = generate("gaussian", &Params::new().with("rho", 1.5), 10, 0)
            .unwrap_err()
            .to_string();
        assert!(error.contains("invalid value 1.5 for `rho`"), "{error}");
    }

    #[test]
    fn custom_size_must_match_dimensions() {
        let params = Params::new().with("structure", "custom").with(
            "cov",
            vec![
                vec![1.0, 0.0, 0.0],
                vec![0.0, 1.0, 0.0],
                vec![0.0, 0.0, 1.0],
            ],
        );
        let error = generate("gaussian", &params, 10, 0)
            .unwrap_err()
            .to_string();
        assert!(error.contains("cov must be 2x2"), "{error}");
    }

    #[test]
    fn transforms_keep_truth_and_change_values() {
        let plain = generate(
            "gaussian",
            &Params::new().with("dim_x", 2).with("dim_y", 2),
            100,
            3,
        )
        .unwrap();
        let params = Params::new()
            .with("dim_x", 2)
            .with("dim_y", 2)
            .with("transform_x", "spiral")
            .with("transform_y", "asinh");
        let turned = generate("gaussian", &params, 100, 3).unwrap();
        let (a, b) = (plain.truth.unwrap(), turned.truth.unwrap());
        assert_eq!(a.primary.nats, b.primary.nats);
        assert!(b.primary.formula.contains("spiral"));
        assert_ne!(plain.x, turned.x);
        let expected_y = plain.y.unwrap().mapv(f64::asinh);
        assert_eq!(turned.y.unwrap(), expected_y);
    }
}
