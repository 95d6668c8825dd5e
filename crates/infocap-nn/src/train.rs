//! The training loop: minibatches, optimization noise, per-epoch metrics, probes, divergence.
//!
//! Randomness comes from separate ChaCha8 streams of the seed (initialization, batch order,
//! layer noise, gradient noise, evaluation, probes), so probing never changes the training
//! trajectory. Nothing runs on rayon. Matrix products may use several threads through
//! matrixmultiply, which splits the output into blocks and sums each entry in the same order
//! at any thread count. A seed therefore gives the same weights at 1 and 2 threads.

use std::ops::ControlFlow;
use std::time::Instant;

use ndarray::{Array2, Axis, s};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::config::{CheckedConfig, TrainConfig};
use crate::data::Data;
use crate::error::NnError;
use crate::float::Float;
use crate::layers::Mode;
use crate::loss::{Loss, Target};
use crate::model::Model;
use crate::optim::{OptimizerState, StaleParams};
use crate::probe::{self, GradientProbe, Probes, Split};
use crate::spec::{ModelKind, format_widths};

const STREAM_INIT: u64 = 0;
const STREAM_ORDER: u64 = 1;
const STREAM_NOISE: u64 = 2;
const STREAM_GRAD_NOISE: u64 = 3;
const STREAM_PROBE_SUBSET: u64 = 4;
const STREAM_EVAL: u64 = 5;
/// Probe streams are this plus the epoch.
const STREAM_PROBE: u64 = 1 << 32;

/// Metrics of one split at the end of an epoch, in evaluation mode.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SplitMetrics {
    /// The objective per input: data loss plus β times the KL of VAE layers in nats.
    pub objective: f64,
    /// Data loss per input in the loss's unit (nats for cross-entropy and BCE, squared error
    /// for MSE, output units for the energy score).
    pub loss: f64,
    /// Data loss in bits for cross-entropy and BCE.
    pub loss_bits: Option<f64>,
    /// Fraction of inputs classified correctly, for classifiers.
    pub accuracy: Option<f64>,
    /// KL of VAE layers per input, summed over units, in bits: an upper bound on I(X; Z).
    pub kl_bits: Option<f64>,
}

/// The metrics passed to the observer after each epoch (epoch 0 is before the first update).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpochReport {
    pub epoch: usize,
    /// Updates made so far.
    pub steps: usize,
    /// Learning rate of the epoch's last update.
    pub lr: f64,
    /// Mean objective over the epoch's minibatches with training noise on; NaN at epoch 0.
    pub batch_objective: f64,
    pub train: SplitMetrics,
    pub test: SplitMetrics,
    /// Seconds since training started.
    pub seconds: f64,
    /// Whether probes ran at this epoch.
    pub probed: bool,
}

/// The record of a run whose objective or gradient became non-finite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Divergence {
    pub epoch: usize,
    pub step: usize,
    /// The first layer with a non-finite output or gradient, or `loss`.
    pub layer: String,
    pub message: String,
}

/// How many times its initial value the training objective may reach before the run counts as
/// diverged, even while every value is still finite.
const EXPLODED_FACTOR: f64 = 1e6;

