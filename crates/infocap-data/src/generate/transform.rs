//! Invertible transforms of X or Y that leave I(X;Y) unchanged.
//!
//! Mutual information is invariant under injective maps of either variable (Cover and Thomas,
//! Elements of Information Theory, 2nd ed., §8.6), so transformed data keep the truth of the
//! family they came from, while their marginals stop being Gaussian or uniform. Estimators
//! that assume a shape (the Gaussian one) fail on them; consistent ones must not.
//!
//! ```text
//! asinh       x ↦ asinh x
//! half-cube   x ↦ x |x|^½
//! normal-cdf  x ↦ Φ(x) = ½ erfc(−x/√2)
//! wiggly      x ↦ x + 0.4 sin 2x         (derivative ≥ 0.2, so strictly increasing)
//! spiral      (u, v) ↦ rotation of (u, v) by the angle r = √(u² + v²) radians, on coordinate
//!             pairs (0, 1), (2, 3), ...; an odd last coordinate is left as it is. Each circle
//!             of radius r is turned rigidly, so rotating back by −r inverts it.
//! ```

use ndarray::{ArrayViewMut1, ArrayViewMut2};
use statrs::function::erf::{erfc, erfc_inv};

use crate::error::{DataError, Result};

/// Transform names as written in parameters.
pub const NAMES: &[&str] = &[
    "none",
    "asinh",
    "half-cube",
    "normal-cdf",
    "spiral",
    "wiggly",
];

const WIGGLE_AMPLITUDE: f64 = 0.4;
const WIGGLE_FREQUENCY: f64 = 2.0;

/// An injective map applied to every row of X or Y.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    None,
    Asinh,
    HalfCube,
    NormalCdf,
    Spiral,
    Wiggly,
}

impl Transform {
    /// Parses a transform name.
    pub fn from_name(name: &str) -> Result<Transform> {
        Ok(match name {
            "none" => Transform::None,
            "asinh" => Transform::Asinh,
            "half-cube" => Transform::HalfCube,
            "normal-cdf" => Transform::NormalCdf,
            "spiral" => Transform::Spiral,
            "wiggly" => Transform::Wiggly,
            other => {
                return Err(DataError::unknown(
                    "transform",
                    other,
                    NAMES.iter().copied(),
                ));
            }
        })
    }

    /// Returns the name used in parameters.
    pub fn name(&self) -> &'static str {
        match self {
            Transform::None => "none",
            Transform::Asinh => "asinh",
            Transform::HalfCube => "half-cube",
            Transform::NormalCdf => "normal-cdf",
            Transform::Spiral => "spiral",
            Transform::Wiggly => "wiggly",
        }
    }

    /// Checks that the transform applies to a variable of `dim` coordinates (spiral needs two).
    pub fn check_dim(&self, param: &str, dim: usize) -> Result<()> {
        if *self == Transform::Spiral && dim < 2 {
            return Err(DataError::invalid(
                param,
                "spiral",
                format!(
                    "spiral turns pairs of coordinates but the variable has {dim}; \
                     use a dimension of at least 2 or another transform"
                ),
            ));
        }
        Ok(())
    }

    /// Applies the transform to every row of `values`.
    ///
    /// NOTE: in f64, Φ(x) rounds to exactly 1 above x ≈ 8.3, so `normal-cdf` merges the far
    /// right tail of heavy-tailed variables (Student-t with small ν) into ties.
    pub fn apply(&self, mut values: ArrayViewMut2<f64>) {
        match self {
            Transform::None => {}
            Transform::Asinh => values.mapv_inplace(f64::asinh),
            Transform::HalfCube => values.mapv_inplace(|x| x * x.abs().sqrt()),
            Transform::NormalCdf => {
                values.mapv_inplace(|x| 0.5 * erfc(-x / std::f64::consts::SQRT_2))
            }
            Transform::Wiggly => {
                values.mapv_inplace(|x| x + WIGGLE_AMPLITUDE * (WIGGLE_FREQUENCY * x).sin())
            }
            Transform::Spiral => {
                for row in values.rows_mut() {
                    turn_pairs(row, 1.0);
                }
            }
        }
    }

    /// Inverts [`Transform::apply`] (Newton's method for `wiggly`), to show that no
    /// information is lost.
    pub fn invert(&self, mut values: ArrayViewMut2<f64>) {
        match self {
            Transform::None => {}
            Transform::Asinh => values.mapv_inplace(f64::sinh),
            Transform::HalfCube => values.mapv_inplace(|y| y.signum() * y.abs().powf(2.0 / 3.0)),
            Transform::NormalCdf => {
                values.mapv_inplace(|p| -std::f64::consts::SQRT_2 * erfc_inv(2.0 * p))
            }
            Transform::Wiggly => values.mapv_inplace(invert_wiggly),
            Transform::Spiral => {
                for row in values.rows_mut() {
                    turn_pairs(row, -1.0);
                }
            }
        }
    }
}

