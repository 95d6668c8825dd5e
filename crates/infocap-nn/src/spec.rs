//! The architecture of a network: model kind, widths, activation, and where each layer noise
//! sits; checked once into a [`ModelPlan`] of blocks.
//!
//! Widths list every layer from the input to the output (`64-32-16-10`). Layer k (1-based)
//! maps width k − 1 to width k; noise positions are 0 for the input and 1..L−1 for hidden
//! layers. A capacity-limited layer of c bits per unit uses a bounded activation (|t| ≤ 1, so
//! power P ≤ 1) plus Gaussian noise kept at evaluation, with std s from
//! 0.5 log2(1 + P/s²) = c, that is s = sqrt(P / (2^(2c) − 1)).

use serde::{Deserialize, Serialize};

use crate::activation::Activation;
use crate::error::NnError;
use crate::init::Init;
use crate::layers::Noise;

/// What the network maps inputs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ModelKind {
    /// Class labels, softmax cross-entropy.
    #[default]
    Classifier,
    /// The input itself through a bottleneck of any width (1 included); BCE for inputs in
    /// [0, 1], MSE otherwise. With a `vae` noise this is a variational autoencoder.
    Autoencoder,
    /// Continuous targets, MSE.
    Regressor,
    /// Continuous targets from a network whose input is extended by `noise_dims` standard
    /// normal values; each input is run `samples` times and scored with the energy score, so
    /// that the outputs can follow a multimodal target distribution.
    Stochastic { noise_dims: usize, samples: usize },
}

impl ModelKind {
    /// The names accepted on the command line.
    pub const NAMES: [&'static str; 4] = ["classifier", "autoencoder", "regressor", "stochastic"];

    /// Returns the name used on the command line and in summaries.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Classifier => "classifier",
            ModelKind::Autoencoder => "autoencoder",
            ModelKind::Regressor => "regressor",
            ModelKind::Stochastic { .. } => "stochastic",
        }
    }
}

/// A noise source attached to a layer's output.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum LayerNoise {
    /// Inverted dropout with drop rate p in [0, 1).
    Dropout { rate: f64 },
    /// Additive N(0, std²).
    Gauss { std: f64 },
    /// Additive U(−width/2, width/2).
    Uniform { width: f64 },
    /// Bounded activation plus Gaussian noise giving `bits` per unit, kept at evaluation.
    Capacity { bits: f64 },
    /// VAE bottleneck with KL weight β.
    Vae { beta: f64 },
}

impl LayerNoise {
    /// Returns the short text form, such as `dropout:0.2`.
    pub fn label(self) -> String {
        match self {
            LayerNoise::Dropout { rate } => format!("dropout:{rate}"),
            LayerNoise::Gauss { std } => format!("gauss:{std}"),
            LayerNoise::Uniform { width } => format!("uniform:{width}"),
            LayerNoise::Capacity { bits } => format!("capacity:{bits}"),
            LayerNoise::Vae { beta } => format!("vae:{beta}"),
        }
    }

    fn validate(self) -> Result<(), NnError> {
        let check = |name: &str, value: f64, ok: bool, reason: &str| {
            if ok {
                Ok(())
            } else {
                Err(NnError::invalid(name, value, reason))
            }
        };
        match self {
            LayerNoise::Dropout { rate } => check(
                "dropout rate",
                rate,
                (0.0..1.0).contains(&rate),
                "the drop rate must be in [0, 1), such as 0.2",
            ),
            LayerNoise::Gauss { std } => check(
                "gauss std",
                std,
                std.is_finite() && std >= 0.0,
                "use a finite standard deviation of at least 0",
            ),
            LayerNoise::Uniform { width } => check(
                "uniform width",
                width,
                width.is_finite() && width >= 0.0,
                "use a finite width of at least 0",
            ),
            LayerNoise::Capacity { bits } => check(
                "capacity bits per unit",
                bits,
                bits.is_finite() && bits > 0.0 && bits <= 32.0,
                "use a capacity above 0 and at most 32 bits per unit",
            ),
            LayerNoise::Vae { beta } => check(
                "vae beta",
                beta,
                beta.is_finite() && beta >= 0.0,
                "use a finite KL weight of at least 0, such as 1e-3",
            ),
        }
    }
}

