//! Plug-in entropy and mutual information of discrete variables, with the Miller-Madow
//! correction.
//!
//! With counts cᵢ of the m occupied cells among N samples (64-bit counts), in nats:
//!
//! ```text
//! H_plugin = −Σ (cᵢ/N) ln(cᵢ/N) = ln N − (1/N) Σ cᵢ ln cᵢ
//! H_MM     = H_plugin + (m − 1) / (2N)
//! I(X;Y)   = H(X) + H(Y) − H(X,Y)
//! ```
//!
//! Miller 1955, "Note on the bias of information estimates". The plug-in entropy is biased
//! downward by about (m − 1)/(2N), so the plug-in I is biased upward by about
//! (m_xy − m_x − m_y + 1)/(2N); Miller-Madow removes that first-order term. Neither can exceed
//! log₂ N bits: a sample of N distinct rows carries at most log₂ N bits about its index, and an
//! estimate that reaches it is flagged `saturated`.
//!
//! A symbol is a `u64`; for an array input, each distinct row is one symbol (a joint pattern of
//! its columns), compared exactly.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::error::{EstimateError, Result};
use crate::estimate::{Estimate, Quantity, nats_to_bits};
use crate::input;
use crate::interval::{self, IntervalOptions};

/// Bias correction of a plug-in entropy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Correction {
    /// The plug-in (maximum-likelihood) value.
    None,
    /// Adds (m − 1)/(2N) nats to every entropy.
    MillerMadow,
}

impl Correction {
    /// Returns the estimator name (`plugin`, `miller-madow`).
    pub fn name(self) -> &'static str {
        match self {
            Correction::None => "plugin",
            Correction::MillerMadow => "miller-madow",
        }
    }
}

/// Entropies and cell counts of (X, Y), in nats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Contingency {
    pub n: usize,
    pub h_x: f64,
    pub h_y: f64,
    pub h_joint: f64,
    pub cells_x: usize,
    pub cells_y: usize,
    pub cells_joint: usize,
}

impl Contingency {
    /// Tabulates dense ids `x` in 0..mx and `y` in 0..my.
    pub(crate) fn from_ids(x: &[u32], y: &[u32]) -> Self {
        let n = x.len();
        let my = y.iter().max().map_or(1, |&m| u64::from(m) + 1);
        let mut joint: Vec<u64> = x
            .iter()
            .zip(y)
            .map(|(&a, &b)| u64::from(a) * my + u64::from(b))
            .collect();
        let (h_joint, cells_joint) = plugin_entropy_nats(&mut joint);
        let widen = |ids: &[u32]| ids.iter().map(|&v| u64::from(v)).collect::<Vec<u64>>();
        let (h_x, cells_x) = plugin_entropy_nats(&mut widen(x));
        let (h_y, cells_y) = plugin_entropy_nats(&mut widen(y));
        Contingency {
            n,
            h_x,
            h_y,
            h_joint,
            cells_x,
            cells_y,
            cells_joint,
        }
    }

    fn correction_nats(&self, cells: usize, correction: Correction) -> f64 {
        match correction {
            Correction::None => 0.0,
            Correction::MillerMadow => (cells as f64 - 1.0) / (2.0 * self.n as f64),
        }
    }

    /// Returns I(X;Y) in nats with `correction` applied to every entropy.
    pub(crate) fn mi_nats(&self, correction: Correction) -> f64 {
        let plugin = self.h_x + self.h_y - self.h_joint;
        plugin + self.mi_correction_nats(correction)
    }

    fn mi_correction_nats(&self, correction: Correction) -> f64 {
        self.correction_nats(self.cells_x, correction)
            + self.correction_nats(self.cells_y, correction)
            - self.correction_nats(self.cells_joint, correction)
    }

    /// Fills the cell counts and entropies of `estimate.details`.
    pub(crate) fn describe(&self, estimate: &mut Estimate, correction: Correction) {
        let details = &mut estimate.details;
        details.cells_x = Some(self.cells_x);
        details.cells_y = Some(self.cells_y);
        details.cells_joint = Some(self.cells_joint);
        details.entropy_x_bits = Some(nats_to_bits(
            self.h_x + self.correction_nats(self.cells_x, correction),
        ));
        details.entropy_y_bits = Some(nats_to_bits(
            self.h_y + self.correction_nats(self.cells_y, correction),
        ));
        details.entropy_joint_bits = Some(nats_to_bits(
            self.h_joint + self.correction_nats(self.cells_joint, correction),
        ));
        details.correction_bits = Some(nats_to_bits(self.mi_correction_nats(correction)));
        if self.n < 5 * self.cells_joint {
            estimate.warnings.push(format!(
                "{} occupied (X, Y) cells for {} samples (fewer than 5 per cell): the plug-in \
                 estimate is biased upward; add samples or use fewer bins",
                self.cells_joint, self.n
            ));
        }
    }
}

