//! `teacher`: labels from a seeded random teacher network, each flipped with probability p.
//!
//! X ~ N(0, I_dim). The clean label is argmax of tanh(x W1 + b1) W2 with Gaussian weights
//! (W1 of variance 1/dim, b1 of variance 0.1, W2 of variance 1/hidden). With probability p it
//! is replaced by one of the other C − 1 classes, uniformly. Then
//! H(Y|X) = H2(p) + p log2(C − 1) exactly, and I(X;Y) = H(Y) − H(Y|X), where H(Y) comes from
//! the label marginal r_c = q_c (1 − p) + (1 − q_c) p / (C − 1) and q, the clean-label
//! marginal of the teacher, is a Monte Carlo estimate over 2^18 fresh inputs. Its standard
//! error is the delta-method error of the plug-in entropy.

use ndarray::{Array1, Array2, ArrayView2};
use rand::Rng;
use rand_distr::{Distribution, Normal, StandardNormal};

use super::chunks::{self, Layout, structure_rng};
use super::params::{ParamDefault, ParamKind, ParamSpec, ValidParams};
use super::{FamilySpec, Generated, class_counts, quantity_bits};
use crate::closed_form::{entropy_bits, label_noise_entropy_bits};
use crate::error::Result;

pub(crate) const SPEC: FamilySpec = FamilySpec {
    name: "teacher",
    description: "labels of a seeded random teacher network, flipped with probability flip; \
                  truth H(Y|X) = H2(p) + p log2(C-1) and I(X;Y)",
    params: &[
        ParamSpec {
            name: "dim",
            default: ParamDefault::Int(16),
            kind: ParamKind::Int { min: 1, max: 4096 },
            help: "dimension of the N(0, I) inputs",
        },
        ParamSpec {
            name: "hidden",
            default: ParamDefault::Int(32),
            kind: ParamKind::Int { min: 1, max: 4096 },
            help: "width of the teacher's tanh hidden layer",
        },
        ParamSpec {
            name: "classes",
            default: ParamDefault::Int(10),
            kind: ParamKind::Int { min: 2, max: 1024 },
            help: "number of classes C",
        },
        ParamSpec {
            name: "flip",
            default: ParamDefault::Float(0.1),
            kind: ParamKind::Float {
                min: 0.0,
                max: 1.0,
                min_open: false,
                max_open: false,
            },
            help: "probability p that a label is replaced by one of the other classes",
        },
    ],
    sample,
    default_n: |_| 10_000,
};

const WEIGHTS_PURPOSE: u64 = 0;
const MARGINAL_PURPOSE: u64 = 10_000;
const MARGINAL_CHUNKS: usize = 64;
const MARGINAL_ROWS_PER_CHUNK: usize = 4096;

/// The fixed random network that labels the inputs.
struct Teacher {
    w1: Array2<f64>,
    b1: Array1<f64>,
    w2: Array2<f64>,
}

impl Teacher {
    fn new(dim: usize, hidden: usize, classes: usize, seed: u64) -> Teacher {
        let mut rng = structure_rng(seed, WEIGHTS_PURPOSE);
        let mut gaussian = |rows: usize, cols: usize, variance: f64| {
            let normal = Normal::new(0.0, variance.sqrt()).expect("variance is positive");
            Array2::from_shape_simple_fn((rows, cols), || normal.sample(&mut rng))
        };
        let w1 = gaussian(dim, hidden, 1.0 / dim as f64);
        let b1 = gaussian(1, hidden, 0.1).row(0).to_owned();
        let w2 = gaussian(hidden, classes, 1.0 / hidden as f64);
        Teacher { w1, b1, w2 }
    }

    /// Returns the clean label of each row of `x`.
    fn labels(&self, x: ArrayView2<f64>) -> Vec<usize> {
        let hidden = (x.dot(&self.w1) + &self.b1).mapv(f64::tanh);
        let scores = hidden.dot(&self.w2);
        scores
            .rows()
            .into_iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .fold((0, f64::NEG_INFINITY), |best, (class, &score)| {
                        if score > best.1 { (class, score) } else { best }
                    })
                    .0
            })
            .collect()
    }
}

