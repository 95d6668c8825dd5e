//! The training regimes of the main experiment: one network configuration per noise source
//! and level, built from the experiment file.

use anyhow::Context;
use infocap_nn::{
    Activation, Init, ModelSpec, NoiseSource, Optimizer, ProbeConfig, ProbeEpochs, TrainConfig,
};

use super::config::{Experiment, Network};

/// Which part of the experiment a regime belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// The binary-pattern task of known information content.
    Patterns,
    /// The real data set, one regime per noise source.
    Real,
    /// The capacity-limited layer on real labels.
    Capacity,
    /// The capacity-limited layer on random labels.
    CapacityRandom,
    /// Random-label memorization against width, on generated data.
    Memorization,
    /// The real-data network with a fraction of random training labels.
    LabelNoise,
}

impl Task {
    /// Returns the name used in tables.
    pub fn name(self) -> &'static str {
        match self {
            Task::Patterns => "patterns",
            Task::Real => "real",
            Task::Capacity => "capacity",
            Task::CapacityRandom => "capacity-random",
            Task::Memorization => "memorization",
            Task::LabelNoise => "label-noise",
        }
    }

    /// Returns the tables of the experiment file that configure this task's runs.
    pub fn config_table(self) -> &'static str {
        match self {
            Task::Patterns => "[known]",
            Task::Real => "[network] or [regimes]",
            Task::Capacity | Task::CapacityRandom => "[capacity]",
            Task::Memorization => "[memorization]",
            Task::LabelNoise => "[label_noise]",
        }
    }
}

/// One training run of the experiment.
#[derive(Debug, Clone)]
pub struct Regime {
    pub task: Task,
    /// Unique within the task, such as `dropout 0.3`.
    pub name: String,
    /// The noise source: none, dropout, gauss, vae, stochastic-depth, binary, full-batch,
    /// batch, grad-noise, async, constant-init, capacity or width.
    pub kind: &'static str,
    /// The level of that source (rate, std, beta, survival, batch size, eta, workers, bits
    /// per unit, width); NaN when it has none.
    pub level: f64,
    /// Fraction of training labels replaced by random labels.
    pub label_fraction: f64,
    pub config: TrainConfig,
}

/// How a network is trained and probed.
struct Schedule<'a> {
    optimizer: &'a str,
    batch: usize,
    epochs: usize,
    /// Log-spaced probe epochs.
    probes: usize,
    /// Training inputs whose activations are recorded.
    probe_samples: usize,
    seed: u64,
}

/// Builds a classifier configuration of `widths`, recording activations in evaluation mode.
fn base_config(
    widths: &[usize],
    activation: Activation,
    schedule: Schedule,
) -> anyhow::Result<TrainConfig> {
    let Schedule {
        optimizer,
        batch,
        epochs,
        probes,
        probe_samples,
        seed,
    } = schedule;
    let mut config = TrainConfig::new(ModelSpec::classifier(widths, activation), epochs, seed);
    config.optimizer = optimizer
        .parse::<Optimizer>()
        .with_context(|| format!("invalid optimizer {optimizer}"))?;
    config.batch_size = Some(batch);
    config.probes = ProbeConfig {
        epochs: ProbeEpochs::LogSpaced { count: probes },
        train_samples: probe_samples,
        test_samples: probe_samples.min(200),
        gradient_batches: 8,
        eval_mode: true,
    };
    Ok(config)
}

fn activation(name: &str) -> anyhow::Result<Activation> {
    name.parse::<Activation>()
        .with_context(|| format!("invalid activation {name}"))
}

fn with_noise(mut config: TrainConfig, noise: &str) -> anyhow::Result<TrainConfig> {
    let source: NoiseSource = noise
        .parse()
        .with_context(|| format!("invalid noise {noise}"))?;
    config.add_noise(source)?;
    Ok(config)
}

/// Returns the regimes of the pattern task: one per activation, plus tanh with Gaussian
/// noise kept at evaluation when `noise_std` is positive.
pub fn pattern_regimes(experiment: &Experiment) -> anyhow::Result<Vec<Regime>> {
    let known = &experiment.known;
    let mut widths = vec![known.bits];
    widths.extend(&known.hidden);
    widths.push(2);
    let make = |act: &str| {
        base_config(
            &widths,
            activation(act)?,
            Schedule {
                optimizer: &known.optimizer,
                batch: known.batch,
                epochs: known.epochs,
                probes: known.probes,
                probe_samples: 1 << known.bits,
                seed: experiment.seed,
            },
        )
    };
    let mut regimes = Vec::new();
    for act in &known.activations {
        regimes.push(Regime {
            task: Task::Patterns,
            name: act.clone(),
            kind: "none",
            level: f64::NAN,
            label_fraction: 0.0,
            config: make(act)?,
        });
    }
    if known.noise_std > 0.0 {
        let config = with_noise(make("tanh")?, &format!("gauss:{}:eval", known.noise_std))?;
        regimes.push(Regime {
            task: Task::Patterns,
            name: format!("tanh, gauss {}", known.noise_std),
            kind: "gauss",
            level: known.noise_std,
            label_fraction: 0.0,
            config,
        });
    }
    Ok(regimes)
}

