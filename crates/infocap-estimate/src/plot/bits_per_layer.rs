//! Bits per layer over training: one line per layer with epoch on x and an information
//! estimate in bits on y, such as I(X;T) from binning or a pairwise-distance bound.
//!
//! An optional interval (bootstrap or subsampling) is shaded around each line. Ceilings are
//! drawn as dashed lines: a sample of N distinct inputs carries at most log2 N bits about its
//! index, and a layer carries at most the sum of its units' channel capacities. Probe epochs are
//! usually log-spaced, so `log_x` spreads the early epochs out (epoch 0 cannot be drawn on a
//! log axis and is counted as skipped).

use std::path::Path;

use super::lines::LineFigure;
use super::{ChartOptions, PlotError, PlotSummary, ReferenceLine, Series, output};

/// Data of a bits-per-layer chart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BitsPerLayer {
    /// One series per layer: `(epoch, bits)`, with an optional `(epoch, low, high)` interval.
    pub layers: Vec<Series>,
    /// Dashed horizontal ceilings, in bits.
    pub ceilings: Vec<ReferenceLine>,
}

/// Draws bits per layer over epochs to `path` (`.png` or `.svg`).
///
/// # Errors
/// [`PlotError::NoData`] when no finite point remains, and the errors of writing the file
/// (unknown extension, missing folder, image size out of range).
pub fn bits_per_layer(
    chart: &BitsPerLayer,
    options: &ChartOptions,
    path: &Path,
) -> Result<PlotSummary, PlotError> {
    let figure = LineFigure::new("bits per layer", &chart.layers, &chart.ceilings, options)?;
    output::render(&figure, options, path)
}
