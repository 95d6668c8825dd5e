//! `multimodal`: each input maps to one of K symmetric target modes, chosen at random.
//!
//! X ~ U(−1, 1)^dim, J uniform on 0..K independent of X, and
//! Y = g(x) + spread (J − (K − 1)/2) + noise·ε with g(x) = Σ_i sin(π x_i) / √dim. The modes are
//! symmetric around g(x), so a deterministic regressor trained with squared error converges
//! to their mean g(x), while a model with a noise input can recover all K. The mode index J is
//! the `label` column. H(J|X) = log2 K bits; without noise Y determines J given X, so
//! H(Y|X) = log2 K too.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use super::chunks::{self, Layout};
use super::params::{ParamDefault, ParamKind, ParamSpec, ValidParams};
use super::{FamilySpec, Generated, quantity_bits};
use crate::error::Result;

pub(crate) const SPEC: FamilySpec = FamilySpec {
    name: "multimodal",
    description: "targets at one of K symmetric modes around g(x), chosen at random; truth \
                  H(Y|X) = log2 K bits",
    params: &[
        ParamSpec {
            name: "modes",
            default: ParamDefault::Int(4),
            kind: ParamKind::Int { min: 1, max: 1024 },
            help: "number of modes K",
        },
        ParamSpec {
            name: "spread",
            default: ParamDefault::Float(1.0),
            kind: ParamKind::POSITIVE,
            help: "distance between neighbouring modes",
        },
        ParamSpec {
            name: "dim",
            default: ParamDefault::Int(1),
            kind: ParamKind::Int { min: 1, max: 4096 },
            help: "dimension of X",
        },
        ParamSpec {
            name: "noise",
            default: ParamDefault::Float(0.0),
            kind: ParamKind::NON_NEGATIVE,
            help: "standard deviation of Gaussian noise added to Y",
        },
    ],
    sample,
    default_n: |_| 10_000,
};

fn sample(params: &mut ValidParams, n: usize, seed: u64) -> Result<Generated> {
    let modes = params.usize("modes");
    let spread = params.f64("spread");
    let dim = params.usize("dim");
    let noise = params.f64("noise");
    let layout = Layout {
        x_dim: dim,
        y_dim: 1,
        labels: true,
        symbols: false,
    };
    let center = (modes as f64 - 1.0) / 2.0;
    let samples = chunks::fill(n, layout, seed, |rng, rows| {
        let (mut x, mut y, labels) = (rows.x, rows.y, rows.labels);
        for ((mut x_row, mut y_row), label) in x
            .rows_mut()
            .into_iter()
            .zip(y.rows_mut())
            .zip(labels.iter_mut())
        {
            x_row.mapv_inplace(|_| 2.0 * rng.random::<f64>() - 1.0);
            let mean = x_row
                .iter()
                .map(|v| (std::f64::consts::PI * v).sin())
                .sum::<f64>()
                / (dim as f64).sqrt();
            let mode = rng.random_range(0..modes);
            let z: f64 = StandardNormal.sample(rng);
            *label = mode;
            y_row[0] = mean + spread * (mode as f64 - center) + noise * z;
        }
    })?;
    let bits = (modes as f64).log2();
    let (quantity, formula) = if noise == 0.0 {
        (
            "H(Y|X)",
            "log2 K: Y takes one of K equally likely modes given X",
        )
    } else {
        (
            "H(J|X)",
            "log2 K: the mode index J (the label column) is uniform and independent of X",
        )
    };
    Ok(Generated {
        samples,
        n_classes: Some(modes),
        primary: quantity_bits(quantity, bits, 0.0, formula),
        others: vec![quantity_bits(
            "I(X;J)",
            0.0,
            0.0,
            "the mode is drawn independently of X",
        )],
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Params, generate};

    #[test]
    fn modes_are_symmetric_around_the_mean() {
        let data = generate("multimodal", &Params::new().with("modes", 3), 3000, 4).unwrap();
        assert_eq!(data.truth.as_ref().unwrap().primary.bits, 3f64.log2());
        let y = data.y.as_ref().unwrap();
        let labels = data.labels.as_ref().unwrap();
        let mut offsets = [0.0; 3];
        let mut counts = [0.0; 3];
        for ((x, y), &mode) in data.x.rows().into_iter().zip(y.column(0)).zip(labels) {
            let mean = (std::f64::consts::PI * x[0]).sin();
            offsets[mode] = y - mean;
            counts[mode] += 1.0;
        }
        for (offset, expected) in offsets.iter().zip([-1.0, 0.0, 1.0]) {
            assert!((offset - expected).abs() < 1e-12, "{offsets:?}");
        }
        assert!(counts.iter().all(|&c| c > 900.0), "{counts:?}");
    }
}
