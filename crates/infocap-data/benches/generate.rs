//! Generation and writing speed: 10^6 rows of a 32 + 32 dimensional Gaussian pair (64 f64
//! columns, 512 MB), generated, then written as Parquet and as NPY.
//!
//! Run with `cargo bench -p infocap-data --bench generate`; set `INFOCAP_BENCH_ROWS` to change
//! the row count.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use infocap_data::generate::{Params, generate};
use infocap_data::{Format, write_dataset};

fn rows() -> usize {
    std::env::var("INFOCAP_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn params() -> Params {
    Params::new()
        .with("structure", "paired")
        .with("dim_x", 32)
        .with("dim_y", 32)
        .with("rho", 0.5)
}

fn bench_generate(c: &mut Criterion) {
    let n = rows();
    let mut group = c.benchmark_group("gaussian_64_columns");
    group.sample_size(10);
    group.bench_with_input(BenchmarkId::new("generate", n), &n, |b, &n| {
        b.iter(|| black_box(generate("gaussian", &params(), n, 1).unwrap()))
    });
    let data = generate("gaussian", &params(), n, 1).unwrap();
    let root = tempfile::tempdir().unwrap();
    for format in [Format::Parquet, Format::Npy] {
        group.bench_with_input(BenchmarkId::new(format.name(), n), &n, |b, _| {
            b.iter(|| write_dataset(&data, &root.path().join("out"), format, true).unwrap())
        });
    }
    group.bench_with_input(BenchmarkId::new("hidden_bits_k64", n), &n, |b, &n| {
        let params = Params::new().with("k", 64).with("noise", 0.5);
        b.iter(|| black_box(generate("hidden-bits", &params, n, 1).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench_generate);
criterion_main!(benches);
