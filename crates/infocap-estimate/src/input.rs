//! Checks and preparation shared by the estimators: shapes, finite values, constant columns,
//! standardization and tie-breaking jitter.
//!
//! Nearest-neighbor estimators fail on ties: two identical rows are at distance 0, and
//! counting "points strictly closer than 0" returns nothing, which reads as very high mutual
//! information. Adding uniform noise of half-width `scale · s_j` to column j (s_j the larger of
//! the column's standard deviation and its largest absolute value) breaks every tie while
//! moving no point measurably. The noise comes from `ChaCha8Rng` seeded with the
//! caller's seed, one stream per variable, so the result is reproducible.

use ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::error::{EstimateError, Result};

/// Default half-width of the tie-breaking jitter, relative to each column's scale.
pub const DEFAULT_JITTER_SCALE: f64 = 1e-10;

/// Checks that X and Y have the same nonzero number of rows, at least one column each, and only
/// finite values. Returns N.
pub(crate) fn check_pair(x: ArrayView2<f64>, y: ArrayView2<f64>) -> Result<usize> {
    check_one(x, "X")?;
    check_one(y, "Y")?;
    if x.nrows() != y.nrows() {
        return Err(EstimateError::LengthMismatch {
            x_rows: x.nrows(),
            y_rows: y.nrows(),
        });
    }
    Ok(x.nrows())
}

/// Checks that a variable has rows, columns and only finite values.
pub(crate) fn check_one(a: ArrayView2<f64>, variable: &'static str) -> Result<()> {
    if a.nrows() == 0 || a.ncols() == 0 {
        return Err(EstimateError::Empty {
            variable,
            rows: a.nrows(),
            columns: a.ncols(),
        });
    }
    if let Some(((row, column), &value)) = a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(EstimateError::NonFinite {
            variable,
            row,
            column,
            value,
        });
    }
    Ok(())
}

/// Rejects a constant column, which a continuous estimator cannot standardize.
pub(crate) fn check_not_constant(a: ArrayView2<f64>, variable: &'static str) -> Result<()> {
    for (column, values) in a.axis_iter(Axis(1)).enumerate() {
        if is_constant(values) {
            return Err(EstimateError::ConstantColumn {
                variable,
                column,
                value: values[0],
            });
        }
    }
    Ok(())
}

pub(crate) fn is_constant(values: ArrayView1<f64>) -> bool {
    values.iter().all(|&v| v == values[0])
}

/// Rejects N ≤ k: the k-th neighbor of a point must exist among the other N − 1.
pub(crate) fn check_k(estimator: &'static str, n: usize, k: usize) -> Result<()> {
    if k == 0 {
        return Err(EstimateError::invalid(
            "k",
            k,
            "use at least 1 neighbor (3 is the usual choice)",
        ));
    }
    if n <= k {
        return Err(EstimateError::TooFewSamples {
            estimator,
            n,
            reason: format!("k = {k} neighbors need N > k; add samples or lower k"),
        });
    }
    Ok(())
}

/// Checks a jitter scale: finite and in [0, 1e-3].
pub(crate) fn check_jitter(scale: f64) -> Result<()> {
    if !(0.0..=1e-3).contains(&scale) {
        return Err(EstimateError::invalid(
            "jitter_scale",
            scale,
            "use a small relative noise level in [0, 1e-3], such as 1e-10, or 0 to disable",
        ));
    }
    Ok(())
}

/// Returns a copy with every column scaled to zero mean and unit variance (divisor N − 1).
/// Columns must not be constant.
pub(crate) fn standardize(a: ArrayView2<f64>) -> Array2<f64> {
    let mut out = a.to_owned();
    let n = a.nrows() as f64;
    for mut column in out.axis_iter_mut(Axis(1)) {
        let mean = column.sum() / n;
        let var = column.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
        let std = var.sqrt();
        column.mapv_inplace(|v| (v - mean) / std);
    }
    out
}