/// A layer noise and the layers it applies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoisePlacement {
    pub noise: LayerNoise,
    /// Positions: 0 for the input, 1..L−1 for hidden layers. `None` places dropout, Gaussian,
    /// uniform and capacity noise on every hidden layer and a VAE on the narrowest hidden
    /// layer (the first, if several are equally narrow).
    pub layers: Option<Vec<usize>>,
    /// Keeps Gaussian or uniform noise at evaluation (capacity noise always stays).
    #[serde(default)]
    pub at_eval: bool,
}

/// The architecture as a user writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    pub kind: ModelKind,
    /// Layer widths from input to output, at least two.
    pub widths: Vec<usize>,
    /// Activation of hidden layers; the output layer is linear and the loss applies softmax
    /// or sigmoid where needed.
    pub activation: Activation,
    #[serde(default)]
    pub noise: Vec<NoisePlacement>,
    /// Survival probability of residual blocks (hidden layers whose input and output widths
    /// are equal); `None` means no residual connections.
    #[serde(default)]
    pub stochastic_depth: Option<f64>,
    /// Binarized weights sign(W)/sqrt(fan_in) in every hidden layer.
    #[serde(default)]
    pub binary_weights: bool,
    #[serde(default)]
    pub init: Init,
}

impl ModelSpec {
    /// A classifier with the given widths and hidden activation, without noise.
    pub fn classifier(widths: &[usize], activation: Activation) -> Self {
        ModelSpec {
            kind: ModelKind::Classifier,
            widths: widths.to_vec(),
            activation,
            noise: Vec::new(),
            stochastic_depth: None,
            binary_weights: false,
            init: Init::Auto,
        }
    }

    /// Adds a noise on its default layers.
    pub fn with_noise(mut self, noise: LayerNoise) -> Self {
        self.noise.push(NoisePlacement {
            noise,
            layers: None,
            at_eval: false,
        });
        self
    }

