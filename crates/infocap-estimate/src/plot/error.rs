//! The error type of the chart functions.

use std::path::PathBuf;

use infocap_data::DataError;

/// An error from drawing a chart or writing its file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// The output path ends in neither `.png` nor `.svg`.
    #[error("cannot tell the image format of {path}: use a file name ending in .png or .svg")]
    UnknownFormat { path: PathBuf },

    /// Nothing is left to draw once NaN, infinite and, on log axes, non-positive values are
    /// skipped.
    #[error(
        "nothing to plot in `{chart}`: no finite points ({skipped_non_finite} skipped as NaN or \
         infinite, {skipped_non_positive} skipped as zero or negative on a log axis)"
    )]
    NoData {
        chart: String,
        skipped_non_finite: usize,
        skipped_non_positive: usize,
    },

    /// A chart option outside its valid range; `reason` states the valid range.
    #[error("invalid value {value} for `{name}`: {reason}")]
    InvalidOption {
        name: &'static str,
        value: String,
        reason: String,
    },

    /// The embedded font could not be loaded.
    #[error("the embedded font could not be parsed; the build is broken")]
    Font,

    /// plotters failed while drawing.
    #[error("drawing the chart failed: {0}")]
    Draw(String),

    /// The PNG encoder failed.
    #[error("encoding {path} as PNG failed: {message}")]
    Encode { path: PathBuf, message: String },

    /// The output file could not be written (missing folder, permissions, ...).
    #[error(transparent)]
    Write(#[from] DataError),
}

impl PlotError {
    /// Builds [`PlotError::NoData`] for `chart` with the counts of skipped points.
    pub(crate) fn no_data(chart: &str, skipped: crate::plot::Skipped) -> Self {
        PlotError::NoData {
            chart: chart.to_string(),
            skipped_non_finite: skipped.non_finite,
            skipped_non_positive: skipped.non_positive,
        }
    }
}

impl<E: std::error::Error + Send + Sync> From<plotters::drawing::DrawingAreaErrorKind<E>>
    for PlotError
{
    fn from(error: plotters::drawing::DrawingAreaErrorKind<E>) -> Self {
        PlotError::Draw(error.to_string())
    }
}
