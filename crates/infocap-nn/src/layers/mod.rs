//! The building blocks of a network: dense layers, activation, layer noise, VAE bottlenecks and
//! residual connections with stochastic depth, each with a hand-written backward pass.
//!
//! A network is a chain of [`Block`]s. Block k maps the output of block k − 1 (or the input)
//! through a dense layer, an activation or a VAE bottleneck, an optional residual connection
//! and optional additive or multiplicative noise. Probes record each block's output.

mod block;
mod dense;
mod noise;
mod vae;

pub use block::{Block, BlockOutput};
pub use dense::Dense;
pub use noise::Noise;
pub use vae::{VaeSample, kl_per_unit_nats};

use ndarray::Array2;

use crate::float::Float;

/// Whether the network runs as during training or for evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every noise source is on: dropout masks, additive noise, VAE sampling, dropped blocks.
    Train,
    /// Noise is off except where it is part of the channel: noise kept at evaluation,
    /// capacity-limited layers and the noise input of a stochastic-output model. Dropout is the
    /// identity, a VAE passes its mean, and a residual block adds its branch scaled by its
    /// survival probability.
    Eval,
}

/// A trainable array with its gradient.
#[derive(Debug, Clone)]
pub struct Param<F> {
    /// Current value; biases are stored as one row.
    pub value: Array2<F>,
    /// Gradient of the mean loss over the last batch.
    pub grad: Array2<F>,
    /// Whether weight decay applies (weights yes, biases no).
    pub decays: bool,
}

impl<F: Float> Param<F> {
    /// Wraps a value with a zero gradient.
    pub fn new(value: Array2<F>, decays: bool) -> Self {
        let grad = Array2::zeros(value.raw_dim());
        Param {
            value,
            grad,
            decays,
        }
    }
}
