//! A network built from a [`ModelPlan`]: forward and backward passes, parameters, per-input
//! losses, and a plain weight file.

use ndarray::{Array1, Array2, ArrayView2, Axis, concatenate, s};
use rand::Rng;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use crate::error::NnError;
use crate::float::Float;
use crate::init::Init;
use crate::layers::{Block, BlockOutput, Dense, Mode, Param};
use crate::loss::{Loss, LossSum, Target};
use crate::spec::ModelPlan;

/// A trained or freshly initialized network.
#[derive(Debug, Clone)]
pub struct Model<F> {
    plan: ModelPlan,
    blocks: Vec<Block<F>>,
}

impl<F: Float> Model<F> {
    /// Creates a network with weights drawn by `init`.
    pub fn new(plan: &ModelPlan, init: Init, rng: &mut impl Rng) -> Self {
        let blocks = plan
            .blocks
            .iter()
            .map(|b| {
                let outputs = if b.vae_beta.is_some() {
                    2 * b.width
                } else {
                    b.width
                };
                let (weight, bias) = init.draw(b.fan_in, outputs, b.activation, rng);
                Block::new(
                    Dense::new(weight, bias, b.binary_weights),
                    b.activation,
                    b.vae_beta,
                    b.survival,
                    b.noise,
                )
            })
            .collect();
        Model {
            plan: plan.clone(),
            blocks,
        }
    }

    /// Returns the checked architecture.
    pub fn plan(&self) -> &ModelPlan {
        &self.plan
    }

    /// Returns the blocks in order.
    pub fn blocks(&self) -> &[Block<F>] {
        &self.blocks
    }

    /// Returns the number of trainable parameters (latent weights for binarized layers).
    pub fn n_params(&self) -> usize {
        self.params().map(|p| p.value.len()).sum()
    }

    /// Returns every parameter: per block, weights then bias.
    pub fn params(&self) -> impl Iterator<Item = &Param<F>> {
        self.blocks.iter().flat_map(|b| b.params())
    }

    /// Returns every parameter mutably, in the order of [`Model::params`].
    pub fn params_mut(&mut self) -> impl Iterator<Item = &mut Param<F>> {
        self.blocks.iter_mut().flat_map(|b| b.params_mut())
    }

    /// Copies the parameter values.
    pub fn param_values(&self) -> Vec<Array2<F>> {
        self.params().map(|p| p.value.clone()).collect()
    }

    /// Replaces the parameter values, which must have the shapes of [`Model::param_values`].
    pub fn set_param_values(&mut self, values: &[Array2<F>]) {
        for (param, value) in self.params_mut().zip(values) {
            param.value.assign(value);
        }
    }

    /// Swaps the parameter values with `values`, for computing a gradient at other weights.
    pub fn swap_param_values(&mut self, values: &mut [Array2<F>]) {
        for (param, value) in self.params_mut().zip(values.iter_mut()) {
            std::mem::swap(&mut param.value, value);
        }
    }

    /// Clips the latent weights of binarized layers to [-1, 1]; call after each update.
    pub fn after_update(&mut self) {
        for block in &mut self.blocks {
            block.dense.clip_latent();
        }
    }

    /// Prepares the input: input noise, then for a stochastic model each row repeated once
    /// per sample and extended by standard normal noise inputs.
    fn prepare_input(&mut self, x: ArrayView2<F>, mode: Mode, rng: &mut impl Rng) -> Array2<F> {
        let mut input = x.to_owned();
        if let Some(noise) = self.plan.input_noise {
            // The input gradient is never needed, so the dropout mask is not kept.
            noise.apply(&mut input, mode, rng);
        }
        if self.plan.noise_dims == 0 {
            return input;
        }
        let samples = self.plan.samples;
        let rows = input.nrows() * samples;
        let repeated = input.select(Axis(0), &(0..rows).map(|r| r / samples).collect::<Vec<_>>());
        let noise = Array2::from_shape_simple_fn((rows, self.plan.noise_dims), || {
            F::of(rng.sample::<f64, _>(StandardNormal))
        });
        concatenate![Axis(1), repeated, noise]
    }

