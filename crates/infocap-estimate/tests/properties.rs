//! Properties every estimator must have: about 0 for independent data, invariance to
//! rescaling, no information from ties or copied rows, saturation flags, range handling and
//! the same result at any thread count.

mod common;

use common::*;
use infocap_estimate::binning::{BinSize, BinnedOptions, bin_columns, binned_mi};
use infocap_estimate::{EstimatorKind, IntervalOptions, Options, estimate_mi};
use ndarray::{Array2, Axis, concatenate};
use rand::Rng;

fn point_options() -> Options {
    Options {
        interval: IntervalOptions::none(),
        ..Options::default()
    }
}

#[test]
fn independent_data_gives_about_zero() {
    // N = 4000: KSG sd 0.018 bits, unbiased; KL biased up by about 0.02 bits.
    let (x, y) = independent(4000, 2, 1, 200);
    for (kind, tolerance) in [
        (EstimatorKind::Ksg1, 0.06),
        (EstimatorKind::Ksg2, 0.06),
        (EstimatorKind::Kl, 0.09),
        (EstimatorKind::Gaussian, 0.01),
    ] {
        let estimate = estimate_mi(kind, x.view(), y.view(), &point_options()).unwrap();
        assert!(
            estimate.raw_bits.abs() < tolerance,
            "{kind}: {}",
            estimate.raw_bits
        );
        assert!(estimate.bits >= 0.0);
        assert_eq!(estimate.negative, estimate.raw_bits < 0.0);
    }
}

#[test]
fn negative_estimate_is_clipped_and_kept() {
    // Some seed of independent data gives a negative KSG value; the flag keeps it visible.
    let negative = (0..20)
        .map(|seed| {
            let (x, y) = independent(300, 1, 1, 300 + seed);
            estimate_mi(EstimatorKind::Ksg1, x.view(), y.view(), &point_options()).unwrap()
        })
        .find(|e| e.raw_bits < 0.0)
        .expect("independent data gives a negative estimate for some seed");
    assert!(negative.negative);
    assert_eq!(negative.bits, 0.0);
}

#[test]
fn rescaling_changes_nothing() {
    let (x, y) = bivariate_gaussian(2000, 0.6, 210);
    let scaled_x = x.mapv(|v| 1000.0 * v + 5.0);
    let scaled_y = y.mapv(|v| -0.001 * v);
    for kind in [
        EstimatorKind::Ksg1,
        EstimatorKind::Ksg2,
        EstimatorKind::Kl,
        EstimatorKind::Gaussian,
        EstimatorKind::Binned,
        EstimatorKind::BinnedMass,
    ] {
        // Quantile edges sit on data points, so a decreasing map moves the rows on an edge
        // into the neighboring bin: equal-mass bins are invariant to increasing maps only.
        let scaled_y = if kind == EstimatorKind::BinnedMass {
            y.mapv(|v| 0.001 * v)
        } else {
            scaled_y.clone()
        };
        let before = estimate_mi(kind, x.view(), y.view(), &point_options()).unwrap();
        let after = estimate_mi(kind, scaled_x.view(), scaled_y.view(), &point_options()).unwrap();
        assert!(
            (before.raw_bits - after.raw_bits).abs() < 1e-6,
            "{kind}: {} before, {} after rescaling",
            before.raw_bits,
            after.raw_bits
        );
    }
}

