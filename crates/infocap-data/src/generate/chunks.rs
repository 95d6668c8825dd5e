//! Deterministic parallel sampling.
//!
//! Rows are generated in fixed-size chunks. Chunk `c` draws from
//! `ChaCha8Rng::seed_from_u64(seed)` on stream `c`, so its values depend only on the seed and
//! the chunk index, never on which thread runs it or how many threads there are. Fixed random
//! structure (rotations, teacher weights, lookup tables) and Monte Carlo estimates of the truth
//! use streams from [`STRUCTURE_STREAM`] up, which no data chunk reaches.

use ndarray::{Array2, ArrayViewMut2, Axis};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::error::{DataError, Result};

/// Largest number of rows in one chunk.
pub(crate) const MAX_CHUNK_ROWS: usize = 4096;

/// First stream reserved for structure and Monte Carlo; data chunks use streams below it.
pub(crate) const STRUCTURE_STREAM: u64 = 1 << 62;

/// Returns the rows per chunk for rows of `width` values: 4096, or fewer for very wide rows so
/// that a chunk's scratch space stays near 8 MiB. Depends on the width only, never on threads.
pub(crate) fn chunk_rows(width: usize) -> usize {
    ((1 << 20) / width.max(1)).clamp(1, MAX_CHUNK_ROWS)
}

/// Returns the generator for data chunk `chunk`.
pub(crate) fn chunk_rng(seed: u64, chunk: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(chunk as u64);
    rng
}

/// Returns the generator for fixed structure or Monte Carlo work number `purpose`.
pub(crate) fn structure_rng(seed: u64, purpose: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(STRUCTURE_STREAM + purpose);
    rng
}

/// Widths of the outputs a family produces.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    pub x_dim: usize,
    /// Width of `y`; 0 when the family has no continuous target.
    pub y_dim: usize,
    pub labels: bool,
    pub symbols: bool,
}

/// The rows of one chunk, to be filled by a family's sampler.
pub(crate) struct Rows<'a> {
    /// Index of the first row of the chunk in the whole data set.
    pub first_row: usize,
    pub x: ArrayViewMut2<'a, f64>,
    /// Zero columns wide when the layout has no `y`.
    pub y: ArrayViewMut2<'a, f64>,
    /// Empty when the layout has no labels.
    pub labels: &'a mut [usize],
    /// Empty when the layout has no symbols.
    pub symbols: &'a mut [u64],
}

impl Rows<'_> {
    /// Returns the number of rows in the chunk.
    pub fn len(&self) -> usize {
        self.x.nrows()
    }
}

/// The filled outputs of [`fill`].
pub(crate) struct Samples {
    pub x: Array2<f64>,
    pub y: Option<Array2<f64>>,
    pub labels: Option<Vec<usize>>,
    pub symbols: Option<Vec<u64>>,
}

/// The maximum memory of a generated data set, 16 GiB. Larger requests fail with an error
/// instead of aborting the process when the allocation fails.
const MAX_BYTES: u128 = 16 << 30;