fn sample(params: &mut ValidParams, n: usize, seed: u64) -> Result<Generated> {
    let dim = params.usize("dim");
    let hidden = params.usize("hidden");
    let classes = params.usize("classes");
    let flip = params.f64("flip");
    let teacher = Teacher::new(dim, hidden, classes, seed);
    let layout = Layout {
        x_dim: dim,
        y_dim: 0,
        labels: true,
        symbols: false,
    };
    let samples = chunks::fill(n, layout, seed, |rng, mut rows| {
        rows.x.mapv_inplace(|_| StandardNormal.sample(rng));
        let clean = teacher.labels(rows.x.view());
        for (label, clean) in rows.labels.iter_mut().zip(clean) {
            *label = flip_label(clean, classes, flip, rng);
        }
    })?;

    let clean_marginal = clean_marginal(&teacher, dim, classes, seed);
    let (label_entropy, stderr) = noisy_entropy(&clean_marginal, flip);
    let conditional = label_noise_entropy_bits(flip, classes);
    let draws = MARGINAL_CHUNKS * MARGINAL_ROWS_PER_CHUNK;
    Ok(Generated {
        samples,
        n_classes: Some(classes),
        primary: quantity_bits(
            "I(X;Y)",
            (label_entropy - conditional).max(0.0),
            stderr,
            format!(
                "H(Y) - H(Y|X); H(Y) from the teacher's label marginal estimated on {draws} \
                 inputs (delta-method standard error)"
            ),
        ),
        others: vec![
            quantity_bits(
                "H(Y|X)",
                conditional,
                0.0,
                "H2(p) + p log2(C - 1): each label flipped with probability p to one of the \
                 other C - 1 classes",
            ),
            quantity_bits(
                "H(Y)",
                label_entropy,
                stderr,
                format!("plug-in entropy of the noisy label marginal, {draws} Monte Carlo inputs"),
            ),
        ],
    })
}

/// Keeps `clean` with probability 1 − p, else returns one of the other classes uniformly.
fn flip_label(clean: usize, classes: usize, flip: f64, rng: &mut impl Rng) -> usize {
    if flip > 0.0 && rng.random::<f64>() < flip {
        let other = rng.random_range(0..classes - 1);
        if other >= clean { other + 1 } else { other }
    } else {
        clean
    }
}

/// Estimates the teacher's clean-label distribution on fresh Gaussian inputs.
fn clean_marginal(teacher: &Teacher, dim: usize, classes: usize, seed: u64) -> Vec<f64> {
    let parts = chunks::monte_carlo(seed, MARGINAL_PURPOSE, MARGINAL_CHUNKS, |rng| {
        let x = Array2::from_shape_simple_fn((MARGINAL_ROWS_PER_CHUNK, dim), || -> f64 {
            StandardNormal.sample(rng)
        });
        class_counts(teacher.labels(x.view()).into_iter(), classes)
    });
    let mut counts = vec![0u64; classes];
    for part in parts {
        for (total, count) in counts.iter_mut().zip(part) {
            *total += count;
        }
    }
    let draws = (MARGINAL_CHUNKS * MARGINAL_ROWS_PER_CHUNK) as f64;
    counts.iter().map(|&c| c as f64 / draws).collect()
}