/// Returns the widths of the real-data network for inputs of `d_in` and `classes` outputs.
fn real_widths(network: &Network, d_in: usize, classes: usize) -> Vec<usize> {
    let mut widths = vec![d_in];
    widths.extend(&network.hidden);
    widths.push(classes);
    widths
}

/// Returns the noise regimes on the real data set of `n_train` training rows.
pub fn real_regimes(
    experiment: &Experiment,
    d_in: usize,
    classes: usize,
    n_train: usize,
) -> anyhow::Result<Vec<Regime>> {
    let network = &experiment.network;
    let regimes = &experiment.regimes;
    let widths = real_widths(network, d_in, classes);
    let base = || {
        base_config(
            &widths,
            activation(&network.activation)?,
            Schedule {
                optimizer: &network.optimizer,
                batch: network.batch,
                epochs: network.epochs,
                probes: network.probes,
                probe_samples: network.probe_samples,
                seed: experiment.seed,
            },
        )
    };
    // Full-batch runs get the updates a minibatch run makes, one per epoch, within the cap.
    let full_batch_epochs = (network.epochs * n_train.div_ceil(network.batch).max(1))
        .min(regimes.full_batch_max_epochs)
        .max(1);
    let regime = |name: String, kind: &'static str, level: f64, config: TrainConfig| Regime {
        task: Task::Real,
        name,
        kind,
        level,
        label_fraction: 0.0,
        config,
    };

    let mut out = vec![regime("no noise".into(), "none", f64::NAN, base()?)];
    for &rate in &regimes.dropout {
        let config = with_noise(base()?, &format!("dropout:{rate}"))?;
        out.push(regime(format!("dropout {rate}"), "dropout", rate, config));
    }
    for &std in &regimes.gauss {
        let config = with_noise(base()?, &format!("gauss:{std}:eval"))?;
        out.push(regime(format!("gauss {std}"), "gauss", std, config));
    }
    for &beta in &regimes.vae_beta {
        let config = with_noise(base()?, &format!("vae:{beta}"))?;
        out.push(regime(format!("vae {beta}"), "vae", beta, config));
    }
    for &survival in &regimes.stochastic_depth {
        let config = with_noise(base()?, &format!("stochastic-depth:{survival}"))?;
        out.push(regime(
            format!("stochastic depth {survival}"),
            "stochastic-depth",
            survival,
            config,
        ));
    }
    if regimes.binary {
        let config = with_noise(base()?, "binary")?;
        out.push(regime("binary units".into(), "binary", f64::NAN, config));
    }
    if regimes.full_batch {
        let mut config = base()?;
        config.batch_size = None;
        config.epochs = full_batch_epochs;
        out.push(regime("full batch".into(), "full-batch", f64::NAN, config));
    }
    for &batch in &regimes.small_batch {
        let mut config = base()?;
        config.batch_size = Some(batch);
        out.push(regime(
            format!("batch {batch}"),
            "batch",
            batch as f64,
            config,
        ));
    }
    for &eta in &regimes.grad_noise {
        let config = with_noise(base()?, &format!("grad-noise:{eta},0.55"))?;
        out.push(regime(
            format!("gradient noise {eta}"),
            "grad-noise",
            eta,
            config,
        ));
    }
    for &workers in &regimes.async_workers {
        let config = with_noise(base()?, &format!("async:{workers}"))?;
        out.push(regime(
            format!("async {workers} workers"),
            "async",
            workers as f64,
            config,
        ));
    }
    if regimes.symmetry {
        let constant = |dropout: Option<f64>| -> anyhow::Result<TrainConfig> {
            let mut config = base()?;
            config.model.init = "constant:0.1".parse::<Init>()?;
            config.batch_size = None;
            config.epochs = full_batch_epochs;
            match dropout {
                Some(rate) => with_noise(config, &format!("dropout:{rate}")),
                None => Ok(config),
            }
        };
        out.push(regime(
            "constant init".into(),
            "constant-init",
            0.0,
            constant(None)?,
        ));
        out.push(regime(
            "constant init, dropout 0.1".into(),
            "constant-init",
            0.1,
            constant(Some(0.1))?,
        ));
    }
    Ok(out)
}

