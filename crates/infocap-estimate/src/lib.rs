//! Mutual information and entropy estimators, per-layer capacity bounds, and charts.
//!
//! Estimators take plain arrays (rows are samples) and return values in bits.

pub mod plot;
