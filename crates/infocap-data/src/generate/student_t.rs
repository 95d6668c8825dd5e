//! `student-t`: a multivariate Student-t vector (X, Y) with ν degrees of freedom and identity
//! scale, X of dim m and Y of dim n.
//!
//! Rows are z / √(w/ν) with z ~ N(0, I_{m+n}) and w ~ χ²(ν). X and Y are uncorrelated, yet
//! dependent through the shared scale w, and I(X;Y) has the closed form of
//! [`student_t_mi_nats`](crate::closed_form::student_t_mi_nats).

use rand_distr::{ChiSquared, Distribution, StandardNormal};

use super::chunks::{self, Layout};
use super::params::{ParamDefault, ParamKind, ParamSpec, ValidParams};
use super::{FamilySpec, Generated, TRANSFORM_PARAMS, note_transforms, quantity_nats, transforms};
use crate::closed_form::student_t_mi_nats;
use crate::error::{DataError, Result};

pub(crate) const SPEC: FamilySpec = FamilySpec {
    name: "student-t",
    description: "multivariate Student-t (X, Y) with nu degrees of freedom, identity scale; \
                  uncorrelated but dependent, truth I(X;Y) in closed form",
    params: &[
        ParamSpec {
            name: "nu",
            default: ParamDefault::Float(2.0),
            kind: ParamKind::Float {
                min: 0.0,
                max: 1e6,
                min_open: true,
                max_open: false,
            },
            help: "degrees of freedom; smaller is heavier-tailed and more dependent",
        },
        ParamSpec {
            name: "dim_x",
            default: ParamDefault::Int(2),
            kind: ParamKind::Int { min: 1, max: 4096 },
            help: "dimension of X",
        },
        ParamSpec {
            name: "dim_y",
            default: ParamDefault::Int(2),
            kind: ParamKind::Int { min: 1, max: 4096 },
            help: "dimension of Y",
        },
        TRANSFORM_PARAMS[0],
        TRANSFORM_PARAMS[1],
    ],
    sample,
    default_n: |_| 10_000,
};

fn sample(params: &mut ValidParams, n: usize, seed: u64) -> Result<Generated> {
    let nu = params.f64("nu");
    let dim_x = params.usize("dim_x");
    let dim_y = params.usize("dim_y");
    let (transform_x, transform_y) = transforms(params, dim_x, dim_y)?;
    let chi_squared = ChiSquared::new(nu)
        .map_err(|e| DataError::invalid("nu", nu, format!("{e}; use nu > 0")))?;
    let layout = Layout {
        x_dim: dim_x,
        y_dim: dim_y,
        labels: false,
        symbols: false,
    };
    let samples = chunks::fill(n, layout, seed, |rng, mut rows| {
        for (mut x, mut y) in rows.x.rows_mut().into_iter().zip(rows.y.rows_mut()) {
            let scale = (nu / chi_squared.sample(rng)).sqrt();
            for value in x.iter_mut().chain(y.iter_mut()) {
                let z: f64 = StandardNormal.sample(rng);
                *value = scale * z;
            }
        }
        transform_x.apply(rows.x.view_mut());
        transform_y.apply(rows.y.view_mut());
    })?;
    let formula = "lnG(nu/2) - lnG((nu+m)/2) - lnG((nu+n)/2) + lnG((nu+m+n)/2) \
                   + (nu+m)/2 [psi((nu+m)/2) - psi(nu/2)] + (nu+n)/2 [psi((nu+n)/2) - psi(nu/2)] \
                   - (nu+m+n)/2 [psi((nu+m+n)/2) - psi(nu/2)]";
    Ok(Generated {
        samples,
        n_classes: None,
        primary: quantity_nats(
            "I(X;Y)",
            student_t_mi_nats(nu, dim_x, dim_y),
            note_transforms(formula.to_string(), transform_x, transform_y),
        ),
        others: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Params, generate};

    #[test]
    fn reference_value() {
        let params = Params::new()
            .with("nu", 3.0)
            .with("dim_x", 5)
            .with("dim_y", 5);
        let data = generate("student-t", &params, 10, 1).unwrap();
        assert!((data.truth.unwrap().primary.nats - 0.2985).abs() < 1e-4);
    }

    #[test]
    fn coordinates_are_uncorrelated_with_t_variance() {
        // Var of a t coordinate with nu = 5 is nu / (nu - 2) = 5/3.
        let params = Params::new()
            .with("nu", 5.0)
            .with("dim_x", 1)
            .with("dim_y", 1);
        let data = generate("student-t", &params, 100_000, 4).unwrap();
        let x = data.x.column(0);
        let y = data.y.as_ref().unwrap().column(0);
        let n = x.len() as f64;
        let var_x = x.dot(&x) / n;
        let cov_xy = x.dot(&y) / n;
        assert!((var_x - 5.0 / 3.0).abs() < 0.1, "{var_x}");
        assert!(cov_xy.abs() < 0.03, "{cov_xy}");
        // Dependent: |X| and |Y| are positively correlated through the shared scale.
        let ax = x.mapv(f64::abs);
        let ay = y.mapv(f64::abs);
        let cov_abs = ax.dot(&ay) / n - ax.mean().unwrap() * ay.mean().unwrap();
        assert!(cov_abs > 0.05, "{cov_abs}");
    }
}
