//! The experiment that `infocap run` performs, as a TOML file.
//!
//! Every key is optional; a missing key takes the default of the built-in experiment, and
//! `--quick` starts from a smaller preset. The run folder receives the resolved configuration
//! as `config.toml`, so `infocap run --config config.toml` repeats the run exactly.

use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

/// The whole experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Experiment {
    /// Seed of every random stream: data splits, initialization, noise, estimators.
    pub seed: u64,
    /// Real data set: `digits` (built in) or `mnist:DIR` (IDX files).
    pub data: String,
    /// Rows of the real data set used, a seeded subset (0 keeps every row).
    pub rows: usize,
    /// Fraction of the rows held out for testing.
    pub test_fraction: f64,
    pub network: Network,
    pub known: KnownTask,
    pub regimes: Regimes,
    pub memorization: Memorization,
    pub label_noise: LabelNoise,
    pub capacity: CapacitySweep,
    pub multimodal: Multimodal,
    pub estimation: Estimation,
}

/// The network trained on the real data set under every regime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Network {
    /// Hidden layer widths; input and output widths come from the data. Equal widths in a
    /// row form residual blocks under stochastic depth.
    pub hidden: Vec<usize>,
    /// Hidden activation: tanh, relu, sigmoid, hard-tanh, identity or sign.
    pub activation: String,
    /// Optimizer and learning rate, such as `adam:1e-3`.
    pub optimizer: String,
    /// Inputs per update.
    pub batch: usize,
    pub epochs: usize,
    /// Number of log-spaced probe epochs (epoch 0 and the last included).
    pub probes: usize,
    /// Inputs per split whose activations are recorded.
    pub probe_samples: usize,
}

/// The task of known information content: all 2^bits binary patterns with a seeded label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KnownTask {
    /// Pattern length; H(X) = bits.
    pub bits: usize,
    /// Label rule of the `patterns` generator: lookup, parity, majority or bit.
    pub label: String,
    /// Bits the label reads (the first ones); the others carry nothing about it.
    pub label_bits: usize,
    /// Hidden widths (Shwartz-Ziv and Tishby 2017 use 10-7-5-4-3).
    pub hidden: Vec<usize>,
    /// One regime per activation.
    pub activations: Vec<String>,
    /// Standard deviation of Gaussian noise added to every hidden layer (kept at evaluation)
    /// in an extra tanh regime; 0 leaves it out.
    pub noise_std: f64,
    pub optimizer: String,
    pub batch: usize,
    pub epochs: usize,
    pub probes: usize,
}

/// Noise regimes applied to the real-data network, one training run per value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Regimes {
    /// Dropout rates on every hidden layer.
    pub dropout: Vec<f64>,
    /// Standard deviations of Gaussian noise on every hidden layer, kept at evaluation.
    pub gauss: Vec<f64>,
    /// KL weights of a variational bottleneck on the narrowest hidden layer.
    pub vae_beta: Vec<f64>,
    /// Survival probabilities of residual blocks (stochastic depth).
    pub stochastic_depth: Vec<f64>,
    /// Train a network of sign units (straight-through gradients).
    pub binary: bool,
    /// Train with the full batch (no minibatch noise), for as many updates as the minibatch
    /// network makes, up to `full_batch_max_epochs` epochs.
    pub full_batch: bool,
    /// Largest number of full-batch epochs (one update each).
    pub full_batch_max_epochs: usize,
    /// Small minibatch sizes (more minibatch noise).
    pub small_batch: Vec<usize>,
    /// Annealed gradient noise: values of eta, with variance eta / (1 + t)^0.55.
    pub grad_noise: Vec<f64>,
    /// Asynchronous SGD: numbers of workers, each with staleness workers − 1.
    pub async_workers: Vec<usize>,
    /// Constant initialization, full batch, with and without dropout: counts the distinct
    /// units that survive.
    pub symmetry: bool,
}

/// Memorization of random labels against network size, on the `random-labels` generator:
/// Gaussian inputs with labels independent of them, N log2 C bits to memorize.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Memorization {
    /// Training rows; a fifth as many more are drawn for testing.
    pub rows: usize,
    /// Input dimension.
    pub dim: usize,
    pub classes: usize,
    /// Widths of the one hidden layer.
    pub widths: Vec<usize>,
    pub epochs: usize,
    pub optimizer: String,
}

