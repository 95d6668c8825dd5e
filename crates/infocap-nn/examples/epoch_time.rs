//! Prints the median wall and CPU time of one training epoch of the two benchmark networks as
//! JSON, for `bench/pytorch_compare.py`. Set MATMUL_NUM_THREADS to choose the thread count.
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

/// Returns the CPU time of the calling thread in seconds (Linux), which a busy machine
/// inflates much less than wall time. With MATMUL_NUM_THREADS=1 all work runs on this thread.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanoseconds * 1e-9)
}

/// Returns the median wall and thread CPU seconds of `repeats` runs after one warm-up run.
fn median_seconds(repeats: usize, mut run: impl FnMut()) -> (f64, f64) {
    run();
    let mut wall = Vec::with_capacity(repeats);
    let mut cpu = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let (start, start_cpu) = (Instant::now(), thread_cpu_seconds());
        run();
        wall.push(start.elapsed().as_secs_f64());
        cpu.push(match (start_cpu, thread_cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => f64::NAN,
        });
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (median(wall), median(cpu))
}

fn main() {
    let repeats = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let only = std::env::args().nth(2).unwrap_or_default();
    let mut small_seconds = (f64::NAN, f64::NAN);
    if only != "mnist" {
        let patterns = setup::patterns();
        let mut small = setup::trainer(&setup::SMALL, Activation::Tanh, &patterns);
        small_seconds = median_seconds(repeats, || {
            small.run_epoch().unwrap();
        });
    }
    let (mut mnist_seconds, mut source) = ((f64::NAN, f64::NAN), "none");
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
        "{{\"small_epoch_s\": {}, \"small_epoch_cpu_s\": {}, \"mnist_epoch_s\": {}, \
         \"mnist_epoch_cpu_s\": {}, \"mnist_source\": \"{source}\", \"batch\": {}, \
         \"threads\": \"{threads}\"}}",
        small_seconds.0,
        small_seconds.1,
        mnist_seconds.0,
        mnist_seconds.1,
        setup::BATCH
    );
}