/// Returns H(Y) in bits of the flipped labels and its delta-method standard error, for an
/// estimated clean marginal `q`.
fn noisy_entropy(q: &[f64], flip: f64) -> (f64, f64) {
    let classes = q.len();
    let spread = flip / (classes - 1) as f64;
    let noisy: Vec<f64> = q
        .iter()
        .map(|&qc| qc * (1.0 - flip) + (1.0 - qc) * spread)
        .collect();
    // dH/dq_c = Σ_k −(log2 r_k + 1/ln 2) ∂r_k/∂q_c, with ∂r_k/∂q_c = 1 − p (k = c), −p/(C−1).
    let slope: Vec<f64> = noisy
        .iter()
        .map(|&r| {
            if r > 0.0 {
                -(r.log2() + std::f64::consts::LOG2_E)
            } else {
                0.0
            }
        })
        .collect();
    let total: f64 = slope.iter().sum();
    let gradient: Vec<f64> = slope
        .iter()
        .map(|&s| s * (1.0 - flip) - (total - s) * spread)
        .collect();
    let mean: f64 = q.iter().zip(&gradient).map(|(qc, g)| qc * g).sum();
    let second: f64 = q.iter().zip(&gradient).map(|(qc, g)| qc * g * g).sum();
    let draws = (MARGINAL_CHUNKS * MARGINAL_ROWS_PER_CHUNK) as f64;
    let stderr = ((second - mean * mean).max(0.0) / draws).sqrt();
    (entropy_bits(&noisy), stderr)
}

#[cfg(test)]
mod tests {
    use super::super::{Params, generate};
    use super::*;
    use crate::closed_form::binary_entropy_bits;

    #[test]
    fn conditional_entropy_is_the_label_noise_formula() {
        let params = Params::new().with("classes", 5).with("flip", 0.2);
        let data = generate("teacher", &params, 100, 1).unwrap();
        let truth = data.truth.unwrap();
        let conditional = &truth.others[0];
        assert_eq!(conditional.quantity, "H(Y|X)");
        let expected = binary_entropy_bits(0.2) + 0.2 * 4f64.log2();
        assert!((conditional.bits - expected).abs() < 1e-12);
        let label_entropy = &truth.others[1];
        assert!((truth.primary.bits - (label_entropy.bits - expected)).abs() < 1e-12);
        assert!(truth.primary.stderr_bits > 0.0);
        assert!(truth.primary.stderr_bits < 0.01);
    }

    #[test]
    fn observed_flip_rate_matches_p() {
        let params = Params::new().with("flip", 0.3).with("classes", 3);
        let data = generate("teacher", &params, 20_000, 2).unwrap();
        let teacher = Teacher::new(16, 32, 3, 2);
        let clean = teacher.labels(data.x.view());
        let labels = data.labels.unwrap();
        let flipped = clean.iter().zip(&labels).filter(|(a, b)| a != b).count();
        let rate = flipped as f64 / 20_000.0;
        assert!((rate - 0.3).abs() < 0.015, "{rate}");
    }

    #[test]
    fn noise_free_entropy_matches_observed_labels() {
        let params = Params::new().with("flip", 0.0).with("classes", 4);
        let data = generate("teacher", &params, 50_000, 3).unwrap();
        let counts = class_counts(data.labels.unwrap().into_iter(), 4);
        let observed: Vec<f64> = counts.iter().map(|&c| c as f64 / 50_000.0).collect();
        let truth = data.truth.unwrap();
        assert_eq!(truth.others[0].bits, 0.0);
        assert!((truth.primary.bits - entropy_bits(&observed)).abs() < 0.02);
    }

    #[test]
    fn delta_method_matches_binomial_error() {
        // Two classes without flips: H = H2(q), dH/dq = log2((1-q)/q), stderr = |H'| sqrt(q(1-q)/M).
        let q = 0.3;
        let (value, stderr) = noisy_entropy(&[q, 1.0 - q], 0.0);
        assert!((value - binary_entropy_bits(q)).abs() < 1e-12);
        let draws = (MARGINAL_CHUNKS * MARGINAL_ROWS_PER_CHUNK) as f64;
        let expected = ((1.0 - q) / q).log2().abs() * (q * (1.0 - q) / draws).sqrt();
        assert!((stderr - expected).abs() < 1e-12, "{stderr} vs {expected}");
    }
}