/// The real-data network trained on labels of which a fraction is replaced by random ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LabelNoise {
    /// Fractions of training labels replaced by uniform random labels.
    pub fractions: Vec<f64>,
    pub epochs: usize,
}

/// The capacity-limited layer swept in bits per unit, on real and on random labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CapacitySweep {
    /// Capacities in bits per unit of every hidden layer.
    pub bits: Vec<f64>,
    pub epochs: usize,
    /// Also train every capacity on fully random labels.
    pub random_labels: bool,
}

/// A target with K modes per input, fitted by a deterministic and a stochastic model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Multimodal {
    pub modes: usize,
    pub rows: usize,
    pub epochs: usize,
}

/// Estimator settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Estimation {
    /// Equal-width bins per unit for binned estimates (30 as in Shwartz-Ziv and Tishby 2017).
    pub bins: usize,
    /// Run the estimator checks against generator truth.
    pub checks: bool,
}

impl Default for Experiment {
    fn default() -> Self {
        Experiment {
            seed: 1,
            data: "digits".to_string(),
            rows: 0,
            test_fraction: 0.2,
            network: Network::default(),
            known: KnownTask::default(),
            regimes: Regimes::default(),
            memorization: Memorization::default(),
            label_noise: LabelNoise::default(),
            capacity: CapacitySweep::default(),
            multimodal: Multimodal::default(),
            estimation: Estimation::default(),
        }
    }
}

impl Default for Network {
    fn default() -> Self {
        Network {
            hidden: vec![32, 32, 16],
            activation: "tanh".to_string(),
            optimizer: "adam:1e-3".to_string(),
            batch: 32,
            epochs: 60,
            probes: 12,
            probe_samples: 1000,
        }
    }
}

impl Default for KnownTask {
    fn default() -> Self {
        KnownTask {
            bits: 12,
            label: "lookup".to_string(),
            label_bits: 4,
            hidden: vec![10, 7, 5, 4, 3],
            activations: vec!["tanh".to_string(), "relu".to_string()],
            noise_std: 0.1,
            optimizer: "adam:3e-3".to_string(),
            batch: 64,
            epochs: 600,
            probes: 20,
        }
    }
}

impl Default for Regimes {
    fn default() -> Self {
        Regimes {
            dropout: vec![0.1, 0.3, 0.5],
            gauss: vec![0.1, 0.3, 1.0],
            vae_beta: vec![1e-3, 1e-1],
            stochastic_depth: vec![0.7],
            binary: true,
            full_batch: true,
            full_batch_max_epochs: 1000,
            small_batch: vec![4],
            grad_noise: vec![0.01],
            async_workers: vec![4],
            symmetry: true,
        }
    }
}

impl Default for Memorization {
    fn default() -> Self {
        Memorization {
            rows: 500,
            dim: 64,
            classes: 10,
            widths: vec![1, 2, 4, 8, 16, 32],
            epochs: 2000,
            optimizer: "adam:1e-2".to_string(),
        }
    }
}

impl Default for LabelNoise {
    fn default() -> Self {
        LabelNoise {
            fractions: vec![0.0, 0.25, 0.5, 0.75, 1.0],
            epochs: 150,
        }
    }
}

impl Default for CapacitySweep {
    fn default() -> Self {
        CapacitySweep {
            bits: vec![0.25, 0.5, 1.0, 2.0, 4.0],
            epochs: 150,
            random_labels: true,
        }
    }
}

impl Default for Multimodal {
    fn default() -> Self {
        Multimodal {
            modes: 4,
            rows: 2000,
            epochs: 150,
        }
    }
}

impl Default for Estimation {
    fn default() -> Self {
        Estimation {
            bins: 30,
            checks: true,
        }
    }
}

