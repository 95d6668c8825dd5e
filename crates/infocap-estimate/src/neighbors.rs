//! Nearest neighbors and radius counts in the max-norm (Chebyshev distance), the two queries
//! behind the KSG and Kozachenko-Leonenko estimators.
//!
//! Up to [`MAX_TREE_DIM`] dimensions the queries run on a k-d tree (kiddo), above that by brute
//! force, because a k-d tree visits almost every leaf in high dimension anyway. Tree queries run
//! in the tree's own leaf order, so that consecutive queries walk the same nodes while they are
//! still in cache. Counts in one dimension use a sorted copy and binary search, also walked in
//! sorted order.
//!
//! Every distance that decides a count is computed here as max_c |a_c − b_c|, from the same
//! coordinates with the same floating-point operations, so "strictly closer than ε" gives the
//! same result for the joint search and the marginal counts. Neighbors tied at the k-th distance
//! are ordered by row index, so the neighbor sets do not depend on the tree layout or the
//! thread count. Work is split into chunks of [`CHUNK`] rows whatever the thread count.

use std::num::NonZeroUsize;

use kiddo::dist::Chebyshev;
use kiddo::kd_tree::KdTree;
use kiddo::leaf_strategies::VecOfArenas;
use kiddo::stem_strategies::Eytzinger;
use ndarray::ArrayView2;
use rayon::prelude::*;

/// Largest dimension searched with a k-d tree.
pub(crate) const MAX_TREE_DIM: usize = 10;

/// Rows per parallel work item.
const CHUNK: usize = 256;

/// Points per leaf of the k-d trees. kiddo's `ImmutableKdTree` uses 32, but 16 measured faster
/// for the few-neighbor queries of the estimators on 100,000 points in 2 dimensions.
const BUCKET: usize = 16;

/// kiddo's immutable k-d tree with [`BUCKET`] points per leaf; items are row indices.
type Tree<const D: usize> =
    KdTree<f64, u32, Eytzinger, VecOfArenas<f64, u32, D, BUCKET>, D, BUCKET>;

/// Builds the tree of `coords`.
fn build_tree<const D: usize>(coords: &[[f64; D]]) -> Tree<D> {
    Tree::<D>::new_from_slice_parallel(coords).expect("k-d tree construction from finite points")
}

/// Returns `width` outputs per row, `query(i, slot)` filling row i's `slot`.
///
/// Rows are visited in the tree's leaf order, so neighboring work items query neighboring
/// points. Each output depends only on its row, not on that order or on the thread count.
fn per_row_in_tree_order<const D: usize, O>(
    tree: &Tree<D>,
    width: usize,
    query: impl Fn(usize, &mut [O]) + Sync,
) -> Vec<O>
where
    O: Copy + Default + Send + Sync,
{
    let order: Vec<u32> = tree.iter().map(|(row, _)| row).collect();
    let mut in_order = vec![O::default(); order.len() * width];
    in_order
        .par_chunks_mut(CHUNK * width)
        .zip(order.par_chunks(CHUNK))
        .for_each(|(block, rows)| {
            for (slot, &row) in block.chunks_mut(width).zip(rows) {
                query(row as usize, slot);
            }
        });
    let mut out = vec![O::default(); order.len() * width];
    for (slot, &row) in in_order.chunks(width).zip(&order) {
        let row = row as usize;
        out[row * width..(row + 1) * width].copy_from_slice(slot);
    }
    out
}

/// Returns max_c |a_c − b_c| over the columns `range` of rows i and j.
#[inline]
fn chebyshev(points: &ArrayView2<f64>, i: usize, j: usize, range: std::ops::Range<usize>) -> f64 {
    let mut d = 0.0f64;
    for c in range {
        let diff = (points[(i, c)] - points[(j, c)]).abs();
        if diff > d {
            d = diff;
        }
    }
    d
}

