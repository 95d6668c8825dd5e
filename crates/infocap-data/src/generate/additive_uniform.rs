//! `additive-uniform`: X ~ U(0, 1) and Y = X + U(−e, e), coordinate by coordinate.
//!
//! With w = 2e, each coordinate carries I = w/2 − ln w nats for w ≤ 1 and 1/(2w) otherwise
//! (h(Y) of the trapezoid density minus h(noise) = ln w); independent coordinates add up. A
//! uniform noise of width w on a range of 1 leaves about log2(1 + 1/w) bits.

use rand::Rng;

use super::chunks::{self, Layout};
use super::params::{ParamDefault, ParamKind, ParamSpec, ValidParams};
use super::{FamilySpec, Generated, TRANSFORM_PARAMS, note_transforms, quantity_nats, transforms};
use crate::closed_form::additive_uniform_mi_nats;
use crate::error::Result;

pub(crate) const SPEC: FamilySpec = FamilySpec {
    name: "additive-uniform",
    description: "X ~ U(0,1), Y = X + U(-e, e) per coordinate; truth I(X;Y) in closed form",
    params: &[
        ParamSpec {
            name: "e",
            default: ParamDefault::Float(0.1),
            kind: ParamKind::POSITIVE,
            help: "half-width of the uniform noise; without noise I(X;Y) would be infinite",
        },
        ParamSpec {
            name: "dim",
            default: ParamDefault::Int(1),
            kind: ParamKind::Int { min: 1, max: 4096 },
            help: "number of independent coordinates of X and of Y",
        },
        TRANSFORM_PARAMS[0],
        TRANSFORM_PARAMS[1],
    ],
    sample,
    default_n: |_| 10_000,
};

fn sample(params: &mut ValidParams, n: usize, seed: u64) -> Result<Generated> {
    let half_width = params.f64("e");
    let dim = params.usize("dim");
    let (transform_x, transform_y) = transforms(params, dim, dim)?;
    let layout = Layout {
        x_dim: dim,
        y_dim: dim,
        labels: false,
        symbols: false,
    };
    let samples = chunks::fill(n, layout, seed, |rng, mut rows| {
        for (x, y) in rows.x.iter_mut().zip(rows.y.iter_mut()) {
            *x = rng.random::<f64>();
            *y = *x + half_width * (2.0 * rng.random::<f64>() - 1.0);
        }
        transform_x.apply(rows.x.view_mut());
        transform_y.apply(rows.y.view_mut());
    })?;
    let nats = dim as f64 * additive_uniform_mi_nats(half_width);
    let formula = format!(
        "{dim} x (w/2 - ln w if w <= 1 else 1/(2w)), w = 2e = {}",
        2.0 * half_width
    );
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

#[cfg(test)]
mod tests {
    use super::super::{Params, generate};

    #[test]
    fn reference_values_and_noise_range() {
        for (e, expected) in [(0.1, 1.7094), (0.75, 0.3333)] {
            let data = generate("additive-uniform", &Params::new().with("e", e), 2000, 1).unwrap();
            assert!((data.truth.as_ref().unwrap().primary.nats - expected).abs() < 1e-4);
            let x = &data.x;
            let y = data.y.as_ref().unwrap();
            assert!(x.iter().all(|v| (0.0..1.0).contains(v)));
            let largest = (y - x).iter().fold(0.0f64, |m, v| m.max(v.abs()));
            assert!(largest <= e + 1e-12, "{largest}");
            assert!(largest > 0.95 * e, "{largest}");
        }
    }

    #[test]
    fn coordinates_add_up() {
        let one = generate("additive-uniform", &Params::new(), 10, 1).unwrap();
        let three = generate("additive-uniform", &Params::new().with("dim", 3), 10, 1).unwrap();
        let (a, b) = (one.truth.unwrap().primary, three.truth.unwrap().primary);
        assert!((b.bits - 3.0 * a.bits).abs() < 1e-12);
    }

    #[test]
    fn negative_noise_is_rejected() {
        let error = generate("additive-uniform", &Params::new().with("e", -0.2), 10, 1)
            .unwrap_err()
            .to_string();
        assert_eq!(error, "invalid value -0.2 for `e`: expected a number > 0");
    }
}
