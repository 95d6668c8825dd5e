//! The error type of the data crate.
//!
//! Every variant names the offending value and says how to fix it, because these messages reach
//! the user unchanged through the command line.

use std::path::PathBuf;

/// An error from generating, reading or writing a data set or table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// A parameter is outside its valid range; `reason` says what is valid.
    #[error("invalid value {value} for `{name}`: {reason}")]
    InvalidParameter {
        name: String,
        value: String,
        reason: String,
    },

    /// A parameter, family or column name that does not exist.
    #[error("unknown {kind} `{name}`{hint}")]
    Unknown {
        kind: &'static str,
        name: String,
        hint: String,
    },

    /// A column that a reader expected is not in the file.
    #[error("column `{name}` not found in {path}; available columns: {available}")]
    MissingColumn {
        name: String,
        path: PathBuf,
        available: String,
    },

    /// A file that does not follow its format.
    #[error("cannot read {path}: {message}")]
    Format { path: PathBuf, message: String },

    /// Data that can be read but cannot be used (NaN, constant column, empty table, ...).
    #[error("invalid data: {0}")]
    InvalidData(String),

    /// An output folder or file that already exists.
    #[error("{path} already exists; choose another output path or pass --force to replace it")]
    OutputExists { path: PathBuf },

    /// An existing path that even a forced write does not replace, because infocap did not
    /// write it.
    #[error(
        "{path} is {what}, not an output folder written by infocap, so --force does not \
         replace it; remove it yourself or choose another output path"
    )]
    NotReplaceable { path: PathBuf, what: &'static str },

    /// A matrix factorization that failed, such as a covariance that is not positive definite.
    #[error(transparent)]
    Linalg(#[from] crate::linalg::LinalgError),

    /// An operating-system error on a path. The message already contains the system error, so
    /// it is not also exposed as the error's source, which would print it twice in a chain.
    #[error("{action} {path}: {error}")]
    Io {
        action: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },
}

impl DataError {
    /// Builds an [`DataError::InvalidParameter`] from anything printable.
    pub fn invalid(name: &str, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        DataError::InvalidParameter {
            name: name.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    /// Builds an [`DataError::Unknown`] error that suggests the closest of `candidates`.
    pub fn unknown<'a>(
        kind: &'static str,
        name: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let candidates: Vec<&str> = candidates.into_iter().collect();
        let hint = match closest_name(name, candidates.iter().copied()) {
            Some(best) => format!("; did you mean `{best}`? Valid: {}", candidates.join(", ")),
            None => format!("; valid: {}", candidates.join(", ")),
        };
        DataError::Unknown {
            kind,
            name: name.to_string(),
            hint,
        }
    }

    /// Wraps an I/O error with the action that failed and its path.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, error: std::io::Error) -> Self {
        DataError::Io {
            action,
            path: path.into(),
            error,
        }
    }

    /// Returns the parameter or key this error is about, if it is about one.
    pub fn key(&self) -> Option<&str> {
        match self {
            DataError::InvalidParameter { name, .. } | DataError::Unknown { name, .. } => {
                Some(name)
            }
            _ => None,
        }
    }

    /// Builds a [`DataError::Format`] error for `path`.
    pub fn format(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        DataError::Format {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Returns the candidate closest to `name`, if any is close enough to be a plausible typo:
/// Jaro-Winkler similarity at least 0.7, or one edit (insertion, deletion, substitution or
/// swap of neighbours) away for names of two or more characters. Jaro-Winkler alone misses
/// swaps in short names (`roh` for `rho`).
pub fn closest_name<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| {
            let edits = strsim::damerau_levenshtein(name, candidate);
            let similarity = strsim::jaro_winkler(name, candidate);
            (edits, similarity, candidate)
        })
        .filter(|(edits, similarity, _)| {
            *similarity >= 0.7 || (*edits <= 1 && name.chars().count() >= 2)
        })
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
        .map(|(_, _, candidate)| candidate)
}

/// Result with [`DataError`].
pub type Result<T, E = DataError> = std::result::Result<T, E>;

/// Returns `line N, in [section]: ` for the first place `key` is set in the TOML `text`, or
/// nothing, as a prefix for an error message about that key.
pub fn key_location(text: &str, key: &str) -> String {
    match locate_key(text, key) {
        Some((line, Some(section))) => format!("line {line}, in [{section}]: "),
        Some((line, None)) => format!("line {line}: "),
        None => String::new(),
    }
}

/// Returns the 1-based line of the first `key = ...` or `[key]` in the TOML `text` and the table
/// it sits in.
pub fn locate_key(text: &str, key: &str) -> Option<(usize, Option<String>)> {
    let mut section: Option<String> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            let name = name.trim().to_string();
            if name == key || name.ends_with(&format!(".{key}")) {
                return Some((index + 1, None));
            }
            section = Some(name);
            continue;
        }
        let name = trimmed
            .split('=')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        if trimmed.contains('=') && name == key {
            return Some((index + 1, section));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_key_finds_line_and_section() {
        let text = "family = \"gaussian\"\n\n[params]\nrho = 0.5\n";
        assert_eq!(locate_key(text, "family"), Some((1, None)));
        assert_eq!(
            locate_key(text, "rho"),
            Some((4, Some("params".to_string())))
        );
        assert_eq!(locate_key(text, "params"), Some((3, None)));
        assert_eq!(locate_key(text, "seed"), None);
        assert_eq!(key_location(text, "rho"), "line 4, in [params]: ");
    }

    #[test]
    fn closest_name_finds_typo() {
        let names = ["hidden-bits", "gaussian", "student-t"];
        assert_eq!(closest_name("gausian", names), Some("gaussian"));
        assert_eq!(closest_name("hiden-bits", names), Some("hidden-bits"));
    }

    #[test]
    fn closest_name_finds_swapped_letters_in_short_names() {
        assert_eq!(closest_name("roh", ["rho", "k", "d"]), Some("rho"));
        assert_eq!(closest_name("nu", ["n", "nu"]), Some("nu"));
    }

    #[test]
    fn closest_name_rejects_unrelated() {
        assert_eq!(closest_name("zzzz", ["hidden-bits", "gaussian"]), None);
    }

    #[test]
    fn unknown_message_suggests_and_lists() {
        let message = DataError::unknown("family", "gausian", ["gaussian", "patterns"]).to_string();
        assert_eq!(
            message,
            "unknown family `gausian`; did you mean `gaussian`? Valid: gaussian, patterns"
        );
    }
}
