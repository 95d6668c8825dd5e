//! Generator parameters: raw values from a recipe, the command line or code, and their
//! validation against a family's parameter specs.
//!
//! [`Params`] contains whatever the user wrote. [`FamilySpec::validate`](super::FamilySpec)
//! checks it once against the family's [`ParamSpec`]s and returns [`ValidParams`], with every
//! default filled in, which the generators read without further checks.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::{DataError, Result, closest_name};

/// One parameter value as written by the user.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Int(i64),
    Float(f64),
    Text(String),
    /// A matrix given row by row, such as an explicit covariance.
    Matrix(Vec<Vec<f64>>),
}

impl ParamValue {
    /// Parses a command-line value: an integer, a number, a TOML matrix `[[1, 0.5], [0.5, 1]]`,
    /// or else text.
    pub fn parse(text: &str) -> ParamValue {
        let text = text.trim();
        if let Ok(value) = text.parse::<i64>() {
            return ParamValue::Int(value);
        }
        if let Ok(value) = text.parse::<f64>() {
            return ParamValue::Float(value);
        }
        if text.starts_with('[')
            && let Ok(table) = toml::from_str::<toml::Table>(&format!("value = {text}"))
            && let Some(value) = table.get("value")
            && let Ok(ParamValue::Matrix(rows)) = ParamValue::from_toml("value", value)
        {
            return ParamValue::Matrix(rows);
        }
        ParamValue::Text(text.trim_matches('"').to_string())
    }

    /// Converts a TOML value from a recipe.
    ///
    /// # Errors
    /// For tables, booleans, dates and arrays that are not a list of equally long number rows.
    pub fn from_toml(name: &str, value: &toml::Value) -> Result<ParamValue> {
        let number = |value: &toml::Value| match value {
            toml::Value::Integer(i) => Some(*i as f64),
            toml::Value::Float(f) => Some(*f),
            _ => None,
        };
        match value {
            toml::Value::Integer(i) => Ok(ParamValue::Int(*i)),
            toml::Value::Float(f) => Ok(ParamValue::Float(*f)),
            toml::Value::String(s) => Ok(ParamValue::Text(s.clone())),
            toml::Value::Array(rows) => {
                let parsed: Option<Vec<Vec<f64>>> = rows
                    .iter()
                    .map(|row| row.as_array()?.iter().map(number).collect())
                    .collect();
                match parsed {
                    Some(rows) if !rows.is_empty() => Ok(ParamValue::Matrix(rows)),
                    _ => Err(DataError::invalid(
                        name,
                        value,
                        "expected a matrix written as a list of number rows, \
                         such as [[1.0, 0.5], [0.5, 1.0]]",
                    )),
                }
            }
            other => Err(DataError::invalid(
                name,
                other,
                "expected a number, a text value or a matrix",
            )),
        }
    }

    /// Returns the value as JSON, for the `params` of `truth.json`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            ParamValue::Int(i) => serde_json::Value::from(*i),
            ParamValue::Float(f) => serde_json::Value::from(*f),
            ParamValue::Text(s) => serde_json::Value::from(s.clone()),
            ParamValue::Matrix(rows) => serde_json::Value::from(rows.clone()),
        }
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Int(i) => write!(f, "{i}"),
            ParamValue::Float(x) => write!(f, "{x}"),
            ParamValue::Text(s) => write!(f, "{s}"),
            ParamValue::Matrix(rows) => {
                let rows: Vec<String> = rows
                    .iter()
                    .map(|row| {
                        let cells: Vec<String> = row.iter().map(|v| v.to_string()).collect();
                        format!("[{}]", cells.join(", "))
                    })
                    .collect();
                write!(f, "[{}]", rows.join(", "))
            }
        }
    }
}

impl From<f64> for ParamValue {
    fn from(value: f64) -> Self {
        ParamValue::Float(value)
    }
}

impl From<i64> for ParamValue {
    fn from(value: i64) -> Self {
        ParamValue::Int(value)
    }
}

impl From<i32> for ParamValue {
    fn from(value: i32) -> Self {
        ParamValue::Int(i64::from(value))
    }
}

impl From<usize> for ParamValue {
    fn from(value: usize) -> Self {
        ParamValue::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<&str> for ParamValue {
    fn from(value: &str) -> Self {
        ParamValue::Text(value.to_string())
    }
}

impl From<String> for ParamValue {
    fn from(value: String) -> Self {
        ParamValue::Text(value)
    }
}

impl From<Vec<Vec<f64>>> for ParamValue {
    fn from(value: Vec<Vec<f64>>) -> Self {
        ParamValue::Matrix(value)
    }
}

/// Parameter values by name, not yet checked against a family.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    values: BTreeMap<String, ParamValue>,
}

impl Params {
    /// Creates an empty set; every parameter takes its default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` and returns the set, for chained construction.
    pub fn with(mut self, name: &str, value: impl Into<ParamValue>) -> Self {
        self.set(name, value);
        self
    }

