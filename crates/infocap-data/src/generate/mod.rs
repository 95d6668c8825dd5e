//! Generators of data sets whose information content is known exactly.
//!
//! Each family (one module each) samples rows in parallel chunks with seeded streams (see
//! `chunks`), so the same seed gives the same values at any thread count, and returns the
//! ground truth it carries: a closed form where one exists, otherwise a Monte Carlo estimate
//! with its standard error. [`families`] lists the families and their parameters, which the
//! command line uses for `infocap gen --list` and for suggestions on typos.
//!
//! ```
//! use infocap_data::generate::{Params, generate};
//!
//! let data = generate("gaussian", &Params::new().with("rho", 0.75), 1000, 7)?;
//! let truth = data.truth.expect("generated data carry their truth");
//! assert!((truth.primary.nats - 0.4133).abs() < 1e-4);
//! # Ok::<(), infocap_data::DataError>(())
//! ```

mod additive_uniform;
pub(crate) mod chunks;
mod gaussian;
mod hidden_bits;
mod labels;
mod multimodal;
mod params;
mod patterns;
mod random_labels;
mod recipe;
mod student_t;
mod teacher;
pub mod transform;

use std::collections::BTreeMap;

use crate::closed_form::{bits_to_nats, nats_to_bits};
use crate::dataset::Dataset;
use crate::error::{DataError, Result};
use crate::truth::{Quantity, Truth};

pub use labels::LabelRule;
pub use params::{ParamDefault, ParamKind, ParamSpec, ParamValue, Params, ValidParams};
pub use recipe::Recipe;
pub use transform::Transform;

/// A generator family: its name, what it generates and its parameters.
#[derive(Debug, Clone, Copy)]
pub struct FamilySpec {
    /// Name used on the command line and in recipes, such as `hidden-bits`.
    pub name: &'static str,
    /// One line: what the family generates and the truth it carries.
    pub description: &'static str,
    /// Parameters in the order `infocap gen --list` shows them.
    pub params: &'static [ParamSpec],
    sample: fn(&mut ValidParams, usize, u64) -> Result<Generated>,
    default_n: fn(&ValidParams) -> usize,
}

impl FamilySpec {
    /// Checks `params` against this family's parameters and fills in the defaults.
    ///
    /// # Errors
    /// An unknown parameter name (with the nearest valid one) or a value out of range.
    pub fn validate(&self, params: &Params) -> Result<ValidParams> {
        params::validate(self.name, self.params, params)
    }

    /// Returns the number of rows generated when none is requested (for `patterns`, one row
    /// per pattern).
    pub fn default_n(&self, params: &ValidParams) -> usize {
        (self.default_n)(params)
    }

    /// Generates `n` rows with their truth from checked parameters.
    ///
    /// # Errors
    /// When `n` is 0 or the parameters are inconsistent (such as a covariance that is not
    /// positive definite).
    pub fn generate_valid(&self, params: &ValidParams, n: usize, seed: u64) -> Result<Dataset> {
        if n == 0 {
            return Err(DataError::invalid(
                "n",
                0,
                "a data set needs at least one row; use n >= 1",
            ));
        }
        let mut params = params.clone();
        let generated = (self.sample)(&mut params, n, seed)?;
        tracing::debug!(
            family = self.name,
            n,
            seed,
            quantity = %generated.primary.quantity,
            bits = generated.primary.bits,
            "generated data set"
        );
        let samples = generated.samples;
        let truth = Truth {
            family: self.name.to_string(),
            primary: generated.primary,
            others: generated.others,
            params: params.to_json(),
            seed,
            n,
            recipe: None,
            version: env!("CARGO_PKG_VERSION").to_string(),
            n_classes: generated.n_classes,
        };
        Ok(Dataset {
            name: self.name.to_string(),
            x: samples.x,
            y: samples.y,
            labels: samples.labels,
            n_classes: generated.n_classes,
            symbols: samples.symbols,
            truth: Some(truth),
        })
    }
}

/// Returns every generator family.
pub fn families() -> &'static [FamilySpec] {
    FAMILIES
}

static FAMILIES: &[FamilySpec] = &[
    hidden_bits::SPEC,
    gaussian::SPEC,
    additive_uniform::SPEC,
    student_t::SPEC,
    patterns::SPEC,
    random_labels::SPEC,
    teacher::SPEC,
    multimodal::SPEC,
];

/// Returns the family called `name`.
///
/// # Errors
/// [`DataError::Unknown`] with the nearest family name.
pub fn family(name: &str) -> Result<&'static FamilySpec> {
    FAMILIES
        .iter()
        .find(|family| family.name == name)
        .ok_or_else(|| DataError::unknown("family", name, FAMILIES.iter().map(|f| f.name)))
}

/// Generates `n` rows of `family` with parameters `params` from `seed`, with the truth filled
/// in. The same arguments give the same values at any thread count.
///
/// # Errors
/// An unknown family or parameter (with a suggestion), a value out of range, `n` = 0, or
/// inconsistent parameters.
pub fn generate(family_name: &str, params: &Params, n: usize, seed: u64) -> Result<Dataset> {
    let spec = family(family_name)?;
    let valid = spec.validate(params)?;
    spec.generate_valid(&valid, n, seed)
}

/// What a family's sampler returns.
pub(crate) struct Generated {
    pub samples: chunks::Samples,
    pub n_classes: Option<usize>,
    pub primary: Quantity,
    pub others: Vec<Quantity>,
}

/// Builds a quantity from a value in bits.
pub(crate) fn quantity_bits(
    quantity: &str,
    bits: f64,
    stderr_bits: f64,
    formula: impl Into<String>,
) -> Quantity {
    Quantity {
        quantity: quantity.to_string(),
        bits,
        nats: bits_to_nats(bits),
        stderr_bits,
        formula: formula.into(),
    }
}

