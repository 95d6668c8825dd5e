//! The two benchmark workloads, shared by the criterion bench and the `epoch_time` example:
//!
//! - 12-10-7-5-4-3-2 tanh on all 4,096 patterns of 12 bits, labels from a fixed seeded linear
//!   rule, batch 64, Adam;
//! - 784-256-128-10 ReLU on 10,000 MNIST images (`../shared/data/mnist`, or uniform random
//!   pixels of that shape when the folder is missing), batch 64, Adam.

use std::io::Read;
use std::path::Path;

use infocap_nn::{Activation, Data, ModelSpec, ProbeConfig, ProbeEpochs, TrainConfig, Trainer};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub const BATCH: usize = 64;

/// Returns all 4,096 vectors of {0, 1}^12, labelled by sign(w · (2x − 1)) for seeded weights w.
pub fn patterns() -> Data {
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let weights: Vec<f64> = (0..12).map(|_| rng.random_range(-1.0..1.0)).collect();
    let x = Array2::from_shape_fn((4096, 12), |(i, j)| ((i >> j) & 1) as f64);
    let labels = x
        .rows()
        .into_iter()
        .map(|row| {
            let score: f64 = row
                .iter()
                .zip(&weights)
                .map(|(b, w)| (2.0 * b - 1.0) * w)
                .sum();
            usize::from(score > 0.0)
        })
        .collect();
    Data::new(x).with_labels(labels, 2)
}

/// Returns 10,000 MNIST test images scaled to [0, 1], or random pixels when MNIST is missing.
pub fn mnist_sized() -> (Data, &'static str) {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/mnist");
    match read_mnist(&folder) {
        Some(data) => (data, "mnist"),
        None => {
            let mut rng = ChaCha8Rng::seed_from_u64(784);
            let x = Array2::from_shape_simple_fn((10_000, 784), || rng.random_range(0.0..1.0));
            let labels = (0..10_000).map(|_| rng.random_range(0..10)).collect();
            (Data::new(x).with_labels(labels, 10), "random")
        }
    }
}

fn read_gz(path: &Path) -> Option<Vec<u8>> {
    let file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

fn read_mnist(folder: &Path) -> Option<Data> {
    let images = read_gz(&folder.join("t10k-images-idx3-ubyte.gz"))?;
    let labels = read_gz(&folder.join("t10k-labels-idx1-ubyte.gz"))?;
    // IDX headers: 16 bytes for images (magic, count, rows, columns), 8 for labels.
    let pixels = images.get(16..16 + 10_000 * 784)?;
    let labels = labels.get(8..8 + 10_000)?;
    let x = Array2::from_shape_fn((10_000, 784), |(i, j)| {
        f64::from(pixels[i * 784 + j]) / 255.0
    });
    Some(Data::new(x).with_labels(labels.iter().map(|&l| usize::from(l)).collect(), 10))
}

/// Builds a trainer for `widths` with Adam at 1e-3, batch 64 and no probes.
pub fn trainer(widths: &[usize], activation: Activation, data: &Data) -> Trainer<f32> {
    let mut config = TrainConfig::new(ModelSpec::classifier(widths, activation), 1_000_000, 1);
    config.batch_size = Some(BATCH);
    config.probes = ProbeConfig {
        epochs: ProbeEpochs::Never,
        ..ProbeConfig::default()
    };
    Trainer::new(config.check().unwrap(), data, data).unwrap()
}

pub const SMALL: [usize; 7] = [12, 10, 7, 5, 4, 3, 2];
pub const MNIST: [usize; 4] = [784, 256, 128, 10];
