//! The in-memory data set shared by the generator, the trainer front end and the estimators.

use ndarray::{Array2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::error::{DataError, Result};
use crate::truth::Truth;

/// Samples in rows: inputs `x`, optional continuous targets `y`, optional class labels and the
/// hidden symbol each row was generated from.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Short name for messages and file metadata, such as `digits` or `hidden-bits`.
    pub name: String,
    /// Inputs, one row per sample.
    pub x: Array2<f64>,
    /// Continuous second variable or regression target, one row per sample.
    pub y: Option<Array2<f64>>,
    /// Class labels in `0..n_classes`.
    pub labels: Option<Vec<usize>>,
    /// Number of classes; at least one more than the largest label.
    pub n_classes: Option<usize>,
    /// Index of the hidden symbol that generated each row (hidden-bits, patterns).
    pub symbols: Option<Vec<u64>>,
    /// Exact information content, for generated data.
    pub truth: Option<Truth>,
}

impl Dataset {
    /// Creates a data set of inputs only.
    pub fn new(name: impl Into<String>, x: Array2<f64>) -> Self {
        Dataset {
            name: name.into(),
            x,
            y: None,
            labels: None,
            n_classes: None,
            symbols: None,
            truth: None,
        }
    }

    /// Adds class labels; the class count is one more than the largest label unless given.
    pub fn with_labels(mut self, labels: Vec<usize>, n_classes: Option<usize>) -> Result<Self> {
        if labels.len() != self.x.nrows() {
            return Err(DataError::InvalidData(format!(
                "{} labels for {} rows of inputs",
                labels.len(),
                self.x.nrows()
            )));
        }
        let needed = labels.iter().max().map_or(0, |&m| m + 1);
        let n_classes = n_classes.unwrap_or(needed);
        if n_classes < needed {
            return Err(DataError::InvalidData(format!(
                "label {} is out of range for {n_classes} classes",
                needed - 1
            )));
        }
        self.labels = Some(labels);
        self.n_classes = Some(n_classes);
        Ok(self)
    }

    /// Returns the number of samples.
    pub fn len(&self) -> usize {
        self.x.nrows()
    }

    /// Returns true when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.x.nrows() == 0
    }

    /// Returns the input dimension.
    pub fn dim(&self) -> usize {
        self.x.ncols()
    }

    /// Checks that every value is finite, naming the first bad cell.
    pub fn check_finite(&self) -> Result<()> {
        let matrices = [("x", Some(&self.x)), ("y", self.y.as_ref())];
        for (prefix, matrix) in matrices {
            let Some(matrix) = matrix else { continue };
            if let Some(((row, col), value)) = matrix.indexed_iter().find(|(_, v)| !v.is_finite()) {
                return Err(DataError::InvalidData(format!(
                    "{} has {value} at row {row}, column {prefix}{col}; \
                     remove or impute non-finite values first",
                    self.name
                )));
            }
        }
        Ok(())
    }

    /// Returns the rows at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Dataset {
        let pick = |values: &Vec<usize>| indices.iter().map(|&i| values[i]).collect();
        Dataset {
            name: self.name.clone(),
            x: self.x.select(Axis(0), indices),
            y: self.y.as_ref().map(|y| y.select(Axis(0), indices)),
            labels: self.labels.as_ref().map(pick),
            n_classes: self.n_classes,
            symbols: self
                .symbols
                .as_ref()
                .map(|s| indices.iter().map(|&i| s[i]).collect()),
            truth: self.truth.clone(),
        }
    }

    /// Splits into (train, test) with `n_test` test rows, after a seeded shuffle.
    ///
    /// # Errors
    /// When `n_test` is 0 or leaves no training rows.
    pub fn split(&self, n_test: usize, seed: u64) -> Result<(Dataset, Dataset)> {
        if n_test == 0 || n_test >= self.len() {
            return Err(DataError::invalid(
                "test size",
                n_test,
                format!(
                    "must be between 1 and {} for {} rows",
                    self.len().saturating_sub(1),
                    self.len()
                ),
            ));
        }
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
        let (test, train) = order.split_at(n_test);
        Ok((self.select(train), self.select(test)))
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    fn small() -> Dataset {
        Dataset::new("t", array![[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]])
            .with_labels(vec![0, 1, 0, 2], None)
            .unwrap()
    }

    #[test]
    fn labels_set_class_count() {
        assert_eq!(small().n_classes, Some(3));
    }

    #[test]
    fn label_out_of_range_is_rejected() {
        let error = small().with_labels(vec![0, 1, 0, 5], Some(3)).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("label 5 is out of range for 3 classes"),
            "{error}"
        );
    }

    #[test]
    fn split_partitions_rows() {
        let (train, test) = small().split(1, 3).unwrap();
        assert_eq!(train.len(), 3);
        assert_eq!(test.len(), 1);
        let mut firsts: Vec<f64> = train
            .x
            .column(0)
            .iter()
            .chain(test.x.column(0))
            .copied()
            .collect();
        firsts.sort_by(f64::total_cmp);
        assert_eq!(firsts, vec![0.0, 2.0, 4.0, 6.0]);
        for (row, label) in train.x.rows().into_iter().zip(train.labels.unwrap()) {
            let original = (row[0] / 2.0) as usize;
            assert_eq!(label, [0, 1, 0, 2][original]);
        }
    }

    #[test]
    fn split_is_seeded() {
        assert_eq!(small().split(2, 9).unwrap(), small().split(2, 9).unwrap());
    }

    #[test]
    fn non_finite_value_is_named() {
        let mut data = small();
        data.x[(2, 1)] = f64::NAN;
        let error = data.check_finite().unwrap_err().to_string();
        assert!(error.contains("row 2, column x1"), "{error}");
    }
}
