//! The rows the main experiment records and the tables they are written as.
//!
//! Tables (all in bits unless a column name says otherwise):
//! - `regimes.parquet`: one row per training run, with final accuracies, the train-test gap,
//!   memorized bits and the bits of the last hidden layer;
//! - `layers.parquet`: one row per run, probe epoch and layer, with I(X;T), I(T;Y), their
//!   intervals or bounds, the method, and the layer's ceiling;
//! - `gradients.parquet`: gradient signal-to-noise ratio and noise scale per probe epoch;
//! - `units.parquet`: distinct units per layer (symmetry breaking);
//! - `multimodal.parquet`: output-mode entropy of a deterministic and a stochastic model;
//! - `estimator_checks.parquet`: estimators against generator truth.

use infocap_data::{Column, Table};

use super::measure::LayerBits;

/// The final state of one training run.
#[derive(Debug, Clone, PartialEq)]
pub struct RegimeRow {
    pub task: String,
    pub regime: String,
    pub kind: String,
    pub level: f64,
    pub label_fraction: f64,
    pub n_train: usize,
    pub n_test: usize,
    pub n_params: usize,
    pub n_classes: usize,
    pub epochs: usize,
    pub train_accuracy: f64,
    pub test_accuracy: f64,
    /// Train minus test accuracy.
    pub gap: f64,
    pub train_loss_bits: f64,
    pub test_loss_bits: f64,
    /// N log2 C minus the summed training cross-entropy in bits, floored at 0.
    pub memorized_bits: f64,
    pub bits_per_parameter: f64,
    /// I(X;T) of the last hidden layer at the last epoch, and its method and ceiling.
    pub last_hidden_bits: f64,
    pub last_hidden_method: String,
    pub last_hidden_ceiling_bits: f64,
    /// Distinct units of the first hidden layer at the last epoch.
    pub distinct_units: usize,
    pub first_hidden_width: usize,
    /// Gradient signal-to-noise ratio over all parameters at the last probe.
    pub grad_snr: f64,
    pub diverged: bool,
}

/// One layer at one probe epoch of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerRow {
    pub task: String,
    pub regime: String,
    pub kind: String,
    pub is_output: bool,
    pub bits: LayerBits,
}

/// Gradient statistics of all parameters at one probe epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct GradientRow {
    pub task: String,
    pub regime: String,
    pub epoch: usize,
    pub layer: usize,
    pub grad_snr: f64,
    pub noise_scale: f64,
    pub grad_var: f64,
}

/// Distinct units of one layer at one probe epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitsRow {
    pub task: String,
    pub regime: String,
    pub epoch: usize,
    pub layer: usize,
    pub width: usize,
    pub distinct_units: usize,
}

/// A model fitted to a target with K modes per input.
#[derive(Debug, Clone, PartialEq)]
pub struct MultimodalRow {
    pub model: String,
    pub modes: usize,
    /// log2 K, the entropy of the target given the input.
    pub truth_bits: f64,
    /// Plug-in entropy of the modes hit by the outputs within a quarter spacing of a mode;
    /// NaN with fewer than 20 such outputs.
    pub mode_entropy_bits: f64,
    /// Mean distance from an output to the centre of the modes, in mode spacings.
    pub mean_offset_spacings: f64,
    /// Fraction of outputs within a quarter spacing of some mode.
    pub near_mode_fraction: f64,
}

fn strings(values: impl Iterator<Item = String>) -> Column {
    Column::Str(values.collect())
}

fn floats(values: impl Iterator<Item = f64>) -> Column {
    Column::F64(values.collect())
}

fn ints(values: impl Iterator<Item = usize>) -> Column {
    Column::I64(values.map(|v| v as i64).collect())
}

/// Builds `regimes.parquet`.
pub fn regimes_table(rows: &[RegimeRow]) -> anyhow::Result<Table> {
    let s = |get: fn(&RegimeRow) -> &str| strings(rows.iter().map(|r| get(r).to_string()));
    let f = |get: fn(&RegimeRow) -> f64| floats(rows.iter().map(get));
    let i = |get: fn(&RegimeRow) -> usize| ints(rows.iter().map(get));
    Ok(Table::new()
        .with("task", s(|r| &r.task))?
        .with("regime", s(|r| &r.regime))?
        .with("kind", s(|r| &r.kind))?
        .with("level", f(|r| r.level))?
        .with("label_fraction", f(|r| r.label_fraction))?
        .with("n_train", i(|r| r.n_train))?
        .with("n_test", i(|r| r.n_test))?
        .with("n_params", i(|r| r.n_params))?
        .with("n_classes", i(|r| r.n_classes))?
        .with("epochs", i(|r| r.epochs))?
        .with("train_accuracy", f(|r| r.train_accuracy))?
        .with("test_accuracy", f(|r| r.test_accuracy))?
        .with("gap", f(|r| r.gap))?
        .with("train_loss_bits", f(|r| r.train_loss_bits))?
        .with("test_loss_bits", f(|r| r.test_loss_bits))?
        .with("memorized_bits", f(|r| r.memorized_bits))?
        .with("bits_per_parameter", f(|r| r.bits_per_parameter))?
        .with("last_hidden_bits", f(|r| r.last_hidden_bits))?
        .with("last_hidden_method", s(|r| &r.last_hidden_method))?
        .with(
            "last_hidden_ceiling_bits",
            f(|r| r.last_hidden_ceiling_bits),
        )?
        .with("distinct_units", i(|r| r.distinct_units))?
        .with("first_hidden_width", i(|r| r.first_hidden_width))?
        .with("grad_snr", f(|r| r.grad_snr))?
        .with(
            "diverged",
            Column::Bool(rows.iter().map(|r| r.diverged).collect()),
        )?)
}