impl Experiment {
    /// Returns the `--quick` preset: every stage, fewer values, epochs and samples, so the
    /// whole job runs in seconds.
    pub fn quick() -> Self {
        let full = Experiment::default();
        Experiment {
            rows: 600,
            network: Network {
                epochs: 15,
                probes: 4,
                probe_samples: 300,
                ..full.network
            },
            known: KnownTask {
                bits: 8,
                epochs: 60,
                probes: 6,
                ..full.known
            },
            regimes: Regimes {
                dropout: vec![0.3],
                gauss: vec![0.5],
                vae_beta: vec![1e-2],
                stochastic_depth: vec![0.7],
                binary: true,
                full_batch: true,
                full_batch_max_epochs: 300,
                small_batch: vec![4],
                grad_noise: vec![0.01],
                async_workers: vec![4],
                symmetry: true,
            },
            memorization: Memorization {
                rows: 200,
                widths: vec![2, 8],
                epochs: 200,
                ..full.memorization
            },
            label_noise: LabelNoise {
                fractions: vec![0.0, 1.0],
                epochs: 20,
            },
            capacity: CapacitySweep {
                bits: vec![0.5, 2.0],
                epochs: 20,
                random_labels: true,
            },
            multimodal: Multimodal {
                modes: 4,
                rows: 600,
                epochs: 30,
            },
            ..full
        }
    }

    /// Reads an experiment file; keys left out take the defaults of `base`.
    ///
    /// # Errors
    /// A syntax error or an unknown key names the file, the line and the key, and suggests
    /// the nearest valid key.
    pub fn from_file(path: &Path, base: &Experiment) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read --config {}", path.display()))?;
        Self::from_toml(&text, base).map_err(|message| {
            anyhow::anyhow!("invalid experiment file {}: {message}", path.display())
        })
    }

    /// Parses experiment TOML over `base`; the error text names line, key and a suggestion.
    pub fn from_toml(text: &str, base: &Experiment) -> Result<Self, String> {
        let overrides: toml::Table = toml::from_str(text).map_err(|e| describe_toml_error(&e))?;
        let mut merged = toml::Table::try_from(base).map_err(|e| e.to_string())?;
        merge(&mut merged, overrides);
        let merged_text = toml::to_string(&merged).map_err(|e| e.to_string())?;
        let experiment: Experiment = toml::from_str(&merged_text).map_err(|e| {
            // The merged text has other line numbers, so point at the user's file instead.
            relocate_error(&e, &merged_text, text)
        })?;
        experiment.validate()?;
        Ok(experiment)
    }

    /// Checks values that TOML types cannot express.
    pub fn validate(&self) -> Result<(), String> {
        let fraction = |key: &str, value: f64, low_open: bool| {
            let ok = if low_open {
                value > 0.0 && value < 1.0
            } else {
                (0.0..=1.0).contains(&value)
            };
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "invalid value {value} for `{key}`: use a fraction in (0, 1)"
                ))
            }
        };
        fraction("test_fraction", self.test_fraction, true)?;
        for &f in &self.label_noise.fractions {
            if !(0.0..=1.0).contains(&f) {
                return Err(format!(
                    "invalid value {f} in `label_noise.fractions`: use fractions in [0, 1]"
                ));
            }
        }
        let positive = |key: &str, value: usize| {
            if value == 0 {
                Err(format!("invalid value 0 for `{key}`: use at least 1"))
            } else {
                Ok(())
            }
        };
        positive("network.epochs", self.network.epochs)?;
        positive("network.batch", self.network.batch)?;
        positive("network.probes", self.network.probes)?;
        positive("network.probe_samples", self.network.probe_samples)?;
        positive("known.epochs", self.known.epochs)?;
        positive("known.batch", self.known.batch)?;
        positive("memorization.epochs", self.memorization.epochs)?;
        positive("memorization.rows", self.memorization.rows)?;
        positive("memorization.dim", self.memorization.dim)?;
        positive("label_noise.epochs", self.label_noise.epochs)?;
        if self.memorization.classes < 2 {
            return Err(format!(
                "invalid value {} for `memorization.classes`: use at least 2 classes",
                self.memorization.classes
            ));
        }
        positive("capacity.epochs", self.capacity.epochs)?;
        positive("multimodal.epochs", self.multimodal.epochs)?;
        positive("estimation.bins", self.estimation.bins)?;
        if self.known.label_bits == 0 || self.known.label_bits > self.known.bits {
            return Err(format!(
                "invalid value {} for `known.label_bits`: use 1 to {} (known.bits)",
                self.known.label_bits, self.known.bits
            ));
        }
        if !(2..=20).contains(&self.known.bits) {
            return Err(format!(
                "invalid value {} for `known.bits`: use 2 to 20 bits",
                self.known.bits
            ));
        }
        if self.network.hidden.is_empty() || self.network.hidden.contains(&0) {
            return Err(format!(
                "invalid value {:?} for `network.hidden`: list one or more positive widths",
                self.network.hidden
            ));
        }
        if self.multimodal.modes < 2 {
            return Err(format!(
                "invalid value {} for `multimodal.modes`: use at least 2 modes",
                self.multimodal.modes
            ));
        }
        Ok(())
    }

    /// Returns the configuration as TOML, as written to `config.toml`.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("the experiment serializes to TOML")
    }
}

