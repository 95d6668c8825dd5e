//! Charts of information measurements, drawn with plotters to PNG or SVG.
//!
//! Five charts, each a function that takes plain data structs, a [`ChartOptions`] and an
//! output path whose extension (`.png`, `.svg`) picks the format:
//!
//! - [`info_plane`]: I(X;T) against I(T;Y) per layer, points colored by epoch, as drawn by
//!   Shwartz-Ziv and Tishby (2017), "Opening the black box of deep neural networks via
//!   information", and Saxe et al. (2018), "On the information bottleneck theory of deep
//!   learning". One panel per training regime.
//! - [`bits_per_layer`]: bits carried by each layer over epochs, with an optional interval
//!   band and dashed ceilings such as log2 N or the sum of unit capacities.
//! - [`capacity_vs_overfitting`]: train-test gap, and memorized bits in a second panel,
//!   against capacity or a noise level.
//! - [`estimate_vs_truth`]: estimated against true bits per estimator, with the line y = x and
//!   the tolerance band of the validation suite.
//! - [`grad_snr`]: gradient signal-to-noise ratio per layer over epochs, on a log axis.
//!
//! Values are in bits unless an axis label names another unit. NaN and infinite values, and zero or
//! negative values on a log axis, are left out and counted in the returned [`PlotSummary`].
//! Text is drawn with a font compiled into the crate, so rendering needs no system fonts. Files
//! are rendered in memory and written atomically.

mod axis;
mod bits_per_layer;
mod capacity;
mod draw;
mod error;
mod estimate_vs_truth;
mod font;
mod grad_snr;
mod info_plane;
mod legend;
mod lines;
mod output;
mod page;
mod prepare;
mod raster;
mod style;

use std::path::PathBuf;

pub use axis::Skipped;
pub use bits_per_layer::{BitsPerLayer, bits_per_layer};
pub use capacity::{CapacityChart, capacity_vs_overfitting};
pub use error::PlotError;
pub use estimate_vs_truth::{EstimateVsTruth, Tolerance, estimate_vs_truth};
pub use grad_snr::{GradSnr, grad_snr};
pub use info_plane::{InfoPlane, InfoPlanePanel, InfoPlanePoint, LayerPath, info_plane};
pub use output::ImageFormat;

/// Title, axis labels, scales and image size of a chart.
///
/// The constructors named after a chart fill in its usual labels, with units.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartOptions {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Log-10 x axis; zero and negative x values are skipped.
    pub log_x: bool,
    /// Log-10 y axis; zero and negative y values are skipped.
    pub log_y: bool,
    /// Image width in pixels (240 to 8192).
    pub width: u32,
    /// Image height in pixels (240 to 8192).
    pub height: u32,
}

impl ChartOptions {
    /// Default image width in pixels; fonts are sized for it and scale with the image.
    pub const DEFAULT_WIDTH: u32 = 960;
    /// Default image height in pixels.
    pub const DEFAULT_HEIGHT: u32 = 640;

    /// Creates options with linear axes and the default size.
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Self {
        ChartOptions {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            log_x: false,
            log_y: false,
            width: Self::DEFAULT_WIDTH,
            height: Self::DEFAULT_HEIGHT,
        }
    }

    /// Options for [`info_plane`].
    pub fn info_plane() -> Self {
        Self::new("Information plane", "I(X;T) (bits)", "I(T;Y) (bits)")
    }

    /// Options for [`bits_per_layer`].
    pub fn bits_per_layer() -> Self {
        Self::new(
            "Information per layer during training",
            "epoch",
            "I(X;T) (bits)",
        )
    }

    /// Options for [`capacity_vs_overfitting`]; `y_label` names the gap panel's axis.
    pub fn capacity() -> Self {
        Self::new(
            "Capacity against overfitting",
            "capacity (bits per unit)",
            "train − test accuracy",
        )
    }

    /// Options for [`estimate_vs_truth`].
    pub fn estimate_vs_truth() -> Self {
        Self::new(
            "Estimated against true information",
            "true information (bits)",
            "estimate (bits)",
        )
    }

    /// Options for [`grad_snr`], with a log y axis.
    pub fn grad_snr() -> Self {
        ChartOptions {
            log_y: true,
            ..Self::new("Gradient signal-to-noise ratio", "epoch", "gradient SNR")
        }
    }

    /// Sets the image size in pixels.
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.width = width;
        self.height = height;
        self
    }
}

/// One labelled series of `(x, y)` points, with an optional interval `(x, low, high)` drawn
/// as a shaded band (line charts) or error bars (scatter charts).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    pub band: Option<Vec<(f64, f64, f64)>>,
}

impl Series {
    /// Creates a series without an interval.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Series {
            label: label.into(),
            points,
            band: None,
        }
    }

    /// Adds an interval `(x, low, high)`.
    pub fn with_band(mut self, band: Vec<(f64, f64, f64)>) -> Self {
        self.band = Some(band);
        self
    }
}

/// A dashed horizontal line at `value`, labelled on the chart, such as a ceiling of log2 N
/// bits.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceLine {
    pub label: String,
    pub value: f64,
}

impl ReferenceLine {
    pub fn new(label: impl Into<String>, value: f64) -> Self {
        ReferenceLine {
            label: label.into(),
            value,
        }
    }
}

/// The outcome of a chart function: the file written and the points drawn and left out.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotSummary {
    pub path: PathBuf,
    pub format: ImageFormat,
    /// Points drawn.
    pub points: usize,
    /// Points left out, by reason.
    pub skipped: Skipped,
}

#[cfg(test)]
mod tests;
