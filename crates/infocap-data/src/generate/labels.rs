//! Label rules on hidden bits, shared by `hidden-bits` and `patterns`.
//!
//! A rule reads the first m bits of a symbol and returns one bit, their parity, their majority
//! (more ones than zeros, so a tie gives 0), or the class of a seeded random lookup table from
//! the 2^m patterns to C classes. Under uniform bits the label distribution is known exactly, so H(Y) is exact.

use rand::Rng;
use statrs::function::gamma::ln_gamma;

use super::chunks::structure_rng;
use crate::closed_form::log_sum_exp;
use crate::error::{DataError, Result};

/// Rule names as written in parameters (`none` means no label column).
pub const RULE_NAMES: &[&str] = &["none", "bit", "parity", "majority", "lookup"];

/// Largest number of bits a lookup table reads (a table of 2^20 entries).
pub const MAX_LOOKUP_BITS: usize = 20;

/// Monte Carlo stream offset of the lookup table, per family seed.
const LOOKUP_PURPOSE: u64 = 1_000;

/// A deterministic function from the first bits of a symbol to a class.
#[derive(Debug, Clone, PartialEq)]
pub enum LabelRule {
    /// The first bit.
    Bit,
    /// The parity (XOR) of the first `bits` bits.
    Parity { bits: usize },
    /// 1 when more than half of the first `bits` bits are 1.
    Majority { bits: usize },
    /// A random table from the 2^`bits` patterns of the first bits to `classes` classes.
    Lookup {
        bits: usize,
        table: Vec<usize>,
        classes: usize,
    },
}

impl LabelRule {
    /// Builds the rule `name` on the first `bits` of `available` bits, or `None` for `none`.
    /// The lookup table is drawn from `seed` on its own stream.
    pub fn new(
        name: &str,
        bits: usize,
        available: usize,
        classes: usize,
        seed: u64,
    ) -> Result<Option<LabelRule>> {
        if name != "none" && name != "bit" && (bits == 0 || bits > available) {
            return Err(DataError::invalid(
                "label_bits",
                bits,
                format!("the label reads the first bits of {available}; use 1 to {available}"),
            ));
        }
        Ok(Some(match name {
            "none" => return Ok(None),
            "bit" => LabelRule::Bit,
            "parity" => LabelRule::Parity { bits },
            "majority" => LabelRule::Majority { bits },
            "lookup" => {
                if bits > MAX_LOOKUP_BITS {
                    return Err(DataError::invalid(
                        "label_bits",
                        bits,
                        format!(
                            "a lookup table reads at most {MAX_LOOKUP_BITS} bits \
                             (2^{MAX_LOOKUP_BITS} entries); lower label_bits"
                        ),
                    ));
                }
                let mut rng = structure_rng(seed, LOOKUP_PURPOSE);
                let table = (0..1usize << bits)
                    .map(|_| rng.random_range(0..classes))
                    .collect();
                LabelRule::Lookup {
                    bits,
                    table,
                    classes,
                }
            }
            other => {
                return Err(DataError::unknown(
                    "label rule",
                    other,
                    RULE_NAMES.iter().copied(),
                ));
            }
        }))
    }

    /// Returns the number of bits the rule reads.
    pub fn bits(&self) -> usize {
        match self {
            LabelRule::Bit => 1,
            LabelRule::Parity { bits }
            | LabelRule::Majority { bits }
            | LabelRule::Lookup { bits, .. } => *bits,
        }
    }

    /// Returns the number of classes.
    pub fn classes(&self) -> usize {
        match self {
            LabelRule::Lookup { classes, .. } => *classes,
            _ => 2,
        }
    }

    /// Returns the label of a symbol whose bit i is bit i % 64 of `words[i / 64]`.
    pub fn label(&self, words: &[u64]) -> usize {
        match self {
            LabelRule::Bit => (words[0] & 1) as usize,
            LabelRule::Parity { bits } => (count_ones(words, *bits) & 1) as usize,
            LabelRule::Majority { bits } => {
                usize::from(2 * count_ones(words, *bits) as usize > *bits)
            }
            LabelRule::Lookup { bits, table, .. } => {
                table[(words[0] & ((1u64 << bits) - 1)) as usize]
            }
        }
    }

    /// Returns the label of the pattern `z` of the rule's bits (bit i of `z` is bit i).
    pub fn label_of_pattern(&self, z: u64) -> usize {
        self.label(&[z])
    }

