//! The Parquet tables and weight file of a training run.

use std::path::Path;

use infocap_data::{Column, Dataset, Table};
use infocap_nn::{Split, TrainOutcome};

/// Writes every table and the weights into `dir`.
pub fn write_all(
    dir: &Path,
    outcome: &TrainOutcome<f32>,
    train_set: &Dataset,
    test_set: &Dataset,
    seed: u64,
) -> anyhow::Result<()> {
    let with_metadata = |mut table: Table| {
        table.metadata.insert("seed".into(), seed.to_string());
        table
            .metadata
            .insert("infocap_version".into(), env!("CARGO_PKG_VERSION").into());
        table
            .metadata
            .insert("infocap_nn_version".into(), infocap_nn::VERSION.into());
        table
            .metadata
            .insert("loss".into(), outcome.loss.name().into());
        table
    };
    with_metadata(metrics(outcome)?).write(&dir.join("metrics.parquet"))?;
    with_metadata(gradients(outcome)?).write(&dir.join("gradients.parquet"))?;
    with_metadata(units(outcome)?).write(&dir.join("units.parquet"))?;
    if !outcome.probes.latent.is_empty() {
        with_metadata(latent(outcome)?).write(&dir.join("latent.parquet"))?;
    }
    let activations = dir.join("activations");
    std::fs::create_dir(&activations)?;
    for layer in 1..=outcome.model.blocks().len() {
        let table = layer_activations(outcome, layer, train_set, test_set)?;
        if table.n_rows() > 0 {
            with_metadata(table).write(&activations.join(format!("layer{layer}.parquet")))?;
        }
    }
    let weights = serde_json::to_vec(&outcome.model.to_weights())?;
    infocap_data::atomic::write_bytes_atomic(&dir.join("weights.json"), &weights)?;
    Ok(())
}

fn optional(value: Option<f64>) -> f64 {
    value.unwrap_or(f64::NAN)
}

fn int(values: impl Iterator<Item = usize>) -> Column {
    Column::I64(values.map(|v| v as i64).collect())
}

/// Builds the metrics table, one row per epoch, with NaN where a metric does not apply.
fn metrics(outcome: &TrainOutcome<f32>) -> anyhow::Result<Table> {
    let rows = &outcome.epochs;
    let f =
        |get: &dyn Fn(&infocap_nn::EpochReport) -> f64| Column::F64(rows.iter().map(get).collect());
    let table = Table::new()
        .with("epoch", int(rows.iter().map(|r| r.epoch)))?
        .with("steps", int(rows.iter().map(|r| r.steps)))?
        .with("lr", f(&|r| r.lr))?
        .with("batch_objective", f(&|r| r.batch_objective))?
        .with("train_objective", f(&|r| r.train.objective))?
        .with("test_objective", f(&|r| r.test.objective))?
        .with("train_loss", f(&|r| r.train.loss))?
        .with("test_loss", f(&|r| r.test.loss))?
        .with("train_loss_bits", f(&|r| optional(r.train.loss_bits)))?
        .with("test_loss_bits", f(&|r| optional(r.test.loss_bits)))?
        .with("train_accuracy", f(&|r| optional(r.train.accuracy)))?
        .with("test_accuracy", f(&|r| optional(r.test.accuracy)))?
        .with("train_kl_bits", f(&|r| optional(r.train.kl_bits)))?
        .with("test_kl_bits", f(&|r| optional(r.test.kl_bits)))?
        .with(
            "probed",
            Column::Bool(rows.iter().map(|r| r.probed).collect()),
        )?;
    Ok(table)
}

fn gradients(outcome: &TrainOutcome<f32>) -> anyhow::Result<Table> {
    let rows = &outcome.probes.gradients;
    let f = |get: &dyn Fn(&infocap_nn::GradientStats) -> f64| {
        Column::F64(rows.iter().map(get).collect())
    };
    let table = Table::new()
        .with("epoch", int(rows.iter().map(|r| r.epoch)))?
        .with("layer", int(rows.iter().map(|r| r.layer)))?
        .with("n_params", int(rows.iter().map(|r| r.n_params)))?
        .with("batches", int(rows.iter().map(|r| r.batches)))?
        .with("batch_size", int(rows.iter().map(|r| r.batch_size)))?
        .with("grad_mean_norm", f(&|r| r.grad_mean_norm))?
        .with("grad_std_norm", f(&|r| r.grad_std_norm))?
        .with("grad_var", f(&|r| r.grad_var))?
        .with("grad_snr", f(&|r| r.grad_snr))?
        .with("noise_scale", f(&|r| r.noise_scale))?;
    Ok(table)
}

