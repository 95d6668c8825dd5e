//! Mutual information and entropy estimators, per-layer capacity bounds, and charts.
//!
//! Estimators take plain arrays (rows are samples, columns are dimensions) and return an
//! [`Estimate`] in bits with an interval and flags. [`estimate_mi`] runs any of them by
//! [`EstimatorKind`]; the modules hold the estimators with their own options:
//!
//! - [`ksg`]: Kraskov-Stögbauer-Grassberger nearest-neighbor MI (KSG1, KSG2);
//! - [`kl_entropy`]: Kozachenko-Leonenko differential entropy and the MI it gives;
//! - [`gaussian`]: MI of a Gaussian fitted by the sample covariance;
//! - [`binning`]: equal-width or equal-mass bins, then counts;
//! - [`discrete`]: plug-in and Miller-Madow entropy and MI of symbols;
//! - [`pairwise`]: Kolchinsky-Tracey bounds for a layer with Gaussian noise;
//! - [`capacity`]: capacities per unit and per layer, VAE rate, memorized bits.

pub mod binning;
pub mod capacity;
pub mod discrete;
pub mod error;
pub mod estimate;
pub mod gaussian;
mod input;
pub mod interval;
mod kind;
pub mod kl_entropy;
pub mod ksg;
mod neighbors;
pub mod pairwise;
pub mod plot;
pub mod prec;
pub mod validate;

/// Version of this crate, recorded with every result.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use error::EstimateError;
pub use estimate::{Estimate, Quantity};
pub use input::DEFAULT_JITTER_SCALE;
pub use interval::{IntervalMethod, IntervalOptions};
pub use kind::{DataKind, EstimatorKind, Options, estimate_mi, estimate_mi_per_unit};
pub use pairwise::{Bounds, pairwise_bounds};
