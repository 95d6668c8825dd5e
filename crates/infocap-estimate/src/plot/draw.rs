//! Drawing steps shared by the charts: page layout, axes, lines, bands, markers and notes.
//!
//! Label areas are sized from the measured width of the tick labels, so long numbers never run
//! into the axis title, and legends sit in a column beside the plot, so they never hide data.

use plotters::chart::{ChartBuilder, ChartContext};
use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, PathElement, Polygon};
use plotters::prelude::DrawingBackend;
use plotters::series::DashedLineSeries;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor, ShapeStyle, TRANSPARENT, TextStyle, WHITE};

use super::axis::Axis;
use super::style::{AXIS, GRID, Marker, TITLE_SIZE, Theme};
use super::{PlotError, ReferenceLine};

/// A chart with the same coordinate type on every axis kind.
pub(crate) type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Axis, Axis>>;

/// Returns the width of `text` in pixels, as the backend will lay it out.
pub(crate) fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
) -> Result<u32, PlotError> {
    Ok(area.estimate_text_size(text, style)?.0)
}

/// Returns the height of one line of text in `style`.
pub(crate) fn text_height<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: &TextStyle,
) -> Result<u32, PlotError> {
    Ok(area.estimate_text_size("Ag", style)?.1)
}

/// Shortens `text` with an ellipsis until it fits in `max_width` pixels.
pub(crate) fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_width: u32,
) -> Result<String, PlotError> {
    if text_width(area, text, style)? <= max_width {
        return Ok(text.to_string());
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>() + "…";
        if text_width(area, &candidate, style)? <= max_width {
            return Ok(candidate);
        }
    }
    Ok(String::new())
}

/// Clears `root`, draws the title centered at the top and returns the area below it.
///
/// A title wider than the image is drawn in a smaller font, then shortened with an ellipsis.
pub(crate) fn draw_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: &Theme,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, PlotError> {
    root.fill(&WHITE)?;
    let (width, _) = root.dim_in_pixel();
    let pad = theme.px(10.0);
    if title.trim().is_empty() {
        return Ok(root.margin(pad, 0, 0, 0));
    }
    let max_width = width.saturating_sub(2 * theme.upx(12.0));
    let mut size = TITLE_SIZE;
    let mut style = theme.text_style(size);
    while size > 0.7 * TITLE_SIZE && text_width(root, title, &style)? > max_width {
        size *= 0.9;
        style = theme.text_style(size);
    }
    let text = fit_text(root, title, &style, max_width)?;
    let height = text_height(root, &style)? as i32;
    let anchored = style.pos(Pos::new(HPos::Center, VPos::Top));
    root.draw_text(&text, &anchored, (width as i32 / 2, pad))?;
    let (_, body) = root.split_vertically(height + 2 * pad);
    Ok(body)
}

/// Pixel sizes of the areas around a plot that hold tick labels and axis titles.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LabelAreas {
    /// Height below the plot for x tick labels and the x-axis title.
    pub(crate) bottom: i32,
    /// Width left of the plot for y tick labels and the y-axis title.
    pub(crate) left: i32,
    pub(crate) x_ticks: usize,
    pub(crate) y_ticks: usize,
    pub(crate) widest_x: i32,
}

