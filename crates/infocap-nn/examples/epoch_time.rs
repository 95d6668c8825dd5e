//! Prints the median time of one training epoch of the two benchmark networks as JSON, for
//! `bench/pytorch_compare.py`. Set MATMUL_NUM_THREADS to choose the thread count.
//!
//! ```text
//! MATMUL_NUM_THREADS=2 cargo run --release -p infocap-nn --example epoch_time -- 5
//! ```
//!
//! A second argument `small` or `mnist` runs only that workload.

use std::time::Instant;

use infocap_nn::Activation;

#[path = "../benches/setup.rs"]
mod setup;

fn median_seconds(repeats: usize, mut run: impl FnMut()) -> f64 {
    run();
    let mut times: Vec<f64> = (0..repeats)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let repeats = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let only = std::env::args().nth(2).unwrap_or_default();
    let mut small_seconds = f64::NAN;
    if only != "mnist" {
        let patterns = setup::patterns();
        let mut small = setup::trainer(&setup::SMALL, Activation::Tanh, &patterns);
        small_seconds = median_seconds(repeats, || {
            small.run_epoch().unwrap();
        });
    }
    let (mut mnist_seconds, mut source) = (f64::NAN, "none");
    if only != "small" {
        let (images, images_source) = setup::mnist_sized();
        source = images_source;
        let mut mnist = setup::trainer(&setup::MNIST, Activation::Relu, &images);
        mnist_seconds = median_seconds(repeats, || {
            mnist.run_epoch().unwrap();
        });
    }
    let threads = std::env::var("MATMUL_NUM_THREADS").unwrap_or_else(|_| "default".into());
    println!(
        "{{\"small_epoch_s\": {small_seconds}, \"mnist_epoch_s\": {mnist_seconds}, \
         \"mnist_source\": \"{source}\", \"batch\": {}, \"threads\": \"{threads}\"}}",
        setup::BATCH
    );
}
