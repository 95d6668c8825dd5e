//! Legends and color bars, drawn in a column to the right of the plot.

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{PathElement, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor, ShapeStyle};

use super::PlotError;
use super::axis::Axis;
use super::draw::{draw_marker, fit_text, text_height, text_width};
use super::style::{AXIS, Marker, Theme, sequential_color};

/// The sample drawn before a legend label.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    /// A line, solid or dashed, with an optional marker in its middle.
    Line {
        style: ShapeStyle,
        dashed: bool,
        marker: Option<(Marker, RGBColor)>,
    },
    /// A marker alone, as for a scatter series.
    Marker(Marker, RGBColor),
    /// A translucent area, as for an interval.
    Band(RGBColor),
}

/// One legend row.
#[derive(Debug, Clone)]
pub(crate) struct LegendEntry {
    pub(crate) label: String,
    pub(crate) swatch: Swatch,
}

impl LegendEntry {
    pub(crate) fn new(label: impl Into<String>, swatch: Swatch) -> Self {
        LegendEntry {
            label: label.into(),
            swatch,
        }
    }
}

const SWATCH_WIDTH: f64 = 30.0;
const PAD: f64 = 10.0;
const GAP: f64 = 8.0;

/// Returns the column width that fits the widest of `labels`, at most `max_width`.
pub(crate) fn legend_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    labels: impl IntoIterator<Item = impl AsRef<str>>,
    max_width: u32,
) -> Result<u32, PlotError> {
    let style = theme.legend_style();
    let mut widest = 0;
    for label in labels {
        widest = widest.max(text_width(area, label.as_ref(), &style)?);
    }
    let width = theme.upx(PAD + SWATCH_WIDTH + GAP) + widest + theme.upx(2.0 * PAD);
    Ok(width.min(max_width))
}

/// Draws `entries` under an optional heading, starting at pixel row `top` of `area`, and
/// returns the row below the last entry.
///
/// Entries that do not fit above the bottom edge are replaced by a "+ N more" line.
pub(crate) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    heading: Option<&str>,
    entries: &[LegendEntry],
    top: i32,
) -> Result<i32, PlotError> {
    let (width, height) = area.dim_in_pixel();
    let style = theme.legend_style();
    let row = (text_height(area, &style)? as f64 * 1.45).round() as i32;
    let left = theme.px(PAD);
    let swatch = theme.px(SWATCH_WIDTH);
    let text_left = left + swatch + theme.px(GAP);
    let max_text = (width as i32 - text_left - theme.px(PAD)).max(0) as u32;
    let anchored = style.pos(Pos::new(HPos::Left, VPos::Center));

    let mut y = top;
    if let Some(heading) = heading {
        let text = fit_text(area, heading, &style, width.saturating_sub(theme.upx(PAD)))?;
        area.draw_text(&text, &anchored, (left, y + row / 2))?;
        y += row;
    }
    let capacity = ((height as i32 - y) / row.max(1)).max(0) as usize;
    let visible = if entries.len() > capacity {
        capacity.saturating_sub(1)
    } else {
        entries.len()
    };
    for entry in &entries[..visible] {
        let center = y + row / 2;
        draw_swatch(area, theme, entry.swatch, (left, center), swatch)?;
        let text = fit_text(area, &entry.label, &style, max_text)?;
        area.draw_text(&text, &anchored, (text_left, center))?;
        y += row;
    }
    if visible < entries.len() {
        let more = format!("+ {} more", entries.len() - visible);
        area.draw_text(&more, &anchored, (text_left, y + row / 2))?;
        y += row;
    }
    Ok(y)
}

fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    swatch: Swatch,
    (left, center): (i32, i32),
    width: i32,
) -> Result<(), PlotError> {
    let middle = (left + width / 2, center);
    match swatch {
        Swatch::Line {
            style,
            dashed,
            marker,
        } => {
            if dashed {
                let dash = width / 3;
                for start in [left, left + 2 * dash] {
                    area.draw(&PathElement::new(
                        vec![(start, center), (start + dash, center)],
                        style,
                    ))?;
                }
            } else {
                area.draw(&PathElement::new(
                    vec![(left, center), (left + width, center)],
                    style,
                ))?;
            }
            if let Some((marker, fill)) = marker {
                draw_marker(area, marker, middle, theme.marker_radius(), fill, None)?;
            }
        }
        Swatch::Marker(marker, color) => {
            draw_marker(area, marker, middle, theme.marker_radius(), color, None)?;
        }
        Swatch::Band(color) => {
            let half = theme.px(6.0);
            area.draw(&Rectangle::new(
                [(left, center - half), (left + width, center + half)],
                color.mix(0.25).filled(),
            ))?;
        }
    }
    Ok(())
}

/// Draws a vertical color bar for `axis` (for example epochs) between pixel rows `top` and
/// `bottom`, with its `label` above and tick labels to the right.
pub(crate) fn draw_colorbar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    label: &str,
    axis: &Axis,
    top: i32,
    bottom: i32,
) -> Result<(), PlotError> {
    let style = theme.legend_style();
    let left = theme.px(PAD);
    let bar_width = theme.px(16.0);
    let label_row = (text_height(area, &style)? as f64 * 1.45).round() as i32;
    let anchored = style.pos(Pos::new(HPos::Left, VPos::Center));
    area.draw_text(label, &anchored, (left, top + label_row / 2))?;

    let bar_top = top + label_row + theme.px(4.0);
    if bottom - bar_top < theme.px(40.0) {
        return Ok(());
    }
    let span = f64::from(bottom - bar_top);
    let step = 2;
    let mut y = bar_top;
    while y < bottom {
        let fraction = 1.0 - f64::from(y - bar_top) / span;
        area.draw(&Rectangle::new(
            [(left, y), (left + bar_width, (y + step).min(bottom))],
            sequential_color(fraction).filled(),
        ))?;
        y += step;
    }
    area.draw(&Rectangle::new(
        [(left, bar_top), (left + bar_width, bottom)],
        AXIS.stroke_width(1),
    ))?;

    let tick = theme.px(4.0);
    let max_ticks = ((span / f64::from(theme.upx(40.0))) as usize).clamp(2, 8);
    for value in axis.ticks(max_ticks) {
        let fraction = axis.fraction(value);
        if !(-1e-9..=1.0 + 1e-9).contains(&fraction) {
            continue;
        }
        let y = bottom - (fraction * span).round() as i32;
        area.draw(&PathElement::new(
            vec![(left + bar_width, y), (left + bar_width + tick, y)],
            AXIS.stroke_width(1),
        ))?;
        let text = axis.tick_label(value);
        area.draw_text(&text, &anchored, (left + bar_width + 2 * tick, y))?;
    }
    Ok(())
}
