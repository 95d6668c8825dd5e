//! Mutual information of continuous variables by binning: each column is cut into bins, each
//! row becomes the pattern of its bin indices, and the discrete estimator of
//! [`crate::discrete`] runs on the patterns.
//!
//! Two ways to place bins:
//! - equal width over the observed range [min, max] of each column (`unit` scope) or of all
//!   columns of the variable together (`layer` scope, as for the activations of one layer);
//! - equal mass, with edges at the quantiles of each column, so each bin holds about N/bins rows.
//!
//! A preset range such as [−1, 1] for tanh units fixes the bin width; values outside it are
//! never clipped or wrapped: the range grows by whole bins until it covers every value, and a
//! warning says so.
//!
//! Known behavior (Saxe et al. 2018, "On the information bottleneck theory of deep learning"):
//! for a deterministic map T = f(X) of N distinct inputs, binned I(X;T) equals H(T_binned), is
//! at most log₂ N bits and grows with the bin count, so it measures the bin width as much as
//! the network. Such an estimate carries a warning.

use ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::discrete::{Contingency, Correction};
use crate::error::{EstimateError, Result};
use crate::estimate::{BinReport, Estimate, Quantity, UnitBins, nats_to_bits};
use crate::input;
use crate::interval::{self, IntervalOptions};

/// Where bin edges go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BinStrategy {
    /// Bins of equal width over the range.
    EqualWidth,
    /// Edges at quantiles, so bins hold about equal numbers of rows.
    EqualMass,
}

impl BinStrategy {
    fn name(self) -> &'static str {
        match self {
            BinStrategy::EqualWidth => "equal-width",
            BinStrategy::EqualMass => "equal-mass",
        }
    }
}

/// How many bins, or how wide.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinSize {
    /// This many bins over the range.
    Count(usize),
    /// Bins of this width (equal-width binning only).
    Width(f64),
}

/// Which values share one range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinScope {
    /// Each column gets its own range.
    Unit,
    /// All columns of a variable share one range.
    Layer,
}

/// Settings of [`binned_mi`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinnedOptions {
    pub strategy: BinStrategy,
    pub size: BinSize,
    pub scope: BinScope,
    /// A range that fixes the bin width, such as (−1, 1) for tanh units; it is extended by whole
    /// bins to cover values outside it.
    pub preset_range: Option<(f64, f64)>,
    /// Bin Y too; when false, each distinct row of Y is one symbol (class labels).
    pub bin_y: bool,
    pub correction: Correction,
    pub interval: IntervalOptions,
}

impl Default for BinnedOptions {
    fn default() -> Self {
        BinnedOptions {
            strategy: BinStrategy::EqualWidth,
            size: BinSize::Count(30),
            scope: BinScope::Unit,
            preset_range: None,
            bin_y: true,
            correction: Correction::None,
            interval: IntervalOptions::default(),
        }
    }
}

impl BinnedOptions {
    fn check(&self) -> Result<()> {
        match self.size {
            BinSize::Count(0) => {
                return Err(EstimateError::invalid("bins", 0, "use at least 1 bin"));
            }
            BinSize::Width(w) if !(w.is_finite() && w > 0.0) => {
                return Err(EstimateError::invalid(
                    "bin_width",
                    w,
                    "use a positive, finite bin width",
                ));
            }
            BinSize::Width(w) if self.strategy == BinStrategy::EqualMass => {
                return Err(EstimateError::invalid(
                    "bin_width",
                    w,
                    "equal-mass binning takes a bin count, not a width",
                ));
            }
            _ => {}
        }
        if let Some((low, high)) = self.preset_range
            && !(low.is_finite() && high.is_finite() && low < high)
        {
            return Err(EstimateError::invalid(
                "range",
                format!("{low}..{high}"),
                "use finite bounds with low < high, such as -1..1",
            ));
        }
        Ok(())
    }

