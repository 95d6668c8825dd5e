//! The look shared by all charts: font sizes that scale with the image, a colorblind-safe
//! palette, marker shapes and line widths.
//!
//! Series colors are the palette of Okabe and Ito, "Color Universal Design" (2002, revised
//! 2008), chosen to stay distinguishable under the common color-vision deficiencies. Its
//! yellow is darkened here so that it reads on white. Epochs are colored with viridis,
//! matplotlib's default colormap, which runs from dark to light at an even perceived pace.

use plotters::style::colors::colormaps::{ColorMap, ViridisRGB};
use plotters::style::{Color, IntoFont, RGBColor, ShapeStyle, TextStyle};

use super::font::FAMILY;

/// Text color: near black, softer than pure black on screen.
pub(crate) const INK: RGBColor = RGBColor(34, 34, 34);
/// Axis lines and tick marks.
pub(crate) const AXIS: RGBColor = RGBColor(80, 80, 80);
/// Grid lines at the major ticks.
pub(crate) const GRID: RGBColor = RGBColor(228, 228, 228);
/// Reference lines (y = x, ceilings) that are not data.
pub(crate) const REFERENCE: RGBColor = RGBColor(90, 90, 90);

/// Marker fill in legends where the data's fill encodes something else (epoch).
pub(crate) const NEUTRAL: RGBColor = RGBColor(175, 175, 175);

/// Okabe-Ito colors, most distinct first: blue, vermillion, bluish green, reddish purple,
/// orange, sky blue, black and a darkened yellow.
pub(crate) const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(181, 167, 20),
];

/// Returns the color of the `index`-th series, cycling through [`PALETTE`].
pub(crate) fn series_color(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// Returns `color` at half brightness, for marker outlines.
pub(crate) fn darker(color: RGBColor) -> RGBColor {
    RGBColor(color.0 / 2, color.1 / 2, color.2 / 2)
}

/// Returns the viridis color for `fraction` in [0, 1].
///
/// The scale stops at 0.9 because the last tenth of viridis is a pale yellow that vanishes on a
/// white background.
pub(crate) fn sequential_color(fraction: f64) -> RGBColor {
    let fraction = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    ViridisRGB.get_color(0.9 * fraction as f32)
}

/// A marker shape; series beyond the palette size differ by shape as well as color.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    Circle,
    Square,
    TriangleUp,
    Diamond,
    TriangleDown,
    TriangleRight,
    Pentagon,
    TriangleLeft,
}

/// As many shapes as [`PALETTE`] has colors, so that with varying shapes no two of the first
/// eight series share a shape.
const MARKERS: [Marker; 8] = [
    Marker::Circle,
    Marker::Square,
    Marker::TriangleUp,
    Marker::Diamond,
    Marker::TriangleDown,
    Marker::TriangleRight,
    Marker::Pentagon,
    Marker::TriangleLeft,
];

/// Returns the marker of the `index`-th series.
///
/// The shape changes every [`PALETTE`] series, where cycling colors alone would repeat. With
/// `vary`, every series gets the next shape.
pub(crate) fn series_marker(index: usize, vary: bool) -> Marker {
    if vary {
        MARKERS[index % MARKERS.len()]
    } else {
        MARKERS[(index / PALETTE.len()) % MARKERS.len()]
    }
}

impl Marker {
    /// Returns the polygon of the marker around `center` with circumradius `radius`, or
    /// `None` for a circle.
    pub(crate) fn polygon(self, center: (i32, i32), radius: f64) -> Option<Vec<(i32, i32)>> {
        let (cx, cy) = (f64::from(center.0), f64::from(center.1));
        let at = |dx: f64, dy: f64| ((cx + dx).round() as i32, (cy + dy).round() as i32);
        let r = radius;
        match self {
            Marker::Circle => None,
            Marker::Square => {
                let h = r * 0.85;
                Some(vec![at(-h, -h), at(h, -h), at(h, h), at(-h, h)])
            }
            Marker::TriangleUp => Some(vec![at(0.0, -1.15 * r), at(r, 0.75 * r), at(-r, 0.75 * r)]),
            Marker::TriangleDown => {
                Some(vec![at(0.0, 1.15 * r), at(r, -0.75 * r), at(-r, -0.75 * r)])
            }
            Marker::Diamond => {
                let w = r * 1.15;
                Some(vec![at(0.0, -w), at(w, 0.0), at(0.0, w), at(-w, 0.0)])
            }
            Marker::TriangleRight => {
                Some(vec![at(1.15 * r, 0.0), at(-0.75 * r, r), at(-0.75 * r, -r)])
            }
            Marker::TriangleLeft => {
                Some(vec![at(-1.15 * r, 0.0), at(0.75 * r, r), at(0.75 * r, -r)])
            }
            Marker::Pentagon => Some(
                (0..5)
                    .map(|k| {
                        let angle = std::f64::consts::TAU * f64::from(k) / 5.0;
                        at(1.05 * r * angle.sin(), -1.05 * r * angle.cos())
                    })
                    .collect(),
            ),
        }
    }
}

