//! The main experiment behind `infocap run`: how many bits each layer carries under each kind
//! of training noise, and how that relates to overfitting.
//!
//! Stages, each a set of training runs measured by [`measure`]:
//! 1. estimator checks against generator truth (the quick validation plan);
//! 2. the binary-pattern task of known entropy (H(X) = bits), with tanh, ReLU and noisy tanh
//!    networks, for the information plane;
//! 3. the real data set under every noise source ([`regimes::real_regimes`]);
//! 4. the capacity-limited layer swept in bits per unit, on real and on random labels;
//! 5. random-label memorization against width;
//! 6. a target with K modes per input, fitted by a deterministic and a stochastic model.
//!
//! Training runs are independent and seeded, so they run in parallel and give the same
//! numbers at any thread count.

pub mod charts;
pub mod config;
pub mod findings;
pub mod measure;
pub mod notebook;
pub mod records;
pub mod regimes;
pub mod report;

use std::collections::HashMap;
use std::ops::ControlFlow;

use anyhow::Context;
use infocap_data::Dataset;
use infocap_data::generate::{Params, generate};
use infocap_estimate::discrete::{Correction, discrete_entropy};
use infocap_estimate::validate::{self, Plan};
use infocap_nn::{Data, ModelKind, ModelSpec, Split, TrainConfig, TrainOutcome};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use self::config::Experiment;
use self::measure::{Channel, LayerInfo, Settings};
use self::records::{GradientRow, LayerRow, MultimodalRow, RegimeRow, UnitsRow};
use self::regimes::Regime;
use crate::shutdown;

/// Everything the experiment measured.
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub regimes: Vec<RegimeRow>,
    pub layers: Vec<LayerRow>,
    pub gradients: Vec<GradientRow>,
    pub units: Vec<UnitsRow>,
    pub multimodal: Vec<MultimodalRow>,
    pub checks: Vec<validate::Row>,
    /// Name and size of the real data set after subsetting.
    pub data_name: String,
    pub n_rows: usize,
    pub n_classes: usize,
}

/// A training run with the data it saw.
struct Trained {
    regime: Regime,
    outcome: TrainOutcome<f32>,
    train: Data,
}

/// Reports progress: called with a short description after each finished unit of work.
pub trait Progress: Sync {
    fn finished(&self, what: &str);
}

/// Runs the whole experiment.
pub fn execute(experiment: &Experiment, progress: &dyn Progress) -> anyhow::Result<Results> {
    let mut results = Results::default();
    let real = load_real(experiment)?;
    let classes = real.n_classes.unwrap_or(0);
    anyhow::ensure!(
        classes >= 2,
        "the data set {} has no class labels",
        real.name
    );
    results.data_name = real.name.clone();
    results.n_rows = real.len();
    results.n_classes = classes;
    let n_test = ((real.len() as f64) * experiment.test_fraction)
        .round()
        .max(1.0) as usize;
    let (real_train, real_test) = real.split(n_test, experiment.seed)?;
    tracing::info!(
        data = %real.name,
        train = real_train.len(),
        test = real_test.len(),
        "loaded the real data set"
    );

    if experiment.estimation.checks {
        results.checks = validate::run(&Plan::quick(), |_| {});
        progress.finished("estimator checks");
    }

    let patterns = pattern_data(experiment)?;
    let (pattern_train, pattern_test) = patterns.split(
        ((patterns.len() as f64) * experiment.test_fraction)
            .round()
            .max(1.0) as usize,
        experiment.seed,
    )?;

    let d_in = real.dim();
    let mut jobs: Vec<(Regime, &Dataset, &Dataset)> = Vec::new();
    for regime in regimes::pattern_regimes(experiment)? {
        jobs.push((regime, &pattern_train, &pattern_test));
    }
    for regime in regimes::real_regimes(experiment, d_in, classes, real_train.len())? {
        jobs.push((regime, &real_train, &real_test));
    }
    for regime in regimes::capacity_regimes(experiment, d_in, classes)? {
        jobs.push((regime, &real_train, &real_test));
    }
    for regime in regimes::label_noise_regimes(experiment, d_in, classes)? {
        jobs.push((regime, &real_train, &real_test));
    }
    let (memorization_train, memorization_test) = memorization_data(experiment)?;
    for regime in regimes::memorization_regimes(experiment)? {
        jobs.push((regime, &memorization_train, &memorization_test));
    }
    // Check every configuration before any training, so a bad value in the experiment file
    // fails at once rather than after the other runs.
    for (regime, _, _) in &jobs {
        regime.config.check().with_context(|| {
            format!(
                "invalid experiment: regime `{}` ({}); fix its value in the {} table of the \
                 config file",
                regime.name,
                regime.task.name(),
                regime.task.config_table()
            )
        })?;
    }
    tracing::info!(runs = jobs.len(), "training every regime");

    let settings = Settings {
        bins: experiment.estimation.bins,
        seed: experiment.seed,
    };
    let trained: Vec<anyhow::Result<Trained>> = jobs
        .into_par_iter()
        .map(|(regime, train, test)| {
            let trained = train_regime(regime, train, test, experiment.seed)?;
            progress.finished(&trained.regime.name);
            Ok(trained)
        })
        .collect();
    shutdown::check()?;
    for trained in trained {
        let trained = trained?;
        record(&trained, settings, &mut results)?;
    }

    results.multimodal = multimodal(experiment)?;
    progress.finished("multimodal targets");
    Ok(results)
}

