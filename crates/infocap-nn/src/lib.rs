//! Small neural networks trained from scratch on ndarray, with every kind of training noise as
//! a switch, and probes that record what each layer carries.
//!
//! Forward and backward passes are written by hand for dense layers, activations (sign with a
//! straight-through gradient included), dropout, additive Gaussian and uniform noise, VAE
//! bottlenecks, residual blocks with stochastic depth and binarized weights. Optimization noise
//! comes from minibatches, annealed gradient noise and simulated asynchronous SGD. Training
//! runs in `f32`; the same code runs in `f64` for gradient checks.
//!
//! ```
//! use std::ops::ControlFlow;
//!
//! use infocap_nn::{Activation, Data, LayerNoise, ModelSpec, TrainConfig};
//! use ndarray::array;
//!
//! let x = array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
//! let data = Data::new(x).with_labels(vec![0, 1, 1, 0], 2);
//! let spec = ModelSpec::classifier(&[2, 8, 2], Activation::Tanh)
//!     .with_noise(LayerNoise::Dropout { rate: 0.1 });
//! let config = TrainConfig::new(spec, 5, 1);
//! let outcome = infocap_nn::train(&config, &data, &data, |_| ControlFlow::Continue(()))?;
//! assert_eq!(outcome.epochs.len(), 6);
//! # Ok::<(), infocap_nn::NnError>(())
//! ```

pub mod activation;
pub mod config;
pub mod data;
pub mod error;
pub mod float;
pub mod init;
pub mod layers;
pub mod loss;
pub mod model;
pub mod optim;
pub mod probe;
pub mod spec;
pub mod train;

pub use activation::Activation;
pub use config::{CheckedConfig, NoiseSource, ProbeConfig, ProbeEpochs, TrainConfig};
pub use data::Data;
pub use error::NnError;
pub use float::Float;
pub use init::Init;
pub use layers::Mode;
pub use loss::{Loss, Target};
pub use model::{Model, Weights, memorized_bits};
pub use optim::{AsyncSgd, GradNoise, Optimizer, Schedule};
pub use probe::{GradientStats, LatentStats, LayerProbe, Probes, Split, UnitStats};
pub use spec::{LayerNoise, ModelKind, ModelPlan, ModelSpec, NoisePlacement};
/// Version of this crate, recorded with every result.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use train::{Divergence, EpochReport, SplitMetrics, TrainOutcome, Trainer, train, train_as};
