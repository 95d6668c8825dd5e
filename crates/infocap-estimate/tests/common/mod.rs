//! Samplers of the closed-form test cases, seeded with `ChaCha8Rng`.
//!
//! Each returns (X, Y) with rows as samples; the true I(X;Y) of each family is quoted in nats
//! where it is used.

#![allow(dead_code)] // Each test file uses a subset.

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{ChiSquared, Distribution, StandardNormal};

pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Bivariate normal with unit variances and correlation `rho`:
/// I = −½ ln(1 − ρ²) nats.
pub fn bivariate_gaussian(n: usize, rho: f64, seed: u64) -> (Array2<f64>, Array2<f64>) {
    let mut rng = rng(seed);
    let mut x = Array2::zeros((n, 1));
    let mut y = Array2::zeros((n, 1));
    for i in 0..n {
        let a: f64 = StandardNormal.sample(&mut rng);
        let b: f64 = StandardNormal.sample(&mut rng);
        x[(i, 0)] = a;
        y[(i, 0)] = rho * a + (1.0 - rho * rho).sqrt() * b;
    }
    (x, y)
}

/// X and Y each `d`-dimensional, every variable of unit variance and every pair of the 2d
/// variables with covariance 0.5 (a shared factor plus independent parts).
pub fn dense_gaussian(n: usize, d: usize, seed: u64) -> (Array2<f64>, Array2<f64>) {
    let mut rng = rng(seed);
    let mut x = Array2::zeros((n, d));
    let mut y = Array2::zeros((n, d));
    let half = 0.5f64.sqrt();
    for i in 0..n {
        let shared: f64 = StandardNormal.sample(&mut rng);
        for j in 0..2 * d {
            let own: f64 = StandardNormal.sample(&mut rng);
            let value = half * shared + half * own;
            if j < d {
                x[(i, j)] = value;
            } else {
                y[(i, j - d)] = value;
            }
        }
    }
    (x, y)
}

/// X ~ U(0, 1), Y = X + U(−e, e): I = w/2 − ln w nats for w = 2e ≤ 1, else 1/(2w).
pub fn additive_uniform(n: usize, e: f64, seed: u64) -> (Array2<f64>, Array2<f64>) {
    let mut rng = rng(seed);
    let mut x = Array2::zeros((n, 1));
    let mut y = Array2::zeros((n, 1));
    for i in 0..n {
        let a: f64 = rng.random();
        x[(i, 0)] = a;
        y[(i, 0)] = a + rng.random_range(-e..e);
    }
    (x, y)
}

/// Multivariate Student-t with `nu` degrees of freedom and identity scale, split into X of
/// dimension m and Y of dimension `m2`: uncorrelated but dependent through the shared scale.
pub fn student_t(n: usize, nu: f64, m: usize, m2: usize, seed: u64) -> (Array2<f64>, Array2<f64>) {
    let mut rng = rng(seed);
    let chi = ChiSquared::new(nu).expect("nu > 0");
    let mut x = Array2::zeros((n, m));
    let mut y = Array2::zeros((n, m2));
    for i in 0..n {
        let w: f64 = chi.sample(&mut rng);
        let scale = (nu / w).sqrt();
        for j in 0..m + m2 {
            let z: f64 = StandardNormal.sample(&mut rng);
            if j < m {
                x[(i, j)] = z * scale;
            } else {
                y[(i, j - m)] = z * scale;
            }
        }
    }
    (x, y)
}

/// Independent standard normals of dimensions `dx` and `dy`.
pub fn independent(n: usize, dx: usize, dy: usize, seed: u64) -> (Array2<f64>, Array2<f64>) {
    let mut rng = rng(seed);
    let x = Array2::from_shape_fn((n, dx), |_| StandardNormal.sample(&mut rng));
    let y = Array2::from_shape_fn((n, dy), |_| StandardNormal.sample(&mut rng));
    (x, y)
}

pub fn nats_to_bits(nats: f64) -> f64 {
    nats / std::f64::consts::LN_2
}
