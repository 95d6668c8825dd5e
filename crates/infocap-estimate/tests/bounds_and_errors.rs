//! Pairwise-distance bounds against their published check values, and the errors that bad
//! input must raise.

mod common;

use common::*;
use infocap_estimate::binning::{BinSize, BinStrategy, BinnedOptions, binned_mi};
use infocap_estimate::gaussian::gaussian_mi;
use infocap_estimate::prec::REFERENCE_ROUNDING_NATS;
use infocap_estimate::{
    EstimateError, EstimatorKind, IntervalOptions, Options, estimate_mi, pairwise_bounds,
};
use ndarray::{Array2, array};
use rand::Rng;

#[test]
fn pairwise_bounds_sixteen_means_on_a_line() {
    // 16 means spaced 2 apart, s = 1: 1.9065 <= I = 2.0929 <= 2.5467 nats.
    let means = Array2::from_shape_fn((16, 1), |(i, _)| 2.0 * i as f64);
    let bounds = pairwise_bounds(means.view(), 1.0).unwrap();
    assert!(
        (bounds.lower_nats - 1.9065).abs() < REFERENCE_ROUNDING_NATS,
        "{bounds:?}"
    );
    assert!(
        (bounds.upper_nats - 2.5467).abs() < REFERENCE_ROUNDING_NATS,
        "{bounds:?}"
    );
    assert!((bounds.upper_bits - nats_to_bits(bounds.upper_nats)).abs() < 1e-15);
}

#[test]
fn pairwise_bounds_four_by_four_grid() {
    // A 4x4 grid with spacing 2, s = 1: 1.3575 <= I ~ 1.695 <= 2.4056 nats.
    let means = Array2::from_shape_fn((16, 2), |(i, c)| {
        2.0 * if c == 0 {
            (i / 4) as f64
        } else {
            (i % 4) as f64
        }
    });
    let bounds = pairwise_bounds(means.view(), 1.0).unwrap();
    assert!(
        (bounds.lower_nats - 1.3575).abs() < REFERENCE_ROUNDING_NATS,
        "{bounds:?}"
    );
    assert!(
        (bounds.upper_nats - 2.4056).abs() < REFERENCE_ROUNDING_NATS,
        "{bounds:?}"
    );
}

#[test]
fn pairwise_bounds_limits() {
    // Far-apart means carry log N nats; identical means carry nothing.
    let far = Array2::from_shape_fn(
        (8, 3),
        |(i, c)| if c == i % 3 { 1e3 * i as f64 } else { 0.0 },
    );
    let bounds = pairwise_bounds(far.view(), 0.1).unwrap();
    assert!((bounds.lower_bits - 3.0).abs() < 1e-12);
    assert!((bounds.upper_bits - 3.0).abs() < 1e-12);
    let same = Array2::<f64>::ones((8, 3));
    let bounds = pairwise_bounds(same.view(), 1.0).unwrap();
    assert!(bounds.lower_bits.abs() < 1e-12);
    assert!(bounds.upper_bits.abs() < 1e-12);
}

#[test]
fn pairwise_bounds_match_direct_distances() {
    // Blocks of 512 rows and the expanded distance formula agree with plain differences.
    let mut rng = rng(500);
    let means = Array2::from_shape_fn((700, 5), |_| rng.random_range(-3.0..3.0) + 100.0);
    let bounds = pairwise_bounds(means.view(), 1.5).unwrap();
    let n = means.nrows();
    let mut upper = 0.0;
    for i in 0..n {
        let sum: f64 = (0..n)
            .map(|j| {
                let d: f64 = (&means.row(i) - &means.row(j)).mapv(|v| v * v).sum();
                (-d / (2.0 * 1.5 * 1.5)).exp()
            })
            .sum();
        upper -= (sum / n as f64).ln() / n as f64;
    }
    assert!(
        (bounds.upper_nats - upper).abs() < 1e-10,
        "{} vs {upper}",
        bounds.upper_nats
    );
    assert!(bounds.lower_nats < bounds.upper_nats);
}

fn run(kind: EstimatorKind, x: &Array2<f64>, y: &Array2<f64>) -> EstimateError {
    estimate_mi(kind, x.view(), y.view(), &Options::default()).unwrap_err()
}

#[test]
fn different_lengths_are_rejected() {
    let (x, _) = independent(10, 1, 1, 1);
    let (_, y) = independent(9, 1, 1, 2);
    for kind in EstimatorKind::ALL {
        let error = run(kind, &x, &y);
        assert_eq!(
            error,
            EstimateError::LengthMismatch {
                x_rows: 10,
                y_rows: 9
            },
            "{kind}"
        );
    }
}

#[test]
fn non_finite_values_are_rejected() {
    let (mut x, y) = independent(10, 2, 1, 3);
    x[(4, 1)] = f64::NAN;
    for kind in EstimatorKind::ALL {
        let error = run(kind, &x, &y);
        assert!(
            matches!(
                error,
                EstimateError::NonFinite {
                    variable: "X",
                    row: 4,
                    column: 1,
                    ..
                }
            ),
            "{kind}: {error}"
        );
    }
    let (x, mut y) = independent(10, 2, 1, 4);
    y[(2, 0)] = f64::INFINITY;
    let message = run(EstimatorKind::Ksg1, &x, &y).to_string();
    assert!(
        message.contains("Y has inf at row 2, column 0"),
        "{message}"
    );
}

