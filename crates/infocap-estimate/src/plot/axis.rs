//! Axes: linear or log-10 coordinates, data ranges with margins, tick positions and labels.
//!
//! One coordinate type covers both scales so that every chart builds a single plotters chart
//! type whatever the options. Ticks are "nice" numbers (1, 2, 2.5 or 5 times a power of ten) on
//! linear axes and powers of ten, with 2x and 5x steps when few decades show, on log axes.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

/// The mapping of an axis from values to positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scale {
    Linear,
    Log,
}

impl Scale {
    pub(crate) fn from_log(log: bool) -> Self {
        if log { Scale::Log } else { Scale::Linear }
    }

    /// Returns whether `value` can be drawn on this scale.
    pub(crate) fn accepts(self, value: f64) -> bool {
        value.is_finite() && (self == Scale::Linear || value > 0.0)
    }

    fn forward(self, value: f64) -> f64 {
        match self {
            Scale::Linear => value,
            Scale::Log => value.log10(),
        }
    }

    fn inverse(self, value: f64) -> f64 {
        match self {
            Scale::Linear => value,
            Scale::Log => 10f64.powf(value),
        }
    }
}

/// The minimum and maximum of the values seen so far, ignoring NaN and infinities.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Extent {
    min: f64,
    max: f64,
}

