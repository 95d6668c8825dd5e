//! Probes: what each layer carries at chosen epochs, and how noisy its gradient is.
//!
//! Activations are recorded on fixed seeded subsets of the training and test sets with the
//! training-time noise on, together with the noise-free value and the noise scale, which the
//! pairwise-distance bounds on I(X; T) need (Kolchinsky, Tracey 2017).
//!
//! Gradient statistics use K disjoint minibatches of b inputs at fixed parameters. With ḡ the
//! mean of the K batch gradients of a layer's P parameters and tr Σ_b the summed variance of
//! the batch gradients:
//!
//! ```text
//! tr Σ₁          = b tr Σ_b (N − 1)/(N − b)         per-example covariance trace
//! grad_var       = tr Σ₁ / P                         mean per-parameter per-example variance
//! noise_scale    = tr Σ₁ / ‖ḡ‖²                      B_simple of McCandlish et al. 2018, eq. 2.8
//! grad_snr       = ‖ḡ‖ / sqrt(tr Σ₁/B (N − B)/(N − 1))  at the training batch size B
//! ```
//!
//! (N − b)/(N − 1) is the finite-population factor of sampling without replacement, so the
//! signal-to-noise ratio is infinite at full batch. ‖ḡ‖² overestimates ‖G‖² by tr Σ_b / K;
//! it is not corrected. The variance includes layer noise (dropout, VAE sampling), which is
//! part of the stochastic gradient, but not added gradient noise or asynchronous staleness:
//! the statistics describe gradients at the current parameters.

use ndarray::{Array2, Axis};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::float::Float;
use crate::layers::Mode;
use crate::loss::{Loss, Target};
use crate::model::Model;

/// The data set a probe ran on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    Train,
    Test,
}

impl Split {
    /// Returns `train` or `test`.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Test => "test",
        }
    }
}

/// One layer's outputs on one probe subset at one epoch.
#[derive(Debug, Clone)]
pub struct LayerProbe {
    pub epoch: usize,
    /// Layer number, 1 for the first hidden layer up to L for the output layer.
    pub layer: usize,
    pub split: Split,
    /// The value passed to the next layer, noise included. Rows follow the probe samples, with
    /// `samples` consecutive rows per input for a stochastic model. The output layer records
    /// logits.
    pub activations: Array2<f32>,
    /// The noise-free value for layers with noise: before dropout or additive noise, the mean
    /// μ of a VAE.
    pub mean: Option<Array2<f32>>,
    /// Standard deviation of additive noise (Gaussian std, uniform width/sqrt(12)).
    pub noise_std: Option<f64>,
    /// ln σ² per unit for a VAE layer (the noise std of each entry is exp(ln σ²/2)).
    pub log_var: Option<Array2<f32>>,
}

/// Gradient statistics of one layer (or of all parameters, `layer` = 0) at one epoch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GradientStats {
    pub epoch: usize,
    pub layer: usize,
    pub n_params: usize,
    /// K, the minibatches measured.
    pub batches: usize,
    /// b, the inputs per measured minibatch.
    pub batch_size: usize,
    /// ‖ḡ‖.
    pub grad_mean_norm: f64,
    /// sqrt(tr Σ_b), the spread of minibatch gradients at size b.
    pub grad_std_norm: f64,
    /// tr Σ₁ / P.
    pub grad_var: f64,
    /// At the training batch size; infinite at full batch.
    pub grad_snr: f64,
    /// tr Σ₁ / ‖ḡ‖², in inputs.
    pub noise_scale: f64,
}

/// Weight statistics of one layer at one epoch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UnitStats {
    pub epoch: usize,
    pub layer: usize,
    pub width: usize,
    /// Units whose incoming weights and bias differ from every other unit's by more than
    /// 1e-6 (1 + max |w|) in some entry; a layer started from constant weights keeps 1 until
    /// noise breaks the symmetry.
    pub distinct_units: usize,
    /// Frobenius norm of the weight matrix (latent weights for binarized layers).
    pub weight_norm: f64,
}