/// Returns a divergence record when the mean training objective of an epoch exceeds
/// [`EXPLODED_FACTOR`] times (1 + its value before training).
fn exploded(objective: f64, baseline: f64, epoch: usize, step: usize) -> Option<Divergence> {
    let limit = EXPLODED_FACTOR * (1.0 + baseline.abs());
    (objective > limit).then(|| Divergence {
        epoch,
        step,
        layer: "loss".to_string(),
        message: format!(
            "the objective reached {objective:.3e} at epoch {epoch}, update {step}, more than \
             {EXPLODED_FACTOR:.0e} times its value of {baseline:.4} before training; lower the \
             learning rate"
        ),
    })
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct TrainOutcome<F> {
    /// The trained network; after a divergence, the weights at the end of the last epoch
    /// whose updates stayed finite.
    pub model: Model<F>,
    pub loss: Loss,
    pub epochs: Vec<EpochReport>,
    pub probes: Probes,
    pub divergence: Option<Divergence>,
    /// Whether the observer stopped the run early.
    pub stopped: bool,
}

enum Targets<F> {
    Labels(Vec<usize>),
    Values(Array2<F>),
}

impl<F: Float> Targets<F> {
    /// Returns what a model of `kind` is trained to output on `data`.
    fn for_model(kind: ModelKind, data: &Data) -> Result<Self, NnError> {
        match kind {
            ModelKind::Classifier => {
                let labels = data.labels.clone().ok_or_else(|| {
                    NnError::InvalidData(
                        "a classifier needs class labels; use data with a label column".into(),
                    )
                })?;
                Ok(Targets::Labels(labels))
            }
            ModelKind::Autoencoder => Ok(Targets::Values(data.x.mapv(F::of))),
            ModelKind::Regressor | ModelKind::Stochastic { .. } => {
                let targets = data.targets.as_ref().ok_or_else(|| {
                    NnError::InvalidData(format!(
                        "a {} model needs target columns y0, y1, ...",
                        kind.name()
                    ))
                })?;
                Ok(Targets::Values(targets.mapv(F::of)))
            }
        }
    }

    fn view(&self) -> Target<'_, F> {
        match self {
            Targets::Labels(labels) => Target::Labels(labels),
            Targets::Values(values) => Target::Values(values.view()),
        }
    }

    fn select(&self, rows: &[usize]) -> Targets<F> {
        match self {
            Targets::Labels(labels) => Targets::Labels(rows.iter().map(|&i| labels[i]).collect()),
            Targets::Values(values) => Targets::Values(values.select(Axis(0), rows)),
        }
    }
}

struct SplitData<F> {
    x: Array2<F>,
    targets: Targets<F>,
}

/// A network with its optimizer and data, advanced one epoch at a time.
pub struct Trainer<F> {
    checked: CheckedConfig,
    loss: Loss,
    model: Model<F>,
    optimizer: OptimizerState<F>,
    train: SplitData<F>,
    test: SplitData<F>,
    order_rng: ChaCha8Rng,
    noise_rng: ChaCha8Rng,
    grad_noise_rng: ChaCha8Rng,
    stale: Option<StaleParams<F>>,
    steps: usize,
    epoch: usize,
    lr: f64,
}

fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

impl<F: Float> Trainer<F> {
    /// Checks the data against the model and initializes the network.
    ///
    /// # Errors
    /// [`NnError::InvalidData`] when the architecture does not fit the data (input width,
    /// classes or target width), when labels or targets the model needs are missing, or when
    /// data are not finite; [`NnError::InvalidParameter`] for a loss that does not fit the
    /// model.
    pub fn new(checked: CheckedConfig, train: &Data, test: &Data) -> Result<Self, NnError> {
        train.validate("train")?;
        test.validate("test")?;
        let config = &checked.config;
        let plan = &checked.plan;
        let arch = format_widths(&config.model.widths);
        if train.x.ncols() != plan.input_width() || test.x.ncols() != plan.input_width() {
            return Err(NnError::InvalidData(format!(
                "architecture {arch} takes {} inputs but the data have {} columns; \
                 start the architecture with {}",
                plan.input_width(),
                train.x.ncols(),
                train.x.ncols()
            )));
        }
        let loss = pick_loss(config, train)?;
        let targets = |data: &Data| Targets::<F>::for_model(config.model.kind, data);
        let train_targets = targets(train)?;
        let test_targets = targets(test)?;
        let needed_outputs = match (&train_targets, config.model.kind) {
            (Targets::Labels(_), _) => train
                .n_classes
                .unwrap_or(0)
                .max(test.n_classes.unwrap_or(0)),
            (Targets::Values(values), _) => values.ncols(),
        };
        if plan.output_width() != needed_outputs {
            let what = match config.model.kind {
                ModelKind::Classifier => "classes",
                ModelKind::Autoencoder => "input columns to reconstruct",
                _ => "target columns",
            };
            return Err(NnError::InvalidData(format!(
                "architecture {arch} has {} outputs but the data have {needed_outputs} {what}; \
                 end the architecture with {needed_outputs}",
                plan.output_width()
            )));
        }
        let seed = config.seed;
        let model = Model::new(plan, config.model.init, &mut stream(seed, STREAM_INIT));
        let optimizer = OptimizerState::new(config.optimizer, model.params());
        let stale = config.async_sgd.map(|a| StaleParams::new(a.staleness));
        tracing::debug!(
            %loss,
            params = model.n_params(),
            arch,
            "initialized the network"
        );
        Ok(Trainer {
            loss,
            model,
            optimizer,
            train: SplitData {
                x: train.x.mapv(F::of),
                targets: train_targets,
            },
            test: SplitData {
                x: test.x.mapv(F::of),
                targets: test_targets,
            },
            order_rng: stream(seed, STREAM_ORDER),
            noise_rng: stream(seed, STREAM_NOISE),
            grad_noise_rng: stream(seed, STREAM_GRAD_NOISE),
            stale,
            steps: 0,
            epoch: 0,
            lr: config.optimizer.lr(),
            checked,
        })
    }

