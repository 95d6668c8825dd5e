//! Recipes: TOML files that name a family, its parameters, the row count, the seed and where
//! to write, so that a data set can be regenerated exactly.
//!
//! ```toml
//! family = "gaussian"
//! n = 10000
//! seed = 7
//! out = "data/gaussian"   # optional
//! format = "parquet"      # optional: parquet, npy or csv
//!
//! [params]
//! rho = 0.75
//! ```

use std::path::{Path, PathBuf};

use super::Params;
use crate::error::{DataError, Result};
use crate::files::Format;

/// Top-level keys a recipe may contain.
const KEYS: &[&str] = &["family", "n", "seed", "out", "format", "params"];

/// A parsed recipe. Command-line flags override its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipe {
    /// The family, or `None` when the command line names it.
    pub family: Option<String>,
    pub n: Option<usize>,
    pub seed: Option<u64>,
    pub out: Option<PathBuf>,
    pub format: Option<Format>,
    pub params: Params,
    /// The TOML text the recipe was read from.
    pub text: String,
}

impl Recipe {
    /// Reads a recipe file. Errors about a key name its line.
    pub fn from_path(path: &Path) -> Result<Recipe> {
        let text =
            std::fs::read_to_string(path).map_err(|e| DataError::io("cannot read", path, e))?;
        Self::from_toml_str(&text).map_err(|error| match error {
            DataError::Format { message, .. } => DataError::format(path, message),
            other => {
                let location = other
                    .key()
                    .map(|key| crate::error::key_location(&text, key))
                    .unwrap_or_default();
                DataError::format(path, format!("{location}{other}"))
            }
        })
    }

    /// Returns `line N, in [section]: ` for the line of the recipe that sets `key`, or an empty
    /// string when the recipe does not set it.
    pub fn key_location(&self, key: &str) -> String {
        crate::error::key_location(&self.text, key)
    }

    /// Parses recipe text; errors name the offending key.
    pub fn from_toml_str(text: &str) -> Result<Recipe> {
        let table: toml::Table = toml::from_str(text)
            .map_err(|e| DataError::format("recipe", format!("invalid TOML: {e}")))?;
        for key in table.keys() {
            if !KEYS.contains(&key.as_str()) {
                return Err(DataError::unknown("recipe key", key, KEYS.iter().copied()));
            }
        }
        let family = match table.get("family") {
            Some(toml::Value::String(name)) => Some(name.clone()),
            Some(other) => {
                return Err(DataError::invalid(
                    "family",
                    other,
                    "expected a family name in quotes",
                ));
            }
            None => None,
        };
        let count = |key: &str| -> Result<Option<u64>> {
            match table.get(key) {
                None => Ok(None),
                Some(toml::Value::Integer(i)) if *i >= 0 => Ok(Some(*i as u64)),
                Some(other) => Err(DataError::invalid(
                    key,
                    other,
                    "expected a non-negative integer",
                )),
            }
        };
        let text_value = |key: &str| -> Result<Option<String>> {
            match table.get(key) {
                None => Ok(None),
                Some(toml::Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(DataError::invalid(key, other, "expected text in quotes")),
            }
        };
        let params = match table.get("params") {
            None => Params::new(),
            Some(toml::Value::Table(params)) => Params::from_toml_table(params)?,
            Some(other) => {
                return Err(DataError::invalid(
                    "params",
                    other,
                    "expected a [params] table",
                ));
            }
        };
        Ok(Recipe {
            family,
            n: count("n")?.map(|n| n as usize),
            seed: count("seed")?,
            out: text_value("out")?.map(PathBuf::from),
            format: text_value("format")?
                .map(|name| Format::from_name(&name))
                .transpose()?,
            params,
            text: text.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::ParamValue;

    #[test]
    fn full_recipe_parses() {
        let recipe = Recipe::from_toml_str(
            "family = \"gaussian\"\nn = 100\nseed = 3\nout = \"g\"\nformat = \"npy\"\n\
             [params]\nrho = 0.5\n",
        )
        .unwrap();
        assert_eq!(recipe.family.as_deref(), Some("gaussian"));
        assert_eq!(recipe.n, Some(100));
        assert_eq!(recipe.seed, Some(3));
        assert_eq!(recipe.out, Some(PathBuf::from("g")));
        assert_eq!(recipe.format, Some(Format::Npy));
        assert_eq!(recipe.params.get("rho"), Some(&ParamValue::Float(0.5)));
    }

    #[test]
    fn unknown_key_suggests_nearest() {
        let error = Recipe::from_toml_str("family = \"gaussian\"\nsed = 3\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("did you mean `seed`"), "{error}");
    }

    #[test]
    fn family_may_be_left_out() {
        let recipe = Recipe::from_toml_str("n = 3\n").unwrap();
        assert_eq!(recipe.family, None);
        assert_eq!(recipe.n, Some(3));
    }

    #[test]
    fn file_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.toml");
        std::fs::write(&path, "family = \"gaussian\"\n\nnn = 5\n").unwrap();
        let error = Recipe::from_path(&path).unwrap_err().to_string();
        assert!(
            error.contains("r.toml: line 3: unknown recipe key `nn`"),
            "{error}"
        );
    }

    #[test]
    fn negative_count_is_rejected() {
        let error = Recipe::from_toml_str("family = \"gaussian\"\nn = -5\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("invalid value -5 for `n`"), "{error}");
    }
}