impl LabelAreas {
    /// Measures the tick labels that `x` and `y` will show on `area`.
    pub(crate) fn measure<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        theme: &Theme,
        (x, y): (&Axis, &Axis),
        (x_label, y_label): (&str, &str),
    ) -> Result<Self, PlotError> {
        let (width, height) = area.dim_in_pixel();
        let tick_style = theme.tick_style();
        let x_ticks = ((f64::from(width) / f64::from(theme.upx(95.0))) as usize).clamp(3, 10);
        let y_ticks = ((f64::from(height) / f64::from(theme.upx(60.0))) as usize).clamp(3, 10);
        let (x, y) = (x.with_max_ticks(x_ticks), y.with_max_ticks(y_ticks));
        let widest_x = widest_tick_label(area, &x, x_ticks, &tick_style)?;
        let widest_y = widest_tick_label(area, &y, y_ticks, &tick_style)?;

        let tick_height = text_height(area, &tick_style)? as i32;
        let label_height = text_height(area, &theme.axis_label_style())? as i32;
        let tick_size = theme.px(TICK_SIZE);
        let title_height = |label: &str| {
            // An empty axis title takes no room, as for the upper of two panels sharing an x
            // axis.
            if label.is_empty() {
                0
            } else {
                theme.px(8.0) + label_height
            }
        };

        // plotters puts tick labels two tick lengths from the axis.
        Ok(LabelAreas {
            bottom: tick_height + 2 * tick_size + title_height(x_label) + theme.px(4.0),
            left: widest_y + 2 * tick_size + title_height(y_label) + theme.px(4.0),
            x_ticks,
            y_ticks,
            widest_x,
        })
    }
}

/// Returns the width in pixels of the widest tick label of `axis`.
fn widest_tick_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axis: &Axis,
    max_ticks: usize,
    style: &TextStyle,
) -> Result<i32, PlotError> {
    let mut widest = 0;
    for value in axis.ticks(max_ticks) {
        widest = widest.max(text_width(area, &axis.tick_label(value), style)?);
    }
    Ok(widest as i32)
}

/// Tick mark length at the reference image size.
const TICK_SIZE: f64 = 5.0;

/// Builds the axes on `area` and draws ticks, grid lines and axis titles.
pub(crate) fn build_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    theme: &Theme,
    x: Axis,
    y: Axis,
    x_label: &str,
    y_label: &str,
) -> Result<Chart<'a, DB>, PlotError> {
    let labels = LabelAreas::measure(area, theme, (&x, &y), (x_label, y_label))?;
    build_chart_with(area, theme, (x, y), (x_label, y_label), labels)
}

/// Builds the axes on `area` with given label areas, so that stacked panels can share the
/// widest left area and keep their x axes aligned.
pub(crate) fn build_chart_with<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    theme: &Theme,
    (x, y): (Axis, Axis),
    (x_label, y_label): (&str, &str),
    labels: LabelAreas,
) -> Result<Chart<'a, DB>, PlotError> {
    let (width, height) = area.dim_in_pixel();
    let (x, y) = (
        x.with_max_ticks(labels.x_ticks),
        y.with_max_ticks(labels.y_ticks),
    );
    let label_style = theme.axis_label_style();
    let x_label = fit_text(
        area,
        x_label,
        &label_style,
        width.saturating_sub(labels.left as u32),
    )?;
    let y_label = fit_text(
        area,
        y_label,
        &label_style,
        height.saturating_sub(labels.bottom as u32),
    )?;

    let mut chart = ChartBuilder::on(area)
        .margin_top(theme.px(10.0))
        .margin_right((labels.widest_x / 2 + theme.px(10.0)).max(theme.px(16.0)))
        .margin_left(theme.px(6.0))
        .margin_bottom(theme.px(6.0))
        .x_label_area_size(labels.bottom)
        .y_label_area_size(labels.left)
        .build_cartesian_2d(x, y)?;

    let format_x = |value: &f64| x.tick_label(*value);
    let format_y = |value: &f64| y.tick_label(*value);
    chart
        .configure_mesh()
        .x_labels(labels.x_ticks)
        .y_labels(labels.y_ticks)
        .x_label_formatter(&format_x)
        .y_label_formatter(&format_y)
        .label_style(theme.tick_style())
        .axis_desc_style(label_style)
        .x_desc(x_label)
        .y_desc(y_label)
        .bold_line_style(GRID.stroke_width(theme.upx(1.0)))
        .light_line_style(TRANSPARENT)
        .max_light_lines(0)
        .axis_style(AXIS.stroke_width(theme.upx(1.0)))
        .set_all_tick_mark_size(theme.px(TICK_SIZE))
        .draw()?;
    Ok(chart)
}