/// Returns the capacity sweep: the capacity-limited layer at every hidden layer, on real
/// labels and (when asked) on fully random labels.
pub fn capacity_regimes(
    experiment: &Experiment,
    d_in: usize,
    classes: usize,
) -> anyhow::Result<Vec<Regime>> {
    let network = &experiment.network;
    let sweep = &experiment.capacity;
    let widths = real_widths(network, d_in, classes);
    let mut out = Vec::new();
    let tasks: &[(Task, f64)] = if sweep.random_labels {
        &[(Task::Capacity, 0.0), (Task::CapacityRandom, 1.0)]
    } else {
        &[(Task::Capacity, 0.0)]
    };
    for &(task, label_fraction) in tasks {
        for &bits in &sweep.bits {
            let config = base_config(
                &widths,
                activation(&network.activation)?,
                Schedule {
                    optimizer: &network.optimizer,
                    batch: network.batch,
                    epochs: sweep.epochs,
                    probes: network.probes.min(6),
                    probe_samples: network.probe_samples,
                    seed: experiment.seed,
                },
            )?;
            out.push(Regime {
                task,
                name: format!("capacity {bits}"),
                kind: "capacity",
                level: bits,
                label_fraction,
                config: with_noise(config, &format!("capacity:{bits}"))?,
            });
        }
    }
    Ok(out)
}

/// Returns the memorization sweep: one hidden ReLU layer of each width on random labels.
pub fn memorization_regimes(experiment: &Experiment) -> anyhow::Result<Vec<Regime>> {
    let memorization = &experiment.memorization;
    let mut out = Vec::new();
    for &width in &memorization.widths {
        let config = base_config(
            &[memorization.dim, width, memorization.classes],
            Activation::Relu,
            Schedule {
                optimizer: &memorization.optimizer,
                batch: 32,
                epochs: memorization.epochs,
                probes: 2,
                probe_samples: memorization.rows,
                seed: experiment.seed,
            },
        )?;
        out.push(Regime {
            task: Task::Memorization,
            name: format!("width {width}"),
            kind: "width",
            level: width as f64,
            label_fraction: 1.0,
            config,
        });
    }
    Ok(out)
}

/// Returns the label-noise sweep: the real-data network at each fraction of random labels.
pub fn label_noise_regimes(
    experiment: &Experiment,
    d_in: usize,
    classes: usize,
) -> anyhow::Result<Vec<Regime>> {
    let network = &experiment.network;
    let widths = real_widths(network, d_in, classes);
    let mut out = Vec::new();
    for &fraction in &experiment.label_noise.fractions {
        let config = base_config(
            &widths,
            activation(&network.activation)?,
            Schedule {
                optimizer: &network.optimizer,
                batch: network.batch,
                epochs: experiment.label_noise.epochs,
                probes: network.probes.min(6),
                probe_samples: network.probe_samples,
                seed: experiment.seed,
            },
        )?;
        out.push(Regime {
            task: Task::LabelNoise,
            name: format!("random labels {fraction}"),
            kind: "label-noise",
            level: fraction,
            label_fraction: fraction,
            config,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_real_regimes_cover_every_noise_source() {
        let regimes = real_regimes(&Experiment::default(), 64, 10, 1000).unwrap();
        let kinds: Vec<&str> = regimes.iter().map(|r| r.kind).collect();
        for kind in [
            "none",
            "dropout",
            "gauss",
            "vae",
            "stochastic-depth",
            "binary",
            "full-batch",
            "batch",
            "grad-noise",
            "async",
            "constant-init",
        ] {
            assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
        }
        for regime in &regimes {
            regime
                .config
                .check()
                .unwrap_or_else(|e| panic!("{}: {e}", regime.name));
        }
    }

    #[test]
    fn regime_names_are_unique_per_task() {
        let experiment = Experiment::default();
        let mut all = real_regimes(&experiment, 64, 10, 1000).unwrap();
        all.extend(capacity_regimes(&experiment, 64, 10).unwrap());
        all.extend(memorization_regimes(&experiment).unwrap());
        all.extend(label_noise_regimes(&experiment, 64, 10).unwrap());
        all.extend(pattern_regimes(&experiment).unwrap());
        let mut keys: Vec<(&str, &str)> = all
            .iter()
            .map(|r| (r.task.name(), r.name.as_str()))
            .collect();
        let total = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), total);
    }

    #[test]
    fn pattern_network_follows_the_known_task() {
        let regimes = pattern_regimes(&Experiment::default()).unwrap();
        assert_eq!(regimes[0].config.model.widths, vec![12, 10, 7, 5, 4, 3, 2]);
        assert_eq!(regimes.len(), 3);
    }
}