#[test]
fn constant_column_is_rejected_by_continuous_estimators() {
    let (mut x, y) = independent(50, 2, 1, 5);
    x.column_mut(1).fill(0.25);
    for kind in [
        EstimatorKind::Ksg1,
        EstimatorKind::Ksg2,
        EstimatorKind::Kl,
        EstimatorKind::Gaussian,
    ] {
        let error = run(kind, &x, &y);
        assert_eq!(
            error,
            EstimateError::ConstantColumn {
                variable: "X",
                column: 1,
                value: 0.25
            },
            "{kind}"
        );
    }
    // Binning puts a dead unit into one bin and warns.
    let options = Options {
        interval: IntervalOptions::none(),
        ..Options::default()
    };
    let estimate = estimate_mi(EstimatorKind::Binned, x.view(), y.view(), &options).unwrap();
    assert!(
        estimate
            .warnings
            .iter()
            .any(|w| w.contains("X column 1 is constant"))
    );
}

#[test]
fn too_few_samples_for_k_is_rejected() {
    let (x, y) = independent(3, 1, 1, 6);
    for kind in [EstimatorKind::Ksg1, EstimatorKind::Ksg2, EstimatorKind::Kl] {
        let error = run(kind, &x, &y);
        assert!(
            matches!(error, EstimateError::TooFewSamples { n: 3, .. }),
            "{kind}: {error}"
        );
        assert!(error.to_string().contains("k = 3"), "{error}");
    }
    let (x, y) = independent(4, 1, 1, 7);
    assert!(
        estimate_mi(
            EstimatorKind::Ksg1,
            x.view(),
            y.view(),
            &Options {
                interval: IntervalOptions::none(),
                ..Options::default()
            }
        )
        .is_ok()
    );
}

#[test]
fn empty_input_is_rejected() {
    let empty = Array2::<f64>::zeros((0, 1));
    for kind in EstimatorKind::ALL {
        let error = run(kind, &empty, &empty);
        assert!(
            matches!(error, EstimateError::Empty { variable: "X", .. }),
            "{kind}: {error}"
        );
    }
    let no_columns = Array2::<f64>::zeros((5, 0));
    let (x, _) = independent(5, 1, 1, 8);
    assert!(matches!(
        run(EstimatorKind::Ksg1, &x, &no_columns),
        EstimateError::Empty { .. }
    ));
}

#[test]
fn singular_covariance_says_infinite_or_undefined() {
    let (x, _) = independent(100, 2, 1, 9);
    // Y = 2 x0 − x1 + 1 is a linear function of X: infinite MI.
    let y = (&x.column(0) * 2.0 - x.column(1) + 1.0)
        .insert_axis(ndarray::Axis(1))
        .to_owned();
    let error = gaussian_mi(x.view(), y.view(), &IntervalOptions::none()).unwrap_err();
    assert!(
        matches!(
            error,
            EstimateError::SingularCovariance { infinite: true, .. }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("infinite"), "{error}");
    // A repeated column inside X: undefined.
    let repeated = ndarray::concatenate![
        ndarray::Axis(1),
        x,
        x.column(0).insert_axis(ndarray::Axis(1))
    ];
    let (_, y) = independent(100, 1, 1, 10);
    let error = gaussian_mi(repeated.view(), y.view(), &IntervalOptions::none()).unwrap_err();
    assert!(
        matches!(
            error,
            EstimateError::SingularCovariance {
                infinite: false,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("X column 2"), "{error}");
    // N <= d_X + d_Y.
    let (x, y) = independent(3, 2, 1, 11);
    let error = gaussian_mi(x.view(), y.view(), &IntervalOptions::none()).unwrap_err();
    assert!(
        matches!(error, EstimateError::TooFewSamples { .. }),
        "{error}"
    );
}

#[test]
fn invalid_options_are_rejected() {
    let (x, y) = independent(50, 1, 1, 12);
    let zero_k = Options {
        k: 0,
        ..Options::default()
    };
    assert!(estimate_mi(EstimatorKind::Ksg1, x.view(), y.view(), &zero_k).is_err());
    let zero_bins = Options {
        bins: BinSize::Count(0),
        ..Options::default()
    };
    let error = estimate_mi(EstimatorKind::Binned, x.view(), y.view(), &zero_bins).unwrap_err();
    assert!(error.to_string().contains("bins"), "{error}");
    let mass_width = BinnedOptions {
        strategy: BinStrategy::EqualMass,
        size: BinSize::Width(0.1),
        ..BinnedOptions::default()
    };
    let error = binned_mi(x.view(), y.view(), &mass_width).unwrap_err();
    assert!(error.to_string().contains("takes a bin count"), "{error}");
    assert!(pairwise_bounds(array![[0.0]].view(), 0.0).is_err());
    let message = EstimatorKind::from_name("gausian").unwrap_err().to_string();
    assert!(message.contains("did you mean `gaussian`"), "{message}");
}