#[test]
fn ksg_ties_in_discrete_data_give_no_information() {
    // Independent X and Y with 5 values each: 2000 rows but only 25 distinct ones, so almost
    // every row is an exact copy of another. Counting neighbors strictly inside a distance of 0
    // would give several bits; with the seeded jitter the estimate stays near 0.
    let mut rng = rng(220);
    let x = Array2::from_shape_fn((2000, 1), |_| f64::from(rng.random_range(0..5u8)));
    let y = Array2::from_shape_fn((2000, 1), |_| f64::from(rng.random_range(0..5u8)));
    for kind in [EstimatorKind::Ksg1, EstimatorKind::Ksg2] {
        let estimate = estimate_mi(kind, x.view(), y.view(), &point_options()).unwrap();
        assert!(
            estimate.raw_bits.abs() < 0.05,
            "{kind}: {}",
            estimate.raw_bits
        );
        assert_eq!(estimate.details.duplicate_rows, Some(1975));
        assert!(
            estimate
                .warnings
                .iter()
                .any(|w| w.contains("repeat an earlier"))
        );
    }
    let plugin = estimate_mi(
        EstimatorKind::MillerMadow,
        x.view(),
        y.view(),
        &point_options(),
    );
    assert!(plugin.unwrap().raw_bits.abs() < 0.02);
}

#[test]
fn ksg_duplicated_rows_give_no_information() {
    // Independent data in which 5% of the rows are copied once more. Each copy shares its
    // row's neighbors, which is local dependence to a nearest-neighbor estimator: measured
    // bias about +0.03 bits here, against several bits when zero distances are counted as-is.
    let (x, y) = independent(2000, 1, 1, 230);
    let copied: Vec<usize> = (0..100).map(|i| i * 20).collect();
    let x = concatenate(Axis(0), &[x.view(), x.select(Axis(0), &copied).view()]).unwrap();
    let y = concatenate(Axis(0), &[y.view(), y.select(Axis(0), &copied).view()]).unwrap();
    for kind in [EstimatorKind::Ksg1, EstimatorKind::Ksg2] {
        let estimate = estimate_mi(kind, x.view(), y.view(), &point_options()).unwrap();
        assert!(
            estimate.raw_bits.abs() < 0.08,
            "{kind}: {}",
            estimate.raw_bits
        );
        assert_eq!(estimate.details.duplicate_rows, Some(100));
    }
}

#[test]
fn self_information_is_flagged_saturated() {
    let (x, _) = independent(2000, 1, 1, 240);
    for kind in [EstimatorKind::Ksg1, EstimatorKind::Ksg2, EstimatorKind::Kl] {
        let estimate = estimate_mi(kind, x.view(), x.view(), &point_options()).unwrap();
        assert!(estimate.saturated, "{kind}: {estimate:?}");
        let ceiling = estimate.ceiling_bits.unwrap();
        assert!(
            (estimate.raw_bits - ceiling).abs() < 0.05,
            "{kind}: {} vs {ceiling}",
            estimate.raw_bits
        );
    }
    // Strongly dependent but noisy data is not saturated.
    let (x, y) = bivariate_gaussian(2000, 0.9, 241);
    let estimate = estimate_mi(EstimatorKind::Ksg1, x.view(), y.view(), &point_options()).unwrap();
    assert!(!estimate.saturated);
    // 4096 distinct symbols carry log2 N = 12 bits about themselves: the discrete ceiling.
    let symbols = Array2::from_shape_fn((4096, 1), |(i, _)| i as f64);
    let estimate = estimate_mi(
        EstimatorKind::Plugin,
        symbols.view(),
        symbols.view(),
        &point_options(),
    );
    let estimate = estimate.unwrap();
    assert!((estimate.bits - 12.0).abs() < 1e-9);
    assert!(estimate.saturated);
}