/// Draws a line through `points` in order, solid or dashed.
pub(crate) fn draw_line<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    theme: &Theme,
    points: &[(f64, f64)],
    style: ShapeStyle,
    dashed: bool,
) -> Result<(), PlotError> {
    if points.len() < 2 {
        return Ok(());
    }
    if dashed {
        let series =
            DashedLineSeries::new(points.iter().copied(), theme.px(7.0), theme.px(5.0), style);
        chart.draw_series(series)?;
    } else {
        draw_segments(chart, points, style)?;
    }
    Ok(())
}

/// Draws each segment of a polyline as a filled quadrilateral in pixel space.
///
/// plotters 0.3.7 strokes wide polylines with miter joins, which shoot spikes far outside the
/// plot where a path turns back on itself, and renders wide two-point paths unevenly. Quads
/// drawn here have the stroke width at any angle and no joins.
fn draw_segments<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    points: &[(f64, f64)],
    style: ShapeStyle,
) -> Result<(), PlotError> {
    let area = chart.plotting_area().strip_coord_spec();
    let (origin_x, origin_y) = chart.plotting_area().get_base_pixel();
    let half = f64::from(style.stroke_width.max(1)) / 2.0;
    let pixel = |point: &(f64, f64)| {
        let (x, y) = chart.backend_coord(point);
        (f64::from(x - origin_x), f64::from(y - origin_y))
    };
    for pair in points.windows(2) {
        let (a, b) = (pixel(&pair[0]), pixel(&pair[1]));
        let length = (b.0 - a.0).hypot(b.1 - a.1);
        if length < 1e-9 {
            continue;
        }
        let (nx, ny) = (-(b.1 - a.1) / length * half, (b.0 - a.0) / length * half);
        let corner = |p: (f64, f64), sign: f64| {
            (
                (p.0 + sign * nx).round() as i32,
                (p.1 + sign * ny).round() as i32,
            )
        };
        let quad = vec![
            corner(a, 1.0),
            corner(b, 1.0),
            corner(b, -1.0),
            corner(a, -1.0),
        ];
        area.draw(&Polygon::new(quad, style.color.filled()))?;
    }
    Ok(())
}

/// Fills the region between the `(x, low, high)` curves with a translucent color.
pub(crate) fn draw_band<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    band: &[(f64, f64, f64)],
    color: RGBColor,
) -> Result<(), PlotError> {
    if band.len() < 2 {
        return Ok(());
    }
    let mut outline: Vec<(f64, f64)> = band.iter().map(|&(x, _, high)| (x, high)).collect();
    outline.extend(band.iter().rev().map(|&(x, low, _)| (x, low)));
    chart.draw_series(std::iter::once(Polygon::new(
        outline,
        color.mix(0.18).filled(),
    )))?;
    Ok(())
}

/// Draws vertical error bars with caps from `(x, low, high)`.
pub(crate) fn draw_error_bars<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    theme: &Theme,
    bars: &[(f64, f64, f64)],
    color: RGBColor,
) -> Result<(), PlotError> {
    let area = chart.plotting_area().strip_coord_spec();
    let base = area.get_base_pixel();
    let cap = theme.px(3.0);
    let style = color.stroke_width(theme.upx(1.2));
    for &(x, low, high) in bars {
        let (px, top) = chart.backend_coord(&(x, high));
        let (_, bottom) = chart.backend_coord(&(x, low));
        let (px, top, bottom) = (px - base.0, top - base.1, bottom - base.1);
        area.draw(&PathElement::new(vec![(px, top), (px, bottom)], style))?;
        area.draw(&PathElement::new(
            vec![(px - cap, top), (px + cap, top)],
            style,
        ))?;
        area.draw(&PathElement::new(
            vec![(px - cap, bottom), (px + cap, bottom)],
            style,
        ))?;
    }
    Ok(())
}