/// Adds uniform noise of half-width `scale · s_j` to column j in place, from stream `stream`
/// of `ChaCha8Rng` seeded with `seed`. Values are drawn row by row.
pub(crate) fn add_jitter(a: &mut Array2<f64>, scale: f64, seed: u64, stream: u64) {
    if scale == 0.0 || a.nrows() == 0 {
        return;
    }
    let n = a.nrows() as f64;
    let half_widths: Vec<f64> = a
        .axis_iter(Axis(1))
        .map(|column| {
            let mean = column.sum() / n;
            let std = (column.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
            let max_abs = column.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let s = std.max(max_abs);
            scale * if s > 0.0 { s } else { 1.0 }
        })
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    for mut row in a.axis_iter_mut(Axis(0)) {
        for (v, h) in row.iter_mut().zip(&half_widths) {
            *v += h * rng.random_range(-1.0..1.0);
        }
    }
}

/// Returns a dense id per row, equal for equal rows: ids count distinct rows in sorted order.
/// Also returns the number of distinct rows.
pub(crate) fn row_ids(a: ArrayView2<f64>) -> (Vec<u32>, usize) {
    let (n, d) = a.dim();
    // Sortable integer keys of each value (-0.0 counted as 0.0), stored row by row.
    let keys: Vec<i64> = a.iter().map(|&v| order_key(v + 0.0)).collect();
    let row = |i: u32| &keys[i as usize * d..(i as usize + 1) * d];
    // Each entry carries its row's first key, so most comparisons never read `keys`. Equal rows
    // get one id whatever their relative order, which makes the unstable parallel sort
    // reproducible.
    let first = |i: u32| row(i).first().copied().unwrap_or(0);
    let mut order: Vec<(i64, u32)> = (0..n as u32).map(|i| (first(i), i)).collect();
    order.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| row(a.1).cmp(row(b.1))));
    let mut ids = vec![0u32; n];
    let mut next = 0u32;
    for (position, &(key, i)) in order.iter().enumerate() {
        let previous = position.checked_sub(1).map(|p| order[p]);
        if previous.is_some_and(|(previous_key, j)| previous_key != key || row(j) != row(i)) {
            next += 1;
        }
        ids[i as usize] = next;
    }
    let distinct = if n == 0 { 0 } else { next as usize + 1 };
    (ids, distinct)
}

/// Maps a float to an integer with the same order as `f64::total_cmp`.
fn order_key(v: f64) -> i64 {
    let bits = v.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// Counts rows of (x, y) that repeat an earlier row exactly.
pub(crate) fn duplicate_rows(x: ArrayView2<f64>, y: ArrayView2<f64>) -> usize {
    let joint = ndarray::concatenate(Axis(1), &[x, y]).expect("x and y have equal row counts");
    let (_, distinct) = row_ids(joint.view());
    x.nrows() - distinct
}

/// Returns the number of distinct values in the column with the fewest, and its index.
pub(crate) fn fewest_distinct(a: ArrayView2<f64>) -> (usize, usize) {
    a.axis_iter(Axis(1))
        .enumerate()
        .map(|(j, column)| {
            let mut keys: Vec<i64> = column.iter().map(|&v| order_key(v + 0.0)).collect();
            keys.par_sort_unstable();
            keys.dedup();
            (keys.len(), j)
        })
        .min()
        .unwrap_or((0, 0))
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn row_ids_match_equal_rows() {
        let a = array![[1.0, 2.0], [0.0, 5.0], [1.0, 2.0], [-0.0, 5.0]];
        let (ids, distinct) = row_ids(a.view());
        assert_eq!(distinct, 2);
        assert_eq!(ids, vec![1, 0, 1, 0]);
    }

    #[test]
    fn jitter_breaks_ties_and_is_reproducible() {
        let mut a = Array2::<f64>::ones((5, 2));
        add_jitter(&mut a, 1e-10, 3, 0);
        let mut b = Array2::<f64>::ones((5, 2));
        add_jitter(&mut b, 1e-10, 3, 0);
        assert_eq!(a, b);
        assert_eq!(row_ids(a.view()).1, 5);
        assert!(a.iter().all(|v| (v - 1.0).abs() <= 1e-10));
    }

    #[test]
    fn standardize_gives_unit_variance() {
        let a = array![[1.0], [2.0], [3.0], [4.0]];
        let s = standardize(a.view());
        let mean = s.sum() / 4.0;
        let var = s.iter().map(|v| v * v).sum::<f64>() / 3.0;
        assert!(mean.abs() < 1e-15);
        assert!((var - 1.0).abs() < 1e-14);
    }
}