/// Calls `$f::<D>(args)` for the runtime dimension `$d` in 1..=MAX_TREE_DIM.
macro_rules! with_dim {
    ($d:expr, $f:ident ( $($arg:expr),* )) => {
        match $d {
            1 => $f::<1>($($arg),*),
            2 => $f::<2>($($arg),*),
            3 => $f::<3>($($arg),*),
            4 => $f::<4>($($arg),*),
            5 => $f::<5>($($arg),*),
            6 => $f::<6>($($arg),*),
            7 => $f::<7>($($arg),*),
            8 => $f::<8>($($arg),*),
            9 => $f::<9>($($arg),*),
            10 => $f::<10>($($arg),*),
            d => unreachable!("no k-d tree for dimension {d}"),
        }
    };
}

fn to_points<const D: usize>(points: &ArrayView2<f64>) -> Vec<[f64; D]> {
    points
        .rows()
        .into_iter()
        .map(|row| std::array::from_fn(|c| row[c]))
        .collect()
}

/// Returns the k nearest other rows of every row, as a flat N·k list of row indices, each
/// row's neighbors ordered by (distance, index). Requires N > k.
pub(crate) fn nearest(points: ArrayView2<f64>, k: usize) -> Vec<u32> {
    let d = points.ncols();
    if d <= MAX_TREE_DIM {
        with_dim!(d, nearest_tree(&points, k))
    } else {
        tracing::debug!(
            dims = d,
            rows = points.nrows(),
            "brute-force neighbor search: a k-d tree gains nothing above {MAX_TREE_DIM} dimensions"
        );
        nearest_brute(&points, k)
    }
}

fn nearest_tree<const D: usize>(points: &ArrayView2<f64>, k: usize) -> Vec<u32> {
    let n = points.nrows();
    let coords = to_points::<D>(points);
    let tree = build_tree(&coords);
    let want = NonZeroUsize::new((k + 2).min(n)).expect("n > k >= 1");
    per_row_in_tree_order(&tree, k, |i, slot| {
        let mut candidates: Vec<(f64, u32)> = tree
            .query(&coords[i])
            .nearest_n::<Chebyshev<f64>>(want)
            .execute()
            .iter()
            .filter(|r| r.item as usize != i)
            .map(|r| (chebyshev(points, i, r.item as usize, 0..D), r.item))
            .collect();
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let tied = candidates.len() > k && candidates[k].0 == candidates[k - 1].0;
        if tied {
            // Rows tied with the k-th neighbor may lie outside the k + 2 returned: gather
            // every row at that distance and keep the lowest indices.
            let radius = candidates[k - 1].0;
            candidates.clear();
            tree.query(&coords[i])
                .within::<Chebyshev<f64>>(radius)
                .unsorted()
                .visit(|r| {
                    let j = r.item as usize;
                    if j != i {
                        candidates.push((chebyshev(points, i, j, 0..D), r.item));
                    }
                });
            candidates.retain(|r| r.0 <= radius);
            candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        for (s, candidate) in slot.iter_mut().zip(&candidates) {
            *s = candidate.1;
        }
    })
}

fn nearest_brute(points: &ArrayView2<f64>, k: usize) -> Vec<u32> {
    let n = points.nrows();
    let d = points.ncols();
    let mut out = vec![0u32; n * k];
    out.par_chunks_mut(CHUNK * k).enumerate().for_each_init(
        || Vec::with_capacity(n),
        |candidates: &mut Vec<(f64, u32)>, (c, block)| {
            for (offset, slot) in block.chunks_mut(k).enumerate() {
                let i = c * CHUNK + offset;
                candidates.clear();
                candidates.extend(
                    (0..n)
                        .filter(|&j| j != i)
                        .map(|j| (chebyshev(points, i, j, 0..d), j as u32)),
                );
                let order =
                    |a: &(f64, u32), b: &(f64, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
                candidates.select_nth_unstable_by(k - 1, order);
                candidates[..k].sort_by(order);
                for (s, candidate) in slot.iter_mut().zip(candidates.iter()) {
                    *s = candidate.1;
                }
            }
        },
    );
    out
}

/// Returns, for every row, the distance to its k-th nearest other row. Requires N > k.
///
/// The distance does not depend on which of several tied rows counts as the k-th, so no ties
/// need resolving. The tree query requests the k + 1 nearest rows, which include the row
/// itself or a copy of it at distance 0, and takes the largest of their distances.
pub(crate) fn kth_distance(points: ArrayView2<f64>, k: usize) -> Vec<f64> {
    let d = points.ncols();
    if d <= MAX_TREE_DIM {
        with_dim!(d, kth_distance_tree(&points, k))
    } else {
        let neighbors = nearest_brute(&points, k);
        neighbor_radius(points, &neighbors, k, 0..d)
    }
}

fn kth_distance_tree<const D: usize>(points: &ArrayView2<f64>, k: usize) -> Vec<f64> {
    let coords = to_points::<D>(points);
    let tree = build_tree(&coords);
    let want = NonZeroUsize::new(k + 1).expect("k + 1 > 0");
    per_row_in_tree_order(&tree, 1, |i, slot| {
        slot[0] = tree
            .query(&coords[i])
            .nearest_n::<Chebyshev<f64>>(want)
            .execute()
            .iter()
            .map(|r| chebyshev(points, i, r.item as usize, 0..D))
            .fold(0.0, f64::max);
    })
}

/// Returns, for every row i, the largest distance over the columns `range` from row i to its
/// neighbors `neighbors[i·k .. (i+1)·k]`.
pub(crate) fn neighbor_radius(
    points: ArrayView2<f64>,
    neighbors: &[u32],
    k: usize,
    range: std::ops::Range<usize>,
) -> Vec<f64> {
    let mut out = vec![0.0; points.nrows()];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, block)| {
            for (offset, r) in block.iter_mut().enumerate() {
                let i = c * CHUNK + offset;
                *r = neighbors[i * k..(i + 1) * k]
                    .iter()
                    .map(|&j| chebyshev(&points, i, j as usize, range.clone()))
                    .fold(0.0, f64::max);
            }
        });
    out
}