/// Returns the plug-in entropy in nats and the number of distinct values; sorts `symbols`.
fn plugin_entropy_nats(symbols: &mut [u64]) -> (f64, usize) {
    let n = symbols.len();
    symbols.sort_unstable();
    let mut sum_c_ln_c = 0.0;
    let mut cells = 0usize;
    let mut start = 0usize;
    while start < n {
        let end = start + symbols[start..].partition_point(|&s| s == symbols[start]);
        let count = (end - start) as u64;
        sum_c_ln_c += count as f64 * (count as f64).ln();
        cells += 1;
        start = end;
    }
    ((n as f64).ln() - sum_c_ln_c / n as f64, cells)
}

/// Maps arbitrary symbols to dense ids 0..m.
pub(crate) fn dense_ids(symbols: &[u64]) -> Vec<u32> {
    let mut distinct = symbols.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    symbols
        .iter()
        .map(|s| distinct.binary_search(s).expect("symbol is in its own set") as u32)
        .collect()
}

/// Estimates I(X;Y) in bits of two discrete sequences of symbols.
///
/// The interval resamples pairs of symbols (see [`crate::interval`]).
///
/// # Errors
/// Sequences of different lengths or empty.
pub fn discrete_mi(
    x: &[u64],
    y: &[u64],
    correction: Correction,
    interval_options: &IntervalOptions,
) -> Result<Estimate> {
    let as_column = |s: &[u64]| ndarray::Array2::from_shape_fn((s.len(), 1), |(i, _)| s[i] as f64);
    if x.iter().chain(y).any(|&s| s >= 1u64 << 53) {
        // Symbols this large do not survive the trip through f64 used by the interval.
        let xs = dense_ids(x).into_iter().map(u64::from).collect::<Vec<_>>();
        let ys = dense_ids(y).into_iter().map(u64::from).collect::<Vec<_>>();
        return discrete_mi(&xs, &ys, correction, interval_options);
    }
    discrete_mi_rows(
        as_column(x).view(),
        as_column(y).view(),
        correction,
        interval_options,
    )
}

/// Estimates I(X;Y) in bits, where each distinct row of `x` (and of `y`) is one symbol.
///
/// # Errors
/// X and Y of different lengths, empty, or with NaN or infinite values.
pub fn discrete_mi_rows(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    correction: Correction,
    interval_options: &IntervalOptions,
) -> Result<Estimate> {
    let n = input::check_pair(x, y)?;
    let table = contingency_of_rows(x, y);
    let mut estimate = Estimate::from_nats(
        correction.name(),
        Quantity::MutualInformation,
        table.mi_nats(correction),
        n,
    );
    estimate.details.dims_x = Some(x.ncols());
    estimate.details.dims_y = Some(y.ncols());
    table.describe(&mut estimate, correction);
    estimate.set_ceiling((n as f64).log2());
    interval::attach(&mut estimate, x, y, interval_options, |xs, ys| {
        Ok(nats_to_bits(
            contingency_of_rows(xs, ys).mi_nats(correction),
        ))
    })?;
    Ok(estimate)
}

fn contingency_of_rows(x: ArrayView2<f64>, y: ArrayView2<f64>) -> Contingency {
    let (ids_x, _) = input::row_ids(x);
    let (ids_y, _) = input::row_ids(y);
    Contingency::from_ids(&ids_x, &ids_y)
}

/// Estimates the Shannon entropy H(X) in bits of a sequence of symbols.
///
/// # Errors
/// An empty sequence.
pub fn discrete_entropy(x: &[u64], correction: Correction) -> Result<Estimate> {
    if x.is_empty() {
        return Err(EstimateError::Empty {
            variable: "X",
            rows: 0,
            columns: 1,
        });
    }
    let n = x.len();
    let (h, cells) = plugin_entropy_nats(&mut x.to_vec());
    let correction_nats = match correction {
        Correction::None => 0.0,
        Correction::MillerMadow => (cells as f64 - 1.0) / (2.0 * n as f64),
    };
    let mut estimate =
        Estimate::from_nats(correction.name(), Quantity::Entropy, h + correction_nats, n);
    estimate.details.cells_x = Some(cells);
    estimate.details.correction_bits = Some(nats_to_bits(correction_nats));
    estimate.set_ceiling((n as f64).log2());
    Ok(estimate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_entropy_of_known_counts() {
        // Counts 2, 1, 1 of N = 4: H = −(0.5 ln 0.5 + 2 · 0.25 ln 0.25) = 1.5 ln 2.
        let (h, cells) = plugin_entropy_nats(&mut [7, 3, 7, 9]);
        assert_eq!(cells, 3);
        assert!((h - 1.5 * std::f64::consts::LN_2).abs() < 1e-15);
    }

    #[test]
    fn miller_madow_adds_cells_over_two_n() {
        let x = [0u64, 1, 2, 3, 0, 1, 2, 3];
        let plugin = discrete_entropy(&x, Correction::None).unwrap();
        let corrected = discrete_entropy(&x, Correction::MillerMadow).unwrap();
        assert!((plugin.bits - 2.0).abs() < 1e-12);
        let expected = 2.0 + nats_to_bits(3.0 / 16.0);
        assert!((corrected.bits - expected).abs() < 1e-12);
    }
}