    /// Sets `name`, replacing an earlier value.
    pub fn set(&mut self, name: &str, value: impl Into<ParamValue>) {
        self.values.insert(name.to_string(), value.into());
    }

    /// Returns the value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.values.get(name)
    }

    /// Iterates over `(name, value)` pairs in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ParamValue)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Returns true when no parameter is set.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Sets every value of `other`, replacing values of the same name.
    pub fn extend(&mut self, other: &Params) {
        for (name, value) in other.iter() {
            self.set(name, value.clone());
        }
    }

    /// Parses a `name=value` assignment from the command line and sets it.
    ///
    /// # Errors
    /// When there is no `=` or the name is empty.
    pub fn set_assignment(&mut self, assignment: &str) -> Result<()> {
        let Some((name, value)) = assignment.split_once('=') else {
            return Err(DataError::invalid(
                "--set",
                assignment,
                "expected NAME=VALUE, such as --set rho=0.75",
            ));
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(DataError::invalid(
                "--set",
                assignment,
                "the parameter name before `=` is empty; write NAME=VALUE",
            ));
        }
        self.set(name, ParamValue::parse(value));
        Ok(())
    }

    /// Reads the values of a recipe's `[params]` table.
    pub fn from_toml_table(table: &toml::Table) -> Result<Params> {
        let mut params = Params::new();
        for (name, value) in table {
            params.set(name, ParamValue::from_toml(name, value)?);
        }
        Ok(params)
    }
}

/// The type and valid range of a parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamKind {
    /// An integer in `min..=max`.
    Int { min: i64, max: i64 },
    /// A number between `min` and `max`; an open bound excludes its end.
    Float {
        min: f64,
        max: f64,
        min_open: bool,
        max_open: bool,
    },
    /// One of the listed names.
    Choice(&'static [&'static str]),
    /// A matrix of numbers.
    Matrix,
}

impl ParamKind {
    /// A number >= 0, such as a noise level.
    pub const NON_NEGATIVE: ParamKind = ParamKind::Float {
        min: 0.0,
        max: f64::INFINITY,
        min_open: false,
        max_open: true,
    };

    /// A number > 0, such as a width.
    pub const POSITIVE: ParamKind = ParamKind::Float {
        min: 0.0,
        max: f64::INFINITY,
        min_open: true,
        max_open: true,
    };

    /// Describes the valid values, for help and error messages.
    pub fn describe(&self) -> String {
        match *self {
            ParamKind::Int { min, max } if max == i64::MAX => format!("an integer >= {min}"),
            ParamKind::Int { min, max } => format!("an integer from {min} to {max}"),
            ParamKind::Float {
                min,
                max,
                min_open,
                max_open,
            } => match (min.is_finite(), max.is_finite()) {
                (true, true) => format!(
                    "a number in {}{min}, {max}{}",
                    if min_open { "(" } else { "[" },
                    if max_open { ")" } else { "]" }
                ),
                (true, false) => format!("a number {} {min}", if min_open { ">" } else { ">=" }),
                (false, true) => format!("a number {} {max}", if max_open { "<" } else { "<=" }),
                (false, false) => "a finite number".to_string(),
            },
            ParamKind::Choice(names) => format!("one of {}", names.join(", ")),
            ParamKind::Matrix => "a matrix such as [[1.0, 0.5], [0.5, 1.0]]".to_string(),
        }
    }