#[test]
fn binned_values_outside_preset_range_stay_in_range() {
    // tanh-style preset (−1, 1) with 10 bins of width 0.2, but values reach ±3.
    let values: Vec<f64> = vec![-3.0, -1.5, -1.0, -0.5, 0.0, 0.5, 0.99, 1.0, 1.5, 3.0];
    let x = Array2::from_shape_vec((10, 1), values.clone()).unwrap();
    let options = BinnedOptions {
        size: BinSize::Count(10),
        preset_range: Some((-1.0, 1.0)),
        interval: IntervalOptions::none(),
        ..BinnedOptions::default()
    };
    let binned = bin_columns(x.view(), &options).unwrap();
    let unit = &binned.report.units[0];
    assert!(unit.low <= -3.0, "{unit:?}");
    assert!(unit.high >= 3.0, "{unit:?}");
    assert!((unit.high - unit.low) / unit.bins as f64 - 0.2 < 1e-12);
    let indices = binned.indices.column(0).to_vec();
    // Ordered values get non-decreasing bins, and -3, -1.5, 1.5, 3 each get their own bin
    // instead of being clipped into the edge bins of (−1, 1).
    assert!(indices.windows(2).all(|w| w[0] <= w[1]), "{indices:?}");
    assert!(indices[0] < indices[1], "{indices:?}");
    assert!(indices[1] < indices[2], "{indices:?}");
    assert!(indices[7] < indices[8], "{indices:?}");
    assert!(indices[8] < indices[9], "{indices:?}");
    assert_eq!(binned.outside_preset.map(|o| o.0), Some(4));
    // The estimate of I(X;X) counts all 10 distinct bins: log2 10 bits, and warns.
    let estimate = binned_mi(x.view(), x.view(), &options).unwrap();
    assert_eq!(estimate.details.cells_x, Some(10));
    assert!((estimate.bits - 10f64.log2()).abs() < 1e-12);
    assert!(
        estimate
            .warnings
            .iter()
            .any(|w| w.contains("outside the preset range"))
    );
}

#[test]
fn same_result_at_any_thread_count() {
    let (x, y) = bivariate_gaussian(1500, 0.5, 250);
    let symbols_x = x.mapv(|v| (v * 2.0).round());
    let symbols_y = y.mapv(|v| (v * 2.0).round());
    let options = Options::default();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            EstimatorKind::ALL
                .iter()
                .map(|&kind| {
                    let (a, b) = match kind.data_kind() {
                        infocap_estimate::DataKind::Continuous => (&x, &y),
                        infocap_estimate::DataKind::Discrete => (&symbols_x, &symbols_y),
                    };
                    let estimate = estimate_mi(kind, a.view(), b.view(), &options).unwrap();
                    serde_json::to_string(&estimate).unwrap()
                })
                .collect::<Vec<_>>()
        })
    };
    let one = run(1);
    let two = run(2);
    let three = run(3);
    assert_eq!(one, two);
    assert_eq!(one, three);
}

#[test]
fn every_estimate_carries_an_interval() {
    let (x, y) = bivariate_gaussian(1000, 0.75, 260);
    let symbols_x = x.mapv(|v| v.round());
    let symbols_y = y.mapv(|v| v.round());
    for kind in EstimatorKind::ALL {
        let (a, b) = match kind.data_kind() {
            infocap_estimate::DataKind::Continuous => (&x, &y),
            infocap_estimate::DataKind::Discrete => (&symbols_x, &symbols_y),
        };
        let estimate = estimate_mi(kind, a.view(), b.view(), &Options::default()).unwrap();
        assert_eq!(
            estimate.interval.method,
            infocap_estimate::IntervalMethod::Subsample
        );
        assert_eq!(estimate.interval.resamples, 20, "{kind}");
        assert_eq!(estimate.interval.sample_size, 500);
        assert!(estimate.interval.std_error_bits > 0.0, "{kind}");
        assert!(estimate.ci_low_bits <= estimate.bits, "{kind}");
        assert!(estimate.bits <= estimate.ci_high_bits, "{kind}");
    }
}

#[test]
fn interval_covers_truth_for_gaussian_pairs() {
    // Over 20 seeds a 95% interval should miss the truth about once. More than 4 misses has
    // probability below 2% for a calibrated interval, so it means the interval is too narrow.
    let truth = 0.5963;
    let misses = (0..20)
        .filter(|&seed| {
            let (x, y) = bivariate_gaussian(1000, 0.75, 400 + seed);
            let estimate =
                estimate_mi(EstimatorKind::Ksg1, x.view(), y.view(), &Options::default()).unwrap();
            !(estimate.ci_low_bits..=estimate.ci_high_bits).contains(&truth)
        })
        .count();
    assert!(misses <= 4, "{misses} of 20 intervals missed the truth");
}
