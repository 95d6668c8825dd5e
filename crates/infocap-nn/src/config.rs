//! The training configuration: a plain, serializable [`TrainConfig`], checked once into a
//! [`CheckedConfig`]; and the parser of noise-source names shared by the command line and
//! experiment drivers.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::activation::Activation;
use crate::error::NnError;
use crate::loss::Loss;
use crate::optim::{AsyncSgd, GradNoise, Optimizer, Schedule, split_values};
use crate::spec::{LayerNoise, ModelPlan, ModelSpec, NoisePlacement};

/// Everything that defines a training run besides the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub model: ModelSpec,
    /// The loss, or `None` to pick it from the model kind. The defaults are cross-entropy for
    /// a classifier, BCE for an autoencoder on inputs in [0, 1] (MSE otherwise), MSE for a
    /// regressor and the energy score for a stochastic model.
    #[serde(default)]
    pub loss: Option<Loss>,
    pub optimizer: Optimizer,
    #[serde(default)]
    pub schedule: Schedule,
    /// L2 weight decay λ (weights only).
    #[serde(default)]
    pub weight_decay: f64,
    /// Inputs per update; `None` is the full batch (no minibatch noise).
    pub batch_size: Option<usize>,
    #[serde(default)]
    pub grad_noise: Option<GradNoise>,
    #[serde(default)]
    pub async_sgd: Option<AsyncSgd>,
    pub epochs: usize,
    pub seed: u64,
    #[serde(default)]
    pub probes: ProbeConfig,
}

impl TrainConfig {
    /// Creates a run with Adam at 1e-3, batch 64 and default probes.
    pub fn new(model: ModelSpec, epochs: usize, seed: u64) -> Self {
        TrainConfig {
            model,
            loss: None,
            optimizer: Optimizer::adam(1e-3),
            schedule: Schedule::Constant,
            weight_decay: 0.0,
            batch_size: Some(64),
            grad_noise: None,
            async_sgd: None,
            epochs,
            seed,
            probes: ProbeConfig::default(),
        }
    }

    /// Adds a noise source to the configuration.
    ///
    /// # Errors
    /// When the same kind of optimization noise is given twice.
    pub fn add_noise(&mut self, source: NoiseSource) -> Result<(), NnError> {
        match source {
            NoiseSource::None => {}
            NoiseSource::Layer(placement) => self.model.noise.push(placement),
            NoiseSource::StochasticDepth(q) => self.model.stochastic_depth = Some(q),
            NoiseSource::Binary => self.model.activation = Activation::Sign,
            NoiseSource::BinaryWeights => self.model.binary_weights = true,
            NoiseSource::GradNoise(noise) => {
                if self.grad_noise.replace(noise).is_some() {
                    return Err(NnError::invalid(
                        "noise",
                        "grad-noise",
                        "give gradient noise once",
                    ));
                }
            }
            NoiseSource::Async(spec) => {
                if self.async_sgd.replace(spec).is_some() {
                    return Err(NnError::invalid("noise", "async", "give async once"));
                }
            }
        }
        Ok(())
    }