    /// Returns the network.
    pub fn model(&self) -> &Model<F> {
        &self.model
    }

    /// Returns the loss in use.
    pub fn loss(&self) -> Loss {
        self.loss
    }

    /// Returns the minibatches of the next epoch as row indices.
    fn batches(&mut self) -> Vec<Vec<usize>> {
        let n = self.train.x.nrows();
        let size = self.checked.config.batch_size.unwrap_or(n).min(n);
        let workers = self.checked.config.async_sgd.map_or(1, |a| a.workers);
        let mut shards: Vec<Vec<Vec<usize>>> = (0..workers)
            .map(|w| {
                let mut rows: Vec<usize> = (w..n).step_by(workers).collect();
                rows.shuffle(&mut self.order_rng);
                rows.chunks(size).map(<[usize]>::to_vec).collect()
            })
            .collect();
        // Workers take turns; a worker whose shard is used up drops out of the rotation.
        let mut batches = Vec::new();
        let longest = shards.iter().map(Vec::len).max().unwrap_or(0);
        for round in 0..longest {
            for shard in shards.iter_mut() {
                if let Some(batch) = shard.get_mut(round) {
                    batches.push(std::mem::take(batch));
                }
            }
        }
        batches
    }

    /// Runs one epoch of updates and returns the mean minibatch objective.
    ///
    /// # Errors
    /// A [`Divergence`] when the objective or a gradient becomes non-finite; the network is
    /// then left as it was after the last update.
    pub fn run_epoch(&mut self) -> Result<f64, Divergence> {
        let config = &self.checked.config;
        let (epochs, schedule, base_lr) = (config.epochs, config.schedule, config.optimizer.lr());
        let (weight_decay, grad_noise) = (config.weight_decay, config.grad_noise);
        let batches = self.batches();
        let n_batches = batches.len();
        let mut objective_sum = 0.0;
        for (b, rows) in batches.iter().enumerate() {
            let x = self.train.x.select(Axis(0), rows);
            let targets = self.train.targets.select(rows);
            let progress = self.epoch as f64 + b as f64 / n_batches as f64;
            self.lr = base_lr * schedule.factor(progress, epochs);

            // A stale gradient: swap in the parameters of update max(0, t - staleness),
            // compute the gradient there, and swap the current parameters back.
            if let Some(stale) = &mut self.stale {
                stale.push(self.steps, self.model.param_values());
                self.model.swap_param_values(stale.oldest_mut());
            }
            let objective = self
                .model
                .compute_gradient(x.view(), targets.view(), self.loss, &mut self.noise_rng)
                .value;
            if let Some(stale) = &mut self.stale {
                self.model.swap_param_values(stale.oldest_mut());
            }
            if !objective.is_finite() {
                return Err(self.diverged(&x, "objective", objective));
            }
            objective_sum += objective;

            // A sum is non-finite when any term is NaN or infinite (or the terms are near the
            // largest float, which is divergence too), and it vectorizes, unlike a per-value test.
            if let Some((k, _)) = self
                .model
                .blocks()
                .iter()
                .enumerate()
                .find(|(_, b)| b.params().iter().any(|p| !p.grad.sum().is_finite()))
            {
                return Err(Divergence {
                    epoch: self.epoch + 1,
                    step: self.steps,
                    layer: format!("layer {}", k + 1),
                    message: format!(
                        "the gradient of layer {} became non-finite at epoch {}, update {}; \
                         lower the learning rate",
                        k + 1,
                        self.epoch + 1,
                        self.steps
                    ),
                });
            }
            if let Some(noise) = grad_noise {
                let grads = self.model.params_mut().map(|p| &mut p.grad);
                noise.apply(grads, self.steps, &mut self.grad_noise_rng);
            }
            self.optimizer
                .step(self.model.params_mut(), self.lr, weight_decay);
            self.model.after_update();
            self.steps += 1;
        }
        self.epoch += 1;
        Ok(objective_sum / n_batches.max(1) as f64)
    }