/// Draws one marker at pixel `center` of `area`, filled, with an optional outline.
pub(crate) fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    marker: Marker,
    center: (i32, i32),
    radius: f64,
    fill: RGBColor,
    edge: Option<ShapeStyle>,
) -> Result<(), PlotError> {
    match marker.polygon(center, radius) {
        None => {
            let r = radius.round().max(1.0) as i32;
            area.draw(&Circle::new(center, r, fill.filled()))?;
            if let Some(edge) = edge {
                area.draw(&Circle::new(center, r, edge))?;
            }
        }
        Some(points) => {
            area.draw(&Polygon::new(points.clone(), fill.filled()))?;
            if let Some(edge) = edge {
                let mut closed = points;
                closed.push(closed[0]);
                area.draw(&PathElement::new(closed, edge))?;
            }
        }
    }
    Ok(())
}

/// Draws a marker of `radius` pixels at each data point, with fill colors given per point.
pub(crate) fn draw_markers<DB: DrawingBackend>(
    chart: &Chart<'_, DB>,
    theme: &Theme,
    points: &[(f64, f64)],
    marker: Marker,
    radius: f64,
    fill: impl Fn(usize) -> RGBColor,
    edge: Option<RGBColor>,
) -> Result<(), PlotError> {
    let area = chart.plotting_area().strip_coord_spec();
    let base = area.get_base_pixel();
    let edge = edge.map(|color| color.stroke_width(theme.upx(1.0)));
    for (i, point) in points.iter().enumerate() {
        let (px, py) = chart.backend_coord(point);
        let center = (px - base.0, py - base.1);
        draw_marker(&area, marker, center, radius, fill(i), edge)?;
    }
    Ok(())
}

/// Writes a centered message in an area that has nothing to plot.
pub(crate) fn draw_empty_note<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    note: &str,
) -> Result<(), PlotError> {
    let (width, height) = area.dim_in_pixel();
    let style = theme.note_style().pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(note, &style, (width as i32 / 2, height as i32 / 2))?;
    Ok(())
}

/// Draws each reference line dashed across the plot, labelled at its left end.
///
/// A label goes above its line, or below it when it would cross another reference line or
/// overlap a label already placed.
pub(crate) fn draw_reference_lines<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    theme: &Theme,
    lines: &[ReferenceLine],
    x: &Axis,
) -> Result<(), PlotError> {
    let style = theme.reference_style();
    for line in lines {
        let points = [(x.low(), line.value), (x.high(), line.value)];
        draw_line(chart, theme, &points, style, true)?;
    }

    let area = chart.plotting_area().strip_coord_spec();
    let base = area.get_base_pixel();
    let note = theme.note_style();
    let text_height = text_height(&area, &note)? as i32;
    let gap = theme.px(3.0);
    let rows: Vec<i32> = lines
        .iter()
        .map(|line| chart.backend_coord(&(x.low(), line.value)).1 - base.1)
        .collect();
    let mut placed: Vec<(i32, i32)> = Vec::new();
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by_key(|&i| rows[i]);
    for i in order {
        let y = rows[i];
        let collides = |(top, bottom): (i32, i32)| {
            placed.iter().any(|p| top < p.1 && p.0 < bottom)
                || rows
                    .iter()
                    .any(|&row| row != y && top <= row && row <= bottom)
        };
        let above = (y - gap - text_height, y - gap);
        let below = (y + gap, y + gap + text_height);
        let span = if collides(above) && !collides(below) {
            below
        } else {
            above
        };
        placed.push(span);
        let anchored = note.pos(Pos::new(HPos::Left, VPos::Top));
        area.draw_text(&lines[i].label, &anchored, (theme.px(6.0), span.0))?;
    }
    Ok(())
}