impl Default for Extent {
    fn default() -> Self {
        Extent {
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl Extent {
    pub(crate) fn add(&mut self, value: f64) {
        if value.is_finite() {
            self.min = self.min.min(value);
            self.max = self.max.max(value);
        }
    }

    /// Widens this extent to cover `other` too.
    pub(crate) fn merge(&mut self, other: &Extent) {
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.min > self.max
    }

    /// Returns the axis covering this extent with a 5% margin on each side (in log space on a
    /// log axis), or `None` when no value was added.
    ///
    /// A degenerate extent (one value, or all values equal) is widened to ±10% of the value,
    /// ±0.5 around zero, or a factor of two either side on a log axis.
    pub(crate) fn axis(&self, scale: Scale, max_ticks: usize) -> Option<Axis> {
        self.axis_with_margin(scale, max_ticks, 0.05)
    }

    /// Returns the axis covering exactly this extent, widened only when degenerate, as a color
    /// scale needs.
    pub(crate) fn exact_axis(&self, scale: Scale, max_ticks: usize) -> Option<Axis> {
        self.axis_with_margin(scale, max_ticks, 0.0)
    }

    fn axis_with_margin(&self, scale: Scale, max_ticks: usize, margin: f64) -> Option<Axis> {
        if self.is_empty() {
            return None;
        }
        let low = scale.forward(self.min);
        let high = scale.forward(self.max);
        let span = high - low;
        let (low, high) = if span <= 1e-12 * low.abs().max(high.abs()).max(1e-300) {
            let half = match scale {
                Scale::Log => 2f64.log10(),
                Scale::Linear if low == 0.0 => 0.5,
                Scale::Linear => 0.1 * low.abs(),
            };
            (low - half, high + half)
        } else {
            (low - margin * span, high + margin * span)
        };
        Some(Axis {
            scale,
            low: scale.inverse(low),
            high: scale.inverse(high),
            max_ticks: max_ticks.max(2),
        })
    }
}

/// A plotters coordinate for one axis: a scale, a value range and a tick budget.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Axis {
    scale: Scale,
    low: f64,
    high: f64,
    max_ticks: usize,
}

impl Axis {
    pub(crate) fn low(&self) -> f64 {
        self.low
    }

    pub(crate) fn high(&self) -> f64 {
        self.high
    }

    pub(crate) fn scale(&self) -> Scale {
        self.scale
    }

    /// Returns this axis with at most `max_ticks` ticks, the count its labels are formatted for.
    pub(crate) fn with_max_ticks(self, max_ticks: usize) -> Axis {
        Axis {
            max_ticks: max_ticks.max(2),
            ..self
        }
    }

    /// Returns the position of `value` along the axis, 0 at the low end and 1 at the high end.
    pub(crate) fn fraction(&self, value: f64) -> f64 {
        let low = self.scale.forward(self.low);
        let high = self.scale.forward(self.high);
        (self.scale.forward(value) - low) / (high - low)
    }

    /// Returns whether `value` lies inside the axis range.
    pub(crate) fn contains(&self, value: f64) -> bool {
        value >= self.low && value <= self.high
    }

    /// Returns the tick positions, at most `max_ticks` of them.
    pub(crate) fn ticks(&self, max_ticks: usize) -> Vec<f64> {
        let max_ticks = max_ticks.max(2);
        match self.scale {
            Scale::Linear => linear_ticks(self.low, self.high, max_ticks),
            Scale::Log => log_ticks(self.low, self.high, max_ticks),
        }
    }

    /// Formats a tick value. All labels of one axis share a format: plain decimals with as many
    /// places as the tick step needs, or `m×10ᵏ` when the axis reaches 10⁶ or ticks fall below
    /// 10⁻³.
    pub(crate) fn tick_label(&self, value: f64) -> String {
        let largest = self.low.abs().max(self.high.abs());
        let smallest_tick = match self.scale {
            Scale::Linear => largest,
            Scale::Log => self
                .ticks(self.max_ticks)
                .first()
                .copied()
                .unwrap_or(self.low),
        };
        if !(1e-3..1e6).contains(&largest) || smallest_tick < 1e-3 {
            return scientific_label(value);
        }
        let text = match self.scale {
            Scale::Linear => {
                let step = nice_step(self.high - self.low, self.max_ticks);
                let decimals = decimals_for_step(step);
                format!("{value:.decimals$}")
            }
            Scale::Log => format!("{}", round_significant(value, 6)),
        };
        // `-0.0` prints as "-0.0"; other negatives get a typographic minus sign.
        if text
            .trim_start_matches('-')
            .chars()
            .all(|c| c == '0' || c == '.')
        {
            text.trim_start_matches('-').to_string()
        } else {
            text.replace('-', "\u{2212}")
        }
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let fraction = self.fraction(*value);
        let pixel = f64::from(limit.0) + fraction * f64::from(limit.1 - limit.0);
        // Values far outside the range (or NaN, which callers filter out) stay near the area
        // instead of overflowing the backend's integer coordinates.
        pixel.clamp(-1e6, 1e6).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        self.ticks(hint.max_num_points().min(self.max_ticks))
    }

    fn range(&self) -> Range<f64> {
        self.low..self.high
    }
}

/// Returns 1, 2, 2.5 or 5 times a power of ten, the smallest such step that splits `span` into
/// at most `max_ticks` intervals.
fn nice_step(span: f64, max_ticks: usize) -> f64 {
    let raw = span.abs() / max_ticks.max(1) as f64;
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    for factor in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if factor * magnitude >= raw * (1.0 - 1e-9) {
            return factor * magnitude;
        }
    }
    10.0 * magnitude
}

/// Returns the number of decimal places that write `step` exactly (0.25 needs 2).
fn decimals_for_step(step: f64) -> usize {
    (0..12)
        .find(|&decimals| {
            let scaled = step * 10f64.powi(decimals);
            (scaled.round() - scaled).abs() <= 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(12) as usize
}

fn linear_ticks(low: f64, high: f64, max_ticks: usize) -> Vec<f64> {
    let step = nice_step(high - low, max_ticks);
    let first = (low / step - 1e-9).ceil() as i64;
    let last = (high / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|k| {
            // Rounding removes the binary residue of k * step (0.6000000000000001).
            let value = round_significant(k as f64 * step, 12);
            if value == 0.0 { 0.0 } else { value }
        })
        .collect()
}

/// Returns decades (thinned to at most `max_ticks`), adding 2x and 5x steps when fewer than
/// three decades fall in range, and linear ticks when the range is too narrow for either.
fn log_ticks(low: f64, high: f64, max_ticks: usize) -> Vec<f64> {
    let first = (low.log10() - 1e-9).ceil() as i32;
    let last = (high.log10() + 1e-9).floor() as i32;
    let decades: Vec<i32> = (first..=last).collect();
    if decades.len() >= 3 {
        let stride = decades.len().div_ceil(max_ticks);
        return decades
            .iter()
            .step_by(stride)
            .map(|&k| 10f64.powi(k))
            .collect();
    }
    let mut ticks = Vec::new();
    for k in (first - 1)..=(last + 1) {
        for factor in [1.0, 2.0, 5.0] {
            let value = factor * 10f64.powi(k);
            if value >= low * (1.0 - 1e-9) && value <= high * (1.0 + 1e-9) {
                ticks.push(round_significant(value, 6));
            }
        }
    }
    // Sweeps often double a value (bits per unit, widths), so powers of two label a range with
    // fewer than four 1-2-5 ticks better.
    let doubling = power_of_two_ticks(low, high);
    if ticks.len() < 4 && doubling.len() > ticks.len() && doubling.len() <= max_ticks {
        doubling
    } else if ticks.len() >= 2 && ticks.len() <= max_ticks {
        ticks
    } else if ticks.len() > max_ticks {
        decades.iter().map(|&k| 10f64.powi(k)).collect()
    } else {
        linear_ticks(low, high, max_ticks.min(4))
    }
}

/// Returns the powers of two in `[low, high]`.
fn power_of_two_ticks(low: f64, high: f64) -> Vec<f64> {
    let first = (low.log2() - 1e-9).ceil() as i32;
    let last = (high.log2() + 1e-9).floor() as i32;
    (first..=last).map(|k| 2f64.powi(k)).collect()
}

fn round_significant(value: f64, digits: i32) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let scale = 10f64.powi(digits - 1 - value.abs().log10().floor() as i32);
    (value * scale).round() / scale
}

/// Formats `value` as `m×10ᵏ`, or `10ᵏ` when the mantissa is 1.
fn scientific_label(value: f64) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    let exponent = value.abs().log10().floor() as i32;
    let mantissa = round_significant(value / 10f64.powi(exponent), 3);
    let power = format!("10{}", superscript(exponent));
    if mantissa == 1.0 {
        power
    } else if mantissa == -1.0 {
        format!("\u{2212}{power}")
    } else {
        format!("{mantissa}×{power}").replace('-', "\u{2212}")
    }
}

fn superscript(exponent: i32) -> String {
    exponent
        .to_string()
        .chars()
        .map(|c| match c {
            '-' => '\u{207b}',
            '0' => '\u{2070}',
            '1' => '\u{b9}',
            '2' => '\u{b2}',
            '3' => '\u{b3}',
            d => char::from_u32(0x2070 + d.to_digit(10).unwrap_or(0)).unwrap_or(d),
        })
        .collect()
}

/// Counts of values left out of a chart, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    /// NaN or infinite values.
    pub non_finite: usize,
    /// Zero or negative values on a log axis.
    pub non_positive: usize,
}