    /// Returns the exact distribution of the label when the bits are uniform.
    pub fn marginal(&self) -> Vec<f64> {
        match self {
            LabelRule::Bit | LabelRule::Parity { .. } => vec![0.5, 0.5],
            LabelRule::Majority { bits } => {
                let one = majority_probability(*bits);
                vec![1.0 - one, one]
            }
            LabelRule::Lookup { table, classes, .. } => {
                let mut counts = vec![0.0; *classes];
                for &class in table {
                    counts[class] += 1.0;
                }
                let total = table.len() as f64;
                counts.iter().map(|c| c / total).collect()
            }
        }
    }

    /// Describes the rule for `truth.json`.
    pub fn describe(&self) -> String {
        match self {
            LabelRule::Bit => "label = bit 0".to_string(),
            LabelRule::Parity { bits } => format!("label = parity of bits 0..{bits}"),
            LabelRule::Majority { bits } => {
                format!("label = 1 when more than half of bits 0..{bits} are 1")
            }
            LabelRule::Lookup { bits, classes, .. } => {
                format!("label = seeded random table from bits 0..{bits} to {classes} classes")
            }
        }
    }
}

/// Counts the ones among the first `bits` bits of `words`.
fn count_ones(words: &[u64], bits: usize) -> u32 {
    let full = bits / 64;
    let mut count: u32 = words[..full].iter().map(|w| w.count_ones()).sum();
    let rest = bits % 64;
    if rest > 0 {
        count += (words[full] & ((1u64 << rest) - 1)).count_ones();
    }
    count
}

/// Returns P(more than m/2 of m fair bits are 1) = Σ_{j > m/2} C(m, j) / 2^m.
fn majority_probability(bits: usize) -> f64 {
    let m = bits as f64;
    let log_terms = (bits / 2 + 1..=bits).map(|j| {
        let j = j as f64;
        ln_gamma(m + 1.0) - ln_gamma(j + 1.0) - ln_gamma(m - j + 1.0) - m * std::f64::consts::LN_2
    });
    log_sum_exp(log_terms).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majority_probability_small_cases() {
        assert!((majority_probability(1) - 0.5).abs() < 1e-12);
        // m = 2: only 11 has more ones than zeros.
        assert!((majority_probability(2) - 0.25).abs() < 1e-12);
        // m = 4: patterns with 3 or 4 ones, (4 + 1) / 16.
        assert!((majority_probability(4) - 5.0 / 16.0).abs() < 1e-12);
        // Odd m is symmetric.
        assert!((majority_probability(101) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn rules_read_the_right_bits() {
        let parity = LabelRule::new("parity", 3, 8, 2, 0).unwrap().unwrap();
        assert_eq!(parity.label_of_pattern(0b0000_0111), 1);
        assert_eq!(parity.label_of_pattern(0b1111_0011), 0);
        let majority = LabelRule::new("majority", 3, 8, 2, 0).unwrap().unwrap();
        assert_eq!(majority.label_of_pattern(0b1111_0001), 0);
        assert_eq!(majority.label_of_pattern(0b0000_0101), 1);
        let bit = LabelRule::new("bit", 1, 8, 2, 0).unwrap().unwrap();
        assert_eq!(bit.label_of_pattern(0b10), 0);
        // Parity across a word boundary.
        let long = LabelRule::Parity { bits: 70 };
        assert_eq!(long.label(&[1, 1 << 5]), 0);
        assert_eq!(long.label(&[1, 1 << 6]), 1);
    }

    #[test]
    fn lookup_marginal_matches_enumeration() {
        let rule = LabelRule::new("lookup", 6, 8, 3, 11).unwrap().unwrap();
        let mut counts = [0.0; 3];
        for z in 0..64 {
            counts[rule.label_of_pattern(z)] += 1.0 / 64.0;
        }
        assert_eq!(rule.marginal(), counts.to_vec());
    }

    #[test]
    fn too_many_label_bits_is_rejected() {
        let error = LabelRule::new("parity", 9, 8, 2, 0)
            .unwrap_err()
            .to_string();
        assert!(error.contains("use 1 to 8"), "{error}");
        let error = LabelRule::new("lookup", 21, 40, 2, 0)
            .unwrap_err()
            .to_string();
        assert!(error.contains("at most 20 bits"), "{error}");
    }
}
