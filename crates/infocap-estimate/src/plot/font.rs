//! The font compiled into the binary, so that charts render on machines without fonts.
//!
//! plotters is built without its system-font backend (`ttf`, which needs fontconfig), so text
//! is drawn by ab_glyph from a font registered here. DejaVu Sans (Bitstream Vera license,
//! `assets/DejaVuSans-LICENSE.txt`) covers Latin, Greek and the math signs used in axis labels
//! (−, ×, ≤, superscript digits).

use std::sync::OnceLock;

use ab_glyph::FontRef;
use plotters::style::{FontStyle, register_font};

use super::PlotError;

/// The family name charts ask plotters for; the embedded font is registered under it.
pub(crate) const FAMILY: &str = "DejaVu Sans, sans-serif";

static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Returns the embedded font, parsed once.
///
/// # Errors
/// [`PlotError::Font`] if ab_glyph cannot parse the embedded file, which would mean a broken
/// build.
pub(crate) fn embedded() -> Result<&'static FontRef<'static>, PlotError> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(DEJAVU_SANS).ok())
        .as_ref()
        .ok_or(PlotError::Font)
}

/// Registers the embedded font with plotters, once per process.
///
/// # Errors
/// [`PlotError::Font`] if ab_glyph cannot parse the embedded file, which would mean a broken
/// build.
pub(crate) fn register() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok =
        *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok());
    if ok { Ok(()) } else { Err(PlotError::Font) }
}