/// KL rate of each unit of a VAE layer at one epoch, averaged over the probe subset.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatentStats {
    pub epoch: usize,
    pub layer: usize,
    pub split: Split,
    pub unit: usize,
    pub kl_bits: f64,
}

/// Everything the probes recorded in a run.
#[derive(Debug, Clone, Default)]
pub struct Probes {
    /// Row indices into the training set of the training probe subset.
    pub train_samples: Vec<usize>,
    /// Row indices into the test set of the test probe subset.
    pub test_samples: Vec<usize>,
    /// Output rows per probe sample (the samples of a stochastic model, 1 otherwise).
    pub rows_per_sample: usize,
    pub layers: Vec<LayerProbe>,
    pub gradients: Vec<GradientStats>,
    pub units: Vec<UnitStats>,
    pub latent: Vec<LatentStats>,
}

/// Records every layer's output on `x` (the probe subset of `split`), run in `mode`.
pub fn record_layers<F: Float>(
    model: &mut Model<F>,
    x: &Array2<F>,
    epoch: usize,
    split: Split,
    mode: Mode,
    rng: &mut impl Rng,
    probes: &mut Probes,
) {
    let to_f32 = |a: &Array2<F>| a.mapv(|v| v.as_f64() as f32);
    let outputs = model.forward_recorded(x.view(), mode, rng);
    for (k, (output, block)) in outputs.into_iter().zip(model.blocks()).enumerate() {
        if let Some(log_var) = &output.log_var {
            let mean = output.mean.as_ref().expect("a VAE layer records its mean");
            let kl = crate::layers::kl_per_unit_nats(mean.view(), log_var.view());
            for (unit, kl_nats) in kl.into_iter().enumerate() {
                probes.latent.push(LatentStats {
                    epoch,
                    layer: k + 1,
                    split,
                    unit,
                    kl_bits: kl_nats / std::f64::consts::LN_2,
                });
            }
        }
        probes.layers.push(LayerProbe {
            epoch,
            layer: k + 1,
            split,
            activations: to_f32(&output.output),
            mean: output.mean.as_ref().map(to_f32),
            noise_std: block.noise.and_then(|n| n.additive_std()),
            log_var: output.log_var.as_ref().map(to_f32),
        });
    }
}

/// Records each layer's distinct units and weight norm.
pub fn record_units<F: Float>(model: &Model<F>, epoch: usize, probes: &mut Probes) {
    for (k, block) in model.blocks().iter().enumerate() {
        let weight = block.dense.effective_weight();
        let bias = &block.dense.bias.value;
        probes.units.push(UnitStats {
            epoch,
            layer: k + 1,
            width: block.width(),
            distinct_units: distinct_columns(&weight, bias),
            weight_norm: block
                .dense
                .weight
                .value
                .iter()
                .map(|w| w.as_f64().powi(2))
                .sum::<f64>()
                .sqrt(),
        });
    }
}

/// Counts the columns of [weight; bias] that differ from every earlier distinct column.
fn distinct_columns<F: Float>(weight: &Array2<F>, bias: &Array2<F>) -> usize {
    let full = ndarray::concatenate(Axis(0), &[weight.view(), bias.view()]).expect("same width");
    let scale = full.iter().fold(0.0_f64, |m, v| m.max(v.as_f64().abs()));
    let tolerance = 1e-6 * (1.0 + scale);
    let mut representatives: Vec<usize> = Vec::new();
    for j in 0..full.ncols() {
        let column = full.column(j);
        let is_new = representatives.iter().all(|&r| {
            column
                .iter()
                .zip(full.column(r))
                .any(|(a, b)| (a.as_f64() - b.as_f64()).abs() > tolerance)
        });
        if is_new {
            representatives.push(j);
        }
    }
    representatives.len()
}

/// The inputs of a gradient measurement.
pub struct GradientProbe<'a, F> {
    pub x: &'a Array2<F>,
    pub target: Target<'a, F>,
    pub loss: Loss,
    /// Inputs per training update (B).
    pub train_batch: usize,
    pub batches: usize,
}