    /// Checks the specification and lays out its blocks.
    ///
    /// # Errors
    /// [`NnError::InvalidParameter`] for fewer than two widths, a zero width, a noise
    /// parameter out of range, a noise position that is not the input or a hidden layer, two
    /// noises on one layer, or stochastic depth without equal-width hidden layers.
    pub fn plan(&self) -> Result<ModelPlan, NnError> {
        let widths = &self.widths;
        let arch = format_widths(widths);
        if widths.len() < 2 {
            return Err(NnError::invalid(
                "architecture",
                &arch,
                "give at least the input and output widths, such as 64-32-10",
            ));
        }
        if widths.contains(&0) {
            return Err(NnError::invalid(
                "architecture",
                &arch,
                "every width must be at least 1",
            ));
        }
        self.init.validate()?;
        let n_layers = widths.len() - 1;
        let hidden: Vec<usize> = (1..n_layers).collect();
        let mut noise_at: Vec<Option<LayerNoise>> = vec![None; n_layers];
        let mut at_eval = vec![false; n_layers];
        for placement in &self.noise {
            placement.noise.validate()?;
            let positions = match (&placement.layers, placement.noise) {
                (Some(layers), _) => layers.clone(),
                (None, LayerNoise::Vae { .. }) => {
                    let narrowest = hidden.iter().copied().min_by_key(|&k| widths[k]);
                    narrowest.into_iter().collect()
                }
                (None, _) => hidden.clone(),
            };
            if positions.is_empty() {
                return Err(NnError::invalid(
                    "noise",
                    placement.noise.label(),
                    format!("architecture {arch} has no hidden layer to put it on"),
                ));
            }
            for position in positions {
                let allowed_input = matches!(
                    placement.noise,
                    LayerNoise::Dropout { .. }
                        | LayerNoise::Gauss { .. }
                        | LayerNoise::Uniform { .. }
                );
                if position >= n_layers || (position == 0 && !allowed_input) {
                    let valid = if allowed_input {
                        format!("0 (input) to {}", n_layers - 1)
                    } else {
                        format!("1 to {}", n_layers - 1)
                    };
                    return Err(NnError::invalid(
                        "noise layer",
                        position,
                        format!(
                            "{} can go on layers {valid} of architecture {arch}",
                            placement.noise.label()
                        ),
                    ));
                }
                if let Some(existing) = noise_at[position] {
                    return Err(NnError::invalid(
                        "noise layer",
                        position,
                        format!(
                            "layer {position} already has {}; put {} on another layer",
                            existing.label(),
                            placement.noise.label()
                        ),
                    ));
                }
                noise_at[position] = Some(placement.noise);
                at_eval[position] = placement.at_eval;
            }
        }
        if let Some(q) = self.stochastic_depth
            && !(q > 0.0 && q <= 1.0)
        {
            return Err(NnError::invalid(
                "stochastic depth survival probability",
                q,
                "use a probability in (0, 1], such as 0.8",
            ));
        }

        let input_noise = noise_at[0].map(|noise| runtime_noise(noise, at_eval[0]));
        let mut blocks = Vec::with_capacity(n_layers);
        for k in 1..=n_layers {
            let is_output = k == n_layers;
            let layer_noise = if is_output { None } else { noise_at[k] };
            let mut activation = if is_output {
                Activation::Identity
            } else {
                self.activation
            };
            if matches!(layer_noise, Some(LayerNoise::Capacity { .. })) && !activation.is_bounded()
            {
                tracing::debug!(
                    layer = k,
                    "capacity-limited layer uses tanh because {activation} is unbounded"
                );
                activation = Activation::Tanh;
            }
            let vae_beta = match layer_noise {
                Some(LayerNoise::Vae { beta }) => Some(beta),
                _ => None,
            };
            let residual = !is_output && vae_beta.is_none() && widths[k - 1] == widths[k];
            blocks.push(BlockPlan {
                fan_in: widths[k - 1],
                width: widths[k],
                activation: if vae_beta.is_some() {
                    Activation::Identity
                } else {
                    activation
                },
                vae_beta,
                survival: self.stochastic_depth.filter(|_| residual),
                noise: layer_noise
                    .filter(|n| !matches!(n, LayerNoise::Vae { .. }))
                    .map(|n| runtime_noise(n, at_eval[k])),
                layer_noise,
                binary_weights: self.binary_weights && !is_output,
            });
        }
        if self.stochastic_depth.is_some() && blocks.iter().all(|b| b.survival.is_none()) {
            return Err(NnError::invalid(
                "stochastic depth",
                &arch,
                "stochastic depth needs residual blocks, which are hidden layers whose width \
                 equals the width before them, such as 64-32-32-32-10",
            ));
        }
        let (noise_dims, samples) = match self.kind {
            ModelKind::Stochastic {
                noise_dims,
                samples,
            } => {
                if noise_dims == 0 || samples < 2 {
                    return Err(NnError::invalid(
                        "stochastic model",
                        format!("noise_dims={noise_dims}, samples={samples}"),
                        "use at least 1 noise input and 2 samples per input",
                    ));
                }
                (noise_dims, samples)
            }
            _ => (0, 1),
        };
        blocks[0].fan_in += noise_dims;
        Ok(ModelPlan {
            kind: self.kind,
            input_noise,
            noise_dims,
            samples,
            blocks,
        })
    }
}

/// Returns the widths as `64-32-10`.
pub fn format_widths(widths: &[usize]) -> String {
    widths
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("-")
}

/// Returns the standard deviation of Gaussian noise that leaves `bits` per unit of power 1.
pub fn capacity_noise_std(bits: f64) -> f64 {
    (1.0 / (4f64.powf(bits) - 1.0)).sqrt()
}

fn runtime_noise(noise: LayerNoise, at_eval: bool) -> Noise {
    match noise {
        LayerNoise::Dropout { rate } => Noise::Dropout { rate },
        LayerNoise::Gauss { std } => Noise::Gauss { std, at_eval },
        LayerNoise::Uniform { width } => Noise::Uniform { width, at_eval },
        LayerNoise::Capacity { bits } => Noise::Gauss {
            std: capacity_noise_std(bits),
            at_eval: true,
        },
        LayerNoise::Vae { .. } => unreachable!("a VAE is a block kind, not an additive noise"),
    }
}

/// One layer of a checked model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockPlan {
    /// Inputs, including the noise inputs of a stochastic model in the first layer.
    pub fan_in: usize,
    pub width: usize,
    pub activation: Activation,
    pub vae_beta: Option<f64>,
    pub survival: Option<f64>,
    pub noise: Option<Noise>,
    /// The noise as the user gave it, for names and tables.
    pub layer_noise: Option<LayerNoise>,
    pub binary_weights: bool,
}

