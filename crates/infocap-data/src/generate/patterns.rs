//! `patterns`: every binary vector of {0,1}^n with a label from a seeded rule (the "12-bit
//! task" at n = 12).
//!
//! X is uniform over the 2^n patterns, so H(X) = n bits; the label is a function of X, so
//! I(X;Y) = H(Y), exact from the label balance over all patterns.
//!
//! Rows: by default N = 2^n and every pattern appears once, in seeded random order. For other
//! N the rows run through fresh seeded permutations of all patterns one after another, so each
//! pattern appears ⌊N/2^n⌋ or ⌈N/2^n⌉ times. The truth still refers to the uniform
//! distribution over all patterns, and the rows match it exactly only when 2^n divides N.

use rand::seq::SliceRandom;

use super::chunks::{self, Layout, structure_rng};
use super::labels::{LabelRule, MAX_LOOKUP_BITS};
use super::params::{ParamDefault, ParamKind, ParamSpec, ValidParams};
use super::{FamilySpec, Generated, quantity_bits};
use crate::closed_form::entropy_bits;
use crate::error::Result;

pub(crate) const SPEC: FamilySpec = FamilySpec {
    name: "patterns",
    description: "all 2^bits binary patterns with a seeded rule label (the 12-bit task); \
                  truth H(X) = bits, I(X;Y) = H(Y)",
    params: &[
        ParamSpec {
            name: "bits",
            default: ParamDefault::Int(12),
            kind: ParamKind::Int {
                min: 1,
                max: MAX_LOOKUP_BITS as i64,
            },
            help: "pattern length n; rows default to 2^n, one per pattern",
        },
        ParamSpec {
            name: "label",
            default: ParamDefault::Text("lookup"),
            kind: ParamKind::Choice(&["bit", "parity", "majority", "lookup"]),
            help: "label rule on the first label_bits bits",
        },
        ParamSpec {
            name: "label_bits",
            default: ParamDefault::Derived("bits"),
            kind: ParamKind::Int {
                min: 1,
                max: MAX_LOOKUP_BITS as i64,
            },
            help: "number of leading bits the label reads",
        },
        ParamSpec {
            name: "classes",
            default: ParamDefault::Int(2),
            kind: ParamKind::Int { min: 2, max: 1024 },
            help: "number of classes of the lookup rule",
        },
    ],
    sample,
    default_n: |params| 1 << params.usize("bits"),
};

/// Stream offset of the row permutations; cycle c uses this plus c.
const PERMUTATION_PURPOSE: u64 = 100_000;

fn sample(params: &mut ValidParams, n: usize, seed: u64) -> Result<Generated> {
    let bits = params.usize("bits");
    let rule_name = params.text("label").to_string();
    let label_bits = match rule_name.as_str() {
        "bit" => 1,
        _ => params.usize_opt("label_bits").unwrap_or(bits),
    };
    params.set_derived("label_bits", label_bits);
    let rule = LabelRule::new(&rule_name, label_bits, bits, params.usize("classes"), seed)?
        .expect("patterns always have a label rule");
    let count = 1usize << bits;
    let mut order = Vec::with_capacity(n);
    for cycle in 0..n.div_ceil(count) {
        let mut patterns: Vec<u32> = (0..count as u32).collect();
        patterns.shuffle(&mut structure_rng(seed, PERMUTATION_PURPOSE + cycle as u64));
        let take = (n - order.len()).min(count);
        order.extend_from_slice(&patterns[..take]);
    }
    let layout = Layout {
        x_dim: bits,
        y_dim: 0,
        labels: true,
        symbols: true,
    };
    let samples = chunks::fill(n, layout, seed, |_, rows| {
        let first = rows.first_row;
        let (mut x, labels, symbols) = (rows.x, rows.labels, rows.symbols);
        for (r, mut row) in x.rows_mut().into_iter().enumerate() {
            let pattern = u64::from(order[first + r]);
            for (i, value) in row.iter_mut().enumerate() {
                *value = ((pattern >> i) & 1) as f64;
            }
            symbols[r] = pattern;
            labels[r] = rule.label_of_pattern(pattern);
        }
    })?;
    let label_entropy = entropy_bits(&rule.marginal());
    let coverage = if n.is_multiple_of(count) {
        format!("each pattern appears {} times", n / count)
    } else {
        format!(
            "over all 2^{bits} patterns; the {n} rows hold each {} or {} times",
            n / count,
            n.div_ceil(count)
        )
    };
    Ok(Generated {
        samples,
        n_classes: Some(rule.classes()),
        primary: quantity_bits(
            "I(X;Y)",
            label_entropy,
            0.0,
            format!("I(X;Y) = H(Y), {}; {coverage}", rule.describe()),
        ),
        others: vec![quantity_bits(
            "H(X)",
            bits as f64,
            0.0,
            format!("uniform over 2^{bits} patterns"),
        )],
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::super::{Params, generate};
    use crate::closed_form::entropy_bits;

    #[test]
    fn default_task_holds_every_pattern_once() {
        let spec = super::super::family("patterns").unwrap();
        let valid = spec.validate(&Params::new()).unwrap();
        let n = spec.default_n(&valid);
        assert_eq!(n, 4096);
        let data = spec.generate_valid(&valid, n, 3).unwrap();
        let symbols: HashSet<u64> = data.symbols.as_ref().unwrap().iter().copied().collect();
        assert_eq!(symbols.len(), 4096);
        assert_eq!(data.x.ncols(), 12);
        // X rows are the bits of the symbol.
        for (row, &symbol) in data
            .x
            .rows()
            .into_iter()
            .zip(data.symbols.as_ref().unwrap())
        {
            let value: u64 = row.iter().enumerate().map(|(i, &b)| (b as u64) << i).sum();
            assert_eq!(value, symbol);
        }
        // The truth is the plug-in entropy of the labels of all patterns.
        let labels = data.labels.unwrap();
        let ones = labels.iter().filter(|&&l| l == 1).count() as f64 / 4096.0;
        let truth = data.truth.unwrap();
        assert!((truth.primary.bits - entropy_bits(&[ones, 1.0 - ones])).abs() < 1e-12);
        assert_eq!(truth.others[0].bits, 12.0);
    }

    #[test]
    fn more_rows_than_patterns_cycle_evenly() {
        let data = generate("patterns", &Params::new().with("bits", 3), 20, 1).unwrap();
        let mut counts = [0; 8];
        for &s in data.symbols.as_ref().unwrap() {
            counts[s as usize] += 1;
        }
        assert!(counts.iter().all(|&c| c == 2 || c == 3), "{counts:?}");
        assert!(data.truth.unwrap().primary.formula.contains("2 or 3 times"));
    }

    #[test]
    fn parity_of_all_bits_has_one_bit() {
        let params = Params::new().with("bits", 5).with("label", "parity");
        let data = generate("patterns", &params, 32, 1).unwrap();
        assert_eq!(data.truth.unwrap().primary.bits, 1.0);
    }
}
