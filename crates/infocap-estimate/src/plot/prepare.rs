//! Filtering chart data before drawing: non-drawable values are dropped and counted, line
//! series are put in x order, and the axis extents are collected.

use super::axis::{Extent, Scale, Skipped};
use super::{ReferenceLine, Series};

/// A series that holds only drawable points.
#[derive(Debug, Clone)]
pub(crate) struct CleanSeries {
    pub(crate) label: String,
    pub(crate) points: Vec<(f64, f64)>,
    /// Interval `(x, low, high)` with `low <= high`.
    pub(crate) band: Vec<(f64, f64, f64)>,
}

impl CleanSeries {
    /// Filters `series` for the two scales, counting dropped points in `skipped`.
    ///
    /// Interval entries with a non-drawable bound are dropped without being counted, since the
    /// point itself may still be drawn. With `sort_by_x` the points and the interval are put in
    /// x order, as a line through them needs.
    pub(crate) fn new(
        series: &Series,
        x_scale: Scale,
        y_scale: Scale,
        sort_by_x: bool,
        skipped: &mut Skipped,
    ) -> Self {
        let mut points: Vec<(f64, f64)> = series
            .points
            .iter()
            .copied()
            .filter(|&(x, y)| skipped.keep(x, y, x_scale, y_scale))
            .collect();
        let mut band: Vec<(f64, f64, f64)> = series
            .band
            .iter()
            .flatten()
            .filter(|&&(x, low, high)| {
                x_scale.accepts(x) && y_scale.accepts(low) && y_scale.accepts(high)
            })
            .map(|&(x, low, high)| (x, low.min(high), low.max(high)))
            .collect();
        if sort_by_x {
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            band.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        CleanSeries {
            label: series.label.clone(),
            points,
            band,
        }
    }

    /// Adds the points and interval bounds to the axis extents.
    pub(crate) fn extend(&self, x: &mut Extent, y: &mut Extent) {
        for &(px, py) in &self.points {
            x.add(px);
            y.add(py);
        }
        for &(bx, low, high) in &self.band {
            x.add(bx);
            y.add(low);
            y.add(high);
        }
    }
}

/// Returns the x and y extents of the series, with the y extent covering the reference lines.
pub(crate) fn extents(series: &[CleanSeries], references: &[ReferenceLine]) -> (Extent, Extent) {
    let (mut x_extent, mut y_extent) = (Extent::default(), Extent::default());
    for s in series {
        s.extend(&mut x_extent, &mut y_extent);
    }
    for line in references {
        y_extent.add(line.value);
    }
    (x_extent, y_extent)
}

/// Returns the reference lines that can be drawn on `scale`.
pub(crate) fn drawable_references(lines: &[ReferenceLine], scale: Scale) -> Vec<ReferenceLine> {
    lines
        .iter()
        .filter(|line| scale.accepts(line.value))
        .cloned()
        .collect()
}

/// Returns a one-line note on the points left out, or `None` when none were.
pub(crate) fn skipped_note(skipped: &Skipped) -> Option<String> {
    match skipped.total() {
        0 => None,
        1 => Some("1 point not shown".to_string()),
        n => Some(format!("{n} points not shown")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_series_drops_sorts_and_counts() {
        let series = Series::new(
            "a",
            vec![
                (3.0, 1.0),
                (f64::NAN, 2.0),
                (1.0, 0.0),
                (2.0, f64::INFINITY),
                (0.0, 5.0),
            ],
        )
        .with_band(vec![(1.0, 2.0, -1.0), (3.0, 0.5, f64::NAN)]);
        let mut skipped = Skipped::default();
        let clean = CleanSeries::new(&series, Scale::Log, Scale::Linear, true, &mut skipped);
        assert_eq!(clean.points, vec![(1.0, 0.0), (3.0, 1.0)]);
        assert_eq!(clean.band, vec![(1.0, -1.0, 2.0)]);
        assert_eq!(
            skipped,
            Skipped {
                non_finite: 2,
                non_positive: 1
            }
        );
    }

    #[test]
    fn skipped_note_counts_points() {
        assert_eq!(skipped_note(&Skipped::default()), None);
        let skipped = Skipped {
            non_finite: 2,
            non_positive: 1,
        };
        assert_eq!(skipped_note(&skipped).unwrap(), "3 points not shown");
    }
}
