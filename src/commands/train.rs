//! `infocap train`: train a network with a chosen noise source and write its metrics, probes,
//! weights and summary into a fresh run folder.
//!
//! Files in `--out DIR`:
//! - `metrics.parquet`: one row per epoch (0 is before the first update).
//! - `gradients.parquet`: gradient mean, spread, signal-to-noise ratio and noise scale per
//!   probe epoch and layer (layer 0 is all parameters together).
//! - `units.parquet`: distinct units and weight norm per probe epoch and layer.
//! - `latent.parquet`: KL rate per VAE unit, when the model has a VAE layer.
//! - `activations/layer{k}.parquet`: layer k's outputs on the probe subsets.
//! - `weights.json`: the plan and the weights (format `infocap-weights-1`).
//! - `summary.json`: configuration, seed, versions, threads, final metrics and timing.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use infocap_data::Dataset;
use infocap_data::atomic::StagingDir;
use infocap_nn::{
    Activation, Data, Init, Loss, ModelKind, ModelSpec, NoiseSource, Optimizer, ProbeConfig,
    ProbeEpochs, Schedule, TrainConfig, TrainOutcome,
};
use serde_json::json;

use crate::GlobalArgs;
use crate::progress::Progress;
use crate::shutdown;

mod tables;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Training data: `digits`, `mnist:DIR` (IDX files), or a table or folder written by
    /// `infocap gen`.
    #[arg(long, value_name = "SOURCE")]
    pub data: String,

    /// Layer widths from input to output, such as 64-32-16-10.
    #[arg(long, value_name = "WIDTHS")]
    pub arch: String,

    /// Model kind: classifier (labels), autoencoder (reconstructs the input), regressor
    /// (targets y0, y1, ...) or stochastic (targets, with noise inputs and several samples
    /// per input).
    #[arg(long, default_value = "classifier", value_name = "KIND")]
    pub model: String,

    /// Activation of hidden layers: relu, tanh, sigmoid, hard-tanh, identity or sign.
    #[arg(long, default_value = "tanh", value_name = "NAME")]
    pub act: String,

    /// A noise source; repeat for several. none, dropout:P, gauss:STD, uniform:WIDTH,
    /// capacity:BITS (per unit), vae:BETA, stochastic-depth:Q (survival probability), binary
    /// (sign units), binary-weights, grad-noise:ETA[,GAMMA] (variance ETA/(1+t)^GAMMA),
    /// async:WORKERS[,STALENESS]. Layer noise takes @L1,L2 for its layers (0 is the input)
    /// and :eval to stay on at evaluation, such as gauss:0.5@1:eval.
    #[arg(long, value_name = "NOISE")]
    pub noise: Vec<String>,

    /// Optimizer and learning rate: sgd:LR, momentum:LR[,MU], nesterov:LR[,MU] or
    /// adam:LR[,BETA1,BETA2].
    #[arg(long, default_value = "adam:1e-3", value_name = "OPT")]
    pub opt: String,

    /// Learning-rate schedule: constant, step:EVERY_EPOCHS,FACTOR, exp:GAMMA (per epoch),
    /// cosine or inverse:DECAY_EPOCHS.
    #[arg(long, default_value = "constant", value_name = "SCHEDULE")]
    pub schedule: String,

    /// L2 weight decay on weights (not biases).
    #[arg(long, default_value_t = 0.0, value_name = "LAMBDA")]
    pub weight_decay: f64,

    /// Inputs per update, or `full` for full-batch training (no minibatch noise).
    #[arg(long, default_value = "64", value_name = "N|full")]
    pub batch: String,

    /// Training epochs; 0 records only the untrained network.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub epochs: usize,

    /// Seed of every random stream (initialization, batch order, noise, data split).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Weight initialization: auto, glorot, he, normal:STD or constant:VALUE.
    #[arg(long, default_value = "auto", value_name = "INIT")]
    pub init: String,

    /// Loss: ce, mse, bce or energy [default: from the model kind].
    #[arg(long, value_name = "LOSS")]
    pub loss: Option<String>,

    /// Noise inputs of a stochastic model.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub noise_dims: usize,

    /// Samples per input of a stochastic model.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub samples: usize,

    /// Rows held out for testing [default: 20% of the rows].
    #[arg(long, value_name = "N")]
    pub test_size: Option<usize>,

    /// Use only this many rows of the data (a seeded random subset), before the split.
    #[arg(long, value_name = "N")]
    pub rows: Option<usize>,

    /// Probe epochs: log:COUNT (log-spaced, denser early), every:N, list:E1,E2,... or none.
    #[arg(long, default_value = "log:30", value_name = "WHEN")]
    pub probe_epochs: String,

    /// Inputs per split whose activations probes record.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub probe_samples: usize,

    /// Minibatches measured for gradient statistics at each probe.
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub gradient_batches: usize,

    /// Record activations in evaluation mode (dropout off, VAE means, no dropped blocks;
    /// noise kept at evaluation stays on) instead of with every training noise on.
    #[arg(long)]
    pub probe_eval: bool,

    /// Output folder; must not exist unless --force.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Replace an existing output folder.
    #[arg(long)]
    pub force: bool,

    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let config = build_config(&args)?;
    let checked = config.check()?;
    let dataset = infocap_data::real::load_source(&args.data)
        .with_context(|| format!("cannot load --data {}", args.data))?;
    dataset.check_finite()?;
    let dataset = match args.rows {
        Some(rows) if rows < 2 => bail!(
            "invalid value {rows} for --rows: training and testing need at least 2 rows; use \
             --rows 2 or more"
        ),
        Some(rows) if rows > dataset.len() => bail!(
            "invalid value {rows} for --rows: {} has only {} rows; use --rows {} or fewer, or \
             leave it out to use every row",
            args.data,
            dataset.len(),
            dataset.len()
        ),
        Some(rows) if rows < dataset.len() => dataset.split(dataset.len() - rows, args.seed)?.0,
        _ => dataset,
    };
    // One row at least on each side, so small --rows still split.
    let n_test = args
        .test_size
        .unwrap_or((dataset.len() / 5).clamp(1, dataset.len().saturating_sub(1).max(1)));
    let (train_set, test_set) = dataset.split(n_test, args.seed)?;
    let (train_data, test_data) = (to_data(&train_set), to_data(&test_set));
    tracing::debug!(
        train = train_set.len(),
        test = test_set.len(),
        probes = checked.probe_epochs.len(),
        "split the data"
    );

    let staging = StagingDir::new(&args.out, args.force)?;
    let start = Instant::now();
    let progress = (!global.quiet).then(|| Progress::new("training", config.epochs as u64));
    let outcome = infocap_nn::train(&config, &train_data, &test_data, |report| {
        if let Some(progress) = &progress
            && report.epoch > 0
        {
            progress.inc(1);
            progress.set_message(&format!("train loss {:.4}", report.train.loss));
        }
        if shutdown::interrupted() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    drop(progress);
    shutdown::check()?;
    let seconds = start.elapsed().as_secs_f64();

    tables::write_all(staging.path(), &outcome, &train_set, &test_set, args.seed)?;
    let summary = summary(&args, &config, &outcome, &train_set, &test_set, seconds)?;
    let text = serde_json::to_string_pretty(&summary)?;
    infocap_data::atomic::write_bytes_atomic(
        &staging.path().join("summary.json"),
        text.as_bytes(),
    )?;
    let out = staging.commit()?;
    if args.json {
        super::print_out(&format!("{text}\n"))?;
    }
    if let Some(divergence) = &outcome.divergence {
        crate::progress::suspend(|| {
            eprintln!(
                "error: training diverged: {}; wrote the last good weights to {}",
                divergence.message,
                out.display()
            )
        });
        return Ok(ExitCode::from(1));
    }
    if !args.json && !global.quiet {
        let last = outcome.epochs.last().expect("epoch 0 is always reported");
        let accuracy = last
            .test
            .accuracy
            .map(|a| format!(", test accuracy {:.2}%", 100.0 * a))
            .unwrap_or_default();
        super::print_out(&format!(
            "trained {} in {seconds:.1} s: test loss {:.4}{accuracy}; wrote {}\n",
            super::count_of(last.epoch, "epoch", "epochs"),
            last.test.loss,
            out.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Turns the flags into a training configuration.
fn build_config(args: &Args) -> anyhow::Result<TrainConfig> {
    let widths = args
        .arch
        .split('-')
        .map(|w| w.trim().parse::<usize>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            anyhow::anyhow!(
                "invalid value `{}` for --arch: write layer widths joined by `-`, such as 64-32-10",
                args.arch
            )
        })?;

    let activation: Activation = args.act.parse().context("invalid --act")?;
    let kind = match args.model.to_lowercase().as_str() {
        "classifier" => ModelKind::Classifier,
        "autoencoder" => ModelKind::Autoencoder,
        "regressor" => ModelKind::Regressor,
        "stochastic" => ModelKind::Stochastic {
            noise_dims: args.noise_dims,
            samples: args.samples,
        },
        "vae" => anyhow::bail!(
            "invalid --model vae: a VAE is an autoencoder with a VAE bottleneck; \
             use --model autoencoder --noise vae:BETA"
        ),
        other => {
            return Err(infocap_nn::NnError::unknown(
                "model",
                other,
                &ModelKind::NAMES,
            ))
            .context("invalid --model");
        }
    };

    let mut spec = ModelSpec::classifier(&widths, activation);
    spec.kind = kind;
    spec.init = args.init.parse::<Init>().context("invalid --init")?;

    let mut config = TrainConfig::new(spec, args.epochs, args.seed);
    config.optimizer = args.opt.parse::<Optimizer>().context("invalid --opt")?;
    config.schedule = args
        .schedule
        .parse::<Schedule>()
        .context("invalid --schedule")?;
    config.weight_decay = args.weight_decay;
    config.loss = args
        .loss
        .as_deref()
        .map(str::parse::<Loss>)
        .transpose()
        .context("invalid --loss")?;
    config.batch_size = match args.batch.as_str() {
        "full" => None,
        text => Some(text.parse::<usize>().map_err(|_| {
            anyhow::anyhow!("invalid value `{text}` for --batch: use a number of inputs or `full`")
        })?),
    };

    for text in &args.noise {
        let source: NoiseSource = text
            .parse()
            .with_context(|| format!("invalid --noise {text}"))?;
        config.add_noise(source)?;
    }

    config.probes = ProbeConfig {
        epochs: parse_probe_epochs(&args.probe_epochs)?,
        train_samples: args.probe_samples,
        test_samples: args.probe_samples,
        gradient_batches: args.gradient_batches,
        eval_mode: args.probe_eval,
    };
    Ok(config)
}

fn parse_probe_epochs(text: &str) -> anyhow::Result<ProbeEpochs> {
    let invalid = || {
        anyhow::anyhow!(
            "invalid value `{text}` for --probe-epochs: use log:COUNT, every:N, list:E1,E2,... or none"
        )
    };
    let (name, value) = text.split_once(':').unwrap_or((text, ""));
    let number = |v: &str| v.trim().parse::<usize>().map_err(|_| invalid());
    Ok(match name {
        "none" => ProbeEpochs::Never,
        "log" => ProbeEpochs::LogSpaced {
            count: number(value)?,
        },
        "every" => ProbeEpochs::Every {
            every: number(value)?,
        },
        "list" => ProbeEpochs::List {
            epochs: value.split(',').map(number).collect::<Result<_, _>>()?,
        },
        _ => return Err(invalid()),
    })
}

fn to_data(set: &Dataset) -> Data {
    Data {
        x: set.x.clone(),
        labels: set.labels.clone(),
        n_classes: set.n_classes,
        targets: set.y.clone(),
    }
}

fn summary(
    args: &Args,
    config: &TrainConfig,
    outcome: &TrainOutcome<f32>,
    train_set: &Dataset,
    test_set: &Dataset,
    seconds: f64,
) -> anyhow::Result<serde_json::Value> {
    let last = outcome.epochs.last().expect("epoch 0 is always reported");
    let n_params = outcome.model.n_params();
    let memorized = match train_set.n_classes {
        Some(classes) if outcome.loss == Loss::CrossEntropy => {
            let bits = outcome.per_input_loss_bits(&to_data(train_set))?;
            let memorized = infocap_nn::memorized_bits(&bits, classes);
            Some(json!({
                "memorized_bits": memorized,
                "bits_per_param": memorized / n_params as f64,
            }))
        }
        _ => None,
    };
    let threads = std::env::var("MATMUL_NUM_THREADS")
        .ok()
        .and_then(|t| t.parse::<usize>().ok())
        .unwrap_or(1);
    Ok(json!({
        "command": "train",
        "data": args.data,
        "n_train": train_set.len(),
        "n_test": test_set.len(),
        "input_width": train_set.dim(),
        "n_classes": train_set.n_classes,
        "config": config,
        "plan": outcome.model.plan(),
        "loss": outcome.loss.name(),
        "loss_unit": loss_unit(outcome.loss),
        "seed": args.seed,
        "threads": threads,
        "versions": {
            "infocap": env!("CARGO_PKG_VERSION"),
            "infocap_nn": infocap_nn::VERSION,
        },
        "n_params": n_params,
        "epochs_run": last.epoch,
        "steps": last.steps,
        "final": { "train": last.train, "test": last.test },
        "memorization": memorized,
        "divergence": outcome.divergence,
        "stopped": outcome.stopped,
        "seconds": seconds,
    }))
}

/// Returns the unit of the `*_loss` columns.
fn loss_unit(loss: Loss) -> &'static str {
    match loss {
        Loss::CrossEntropy | Loss::Bce => "nats",
        Loss::Mse => "squared error",
        Loss::EnergyScore => "output units",
    }
}