impl Skipped {
    /// Returns whether the point `(x, y)` can be drawn on the two scales, counting it if not.
    pub(crate) fn keep(&mut self, x: f64, y: f64, x_scale: Scale, y_scale: Scale) -> bool {
        if !x.is_finite() || !y.is_finite() {
            self.non_finite += 1;
            false
        } else if !x_scale.accepts(x) || !y_scale.accepts(y) {
            self.non_positive += 1;
            false
        } else {
            true
        }
    }

    /// Returns the number of points left out for any reason.
    pub fn total(&self) -> usize {
        self.non_finite + self.non_positive
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extent(values: &[f64]) -> Extent {
        let mut extent = Extent::default();
        for &v in values {
            extent.add(v);
        }
        extent
    }

    #[test]
    fn linear_ticks_are_nice_numbers() {
        assert_eq!(
            linear_ticks(0.0, 10.0, 6),
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        assert_eq!(
            linear_ticks(-0.3, 1.3, 8),
            vec![-0.2, 0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2]
        );
        assert_eq!(linear_ticks(0.0, 1.0, 4), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
    }

    #[test]
    fn log_ticks_use_decades_or_steps() {
        assert_eq!(
            log_ticks(0.8, 12000.0, 8),
            vec![1.0, 10.0, 100.0, 1000.0, 10000.0]
        );
        assert_eq!(log_ticks(1.0, 30.0, 8), vec![1.0, 2.0, 5.0, 10.0, 20.0]);
        assert_eq!(log_ticks(0.5, 1e9, 4), vec![1.0, 1e3, 1e6, 1e9]);
    }

    #[test]
    fn doubling_sweep_gets_power_of_two_ticks() {
        // A 5% margin around 0.25..4 contains only 0.5, 1 and 2 of the 1-2-5 ticks.
        assert_eq!(log_ticks(0.218, 4.58, 8), vec![0.25, 0.5, 1.0, 2.0, 4.0]);
        // Too many powers of two for the budget: keep the 1-2-5 ticks.
        assert_eq!(log_ticks(0.218, 4.58, 4), vec![0.5, 1.0, 2.0]);
    }

    #[test]
    fn narrow_log_range_gets_linear_ticks() {
        let ticks = log_ticks(3.1, 3.9, 6);
        assert!(ticks.len() >= 2, "{ticks:?}");
        assert!(ticks.iter().all(|t| (3.1..=3.9).contains(t)), "{ticks:?}");
    }

    #[test]
    fn degenerate_extent_is_widened() {
        let axis = extent(&[2.0, 2.0]).axis(Scale::Linear, 5).unwrap();
        assert_eq!((axis.low(), axis.high()), (1.8, 2.2));
        let axis = extent(&[0.0]).axis(Scale::Linear, 5).unwrap();
        assert_eq!((axis.low(), axis.high()), (-0.5, 0.5));
        let axis = extent(&[100.0]).axis(Scale::Log, 5).unwrap();
        assert!((axis.low() - 50.0).abs() < 1e-9, "{}", axis.low());
        assert!((axis.high() - 200.0).abs() < 1e-9, "{}", axis.high());
    }

    #[test]
    fn extent_ignores_non_finite_values() {
        let axis = extent(&[f64::NAN, 0.0, 10.0, f64::INFINITY])
            .axis(Scale::Linear, 5)
            .unwrap();
        assert_eq!((axis.low(), axis.high()), (-0.5, 10.5));
        assert!(extent(&[f64::NAN]).axis(Scale::Linear, 5).is_none());
    }

    #[test]
    fn tick_labels_share_one_format() {
        // The range [-1.1, 1.1] in at most 8 steps gives a step of 0.5.
        let axis = extent(&[-1.0, 1.0]).axis(Scale::Linear, 8).unwrap();
        assert_eq!(axis.tick_label(0.5), "0.5");
        assert_eq!(axis.tick_label(-1.0), "\u{2212}1.0");
        assert_eq!(axis.tick_label(-0.0), "0.0");
        let axis = axis.with_max_ticks(10);
        assert_eq!(axis.tick_label(0.75), "0.75");
        assert_eq!(axis.tick_label(1.0), "1.00");
        let axis = extent(&[1e-2, 1e3]).axis(Scale::Log, 8).unwrap();
        assert_eq!(axis.tick_label(0.01), "0.01");
        assert_eq!(axis.tick_label(100.0), "100");
        let axis = extent(&[1e-6, 1e3]).axis(Scale::Log, 8).unwrap();
        assert_eq!(axis.tick_label(1e-6), "10\u{207b}\u{2076}");
        assert_eq!(axis.tick_label(100.0), "10\u{b2}");
        let axis = extent(&[0.0, 2e6]).axis(Scale::Linear, 5).unwrap();
        assert_eq!(axis.tick_label(5e5), "5×10\u{2075}");
        assert_eq!(axis.tick_label(0.0), "0");
    }

    #[test]
    fn skipped_counts_each_reason() {
        let mut skipped = Skipped::default();
        assert!(skipped.keep(1.0, 2.0, Scale::Log, Scale::Log));
        assert!(!skipped.keep(f64::NAN, 2.0, Scale::Linear, Scale::Linear));
        assert!(!skipped.keep(0.0, 2.0, Scale::Log, Scale::Linear));
        assert!(skipped.keep(0.0, -2.0, Scale::Linear, Scale::Linear));
        assert_eq!(
            skipped,
            Skipped {
                non_finite: 1,
                non_positive: 1
            }
        );
    }
}