/// The chart title's font size at the reference image size.
pub(crate) const TITLE_SIZE: f64 = 22.0;

/// Sizes in pixels for one image, scaled from a 960 x 640 reference so that a larger image
/// keeps the same proportions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Theme {
    scale: f64,
}

impl Theme {
    /// Returns the sizes for an image of `width` x `height` output pixels, drawn on a canvas
    /// `pixel_ratio` times larger (for supersampling).
    ///
    /// Below 60% of the reference size, text stops shrinking so that it stays readable.
    pub(crate) fn new(width: u32, height: u32, pixel_ratio: u32) -> Self {
        let scale = (f64::from(width) / 960.0).min(f64::from(height) / 640.0);
        Theme {
            scale: scale.clamp(0.6, 4.0) * f64::from(pixel_ratio),
        }
    }

    /// Converts a length at the reference size to pixels.
    pub(crate) fn px(&self, length: f64) -> i32 {
        (length * self.scale).round().max(1.0) as i32
    }

    /// Converts a length at the reference size to unsigned pixels.
    pub(crate) fn upx(&self, length: f64) -> u32 {
        self.px(length).unsigned_abs()
    }

    /// Returns the text style for a font of `size` pixels at the reference image size.
    pub(crate) fn text_style(&self, size: f64) -> TextStyle<'static> {
        (FAMILY, size * self.scale).into_font().color(&INK)
    }

    pub(crate) fn panel_title_style(&self) -> TextStyle<'static> {
        self.text_style(17.0)
    }

    pub(crate) fn axis_label_style(&self) -> TextStyle<'static> {
        self.text_style(17.0)
    }

    pub(crate) fn tick_style(&self) -> TextStyle<'static> {
        self.text_style(14.0)
    }

    pub(crate) fn legend_style(&self) -> TextStyle<'static> {
        self.text_style(14.0)
    }

    pub(crate) fn note_style(&self) -> TextStyle<'static> {
        self.text_style(13.0).color(&AXIS)
    }

    pub(crate) fn line_width(&self) -> u32 {
        self.upx(2.0)
    }

    pub(crate) fn marker_radius(&self) -> f64 {
        4.0 * self.scale
    }

    pub(crate) fn line_style(&self, color: RGBColor) -> ShapeStyle {
        color.stroke_width(self.line_width())
    }

    pub(crate) fn reference_style(&self) -> ShapeStyle {
        REFERENCE.stroke_width(self.upx(1.5))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_colors_are_distinct() {
        for (i, a) in PALETTE.iter().enumerate() {
            for b in &PALETTE[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn markers_change_after_the_palette_runs_out() {
        assert_eq!(series_marker(0, false), Marker::Circle);
        assert_eq!(series_marker(7, false), Marker::Circle);
        assert_eq!(series_marker(8, false), Marker::Square);
        assert_eq!(series_marker(2, true), Marker::TriangleUp);
    }

    #[test]
    fn varied_markers_differ_across_the_palette() {
        let shapes: Vec<Marker> = (0..PALETTE.len()).map(|i| series_marker(i, true)).collect();
        for (i, a) in shapes.iter().enumerate() {
            for b in &shapes[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn sequential_color_runs_dark_to_light() {
        let dark = sequential_color(0.0);
        let light = sequential_color(1.0);
        let luminance =
            |c: RGBColor| 0.3 * f64::from(c.0) + 0.6 * f64::from(c.1) + 0.1 * f64::from(c.2);
        assert!(luminance(light) > luminance(dark) + 100.0);
        assert_eq!(sequential_color(f64::NAN), dark);
    }
}
