//! Speed of the estimators at the sizes the toolkit promises: KSG at N = 100,000 in 2
//! dimensions, and pairwise bounds for 4,096 means of width 256 next to the bare matrix product
//! they are built on. Run with `cargo bench -p infocap-estimate`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use infocap_estimate::pairwise_bounds;
use infocap_estimate::{EstimatorKind, IntervalOptions, Options, estimate_mi};
use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

fn gaussian_pair(n: usize, seed: u64) -> (Array2<f64>, Array2<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = Array2::from_shape_fn((n, 1), |_| StandardNormal.sample(&mut rng));
    let noise = Array2::from_shape_fn((n, 1), |_| -> f64 { StandardNormal.sample(&mut rng) });
    let y = &x * 0.75 + &noise * (1.0f64 - 0.5625).sqrt();
    (x, y)
}

fn point_estimates(c: &mut Criterion) {
    let mut group = c.benchmark_group("mi_point_estimate");
    group.sample_size(10);
    let options = Options {
        interval: IntervalOptions::none(),
        ..Options::default()
    };
    for n in [10_000, 100_000] {
        let (x, y) = gaussian_pair(n, 1);
        for kind in [
            EstimatorKind::Ksg1,
            EstimatorKind::Ksg2,
            EstimatorKind::Kl,
            EstimatorKind::Gaussian,
            EstimatorKind::Binned,
        ] {
            group.bench_with_input(BenchmarkId::new(kind.name(), n), &n, |b, _| {
                b.iter(|| estimate_mi(kind, x.view(), y.view(), &options).unwrap())
            });
        }
    }
    group.finish();
}

fn with_interval(c: &mut Criterion) {
    let mut group = c.benchmark_group("mi_with_interval");
    group.sample_size(10);
    let (x, y) = gaussian_pair(100_000, 2);
    group.bench_function("ksg1/100000/20_half_samples", |b| {
        b.iter(|| {
            estimate_mi(EstimatorKind::Ksg1, x.view(), y.view(), &Options::default()).unwrap()
        })
    });
    group.finish();
}

fn pairwise(c: &mut Criterion) {
    let mut group = c.benchmark_group("pairwise_4096x256");
    group.sample_size(10);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let means = Array2::from_shape_fn((4096, 256), |_| -> f64 { StandardNormal.sample(&mut rng) });
    group.bench_function("bounds", |b| {
        b.iter(|| pairwise_bounds(means.view(), 4.0).unwrap())
    });
    group.bench_function("gram_matrix_only", |b| b.iter(|| means.dot(&means.t())));
    group.finish();
}

criterion_group!(benches, point_estimates, with_interval, pairwise);
criterion_main!(benches);
