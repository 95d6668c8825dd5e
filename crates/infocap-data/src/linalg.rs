//! Dense symmetric linear algebra: Cholesky factor, log-determinant, symmetric
//! eigendecomposition and an orthonormal basis from QR.
//!
//! The default backend is faer (pure Rust). With the `openblas-system` feature the same
//! functions call LAPACK through ndarray-linalg and the system OpenBLAS. Both backends run
//! sequentially, so a result does not depend on the thread count.
//!
//! The log-determinant of a symmetric positive definite matrix A = L Lᵀ is
//! ln det A = 2 Σᵢ ln Lᵢᵢ (nats). It never forms det A itself, which underflows or overflows
//! in high dimension.

use ndarray::{Array1, Array2, ArrayView2};

/// A factorization that failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LinalgError {
    /// The matrix is not square.
    #[error("matrix is {rows}x{cols}, expected a square matrix")]
    NotSquare { rows: usize, cols: usize },

    /// A Cholesky factorization met a non-positive pivot.
    #[error(
        "matrix is not positive definite (Cholesky pivot {pivot} is not positive); \
         check for a singular covariance, duplicated or constant columns, or |correlation| >= 1"
    )]
    NotPositiveDefinite { pivot: usize },

    /// The matrix contains NaN or an infinity.
    #[error("matrix contains NaN or an infinite value")]
    NotFinite,

    /// The eigendecomposition did not converge.
    #[error("symmetric eigendecomposition did not converge")]
    NoConvergence,
}

fn check_square(a: ArrayView2<f64>) -> Result<(), LinalgError> {
    if a.nrows() != a.ncols() {
        return Err(LinalgError::NotSquare {
            rows: a.nrows(),
            cols: a.ncols(),
        });
    }
    if a.iter().any(|v| !v.is_finite()) {
        return Err(LinalgError::NotFinite);
    }
    Ok(())
}

/// Returns the lower Cholesky factor L with A = L Lᵀ of a symmetric positive definite matrix.
///
/// Only the lower triangle of `a` is read.
///
/// # Errors
/// [`LinalgError::NotPositiveDefinite`] when A is not (numerically) positive definite.
pub fn cholesky(a: ArrayView2<f64>) -> Result<Array2<f64>, LinalgError> {
    check_square(a)?;
    backend::cholesky(a)
}

/// Returns ln det A in nats for a symmetric positive definite A, through its Cholesky factor.
///
/// # Errors
/// As [`cholesky`].
pub fn cholesky_log_det(a: ArrayView2<f64>) -> Result<f64, LinalgError> {
    let factor = cholesky(a)?;
    Ok(2.0 * factor.diag().iter().map(|d| d.ln()).sum::<f64>())
}

/// Returns the eigenvalues (ascending) and eigenvectors (as columns) of a symmetric matrix.
///
/// Only the lower triangle of `a` is read.
pub fn symmetric_eigen(a: ArrayView2<f64>) -> Result<(Array1<f64>, Array2<f64>), LinalgError> {
    check_square(a)?;
    backend::symmetric_eigen(a)
}

/// Returns the thin Q factor of A = QR: an n×min(n, m) matrix with orthonormal columns.
///
/// Applied to a matrix of independent standard normals, the signs are fixed so that R has a
/// positive diagonal, which makes Q Haar-distributed (Mezzadri 2007, "How to generate random
/// matrices from the classical compact groups").
pub fn orthonormal_basis(a: ArrayView2<f64>) -> Result<Array2<f64>, LinalgError> {
    if a.iter().any(|v| !v.is_finite()) {
        return Err(LinalgError::NotFinite);
    }
    let (mut q, r_diag) = backend::thin_qr(a)?;
    for (mut column, &r) in q.columns_mut().into_iter().zip(r_diag.iter()) {
        if r < 0.0 {
            column.mapv_inplace(|v| -v);
        }
    }
    Ok(q)
}

#[cfg(not(feature = "openblas-system"))]
mod backend {
    //! faer backend, run with sequential parallelism.

    use faer::linalg::solvers::{Qr, SelfAdjointEigen};
    use faer::{Mat, Side};
    use faer_ext::{IntoFaer, IntoNdarray};
    use ndarray::{Array1, Array2, ArrayView2};

    use super::LinalgError;

    fn to_ndarray(m: faer::MatRef<'_, f64>) -> Array2<f64> {
        m.into_ndarray().to_owned()
    }

    pub fn cholesky(a: ArrayView2<f64>) -> Result<Array2<f64>, LinalgError> {
        faer::set_global_parallelism(faer::Par::Seq);
        let matrix = a.into_faer();
        let llt = matrix.llt(Side::Lower).map_err(|error| match error {
            faer::linalg::solvers::LltError::NonPositivePivot { index } => {
                LinalgError::NotPositiveDefinite { pivot: index }
            }
        })?;
        Ok(to_ndarray(llt.L()))
    }

    pub fn symmetric_eigen(a: ArrayView2<f64>) -> Result<(Array1<f64>, Array2<f64>), LinalgError> {
        faer::set_global_parallelism(faer::Par::Seq);
        let matrix = a.into_faer();
        let eigen =
            SelfAdjointEigen::new(matrix, Side::Lower).map_err(|_| LinalgError::NoConvergence)?;
        let values = eigen
            .S()
            .column_vector()
            .iter()
            .copied()
            .collect::<Array1<f64>>();
        Ok((values, to_ndarray(eigen.U())))
    }