/// Returns the number of progress steps [`execute`] reports.
pub fn count_steps(experiment: &Experiment) -> anyhow::Result<usize> {
    let d_in = 1;
    let classes = 2;
    Ok(usize::from(experiment.estimation.checks)
        + regimes::pattern_regimes(experiment)?.len()
        + regimes::real_regimes(experiment, d_in, classes, 1)?.len()
        + regimes::capacity_regimes(experiment, d_in, classes)?.len()
        + regimes::label_noise_regimes(experiment, d_in, classes)?.len()
        + regimes::memorization_regimes(experiment)?.len()
        + 1)
}

/// Loads the real data set and keeps a seeded subset of `rows` rows when asked.
fn load_real(experiment: &Experiment) -> anyhow::Result<Dataset> {
    let data = infocap_data::real::load_source(&experiment.data)
        .with_context(|| format!("cannot load data `{}`", experiment.data))?;
    data.check_finite()?;
    if experiment.rows > 0 && experiment.rows < data.len() {
        let (kept, _) = data.split(data.len() - experiment.rows, experiment.seed)?;
        return Ok(kept);
    }
    Ok(data)
}

/// Generates the binary-pattern task: every pattern once, labelled by a seeded rule of the
/// first `label_bits` bits.
fn pattern_data(experiment: &Experiment) -> anyhow::Result<Dataset> {
    let known = &experiment.known;
    let params = Params::new()
        .with("bits", known.bits)
        .with("label", known.label.as_str())
        .with("label_bits", known.label_bits);
    Ok(generate(
        "patterns",
        &params,
        1 << known.bits,
        experiment.seed,
    )?)
}

/// Generates the memorization data: Gaussian inputs with labels independent of them, and a
/// test set a fifth the size from the same generator.
fn memorization_data(experiment: &Experiment) -> anyhow::Result<(Dataset, Dataset)> {
    let memorization = &experiment.memorization;
    let params = Params::new()
        .with("dim", memorization.dim)
        .with("classes", memorization.classes);
    let n_test = (memorization.rows / 5).max(1);
    let data = generate(
        "random-labels",
        &params,
        memorization.rows + n_test,
        experiment.seed,
    )?;
    Ok(data.split(n_test, experiment.seed)?)
}

fn to_data(set: &Dataset) -> Data {
    Data {
        x: set.x.clone(),
        labels: set.labels.clone(),
        n_classes: set.n_classes,
        targets: None,
    }
}