    /// Checks `value` and converts it to the canonical type (integers for `Int`, floats for
    /// `Float`).
    fn check(&self, name: &str, value: &ParamValue) -> Result<ParamValue> {
        let invalid = || DataError::invalid(name, value, format!("expected {}", self.describe()));
        match (*self, value) {
            (ParamKind::Int { min, max }, ParamValue::Int(i)) => {
                if (min..=max).contains(i) {
                    Ok(ParamValue::Int(*i))
                } else {
                    Err(invalid())
                }
            }
            (ParamKind::Int { .. }, ParamValue::Float(f))
                if f.fract() == 0.0 && f.abs() < 9.0e15 =>
            {
                self.check(name, &ParamValue::Int(*f as i64))
            }
            (
                ParamKind::Float {
                    min,
                    max,
                    min_open,
                    max_open,
                },
                ParamValue::Int(_) | ParamValue::Float(_),
            ) => {
                let x = match value {
                    ParamValue::Int(i) => *i as f64,
                    ParamValue::Float(f) => *f,
                    _ => unreachable!("matched numbers only"),
                };
                let above_min = if min_open { x > min } else { x >= min };
                let below_max = if max_open { x < max } else { x <= max };
                if x.is_finite() && above_min && below_max {
                    Ok(ParamValue::Float(x))
                } else {
                    Err(invalid())
                }
            }
            (ParamKind::Choice(names), ParamValue::Text(text)) => {
                if names.contains(&text.as_str()) {
                    Ok(value.clone())
                } else {
                    let hint = closest_name(text, names.iter().copied())
                        .map(|best| format!("; did you mean `{best}`?"))
                        .unwrap_or_default();
                    Err(DataError::invalid(
                        name,
                        text,
                        format!("expected {}{hint}", self.describe()),
                    ))
                }
            }
            (ParamKind::Matrix, ParamValue::Matrix(rows)) => {
                let width = rows.first().map_or(0, Vec::len);
                if width == 0 || rows.iter().any(|row| row.len() != width) {
                    return Err(DataError::invalid(
                        name,
                        value,
                        "every row of the matrix must have the same, nonzero length",
                    ));
                }
                if rows.iter().flatten().any(|v| !v.is_finite()) {
                    return Err(DataError::invalid(name, value, "entries must be finite"));
                }
                Ok(value.clone())
            }
            _ => Err(invalid()),
        }
    }
}

/// The default of a parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamDefault {
    Int(i64),
    Float(f64),
    Text(&'static str),
    /// Computed by the generator from other parameters, as the text describes (such as "k").
    Derived(&'static str),
}

impl fmt::Display for ParamDefault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamDefault::Int(i) => write!(f, "{i}"),
            ParamDefault::Float(x) => write!(f, "{x}"),
            ParamDefault::Text(s) => write!(f, "{s}"),
            ParamDefault::Derived(rule) => write!(f, "{rule}"),
        }
    }
}

/// A parameter of a generator family.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    pub name: &'static str,
    pub default: ParamDefault,
    pub kind: ParamKind,
    /// One line: what the parameter sets, with units.
    pub help: &'static str,
}

/// Checks `params` against `specs`: every name must be known and every value in range.
pub(crate) fn validate(
    family: &'static str,
    specs: &'static [ParamSpec],
    params: &Params,
) -> Result<ValidParams> {
    let names = || specs.iter().map(|spec| spec.name);
    let mut values = BTreeMap::new();
    for (name, value) in params.iter() {
        let Some(spec) = specs.iter().find(|spec| spec.name == name) else {
            return Err(DataError::unknown("parameter", name, names()));
        };
        values.insert(name.to_string(), spec.kind.check(name, value)?);
    }
    for spec in specs {
        if values.contains_key(spec.name) {
            continue;
        }
        let default = match spec.default {
            ParamDefault::Int(i) => ParamValue::Int(i),
            ParamDefault::Float(x) => ParamValue::Float(x),
            ParamDefault::Text(s) => ParamValue::Text(s.to_string()),
            ParamDefault::Derived(_) => continue,
        };
        values.insert(spec.name.to_string(), default);
    }
    Ok(ValidParams { family, values })
}

/// Parameters checked against a family, with defaults filled in.
///
/// Accessors panic on a name the family does not declare, which is a programming error in the
/// generator, not a user error.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidParams {
    family: &'static str,
    values: BTreeMap<String, ParamValue>,
}