/// Allocates the outputs for `n` rows and fills them chunk by chunk in parallel with `sample`,
/// which receives the chunk's own generator.
///
/// # Errors
/// When the outputs would take more than 16 GiB.
pub(crate) fn fill<F>(n: usize, layout: Layout, seed: u64, sample: F) -> Result<Samples>
where
    F: Fn(&mut ChaCha8Rng, Rows<'_>) + Sync,
{
    let per_row =
        layout.x_dim + layout.y_dim + usize::from(layout.labels) + usize::from(layout.symbols);
    let bytes = n as u128 * per_row as u128 * 8;
    if bytes > MAX_BYTES {
        return Err(DataError::invalid(
            "n",
            n,
            format!(
                "{n} rows of {per_row} values take {:.1} GiB, more than the 16 GiB limit of a \
                 generated data set; use a smaller n or fewer dimensions",
                bytes as f64 / f64::from(1u32 << 30)
            ),
        ));
    }
    let rows_per_chunk = chunk_rows(layout.x_dim.max(layout.y_dim));
    let mut x = Array2::<f64>::zeros((n, layout.x_dim));
    let mut y = Array2::<f64>::zeros((n, layout.y_dim));
    let mut labels = vec![0usize; if layout.labels { n } else { 0 }];
    let mut symbols = vec![0u64; if layout.symbols { n } else { 0 }];
    {
        let mut x_chunks = x.axis_chunks_iter_mut(Axis(0), rows_per_chunk);
        let mut y_chunks = y.axis_chunks_iter_mut(Axis(0), rows_per_chunk);
        let mut label_chunks = labels.chunks_mut(rows_per_chunk);
        let mut symbol_chunks = symbols.chunks_mut(rows_per_chunk);
        let mut chunks = Vec::with_capacity(n.div_ceil(rows_per_chunk));
        for index in 0..n.div_ceil(rows_per_chunk) {
            chunks.push(Rows {
                first_row: index * rows_per_chunk,
                x: x_chunks.next().expect("one x chunk per index"),
                y: y_chunks.next().expect("one y chunk per index"),
                labels: label_chunks.next().unwrap_or_default(),
                symbols: symbol_chunks.next().unwrap_or_default(),
            });
        }
        chunks
            .into_par_iter()
            .enumerate()
            .for_each(|(index, rows)| {
                let mut rng = chunk_rng(seed, index);
                sample(&mut rng, rows);
            });
    }
    Ok(Samples {
        x,
        y: (layout.y_dim > 0).then_some(y),
        labels: layout.labels.then_some(labels),
        symbols: layout.symbols.then_some(symbols),
    })
}

/// Runs `work` on `chunks` fixed Monte Carlo chunks in parallel, each with its own stream
/// after `purpose`, and returns the results in chunk order.
pub(crate) fn monte_carlo<T, F>(seed: u64, purpose: u64, chunks: usize, work: F) -> Vec<T>
where
    T: Send,
    F: Fn(&mut ChaCha8Rng) -> T + Sync,
{
    (0..chunks)
        .into_par_iter()
        .map(|chunk| {
            let mut rng = structure_rng(seed, purpose + chunk as u64);
            work(&mut rng)
        })
        .collect()
}

/// Mean and standard error of the mean of per-chunk `(sum, sum of squares, count)`.
pub(crate) fn mean_and_stderr(parts: &[(f64, f64, usize)]) -> (f64, f64) {
    let (sum, squares, count) = parts.iter().fold((0.0, 0.0, 0usize), |acc, part| {
        (acc.0 + part.0, acc.1 + part.1, acc.2 + part.2)
    });
    let count = count.max(1) as f64;
    let mean = sum / count;
    let variance = (squares / count - mean * mean).max(0.0) * count / (count - 1.0).max(1.0);
    (mean, (variance / count).sqrt())
}

#[cfg(test)]
mod tests {
    use rand::Rng;

    use super::*;

    #[test]
    fn chunks_do_not_depend_on_thread_count() {
        let layout = Layout {
            x_dim: 3,
            y_dim: 0,
            labels: true,
            symbols: false,
        };
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                fill(10_000, layout, 5, |rng, mut rows| {
                    rows.x.mapv_inplace(|_| rng.random::<f64>());
                    for label in rows.labels.iter_mut() {
                        *label = rng.random_range(0..7);
                    }
                })
                .unwrap()
            })
        };
        let one = run(1);
        let two = run(2);
        assert_eq!(one.x, two.x);
        assert_eq!(one.labels, two.labels);
        assert!(one.y.is_none());
        assert!(one.symbols.is_none());
    }

    #[test]
    fn wide_rows_use_small_chunks() {
        assert_eq!(chunk_rows(64), 4096);
        assert_eq!(chunk_rows(16_384), 64);
        assert_eq!(chunk_rows(10_000_000), 1);
    }

    #[test]
    fn stderr_of_known_sample() {
        // Values 0, 1, 2, 3: mean 1.5, sample variance 5/3, stderr sqrt(5/12).
        let (mean, stderr) = mean_and_stderr(&[(1.0, 1.0, 2), (5.0, 13.0, 2)]);
        assert_eq!(mean, 1.5);
        assert!((stderr - (5.0f64 / 12.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn oversized_request_is_an_error() {
        let layout = Layout {
            x_dim: 1 << 20,
            y_dim: 0,
            labels: false,
            symbols: false,
        };
        // 10^4 rows of 2^20 values take 78 GiB, and usize::MAX rows overflow a usize byte count.
        for n in [10_000, usize::MAX] {
            let error = fill(n, layout, 1, |_, _| {}).err().expect("too large");
            assert!(error.to_string().contains("16 GiB"), "{error}");
        }
    }
}