    /// Builds the divergence record, naming the first layer whose output is not finite.
    fn diverged(&mut self, x: &Array2<F>, what: &str, value: f64) -> Divergence {
        let mut rng = stream(self.checked.config.seed, STREAM_EVAL);
        let outputs = self.model.forward_recorded(x.view(), Mode::Eval, &mut rng);
        let layer = outputs
            .iter()
            .position(|o| o.output.iter().any(|v| !v.is_finite()))
            .map_or_else(|| "loss".to_string(), |k| format!("layer {}", k + 1));
        Divergence {
            epoch: self.epoch + 1,
            step: self.steps,
            message: format!(
                "the {what} became {value} at epoch {}, update {}; first non-finite values in \
                 {layer}; lower the learning rate",
                self.epoch + 1,
                self.steps
            ),
            layer,
        }
    }

    /// Evaluates a split in evaluation mode.
    pub fn evaluate(&mut self, split: Split) -> SplitMetrics {
        const CHUNK: usize = 1024;
        let data = match split {
            Split::Train => &self.train,
            Split::Test => &self.test,
        };
        let mut rng = stream(self.checked.config.seed, STREAM_EVAL);
        let n = data.x.nrows();
        let (mut loss_sum, mut correct, mut kl_sum, mut kl_weighted) = (0.0, 0, 0.0, 0.0);
        let samples = self.model.plan().samples;
        for start in (0..n).step_by(CHUNK) {
            let end = (start + CHUNK).min(n);
            let output = self.model.forward(
                data.x.slice(s![start..end, ..]),
                Mode::Eval,
                &mut rng,
                false,
            );
            let target = crate::model::slice_target(data.targets.view(), start, end);
            let sum = self.loss.evaluate(&output, target, samples, None);
            loss_sum += sum.total;
            correct += sum.correct;
            if let Some(kl) = self.model.kl_per_row_nats() {
                kl_sum += kl.sum() / samples as f64;
                kl_weighted += self.model.weighted_kl_nats() * (end - start) as f64;
            }
        }
        let n_f = n as f64;
        let has_vae = self.model.blocks().iter().any(|b| b.vae_beta.is_some());
        SplitMetrics {
            objective: (loss_sum + kl_weighted) / n_f,
            loss: loss_sum / n_f,
            loss_bits: self
                .loss
                .is_in_nats()
                .then(|| loss_sum / n_f / std::f64::consts::LN_2),
            accuracy: matches!(data.targets, Targets::Labels(_)).then(|| correct as f64 / n_f),
            kl_bits: has_vae.then(|| kl_sum / n_f / std::f64::consts::LN_2),
        }
    }