    /// Checks every parameter that does not depend on the data.
    ///
    /// # Errors
    /// [`NnError::InvalidParameter`] naming the first invalid value.
    pub fn check(&self) -> Result<CheckedConfig, NnError> {
        let plan = self.model.plan()?;
        let parameters = approximate_parameters(&plan);
        if parameters > MAX_PARAMETERS {
            let gib = (parameters * BYTES_PER_PARAMETER) as f64 / f64::from(1u32 << 30);
            return Err(NnError::invalid(
                "parameter count",
                parameters,
                format!(
                    "the weights, gradients and optimizer state would take {gib:.0} GiB, more \
                     than the 16 GiB limit; use narrower or fewer layers"
                ),
            ));
        }
        self.optimizer.validate()?;
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return Err(NnError::invalid(
                "weight decay",
                self.weight_decay,
                "use a finite value of at least 0, such as 1e-4",
            ));
        }
        if self.batch_size == Some(0) {
            return Err(NnError::invalid(
                "batch size",
                0,
                "use at least 1, or the full batch",
            ));
        }
        if let Some(noise) = self.grad_noise
            && !(noise.eta.is_finite()
                && noise.eta >= 0.0
                && noise.gamma.is_finite()
                && noise.gamma >= 0.0)
        {
            return Err(NnError::invalid(
                "gradient noise",
                format!("eta={}, gamma={}", noise.eta, noise.gamma),
                "use finite eta and gamma of at least 0, such as grad-noise:0.01,0.55",
            ));
        }
        if let Some(spec) = self.async_sgd
            && spec.workers == 0
        {
            return Err(NnError::invalid(
                "async workers",
                0,
                "use at least 1 worker, such as async:4",
            ));
        }
        if self.probes.gradient_batches == 1 {
            return Err(NnError::invalid(
                "gradient batches",
                1,
                "a variance needs at least 2 minibatches; use 0 to skip gradient statistics",
            ));
        }
        let probe_epochs = self.probes.resolve(self.epochs)?;
        Ok(CheckedConfig {
            config: self.clone(),
            plan,
            probe_epochs,
        })
    }
}

/// Bytes per parameter: the f32 weight, its gradient and two optimizer moments.
const BYTES_PER_PARAMETER: u128 = 16;

/// The largest network trained, 2^30 parameters, which take 16 GiB, the limit the data
/// generator uses too.
const MAX_PARAMETERS: u128 = (16 << 30) / BYTES_PER_PARAMETER;

/// Returns the weights and biases of `plan`, counting a VAE layer's two heads.
fn approximate_parameters(plan: &ModelPlan) -> u128 {
    plan.blocks
        .iter()
        .map(|b| {
            let heads = if b.vae_beta.is_some() { 2 } else { 1 };
            heads * (b.fan_in as u128 + 1) * b.width as u128
        })
        .sum()
}

/// A configuration whose data-independent parameters passed [`TrainConfig::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedConfig {
    pub config: TrainConfig,
    pub plan: ModelPlan,
    /// Epochs at which probes run, ascending; 0 is before the first update.
    pub probe_epochs: Vec<usize>,
}

/// When and on how many samples probes record layers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeConfig {
    pub epochs: ProbeEpochs,
    /// Training inputs whose activations are recorded (a fixed seeded subset).
    pub train_samples: usize,
    /// Test inputs whose activations are recorded.
    pub test_samples: usize,
    /// Minibatches whose gradients give the gradient mean and variance at a probe; 0 skips
    /// gradient statistics.
    pub gradient_batches: usize,
    /// Record activations in evaluation mode: dropout off, a VAE passes its mean, residual
    /// blocks scaled by their survival; noise kept at evaluation stays on. Off records them
    /// with every training noise on.
    #[serde(default)]
    pub eval_mode: bool,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig {
            epochs: ProbeEpochs::LogSpaced { count: 30 },
            train_samples: 1000,
            test_samples: 1000,
            gradient_batches: 16,
            eval_mode: false,
        }
    }
}

/// The epochs at which probes run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ProbeEpochs {
    /// Epoch 0, the last epoch and about `count` epochs in between, evenly spaced in
    /// log(1 + epoch), so probes are denser early when layers change fastest.
    LogSpaced { count: usize },
    /// Every `every` epochs, plus epoch 0 and the last.
    Every { every: usize },
    /// Exactly these epochs.
    List { epochs: Vec<usize> },
    /// No probes.
    Never,
}