/// Rotates each coordinate pair by `direction` times its radius.
fn turn_pairs(mut row: ArrayViewMut1<f64>, direction: f64) {
    let dim = row.len();
    for pair in 0..dim / 2 {
        let (u, v) = (row[2 * pair], row[2 * pair + 1]);
        let angle = direction * u.hypot(v);
        let (sin, cos) = angle.sin_cos();
        row[2 * pair] = cos * u - sin * v;
        row[2 * pair + 1] = sin * u + cos * v;
    }
}

fn invert_wiggly(y: f64) -> f64 {
    // The map is within ±0.4 of the identity and has slope in [0.2, 1.8]: Newton from y
    // converges; 60 steps are far more than needed.
    let mut x = y;
    for _ in 0..60 {
        let f = x + WIGGLE_AMPLITUDE * (WIGGLE_FREQUENCY * x).sin() - y;
        let slope = 1.0 + WIGGLE_AMPLITUDE * WIGGLE_FREQUENCY * (WIGGLE_FREQUENCY * x).cos();
        let step = f / slope;
        x -= step.clamp(-0.5, 0.5);
        if step.abs() < 1e-15 * (1.0 + x.abs()) {
            break;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, StandardNormal};

    use super::*;

    fn sample(rows: usize, cols: usize) -> Array2<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        Array2::from_shape_simple_fn((rows, cols), || -> f64 {
            let z: f64 = StandardNormal.sample(&mut rng);
            2.0 * z
        })
    }

    #[test]
    fn every_transform_inverts() {
        for name in NAMES {
            let transform = Transform::from_name(name).unwrap();
            let original = sample(500, 3);
            let mut values = original.clone();
            transform.apply(values.view_mut());
            if transform != Transform::None {
                assert_ne!(values, original, "{name} changed nothing");
            }
            transform.invert(values.view_mut());
            for (a, b) in values.iter().zip(original.iter()) {
                assert!((a - b).abs() < 1e-6 * (1.0 + b.abs()), "{name}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn elementwise_transforms_are_strictly_increasing() {
        // On [-7, 7]: beyond about 7.6, steps of 2e-3 in Φ(x) fall below the f64 spacing near 1.
        let grid: Vec<f64> = (-3500..=3500).map(|i| f64::from(i) * 2e-3).collect();
        for transform in [
            Transform::Asinh,
            Transform::HalfCube,
            Transform::NormalCdf,
            Transform::Wiggly,
        ] {
            let mut values = Array2::from_shape_vec((grid.len(), 1), grid.clone()).unwrap();
            transform.apply(values.view_mut());
            for pair in values.column(0).to_vec().windows(2) {
                assert!(pair[1] > pair[0], "{} not increasing", transform.name());
            }
        }
    }

    #[test]
    fn spiral_keeps_radius_and_separates_points() {
        // Points on one circle stay on it; distinct points stay distinct.
        let mut values = ndarray::array![[1.0, 0.0], [0.0, 1.0], [3.0, 4.0], [-3.0, -4.0]];
        Transform::Spiral.apply(values.view_mut());
        let radii: Vec<f64> = values
            .rows()
            .into_iter()
            .map(|r| r[0].hypot(r[1]))
            .collect();
        assert!((radii[0] - 1.0).abs() < 1e-12);
        assert!((radii[2] - 5.0).abs() < 1e-12);
        assert!((values[(2, 0)] + values[(3, 0)]).abs() < 1e-12);
        assert!((values[(0, 0)] - values[(1, 0)]).abs() > 0.5);
    }

    #[test]
    fn spiral_needs_two_coordinates() {
        let error = Transform::Spiral
            .check_dim("transform_x", 1)
            .unwrap_err()
            .to_string();
        assert!(error.contains("at least 2"), "{error}");
        Transform::Spiral.check_dim("transform_x", 3).unwrap();
    }

    #[test]
    fn unknown_transform_suggests_nearest() {
        let error = Transform::from_name("spirale").unwrap_err().to_string();
        assert!(error.contains("did you mean `spiral`"), "{error}");
    }
}