/// Replaces a seeded `fraction` of the labels with uniform random classes.
fn randomize_labels(data: &mut Data, fraction: f64, seed: u64) {
    if fraction <= 0.0 {
        return;
    }
    let (Some(labels), Some(classes)) = (data.labels.as_mut(), data.n_classes) else {
        return;
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_1abe);
    let mut rows: Vec<usize> = (0..labels.len()).collect();
    rows.shuffle(&mut rng);
    let count = ((labels.len() as f64) * fraction).round() as usize;
    for &row in &rows[..count] {
        labels[row] = rng.random_range(0..classes);
    }
}

fn train_regime(
    regime: Regime,
    train_set: &Dataset,
    test_set: &Dataset,
    seed: u64,
) -> anyhow::Result<Trained> {
    let mut train = to_data(train_set);
    randomize_labels(&mut train, regime.label_fraction, seed);
    let test = to_data(test_set);
    let started = std::time::Instant::now();
    let outcome = infocap_nn::train(&regime.config, &train, &test, |_| {
        if shutdown::interrupted() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .with_context(|| format!("training {} ({})", regime.name, regime.task.name()))?;
    if let Some(divergence) = &outcome.divergence {
        tracing::warn!(regime = %regime.name, "training diverged: {}", divergence.message);
    }
    tracing::debug!(
        regime = %regime.name,
        task = regime.task.name(),
        seconds = format!("{:.1}", started.elapsed().as_secs_f64()),
        "trained"
    );
    Ok(Trained {
        regime,
        outcome,
        train,
    })
}

/// Measures a finished run and appends its rows.
fn record(trained: &Trained, settings: Settings, results: &mut Results) -> anyhow::Result<()> {
    let Trained {
        regime,
        outcome,
        train,
    } = trained;
    let task = regime.task.name().to_string();
    let plan = outcome.model.plan();
    let n_layers = plan.blocks.len();
    let labels = train
        .labels
        .as_ref()
        .expect("classification data has labels");
    let probe_labels: Vec<usize> = outcome
        .probes
        .train_samples
        .iter()
        .map(|&i| labels[i])
        .collect();

    // Layers in order within each epoch, so a noisy layer's bound caps the layers above it.
    let mut probes: Vec<&infocap_nn::LayerProbe> = outcome
        .probes
        .layers
        .iter()
        .filter(|p| p.split == Split::Train)
        .collect();
    probes.sort_by_key(|p| (p.epoch, p.layer));
    let mut upstream: HashMap<usize, measure::Upstream> = HashMap::new();
    let mut last_layers: HashMap<usize, measure::LayerBits> = HashMap::new();
    for probe in probes {
        let block = &plan.blocks[probe.layer - 1];
        let info = LayerInfo {
            block,
            is_output: probe.layer == n_layers,
        };
        let cap = upstream.get(&probe.epoch).copied();
        let bits = measure::measure(probe, info, &probe_labels, settings, cap)
            .with_context(|| format!("measuring layer {} of {}", probe.layer, regime.name))?;
        let channel = if info.is_output {
            Channel::Deterministic
        } else {
            Channel::of(block)
        };
        if matches!(channel, Channel::Gaussian { .. } | Channel::Vae) {
            // Bounds never loosen going up: min with the cap of the noisy layer below.
            let below = cap.unwrap_or(measure::Upstream {
                i_xt_bits: f64::INFINITY,
                i_ty_bits: f64::INFINITY,
            });
            // The pairwise bound on I(T;Y) holds for a Gaussian layer fed by X itself. A VAE
            // rate or a deeper layer bounds I(T;Y) only through I(T;Y) ≤ I(X;T).
            let first_gaussian = cap.is_none() && matches!(channel, Channel::Gaussian { .. });
            let own_ty = if first_gaussian && !bits.i_ty_high_bits.is_nan() {
                bits.i_ty_high_bits
            } else {
                bits.i_xt_high_bits
            };
            let bound = measure::Upstream {
                i_xt_bits: bits.i_xt_high_bits.min(below.i_xt_bits),
                i_ty_bits: own_ty.min(below.i_ty_bits),
            };
            upstream.insert(probe.epoch, bound);
        }
        if probe.epoch == outcome.epochs.last().map_or(0, |e| e.epoch) {
            last_layers.insert(probe.layer, bits.clone());
        }
        results.layers.push(LayerRow {
            task: task.clone(),
            regime: regime.name.clone(),
            kind: regime.kind.to_string(),
            is_output: info.is_output,
            bits,
        });
    }

    for stats in outcome.probes.gradients.iter().filter(|g| g.layer == 0) {
        results.gradients.push(GradientRow {
            task: task.clone(),
            regime: regime.name.clone(),
            epoch: stats.epoch,
            layer: stats.layer,
            grad_snr: stats.grad_snr,
            noise_scale: stats.noise_scale,
            grad_var: stats.grad_var,
        });
    }
    for units in &outcome.probes.units {
        results.units.push(UnitsRow {
            task: task.clone(),
            regime: regime.name.clone(),
            epoch: units.epoch,
            layer: units.layer,
            width: units.width,
            distinct_units: units.distinct_units,
        });
    }

    let last = outcome.epochs.last().expect("epoch 0 is always reported");
    let n_params = outcome.model.n_params();
    let classes = train.n_classes.unwrap_or(2);
    let per_input = outcome.per_input_loss_bits(train)?;
    let memorized = infocap_nn::memorized_bits(&per_input, classes);
    let last_hidden = last_layers.get(&(n_layers - 1));
    let last_units = outcome
        .probes
        .units
        .iter()
        .filter(|u| u.layer == 1)
        .max_by_key(|u| u.epoch);
    let last_snr = outcome
        .probes
        .gradients
        .iter()
        .filter(|g| g.layer == 0)
        .max_by_key(|g| g.epoch);
    let train_accuracy = last.train.accuracy.unwrap_or(f64::NAN);
    let test_accuracy = last.test.accuracy.unwrap_or(f64::NAN);
    results.regimes.push(RegimeRow {
        task,
        regime: regime.name.clone(),
        kind: regime.kind.to_string(),
        level: regime.level,
        label_fraction: regime.label_fraction,
        n_train: train.len(),
        n_test: outcome.probes.test_samples.len(),
        n_params,
        n_classes: classes,
        epochs: last.epoch,
        train_accuracy,
        test_accuracy,
        gap: train_accuracy - test_accuracy,
        train_loss_bits: last.train.loss_bits.unwrap_or(f64::NAN),
        test_loss_bits: last.test.loss_bits.unwrap_or(f64::NAN),
        memorized_bits: memorized,
        bits_per_parameter: memorized / n_params as f64,
        last_hidden_bits: last_hidden.map_or(f64::NAN, |b| b.i_xt_bits),
        last_hidden_method: last_hidden.map_or("", |b| b.i_xt_method).to_string(),
        last_hidden_ceiling_bits: last_hidden.map_or(f64::NAN, |b| b.ceiling_bits),
        distinct_units: last_units.map_or(0, |u| u.distinct_units),
        first_hidden_width: plan.blocks[0].width,
        grad_snr: last_snr.map_or(f64::NAN, |g| g.grad_snr),
        diverged: outcome.divergence.is_some(),
    });
    Ok(())
}

/// Fits the K-mode target with a deterministic regressor and a stochastic model and measures
/// the entropy of the mode their outputs land on.
fn multimodal(experiment: &Experiment) -> anyhow::Result<Vec<MultimodalRow>> {
    let settings = &experiment.multimodal;
    let modes = settings.modes;
    let params = Params::new().with("modes", modes);
    let data = generate("multimodal", &params, settings.rows, experiment.seed)?;
    let n_test = (data.len() / 5).max(1);
    let (train_set, test_set) = data.split(n_test, experiment.seed)?;
    let targets = |set: &Dataset| Data {
        x: set.x.clone(),
        labels: None,
        n_classes: None,
        targets: set.y.clone(),
    };
    let (train, test) = (targets(&train_set), targets(&test_set));
    let spacing = 1.0;
    let center = (modes as f64 - 1.0) / 2.0;

    let kinds = [
        ("regressor", ModelKind::Regressor),
        (
            "stochastic",
            ModelKind::Stochastic {
                noise_dims: 1,
                samples: 16,
            },
        ),
    ];
    let mut rows = Vec::new();
    for (name, kind) in kinds {
        let mut spec = ModelSpec::classifier(&[1, 32, 32, 1], infocap_nn::Activation::Tanh);
        spec.kind = kind;
        let mut config = TrainConfig::new(spec, settings.epochs, experiment.seed);
        config.optimizer = "adam:3e-3".parse()?;
        config.probes.epochs = infocap_nn::ProbeEpochs::List {
            epochs: vec![settings.epochs],
        };
        config.probes.train_samples = 1;
        config.probes.test_samples = test.len();
        config.probes.gradient_batches = 2;
        config.probes.eval_mode = true;
        let outcome = infocap_nn::train(&config, &train, &test, |_| {
            if shutdown::interrupted() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })?;
        shutdown::check()?;
        let output = outcome
            .probes
            .layers
            .iter()
            .filter(|p| p.split == Split::Test)
            .max_by_key(|p| (p.epoch, p.layer))
            .context("the output layer was not probed")?;
        let samples = outcome.probes.rows_per_sample.max(1);
        let mut near_modes: Vec<u64> = Vec::new();
        let mut offset_sum = 0.0;
        let outputs = output.activations.column(0);
        for (row, value) in outputs.iter().enumerate() {
            let input = outcome.probes.test_samples[row / samples];
            let x = test_set.x[(input, 0)];
            let mean = (std::f64::consts::PI * x).sin();
            // Offset from the centre of the modes in spacings; mode m sits at m − center.
            let offset = (f64::from(*value) - mean) / spacing;
            offset_sum += offset.abs();
            let mode = (offset + center).round();
            if (0.0..modes as f64).contains(&mode) && (offset + center - mode).abs() <= 0.25 {
                near_modes.push(mode as u64);
            }
        }
        // Below 20 hits the entropy of the modes hit would mean little, so it is left undefined.
        let mode_entropy_bits = if near_modes.len() >= 20 {
            discrete_entropy(&near_modes, Correction::None)?.bits
        } else {
            f64::NAN
        };
        rows.push(MultimodalRow {
            model: name.to_string(),
            modes,
            truth_bits: (modes as f64).log2(),
            mode_entropy_bits,
            mean_offset_spacings: offset_sum / outputs.len() as f64,
            near_mode_fraction: near_modes.len() as f64 / outputs.len() as f64,
        });
    }
    Ok(rows)
}

/// Writes every results table into `dir`.
pub fn write_tables(results: &Results, dir: &std::path::Path, seed: u64) -> anyhow::Result<()> {
    let stamp = |mut table: infocap_data::Table| {
        table.metadata.insert("seed".into(), seed.to_string());
        table
            .metadata
            .insert("infocap_version".into(), env!("CARGO_PKG_VERSION").into());
        table
    };
    stamp(records::regimes_table(&results.regimes)?).write(&dir.join("regimes.parquet"))?;
    stamp(records::layers_table(&results.layers)?).write(&dir.join("layers.parquet"))?;
    stamp(records::gradients_table(&results.gradients)?).write(&dir.join("gradients.parquet"))?;
    stamp(records::units_table(&results.units)?).write(&dir.join("units.parquet"))?;
    stamp(records::multimodal_table(&results.multimodal)?)
        .write(&dir.join("multimodal.parquet"))?;
    if !results.checks.is_empty() {
        stamp(crate::commands::validate::rows_table(&results.checks)?)
            .write(&dir.join("estimator_checks.parquet"))?;
    }
    Ok(())
}
