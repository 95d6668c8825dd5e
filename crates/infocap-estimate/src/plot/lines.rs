//! The line chart behind [`super::bits_per_layer`] and [`super::grad_snr`]: one colored line
//! per series in x order, an optional shaded interval, dashed reference lines, and a legend.
//! Every series has its own marker shape. A marker that later series cover at the same point is
//! drawn larger, so lines on top of each other (such as a layer capped by the one before it)
//! still show every series that passes through the point.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::prelude::DrawingBackend;

use super::axis::{Axis, Scale, Skipped};
use super::draw::{draw_band, draw_line, draw_markers, draw_reference_lines};
use super::legend::{LegendEntry, Swatch};
use super::output::Figure;
use super::page::{Legend, Page};
use super::prepare::{CleanSeries, drawable_references, extents};
use super::style::{REFERENCE, Theme, series_color, series_marker};
use super::{ChartOptions, PlotError, ReferenceLine, Series};

/// Series with at most this many points get a marker at each point, so that sparse probe
/// epochs show where they were measured.
const MAX_POINTS_WITH_MARKERS: usize = 40;

/// Splits `points` into those covered by 0, 1, or 2 and more of the `later` series, which
/// have a point at exactly the same place.
fn by_cover(points: &[(f64, f64)], later: &[CleanSeries]) -> [Vec<(f64, f64)>; 3] {
    let mut groups: [Vec<(f64, f64)>; 3] = Default::default();
    for &point in points {
        let cover = later.iter().filter(|s| s.points.contains(&point)).count();
        groups[cover.min(2)].push(point);
    }
    groups
}

/// A line chart with its data filtered and its axes fixed.
pub(crate) struct LineFigure<'a> {
    options: &'a ChartOptions,
    series: Vec<CleanSeries>,
    references: Vec<ReferenceLine>,
    x: Axis,
    y: Axis,
    pub(crate) skipped: Skipped,
    pub(crate) points: usize,
}

impl<'a> LineFigure<'a> {
    /// Filters the data and fixes the axes, which also cover the reference lines.
    ///
    /// # Errors
    /// [`PlotError::NoData`] when no point is left to draw.
    pub(crate) fn new(
        chart: &str,
        series: &[Series],
        references: &[ReferenceLine],
        options: &'a ChartOptions,
    ) -> Result<Self, PlotError> {
        let x_scale = Scale::from_log(options.log_x);
        let y_scale = Scale::from_log(options.log_y);
        let mut skipped = Skipped::default();
        let series: Vec<CleanSeries> = series
            .iter()
            .map(|s| CleanSeries::new(s, x_scale, y_scale, true, &mut skipped))
            .collect();
        let points: usize = series.iter().map(|s| s.points.len()).sum();
        if points == 0 {
            return Err(PlotError::no_data(chart, skipped));
        }

        let references = drawable_references(references, y_scale);
        let (x_extent, y_extent) = extents(&series, &references);
        let (Some(x), Some(y)) = (x_extent.axis(x_scale, 10), y_extent.axis(y_scale, 10)) else {
            return Err(PlotError::no_data(chart, skipped));
        };

        tracing::debug!(chart, points, ?skipped, "prepared line chart");
        Ok(LineFigure {
            options,
            series,
            references,
            x,
            y,
            skipped,
            points,
        })
    }

    /// Returns whether `value` lies inside the y axis range.
    pub(crate) fn y_contains(&self, value: f64) -> bool {
        self.y.contains(value)
    }

    fn legend_entries(&self, theme: &Theme) -> Vec<LegendEntry> {
        let mut entries: Vec<LegendEntry> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let color = series_color(i);
                let marker = (s.points.len() <= MAX_POINTS_WITH_MARKERS)
                    .then(|| (series_marker(i, true), color));
                let swatch = Swatch::Line {
                    style: theme.line_style(color),
                    dashed: false,
                    marker,
                };
                LegendEntry::new(&s.label, swatch)
            })
            .collect();
        if self.series.iter().any(|s| !s.band.is_empty()) {
            entries.push(LegendEntry::new(
                "interval (shaded)",
                Swatch::Band(REFERENCE),
            ));
        }
        entries
    }
}

impl Figure for LineFigure<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        theme: Theme,
    ) -> Result<(), PlotError> {
        let legend = Legend::new(self.legend_entries(&theme), &self.skipped);
        let page = Page::new(root, theme, &self.options.title, legend)?;

        let mut chart = page.chart(self.x, self.y, self.options)?;
        for (i, s) in self.series.iter().enumerate() {
            draw_band(&mut chart, &s.band, series_color(i))?;
        }
        draw_reference_lines(&mut chart, &theme, &self.references, &self.x)?;
        for (i, s) in self.series.iter().enumerate() {
            let color = series_color(i);
            let style = theme.line_style(color);
            draw_line(&mut chart, &theme, &s.points, style, false)?;
            if s.points.len() <= MAX_POINTS_WITH_MARKERS {
                let marker = series_marker(i, true);
                for (depth, points) in by_cover(&s.points, &self.series[i + 1..])
                    .iter()
                    .enumerate()
                {
                    let radius = theme.marker_radius() * (1.0 + 0.3 * depth as f64);
                    draw_markers(&chart, &theme, points, marker, radius, |_| color, None)?;
                }
            }
        }
        page.draw_legend()?;
        Ok(())
    }

    fn counts(&self) -> (usize, Skipped) {
        (self.points, self.skipped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(points: &[(f64, f64)]) -> CleanSeries {
        CleanSeries {
            label: String::new(),
            points: points.to_vec(),
            band: Vec::new(),
        }
    }

    #[test]
    fn by_cover_counts_covering_series() {
        let first = [(0.0, 1.0), (1.0, 2.0), (2.0, 3.0)];
        let later = [
            series(&[(0.0, 1.0), (1.0, 2.0), (2.0, 3.5)]),
            series(&[(0.0, 1.0), (1.0, 2.5)]),
            series(&[(0.0, 1.0)]),
        ];
        let [open, once, twice] = by_cover(&first, &later);
        assert_eq!(open, vec![(2.0, 3.0)]);
        assert_eq!(once, vec![(1.0, 2.0)]);
        assert_eq!(twice, vec![(0.0, 1.0)]);
    }
}
