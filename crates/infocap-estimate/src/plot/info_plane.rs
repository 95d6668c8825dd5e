//! The information plane: for each layer T, I(X;T) on x against I(T;Y) on y, one point per
//! probe epoch, joined in epoch order and colored by epoch.
//!
//! This is the picture of Shwartz-Ziv and Tishby (2017), where tanh layers first gain I(T;Y)
//! and then lose I(X;T) ("compression"), and of Saxe et al. (2018), who show that ReLU layers
//! do not compress and that the binned estimate depends on the bin width. Several panels, one
//! per training regime (noise source, activation), share their axes and epoch colors so they
//! can be compared directly. Both axes are in bits.

use std::path::Path;

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::prelude::DrawingBackend;
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Axis, Extent, Scale, Skipped};
use super::draw::{build_chart, draw_empty_note, draw_line, draw_markers, fit_text, text_height};
use super::legend::{LegendEntry, Swatch, draw_colorbar};
use super::output::{self, Figure};
use super::page::{Legend, Page};
use super::style::{AXIS, NEUTRAL, Theme, sequential_color, series_color, series_marker};
use super::{ChartOptions, PlotError, PlotSummary};

/// One probe of one layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InfoPlanePoint {
    pub epoch: f64,
    pub i_xt_bits: f64,
    pub i_ty_bits: f64,
}

/// The path of one layer through the plane.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayerPath {
    pub label: String,
    pub points: Vec<InfoPlanePoint>,
}

/// One panel, such as one training regime; `title` may be empty for a single panel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InfoPlanePanel {
    pub title: String,
    pub layers: Vec<LayerPath>,
}

/// Data of an information-plane chart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InfoPlane {
    pub panels: Vec<InfoPlanePanel>,
    /// Color epochs on a log scale, which suits log-spaced probe epochs. Epochs of 0 or less
    /// then take the color of the first positive epoch.
    pub log_epoch_color: bool,
}

/// Draws the information plane to `path` (`.png` or `.svg`).
///
/// # Errors
/// [`PlotError::NoData`] when no panel has a finite point (a point needs a finite epoch and
/// two finite information values), and the errors of writing the file.
pub fn info_plane(
    plane: &InfoPlane,
    options: &ChartOptions,
    path: &Path,
) -> Result<PlotSummary, PlotError> {
    let figure = PlaneFigure::new(plane, options)?;
    output::render(&figure, options, path)
}

/// A layer path with only drawable points, in epoch order.
struct CleanPath {
    label: String,
    /// `(i_xt_bits, i_ty_bits)`.
    points: Vec<(f64, f64)>,
    epochs: Vec<f64>,
}

impl CleanPath {
    /// Keeps the points with a finite epoch that can be drawn on the two scales, in epoch
    /// order, counting the others in `skipped`.
    fn new(layer: &LayerPath, x_scale: Scale, y_scale: Scale, skipped: &mut Skipped) -> Self {
        let mut drawable: Vec<InfoPlanePoint> = Vec::with_capacity(layer.points.len());
        for point in &layer.points {
            if !point.epoch.is_finite() {
                skipped.non_finite += 1;
            } else if skipped.keep(point.i_xt_bits, point.i_ty_bits, x_scale, y_scale) {
                drawable.push(*point);
            }
        }
        drawable.sort_by(|a, b| a.epoch.total_cmp(&b.epoch));
        CleanPath {
            label: layer.label.clone(),
            points: drawable
                .iter()
                .map(|p| (p.i_xt_bits, p.i_ty_bits))
                .collect(),
            epochs: drawable.iter().map(|p| p.epoch).collect(),
        }
    }
}

struct CleanPanel {
    title: String,
    layers: Vec<CleanPath>,
}

const CHART: &str = "information plane";

struct PlaneFigure<'a> {
    options: &'a ChartOptions,
    panels: Vec<CleanPanel>,
    layer_labels: Vec<String>,
    x: Axis,
    y: Axis,
    epochs: Axis,
    skipped: Skipped,
    points: usize,
}