/// A checked model: the blocks in order, with the input noise and stochastic inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelPlan {
    pub kind: ModelKind,
    pub input_noise: Option<Noise>,
    pub noise_dims: usize,
    /// Rows per input: the samples of a stochastic model, 1 otherwise.
    pub samples: usize,
    pub blocks: Vec<BlockPlan>,
}

impl ModelPlan {
    /// Returns the data input width (without the noise inputs).
    pub fn input_width(&self) -> usize {
        self.blocks[0].fan_in - self.noise_dims
    }

    /// Returns the output width.
    pub fn output_width(&self) -> usize {
        self.blocks.last().map_or(0, |b| b.width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_std_gives_bits_per_unit() {
        for bits in [0.5, 1.0, 2.0, 4.0] {
            let s = capacity_noise_std(bits);
            let capacity = 0.5 * (1.0 + 1.0 / (s * s)).log2();
            assert!((capacity - bits).abs() < 1e-12, "{bits}: {capacity}");
        }
        assert!((capacity_noise_std(1.0) - (1.0_f64 / 3.0).sqrt()).abs() < 1e-15);
    }

    #[test]
    fn default_placement_covers_hidden_layers() {
        let spec = ModelSpec::classifier(&[12, 10, 7, 2], Activation::Tanh)
            .with_noise(LayerNoise::Dropout { rate: 0.2 });
        let plan = spec.plan().unwrap();
        let noisy: Vec<bool> = plan.blocks.iter().map(|b| b.noise.is_some()).collect();
        assert_eq!(noisy, [true, true, false]);
        assert!(plan.input_noise.is_none());
    }

    #[test]
    fn vae_goes_on_narrowest_hidden_layer() {
        let mut spec = ModelSpec::classifier(&[64, 16, 2, 16, 64], Activation::Relu)
            .with_noise(LayerNoise::Vae { beta: 1.0 });
        spec.kind = ModelKind::Autoencoder;
        let plan = spec.plan().unwrap();
        assert_eq!(plan.blocks[1].vae_beta, Some(1.0));
        assert_eq!(plan.blocks[1].activation, Activation::Identity);
    }

    #[test]
    fn dropout_rate_one_is_rejected() {
        let spec = ModelSpec::classifier(&[4, 3, 2], Activation::Tanh)
            .with_noise(LayerNoise::Dropout { rate: 1.0 });
        let error = spec.plan().unwrap_err().to_string();
        assert!(error.contains("[0, 1)"), "{error}");
    }

    #[test]
    fn noise_on_output_layer_is_rejected() {
        let mut spec = ModelSpec::classifier(&[4, 3, 2], Activation::Tanh);
        spec.noise.push(NoisePlacement {
            noise: LayerNoise::Gauss { std: 0.1 },
            layers: Some(vec![2]),
            at_eval: false,
        });
        let error = spec.plan().unwrap_err().to_string();
        assert!(error.contains("layers 0 (input) to 1"), "{error}");
    }

    #[test]
    fn stochastic_depth_needs_equal_widths() {
        let mut spec = ModelSpec::classifier(&[4, 3, 2], Activation::Relu);
        spec.stochastic_depth = Some(0.5);
        assert!(spec.plan().is_err());
        spec.widths = vec![4, 3, 3, 3, 2];
        let plan = spec.plan().unwrap();
        let survival: Vec<Option<f64>> = plan.blocks.iter().map(|b| b.survival).collect();
        assert_eq!(survival, [None, Some(0.5), Some(0.5), None]);
    }

    #[test]
    fn capacity_layer_uses_bounded_activation() {
        let spec = ModelSpec::classifier(&[4, 3, 2], Activation::Relu)
            .with_noise(LayerNoise::Capacity { bits: 2.0 });
        let plan = spec.plan().unwrap();
        assert_eq!(plan.blocks[0].activation, Activation::Tanh);
        assert_eq!(
            plan.blocks[0].noise,
            Some(Noise::Gauss {
                std: capacity_noise_std(2.0),
                at_eval: true
            })
        );
    }
}
