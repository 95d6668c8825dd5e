//! Estimated against true information: one marker shape and color per estimator, the line
//! y = x, and the band of estimates that pass the validation suite.
//!
//! An estimate e of a true value t (both in bits) passes when t / f <= e <= f t, with f = 1.5,
//! or, for t below 0.1 bits where a ratio means little, when |e - t| <= 0.05 bits. When both
//! axes have the same scale they share one range, so that y = x is the diagonal.

use std::path::Path;

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::prelude::DrawingBackend;

use super::axis::{Axis, Extent, Scale, Skipped};
use super::draw::{Chart, draw_band, draw_error_bars, draw_line, draw_markers};
use super::legend::{LegendEntry, Swatch};
use super::output::{self, Figure};
use super::page::{Legend, Page};
use super::prepare::CleanSeries;
use super::style::{REFERENCE, Theme, darker, series_color, series_marker};
use super::{ChartOptions, PlotError, PlotSummary, Series};

/// The pass rule of the validation suite: within a factor of `factor` of the truth, or within
/// `absolute_bits` of it when the truth is below `absolute_below_bits`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    pub factor: f64,
    pub absolute_bits: f64,
    pub absolute_below_bits: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            factor: 1.5,
            absolute_bits: 0.05,
            absolute_below_bits: 0.1,
        }
    }
}

impl Tolerance {
    /// Returns the lowest and highest passing estimate for a true value in bits.
    pub fn bounds(&self, truth_bits: f64) -> (f64, f64) {
        if truth_bits < self.absolute_below_bits {
            (
                truth_bits - self.absolute_bits,
                truth_bits + self.absolute_bits,
            )
        } else {
            (truth_bits / self.factor, truth_bits * self.factor)
        }
    }

    fn check(&self) -> Result<(), PlotError> {
        if !(self.factor.is_finite() && self.factor > 1.0) {
            return Err(PlotError::InvalidOption {
                name: "tolerance factor",
                value: self.factor.to_string(),
                reason: "use a finite factor above 1, such as 1.5".to_string(),
            });
        }
        for (name, value) in [
            ("tolerance absolute_bits", self.absolute_bits),
            ("tolerance absolute_below_bits", self.absolute_below_bits),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(PlotError::InvalidOption {
                    name,
                    value: value.to_string(),
                    reason: "use a finite value of 0 bits or more".to_string(),
                });
            }
        }
        Ok(())
    }

    fn label(&self) -> String {
        let mut label = format!("within ×{}", self.factor);
        if self.absolute_below_bits > 0.0 {
            label += &format!(
                " (±{} below {} bits)",
                self.absolute_bits, self.absolute_below_bits
            );
        }
        label
    }
}

/// Data of an estimate-against-truth chart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EstimateVsTruth {
    /// One series per estimator: `(truth_bits, estimate_bits)`, with an optional
    /// `(truth_bits, ci_low_bits, ci_high_bits)` drawn as error bars.
    pub estimators: Vec<Series>,
    /// The pass band to shade; `None` draws only y = x.
    pub tolerance: Option<Tolerance>,
}

/// Draws estimates against ground truth to `path` (`.png` or `.svg`).
///
/// # Errors
/// [`PlotError::InvalidOption`] for a tolerance factor of 1 or less, [`PlotError::NoData`] when
/// no finite point remains, and the errors of writing the file.
pub fn estimate_vs_truth(
    chart: &EstimateVsTruth,
    options: &ChartOptions,
    path: &Path,
) -> Result<PlotSummary, PlotError> {
    if let Some(tolerance) = &chart.tolerance {
        tolerance.check()?;
    }
    let figure = TruthFigure::new(chart, options)?;
    output::render(&figure, options, path)
}

const CHART: &str = "estimate against truth";

struct TruthFigure<'a> {
    options: &'a ChartOptions,
    series: Vec<CleanSeries>,
    tolerance: Option<Tolerance>,
    x: Axis,
    y: Axis,
    skipped: Skipped,
    points: usize,
}