    /// Runs every probe for the current epoch.
    fn probe(&mut self, subsets: &ProbeSubsets<F>, probes: &mut Probes) {
        let config = &self.checked.config;
        let mut rng = stream(config.seed, STREAM_PROBE + self.epoch as u64);
        let epoch = self.epoch;
        let mode = if config.probes.eval_mode {
            Mode::Eval
        } else {
            Mode::Train
        };
        probe::record_layers(
            &mut self.model,
            &subsets.train,
            epoch,
            Split::Train,
            mode,
            &mut rng,
            probes,
        );
        probe::record_layers(
            &mut self.model,
            &subsets.test,
            epoch,
            Split::Test,
            mode,
            &mut rng,
            probes,
        );
        probe::record_units(&self.model, epoch, probes);
        let gradient_probe = GradientProbe {
            x: &self.train.x,
            target: self.train.targets.view(),
            loss: self.loss,
            train_batch: config.batch_size.unwrap_or(self.train.x.nrows()),
            batches: config.probes.gradient_batches,
        };
        probe::record_gradients(&mut self.model, gradient_probe, epoch, &mut rng, probes);
    }
}

impl<F: Float> TrainOutcome<F> {
    /// Returns the data loss of each input of `data` under the trained network in evaluation
    /// mode, in bits for cross-entropy and BCE and in the loss's unit otherwise. For a
    /// classifier, N log2 C minus the sum is the number of memorized bits
    /// ([`crate::memorized_bits`]).
    ///
    /// # Errors
    /// [`NnError::InvalidData`] when `data` lacks the labels or targets the model needs or
    /// does not match its input width.
    pub fn per_input_loss_bits(&self, data: &Data) -> Result<Vec<f64>, NnError> {
        data.validate("evaluation")?;
        let plan = self.model.plan();
        if data.x.ncols() != plan.input_width() {
            return Err(NnError::InvalidData(format!(
                "the network takes {} inputs but the data have {} columns",
                plan.input_width(),
                data.x.ncols()
            )));
        }
        let targets = Targets::<F>::for_model(plan.kind, data)?;
        let mut model = self.model.clone();
        let mut rng = stream(0, STREAM_EVAL);
        let x = data.x.mapv(F::of);
        let losses = model.per_input_loss(x.view(), targets.view(), self.loss, &mut rng);
        let scale = if self.loss.is_in_nats() {
            1.0 / std::f64::consts::LN_2
        } else {
            1.0
        };
        Ok(losses.into_iter().map(|l| l * scale).collect())
    }
}