/// Counts, for every row i, the other rows j with distance d(i, j) < radii[i] (`strict`) or
/// d(i, j) ≤ radii[i].
pub(crate) fn count_within(points: ArrayView2<f64>, radii: &[f64], strict: bool) -> Vec<u32> {
    let d = points.ncols();
    if d == 1 {
        count_within_sorted(points, radii, strict)
    } else if d <= MAX_TREE_DIM {
        with_dim!(d, count_within_tree(&points, radii, strict))
    } else {
        count_within_brute(&points, radii, strict)
    }
}

fn count_within_sorted(points: ArrayView2<f64>, radii: &[f64], strict: bool) -> Vec<u32> {
    let values = points.column(0);
    // Sorting (value, row) pairs keeps the keys next to each other in memory; the row index
    // breaks ties, so the order is fully determined and the parallel sort is reproducible.
    let mut pairs: Vec<(f64, u32)> = values.iter().zip(0u32..).map(|(&v, i)| (v, i)).collect();
    pairs.par_sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let sorted: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    // Rows are counted in sorted order, so the searches of neighboring work items touch
    // neighboring parts of `sorted`, then the counts go back to row order.
    let mut in_order = vec![0u32; sorted.len()];
    in_order
        .par_chunks_mut(CHUNK)
        .zip(pairs.par_chunks(CHUNK))
        .enumerate()
        .for_each(|(c, (block, rows))| {
            for (offset, (count, &(v, i))) in block.iter_mut().zip(rows).enumerate() {
                let r = radii[i as usize];
                let inside = |distance: f64| if strict { distance < r } else { distance <= r };
                if !inside(0.0) {
                    continue;
                }
                // The distance |s − v| grows monotonically away from v in sorted order (also
                // under floating-point subtraction), so the rows inside form one run around
                // position p; gallop outward from it to find the run's ends.
                let p = c * CHUNK + offset;
                let left = p - gallop(p, |step| inside(v - sorted[p - step]));
                let right = p + gallop(sorted.len() - 1 - p, |step| inside(sorted[p + step] - v));
                *count = (right - left) as u32;
            }
        });
    let mut out = vec![0u32; sorted.len()];
    for (&count, &(_, i)) in in_order.iter().zip(&pairs) {
        out[i as usize] = count;
    }
    out
}