fn units(outcome: &TrainOutcome<f32>) -> anyhow::Result<Table> {
    let rows = &outcome.probes.units;
    let table = Table::new()
        .with("epoch", int(rows.iter().map(|r| r.epoch)))?
        .with("layer", int(rows.iter().map(|r| r.layer)))?
        .with("width", int(rows.iter().map(|r| r.width)))?
        .with("distinct_units", int(rows.iter().map(|r| r.distinct_units)))?
        .with(
            "weight_norm",
            Column::F64(rows.iter().map(|r| r.weight_norm).collect()),
        )?;
    Ok(table)
}

fn latent(outcome: &TrainOutcome<f32>) -> anyhow::Result<Table> {
    let rows = &outcome.probes.latent;
    let table = Table::new()
        .with("epoch", int(rows.iter().map(|r| r.epoch)))?
        .with("layer", int(rows.iter().map(|r| r.layer)))?
        .with(
            "split",
            Column::Str(rows.iter().map(|r| r.split.name().to_string()).collect()),
        )?
        .with("unit", int(rows.iter().map(|r| r.unit)))?
        .with(
            "kl_bits",
            Column::F64(rows.iter().map(|r| r.kl_bits).collect()),
        )?;
    Ok(table)
}

/// Builds the table of layer `layer`'s probe records. Columns: epoch, layer, split, sample (row in
/// the split), draw (sample of a stochastic model), label (−1 without labels), t0.. (the
/// output passed to the next layer), and for noisy layers mean0.. (noise-free) and
/// noise_std, or log_var0.. for a VAE.
fn layer_activations(
    outcome: &TrainOutcome<f32>,
    layer: usize,
    train_set: &Dataset,
    test_set: &Dataset,
) -> anyhow::Result<Table> {
    let probes = &outcome.probes;
    let records: Vec<_> = probes.layers.iter().filter(|p| p.layer == layer).collect();
    let mut table = Table::new();
    let Some(first) = records.first() else {
        return Ok(table);
    };

    let per_sample = probes.rows_per_sample.max(1);
    let (mut epoch, mut split, mut sample, mut draw, mut label) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for record in &records {
        let (indices, set) = match record.split {
            Split::Train => (&probes.train_samples, train_set),
            Split::Test => (&probes.test_samples, test_set),
        };
        for row in 0..record.activations.nrows() {
            let index = indices[row / per_sample];
            epoch.push(record.epoch as i64);
            split.push(record.split.name().to_string());
            sample.push(index as i64);
            draw.push((row % per_sample) as i64);
            label.push(set.labels.as_ref().map_or(-1, |l| l[index] as i64));
        }
    }

    let rows = epoch.len();
    table.push("epoch", Column::I64(epoch))?;
    table.push("layer", Column::I64(vec![layer as i64; rows]))?;
    table.push("split", Column::Str(split))?;
    table.push("sample", Column::I64(sample))?;
    if per_sample > 1 {
        table.push("draw", Column::I64(draw))?;
    }
    table.push("label", Column::I64(label))?;

    let width = first.activations.ncols();
    let stack = |prefix: &str,
                 get: &dyn Fn(&infocap_nn::LayerProbe) -> Option<&ndarray::Array2<f32>>,
                 table: &mut Table|
     -> anyhow::Result<()> {
        for unit in 0..width {
            let values: Vec<f32> = records
                .iter()
                .filter_map(|r| get(r))
                .flat_map(|m| m.column(unit).to_vec())
                .collect();
            table.push(format!("{prefix}{unit}"), Column::F32(values))?;
        }
        Ok(())
    };
    stack("t", &|r| Some(&r.activations), &mut table)?;
    if first.mean.is_some() {
        stack("mean", &|r| r.mean.as_ref(), &mut table)?;
    }
    if first.log_var.is_some() {
        stack("log_var", &|r| r.log_var.as_ref(), &mut table)?;
    }
    if let Some(std) = first.noise_std {
        table.push("noise_std", Column::F64(vec![std; table.n_rows()]))?;
    }
    table.metadata.insert("layer".into(), layer.to_string());
    let block = &outcome.model.plan().blocks[layer - 1];
    table
        .metadata
        .insert("activation".into(), block.activation.name().into());
    if let Some(noise) = block.layer_noise {
        table.metadata.insert("noise".into(), noise.label());
    }
    Ok(table)
}
