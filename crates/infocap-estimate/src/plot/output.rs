//! Rendering a chart to PNG or SVG bytes in memory and writing them in one atomic step, so a
//! failed or interrupted render never leaves a partial image under the final name.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};
use plotters::prelude::{DrawingBackend, SVGBackend};

use super::axis::Skipped;
use super::raster::{GlyphBackend, SUPERSAMPLE, downsample};
use super::style::Theme;
use super::{ChartOptions, PlotError, PlotSummary, font};

/// The image formats charts are written in, chosen by the output file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// 8-bit RGB PNG.
    Png,
    /// SVG with text kept as text (the viewer's sans-serif font draws it).
    Svg,
}

impl ImageFormat {
    /// Picks the format from the extension of `path` (`.png` or `.svg`, any case).
    ///
    /// # Errors
    /// [`PlotError::UnknownFormat`] for any other extension.
    pub fn from_path(path: &Path) -> Result<Self, PlotError> {
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("png") => Ok(ImageFormat::Png),
            Some("svg") => Ok(ImageFormat::Svg),
            _ => Err(PlotError::UnknownFormat {
                path: path.to_path_buf(),
            }),
        }
    }
}

/// A chart with its data filtered, ready to draw on any plotters backend.
pub(crate) trait Figure {
    /// Draws the chart on `root`, with sizes from `theme`.
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        theme: Theme,
    ) -> Result<(), PlotError>;

    /// Returns the number of points drawn and the counts of points left out.
    fn counts(&self) -> (usize, Skipped);
}

/// Smallest and largest image side in pixels. Below the minimum the labels cannot fit; above
/// the maximum the RGB buffer would take hundreds of megabytes.
const MIN_SIDE: u32 = 240;
const MAX_SIDE: u32 = 8192;

fn check_size(name: &'static str, value: u32) -> Result<(), PlotError> {
    if (MIN_SIDE..=MAX_SIDE).contains(&value) {
        Ok(())
    } else {
        Err(PlotError::InvalidOption {
            name,
            value: value.to_string(),
            reason: format!("image sides must be between {MIN_SIDE} and {MAX_SIDE} pixels"),
        })
    }
}

/// Draws `figure` and writes it to `path`, replacing any file there.
///
/// # Errors
/// An unknown extension, an image size out of range, a missing parent folder, or a drawing,
/// encoding or I/O failure.
pub(crate) fn render(
    figure: &impl Figure,
    options: &ChartOptions,
    path: &Path,
) -> Result<PlotSummary, PlotError> {
    check_size("width", options.width)?;
    check_size("height", options.height)?;
    let format = ImageFormat::from_path(path)?;
    infocap_data::atomic::check_new_path(path, true)?;
    let bytes = render_bytes(figure, format, options.width, options.height, path)?;
    infocap_data::atomic::write_bytes_atomic(path, &bytes)?;
    tracing::debug!(path = %path.display(), bytes = bytes.len(), "wrote chart");
    let (points, skipped) = figure.counts();
    Ok(PlotSummary {
        path: path.to_path_buf(),
        format,
        points,
        skipped,
    })
}

fn render_bytes(
    figure: &impl Figure,
    format: ImageFormat,
    width: u32,
    height: u32,
    path: &Path,
) -> Result<Vec<u8>, PlotError> {
    font::register()?;
    match format {
        ImageFormat::Png => {
            let (large_width, large_height) = (width * SUPERSAMPLE, height * SUPERSAMPLE);
            let mut pixels = vec![255u8; large_width as usize * large_height as usize * 3];
            {
                let backend = GlyphBackend::new(&mut pixels, (large_width, large_height))?;
                let root = backend.into_drawing_area();
                figure.draw(&root, Theme::new(width, height, SUPERSAMPLE))?;
                root.present()?;
            }
            let pixels = downsample(&pixels, large_width, large_height, SUPERSAMPLE);
            encode_png(&pixels, width, height, path)
        }
        ImageFormat::Svg => {
            let mut text = String::new();
            {
                let root = SVGBackend::with_string(&mut text, (width, height)).into_drawing_area();
                figure.draw(&root, Theme::new(width, height, 1))?;
                root.present()?;
            }
            Ok(text.into_bytes())
        }
    }
}

fn encode_png(pixels: &[u8], width: u32, height: u32, path: &Path) -> Result<Vec<u8>, PlotError> {
    let encode_error = |error: png::EncodingError| PlotError::Encode {
        path: PathBuf::from(path),
        message: error.to_string(),
    };
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(encode_error)?;
    writer.write_image_data(pixels).map_err(encode_error)?;
    writer.finish().map_err(encode_error)?;
    Ok(bytes)
}
