//! One training epoch of the two reference networks (see `setup.rs`).

use criterion::{Criterion, criterion_group, criterion_main};
use infocap_nn::Activation;

mod setup;

fn epochs(c: &mut Criterion) {
    let patterns = setup::patterns();
    let mut small = setup::trainer(&setup::SMALL, Activation::Tanh, &patterns);
    let mut group = c.benchmark_group("epoch");
    group.bench_function("12-10-7-5-4-3-2 tanh, 4096 patterns", |b| {
        b.iter(|| small.run_epoch().unwrap())
    });

    let (images, source) = setup::mnist_sized();
    let mut mnist = setup::trainer(&setup::MNIST, Activation::Relu, &images);
    group.sample_size(10);
    group.bench_function(format!("784-256-128-10 relu, 10000 {source} images"), |b| {
        b.iter(|| mnist.run_epoch().unwrap())
    });
    group.finish();
}

criterion_group!(benches, epochs);
criterion_main!(benches);