/// Picks the loss from the configuration and checks that it fits the model and data.
fn pick_loss(config: &TrainConfig, train: &Data) -> Result<Loss, NnError> {
    let kind = config.model.kind;
    let in_unit_interval = |m: &Array2<f64>| m.iter().all(|v| (0.0..=1.0).contains(v));
    let default = match kind {
        ModelKind::Classifier => Loss::CrossEntropy,
        ModelKind::Autoencoder if in_unit_interval(&train.x) => Loss::Bce,
        ModelKind::Autoencoder | ModelKind::Regressor => Loss::Mse,
        ModelKind::Stochastic { .. } => Loss::EnergyScore,
    };
    let loss = config.loss.unwrap_or(default);
    let fits = match loss {
        Loss::CrossEntropy => kind == ModelKind::Classifier,
        Loss::Mse => matches!(kind, ModelKind::Autoencoder | ModelKind::Regressor),
        Loss::Bce => {
            let targets = match kind {
                ModelKind::Autoencoder => Some(&train.x),
                ModelKind::Regressor => train.targets.as_ref(),
                _ => None,
            };
            targets.is_some_and(in_unit_interval)
        }
        Loss::EnergyScore => matches!(kind, ModelKind::Stochastic { .. }),
    };
    if !fits {
        return Err(NnError::invalid(
            "loss",
            loss,
            format!(
                "does not fit a {} model{}; the default is {default}",
                kind.name(),
                if loss == Loss::Bce {
                    " unless its targets are in [0, 1]"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok(loss)
}

struct ProbeSubsets<F> {
    train: Array2<F>,
    test: Array2<F>,
}

/// Picks the probe subsets: the first rows of a seeded shuffle of each split.
fn probe_subsets<F: Float>(trainer: &Trainer<F>, probes: &mut Probes) -> ProbeSubsets<F> {
    let config = &trainer.checked.config;
    let mut rng = stream(config.seed, STREAM_PROBE_SUBSET);
    let mut pick = |n: usize, count: usize| {
        let mut rows: Vec<usize> = (0..n).collect();
        rows.shuffle(&mut rng);
        rows.truncate(count.min(n));
        rows
    };
    probes.train_samples = pick(trainer.train.x.nrows(), config.probes.train_samples);
    probes.test_samples = pick(trainer.test.x.nrows(), config.probes.test_samples);
    probes.rows_per_sample = trainer.model.plan().samples;
    ProbeSubsets {
        train: trainer.train.x.select(Axis(0), &probes.train_samples),
        test: trainer.test.x.select(Axis(0), &probes.test_samples),
    }
}

/// Trains in `f32`; see [`train_as`].
pub fn train(
    config: &TrainConfig,
    train: &Data,
    test: &Data,
    observer: impl FnMut(&EpochReport) -> ControlFlow<()>,
) -> Result<TrainOutcome<f32>, NnError> {
    train_as::<f32>(config, train, test, observer)
}

/// Trains a network, calling `observer` after every epoch (and once for epoch 0, before the
/// first update). `ControlFlow::Break` stops the run after that epoch.
///
/// A non-finite objective or gradient stops training. The outcome then contains a
/// [`Divergence`] and the weights at the end of the last completed epoch.
///
/// # Errors
/// [`NnError`] for an invalid configuration or data that do not fit the model; nothing is
/// trained then.
pub fn train_as<F: Float>(
    config: &TrainConfig,
    train: &Data,
    test: &Data,
    mut observer: impl FnMut(&EpochReport) -> ControlFlow<()>,
) -> Result<TrainOutcome<F>, NnError> {
    let checked = config.check()?;
    let probe_epochs = checked.probe_epochs.clone();
    let mut trainer = Trainer::<F>::new(checked, train, test)?;
    let mut probes = Probes::default();
    let subsets = probe_subsets(&trainer, &mut probes);
    let start = Instant::now();
    // Not reserved from `config.epochs`: a run may be stopped long before a huge count.
    let mut epochs = Vec::new();
    let mut last_good;
    let mut divergence = None;
    let mut stopped = false;
    let mut batch_objective = f64::NAN;
    loop {
        let epoch = trainer.epoch;
        let probed = probe_epochs.binary_search(&epoch).is_ok();
        if probed {
            trainer.probe(&subsets, &mut probes);
        }
        let report = EpochReport {
            epoch,
            steps: trainer.steps,
            lr: trainer.lr,
            batch_objective,
            train: trainer.evaluate(Split::Train),
            test: trainer.evaluate(Split::Test),
            seconds: start.elapsed().as_secs_f64(),
            probed,
        };
        epochs.push(report);
        tracing::trace!(
            epoch,
            train_objective = report.train.objective,
            test_objective = report.test.objective,
            "finished epoch"
        );
        if observer(&report).is_break() {
            stopped = epoch < config.epochs;
            break;
        }
        if epoch == config.epochs {
            break;
        }
        last_good = trainer.model.param_values();
        let baseline = epochs[0].train.objective;
        match trainer.run_epoch().and_then(|objective| {
            exploded(objective, baseline, trainer.epoch, trainer.steps).map_or(Ok(objective), Err)
        }) {
            Ok(objective) => batch_objective = objective,
            Err(record) => {
                tracing::warn!("{}", record.message);
                trainer.model.set_param_values(&last_good);
                divergence = Some(record);
                break;
            }
        }
    }
    Ok(TrainOutcome {
        loss: trainer.loss,
        model: trainer.model,
        epochs,
        probes,
        divergence,
        stopped,
    })
}