    /// Returns the estimator name (`binned`, `binned-mass`, with `-mm` for Miller-Madow).
    pub fn name(&self) -> &'static str {
        match (self.strategy, self.correction) {
            (BinStrategy::EqualWidth, Correction::None) => "binned",
            (BinStrategy::EqualWidth, Correction::MillerMadow) => "binned-mm",
            (BinStrategy::EqualMass, Correction::None) => "binned-mass",
            (BinStrategy::EqualMass, Correction::MillerMadow) => "binned-mass-mm",
        }
    }
}

/// The bins of one variable: per column, its edges and the bin index of each row.
#[derive(Debug, Clone)]
pub struct Binned {
    /// Bin index of each row (rows) in each column (columns).
    pub indices: Array2<u32>,
    pub report: BinReport,
    /// Values outside the preset range, if any: (count, smallest, largest).
    pub outside_preset: Option<(usize, f64, f64)>,
}

/// Cuts each column of `a` into bins. Values must be finite.
///
/// # Errors
/// An invalid bin count, width or range.
pub fn bin_columns(a: ArrayView2<f64>, options: &BinnedOptions) -> Result<Binned> {
    options.check()?;
    let mut indices = Array2::<u32>::zeros(a.dim());
    let mut units = Vec::with_capacity(a.ncols());
    let layer_range = (
        a.iter().copied().fold(f64::INFINITY, f64::min),
        a.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let pooled: Option<Vec<f64>> = (options.strategy == BinStrategy::EqualMass
        && options.scope == BinScope::Layer)
        .then(|| sorted(a.iter().copied()));
    let mut outside = (0usize, f64::INFINITY, f64::NEG_INFINITY);

    for (j, column) in a.axis_iter(Axis(1)).enumerate() {
        let mut out = indices.column_mut(j);
        match options.strategy {
            BinStrategy::EqualWidth => {
                let observed = match options.scope {
                    BinScope::Unit => (
                        column.iter().copied().fold(f64::INFINITY, f64::min),
                        column.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    ),
                    BinScope::Layer => layer_range,
                };
                let grid = EqualWidthGrid::new(observed, options.size, options.preset_range);
                if let Some((low, high)) = options.preset_range {
                    for &v in column.iter().filter(|&&v| v < low || v > high) {
                        outside = (outside.0 + 1, outside.1.min(v), outside.2.max(v));
                    }
                }
                for (slot, &v) in out.iter_mut().zip(column.iter()) {
                    *slot = grid.index(v);
                }
                units.push(UnitBins {
                    bins: grid.bins,
                    low: grid.low,
                    high: grid.low + grid.bins as f64 * grid.width,
                });
            }
            BinStrategy::EqualMass => {
                let BinSize::Count(count) = options.size else {
                    unreachable!("checked: equal-mass binning takes a count")
                };
                let own;
                let values = match &pooled {
                    Some(values) => values,
                    None => {
                        own = sorted(column.iter().copied());
                        &own
                    }
                };
                let edges = quantile_edges(values, count);
                for (slot, &v) in out.iter_mut().zip(column.iter()) {
                    *slot = edges.partition_point(|&e| e <= v) as u32;
                }
                units.push(UnitBins {
                    bins: edges.len() + 1,
                    low: values[0],
                    high: values[values.len() - 1],
                });
            }
        }
    }
    Ok(Binned {
        indices,
        report: BinReport {
            strategy: options.strategy.name().to_string(),
            scope: match options.scope {
                BinScope::Unit => "unit".to_string(),
                BinScope::Layer => "layer".to_string(),
            },
            units,
        },
        outside_preset: (outside.0 > 0).then_some(outside),
    })
}

fn sorted(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut out: Vec<f64> = values.collect();
    out.sort_by(f64::total_cmp);
    out
}

/// Returns the inner edges at the quantiles b/count, b = 1..count, without repeats, so tied
/// values share a bin. `values` is sorted and nonempty.
fn quantile_edges(values: &[f64], count: usize) -> Vec<f64> {
    let n = values.len();
    let mut edges: Vec<f64> = (1..count)
        .map(|b| values[(b * n / count).min(n - 1)])
        .collect();
    edges.dedup();
    // An edge equal to the minimum would leave the first bin empty.
    edges.retain(|&e| e > values[0]);
    edges
}

/// Equal-width bins [low + i·width, low + (i+1)·width), the last one closed.
#[derive(Debug, Clone, Copy)]
struct EqualWidthGrid {
    low: f64,
    width: f64,
    bins: usize,
}

impl EqualWidthGrid {
    fn new(observed: (f64, f64), size: BinSize, preset: Option<(f64, f64)>) -> Self {
        let (min, max) = observed;
        let (low, high) = preset.unwrap_or((min, max));
        let span = high - low;
        let (width, base_bins) = match size {
            BinSize::Count(count) if span > 0.0 => (span / count as f64, count),
            // A constant column: one bin of unit width holds every value.
            BinSize::Count(_) => (1.0, 1),
            BinSize::Width(w) => (w, ((span / w).ceil() as usize).max(1)),
        };
        // Extend by whole bins so that every observed value is inside.
        let below = if min < low {
            ((low - min) / width).ceil() as usize
        } else {
            0
        };
        // Measured from `high`, not from the computed top edge low + bins·width, which can
        // round just below `high` and would gain a bin for the maximum itself.
        let above = if max > high {
            ((max - high) / width).ceil() as usize
        } else {
            0
        };
        EqualWidthGrid {
            low: low - below as f64 * width,
            width,
            bins: base_bins + below + above,
        }
    }

    fn index(&self, v: f64) -> u32 {
        let raw = ((v - self.low) / self.width).floor();
        // Only the top edge itself (and rounding at it) maps to `bins`; it belongs to the last
        // bin. No value outside the range reaches here, because the range covers them all.
        (raw.max(0.0) as usize).min(self.bins - 1) as u32
    }
}

/// Estimates I(X;Y) in bits by binning X (and Y unless `bin_y` is false) and counting joint
/// patterns.
///
/// # Errors
/// X and Y of different lengths, empty, or with NaN or infinite values; an invalid bin count,
/// width or range.
pub fn binned_mi(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    options: &BinnedOptions,
) -> Result<Estimate> {
    let n = input::check_pair(x, y)?;
    let (table, bins_x, bins_y) = binned_contingency(x, y, options)?;
    let mut estimate = Estimate::from_nats(
        options.name(),
        Quantity::MutualInformation,
        table.mi_nats(options.correction),
        n,
    );
    estimate.details.dims_x = Some(x.ncols());
    estimate.details.dims_y = Some(y.ncols());
    table.describe(&mut estimate, options.correction);
    for (binned, variable) in [(Some(&bins_x), "X"), (bins_y.as_ref(), "Y")] {
        if let Some((count, smallest, largest)) = binned.and_then(|b| b.outside_preset) {
            let (low, high) = options.preset_range.expect("only set with a preset range");
            estimate.warnings.push(format!(
                "{count} values of {variable} lie outside the preset range {low}..{high} \
                 (smallest {smallest}, largest {largest}); the bins were extended to cover them, \
                 none was clipped"
            ));
        }
    }
    for (a, variable) in [(x, "X"), (y, "Y")] {
        if let Some(column) = a.axis_iter(Axis(1)).position(|c| input::is_constant(c)) {
            estimate.warnings.push(format!(
                "{variable} column {column} is constant; it falls in a single bin and adds nothing"
            ));
        }
    }
    let plugin_mi = table.h_x + table.h_y - table.h_joint;
    let smaller_entropy = table.h_x.min(table.h_y);
    if plugin_mi >= smaller_entropy - 1e-12 && smaller_entropy > 0.0 {
        estimate.warnings.push(format!(
            "at this bin width one variable is a function of the other, so the estimate equals \
             the entropy of the binned variable ({:.3} bits, at most log2 N = {:.3}) and grows \
             with the bin count",
            nats_to_bits(smaller_entropy),
            (n as f64).log2()
        ));
    }
    estimate.details.bins_x = Some(bins_x.report);
    estimate.details.bins_y = bins_y.map(|b| b.report);
    estimate.set_ceiling((n as f64).log2());
    interval::attach(&mut estimate, x, y, &options.interval, |xs, ys| {
        let (table, _, _) = binned_contingency(xs, ys, options)?;
        Ok(nats_to_bits(table.mi_nats(options.correction)))
    })?;
    Ok(estimate)
}

fn binned_contingency(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    options: &BinnedOptions,
) -> Result<(Contingency, Binned, Option<Binned>)> {
    let bins_x = bin_columns(x, options)?;
    let (ids_x, _) = input::row_ids(bins_x.indices.mapv(f64::from).view());
    let (ids_y, bins_y) = if options.bin_y {
        let bins_y = bin_columns(y, options)?;
        let (ids, _) = input::row_ids(bins_y.indices.mapv(f64::from).view());
        (ids, Some(bins_y))
    } else {
        (input::row_ids(y).0, None)
    };
    Ok((Contingency::from_ids(&ids_x, &ids_y), bins_x, bins_y))
}

/// Returns the bin index of each value of one column under `options`, for callers that bin a
/// single unit.
pub fn bin_indices(values: ArrayView1<f64>, options: &BinnedOptions) -> Result<Vec<u32>> {
    let column = values.insert_axis(Axis(1));
    Ok(bin_columns(column, options)?.indices.column(0).to_vec())
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn preset_range_grows_by_whole_bins() {
        // Width 0.5 from (-1, 1) with 4 bins; -2.2 needs 3 more bins below, 1.3 one above.
        let grid = EqualWidthGrid::new((-2.2, 1.3), BinSize::Count(4), Some((-1.0, 1.0)));
        assert_eq!(grid.width, 0.5);
        assert_eq!(grid.low, -2.5);
        assert_eq!(grid.bins, 8);
        assert_eq!(grid.index(-2.2), 0);
        assert_eq!(grid.index(1.3), 7);
        assert_eq!(grid.index(0.9), 6);
    }

    #[test]
    fn equal_mass_puts_ties_in_one_bin() {
        let values = array![0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0];
        let options = BinnedOptions {
            strategy: BinStrategy::EqualMass,
            size: BinSize::Count(4),
            ..BinnedOptions::default()
        };
        let indices = bin_indices(values.view(), &options).unwrap();
        assert_eq!(indices, vec![0, 0, 0, 0, 1, 1, 2, 2]);
    }

    #[test]
    fn maximum_falls_in_last_bin() {
        let values = array![0.0, 0.25, 0.5, 1.0];
        let options = BinnedOptions {
            size: BinSize::Count(2),
            ..BinnedOptions::default()
        };
        assert_eq!(
            bin_indices(values.view(), &options).unwrap(),
            vec![0, 0, 1, 1]
        );
    }

    #[test]
    fn bin_count_exact_despite_rounding() {
        // (high - low) / 30 · 30 can round below the span; the top edge must not gain a bin.
        let ranges = [
            (-3.6264, 3.78),
            (-0.1, 0.7),
            (1.0 / 3.0, 10.0 / 3.0),
            (-7.3, 2.9),
        ];
        for (low, high) in ranges {
            for count in [3, 7, 10, 30, 100] {
                let grid = EqualWidthGrid::new((low, high), BinSize::Count(count), None);
                assert_eq!(grid.bins, count, "range {low} .. {high}, {count} bins");
                assert_eq!(grid.index(high), count as u32 - 1);
            }
        }
    }
}
