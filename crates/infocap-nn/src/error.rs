//! The error type of the trainer.
//!
//! Messages reach the user unchanged through the command line, so each names the value, the
//! reason and a fix.

/// An invalid configuration or data set, found before any training step runs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NnError {
    /// A parameter outside its valid range; `reason` says what is valid.
    #[error("invalid value {value} for `{name}`: {reason}")]
    InvalidParameter {
        name: String,
        value: String,
        reason: String,
    },

    /// A name (activation, noise, optimizer, ...) that does not exist.
    #[error("unknown {kind} `{name}`{hint}")]
    Unknown {
        kind: &'static str,
        name: String,
        hint: String,
    },

    /// Data that does not fit the model or cannot be trained on (NaN, wrong width, no labels).
    #[error("invalid data: {0}")]
    InvalidData(String),

    /// Weights that do not match the model they are loaded into.
    #[error("invalid weights: {0}")]
    InvalidWeights(String),
}

impl NnError {
    /// Builds an [`NnError::InvalidParameter`] from anything printable.
    pub fn invalid(name: &str, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        NnError::InvalidParameter {
            name: name.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    /// Builds an [`NnError::Unknown`] that suggests the closest of `candidates`.
    pub fn unknown(kind: &'static str, name: &str, candidates: &[&str]) -> Self {
        let hint = match closest_name(name, candidates) {
            Some(best) => format!("; did you mean `{best}`? Valid: {}", candidates.join(", ")),
            None => format!("; valid: {}", candidates.join(", ")),
        };
        NnError::Unknown {
            kind,
            name: name.to_string(),
            hint,
        }
    }
}

/// Returns the candidate closest to `name` by edit distance, when it is close enough to be a
/// plausible typo (at most a third of the longer name's characters differ).
pub fn closest_name<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|&c| (strsim::damerau_levenshtein(&name.to_lowercase(), c), c))
        .filter(|&(d, c)| d * 3 <= name.chars().count().max(c.chars().count()))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_suggests_nearest_name() {
        assert_eq!(
            closest_name("dropuot", &["dropout", "gauss"]),
            Some("dropout")
        );
        assert_eq!(closest_name("xyz", &["dropout", "gauss"]), None);
    }

    #[test]
    fn unknown_error_lists_names() {
        let message = NnError::unknown("noise", "gaus", &["gauss", "uniform"]).to_string();
        assert!(message.contains("did you mean `gauss`"), "{message}");
    }
}
