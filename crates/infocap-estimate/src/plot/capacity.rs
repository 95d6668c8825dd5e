//! Capacity against overfitting: a capacity or noise level on x (bits per unit, dropout rate,
//! label-noise fraction, ...), the train-test accuracy gap in the upper panel and the memorized
//! information in the lower panel, which shares the x axis.
//!
//! On random labels a network has to store N log2 C bits to fit N samples of C classes. Small
//! networks store about 2 bits per parameter (Cover 1965; Gardner 1988), so memorized bits per
//! parameter level off near 2 while the gap keeps growing with capacity. A series keeps its
//! color in both panels when it has the same label in both.

use std::path::Path;

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::prelude::DrawingBackend;

use super::axis::{Axis, Extent, Scale, Skipped};
use super::draw::{LabelAreas, build_chart_with, draw_line, draw_markers, draw_reference_lines};
use super::legend::{LegendEntry, Swatch};
use super::output::{self, Figure};
use super::page::{Legend, Page};
use super::prepare::{CleanSeries, drawable_references, extents};
use super::style::{Theme, series_color, series_marker};
use super::{ChartOptions, PlotError, PlotSummary, ReferenceLine, Series};

/// Data of a capacity-against-overfitting chart.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityChart {
    /// Train minus test accuracy against the x value, one series per group.
    pub gap: Vec<Series>,
    /// Memorized bits (or bits per parameter) against the x value; empty for no lower panel.
    pub memorized: Vec<Series>,
    /// The y-axis title of the lower panel.
    pub memorized_label: String,
    /// Dashed lines in the lower panel, such as 2 bits per parameter.
    pub memorized_references: Vec<ReferenceLine>,
}

impl Default for CapacityChart {
    fn default() -> Self {
        CapacityChart {
            gap: Vec::new(),
            memorized: Vec::new(),
            memorized_label: "memorized (bits)".to_string(),
            memorized_references: Vec::new(),
        }
    }
}

/// Draws the gap and memorized information against capacity to `path` (`.png` or `.svg`).
///
/// # Errors
/// [`PlotError::NoData`] when neither panel has a finite point, and the errors of writing the
/// file.
pub fn capacity_vs_overfitting(
    chart: &CapacityChart,
    options: &ChartOptions,
    path: &Path,
) -> Result<PlotSummary, PlotError> {
    let figure = CapacityFigure::new(chart, options)?;
    output::render(&figure, options, path)
}

/// One panel's filtered data and its y axis; the x axis is shared.
struct Panel {
    series: Vec<CleanSeries>,
    references: Vec<ReferenceLine>,
    x_extent: Extent,
    y: Axis,
    y_label: String,
}

impl Panel {
    /// Filters one panel's series, or returns `None` when none of their points can be drawn.
    fn new(
        series: &[Series],
        references: &[ReferenceLine],
        y_label: &str,
        (x_scale, y_scale): (Scale, Scale),
        skipped: &mut Skipped,
    ) -> Option<Panel> {
        let series: Vec<CleanSeries> = series
            .iter()
            .map(|s| CleanSeries::new(s, x_scale, y_scale, true, skipped))
            .collect();
        if series.iter().all(|s| s.points.is_empty()) {
            return None;
        }
        let references = drawable_references(references, y_scale);
        let (x_extent, y_extent) = extents(&series, &references);
        Some(Panel {
            series,
            references,
            x_extent,
            y: y_extent.axis(y_scale, 10)?,
            y_label: y_label.to_string(),
        })
    }
}

struct CapacityFigure<'a> {
    options: &'a ChartOptions,
    labels: Vec<String>,
    panels: Vec<Panel>,
    x: Axis,
    skipped: Skipped,
    points: usize,
}

impl<'a> CapacityFigure<'a> {
    fn new(chart: &CapacityChart, options: &'a ChartOptions) -> Result<Self, PlotError> {
        let scales = (
            Scale::from_log(options.log_x),
            Scale::from_log(options.log_y),
        );
        let mut skipped = Skipped::default();
        let gap = Panel::new(&chart.gap, &[], &options.y_label, scales, &mut skipped);
        let memorized = Panel::new(
            &chart.memorized,
            &chart.memorized_references,
            &chart.memorized_label,
            scales,
            &mut skipped,
        );
        let panels: Vec<Panel> = [gap, memorized].into_iter().flatten().collect();

        let mut x_extent = Extent::default();
        let mut labels: Vec<String> = Vec::new();
        let mut points = 0;
        for panel in &panels {
            x_extent.merge(&panel.x_extent);
            for s in &panel.series {
                points += s.points.len();
                if !labels.contains(&s.label) {
                    labels.push(s.label.clone());
                }
            }
        }
        let Some(x) = x_extent.axis(scales.0, 10).filter(|_| points > 0) else {
            return Err(PlotError::no_data("capacity against overfitting", skipped));
        };

        tracing::debug!(
            panels = panels.len(),
            points,
            ?skipped,
            "prepared capacity chart"
        );
        Ok(CapacityFigure {
            options,
            labels,
            panels,
            x,
            skipped,
            points,
        })
    }

    fn color_index(&self, label: &str) -> usize {
        self.labels.iter().position(|l| l == label).unwrap_or(0)
    }

    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        theme: &Theme,
        panel: &Panel,
        x_label: &str,
        left: i32,
    ) -> Result<(), PlotError> {
        let labels = LabelAreas {
            left,
            ..LabelAreas::measure(area, theme, (&self.x, &panel.y), (x_label, &panel.y_label))?
        };
        let axes = (self.x, panel.y);
        let mut chart = build_chart_with(area, theme, axes, (x_label, &panel.y_label), labels)?;
        draw_reference_lines(&mut chart, theme, &panel.references, &self.x)?;
        for s in &panel.series {
            let index = self.color_index(&s.label);
            let color = series_color(index);
            draw_line(&mut chart, theme, &s.points, theme.line_style(color), false)?;
            let marker = series_marker(index, false);
            let radius = theme.marker_radius();
            draw_markers(&chart, theme, &s.points, marker, radius, |_| color, None)?;
        }
        Ok(())
    }
}

impl Figure for CapacityFigure<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        theme: Theme,
    ) -> Result<(), PlotError> {
        let entries: Vec<LegendEntry> = self
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let color = series_color(i);
                let swatch = Swatch::Line {
                    style: theme.line_style(color),
                    dashed: false,
                    marker: Some((series_marker(i, false), color)),
                };
                LegendEntry::new(label, swatch)
            })
            .collect();
        let legend = Legend::new(entries, &self.skipped);
        let page = Page::new(root, theme, &self.options.title, legend)?;

        let areas = page.plot.split_evenly((self.panels.len(), 1));
        // Only the lowest panel names the shared x axis.
        let last = self.panels.len() - 1;
        let x_label = |i: usize| {
            if i == last {
                self.options.x_label.as_str()
            } else {
                ""
            }
        };
        // All panels take the widest left label area, so that their x axes line up.
        let mut left = 0;
        for (i, (panel, area)) in self.panels.iter().zip(&areas).enumerate() {
            let axes = (&self.x, &panel.y);
            let labels = (x_label(i), panel.y_label.as_str());
            left = left.max(LabelAreas::measure(area, &theme, axes, labels)?.left);
        }
        for (i, (panel, area)) in self.panels.iter().zip(&areas).enumerate() {
            self.draw_panel(area, &theme, panel, x_label(i), left)?;
        }
        page.draw_legend()?;
        Ok(())
    }

    fn counts(&self) -> (usize, Skipped) {
        (self.points, self.skipped)
    }
}
