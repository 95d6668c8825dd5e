//! The PNG backend: plotters' bitmap backend with text drawn by ab_glyph at subpixel glyph
//! positions, rendered at twice the output size and averaged down for anti-aliasing.
//!
//! plotters 0.3.7 draws ab_glyph text without each glyph's left side bearing, which spaces
//! letters unevenly ("capa city"), and draws lines without anti-aliasing. This backend lays out
//! text from the embedded font's advances and kerning, and places every glyph's outline at its
//! exact position. Everything else goes to the bitmap backend unchanged.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::prelude::{BitMapBackend, DrawingBackend};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

use super::{PlotError, font};

/// Factor by which PNG charts are rendered larger than their output size before averaging.
pub(crate) const SUPERSAMPLE: u32 = 2;

/// A bitmap backend whose text uses the embedded font with correct glyph placement.
pub(crate) struct GlyphBackend<'a> {
    inner: BitMapBackend<'a>,
    font: &'static FontRef<'static>,
}

impl<'a> GlyphBackend<'a> {
    /// Wraps an RGB buffer of `width * height * 3` bytes.
    pub(crate) fn new(
        buffer: &'a mut [u8],
        (width, height): (u32, u32),
    ) -> Result<Self, PlotError> {
        Ok(GlyphBackend {
            inner: BitMapBackend::with_buffer(buffer, (width, height)),
            font: font::embedded()?,
        })
    }
}

/// Glyphs of one line of text, with their caret positions, and the line's metrics.
struct Line {
    glyphs: Vec<(ab_glyph::GlyphId, f32)>,
    width: f32,
    ascent: f32,
    height: f32,
}

fn layout(font: &FontRef<'static>, text: &str, size: f64) -> (PxScale, Line) {
    let scale = PxScale::from(size as f32);
    let scaled = font.as_scaled(scale);
    let mut glyphs = Vec::with_capacity(text.len());
    let mut caret = 0.0;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(previous) = previous {
            caret += scaled.kern(previous, id);
        }
        glyphs.push((id, caret));
        caret += scaled.h_advance(id);
        previous = Some(id);
    }
    let line = Line {
        glyphs,
        width: caret,
        ascent: scaled.ascent(),
        height: scaled.ascent() - scaled.descent(),
    };
    (scale, line)
}

type BitmapError = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

impl DrawingBackend for GlyphBackend<'_> {
    type ErrorType = BitmapError;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<BitmapError>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<BitmapError>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<BitmapError>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<BitmapError>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<BitmapError>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<BitmapError>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<BitmapError>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<BitmapError>> {
        self.inner.fill_polygon(vertices, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        source: &[u8],
    ) -> Result<(), DrawingErrorKind<BitmapError>> {
        self.inner.blit_bitmap(pos, size, source)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<BitmapError>> {
        let (_, line) = layout(self.font, text, style.size());
        Ok((line.width.ceil() as u32, line.height.ceil() as u32))
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<BitmapError>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let (scale, line) = layout(self.font, text, style.size());
        let anchor = style.anchor();
        let dx = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -line.width / 2.0,
            HPos::Right => -line.width,
        };
        let dy = match anchor.v_pos {
            VPos::Top => 0.0,
            VPos::Center => -line.height / 2.0,
            VPos::Bottom => -line.height,
        };
        let transform = style.transform();
        let font = self.font;
        let mut failure = None;
        for &(id, caret) in &line.glyphs {
            let glyph = id.with_scale_and_position(scale, point(caret + dx, line.ascent + dy));
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            let (left, top) = (bounds.min.x as i32, bounds.min.y as i32);
            outline.draw(|x, y, coverage| {
                if coverage <= 0.0 {
                    return;
                }
                let (tx, ty) = transform.transform(left + x as i32, top + y as i32);
                let pixel = BackendColor {
                    alpha: color.alpha * f64::from(coverage.min(1.0)),
                    rgb: color.rgb,
                };
                if let Err(error) = self.inner.draw_pixel((pos.0 + tx, pos.1 + ty), pixel) {
                    failure.get_or_insert(error);
                }
            });
        }
        failure.map_or(Ok(()), Err)
    }
}

/// Averages each `factor x factor` block of an RGB image into one pixel.
pub(crate) fn downsample(pixels: &[u8], width: u32, height: u32, factor: u32) -> Vec<u8> {
    let (width, height, factor) = (width as usize, height as usize, factor as usize);
    let (out_width, out_height) = (width / factor, height / factor);
    let count = (factor * factor) as u32;
    let mut out = vec![0u8; out_width * out_height * 3];
    for oy in 0..out_height {
        for ox in 0..out_width {
            let mut sum = [0u32; 3];
            for dy in 0..factor {
                let row = (oy * factor + dy) * width;
                for dx in 0..factor {
                    let at = (row + ox * factor + dx) * 3;
                    for (channel, total) in sum.iter_mut().enumerate() {
                        *total += u32::from(pixels[at + channel]);
                    }
                }
            }
            let at = (oy * out_width + ox) * 3;
            for (channel, total) in sum.iter().enumerate() {
                out[at + channel] = ((total + count / 2) / count) as u8;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsample_averages_blocks() {
        // A 2 x 2 image of black, white, white, black becomes one mid-gray pixel.
        let pixels = [0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0];
        assert_eq!(downsample(&pixels, 2, 2, 2), vec![128, 128, 128]);
    }

    #[test]
    fn layout_width_grows_with_text() {
        let font = font::embedded().unwrap();
        let (_, short) = layout(font, "ab", 20.0);
        let (_, long) = layout(font, "abab", 20.0);
        assert!(short.width > 10.0, "{}", short.width);
        assert!(
            (long.width - 2.0 * short.width).abs() < 1.0,
            "{}",
            long.width
        );
    }
}