impl ValidParams {
    /// Returns the family these parameters were checked against.
    pub fn family(&self) -> &'static str {
        self.family
    }

    /// Returns the value of `name`, or `None` for an unset derived parameter.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.values.get(name)
    }

    /// Returns an integer parameter, or `None` when it is derived and was not given.
    pub fn usize_opt(&self, name: &str) -> Option<usize> {
        match self.values.get(name)? {
            ParamValue::Int(i) => Some(usize::try_from(*i).unwrap_or(0)),
            other => panic!("parameter `{name}` is {other:?}, not an integer"),
        }
    }

    /// Returns an integer parameter that has a default.
    pub fn usize(&self, name: &str) -> usize {
        self.usize_opt(name)
            .unwrap_or_else(|| panic!("parameter `{name}` has no value"))
    }

    /// Returns a number parameter.
    pub fn f64(&self, name: &str) -> f64 {
        match self.values.get(name) {
            Some(ParamValue::Float(x)) => *x,
            Some(ParamValue::Int(i)) => *i as f64,
            other => panic!("parameter `{name}` is {other:?}, not a number"),
        }
    }

    /// Returns a choice parameter.
    pub fn text(&self, name: &str) -> &str {
        match self.values.get(name) {
            Some(ParamValue::Text(s)) => s,
            other => panic!("parameter `{name}` is {other:?}, not text"),
        }
    }

    /// Returns a matrix parameter, if given.
    pub fn matrix(&self, name: &str) -> Option<&Vec<Vec<f64>>> {
        match self.values.get(name)? {
            ParamValue::Matrix(rows) => Some(rows),
            other => panic!("parameter `{name}` is {other:?}, not a matrix"),
        }
    }

    /// Records the value the generator chose for a derived parameter, so that `truth.json`
    /// lists it.
    pub fn set_derived(&mut self, name: &str, value: impl Into<ParamValue>) {
        self.values.insert(name.to_string(), value.into());
    }

    /// Returns every value as JSON, for `truth.json`.
    pub fn to_json(&self) -> BTreeMap<String, serde_json::Value> {
        self.values
            .iter()
            .map(|(name, value)| (name.clone(), value.to_json()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[
        ParamSpec {
            name: "rho",
            default: ParamDefault::Float(0.75),
            kind: ParamKind::Float {
                min: -1.0,
                max: 1.0,
                min_open: true,
                max_open: true,
            },
            help: "correlation",
        },
        ParamSpec {
            name: "k",
            default: ParamDefault::Int(8),
            kind: ParamKind::Int { min: 1, max: 100 },
            help: "bits",
        },
        ParamSpec {
            name: "d",
            default: ParamDefault::Derived("k"),
            kind: ParamKind::Int { min: 1, max: 100 },
            help: "dimension",
        },
        ParamSpec {
            name: "label",
            default: ParamDefault::Text("parity"),
            kind: ParamKind::Choice(&["none", "parity", "majority"]),
            help: "rule",
        },
    ];

    #[test]
    fn defaults_fill_missing_values() {
        let valid = validate("t", SPECS, &Params::new()).unwrap();
        assert_eq!(valid.f64("rho"), 0.75);
        assert_eq!(valid.usize("k"), 8);
        assert_eq!(valid.usize_opt("d"), None);
        assert_eq!(valid.text("label"), "parity");
    }

    #[test]
    fn integer_given_as_float_is_accepted() {
        let valid = validate("t", SPECS, &Params::new().with("k", 4.0)).unwrap();
        assert_eq!(valid.usize("k"), 4);
        let error = validate("t", SPECS, &Params::new().with("k", 4.5)).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("expected an integer from 1 to 100"),
            "{error}"
        );
    }

    #[test]
    fn out_of_range_names_value_and_range() {
        let error = validate("t", SPECS, &Params::new().with("rho", 1.0))
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "invalid value 1 for `rho`: expected a number in (-1, 1)"
        );
        let error = validate("t", SPECS, &Params::new().with("k", 0))
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "invalid value 0 for `k`: expected an integer from 1 to 100"
        );
    }

    #[test]
    fn unknown_parameter_suggests_nearest() {
        let error = validate("t", SPECS, &Params::new().with("roh", 0.5))
            .unwrap_err()
            .to_string();
        assert!(error.contains("did you mean `rho`?"), "{error}");
    }

    #[test]
    fn unknown_choice_suggests_nearest() {
        let error = validate("t", SPECS, &Params::new().with("label", "parrity"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("did you mean `parity`?"), "{error}");
    }

    #[test]
    fn command_line_values_parse_by_shape() {
        assert_eq!(ParamValue::parse("3"), ParamValue::Int(3));
        assert_eq!(ParamValue::parse("-0.5"), ParamValue::Float(-0.5));
        assert_eq!(
            ParamValue::parse("parity"),
            ParamValue::Text("parity".into())
        );
        assert_eq!(
            ParamValue::parse("[[1, 0.5], [0.5, 1]]"),
            ParamValue::Matrix(vec![vec![1.0, 0.5], vec![0.5, 1.0]])
        );
    }

    #[test]
    fn assignment_needs_equals_sign() {
        let mut params = Params::new();
        params.set_assignment("rho = 0.5").unwrap();
        assert_eq!(params.get("rho"), Some(&ParamValue::Float(0.5)));
        let error = params.set_assignment("rho").unwrap_err().to_string();
        assert!(error.contains("expected NAME=VALUE"), "{error}");
    }

    #[test]
    fn toml_table_converts() {
        let table: toml::Table =
            toml::from_str("rho = 0.5\nk = 3\ncov = [[1, 0], [0, 1]]").expect("valid TOML");
        let params = Params::from_toml_table(&table).unwrap();
        assert_eq!(params.get("k"), Some(&ParamValue::Int(3)));
        assert_eq!(
            params.get("cov"),
            Some(&ParamValue::Matrix(vec![vec![1.0, 0.0], vec![0.0, 1.0]]))
        );
        let bad: toml::Table = toml::from_str("flag = true").expect("valid TOML");
        assert!(Params::from_toml_table(&bad).is_err());
    }
}