    /// Runs the network on a batch and returns the output, one row per input and sample.
    /// Keeps what [`Model::backward`] needs when `keep` is set.
    pub fn forward(
        &mut self,
        x: ArrayView2<F>,
        mode: Mode,
        rng: &mut impl Rng,
        keep: bool,
    ) -> Array2<F> {
        let mut h = self.prepare_input(x, mode, rng);
        for block in &mut self.blocks {
            h = block.forward(h, mode, rng, keep, false);
        }
        h
    }

    /// Runs the network and returns every block's output with its noise-free value.
    pub fn forward_recorded(
        &mut self,
        x: ArrayView2<F>,
        mode: Mode,
        rng: &mut impl Rng,
    ) -> Vec<BlockOutput<F>> {
        let mut h = self.prepare_input(x, mode, rng);
        let mut outputs = Vec::with_capacity(self.blocks.len());
        for block in &mut self.blocks {
            let next = block.forward(h, mode, rng, false, true);
            outputs.push(block.take_record(next.clone()));
            h = next;
        }
        outputs
    }

    /// Returns the KL divergence of the last forward pass per output row, summed over VAE
    /// units, in nats; `None` without a VAE block.
    pub fn kl_per_row_nats(&self) -> Option<Array1<f64>> {
        self.blocks
            .iter()
            .filter_map(Block::kl_per_sample_nats)
            .reduce(|a, b| a + b)
    }

    /// Sets every parameter gradient from dL/d(output) of the last forward pass, which must
    /// have kept its intermediate values.
    pub fn backward(&mut self, grad: Array2<F>) {
        let rows = grad.nrows();
        let mut grad = Some(grad);
        for (k, block) in self.blocks.iter_mut().enumerate().rev() {
            let g = grad.take().expect("each block returns its input gradient");
            grad = block.backward(g, rows, k > 0);
        }
    }

    /// Returns Σ_k β_k KL_k of the last forward pass over VAE layers, averaged over rows, in
    /// nats.
    pub fn weighted_kl_nats(&self) -> f64 {
        self.blocks
            .iter()
            .filter_map(|b| Some(b.vae_beta? * b.kl_per_sample_nats()?.mean()?))
            .sum()
    }

    /// Runs a training-mode forward and backward pass on a batch, setting every parameter
    /// gradient, and returns the objective: mean data loss plus Σ β KL (nats).
    pub fn compute_gradient(
        &mut self,
        x: ArrayView2<F>,
        target: Target<'_, F>,
        loss: Loss,
        rng: &mut impl Rng,
    ) -> Objective {
        let output = self.forward(x, Mode::Train, rng, true);
        let mut grad = Array2::zeros(output.raw_dim());
        let data = loss.evaluate(&output, target, self.plan.samples, Some(&mut grad));
        let weighted_kl_nats = self.weighted_kl_nats();
        self.backward(grad);
        Objective {
            value: data.total / data.count.max(1) as f64 + weighted_kl_nats,
            data,
            weighted_kl_nats,
        }
    }

    /// Returns the eval-mode data loss of each input in the loss's natural unit, computed in
    /// batches of at most `chunk` rows.
    pub fn per_input_loss(
        &mut self,
        x: ArrayView2<F>,
        target: Target<'_, F>,
        loss: Loss,
        rng: &mut impl Rng,
    ) -> Vec<f64> {
        const CHUNK: usize = 1024;
        let mut losses = Vec::with_capacity(x.nrows());
        for start in (0..x.nrows()).step_by(CHUNK) {
            let end = (start + CHUNK).min(x.nrows());
            let output = self.forward(x.slice(s![start..end, ..]), Mode::Eval, rng, false);
            let part = slice_target(target, start, end);
            losses.extend(loss.per_input(&output, part, self.plan.samples));
        }
        losses
    }

