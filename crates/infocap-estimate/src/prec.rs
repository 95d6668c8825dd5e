//! Tolerance policy: when an estimate counts as matching a known value, and when it counts as
//! saturated.
//!
//! Three kinds of comparison, each with its own named constant:
//! - Deterministic formulas (capacities, pairwise bounds, plug-in entropies of fixed counts)
//!   are compared with an absolute tolerance that covers only floating-point error, or the
//!   rounding of a published reference value (4 decimals: [`REFERENCE_ROUNDING_NATS`]).
//! - Sampled estimates are compared with an absolute tolerance in bits, sized from the spread
//!   of the estimator across seeds plus its known bias at that N; each test states both.
//! - Validation against a generator's ground truth uses the rule
//!   [`within_validation_tolerance`]: within a factor of [`VALIDATION_FACTOR`], or within
//!   [`VALIDATION_SMALL_ABS_BITS`] when the truth is below [`VALIDATION_SMALL_TRUTH_BITS`],
//!   where a ratio means little.

/// Half a unit in the 4th decimal: the rounding of reference values quoted to 4 decimals.
pub const REFERENCE_ROUNDING_NATS: f64 = 5e-5;

/// An estimate within this many bits of its estimator's finite-sample ceiling is flagged
/// saturated. Half a bit: nearest-neighbor estimates of large MI approach the ceiling from below
/// and stay within a few tenths of a bit of it, as for I(X;X).
pub const SATURATION_MARGIN_BITS: f64 = 0.5;

/// Largest ratio estimate/truth (or truth/estimate) that validation accepts.
pub const VALIDATION_FACTOR: f64 = 1.5;

/// Truth below which validation compares absolute differences instead of ratios.
pub const VALIDATION_SMALL_TRUTH_BITS: f64 = 0.1;

/// Largest absolute error accepted when the truth is below [`VALIDATION_SMALL_TRUTH_BITS`].
pub const VALIDATION_SMALL_ABS_BITS: f64 = 0.05;

/// Returns true when `estimate_bits` matches `truth_bits` under the validation rule.
pub fn within_validation_tolerance(estimate_bits: f64, truth_bits: f64) -> bool {
    if !(estimate_bits.is_finite() && truth_bits.is_finite()) {
        return false;
    }
    if truth_bits < VALIDATION_SMALL_TRUTH_BITS {
        return (estimate_bits - truth_bits).abs() <= VALIDATION_SMALL_ABS_BITS;
    }
    estimate_bits <= truth_bits * VALIDATION_FACTOR
        && estimate_bits >= truth_bits / VALIDATION_FACTOR
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_rule_edges() {
        assert!(within_validation_tolerance(1.5, 1.0));
        assert!(!within_validation_tolerance(1.51, 1.0));
        assert!(within_validation_tolerance(1.0 / 1.5, 1.0));
        assert!(!within_validation_tolerance(0.66, 1.0));
        assert!(within_validation_tolerance(0.0, 0.05));
        assert!(within_validation_tolerance(0.1, 0.05));
        assert!(!within_validation_tolerance(0.11, 0.05));
        assert!(!within_validation_tolerance(f64::NAN, 1.0));
    }
}