    pub fn thin_qr(a: ArrayView2<f64>) -> Result<(Array2<f64>, Array1<f64>), LinalgError> {
        faer::set_global_parallelism(faer::Par::Seq);
        let matrix = a.into_faer();
        let qr = Qr::new(matrix);
        let q: Mat<f64> = qr.compute_thin_Q();
        let r = qr.thin_R();
        let diag = (0..r.nrows().min(r.ncols()))
            .map(|i| r[(i, i)])
            .collect::<Array1<f64>>();
        Ok((to_ndarray(q.as_ref()), diag))
    }
}

#[cfg(feature = "openblas-system")]
mod backend {
    //! LAPACK backend through ndarray-linalg and the system OpenBLAS.

    use ndarray::{Array1, Array2, ArrayView2};
    use ndarray_linalg::{Cholesky, Eigh, QR, UPLO};

    use super::LinalgError;

    pub fn cholesky(a: ArrayView2<f64>) -> Result<Array2<f64>, LinalgError> {
        a.cholesky(UPLO::Lower).map_err(|error| {
            let pivot = match error {
                ndarray_linalg::error::LinalgError::Lapack(
                    lax::error::Error::LapackComputationalFailure { return_code },
                ) => (return_code as usize).saturating_sub(1),
                _ => 0,
            };
            LinalgError::NotPositiveDefinite { pivot }
        })
    }

    pub fn symmetric_eigen(a: ArrayView2<f64>) -> Result<(Array1<f64>, Array2<f64>), LinalgError> {
        a.eigh(UPLO::Lower).map_err(|_| LinalgError::NoConvergence)
    }

    pub fn thin_qr(a: ArrayView2<f64>) -> Result<(Array2<f64>, Array1<f64>), LinalgError> {
        let (q, r) = a.qr().map_err(|_| LinalgError::NoConvergence)?;
        Ok((q, r.diag().to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    use super::*;

    #[test]
    fn log_det_matches_closed_form() {
        // det [[4, 2], [2, 3]] = 8.
        let a = array![[4.0, 2.0], [2.0, 3.0]];
        assert_abs_diff_eq!(
            cholesky_log_det(a.view()).unwrap(),
            8f64.ln(),
            epsilon = 1e-12
        );
    }

    #[test]
    fn log_det_high_dimension_does_not_underflow() {
        // det(0.01 I) in 500 dimensions is 1e-1000, below the smallest f64.
        let a = Array2::<f64>::eye(500) * 0.01;
        let expected = 500.0 * 0.01f64.ln();
        assert_abs_diff_eq!(
            cholesky_log_det(a.view()).unwrap(),
            expected,
            epsilon = 1e-9
        );
    }

    #[test]
    fn cholesky_reconstructs_matrix() {
        let a = array![[4.0, 2.0, 0.4], [2.0, 3.0, 0.5], [0.4, 0.5, 2.0]];
        let l = cholesky(a.view()).unwrap();
        let back = l.dot(&l.t());
        for (x, y) in back.iter().zip(a.iter()) {
            assert_abs_diff_eq!(x, y, epsilon = 1e-12);
        }
        assert_eq!(l[(0, 1)], 0.0);
    }

    #[test]
    fn singular_matrix_is_not_positive_definite() {
        let a = array![[1.0, 1.0], [1.0, 1.0]];
        let error = cholesky(a.view()).unwrap_err();
        assert!(
            matches!(error, LinalgError::NotPositiveDefinite { .. }),
            "{error}"
        );
    }

    #[test]
    fn nan_is_rejected() {
        let a = array![[1.0, f64::NAN], [f64::NAN, 1.0]];
        assert_eq!(cholesky(a.view()).unwrap_err(), LinalgError::NotFinite);
    }

    #[test]
    fn eigen_of_known_matrix() {
        // Eigenvalues of [[2, 1], [1, 2]] are 1 and 3.
        let a = array![[2.0, 1.0], [1.0, 2.0]];
        let (values, vectors) = symmetric_eigen(a.view()).unwrap();
        assert_abs_diff_eq!(values[0], 1.0, epsilon = 1e-12);
        assert_abs_diff_eq!(values[1], 3.0, epsilon = 1e-12);
        let v = vectors.column(1);
        assert_abs_diff_eq!(v[0].abs(), 0.5f64.sqrt(), epsilon = 1e-12);
    }

    #[test]
    fn orthonormal_basis_is_orthonormal() {
        let a = array![
            [1.0, 2.0, 0.0],
            [0.5, -1.0, 3.0],
            [2.0, 0.1, 1.0],
            [0.0, 1.0, 1.0]
        ];
        let q = orthonormal_basis(a.view()).unwrap();
        assert_eq!(q.dim(), (4, 3));
        let gram = q.t().dot(&q);
        for ((i, j), v) in gram.indexed_iter() {
            assert_abs_diff_eq!(*v, if i == j { 1.0 } else { 0.0 }, epsilon = 1e-12);
        }
    }
}