    /// Returns the weights as a serializable record.
    pub fn to_weights(&self) -> Weights {
        Weights {
            format: WEIGHTS_FORMAT.to_string(),
            plan: self.plan.clone(),
            layers: self
                .blocks
                .iter()
                .map(|b| LayerWeights {
                    shape: [b.dense.fan_in(), b.dense.fan_out()],
                    weight: b.dense.weight.value.iter().map(|v| v.as_f64()).collect(),
                    bias: b.dense.bias.value.iter().map(|v| v.as_f64()).collect(),
                })
                .collect(),
        }
    }

    /// Rebuilds a network from [`Model::to_weights`] output.
    ///
    /// # Errors
    /// [`NnError::InvalidWeights`] when the format tag or a shape does not match the plan.
    pub fn from_weights(weights: &Weights) -> Result<Self, NnError> {
        if weights.format != WEIGHTS_FORMAT {
            return Err(NnError::InvalidWeights(format!(
                "format `{}` is not `{WEIGHTS_FORMAT}`",
                weights.format
            )));
        }
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(0);
        let mut model = Model::new(&weights.plan, Init::Constant { value: 0.0 }, &mut rng);
        if model.blocks.len() != weights.layers.len() {
            return Err(NnError::InvalidWeights(format!(
                "{} layers stored for a plan of {}",
                weights.layers.len(),
                model.blocks.len()
            )));
        }
        for (k, (block, layer)) in model.blocks.iter_mut().zip(&weights.layers).enumerate() {
            let shape = (block.dense.fan_in(), block.dense.fan_out());
            let weight =
                Array2::from_shape_vec(shape, layer.weight.iter().map(|&v| F::of(v)).collect());
            let bias = Array2::from_shape_vec(
                (1, shape.1),
                layer.bias.iter().map(|&v| F::of(v)).collect(),
            );
            match (weight, bias) {
                (Ok(weight), Ok(bias)) if layer.shape == [shape.0, shape.1] => {
                    block.dense.weight.value = weight;
                    block.dense.bias.value = bias;
                }
                _ => {
                    return Err(NnError::InvalidWeights(format!(
                        "layer {} has shape {:?} but the plan needs {shape:?}",
                        k + 1,
                        layer.shape
                    )));
                }
            }
        }
        Ok(model)
    }
}

/// The objective of one batch and its parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Objective {
    /// Mean data loss plus Σ β KL in nats.
    pub value: f64,
    pub data: LossSum,
    pub weighted_kl_nats: f64,
}

/// Returns rows `start..end` of a target.
pub(crate) fn slice_target<'a, F>(
    target: Target<'a, F>,
    start: usize,
    end: usize,
) -> Target<'a, F> {
    match target {
        Target::Labels(labels) => Target::Labels(&labels[start..end]),
        Target::Values(values) => Target::Values(values.slice_move(s![start..end, ..])),
    }
}

/// Tag of the weight format written by [`Model::to_weights`].
pub const WEIGHTS_FORMAT: &str = "infocap-weights-1";

/// The weights of a network with its plan, serialized as JSON by the command line.
///
/// Layer k maps its input row x to x W + b with W stored row-major as `shape` = [fan_in,
/// fan_out]; binarized layers store their latent weights and use sign(W)/sqrt(fan_in). A VAE
/// layer's outputs are the means followed by the log-variances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub format: String,
    pub plan: ModelPlan,
    pub layers: Vec<LayerWeights>,
}

/// One dense layer's weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerWeights {
    pub shape: [usize; 2],
    /// Row-major, `shape[0]` rows of `shape[1]` values.
    pub weight: Vec<f64>,
    pub bias: Vec<f64>,
}

/// Returns the bits a classifier memorized: N log2 C minus the summed per-input
/// cross-entropy in bits, floored at 0 (the information the weights must hold to fit labels
/// that are independent of the inputs).
pub fn memorized_bits(per_input_ce_bits: &[f64], n_classes: usize) -> f64 {
    let capacity = per_input_ce_bits.len() as f64 * (n_classes as f64).log2();
    (capacity - per_input_ce_bits.iter().sum::<f64>()).max(0.0)
}