/// Returns the largest `step` in 0..=limit with `inside(step)` true, for a predicate that is
/// true at 0 and then false from some step on, by exponential then binary search.
fn gallop(limit: usize, inside: impl Fn(usize) -> bool) -> usize {
    let mut good = 0;
    let mut probe = 1;
    while probe <= limit && inside(probe) {
        good = probe;
        probe *= 2;
    }
    // The last step inside lies in good..bad. Halve that window a fixed number of times and
    // pick the half without a branch, because the outcome of each probe is unpredictable.
    let mut size = probe.min(limit + 1) - good;
    while size > 1 {
        let half = size / 2;
        good = std::hint::select_unpredictable(inside(good + half), good + half, good);
        size -= half;
    }
    good
}

fn count_within_tree<const D: usize>(
    points: &ArrayView2<f64>,
    radii: &[f64],
    strict: bool,
) -> Vec<u32> {
    let coords = to_points::<D>(points);
    let tree = build_tree(&coords);
    per_row_in_tree_order(&tree, 1, |i, slot| {
        let r = radii[i];
        let mut total = 0u32;
        // The tree query is inclusive; the exact predicate below decides each row.
        tree.query(&coords[i])
            .within::<Chebyshev<f64>>(r)
            .unsorted()
            .visit(|found| {
                let j = found.item as usize;
                let distance = chebyshev(points, i, j, 0..D);
                let inside = if strict { distance < r } else { distance <= r };
                if j != i && inside {
                    total += 1;
                }
            });
        slot[0] = total;
    })
}

fn count_within_brute(points: &ArrayView2<f64>, radii: &[f64], strict: bool) -> Vec<u32> {
    let n = points.nrows();
    let d = points.ncols();
    let mut out = vec![0u32; n];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, block)| {
            for (offset, count) in block.iter_mut().enumerate() {
                let i = c * CHUNK + offset;
                let r = radii[i];
                *count = (0..n)
                    .filter(|&j| {
                        let distance = chebyshev(points, i, j, 0..d);
                        j != i && if strict { distance < r } else { distance <= r }
                    })
                    .count() as u32;
            }
        });
    out
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    fn random_points(n: usize, d: usize, seed: u64, levels: Option<u32>) -> Array2<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Array2::from_shape_fn((n, d), |_| match levels {
            Some(m) => f64::from(rng.random_range(0..m)),
            None => rng.random::<f64>(),
        })
    }

    #[test]
    fn tree_neighbors_match_brute_force() {
        for (d, levels) in [(1, None), (2, None), (3, Some(4)), (2, Some(3))] {
            let points = random_points(300, d, 11 + d as u64, levels);
            let k = 3;
            let tree = with_dim!(d, nearest_tree(&points.view(), k));
            let brute = nearest_brute(&points.view(), k);
            assert_eq!(tree, brute, "d = {d}, levels = {levels:?}");
        }
    }

    #[test]
    fn counts_match_brute_force() {
        for (d, levels) in [(1, None), (1, Some(5)), (2, None), (3, Some(3))] {
            let points = random_points(400, d, 5 + d as u64, levels);
            let view = points.view();
            let neighbors = nearest(view, 3);
            let radii = neighbor_radius(view, &neighbors, 3, 0..d);
            for strict in [true, false] {
                let brute = count_within_brute(&view, &radii, strict);
                assert_eq!(
                    count_within(view, &radii, strict),
                    brute,
                    "d = {d}, {strict}"
                );
            }
        }
    }

    #[test]
    fn kth_distance_matches_neighbor_radius() {
        for (d, levels) in [
            (1, None),
            (2, None),
            (2, Some(3)),
            (3, Some(4)),
            (11, Some(2)),
        ] {
            let points = random_points(300, d, 21 + d as u64, levels);
            let view = points.view();
            for k in [1, 3] {
                let neighbors = nearest_brute(&view, k);
                let expected = neighbor_radius(view, &neighbors, k, 0..d);
                assert_eq!(kth_distance(view, k), expected, "d = {d}, k = {k}");
            }
        }
    }

    #[test]
    fn neighbors_exclude_self_and_order_ties_by_index() {
        // Five identical rows: each row's neighbors are the other rows in index order.
        let points = Array2::<f64>::zeros((5, 2));
        let neighbors = nearest(points.view(), 2);
        assert_eq!(&neighbors[0..2], &[1, 2]);
        assert_eq!(&neighbors[4..6], &[0, 1]);
        assert_eq!(&neighbors[8..10], &[0, 1]);
    }
}