/// Builds `layers.parquet`.
pub fn layers_table(rows: &[LayerRow]) -> anyhow::Result<Table> {
    let s = |get: fn(&LayerRow) -> &str| strings(rows.iter().map(|r| get(r).to_string()));
    let f = |get: fn(&LayerBits) -> f64| floats(rows.iter().map(|r| get(&r.bits)));
    let i = |get: fn(&LayerBits) -> usize| ints(rows.iter().map(|r| get(&r.bits)));
    Ok(Table::new()
        .with("task", s(|r| &r.task))?
        .with("regime", s(|r| &r.regime))?
        .with("kind", s(|r| &r.kind))?
        .with("epoch", i(|b| b.epoch))?
        .with("layer", i(|b| b.layer))?
        .with("width", i(|b| b.width))?
        .with(
            "is_output",
            Column::Bool(rows.iter().map(|r| r.is_output).collect()),
        )?
        .with("i_xt_bits", f(|b| b.i_xt_bits))?
        .with("i_xt_low_bits", f(|b| b.i_xt_low_bits))?
        .with("i_xt_high_bits", f(|b| b.i_xt_high_bits))?
        .with("i_xt_method", s(|r| r.bits.i_xt_method))?
        .with("i_ty_bits", f(|b| b.i_ty_bits))?
        .with("i_ty_low_bits", f(|b| b.i_ty_low_bits))?
        .with("i_ty_high_bits", f(|b| b.i_ty_high_bits))?
        .with("i_ty_method", s(|r| r.bits.i_ty_method))?
        .with(
            "saturated",
            Column::Bool(rows.iter().map(|r| r.bits.saturated).collect()),
        )?
        .with("ceiling_bits", f(|b| b.ceiling_bits))?
        .with("capacity_bits", f(|b| b.capacity_bits))?
        .with("log2_n_bits", f(|b| b.log2_n_bits))?)
}

/// Builds `gradients.parquet`.
pub fn gradients_table(rows: &[GradientRow]) -> anyhow::Result<Table> {
    let s = |get: fn(&GradientRow) -> &str| strings(rows.iter().map(|r| get(r).to_string()));
    let f = |get: fn(&GradientRow) -> f64| floats(rows.iter().map(get));
    Ok(Table::new()
        .with("task", s(|r| &r.task))?
        .with("regime", s(|r| &r.regime))?
        .with("epoch", ints(rows.iter().map(|r| r.epoch)))?
        .with("layer", ints(rows.iter().map(|r| r.layer)))?
        .with("grad_snr", f(|r| r.grad_snr))?
        .with("noise_scale", f(|r| r.noise_scale))?
        .with("grad_var", f(|r| r.grad_var))?)
}

/// Builds `units.parquet`.
pub fn units_table(rows: &[UnitsRow]) -> anyhow::Result<Table> {
    let s = |get: fn(&UnitsRow) -> &str| strings(rows.iter().map(|r| get(r).to_string()));
    let i = |get: fn(&UnitsRow) -> usize| ints(rows.iter().map(get));
    Ok(Table::new()
        .with("task", s(|r| &r.task))?
        .with("regime", s(|r| &r.regime))?
        .with("epoch", i(|r| r.epoch))?
        .with("layer", i(|r| r.layer))?
        .with("width", i(|r| r.width))?
        .with("distinct_units", i(|r| r.distinct_units))?)
}

/// Builds `multimodal.parquet`.
pub fn multimodal_table(rows: &[MultimodalRow]) -> anyhow::Result<Table> {
    let f = |get: fn(&MultimodalRow) -> f64| floats(rows.iter().map(get));
    Ok(Table::new()
        .with("model", strings(rows.iter().map(|r| r.model.clone())))?
        .with("modes", ints(rows.iter().map(|r| r.modes)))?
        .with("truth_bits", f(|r| r.truth_bits))?
        .with("mode_entropy_bits", f(|r| r.mode_entropy_bits))?
        .with("mean_offset_spacings", f(|r| r.mean_offset_spacings))?
        .with("near_mode_fraction", f(|r| r.near_mode_fraction))?)
}