impl ProbeConfig {
    /// Returns the probe epochs for a run of `total` epochs, ascending and distinct.
    pub fn resolve(&self, total: usize) -> Result<Vec<usize>, NnError> {
        let mut epochs: Vec<usize> = match &self.epochs {
            ProbeEpochs::Never => Vec::new(),
            ProbeEpochs::LogSpaced { count } => {
                // More points than the total + 1 epochs would only repeat epochs.
                let count = (*count).min(total + 1).max(2);
                let top = (1.0 + total as f64).ln();
                (0..count)
                    .map(|i| ((top * i as f64 / (count - 1) as f64).exp() - 1.0).round() as usize)
                    .chain([0, total])
                    .collect()
            }
            ProbeEpochs::Every { every: 0 } => {
                return Err(NnError::invalid(
                    "probe interval",
                    0,
                    "use at least 1 epoch between probes",
                ));
            }
            ProbeEpochs::Every { every } => (0..=total).step_by(*every).chain([total]).collect(),
            ProbeEpochs::List { epochs } => {
                if let Some(&bad) = epochs.iter().find(|&&e| e > total) {
                    return Err(NnError::invalid(
                        "probe epoch",
                        bad,
                        format!("the run has only {total} epochs"),
                    ));
                }
                epochs.clone()
            }
        };
        epochs.sort_unstable();
        epochs.dedup();
        Ok(epochs)
    }
}

/// One noise source as named on the command line.
#[derive(Debug, Clone, PartialEq)]
pub enum NoiseSource {
    None,
    Layer(NoisePlacement),
    StochasticDepth(f64),
    /// Sign activations in the hidden layers.
    Binary,
    BinaryWeights,
    GradNoise(GradNoise),
    Async(AsyncSgd),
}

impl NoiseSource {
    const NAMES: [&'static str; 11] = [
        "none",
        "dropout",
        "gauss",
        "uniform",
        "capacity",
        "vae",
        "stochastic-depth",
        "binary",
        "binary-weights",
        "grad-noise",
        "async",
    ];
}

impl FromStr for NoiseSource {
    type Err = NnError;