/// Builds an exact quantity from a value in nats.
pub(crate) fn quantity_nats(quantity: &str, nats: f64, formula: impl Into<String>) -> Quantity {
    Quantity {
        quantity: quantity.to_string(),
        bits: nats_to_bits(nats),
        nats,
        stderr_bits: 0.0,
        formula: formula.into(),
    }
}

/// The `transform_x` and `transform_y` parameters shared by the continuous families.
pub(crate) const TRANSFORM_PARAMS: [ParamSpec; 2] = [
    ParamSpec {
        name: "transform_x",
        default: ParamDefault::Text("none"),
        kind: ParamKind::Choice(transform::NAMES),
        help: "invertible map applied to X after sampling; leaves I(X;Y) unchanged",
    },
    ParamSpec {
        name: "transform_y",
        default: ParamDefault::Text("none"),
        kind: ParamKind::Choice(transform::NAMES),
        help: "invertible map applied to Y after sampling; leaves I(X;Y) unchanged",
    },
];

/// Reads `transform_x` and `transform_y` and checks that each fits its variable's dimension.
pub(crate) fn transforms(
    params: &ValidParams,
    dim_x: usize,
    dim_y: usize,
) -> Result<(Transform, Transform)> {
    let x = Transform::from_name(params.text("transform_x"))?;
    let y = Transform::from_name(params.text("transform_y"))?;
    x.check_dim("transform_x", dim_x)?;
    y.check_dim("transform_y", dim_y)?;
    Ok((x, y))
}

/// Appends to `formula` the note that the transforms leave the value unchanged.
pub(crate) fn note_transforms(formula: String, x: Transform, y: Transform) -> String {
    if x == Transform::None && y == Transform::None {
        return formula;
    }
    format!(
        "{formula}; unchanged by the injective transforms X -> {}, Y -> {}",
        x.name(),
        y.name()
    )
}

/// Counts how often each value in `0..classes` occurs.
pub(crate) fn class_counts(labels: impl Iterator<Item = usize>, classes: usize) -> Vec<u64> {
    let mut counts = vec![0u64; classes];
    for label in labels {
        counts[label] += 1;
    }
    counts
}

/// Returns the parameters of every family as JSON, for `infocap gen --list --json`.
pub fn families_json() -> serde_json::Value {
    let list: Vec<serde_json::Value> = FAMILIES
        .iter()
        .map(|family| {
            let params: Vec<BTreeMap<&str, String>> = family
                .params
                .iter()
                .map(|param| {
                    BTreeMap::from([
                        ("name", param.name.to_string()),
                        ("default", param.default.to_string()),
                        ("valid", param.kind.describe()),
                        ("help", param.help.to_string()),
                    ])
                })
                .collect();
            serde_json::json!({
                "name": family.name,
                "description": family.description,
                "params": params,
            })
        })
        .collect();
    serde_json::Value::from(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_names_are_unique_and_listed() {
        let names: Vec<&str> = families().iter().map(|f| f.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert_eq!(names.len(), 8);
    }

    #[test]
    fn unknown_family_suggests_nearest() {
        let error = generate("gausian", &Params::new(), 10, 0)
            .unwrap_err()
            .to_string();
        assert!(error.contains("did you mean `gaussian`"), "{error}");
    }

    #[test]
    fn zero_rows_is_rejected() {
        let error = generate("gaussian", &Params::new(), 0, 0)
            .unwrap_err()
            .to_string();
        assert!(error.contains("use n >= 1"), "{error}");
    }

    #[test]
    fn every_family_generates_with_defaults() {
        for family in families() {
            let data = generate(family.name, &Params::new(), 300, 1)
                .unwrap_or_else(|e| panic!("{}: {e}", family.name));
            assert_eq!(data.len(), 300, "{}", family.name);
            let truth = data.truth.as_ref().unwrap();
            assert_eq!(truth.family, family.name);
            assert!(truth.primary.bits.is_finite(), "{}", family.name);
            assert!(truth.primary.bits >= 0.0, "{}", family.name);
            data.check_finite().unwrap();
            // Every parameter, derived ones included, is recorded.
            for param in family.params {
                let recorded = truth.params.contains_key(param.name);
                let derived = matches!(param.default, ParamDefault::Derived(_));
                assert!(recorded || derived, "{}: {}", family.name, param.name);
            }
        }
    }

    #[test]
    fn every_family_is_deterministic() {
        for family in families() {
            let a = generate(family.name, &Params::new(), 5000, 9).unwrap();
            let b = generate(family.name, &Params::new(), 5000, 9).unwrap();
            let c = generate(family.name, &Params::new(), 5000, 10).unwrap();
            assert_eq!(a, b, "{}", family.name);
            assert_ne!(a.x, c.x, "{}", family.name);
        }
    }

    #[test]
    fn thread_count_does_not_change_output() {
        let cases = [
            ("hidden-bits", Params::new().with("k", 6).with("noise", 0.5)),
            ("teacher", Params::new()),
            ("student-t", Params::new().with("transform_x", "spiral")),
            ("patterns", Params::new().with("bits", 10)),
        ];
        for (name, params) in cases {
            let run = |threads: usize| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                pool.install(|| generate(name, &params, 9000, 4).unwrap())
            };
            assert_eq!(run(1), run(2), "{name}");
        }
    }

    #[test]
    fn every_family_has_helpful_params() {
        for family in families() {
            assert!(!family.description.is_empty());
            for param in family.params {
                assert!(!param.help.is_empty(), "{}.{}", family.name, param.name);
            }
        }
    }
}