/// Measures the gradient mean and spread per layer at the current parameters.
pub fn record_gradients<F: Float>(
    model: &mut Model<F>,
    probe: GradientProbe<'_, F>,
    epoch: usize,
    rng: &mut impl Rng,
    probes: &mut Probes,
) {
    let n = probe.x.nrows();
    if n < 2 || probe.batches < 2 {
        return;
    }
    let size = probe.train_batch.min(n / probe.batches).max(1);
    let batches = (n / size).min(probe.batches);
    if batches < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..n).collect();
    rand::seq::SliceRandom::shuffle(order.as_mut_slice(), rng);
    let n_blocks = model.blocks().len();
    let sizes: Vec<usize> = model
        .blocks()
        .iter()
        .map(|b| b.params().iter().map(|p| p.value.len()).sum())
        .collect();
    let mut sum: Vec<Vec<f64>> = sizes.iter().map(|&s| vec![0.0; s]).collect();
    let mut sum_sq: Vec<Vec<f64>> = sum.clone();
    for batch in order.chunks_exact(size).take(batches) {
        let x = probe.x.select(Axis(0), batch);
        let labels: Vec<usize>;
        let values: Array2<F>;
        let target = match probe.target {
            Target::Labels(all) => {
                labels = batch.iter().map(|&i| all[i]).collect();
                Target::Labels(&labels)
            }
            Target::Values(all) => {
                values = all.select(Axis(0), batch);
                Target::Values(values.view())
            }
        };
        let output = model.forward(x.view(), Mode::Train, rng, true);
        let mut grad = Array2::zeros(output.raw_dim());
        probe
            .loss
            .evaluate(&output, target, model.plan().samples, Some(&mut grad));
        model.backward(grad);
        for (k, block) in model.blocks().iter().enumerate() {
            let values = block.params().into_iter().flat_map(|p| p.grad.iter());
            for ((s, q), &g) in sum[k].iter_mut().zip(sum_sq[k].iter_mut()).zip(values) {
                let g = g.as_f64();
                *s += g;
                *q += g * g;
            }
        }
    }
    let k = batches as f64;
    let population = (n as f64 - 1.0) / (n as f64 - size as f64);
    let b_train = probe.train_batch.min(n) as f64;
    let train_factor = (n as f64 - b_train) / (n as f64 - 1.0);
    let stats = |layer: usize, mean_sq: f64, trace_b: f64, n_params: usize| {
        let trace_1 = size as f64 * trace_b * population;
        let mean_norm = mean_sq.sqrt();
        let train_noise = (trace_1 / b_train * train_factor).sqrt();
        GradientStats {
            epoch,
            layer,
            n_params,
            batches,
            batch_size: size,
            grad_mean_norm: mean_norm,
            grad_std_norm: trace_b.sqrt(),
            grad_var: trace_1 / n_params as f64,
            grad_snr: if train_noise > 0.0 {
                mean_norm / train_noise
            } else {
                f64::INFINITY
            },
            noise_scale: trace_1 / mean_sq,
        }
    };
    let mut total = (0.0, 0.0, 0);
    let mut per_layer = Vec::with_capacity(n_blocks);
    for layer in 0..n_blocks {
        let mut mean_sq = 0.0;
        let mut trace = 0.0;
        for (&s, &q) in sum[layer].iter().zip(&sum_sq[layer]) {
            let mean = s / k;
            mean_sq += mean * mean;
            trace += ((q - k * mean * mean) / (k - 1.0)).max(0.0);
        }
        total = (total.0 + mean_sq, total.1 + trace, total.2 + sizes[layer]);
        per_layer.push(stats(layer + 1, mean_sq, trace, sizes[layer]));
    }
    probes.gradients.push(stats(0, total.0, total.1, total.2));
    probes.gradients.extend(per_layer);
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn distinct_columns_counts_equal_units_once() {
        let weight = array![[1.0, 1.0, 2.0], [0.5, 0.5, 0.5]];
        let bias = array![[0.1, 0.1, 0.1]];
        assert_eq!(distinct_columns(&weight, &bias), 2);
        let bias = array![[0.1, 0.2, 0.1]];
        assert_eq!(distinct_columns(&weight, &bias), 3);
    }
}