    /// Parses a noise name such as `dropout:0.2`, `gauss:0.5@1,2:eval`, `vae:1e-3`,
    /// `stochastic-depth:0.8`, `binary`, `binary-weights`, `grad-noise:0.01,0.55` or
    /// `async:4,3`. A layer noise may name its layers after `@` (0 is the input) and end in
    /// `:eval` to stay on at evaluation.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut body = text.trim();
        let mut at_eval = false;
        if let Some(stripped) = body.strip_suffix(":eval") {
            body = stripped;
            at_eval = true;
        }
        let (body, layers) = match body.split_once('@') {
            Some((body, layers)) => {
                let layers = layers
                    .split(',')
                    .map(|l| {
                        l.trim().parse::<usize>().map_err(|_| {
                            NnError::invalid(
                                "noise layers",
                                text,
                                format!("`{l}` is not a layer number; write e.g. dropout:0.2@1,2"),
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                (body, Some(layers))
            }
            None => (body, None),
        };
        let (name, values) = split_values(body, "noise")?;
        let need = |count: usize, usage: &str| -> Result<(), NnError> {
            if values.len() < count || values.len() > usage.matches(',').count() + 1 {
                Err(NnError::invalid("noise", text, format!("write {usage}")))
            } else {
                Ok(())
            }
        };
        let layer = |noise: LayerNoise| {
            NoiseSource::Layer(NoisePlacement {
                noise,
                layers: layers.clone(),
                at_eval,
            })
        };
        let source = match name.as_str() {
            "none" => NoiseSource::None,
            "dropout" => {
                need(1, "dropout:P")?;
                layer(LayerNoise::Dropout { rate: values[0] })
            }
            "gauss" => {
                need(1, "gauss:STD")?;
                layer(LayerNoise::Gauss { std: values[0] })
            }
            "uniform" => {
                need(1, "uniform:WIDTH")?;
                layer(LayerNoise::Uniform { width: values[0] })
            }
            "capacity" => {
                need(1, "capacity:BITS")?;
                layer(LayerNoise::Capacity { bits: values[0] })
            }
            "vae" => {
                need(1, "vae:BETA")?;
                layer(LayerNoise::Vae { beta: values[0] })
            }
            "stochastic-depth" => {
                need(1, "stochastic-depth:Q")?;
                NoiseSource::StochasticDepth(values[0])
            }
            "binary" => NoiseSource::Binary,
            "binary-weights" => NoiseSource::BinaryWeights,
            "grad-noise" => {
                need(1, "grad-noise:ETA,GAMMA")?;
                NoiseSource::GradNoise(GradNoise {
                    eta: values[0],
                    gamma: values.get(1).copied().unwrap_or(0.55),
                })
            }
            "async" => {
                need(1, "async:WORKERS,STALENESS")?;
                let count = |v: f64, what: &str| {
                    if v >= 0.0 && v.fract() == 0.0 {
                        Ok(v as usize)
                    } else {
                        Err(NnError::invalid(what, v, "use a whole number"))
                    }
                };
                let workers = count(values[0], "async workers")?;
                let staleness = match values.get(1) {
                    Some(&v) => count(v, "async staleness")?,
                    None => workers.saturating_sub(1),
                };
                NoiseSource::Async(AsyncSgd { workers, staleness })
            }
            _ => return Err(NnError::unknown("noise", &name, &NoiseSource::NAMES)),
        };
        let is_layer_noise = matches!(source, NoiseSource::Layer(_));
        if !is_layer_noise && (layers.is_some() || at_eval) {
            return Err(NnError::invalid(
                "noise",
                text,
                "only dropout, gauss, uniform, capacity and vae take @layers or :eval",
            ));
        }
        Ok(source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_layer_noise_with_layers_and_eval() {
        let source: NoiseSource = "gauss:0.5@1,2:eval".parse().unwrap();
        assert_eq!(
            source,
            NoiseSource::Layer(NoisePlacement {
                noise: LayerNoise::Gauss { std: 0.5 },
                layers: Some(vec![1, 2]),
                at_eval: true,
            })
        );
    }

    #[test]
    fn parses_optimization_noise() {
        assert_eq!(
            "grad-noise:0.3".parse::<NoiseSource>().unwrap(),
            NoiseSource::GradNoise(GradNoise {
                eta: 0.3,
                gamma: 0.55
            })
        );
        assert_eq!(
            "async:4".parse::<NoiseSource>().unwrap(),
            NoiseSource::Async(AsyncSgd {
                workers: 4,
                staleness: 3
            })
        );
    }

    #[test]
    fn unknown_noise_suggests_nearest() {
        let error = "dropot:0.2".parse::<NoiseSource>().unwrap_err().to_string();
        assert!(error.contains("did you mean `dropout`"), "{error}");
    }

    #[test]
    fn missing_value_is_explained() {
        let error = "dropout".parse::<NoiseSource>().unwrap_err().to_string();
        assert!(error.contains("write dropout:P"), "{error}");
    }

    #[test]
    fn log_spaced_probes_are_denser_early() {
        let probes = ProbeConfig {
            epochs: ProbeEpochs::LogSpaced { count: 12 },
            ..ProbeConfig::default()
        };
        let epochs = probes.resolve(1000).unwrap();
        assert_eq!(epochs.first(), Some(&0));
        assert_eq!(epochs.last(), Some(&1000));
        assert!(epochs.contains(&1));
        let early = epochs.iter().filter(|&&e| e <= 100).count();
        assert!(early > epochs.len() / 2, "{epochs:?}");
    }

    #[test]
    fn zero_learning_rate_is_rejected() {
        let mut config =
            TrainConfig::new(ModelSpec::classifier(&[4, 3, 2], Activation::Tanh), 1, 0);
        config.optimizer = Optimizer::Sgd { lr: 0.0 };
        let error = config.check().unwrap_err().to_string();
        assert!(error.contains("learning rate"), "{error}");
    }

    #[test]
    fn log_probe_count_capped_by_epochs() {
        let probes = ProbeConfig {
            epochs: ProbeEpochs::LogSpaced {
                count: 1_000_000_000,
            },
            ..ProbeConfig::default()
        };
        assert_eq!(probes.resolve(2).unwrap(), vec![0, 1, 2]);
    }

    #[test]
    fn oversized_network_is_rejected() {
        let spec = ModelSpec::classifier(&[64, 100_000_000, 10], Activation::Tanh);
        let error = TrainConfig::new(spec, 1, 0)
            .check()
            .unwrap_err()
            .to_string();
        assert!(error.contains("7500000010"), "{error}");
        assert!(error.contains("112 GiB"), "{error}");
        assert!(error.contains("16 GiB"), "{error}");
    }
}
