//! Training and test data handed to the trainer: inputs in rows, with class labels or target
//! values.

use ndarray::Array2;

use crate::error::NnError;

/// Inputs with optional class labels and optional continuous targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    /// Inputs, one row per sample.
    pub x: Array2<f64>,
    /// Class labels in `0..n_classes`.
    pub labels: Option<Vec<usize>>,
    /// Number of classes, at least one more than the largest label.
    pub n_classes: Option<usize>,
    /// Continuous targets for regressors and stochastic models, one row per sample.
    pub targets: Option<Array2<f64>>,
}

impl Data {
    /// Creates data of inputs only (enough for an autoencoder).
    pub fn new(x: Array2<f64>) -> Self {
        Data {
            x,
            labels: None,
            n_classes: None,
            targets: None,
        }
    }

    /// Adds class labels.
    pub fn with_labels(mut self, labels: Vec<usize>, n_classes: usize) -> Self {
        self.labels = Some(labels);
        self.n_classes = Some(n_classes);
        self
    }

    /// Adds continuous targets.
    pub fn with_targets(mut self, targets: Array2<f64>) -> Self {
        self.targets = Some(targets);
        self
    }

    /// Returns the number of samples.
    pub fn len(&self) -> usize {
        self.x.nrows()
    }

    /// Returns true when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.x.nrows() == 0
    }

    /// Checks shapes, label range and that every value is finite; `name` ("train", "test")
    /// goes into messages.
    pub fn validate(&self, name: &str) -> Result<(), NnError> {
        if self.is_empty() {
            return Err(NnError::InvalidData(format!(
                "the {name} set has no samples"
            )));
        }
        let matrices = [("x", Some(&self.x)), ("target", self.targets.as_ref())];
        for (what, matrix) in matrices {
            let Some(matrix) = matrix else { continue };
            if matrix.nrows() != self.len() {
                return Err(NnError::InvalidData(format!(
                    "the {name} set has {} {what} rows for {} inputs",
                    matrix.nrows(),
                    self.len()
                )));
            }
            if let Some(((row, col), value)) = matrix.indexed_iter().find(|(_, v)| !v.is_finite()) {
                return Err(NnError::InvalidData(format!(
                    "the {name} set has {value} in {what} at row {row}, column {col}; \
                     remove or impute non-finite values first"
                )));
            }
        }
        if let Some(labels) = &self.labels {
            if labels.len() != self.len() {
                return Err(NnError::InvalidData(format!(
                    "the {name} set has {} labels for {} inputs",
                    labels.len(),
                    self.len()
                )));
            }
            let classes = self.n_classes.unwrap_or(0);
            if let Some((row, label)) = labels.iter().enumerate().find(|(_, l)| **l >= classes) {
                return Err(NnError::InvalidData(format!(
                    "the {name} set has label {label} at row {row}, outside 0..{classes}"
                )));
            }
        }
        Ok(())
    }
}