/// Overwrites `base` with `overrides`, recursing into tables.
fn merge(base: &mut toml::Table, overrides: toml::Table) {
    for (key, value) in overrides {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(over)) => merge(inner, over),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Formats a TOML syntax error with its line number.
fn describe_toml_error(error: &toml::de::Error) -> String {
    error.to_string().trim_end().to_string()
}

/// Describes a deserialization error of the merged configuration by the key it concerns, its
/// line in the user's file and, for an unknown key, the nearest valid key.
fn relocate_error(error: &toml::de::Error, merged_text: &str, user_text: &str) -> String {
    let message = error.message().trim_end().to_string();
    if let Some(key) = between(&message, "unknown field `", "`") {
        let expected: Vec<&str> = message
            .split_once("expected")
            .map(|(_, rest)| rest.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let hint = infocap_data::error::closest_name(key, expected.iter().copied())
            .map(|best| format!("; did you mean `{best}`?"))
            .unwrap_or_default();
        return format!(
            "{}unknown key `{key}`{hint} Valid keys here: {}",
            infocap_data::error::key_location(user_text, key),
            expected.join(", ")
        );
    }
    // Other errors (a wrong type) carry a span in the merged text: the key is on that line.
    let key = error.span().and_then(|span| {
        let line_start = merged_text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let line = merged_text[line_start..].lines().next()?;
        let key = line.split('=').next()?.trim().trim_matches('"');
        (!key.is_empty() && line.contains('=')).then(|| key.to_string())
    });
    match key {
        Some(key) => format!(
            "{}invalid value for `{key}`: {message}",
            infocap_data::error::key_location(user_text, &key)
        ),
        None => message,
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        let base = Experiment::default();
        assert_eq!(Experiment::from_toml("", &base).unwrap(), base);
    }

    #[test]
    fn keys_override_base() {
        let text = "seed = 7\n[network]\nepochs = 3\n";
        let experiment = Experiment::from_toml(text, &Experiment::quick()).unwrap();
        assert_eq!(experiment.seed, 7);
        assert_eq!(experiment.network.epochs, 3);
        assert_eq!(
            experiment.network.probes,
            Experiment::quick().network.probes
        );
    }

    #[test]
    fn written_config_reads_back() {
        let experiment = Experiment::quick();
        let text = experiment.to_toml();
        assert_eq!(
            Experiment::from_toml(&text, &Experiment::default()).unwrap(),
            experiment
        );
    }

    #[test]
    fn unknown_key_names_line_section_and_suggestion() {
        let text = "seed = 1\n\n[network]\nepoch = 3\n";
        let error = Experiment::from_toml(text, &Experiment::default()).unwrap_err();
        assert!(error.contains("line 4, in [network]"), "{error}");
        assert!(error.contains("unknown key `epoch`"), "{error}");
        assert!(error.contains("did you mean `epochs`?"), "{error}");
    }

    #[test]
    fn unknown_section_is_named() {
        let error =
            Experiment::from_toml("[netwrk]\nepochs = 3\n", &Experiment::default()).unwrap_err();
        assert!(error.contains("line 1"), "{error}");
        assert!(error.contains("did you mean `network`?"), "{error}");
    }

    #[test]
    fn wrong_type_is_reported() {
        let error = Experiment::from_toml("[network]\nepochs = \"many\"\n", &Experiment::default())
            .unwrap_err();
        assert!(
            error.contains("line 2, in [network]: invalid value for `epochs`"),
            "{error}"
        );
    }

    #[test]
    fn syntax_error_has_line() {
        let error = Experiment::from_toml("seed = = 1\n", &Experiment::default()).unwrap_err();
        assert!(error.contains("line 1"), "{error}");
    }

    #[test]
    fn out_of_range_fraction_is_rejected() {
        let error =
            Experiment::from_toml("test_fraction = 1.5\n", &Experiment::default()).unwrap_err();
        assert!(error.contains("test_fraction"), "{error}");
    }
}
