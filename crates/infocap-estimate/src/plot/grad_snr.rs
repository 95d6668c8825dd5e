//! Gradient signal-to-noise ratio over training: one line per layer with epoch on x and, on a
//! log y axis, the size of the mean minibatch gradient relative to the spread of the
//! minibatch gradients, as the trainer records it.
//!
//! A dashed line marks SNR = 1, below which minibatch noise outweighs the mean gradient.
//! Shwartz-Ziv and Tishby (2017) describe SGD as a fast drift while this ratio is high,
//! followed by a random diffusion once it falls, which is when their layers compress.

use std::path::Path;

use super::lines::LineFigure;
use super::{ChartOptions, PlotError, PlotSummary, ReferenceLine, Series, output};

/// Data of a gradient signal-to-noise chart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GradSnr {
    /// One series per layer: `(epoch, snr)`, with an optional `(epoch, low, high)` interval.
    pub layers: Vec<Series>,
}

/// Draws the gradient signal-to-noise ratio over epochs to `path` (`.png` or `.svg`).
///
/// # Errors
/// [`PlotError::NoData`] when no finite point remains (on the default log y axis, ratios of 0
/// are skipped), and the errors of writing the file.
pub fn grad_snr(
    chart: &GradSnr,
    options: &ChartOptions,
    path: &Path,
) -> Result<PlotSummary, PlotError> {
    let unit_ratio = [ReferenceLine::new("SNR = 1", 1.0)];
    let mut figure = LineFigure::new("gradient SNR", &chart.layers, &[], options)?;
    // The SNR = 1 line is drawn only when the data reach near it, so it never stretches the axis.
    if figure.y_contains(1.0) {
        figure = LineFigure::new("gradient SNR", &chart.layers, &unit_ratio, options)?;
    }
    output::render(&figure, options, path)
}
