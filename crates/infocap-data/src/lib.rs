//! Data sets of known information content and the files they travel in.
//!
//! Every generator returns its samples together with the exact information they carry (the
//! ground truth), so that estimators and trained networks can be judged against it. The crate
//! also reads and writes the tables used across infocap (Parquet, CSV, NPY) and the real data
//! sets used in examples (MNIST in IDX format, the UCI optical digits).

pub mod atomic;
pub mod closed_form;
pub mod dataset;
pub mod error;
pub mod files;
pub mod generate;
pub mod linalg;
pub mod real;
pub mod summary;
pub mod table;
pub mod truth;

/// Version of this crate, recorded with every result.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use dataset::Dataset;
pub use error::{DataError, Result};
pub use files::{Format, read_dataset, write_dataset};
pub use generate::{FamilySpec, Params, families, generate};
pub use table::{Column, Table, TableFormat};
pub use truth::{Quantity, Truth};