impl<'a> PlaneFigure<'a> {
    fn new(plane: &InfoPlane, options: &'a ChartOptions) -> Result<Self, PlotError> {
        let x_scale = Scale::from_log(options.log_x);
        let y_scale = Scale::from_log(options.log_y);
        let epoch_scale = Scale::from_log(plane.log_epoch_color);
        let mut skipped = Skipped::default();
        let panels: Vec<CleanPanel> = plane
            .panels
            .iter()
            .map(|panel| CleanPanel {
                title: panel.title.clone(),
                layers: panel
                    .layers
                    .iter()
                    .map(|layer| CleanPath::new(layer, x_scale, y_scale, &mut skipped))
                    .collect(),
            })
            .collect();

        let mut layer_labels: Vec<String> = Vec::new();
        let (mut x_extent, mut y_extent, mut epoch_extent) =
            (Extent::default(), Extent::default(), Extent::default());
        for layer in panels.iter().flat_map(|panel| &panel.layers) {
            if !layer_labels.contains(&layer.label) {
                layer_labels.push(layer.label.clone());
            }
            for (&(i_xt, i_ty), &epoch) in layer.points.iter().zip(&layer.epochs) {
                x_extent.add(i_xt);
                y_extent.add(i_ty);
                if epoch_scale.accepts(epoch) {
                    epoch_extent.add(epoch);
                }
            }
        }
        let points: usize = panels
            .iter()
            .flat_map(|p| &p.layers)
            .map(|l| l.points.len())
            .sum();
        if points == 0 {
            return Err(PlotError::no_data(CHART, skipped));
        }

        // Epochs all at or below 0 on a log color scale still get one color.
        if epoch_extent.is_empty() {
            epoch_extent.add(1.0);
        }
        let (Some(x), Some(y), Some(epochs)) = (
            x_extent.axis(x_scale, 10),
            y_extent.axis(y_scale, 10),
            epoch_extent.exact_axis(epoch_scale, 8),
        ) else {
            return Err(PlotError::no_data(CHART, skipped));
        };

        tracing::debug!(
            panels = panels.len(),
            points,
            ?skipped,
            log_epoch_color = plane.log_epoch_color,
            "prepared information plane"
        );
        Ok(PlaneFigure {
            options,
            panels,
            layer_labels,
            x,
            y,
            epochs,
            skipped,
            points,
        })
    }

    /// Returns the index of `label` among all layers, so a layer keeps its color and marker
    /// in every panel.
    fn layer_index(&self, label: &str) -> usize {
        self.layer_labels
            .iter()
            .position(|l| l == label)
            .unwrap_or(0)
    }

    fn epoch_color(&self, epoch: f64) -> plotters::style::RGBColor {
        let epoch = if self.epochs.scale() == Scale::Log {
            epoch.max(self.epochs.low())
        } else {
            epoch
        };
        sequential_color(self.epochs.fraction(epoch))
    }

    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        theme: &Theme,
        panel: &CleanPanel,
    ) -> Result<(), PlotError> {
        let area = if panel.title.is_empty() {
            area.clone()
        } else {
            let style = theme.panel_title_style();
            let height = text_height(area, &style)? as i32 + theme.px(8.0);
            let (width, _) = area.dim_in_pixel();
            let text = fit_text(
                area,
                &panel.title,
                &style,
                width.saturating_sub(theme.upx(8.0)),
            )?;
            let anchored = style.pos(Pos::new(HPos::Center, VPos::Top));
            area.draw_text(&text, &anchored, (width as i32 / 2, theme.px(4.0)))?;
            area.split_vertically(height).1
        };
        if panel.layers.iter().all(|l| l.points.is_empty()) {
            return draw_empty_note(&area, theme, "no data");
        }
        let mut chart = build_chart(
            &area,
            theme,
            self.x,
            self.y,
            &self.options.x_label,
            &self.options.y_label,
        )?;
        let line_width = theme.upx(1.5);
        for layer in &panel.layers {
            let color = series_color(self.layer_index(&layer.label));
            let style = color.mix(0.75).stroke_width(line_width);
            draw_line(&mut chart, theme, &layer.points, style, false)?;
        }
        for layer in &panel.layers {
            let marker = series_marker(self.layer_index(&layer.label), true);
            let fill = |i: usize| self.epoch_color(layer.epochs[i]);
            let radius = theme.marker_radius();
            draw_markers(
                &chart,
                theme,
                &layer.points,
                marker,
                radius,
                fill,
                Some(AXIS),
            )?;
        }
        Ok(())
    }
}

impl Figure for PlaneFigure<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        theme: Theme,
    ) -> Result<(), PlotError> {
        let entries: Vec<LegendEntry> = self
            .layer_labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let swatch = Swatch::Line {
                    style: theme.line_style(series_color(i)),
                    dashed: false,
                    marker: Some((series_marker(i, true), NEUTRAL)),
                };
                LegendEntry::new(label, swatch)
            })
            .collect();
        let widest_epoch = self.epochs.tick_label(self.epochs.high());
        let legend = Legend::new(entries, &self.skipped)
            .with_heading("layer", &["epoch", &format!("{widest_epoch}00")]);
        let page = Page::new(root, theme, &self.options.title, legend)?;

        let columns = self.panels.len().clamp(1, 3);
        let rows = self.panels.len().div_ceil(columns).max(1);
        for (panel, area) in self
            .panels
            .iter()
            .zip(page.plot.split_evenly((rows, columns)))
        {
            self.draw_panel(&area, &theme, panel)?;
        }

        let top = page.draw_legend()? + theme.px(16.0);
        let (_, height) = page.legend_area.dim_in_pixel();
        let bottom = height as i32 - theme.px(60.0);
        draw_colorbar(
            &page.legend_area,
            &theme,
            "epoch",
            &self.epochs,
            top,
            bottom,
        )?;
        Ok(())
    }

    fn counts(&self) -> (usize, Skipped) {
        (self.points, self.skipped)
    }
}
