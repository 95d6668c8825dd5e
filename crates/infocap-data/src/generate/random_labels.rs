//! `random-labels`: Gaussian inputs with labels drawn uniformly from C classes, independent of
//! the inputs.
//!
//! Nothing about a label can be learned from its input, so I(X;Y) = 0 and a network that fits
//! the N training labels must store them: N log2 C bits (Zhang et al. 2017, "Understanding
//! deep learning requires rethinking generalization"). Bits memorized are N log2 C minus the
//! summed per-sample cross-entropy in bits.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use super::chunks::{self, Layout};
use super::params::{ParamDefault, ParamKind, ParamSpec, ValidParams};
use super::{FamilySpec, Generated, quantity_bits};
use crate::error::Result;

pub(crate) const SPEC: FamilySpec = FamilySpec {
    name: "random-labels",
    description: "N(0, I) inputs with uniform random labels; truth N log2 C bits to memorize",
    params: &[
        ParamSpec {
            name: "dim",
            default: ParamDefault::Int(16),
            kind: ParamKind::Int {
                min: 1,
                max: 1 << 16,
            },
            help: "dimension of the inputs",
        },
        ParamSpec {
            name: "classes",
            default: ParamDefault::Int(10),
            kind: ParamKind::Int {
                min: 2,
                max: 1 << 16,
            },
            help: "number of classes C",
        },
    ],
    sample,
    default_n: |_| 1000,
};

fn sample(params: &mut ValidParams, n: usize, seed: u64) -> Result<Generated> {
    let dim = params.usize("dim");
    let classes = params.usize("classes");
    let layout = Layout {
        x_dim: dim,
        y_dim: 0,
        labels: true,
        symbols: false,
    };
    let samples = chunks::fill(n, layout, seed, |rng, mut rows| {
        rows.x.mapv_inplace(|_| StandardNormal.sample(rng));
        for label in rows.labels.iter_mut() {
            *label = rng.random_range(0..classes);
        }
    })?;
    let per_sample = (classes as f64).log2();
    Ok(Generated {
        samples,
        n_classes: Some(classes),
        primary: quantity_bits(
            "H(Y_1..Y_N | X_1..X_N)",
            n as f64 * per_sample,
            0.0,
            format!("N log2 C = {n} x log2 {classes}: bits a model must store to fit the labels"),
        ),
        others: vec![
            quantity_bits("H(Y|X)", per_sample, 0.0, "log2 C per sample"),
            quantity_bits("I(X;Y)", 0.0, 0.0, "labels are independent of the inputs"),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Params, generate};

    #[test]
    fn truth_is_n_log2_c() {
        let data = generate("random-labels", &Params::new().with("classes", 4), 500, 2).unwrap();
        assert_eq!(data.truth.unwrap().primary.bits, 1000.0);
        let labels = data.labels.unwrap();
        for class in 0..4 {
            let count = labels.iter().filter(|&&l| l == class).count();
            assert!((90..160).contains(&count), "class {class}: {count}");
        }
    }
}