impl<'a> TruthFigure<'a> {
    fn new(chart: &EstimateVsTruth, options: &'a ChartOptions) -> Result<Self, PlotError> {
        let x_scale = Scale::from_log(options.log_x);
        let y_scale = Scale::from_log(options.log_y);
        let mut skipped = Skipped::default();
        let series: Vec<CleanSeries> = chart
            .estimators
            .iter()
            .map(|s| CleanSeries::new(s, x_scale, y_scale, false, &mut skipped))
            .collect();
        let points: usize = series.iter().map(|s| s.points.len()).sum();
        if points == 0 {
            return Err(PlotError::no_data(CHART, skipped));
        }

        let (mut x_extent, mut y_extent) = (Extent::default(), Extent::default());
        for s in &series {
            s.extend(&mut x_extent, &mut y_extent);
        }
        if x_scale == y_scale {
            let both = [x_extent, y_extent];
            for extent in both {
                x_extent.merge(&extent);
                y_extent.merge(&extent);
            }
        }
        let (Some(x), Some(y)) = (x_extent.axis(x_scale, 10), y_extent.axis(y_scale, 10)) else {
            return Err(PlotError::no_data(CHART, skipped));
        };

        tracing::debug!(points, ?skipped, "prepared estimate-against-truth chart");
        Ok(TruthFigure {
            options,
            series,
            tolerance: chart.tolerance,
            x,
            y,
            skipped,
            points,
        })
    }

    /// Returns `count + 1` truth values evenly spread over the x axis (in log space on a log
    /// axis), for drawing the diagonal and the band as smooth curves.
    fn truth_grid(&self, count: usize) -> Vec<f64> {
        let (low, high) = (self.x.low(), self.x.high());
        (0..=count)
            .map(|i| {
                let t = i as f64 / count as f64;
                match self.x.scale() {
                    Scale::Linear => low + t * (high - low),
                    Scale::Log => low * (high / low).powf(t),
                }
            })
            .collect()
    }

    /// Clamps a y value into the axis range, so curves stop at the plot's edge.
    fn clamp_y(&self, value: f64) -> f64 {
        value.clamp(self.y.low(), self.y.high())
    }

    fn draw_guides<DB: DrawingBackend>(
        &self,
        chart: &mut Chart<'_, DB>,
        theme: &Theme,
    ) -> Result<(), PlotError> {
        let grid = self.truth_grid(240);
        if let Some(tolerance) = &self.tolerance {
            let band: Vec<(f64, f64, f64)> = grid
                .iter()
                .map(|&t| {
                    let (low, high) = tolerance.bounds(t);
                    (t, self.clamp_y(low), self.clamp_y(high))
                })
                .collect();
            draw_band(chart, &band, REFERENCE)?;
        }
        let diagonal: Vec<(f64, f64)> = grid
            .iter()
            .copied()
            .filter(|&t| self.y.contains(t))
            .map(|t| (t, t))
            .collect();
        draw_line(chart, theme, &diagonal, theme.reference_style(), true)
    }

    fn legend_entries(&self, theme: &Theme) -> Vec<LegendEntry> {
        let mut entries: Vec<LegendEntry> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let swatch = Swatch::Marker(series_marker(i, true), series_color(i));
                LegendEntry::new(&s.label, swatch)
            })
            .collect();
        let diagonal = Swatch::Line {
            style: theme.reference_style(),
            dashed: true,
            marker: None,
        };
        entries.push(LegendEntry::new("y = x", diagonal));
        if let Some(tolerance) = &self.tolerance {
            entries.push(LegendEntry::new(tolerance.label(), Swatch::Band(REFERENCE)));
        }
        entries
    }
}

impl Figure for TruthFigure<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        theme: Theme,
    ) -> Result<(), PlotError> {
        let legend = Legend::new(self.legend_entries(&theme), &self.skipped);
        let page = Page::new(root, theme, &self.options.title, legend)?;

        let mut chart = page.chart(self.x, self.y, self.options)?;
        self.draw_guides(&mut chart, &theme)?;
        for (i, s) in self.series.iter().enumerate() {
            draw_error_bars(&mut chart, &theme, &s.band, series_color(i))?;
        }
        for (i, s) in self.series.iter().enumerate() {
            let color = series_color(i);
            let marker = series_marker(i, true);
            let edge = Some(darker(color));
            let radius = theme.marker_radius();
            draw_markers(&chart, &theme, &s.points, marker, radius, |_| color, edge)?;
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

    #[test]
    fn tolerance_bounds_follow_the_pass_rule() {
        let tolerance = Tolerance::default();
        assert_eq!(tolerance.bounds(3.0), (2.0, 4.5));
        let (low, high) = tolerance.bounds(0.05);
        assert!(low.abs() < 1e-12, "{low}");
        assert!((high - 0.1).abs() < 1e-12, "{high}");
    }

    #[test]
    fn tolerance_rejects_factor_of_one() {
        let tolerance = Tolerance {
            factor: 1.0,
            ..Tolerance::default()
        };
        assert!(matches!(
            tolerance.check(),
            Err(PlotError::InvalidOption {
                name: "tolerance factor",
                ..
            })
        ));
    }
}
